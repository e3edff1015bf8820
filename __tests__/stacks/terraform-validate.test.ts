/**
 * Real Terraform (offline) over the generated roots and modules: init from the local plugin folder,
 * validate, plan with dummy credentials, and checks over the plan JSON.
 * - a spoke with its own region list gets rules in exactly those regions, from the cdktf deploy
 *   root and from the plain-Terraform root alike;
 * - the hub module refuses (plan fails) a provider outside hub_region;
 * - a bad module input fails with the variable's validation message, and inputs that cross an AWS
 *   quota (core/limits.ts) fail plan with the limit's message;
 * - the moved blocks carry a state of the pre-module stacks (0.1.0 addresses) over with nothing to destroy.
 */
import * as fs from 'fs';
import * as path from 'path';
import { synthesize } from '../../cli/synth';
import { loadConfig } from '../../cli/load-config';
import { offlineEnv, offlineOverride, PLUGIN_DIR, providerSettings, run, terraformAvailable, validateAndPlan } from '../../scripts/terraform-offline';
import { checkEncryption, checkNoWildcardActions, Plan, plannedResources, rootRuleRegions } from '../../scripts/plan-checks';
import { EXAMPLE_CONFIG, FIXTURES, readJson } from '../helpers/configs';
import { rmrf, tempDir } from '../helpers/tree';
import { NAME_PREFIX_MAX_LENGTH } from '../../core/limits';
import { MAX_LISTED_SPOKES } from '../../core/config';
import { spokeModuleName } from '../../stacks/spoke-module';

const missing = !terraformAvailable() ? 'terraform is not on PATH' : !fs.existsSync(PLUGIN_DIR) ? `${PLUGIN_DIR} is missing` : undefined;
if (missing) console.log(`terraform tests of the generated roots skipped: ${missing}`);
const maybe = missing ? it.skip : it;

let tmp: string;
let out: string;
beforeAll(async () => {
  tmp = tempDir('tf');
  out = path.join(tmp, 'terraform-out');
  if (!missing) await synthesize(loadConfig(EXAMPLE_CONFIG), out);
}, 120_000);
afterAll(() => rmrf(tmp));

/** A copy of the whole output (module sources are relative), returning the copy of `rel`. */
function copyOf(rel: string): string {
  const work = fs.mkdtempSync(path.join(tmp, 'work-'));
  fs.cpSync(out, path.join(work, 'out'), { recursive: true });
  return path.join(work, 'out', rel);
}

// The plain-Terraform spoke root is one per region set (shape), planned with the account's tfvars.
const STAGING_SHAPE = `plain-terraform/${spokeModuleName(['us-east-1', 'eu-west-1'])}`;
describe.each([['stacks/spoke-staging', ''], [STAGING_SHAPE, 'accounts/staging.tfvars']])('%s %s (a spoke with its own regions)', (rel, varFile) => {
  maybe('plans root rules in exactly its regions, each targeting the hub bus in the hub region', async () => {
    const dir = copyOf(rel);
    const outcome = await validateAndPlan(dir, offlineEnv(path.dirname(dir)), varFile ? { varFile } : {});
    expect({ step: outcome.step, message: outcome.message }).toEqual({ step: 'done', message: 'ok' });
    const plan = outcome.plan as Plan;
    expect(rootRuleRegions(plan)).toEqual(['eu-west-1', 'us-east-1']);
    const targets = plannedResources(plan, 'aws_cloudwatch_event_target');
    expect(targets.length).toBeGreaterThanOrEqual(2);
    for (const t of targets) expect(t.values.arn).toBe('arn:aws:events:eu-west-1:111111111111:event-bus/rootwatch-root-events');
    expect(checkNoWildcardActions(plan)).toEqual([]);
    expect(checkEncryption(plan)).toEqual([]);
  }, 300_000);
});

/** A root of our own next to the generated modules, planned offline. */
async function planRoot(name: string, hcl: string): Promise<{ code: number; text: string }> {
  const dir = copyOf(`modules/${name}/examples/basic`);
  const env = offlineEnv(path.dirname(dir));
  fs.writeFileSync(path.join(dir, 'main.tf'), hcl);
  const { aliases, assumesRole, hasDefault } = providerSettings(dir);
  fs.writeFileSync(path.join(dir, 'zz_override.tf.json'), offlineOverride(aliases, assumesRole, hasDefault));
  const init = await run(['init', '-input=false', '-no-color', `-plugin-dir=${PLUGIN_DIR}`], dir, env);
  if (init.code !== 0) return { code: init.code, text: init.stderr };
  const plan = await run(['plan', '-input=false', '-lock=false', '-refresh=false', '-no-color'], dir, env);
  return { code: plan.code, text: (plan.stderr + plan.stdout).replace(/[│╷╵]/g, ' ').replace(/\s+/g, ' ') };
}

maybe('the hub module fails plan with the precondition\'s message when its provider is not in hub_region', async () => {
  const example = fs.readFileSync(path.join(out, 'modules', 'hub', 'examples', 'basic', 'main.tf'), 'utf8');
  const wrong = example.replace(/provider "aws" \{\n {2}region = "eu-west-1"\n\}/, 'provider "aws" {\n  region = "us-east-2"\n}');
  expect(wrong).not.toBe(example);
  const r = await planRoot('hub', wrong);
  expect(r.code).toBe(1);
  expect(r.text).toContain('the aws provider passed to this module is in us-east-2 but hub_region is eu-west-1');
}, 300_000);

maybe('a bad module input fails with the variable\'s validation message', async () => {
  const example = fs.readFileSync(path.join(out, 'modules', 'spoke-region', 'examples', 'basic', 'main.tf'), 'utf8');
  const bad = example.replace('spoke_account_id = "222222222222"', 'spoke_account_id = "2222"').replace('name_prefix = "rootwatch"', 'name_prefix = ""');
  const r = await planRoot('spoke-region', bad);
  expect(r.code).toBe(1);
  expect(r.text).toContain('spoke_account_id must be a 12-digit AWS account ID.');
  expect(r.text).toContain(`name_prefix must be 1-${NAME_PREFIX_MAX_LENGTH} lowercase letters`);
}, 300_000);

maybe('module inputs that would cross an AWS quota fail plan with the limit\'s message (core/limits.ts numbers)', async () => {
  const hub = fs.readFileSync(path.join(out, 'modules', 'hub', 'examples', 'basic', 'main.tf'), 'utf8');
  const tooMany = Array.from({ length: MAX_LISTED_SPOKES + 1 }, (_, i) => `"${String(100000000000 + i)}"`).join(', ');
  const badHub = hub.replace('name_prefix = "rootwatch"', `name_prefix = "${'a'.repeat(NAME_PREFIX_MAX_LENGTH + 1)}"`)
    .replace(/admitted_account_ids = \[[^\]]*\]/, `admitted_account_ids = [${tooMany}]`);
  expect(badHub).not.toBe(hub);
  const r = await planRoot('hub', badHub);
  expect(r.code).toBe(1);
  expect(r.text).toContain(`name_prefix must be 1-${NAME_PREFIX_MAX_LENGTH} lowercase letters`);
  expect(r.text).toContain(`admitted_account_ids must hold at most ${MAX_LISTED_SPOKES} items`);
  // (The trail bucket <prefix>-trail-<account>-<region> keeps its plan-time length precondition, but
  // with the 21-character prefix it is at most 55 characters in the longest region: unreachable here.)
}, 300_000);

maybe('the longest name prefix the config admits plans in every module that derives a name_prefix from it (heartbeat role: <prefix>-heartbeat-)', async () => {
  const longest = 'a'.repeat(NAME_PREFIX_MAX_LENGTH);
  const account = fs.readFileSync(path.join(out, 'modules', 'account', 'examples', 'basic', 'main.tf'), 'utf8');
  const withLongest = account.replace('name_prefix = "rootwatch"', `name_prefix = "${longest}"`)
    .replace('trail = null', 'trail = { log_retention_days = 365, transition_to_glacier_days = 90, object_lock_days = null }');
  expect(withLongest).toContain(longest);
  const r = await planRoot('account', withLongest);
  expect(r.text).not.toMatch(/Error: /);
  expect(r.code).toBe(0);

  // the hub's roles: notifier, both alerters and the expected-use declarer (the longest suffix)
  const hub = fs.readFileSync(path.join(out, 'modules', 'hub', 'examples', 'basic', 'main.tf'), 'utf8');
  const hubLongest = hub.replace('name_prefix = "rootwatch"', `name_prefix = "${longest}"\n  expected_use = true`)
    .replace('slack_webhook_parameter_name = null', 'slack_webhook_parameter_name = "/rootwatch/slack"')
    .replace('pagerduty_routing_key_parameter_name = null', 'pagerduty_routing_key_parameter_name = "/rootwatch/pagerduty"');
  expect(hubLongest).toContain('"/rootwatch/pagerduty"');
  const h = await planRoot('hub', hubLongest);
  expect(h.text).not.toMatch(/Error: /);
  expect(h.text).toMatch(/name_prefix += "a+-expect-declarer-"/);
  expect(h.code).toBe(0);
}, 300_000);

const REPLACED_BY_COVERAGE = /^aws_cloudwatch_metric_alarm\.hub_heartbeat-|^aws_(iam_role|iam_role_policy|scheduler_schedule)\.heartbeat_/;

/** Attributes AWS fills in that a real state holds (the old configs did not set them). */
const AWS_DEFAULTS: Record<string, Record<string, unknown>> = {
  aws_kms_key: { key_usage: 'ENCRYPT_DECRYPT', customer_master_key_spec: 'SYMMETRIC_DEFAULT' },
  aws_sns_topic: { fifo_topic: false },
};

/** A value for each computed string attribute (ARNs, key ids, URLs), as AWS would have recorded. */
function computed(block: { attributes?: Record<string, { type?: unknown; computed?: boolean; optional?: boolean }> }, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [attr, spec] of Object.entries(block.attributes ?? {})) {
    if (spec.computed && !spec.optional && spec.type === "string") out[attr] = attr.endsWith('arn') ? `arn:aws:old:us-east-1:123456789012:${name}` : `old-${name}-${attr}`;
  }
  return out;
}

maybe.each(['spoke-prod', 'hub'])('moved blocks: a state of the pre-module %s stack plans with nothing to destroy', async (stack) => {
  const old = readJson(path.join(FIXTURES, '..', 'pre-module-addresses.json')).stacks[stack] as { address: string; provider: string; literals: Record<string, unknown> }[];
  const dir = copyOf(`stacks/${stack}`);
  const env = offlineEnv(path.dirname(dir));
  const { aliases, assumesRole, hasDefault } = providerSettings(dir);
  fs.writeFileSync(path.join(dir, 'zz_override.tf.json'), offlineOverride(aliases, assumesRole, hasDefault));
  expect((await run(['init', '-input=false', '-no-color', `-plugin-dir=${PLUGIN_DIR}`], dir, env)).code).toBe(0);
  // Each resource at its old address, with the schema version the provider expects and the literal
  // attributes the old stack gave it (names, bucket, hash key...: what decides a replacement).
  const schema = JSON.parse((await run(['providers', 'schema', '-json'], dir, env)).stdout);
  const versions = Object.values<any>(schema.provider_schemas)[0].resource_schemas;
  const state = {
    version: 4,
    terraform_version: '1.11.4',
    serial: 1,
    lineage: 'rootwatch-moved-test',
    outputs: {},
    resources: old.map(({ address, provider, literals }) => {
      const [type, name] = address.split('.');
      return {
        mode: 'managed', type, name,
        provider: `provider["registry.terraform.io/hashicorp/aws"]${provider === 'aws' ? '' : provider.slice('aws'.length)}`,
        instances: [{ schema_version: versions[type].version ?? 0, attributes: { ...computed(versions[type].block, name), ...(AWS_DEFAULTS[type] ?? {}), ...literals, id: `old-${name}` } }],
      };
    }),
  };
  fs.writeFileSync(path.join(dir, 'terraform.tfstate'), JSON.stringify(state));
  const plan = await run(['plan', '-input=false', '-lock=false', '-refresh=false', '-no-color', '-out=plan.bin'], dir, env);
  expect(plan.stderr).toBe('');
  const json = JSON.parse((await run(['show', '-json', 'plan.bin'], dir, env)).stdout);
  const changes = json.resource_changes as { address: string; previous_address?: string; change: { actions: string[]; replace_paths?: unknown } }[];
  // Nothing is destroyed for good (no orphan), and what holds data is not even replaced. (Other
  // resources may show a replacement here because the test state lacks their computed attributes.)
  // ...but for what the coverage ledger replaces: the per-account heartbeat alarms and the custom-event canary
  // (the per-account heartbeat alarms are forgotten by `removed` blocks: destroy = false)
  const replaced = old.filter((o) => REPLACED_BY_COVERAGE.test(o.address)).map((o) => o.address).sort();
  const deleted = changes.filter((c) => c.change.actions.join() === 'delete').map((c) => c.address).sort();
  expect(deleted).toEqual(replaced.filter((a) => !a.startsWith('aws_cloudwatch_metric_alarm.hub_heartbeat-')));
  // E-mail subscriptions too: a new one would need confirming again. (Lambda subscriptions are not
  // data, and the test state lacks their endpoint.)
  const stateful = /^(aws_kms_key|aws_sns_topic|aws_dynamodb_table|aws_s3_bucket|aws_cloudtrail|aws_cloudwatch_log_group)$|^aws_sns_topic_subscription\.hub_email_/;
  expect(changes.filter((c) => stateful.test(c.address.split('.').slice(-2).join('.')) && c.change.actions.includes("delete")).map((c) => `${c.address} ${JSON.stringify(c.change.replace_paths)}`)).toEqual([]);
  expect(changes.filter((c) => c.previous_address).length).toBe(old.length - replaced.length);
}, 300_000);
