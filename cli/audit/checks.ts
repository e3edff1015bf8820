/**
 * The seven posture checks of `rootwatch audit`. Each check gets the audit context (lazily loaded SDK
 * modules, clients, the calling wrapper) and returns a status and a one-line detail; a call that is
 * denied or fails makes the check `error` (the other checks still run).
 */
import type { GetAlternateContactCommandOutput } from '@aws-sdk/client-account';
import type {
  DescribeTrailsCommandOutput,
  GetTrailStatusCommandOutput,
  Trail,
} from '@aws-sdk/client-cloudtrail';
import type {
  GenerateCredentialReportCommandOutput,
  GetAccountPasswordPolicyCommandOutput,
  GetAccountSummaryCommandOutput,
  GetCredentialReportCommandOutput,
} from '@aws-sdk/client-iam';
import type {
  DescribeOrganizationCommandOutput,
  DescribePolicyCommandOutput,
  ListParentsCommandOutput,
  ListPoliciesForTargetCommandOutput,
  PolicySummary,
} from '@aws-sdk/client-organizations';
import { AccessDeniedError, AuditAbort, AwsCaller, AwsCallError, errorMessage, isErrorCode } from './aws-call';
import {
  CredentialReportRow,
  decodeReportContent,
  findRootRow,
  isUnparseableDate,
  parseCredentialReport,
  reportBool,
  reportDate,
  ROOT_USER,
} from './credential-report';
import { policyDeniesRoot } from './scp';
import type { AuditClients, AuditSdk, CheckId, CheckResult, CheckStatus } from './types';

export const DEFAULT_SCP_POLICY_NAME = 'rootwatch-deny-root';
const MIN_PASSWORD_LENGTH = 14;
const RECENT_ROOT_USE_DAYS = 90;
const ALTERNATE_CONTACT_TYPES = ['BILLING', 'OPERATIONS', 'SECURITY'] as const;

export interface AuditContext {
  sdk: AuditSdk;
  clients: AuditClients;
  caller: AwsCaller;
  accountId: string;
  scpPolicyName: string;
  reportPollAttempts: number;
  reportPollMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
  /** regions the config monitors for this account (from --config); the trail check then proves each is covered */
  monitoredRegions?: readonly string[];
}

interface Verdict {
  status: CheckStatus;
  detail: string;
}

/** A check could not reach a verdict. */
class CheckError extends Error {}

const DAY_MS = 86_400_000;

function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}

function reason(err: unknown): string {
  if (err instanceof AccessDeniedError || err instanceof AwsCallError || err instanceof CheckError) return err.message;
  return errorMessage(err);
}

/** Shared, memoized reads (several checks use the account summary and the credential report). */
class AuditData {
  constructor(private readonly ctx: AuditContext) {}

  readonly summary = once(async (): Promise<Record<string, number>> => {
    const { caller, clients, sdk } = this.ctx;
    const out = await caller.send<GetAccountSummaryCommandOutput>(
      clients.iam,
      'GetAccountSummary',
      new sdk.iam.GetAccountSummaryCommand({}),
    );
    return (out.SummaryMap ?? {}) as Record<string, number>;
  });

  readonly credentialReport = once(async (): Promise<CredentialReportRow[]> => {
    const { caller, clients, sdk, reportPollAttempts, reportPollMs, sleep } = this.ctx;
    for (let attempt = 1; ; attempt++) {
      const gen = await caller.send<GenerateCredentialReportCommandOutput>(
        clients.iam,
        'GenerateCredentialReport',
        new sdk.iam.GenerateCredentialReportCommand({}),
      );
      if (gen.State === 'COMPLETE') break;
      if (attempt >= reportPollAttempts) {
        throw new CheckError(`credential report still ${gen.State ?? 'not ready'} after ${attempt} attempts`);
      }
      await sleep(reportPollMs);
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const got = await caller.send<GetCredentialReportCommandOutput>(
          clients.iam,
          'GetCredentialReport',
          new sdk.iam.GetCredentialReportCommand({}),
        );
        return parseCredentialReport(decodeReportContent(got.Content));
      } catch (err) {
        if (isErrorCode(err, 'CredentialReportNotReadyException', 'ReportInProgress') && attempt < reportPollAttempts) {
          await sleep(reportPollMs);
          continue;
        }
        throw err;
      }
    }
  });

  readonly rootRow = once(async (): Promise<CredentialReportRow> => {
    const row = findRootRow(await this.credentialReport());
    if (!row) throw new CheckError(`credential report has no ${ROOT_USER} row`);
    return row;
  });
}

function settledValue<T>(r: PromiseSettledResult<T>): T | undefined {
  if (r.status === 'rejected' && r.reason instanceof AuditAbort) throw r.reason;
  return r.status === 'fulfilled' ? r.value : undefined;
}

function settledReason<T>(label: string, r: PromiseSettledResult<T>): string | undefined {
  return r.status === 'rejected' ? `${label}: ${reason(r.reason)}` : undefined;
}

/**
 * The account summary and the root row of the credential report, for the checks that decide from
 * either: each may be missing (`note` says why); both missing is a CheckError.
 */
async function summaryAndRootRow(data: AuditData): Promise<{ summary: Record<string, number> | undefined; row: CredentialReportRow | undefined; note: string }> {
  const [s, r] = await Promise.allSettled([data.summary(), data.rootRow()]);
  const summary = settledValue(s);
  const row = settledValue(r);
  if (!summary && !row) {
    throw new CheckError([settledReason('account summary', s), settledReason('credential report', r)].join('; '));
  }
  const missing = settledReason('account summary', s) ?? settledReason('credential report', r);
  return { summary, row, note: missing ? ` (${missing})` : '' };
}

// 1 ------------------------------------------------------------------------------------------------
async function checkRootMfa(_ctx: AuditContext, data: AuditData): Promise<Verdict> {
  const { summary, row, note } = await summaryAndRootRow(data);
  const facts: string[] = [];
  let enabled = true;
  if (summary) {
    const v = summary.AccountMFAEnabled;
    facts.push(`AccountMFAEnabled=${v ?? 'absent'}`);
    if (v !== 1) enabled = false;
  }
  if (row) {
    const mfa = reportBool(row.mfa_active);
    facts.push(`credential report mfa_active=${row.mfa_active ?? 'absent'}`);
    if (mfa !== true) enabled = false;
  }
  return enabled
    ? { status: 'pass', detail: `root MFA enabled (${facts.join(', ')})${note}` }
    : { status: 'fail', detail: `root MFA not enabled (${facts.join(', ')})${note}` };
}

// 2 ------------------------------------------------------------------------------------------------
function describeKey(row: CredentialReportRow, n: 1 | 2): string | undefined {
  const active = reportBool(row[`access_key_${n}_active`]);
  const rotated = reportDate(row[`access_key_${n}_last_rotated`]);
  if (!active && !rotated) return undefined;
  const used = reportDate(row[`access_key_${n}_last_used_date`]);
  const where = [row[`access_key_${n}_last_used_service`], row[`access_key_${n}_last_used_region`]]
    .filter((v) => v && v !== 'N/A')
    .join(' in ');
  const usage = used ? `last used ${iso(used)}${where ? ` (${where})` : ''}` : 'never used';
  return `key ${n} ${active ? 'active' : 'inactive'}, ${usage}`;
}

async function checkRootAccessKeys(_ctx: AuditContext, data: AuditData): Promise<Verdict> {
  const { summary, row, note } = await summaryAndRootRow(data);
  const present = summary ? (summary.AccountAccessKeysPresent ?? 0) > 0 : false;
  const keys = row ? [describeKey(row, 1), describeKey(row, 2)].filter((k): k is string => !!k) : [];
  if (present || keys.length > 0) {
    const what = keys.length > 0 ? keys.join('; ') : 'AccountAccessKeysPresent=1, none active in the credential report';
    return { status: 'fail', detail: `root has access keys: ${what}${note}` };
  }
  return { status: 'pass', detail: `no root access keys${note}` };
}

// 3 ------------------------------------------------------------------------------------------------
async function checkRootPasswordLastUsed(ctx: AuditContext, data: AuditData): Promise<Verdict> {
  const row = await data.rootRow();
  const raw = row.password_last_used;
  if (raw === undefined) throw new CheckError('credential report has no password_last_used column');
  if (isUnparseableDate(raw)) throw new CheckError(`unreadable password_last_used '${raw}'`);
  const used = reportDate(raw);
  if (!used) return { status: 'pass', detail: `no root password sign-in recorded (${raw || 'empty'})` };
  const days = Math.floor((ctx.now().getTime() - used.getTime()) / DAY_MS);
  if (days < RECENT_ROOT_USE_DAYS) {
    return {
      status: 'warn',
      detail: `root password used ${Math.max(days, 0)} day(s) ago (${iso(used)}), within ${RECENT_ROOT_USE_DAYS} days`,
    };
  }
  return { status: 'pass', detail: `root password last used ${iso(used)} (${days} days ago)` };
}

// 4 ------------------------------------------------------------------------------------------------
async function checkAlternateContacts(ctx: AuditContext): Promise<Verdict> {
  const set: string[] = [];
  const unset: string[] = [];
  for (const type of ALTERNATE_CONTACT_TYPES) {
    try {
      const out = await ctx.caller.send<GetAlternateContactCommandOutput>(
        ctx.clients.account,
        'GetAlternateContact',
        new ctx.sdk.account.GetAlternateContactCommand({ AlternateContactType: type }),
      );
      if (out.AlternateContact?.EmailAddress) set.push(type);
      else unset.push(type);
    } catch (err) {
      if (isErrorCode(err, 'ResourceNotFoundException')) unset.push(type);
      else throw err;
    }
  }
  if (unset.length > 0) {
    return {
      status: 'fail',
      detail: `not set: ${unset.join(', ')}${set.length ? ` (set: ${set.join(', ')})` : ''}`,
    };
  }
  return { status: 'pass', detail: `${set.join(', ')} set` };
}

// 5 ------------------------------------------------------------------------------------------------
async function checkPasswordPolicy(ctx: AuditContext): Promise<Verdict> {
  let out: GetAccountPasswordPolicyCommandOutput;
  try {
    out = await ctx.caller.send<GetAccountPasswordPolicyCommandOutput>(
      ctx.clients.iam,
      'GetAccountPasswordPolicy',
      new ctx.sdk.iam.GetAccountPasswordPolicyCommand({}),
    );
  } catch (err) {
    if (isErrorCode(err, 'NoSuchEntityException', 'NoSuchEntity')) {
      return { status: 'fail', detail: 'no account password policy (NoSuchEntity)' };
    }
    throw err;
  }
  const p = out.PasswordPolicy ?? {};
  const min = p.MinimumPasswordLength ?? 0;
  const extra = p.PasswordReusePrevention ? `, reuse prevention ${p.PasswordReusePrevention}` : '';
  if (min < MIN_PASSWORD_LENGTH) {
    return { status: 'fail', detail: `MinimumPasswordLength ${min} < ${MIN_PASSWORD_LENGTH}${extra}` };
  }
  return { status: 'pass', detail: `MinimumPasswordLength ${min}${extra}` };
}

// 6 ------------------------------------------------------------------------------------------------
function trailProblems(t: Trail): string[] {
  const problems: string[] = [];
  if (!t.IsMultiRegionTrail) problems.push('single-region');
  if (!t.LogFileValidationEnabled) problems.push('no log file validation');
  if (!t.IncludeGlobalServiceEvents) problems.push('no global service events');
  return problems;
}

async function checkTrail(ctx: AuditContext): Promise<Verdict> {
  const out = await ctx.caller.send<DescribeTrailsCommandOutput>(
    ctx.clients.cloudtrail,
    'DescribeTrails',
    new ctx.sdk.cloudtrail.DescribeTrailsCommand({ includeShadowTrails: true }),
  );
  const trails = out.trailList ?? [];
  const regions = ctx.monitoredRegions;
  if (trails.length === 0) {
    return { status: 'fail', detail: `no CloudTrail trail${regions ? `: no monitored region (${regions.join(', ')}) delivers root events to EventBridge` : ''}` };
  }
  const notes: string[] = [];
  let compliant: Verdict | undefined;
  // Regions with a logging trail: EventBridge receives CloudTrail events of a region only while a
  // trail logs there (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html).
  let allRegions = false;
  const covered = new Set<string>();
  for (const t of trails) {
    const name = t.Name ?? t.TrailARN ?? '?';
    const problems = trailProblems(t);
    if (problems.length > 0 && !regions) {
      notes.push(`${name}: ${problems.join(', ')}`);
      continue;
    }
    // The ARN works for shadow and organization trails, where the bare name does not.
    const status = await ctx.caller.send<GetTrailStatusCommandOutput>(
      ctx.clients.cloudtrail,
      'GetTrailStatus',
      new ctx.sdk.cloudtrail.GetTrailStatusCommand({ Name: t.TrailARN ?? name }),
    );
    if (status.IsLogging) {
      if (t.IsMultiRegionTrail) allRegions = true;
      else if (t.HomeRegion) covered.add(t.HomeRegion);
    }
    if (problems.length === 0 && status.IsLogging) {
      const org = t.IsOrganizationTrail ? ', organization trail' : '';
      compliant ??= { status: 'pass', detail: `${name}: multi-region, log file validation, global service events, logging${org}` };
      continue;
    }
    if (!status.IsLogging) problems.push('not logging');
    notes.push(`${name}: ${problems.join(', ')}`);
  }
  const uncovered = regions && !allRegions ? regions.filter((r) => !covered.has(r)) : [];
  if (uncovered.length > 0) {
    return {
      status: 'fail',
      detail: `no logging trail covers monitored region(s) ${uncovered.join(', ')}: root events there never reach EventBridge${notes.length ? ` (${notes.join('; ')})` : ''}`,
    };
  }
  if (compliant) return regions ? { ...compliant, detail: `${compliant.detail}; covers every monitored region (${regions.length})` } : compliant;
  return { status: 'fail', detail: `no compliant trail (${notes.join('; ')})` };
}

// 7 ------------------------------------------------------------------------------------------------
const MEMBER_HINT = 'member accounts cannot read Organizations policies; run from the management account or a delegated administrator';

/** The organization's verdict before any SCP is read: none, not all features, or the management account. */
async function organizationVerdict(ctx: AuditContext): Promise<Verdict | null> {
  const { caller, clients, sdk, accountId } = ctx;
  let org: DescribeOrganizationCommandOutput['Organization'];
  try {
    org = (
      await caller.send<DescribeOrganizationCommandOutput>(
        clients.organizations,
        'DescribeOrganization',
        new sdk.organizations.DescribeOrganizationCommand({}),
      )
    ).Organization;
  } catch (err) {
    if (isErrorCode(err, 'AWSOrganizationsNotInUseException')) {
      return { status: 'fail', detail: 'not in an organization: no SCP can deny the root user' };
    }
    if (err instanceof AccessDeniedError) return { status: 'warn', detail: `cannot verify: ${err.message}` };
    throw err;
  }
  if (org?.FeatureSet && org.FeatureSet !== 'ALL') {
    return { status: 'fail', detail: `organization ${org.Id ?? ''} has feature set ${org.FeatureSet}: SCPs need ALL features` };
  }
  const managementAccount = org?.MasterAccountId ?? org?.MasterAccountArn?.split('/').pop();
  if (managementAccount && managementAccount === accountId) {
    return {
      status: 'warn',
      detail: 'management account: SCPs never restrict its root user; rely on root MFA and alerts',
    };
  }
  return null;
}

/** The SCPs attached to the account and to each parent up to the root. */
async function attachedScps(ctx: AuditContext): Promise<Array<{ policy: PolicySummary; target: string }>> {
  const { caller, clients, sdk, accountId } = ctx;
  const attached: Array<{ policy: PolicySummary; target: string }> = [];
  const targets = [accountId];
  let child = accountId;
  for (let depth = 0; depth < 10; depth++) {
    const out = await caller.send<ListParentsCommandOutput>(
      clients.organizations,
      'ListParents',
      new sdk.organizations.ListParentsCommand({ ChildId: child }),
    );
    const parent = out.Parents?.[0];
    if (!parent?.Id) break;
    targets.push(parent.Id);
    if (parent.Type === 'ROOT') break;
    child = parent.Id;
  }
  for (const target of targets) {
    let token: string | undefined;
    do {
      const out: ListPoliciesForTargetCommandOutput = await caller.send<ListPoliciesForTargetCommandOutput>(
        clients.organizations,
        'ListPoliciesForTarget',
        new sdk.organizations.ListPoliciesForTargetCommand({
          TargetId: target,
          Filter: 'SERVICE_CONTROL_POLICY',
          NextToken: token,
        }),
      );
      for (const policy of out.Policies ?? []) attached.push({ policy, target });
      token = out.NextToken;
    } while (token);
  }
  return attached;
}

/** Pass when rootwatch's SCP (by name) or any customer SCP attached denies the root user. */
async function scpVerdict(ctx: AuditContext, attached: Array<{ policy: PolicySummary; target: string }>): Promise<Verdict> {
  const { caller, clients, sdk, accountId, scpPolicyName } = ctx;
  const byName = attached.find((a) => a.policy.Name === scpPolicyName);
  if (byName) {
    return { status: 'pass', detail: `${scpPolicyName} (${byName.policy.Id}) attached to ${byName.target}` };
  }
  const seen = new Set<string>();
  for (const a of attached) {
    const id = a.policy.Id;
    if (!id || a.policy.AwsManaged || seen.has(id)) continue;
    seen.add(id);
    let content: string | undefined;
    try {
      content = (
        await caller.send<DescribePolicyCommandOutput>(
          clients.organizations,
          'DescribePolicy',
          new sdk.organizations.DescribePolicyCommand({ PolicyId: id }),
        )
      ).Policy?.Content;
    } catch (err) {
      if (err instanceof AccessDeniedError) {
        return { status: 'warn', detail: `no SCP named ${scpPolicyName}; cannot read the others: ${err.message}` };
      }
      throw err;
    }
    if (policyDeniesRoot(content)) {
      return { status: 'pass', detail: `${a.policy.Name ?? id} (${id}) attached to ${a.target} denies the root user` };
    }
  }
  const names = [...new Set(attached.map((a) => a.policy.Name ?? a.policy.Id ?? '?'))];
  return {
    status: 'fail',
    detail: `no SCP named ${scpPolicyName} or denying root on ${accountId} or its parents (attached: ${names.join(', ') || 'none'})`,
  };
}

async function checkDenyRootScp(ctx: AuditContext): Promise<Verdict> {
  const gate = await organizationVerdict(ctx);
  if (gate) return gate;
  let attached: Array<{ policy: PolicySummary; target: string }>;
  try {
    attached = await attachedScps(ctx);
  } catch (err) {
    if (err instanceof AccessDeniedError) return { status: 'warn', detail: `cannot verify: ${err.message} (${MEMBER_HINT})` };
    throw err;
  }
  return scpVerdict(ctx, attached);
}

// -------------------------------------------------------------------------------------------------
export interface CheckDefinition {
  id: CheckId;
  title: string;
  run: (ctx: AuditContext, data: AuditData) => Promise<Verdict>;
}

export const CHECKS: readonly CheckDefinition[] = [
  { id: 'root-mfa', title: 'Root MFA enabled', run: checkRootMfa },
  { id: 'root-access-keys', title: 'No root access keys', run: checkRootAccessKeys },
  { id: 'root-password-last-used', title: 'Root password not used recently', run: checkRootPasswordLastUsed },
  { id: 'alternate-contacts', title: 'Alternate contacts set', run: checkAlternateContacts },
  { id: 'password-policy', title: `Password policy (length >= ${MIN_PASSWORD_LENGTH})`, run: checkPasswordPolicy },
  { id: 'cloudtrail', title: 'Multi-region trail, validated, logging', run: checkTrail },
  { id: 'deny-root-scp', title: 'Covered by the deny-root SCP', run: checkDenyRootScp },
];

/**
 * Runs every check (concurrently; the shared reads are made once). A check whose calls are denied or
 * fail becomes `error`; credential/region problems (AuditAbort) abort the whole audit.
 */
export async function runChecks(ctx: AuditContext): Promise<CheckResult[]> {
  const data = new AuditData(ctx);
  const settled = await Promise.allSettled(CHECKS.map((c) => c.run(ctx, data)));
  const abort = settled.find(
    (s): s is PromiseRejectedResult => s.status === 'rejected' && s.reason instanceof AuditAbort,
  );
  if (abort) throw abort.reason;
  return settled.map((s, i) => {
    const { id, title } = CHECKS[i];
    if (s.status === 'fulfilled') return { id, title, ...s.value };
    return { id, title, status: 'error', detail: reason(s.reason) };
  });
}
