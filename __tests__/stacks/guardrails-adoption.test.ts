/**
 * Services an organization already runs (GuardDuty detector, Security Hub, standards, delegated
 * administrators, organization configurations): the guardrails roots (deploy stack and plain HCL)
 * carry `import` blocks, proven with `terraform test` over mocked providers (an offline plan cannot
 * import: the provider would read the real resource); with adoption off the stack plans for real,
 * and the plan check refuses a create of a service the config says exists.
 */
import * as fs from 'fs';
import * as path from 'path';
import { checkConfig, loadConfig } from '../../cli/load-config';
import { synthesize } from '../../cli/synth';
import { offlineEnv, PLUGIN_DIR, terraformAvailable, validateAndPlan } from '../../scripts/terraform-offline';
import { adoptionTestFile } from '../../scripts/adoption-tftest';
import { run } from '../../scripts/terraform-offline';
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

type Tf = { import?: Array<{ to: string; id: string }>; provider?: { aws?: Array<{ alias?: string; region?: string }> } };
let tmp: string;
let tf: Tf;
beforeAll(async () => {
  tmp = tempDir('adopt');
  await synthesize(checkConfig(adoptingRaw(), tmp), path.join(tmp, 'out'));
  tf = JSON.parse(fs.readFileSync(path.join(tmp, 'out', 'stacks', 'guardrails', 'cdk.tf.json'), 'utf8'));
}, 120_000);
afterAll(() => rmrf(tmp));

describe('import blocks in the guardrails roots', () => {
  it('adopt each declared singleton in its region\'s module call, with its AWS import ID', () => {
    const ids = Object.fromEntries((tf.import ?? []).map((i) => [i.to, i.id]));
    expect(ids).toEqual({
      'module.guardrails.aws_guardduty_detector.org_guardduty[0]': DETECTOR,
      'module.guardrails.aws_guardduty_organization_admin_account.org_guardduty-admin[0]': '111111111111',
      'module.guardrails_eu_west_1.aws_guardduty_organization_admin_account.org_guardduty-admin[0]': '111111111111',
      'module.guardrails.aws_securityhub_account.org_securityhub[0]': '444444444444',
      'module.guardrails_eu_west_1.aws_securityhub_account.org_securityhub[0]': '444444444444',
      'module.guardrails.aws_securityhub_standards_subscription.org_securityhub-cis["cis-aws-foundations-benchmark/v/1.2.0"]': 'arn:aws:securityhub:us-east-1:444444444444:subscription/cis-aws-foundations-benchmark/v/1.2.0',
      'module.guardrails_eu_west_1.aws_securityhub_standards_subscription.org_securityhub-cis["cis-aws-foundations-benchmark/v/1.2.0"]': 'arn:aws:securityhub:eu-west-1:444444444444:subscription/cis-aws-foundations-benchmark/v/1.2.0',
      'module.guardrails.aws_securityhub_organization_admin_account.org_securityhub-admin[0]': '111111111111',
      'module.guardrails_eu_west_1.aws_securityhub_organization_admin_account.org_securityhub-admin[0]': '111111111111',
      // the existing administrator's organization configurations (GuardDuty only where its detector is given)
      'module.guardrails_admin_us_east_1.aws_guardduty_organization_configuration.org_guardduty-organization[0]': 'b'.repeat(32),
      'module.guardrails_admin_us_east_1.aws_securityhub_organization_configuration.org_securityhub-organization[0]': '111111111111',
      'module.guardrails_admin_eu_west_1.aws_securityhub_organization_configuration.org_securityhub-organization[0]': '111111111111',
    });
  });

  it('wire the standards list and the organization configurations into every region\'s module calls', () => {
    const root = tf as Tf & { module: Record<string, Record<string, any>> };
    for (const call of ['guardrails', 'guardrails_eu_west_1']) {
      expect(root.module[call].securityhub.standards).toEqual(['cis-aws-foundations-benchmark/v/1.2.0', 'cis-aws-foundations-benchmark/v/1.4.0']);
      expect(root.module[call].providers).toEqual({ aws: call === 'guardrails' ? 'aws.us_east_1' : 'aws.eu_west_1' });
    }
    // SCPs and centralized root access are global: once
    expect(root.module.guardrails_eu_west_1).toMatchObject({ deny_root_target_ids: [], centralized_root_access: false });
    expect(root.module.guardrails_admin_us_east_1).toMatchObject({
      providers: { aws: 'aws.delegated_admin_us_east_1' },
      organization_configuration: { guardduty_detector_id: 'b'.repeat(32), guardduty_auto_enable: 'ALL', securityhub_auto_enable: true },
      depends_on: ['module.guardrails'],
    });
    expect(root.module.guardrails_admin_eu_west_1.organization_configuration).toMatchObject({ guardduty_detector_id: null, securityhub_auto_enable: true });
    const admin = (tf.provider?.aws ?? []).find((p) => (p as { alias?: string }).alias === 'delegated_admin_eu_west_1') as Record<string, unknown>;
    expect(admin).toMatchObject({ region: 'eu-west-1', allowed_account_ids: ['111111111111'] });
  });

  it('are in the plain-Terraform root as well, and never in a module (Terraform allows them in a root module only)', () => {
    const hcl = fs.readFileSync(path.join(tmp, 'out', 'plain-terraform', 'guardrails', 'main.tf'), 'utf8');
    expect(hcl).toContain('import {\n  to = module.guardrails.aws_guardduty_detector.org_guardduty[0]\n  id = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"\n}');
    expect(hcl.match(/^import \{/gm)).toHaveLength((tf.import ?? []).length);
    for (const m of fs.readdirSync(path.join(tmp, 'out', 'modules'))) {
      const mod = JSON.parse(fs.readFileSync(path.join(tmp, 'out', 'modules', m, 'main.tf.json'), 'utf8'));
      expect({ m, import: mod.import }).toEqual({ m, import: undefined });
    }
  });

  it('the module README tells module users how to import', () => {
    const readme = fs.readFileSync(path.join(tmp, 'out', 'modules', 'guardrails', 'README.md'), 'utf8');
    expect(readme).toContain('import { to = module.guardrails.aws_guardduty_detector.org_guardduty[0]');
  });
});

describe('terraform test with mocked providers', () => {
  /** The guardrails root (`root`: its JSON) beside the synthesized modules, with the adoption test file. */
  async function terraformTest(root: Tf, name: string) {
    const out = path.join(tmp, name);
    fs.cpSync(path.join(tmp, 'out'), out, { recursive: true });
    const dir = path.join(out, 'stacks', 'guardrails');
    fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(root));
    fs.mkdirSync(path.join(dir, 'tests'));
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

  maybe('the plain-Terraform root (HCL) adopts them the same way', async () => {
    const dir = path.join(tmp, 'out', 'plain-terraform', 'guardrails');
    fs.mkdirSync(path.join(dir, 'tests'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'tests', 'adopt.tftest.hcl'), adoptionTestFile(tf));
    const env = offlineEnv(tmp);
    const init = await run(['init', '-backend=false', '-input=false', '-no-color', `-plugin-dir=${PLUGIN_DIR}`], dir, env);
    if (init.code !== 0) throw new Error(init.stderr);
    const r = await run(['test', '-no-color'], dir, env);
    expect(r.stdout + r.stderr).toMatch(/1 passed, 0 failed/);
    expect(r.code).toBe(0);
  }, 300_000);

  maybe('fails for a singleton that would be created instead (its import block removed)', async () => {
    const detector = tf.import!.find((i) => i.to.includes('aws_guardduty_detector.'))!;
    const r = await terraformTest({ ...tf, import: tf.import!.filter((i) => i !== detector) }, 'create');
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/0 passed, 1 failed/);
    expect(r.stdout + r.stderr).toMatch(/singleton_ids\.guardduty_detector|Condition expression could not be evaluated|unknown/);
  }, 300_000);
});

describe('with adoption off', () => {
  let plan: Plan;
  beforeAll(async () => {
    if (missing) return;
    const out = path.join(tmp, 'example');
    await synthesize(loadConfig(EXAMPLE_CONFIG), out);
    const work = path.join(out, 'stacks', 'guardrails'); // module sources are relative: plan in place
    const outcome = await validateAndPlan(work, offlineEnv(tmp));
    if (!outcome.ok) throw new Error(`${outcome.step}: ${outcome.message}`);
    plan = outcome.plan as Plan;
  }, 300_000);

  maybe('the guardrails stack plans offline and creates nothing the config says exists', () => {
    expect(checkNoSingletonCreates(plan, existingSingletons(loadConfig(EXAMPLE_CONFIG).orgGuardrails!))).toEqual([]);
  });

  maybe('the plan check refuses those creates when the config says the services exist', () => {
    const problems = checkNoSingletonCreates(plan, existingSingletons(checkConfig(adoptingRaw(), tmp).orgGuardrails!));
    expect(problems).toEqual([
      expect.stringMatching(/^module\.guardrails\.aws_guardduty_detector\.org_guardduty\[0\]: creates a aws_guardduty_detector in us-east-1, which guardrails\.guardDuty\.existingDetectorIds says exists/),
      expect.stringMatching(/^module\.guardrails\.aws_guardduty_organization_admin_account\.org_guardduty-admin\[0\]: .* in us-east-1, which guardrails\.guardDuty\.existingDelegatedAdmin/),
      expect.stringMatching(/^module\.guardrails\.aws_securityhub_account\.org_securityhub\[0\]: .* in us-east-1, which guardrails\.securityHub\.adoptExisting/),
      expect.stringMatching(/^module\.guardrails\.aws_securityhub_organization_admin_account\.org_securityhub-admin\[0\]: .* in us-east-1, which guardrails\.securityHub\.existingDelegatedAdmin/),
      expect.stringMatching(/^module\.guardrails_eu_west_1\.aws_guardduty_organization_admin_account\.org_guardduty-admin\[0\]: .* in eu-west-1, which guardrails\.guardDuty\.existingDelegatedAdmin/),
      expect.stringMatching(/^module\.guardrails_eu_west_1\.aws_securityhub_account\.org_securityhub\[0\]: .* in eu-west-1, which guardrails\.securityHub\.adoptExisting/),
      expect.stringMatching(/^module\.guardrails_eu_west_1\.aws_securityhub_organization_admin_account\.org_securityhub-admin\[0\]: .* in eu-west-1, which guardrails\.securityHub\.existingDelegatedAdmin/),
    ]);
    // The CIS v1.4.0 subscription is not declared existing (only v1.2.0 is).
    expect(problems.filter((p) => /securityhub-cis/.test(p))).toEqual([]);
  });
});
