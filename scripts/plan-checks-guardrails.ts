/**
 * Checks over `terraform show -json <plan>` output for the root guardrails. Pure functions: each
 * returns a list of problems (empty = ok). Plan types and the resource walker are those of
 * scripts/plan-checks.ts.
 *
 * Values unknown at plan time are missing from `planned_values` and flagged in
 * `resource_changes[].change.after_unknown`; a check treats "unknown" as "set, value not readable".
 */
import { ConfigModule, Plan, PlannedResource, plannedResources, providerRegionOf } from './plan-checks';
import type { OrgGuardrailsConfig } from '../core/config';

type Json = Record<string, unknown>;
const ROOT_ARN_PATTERNS = ['arn:aws:iam::*:root', 'arn:*:iam::*:root'];

/** Stands for a value computed at apply time. */
const UNKNOWN = Symbol('unknown at plan time');

/** UNKNOWN when the attribute is computed at apply time, else its planned value (undefined if unset). */
function attribute(plan: Plan, r: PlannedResource, key: string): unknown {
  const v = r.values?.[key];
  if (v !== undefined && v !== null) return v;
  const change = plan.resource_changes?.find((c) => c.address === r.address);
  if (change?.change?.after_unknown?.[key] === true) return UNKNOWN;
  return v;
}

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const asStrings = (v: unknown): string[] => asArray(v as string | string[]).map((x) => String(x));

function statements(policyText: unknown): Json[] | string {
  if (typeof policyText !== 'string') return 'policy document is not known at plan time';
  try {
    const doc = JSON.parse(policyText) as Json;
    return asArray(doc.Statement as Json | Json[]).filter((s) => typeof s === 'object' && s !== null);
  } catch (e) {
    return `policy document is not valid JSON (${(e as Error).message})`;
  }
}

function conditionValues(stmt: Json, operators: string[], key: string): string[] {
  const cond = (stmt.Condition ?? {}) as Record<string, Record<string, unknown>>;
  const out: string[] = [];
  for (const [op, block] of Object.entries(cond)) {
    if (!operators.includes(op) || typeof block !== 'object' || block === null) continue;
    for (const [k, v] of Object.entries(block)) if (k.toLowerCase() === key.toLowerCase()) out.push(...asStrings(v));
  }
  return out;
}

/** A statement that denies everything to the root user (by aws:PrincipalArn). */
function isDenyRootStatement(s: Json): boolean {
  if (s.Effect !== 'Deny' || s.NotAction !== undefined) return false;
  if (!asStrings(s.Action).includes('*')) return false;
  const arns = conditionValues(s, ['StringLike', 'ArnLike', 'StringEquals', 'ArnEquals'], 'aws:PrincipalArn');
  return arns.some((a) => ROOT_ARN_PATTERNS.includes(a));
}

/** Does the statement exempt sts:AssumeRoot sessions (aws:AssumedRoot absent or false)? */
function exemptsAssumedRoot(s: Json): boolean {
  const isNull = conditionValues(s, ['Null'], 'aws:AssumedRoot');
  if (isNull.length === 1 && isNull[0] === 'true') return true;
  const notTrue = conditionValues(s, ['BoolIfExists'], 'aws:AssumedRoot');
  if (notTrue.length === 1 && notTrue[0] === 'false') return true;
  const differs = conditionValues(s, ['StringNotEqualsIfExists'], 'aws:AssumedRoot');
  return differs.length === 1 && differs[0] === 'true';
}

const stripIndex = (address: string) => address.replace(/\[[^\]]*\]/g, '');

/** Addresses (module prefix included, indexes stripped) that each configured resource references. */
function configReferences(plan: Plan): Map<string, string[]> {
  const refs = new Map<string, string[]>();
  const walk = (m: ConfigModule | undefined, prefix: string) => {
    if (!m) return;
    for (const r of m.resources ?? []) {
      const all: string[] = [];
      for (const expr of Object.values(r.expressions ?? {})) {
        const list = (expr as { references?: unknown }).references;
        if (Array.isArray(list)) all.push(...list.map((x) => prefix + String(x)));
      }
      refs.set(prefix + r.address, all);
    }
    for (const [name, call] of Object.entries(m.module_calls ?? {})) walk(call.module, `${prefix}module.${name}.`);
  };
  walk(plan.configuration?.root_module, '');
  return refs;
}

/**
 * The plan holds an SCP whose statement denies `*` to the root user (aws:PrincipalArn like
 * arn:aws:iam::*:root), exempts centralized root access sessions (aws:AssumedRoot), and is attached.
 * Every statement that denies root must carry the exemption (or it blocks sanctioned recovery).
 */
export function checkDenyRootScp(plan: Plan): string[] {
  const problems: string[] = [];
  const scps = plannedResources(plan, 'aws_organizations_policy')
    .filter((r) => (r.values?.type ?? 'SERVICE_CONTROL_POLICY') === 'SERVICE_CONTROL_POLICY');
  const denyRoot: PlannedResource[] = [];
  for (const scp of scps) {
    const stmts = statements(attribute(plan, scp, 'content'));
    if (typeof stmts === 'string') {
      problems.push(`${scp.address}: ${stmts}`);
      continue;
    }
    const rootStmts = stmts.filter(isDenyRootStatement);
    if (rootStmts.length === 0) continue;
    denyRoot.push(scp);
    rootStmts.filter((s) => !exemptsAssumedRoot(s)).forEach((s) => problems.push(
      `${scp.address}: statement ${String(s.Sid ?? '(no Sid)')} denies root without exempting AssumeRoot sessions (aws:AssumedRoot)`,
    ));
    const resources = rootStmts.flatMap((s) => asStrings(s.Resource));
    if (!resources.includes('*')) problems.push(`${scp.address}: the root deny does not cover Resource "*"`);
  }
  if (denyRoot.length === 0) {
    problems.push('no service control policy denies "*" to the root user (Effect Deny, Action "*", aws:PrincipalArn arn:aws:iam::*:root)');
    return problems;
  }

  const attachments = plannedResources(plan, 'aws_organizations_policy_attachment');
  const refs = configReferences(plan);
  for (const scp of denyRoot) {
    const scpAddress = stripIndex(scp.address);
    const attached = refs.size > 0
      ? attachments.some((a) => (refs.get(stripIndex(a.address)) ?? []).some((ref) => ref === scpAddress || ref.startsWith(`${scpAddress}.`)))
      : attachments.length > 0;
    if (!attached) problems.push(`${scp.address}: the root-deny SCP is not attached to any target`);
  }
  return problems;
}

/** Every aws_cloudtrail is multi-region, validates log files, records global service events, uses KMS and logs. */
export function checkTrail(plan: Plan): string[] {
  const trails = plannedResources(plan, 'aws_cloudtrail');
  if (trails.length === 0) return ['no aws_cloudtrail in the plan'];
  const problems: string[] = [];
  for (const t of trails) {
    const want = (key: string, label: string) => {
      if (attribute(plan, t, key) !== true) problems.push(`${t.address}: ${label} is not on (${key})`);
    };
    want('is_multi_region_trail', 'multi-region');
    want('enable_log_file_validation', 'log file validation');
    want('include_global_service_events', 'global service events');
    if (attribute(plan, t, 'enable_logging') === false) problems.push(`${t.address}: logging is disabled (enable_logging)`);
    const kms = attribute(plan, t, 'kms_key_id');
    if (kms !== UNKNOWN && (typeof kms !== 'string' || kms === '')) problems.push(`${t.address}: no KMS key (kms_key_id)`);
  }
  return problems;
}

/** Does the statement deny all S3 actions to everyone when aws:SecureTransport is false? */
function deniesInsecureTransport(s: Json): boolean {
  if (s.Effect !== 'Deny') return false;
  const principal = s.Principal;
  const everyone = principal === '*' || (typeof principal === 'object' && principal !== null
    && asStrings((principal as Json).AWS).includes('*'));
  if (!everyone) return false;
  if (!asStrings(s.Action).some((a) => a === 's3:*' || a === '*')) return false;
  const insecure = conditionValues(s, ['Bool', 'BoolIfExists'], 'aws:SecureTransport');
  return insecure.length > 0 && insecure.every((v) => v === 'false');
}

/** The bucket of every aws_cloudtrail has a bucket policy that denies requests without TLS. */
export function checkTrailBucketTls(plan: Plan): string[] {
  const trails = plannedResources(plan, 'aws_cloudtrail');
  if (trails.length === 0) return ['no aws_cloudtrail in the plan'];
  const policies = plannedResources(plan, 'aws_s3_bucket_policy');
  const problems: string[] = [];
  for (const t of trails) {
    const bucket = attribute(plan, t, 's3_bucket_name');
    if (typeof bucket !== 'string') {
      problems.push(`${t.address}: trail bucket name is not known at plan time`);
      continue;
    }
    const own = policies.filter((p) => attribute(plan, p, 'bucket') === bucket);
    if (own.length === 0) {
      problems.push(`${t.address}: no aws_s3_bucket_policy for trail bucket ${bucket}`);
      continue;
    }
    for (const p of own) {
      const stmts = statements(attribute(plan, p, 'policy'));
      if (typeof stmts === 'string') problems.push(`${p.address}: ${stmts}`);
      else if (!stmts.some(deniesInsecureTransport)) {
        problems.push(`${p.address}: bucket policy of ${bucket} does not deny aws:SecureTransport false`);
      }
    }
  }
  return problems;
}

/** A singleton the config says already exists: one of its type, in its region. */
export interface ExistingSingleton { type: string; region: string; what: string }

/** The account-level singletons the guardrails config declares as existing (to be imported, never created). */
export function existingSingletons(org: OrgGuardrailsConfig): ExistingSingleton[] {
  const out: ExistingSingleton[] = [];
  if (org.guardDuty.enabled) {
    for (const region of Object.keys(org.guardDuty.existingDetectorIds)) out.push({ type: 'aws_guardduty_detector', region, what: 'guardrails.guardDuty.existingDetectorIds' });
    if (org.guardDuty.existingDelegatedAdmin) for (const region of org.regions) out.push({ type: 'aws_guardduty_organization_admin_account', region, what: 'guardrails.guardDuty.existingDelegatedAdmin' });
  }
  if (org.securityHub.enabled) {
    for (const region of org.regions) {
      if (org.securityHub.adoptExisting) out.push({ type: 'aws_securityhub_account', region, what: 'guardrails.securityHub.adoptExisting' });
      if (org.securityHub.existingDelegatedAdmin) out.push({ type: 'aws_securityhub_organization_admin_account', region, what: 'guardrails.securityHub.existingDelegatedAdmin' });
      for (const std of org.securityHub.existingStandards) out.push({ type: `aws_securityhub_standards_subscription:${std}`, region, what: 'guardrails.securityHub.existingStandards' });
    }
  }
  return out;
}

/**
 * No plan creates a singleton the config says exists (a second GuardDuty detector, Security Hub
 * account, standards subscription or delegated administrator fails at apply): such a resource
 * must be imported (`change.importing`) instead. Standards subscriptions are told apart by
 * their `standards_arn`.
 */
export function checkNoSingletonCreates(plan: Plan, existing: readonly ExistingSingleton[]): string[] {
  const regionOf = providerRegionOf(plan);
  const planned = new Map(plannedResources(plan).map((r) => [r.address, r]));
  const problems: string[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (!(rc.change?.actions ?? []).includes('create') || rc.change?.importing) continue;
    const region = String(regionOf(rc.address));
    const arn = String(planned.get(rc.address)?.values?.standards_arn ?? '');
    const hit = existing.find((e) => {
      if (e.region !== region) return false;
      const [type, std] = e.type.split(':');
      return type === rc.type && (std === undefined || arn.endsWith(`/${std}`));
    });
    if (hit) problems.push(`${rc.address}: creates a ${rc.type} in ${region}, which ${hit.what} says exists (import it)`);
  }
  return problems;
}

/** All guardrail checks, for a plan that holds the SCPs and the hardened trail. */
export function checkGuardrails(plan: Plan): string[] {
  return [...checkDenyRootScp(plan), ...checkTrail(plan), ...checkTrailBucketTls(plan)];
}

/** CLI: `node plan-checks-guardrails.js plan.json [scp|trail|tls]...`, exit 1 on problems. */
if (require.main === module) {
  const fs = require('fs') as typeof import('fs');
  const [file, ...which] = process.argv.slice(2);
  if (!file) {
    console.error('usage: plan-checks-guardrails <plan.json> [scp|trail|tls]...');
    process.exit(2);
  }
  const plan = JSON.parse(fs.readFileSync(file, 'utf8')) as Plan;
  const checks: Record<string, (p: Plan) => string[]> = { scp: checkDenyRootScp, trail: checkTrail, tls: checkTrailBucketTls };
  const selected = which.length ? which : Object.keys(checks);
  const problems = selected.flatMap((w) => (checks[w] ? checks[w](plan) : [`unknown check ${w}`]));
  problems.forEach((p) => console.log(`FAIL ${p}`));
  if (problems.length === 0) console.log(`ok (${selected.join(', ')})`);
  process.exit(problems.length ? 1 : 0);
}
