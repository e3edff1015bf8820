/**
 * npm run validate:terraform — real Terraform over everything rootwatch generates:
 * every deploy root in terraform-out/stacks/*, the plain-Terraform roots in terraform-out/plain-terraform/*
 * (each spoke shape root once per account, with its accounts/<name>.tfvars) and every module's example root. For each: init (offline plugins), validate, plan (dummy credentials), show -json, then
 * the security checks of scripts/plan-checks.ts over the plan. Exit 1 on any failure.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadConfig } from '../cli/load-config';
import { REPO_ROOT } from '../build/paths';
import { offlineEnv, PLUGIN_DIR, tempRoot, terraformAvailable, validateAndPlan } from './terraform-offline';
import {
  checkBusPolicy,
  checkEncryption,
  checkForwardingToHub,
  checkLambdaLogGroups,
  checkNoWildcardActions,
  checkRootCoverage,
  checkRootRuleState,
  checkTargetsResilient,
  Plan,
  plannedResources,
} from './plan-checks';
import { hubBusName } from '../core/patterns';
import { spokeStackName } from '../stacks/app';
import { RootwatchConfig } from '../core/config';
import { checkDenyRootScp, checkNoSingletonCreates, checkTrail, checkTrailBucketTls, existingSingletons } from './plan-checks-guardrails';
import { checkPlanLimits } from './plan-checks-limits';
import { checkDashboardReferences } from './plan-checks-dashboard';
import { checkExpectedUseBinding } from './plan-checks-expected-use';
import { checkBusForwardersOnly, checkHeartbeatPerRegion, checkOneStalePathAlarm } from './plan-checks-coverage';
import { checkStackSet } from './plan-checks-stackset';
import { stackSetMonitorsManagement } from '../stacks/stackset-root';

interface Target { name: string; prepare: (work: string) => string; varFile?: string; account?: string }

/**
 * Every root rootwatch generates: the deploy stacks (stacks/*), the same roots in HCL
 * (plain-terraform/*) and each module's example (modules/<name>/examples/basic). Each is planned in a
 * copy of the whole output folder, so relative module sources resolve as in the repo.
 */
function targets(outDir: string): Target[] {
  const list: Target[] = [];
  const dirs = (rel: string) => (fs.existsSync(path.join(outDir, rel)) ? fs.readdirSync(path.join(outDir, rel)).sort() : []);
  const rels = [
    ...dirs('stacks').map((s) => `stacks/${s}`),
    ...dirs('plain-terraform').map((s) => `plain-terraform/${s}`),
    ...dirs('modules').map((m) => `modules/${m}/examples/basic`).filter((rel) => fs.existsSync(path.join(outDir, rel))),
  ];
  const prepare = (rel: string) => (work: string) => {
    fs.cpSync(outDir, path.join(work, 'out'), { recursive: true, filter: (src) => !/[/\\]\.terraform([/\\]|$)|\.tfstate/.test(src) });
    return path.join(work, 'out', rel);
  };
  for (const rel of rels) {
    // A spoke shape root (plain-terraform/spoke-<N>r-<hash>) is planned once per account, with its tfvars.
    const accounts = path.join(outDir, rel, 'accounts');
    const tfvars = fs.existsSync(accounts) ? fs.readdirSync(accounts).filter((f) => f.endsWith('.tfvars')).sort() : [];
    if (tfvars.length === 0) list.push({ name: rel, prepare: prepare(rel) });
    for (const f of tfvars) {
      const account = f.slice(0, -'.tfvars'.length);
      list.push({ name: `${rel} (accounts/${f})`, prepare: prepare(rel), varFile: `accounts/${f}`, account });
    }
  }
  return list;
}

/** Regions a stack must watch for root events (its account's configured regions); undefined: no such duty. */
function expectedRootRegions(target: string, config: RootwatchConfig, account?: string): readonly string[] | undefined {
  if (account !== undefined) return config.spokes.find((s) => s.name === account)?.regions;
  const root = target.replace(/^(stacks|plain-terraform)\//, '');
  if (root === target) return undefined;
  if (root === 'hub') return config.hub.regions;
  const mgmt = config.orgGuardrails?.managementAccount.accountId;
  if (root === 'guardrails' && mgmt && mgmt !== config.hub.accountId && !config.spokes.some((s) => s.accountId === mgmt)) return config.hub.regions;
  if (root === 'stackset' && stackSetMonitorsManagement(config)) return config.hub.regions; // issue 15
  const spoke = config.spokes.find((s) => root === spokeStackName(s));
  return spoke?.regions;
}

/** The stack's synthesized JSON (deploy stacks), for values a plan does not show; undefined for the example. */
function synthesizedConfiguration(dir: string): unknown {
  const file = path.join(dir, 'cdk.tf.json');
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;
}

/** What every target's checks compare against: the config, the bus admission it implies, the heartbeat's CloudTrail record. */
interface CheckContext {
  readonly config: RootwatchConfig;
  readonly expectedBus: Parameters<typeof checkBusPolicy>[1];
  readonly heartbeatRecord: Record<string, unknown>;
}

function checkContext(configFile: string): CheckContext {
  const config = loadConfig(configFile);
  const expectedBus = {
    accounts: config.spokes.map((s) => s.accountId),
    ...(config.hub.organizationId ? { organizationId: config.hub.organizationId } : {}),
  };
  // the heartbeat as CloudTrail records it, modelled on AWS's documented record (see the fixture's README)
  const heartbeatRecord = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, '__tests__', 'fixtures', 'events', 'heartbeat-tagqueue-synth.json'), 'utf8')) as Record<string, unknown>;
  return { config, expectedBus, heartbeatRecord };
}

/** The plan checks that apply to target `t` (planned in `dir`): one line per failed check. */
function planProblems(plan: Plan, t: Target, dir: string, { config, expectedBus, heartbeatRecord }: CheckContext): string[] {
  const has = (type: string) => plannedResources(plan, type).length > 0;
  const regions = expectedRootRegions(t.name, config, t.account);
  const example = t.name.startsWith('modules/'); // placeholder accounts, not the config's
  return [
    ...checkNoWildcardActions(plan),
    ...(example ? [] : checkBusPolicy(plan, expectedBus)),
    ...checkEncryption(plan),
    ...checkLambdaLogGroups(plan),
    ...checkDashboardReferences(plan),
    ...checkExpectedUseBinding(plan),
    ...(t.name === 'stacks/hub' && !has('aws_cloudwatch_dashboard') ? ['stacks/hub: no pipeline dashboard planned'] : []),
    ...checkRootRuleState(plan),
    ...checkTargetsResilient(plan),
    ...(example ? [] : checkForwardingToHub(plan, { region: config.hub.region, busName: hubBusName(config.namePrefix) })),
    ...(regions ? checkRootCoverage(plan, regions) : []),
    ...checkBusForwardersOnly(plan, config.namePrefix),
    ...(regions && config.alerts.heartbeat.enabled ? checkHeartbeatPerRegion(plan, config.namePrefix, heartbeatRecord) : []),
    ...(/(^|\/)hub$/.test(t.name) && config.alerts.heartbeat.enabled ? checkOneStalePathAlarm(plan) : []),
    ...(/(^|\/)stackset$/.test(t.name) && config.stackSet
      ? checkStackSet(plan, { regions: config.hub.regions, hubRegion: config.hub.region, hubAccountId: config.hub.accountId, busName: hubBusName(config.namePrefix), organizationalUnitIds: config.stackSet.organizationalUnitIds })
      : []),
    // Guardrail properties hold wherever those guardrails are planned.
    ...(has('aws_organizations_policy') ? checkDenyRootScp(plan) : []),
    ...(has('aws_cloudtrail') ? [...checkTrail(plan), ...checkTrailBucketTls(plan)] : []),
    // A service the config says exists is imported, never created a second time.
    ...(config.orgGuardrails ? checkNoSingletonCreates(plan, existingSingletons(config.orgGuardrails)) : []),
    // AWS quotas plan cannot see, on the plan and on the synthesized configuration beside it.
    ...checkPlanLimits(plan, synthesizedConfiguration(dir), (source) => {
      const file = path.join(dir, source, 'main.tf.json');
      return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;
    }),
  ];
}

/** Validate, plan and check one target in a scratch copy of the output; false when any step or check failed. */
async function validateTarget(t: Target, ctx: CheckContext): Promise<boolean> {
  const work = tempRoot();
  const started = Date.now();
  try {
    const dir = t.prepare(work);
    const outcome = await validateAndPlan(dir, offlineEnv(work), t.varFile ? { varFile: t.varFile } : {});
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    if (!outcome.ok) {
      console.log(`FAIL ${t.name}: terraform ${outcome.step}: ${outcome.message}`);
      return false;
    }
    const problems = planProblems(outcome.plan as Plan, t, dir, ctx);
    if (problems.length > 0) {
      console.log(`FAIL ${t.name}: ${problems.length} check(s) failed`);
      for (const p of problems) console.log(`     - ${p}`);
      return false;
    }
    console.log(`ok   ${t.name}: validate + plan (${outcome.resourceCount} resources) + checks, ${secs}s`);
    return true;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!terraformAvailable()) {
    console.log('validate-terraform: terraform is not on PATH; nothing was validated');
    process.exit(1);
  }
  if (!fs.existsSync(PLUGIN_DIR)) {
    console.log(`validate-terraform: provider folder ${PLUGIN_DIR} is missing (set TF_PLUGIN_DIR); nothing was validated`);
    process.exit(1);
  }
  const ctx = checkContext(process.argv[2] ?? path.join(REPO_ROOT, 'rootwatch.config.json'));
  const all = targets(path.resolve(process.argv[3] ?? path.join(REPO_ROOT, 'terraform-out')));
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < all.length) {
      if (!(await validateTarget(all[next++], ctx))) failed++;
    }
  };
  await Promise.all([worker(), worker()]);
  console.log(`validate-terraform: ${all.length - failed} of ${all.length} passed terraform validate, plan and the plan checks`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((err: unknown) => {
  console.error(`validate-terraform: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
