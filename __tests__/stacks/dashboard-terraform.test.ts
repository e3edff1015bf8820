/**
 * The pipeline dashboard on real plans (terraform, offline) of a hub whose config has neither Slack
 * nor PagerDuty nor heartbeats: the body Terraform renders (template directives evaluated) is JSON,
 * names only what is planned and shows everything planned (scripts/plan-checks-dashboard.ts). The
 * example config (both alerters on) is planned by `npm run validate:terraform` with the same check.
 */
import * as fs from 'fs';
import * as path from 'path';
import { synthesize } from '../../cli/synth';
import { loadConfig } from '../../cli/load-config';
import { offlineEnv, PLUGIN_DIR, terraformAvailable, validateAndPlan } from '../../scripts/terraform-offline';
import { Plan, plannedResources } from '../../scripts/plan-checks';
import { checkDashboardReferences } from '../../scripts/plan-checks-dashboard';
import { FIXTURES, readJson } from '../helpers/configs';
import { rmrf, tempDir } from '../helpers/tree';

const missing = !terraformAvailable() ? 'terraform is not on PATH' : !fs.existsSync(PLUGIN_DIR) ? `${PLUGIN_DIR} is missing` : undefined;
if (missing) console.log(`dashboard plan test skipped: ${missing}`);
const maybe = missing ? it.skip : it;

let tmp: string;
beforeAll(() => {
  tmp = tempDir('dash');
});
afterAll(() => rmrf(tmp));

maybe('a hub without Slack, PagerDuty and heartbeats: the planned body shows only the notifier and no stale paths, and passes the check', async () => {
  const raw = readJson(path.join(FIXTURES, 'minimal.json')) as Record<string, unknown>;
  const file = path.join(tmp, 'off.json');
  fs.writeFileSync(file, JSON.stringify({ ...raw, alerts: { heartbeat: { enabled: false } } }));
  const out = path.join(tmp, 'out');
  await synthesize(loadConfig(file), out);
  const outcome = await validateAndPlan(path.join(out, 'stacks', 'hub'), offlineEnv(tmp));
  expect({ step: outcome.step, message: outcome.message }).toEqual({ step: 'done', message: 'ok' });
  const plan = outcome.plan as Plan;
  const [dashboard] = plannedResources(plan, 'aws_cloudwatch_dashboard');
  const body = JSON.parse(String(dashboard.values.dashboard_body)) as { widgets: Array<{ properties: { title?: string; metrics?: unknown[][] } }> };
  const lambda = body.widgets.find((w) => w.properties.title === 'Lambda errors');
  expect(lambda?.properties.metrics).toEqual([['AWS/Lambda', 'Errors', 'FunctionName', 'rootwatch-notifier']]);
  expect(JSON.stringify(body)).not.toMatch(/slack|pagerduty|StalePaths/);
  expect(plannedResources(plan, 'aws_lambda_function').map((f) => f.values.function_name)).toEqual(['rootwatch-notifier']);
  expect(checkDashboardReferences(plan)).toEqual([]);
}, 600_000);
