/**
 * Services an organization already runs (GuardDuty detector, Security Hub, standards, delegated
 * administrators): the guardrails stack plans for real with adoption off, the plan check refuses a
 * create of a service the config says exists, and until the module-based guardrails stack carries
 * the import blocks (follow-up), synth refuses a config that declares such services rather than
 * planning a create that would fail at apply.
 */
import * as fs from 'fs';
import * as path from 'path';
import { checkConfig, loadConfig } from '../../cli/load-config';
import { synthesize } from '../../cli/synth';
import { offlineEnv, PLUGIN_DIR, terraformAvailable, validateAndPlan } from '../../scripts/terraform-offline';
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
beforeAll(() => {
  tmp = tempDir('adopt');
});
afterAll(() => rmrf(tmp));

it('synth refuses declared existing services (one line naming the field) instead of planning a failing create', async () => {
  await expect(synthesize(checkConfig(adoptingRaw(), tmp), path.join(tmp, 'out'))).rejects.toThrow(/^guardrails\.guardDuty\.existingDetectorIds: is not supported by the module-based guardrails stack yet/);
  expect(fs.existsSync(path.join(tmp, 'out'))).toBe(false);
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
    ]);
    // The CIS v1.4.0 subscription is not declared existing (only v1.2.0 is).
    expect(problems.filter((p) => /securityhub-cis/.test(p))).toEqual([]);
  });
});
