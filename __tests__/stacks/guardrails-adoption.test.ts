/**
 * Adopting what an organization already runs (GuardDuty detector, Security Hub, standards,
 * delegated administrators): the guardrails deploy stack carries `import` blocks, proven with
 * `terraform test` over mocked providers (an offline plan cannot import); with adoption off the
 * stack plans for real, and the plan check refuses a create of a service the config says exists.
 */
import * as fs from 'fs';
import * as path from 'path';
import { checkConfig, loadConfig } from '../../cli/load-config';
import { synthesize } from '../../cli/synth';
import { offlineEnv, PLUGIN_DIR, run, terraformAvailable, validateAndPlan } from '../../scripts/terraform-offline';
import { adoptionTestFile } from '../../scripts/adoption-tftest';
import { checkNoSingletonCreates, existingSingletons } from '../../scripts/plan-checks-guardrails';
import { Plan } from '../../scripts/plan-checks';
import { EXAMPLE_CONFIG, exampleRaw } from '../helpers/configs';
import { rmrf, tempDir } from '../helpers/tree';

const missing = !terraformAvailable() ? 'terraform is not on PATH' : !fs.existsSync(PLUGIN_DIR) ? `${PLUGIN_DIR} is missing` : undefined;
if (missing) console.log(`guardrails adoption tests skipped: ${missing}`);
const maybe = missing ? it.skip : it;

const DETECTOR = 'a'.repeat(32);
function adoptingRaw() {
  const raw = exampleRaw();
  raw.regions = ['us-east-1', 'eu-west-1'];
  raw.spokes = raw.spokes.slice(0, 1);
  Object.assign(raw.guardrails.guardDuty, { existingDetectorIds: { 'us-east-1': DETECTOR }, existingDelegatedAdmin: true, delegatedAdminDetectorIds: { 'us-east-1': 'b'.repeat(32) } });
  Object.assign(raw.guardrails.securityHub, {
    adoptExisting: true,
    standards: ['cis-aws-foundations-benchmark/v/1.2.0', 'cis-aws-foundations-benchmark/v/1.4.0'],
    existingStandards: ['cis-aws-foundations-benchmark/v/1.2.0'],
    existingDelegatedAdmin: true,
  });
  return raw;
}

let tmp: string;
let tf: { import?: Array<{ to: string; id: string; provider?: string }>; resource: Record<string, Record<string, unknown>> };
beforeAll(async () => {
  tmp = tempDir('adopt');
  await synthesize(checkConfig(adoptingRaw(), tmp), path.join(tmp, 'out'));
  tf = JSON.parse(fs.readFileSync(path.join(tmp, 'out', 'stacks', 'guardrails', 'cdk.tf.json'), 'utf8'));
}, 120_000);
afterAll(() => rmrf(tmp));

describe('import blocks in the guardrails deploy stack', () => {
  it('import each declared singleton through the provider of its region, with its AWS import ID', () => {
    const imports = tf.import ?? [];
    const byType = (type: string) => imports.filter((i) => i.to.startsWith(`${type}.`)).map((i) => [i.provider, i.id]);
    expect(byType('aws_guardduty_detector')).toEqual([['aws.us_east_1', DETECTOR]]);
    expect(byType('aws_guardduty_organization_admin_account')).toEqual([['aws.us_east_1', '111111111111'], ['aws.eu_west_1', '111111111111']]);
    expect(byType('aws_securityhub_account')).toEqual([['aws.us_east_1', '444444444444'], ['aws.eu_west_1', '444444444444']]);
    expect(byType('aws_securityhub_standards_subscription').map(([, id]) => id)).toEqual([
      'arn:${data.aws_partition.partition.partition}:securityhub:us-east-1:444444444444:subscription/cis-aws-foundations-benchmark/v/1.2.0',
      'arn:${data.aws_partition.partition.partition}:securityhub:eu-west-1:444444444444:subscription/cis-aws-foundations-benchmark/v/1.2.0',
    ]);
    // Not declared existing: the eu-west-1 detector and the CIS v1.4.0 subscriptions are created.
    expect(imports.filter((i) => /guardduty_detector\.org_guardduty-eu-west-1|securityhub-cis_|securityhub-cis-eu-west-1/.test(i.to))).toEqual([]);
  });

  it('are never in a module (Terraform allows them in a root module only)', () => {
    for (const m of fs.readdirSync(path.join(tmp, 'out', 'modules'))) {
      const mod = JSON.parse(fs.readFileSync(path.join(tmp, 'out', 'modules', m, 'main.tf.json'), 'utf8'));
      expect({ m, import: mod.import }).toEqual({ m, import: undefined });
    }
  });
});

describe('terraform test with mocked providers', () => {
  async function terraformTest(config: unknown, name: string) {
    const dir = path.join(tmp, name);
    fs.mkdirSync(path.join(dir, 'tests'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(config));
    fs.writeFileSync(path.join(dir, 'tests', 'adopt.tftest.hcl'), adoptionTestFile(tf));
    const env = offlineEnv(tmp);
    const init = await run(['init', '-backend=false', '-input=false', '-no-color', `-plugin-dir=${PLUGIN_DIR}`], dir, env);
    if (init.code !== 0) throw new Error(init.stderr);
    return run(['test', '-no-color'], dir, env);
  }

  maybe('adopts every declared singleton (the imported IDs are known at plan time)', async () => {
    const r = await terraformTest(tf, 'adopt');
    expect(r.stdout + r.stderr).toMatch(/1 passed, 0 failed/);
    expect(r.code).toBe(0);
  }, 300_000);

  maybe('fails for a singleton that would be created instead (import block removed)', async () => {
    const detector = tf.import!.find((i) => i.to.startsWith('aws_guardduty_detector.'))!;
    const r = await terraformTest({ ...tf, import: tf.import!.filter((i) => i !== detector) }, 'create');
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/Condition expression could not be evaluated/);
    expect(r.stdout + r.stderr).toContain(detector.to);
  }, 300_000);
});

describe('with adoption off', () => {
  let plan: Plan;
  beforeAll(async () => {
    if (missing) return;
    const out = path.join(tmp, 'example');
    await synthesize(loadConfig(EXAMPLE_CONFIG), out);
    const work = path.join(tmp, 'plan');
    fs.mkdirSync(work);
    fs.copyFileSync(path.join(out, 'stacks', 'guardrails', 'cdk.tf.json'), path.join(work, 'cdk.tf.json'));
    const outcome = await validateAndPlan(work, offlineEnv(tmp));
    if (!outcome.ok) throw new Error(`${outcome.step}: ${outcome.message}`);
    plan = outcome.plan as Plan;
  }, 300_000);

  maybe('the guardrails stack plans offline and creates nothing the config says exists', () => {
    expect(checkNoSingletonCreates(plan, existingSingletons(loadConfig(EXAMPLE_CONFIG).orgGuardrails!))).toEqual([]);
  });

  maybe('the plan check refuses those creates when the config says the services exist', () => {
    const problems = checkNoSingletonCreates(plan, existingSingletons(checkConfig(adoptingRaw(), tmp).orgGuardrails!));
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^aws_guardduty_detector\.org_guardduty_[0-9A-F]+: creates a aws_guardduty_detector in us-east-1, which guardrails\.guardDuty\.existingDetectorIds says exists/),
      expect.stringMatching(/^aws_securityhub_account\.org_securityhub-eu-west-1_[0-9A-F]+: .* in eu-west-1, which guardrails\.securityHub\.adoptExisting/),
    ]));
    // The example's us-east-2 detector, and the CIS v1.4.0 subscriptions, are not declared existing.
    expect(problems.filter((p) => /guardduty-us-east-2|securityhub-cis_/.test(p))).toEqual([]);
  });
});
