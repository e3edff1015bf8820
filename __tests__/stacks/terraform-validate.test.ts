/**
 * Real Terraform (offline) over one synthesized spoke stack: init from the local plugin folder,
 * validate, plan with dummy credentials, and the plan checks over the plan.
 */
import * as fs from 'fs';
import * as path from 'path';
import { synthesize } from '../../cli/synth';
import { loadConfig } from '../../cli/load-config';
import { offlineEnv, PLUGIN_DIR, terraformAvailable, validateAndPlan } from '../../scripts/terraform-offline';
import { checkEncryption, checkNoWildcardActions, Plan, plannedResources } from '../../scripts/plan-checks';
import { checkPlanLimits } from '../../scripts/plan-checks-limits';
import { EXAMPLE_CONFIG } from '../helpers/configs';
import { rmrf, tempDir } from '../helpers/tree';

const missing = !terraformAvailable() ? 'terraform is not on PATH' : !fs.existsSync(PLUGIN_DIR) ? `${PLUGIN_DIR} is missing` : undefined;
if (missing) console.log(`terraform validation of a spoke stack skipped: ${missing}`);
const maybe = missing ? it.skip : it;

let tmp: string;
afterAll(() => rmrf(tmp));

maybe('the spoke-staging stack of the example config validates and plans with the real aws provider', async () => {
  tmp = tempDir('tf');
  const out = path.join(tmp, 'terraform-out');
  await synthesize(loadConfig(EXAMPLE_CONFIG), out);
  const work = path.join(tmp, 'work');
  fs.mkdirSync(work);
  fs.copyFileSync(path.join(out, 'stacks', 'spoke-staging', 'cdk.tf.json'), path.join(work, 'cdk.tf.json'));

  const outcome = await validateAndPlan(work, offlineEnv(tmp));
  expect({ step: outcome.step, message: outcome.message }).toEqual({ step: 'done', message: 'ok' });
  const plan = outcome.plan as Plan;
  const types = new Set(plannedResources(plan).map((r) => r.type));
  for (const t of ['aws_cloudwatch_event_rule', 'aws_cloudwatch_event_target', 'aws_sqs_queue', 'aws_iam_role', 'aws_scheduler_schedule']) expect(types.has(t)).toBe(true);
  const rules = plannedResources(plan).filter((r) => r.type === 'aws_cloudwatch_event_rule' && r.values.name === 'rootwatch-forward-root');
  expect(rules).toHaveLength(2);
  for (const r of rules) expect(r.values.state).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
  expect(checkNoWildcardActions(plan)).toEqual([]);
  expect(checkEncryption(plan)).toEqual([]);
  expect(checkPlanLimits(plan, JSON.parse(fs.readFileSync(path.join(work, 'cdk.tf.json'), 'utf8')))).toEqual([]);
}, 120_000);
