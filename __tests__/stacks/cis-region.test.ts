/**
 * The CIS CloudWatch.1 filter and alarm sit beside their log group (metric filters and alarms are
 * regional): a log group in another of the account's regions (`cisLogGroupRegion`) gets them in that
 * region's spoke-region module through that region's provider, proven on the plan JSON; the default
 * is the account's home (first) region, and the hardened trail's log group is the source when no log
 * group is given.
 */
import * as fs from 'fs';
import * as path from 'path';
import { checkConfig } from '../../cli/load-config';
import { synthesize } from '../../cli/synth';
import { offlineEnv, PLUGIN_DIR, terraformAvailable, validateAndPlan } from '../../scripts/terraform-offline';
import { Plan, plannedResources, providerRegionOf } from '../../scripts/plan-checks';
import { ConfigError } from '../../core/config';
import { exampleRaw } from '../helpers/configs';
import { rmrf, tempDir } from '../helpers/tree';

const missing = !terraformAvailable() ? 'terraform is not on PATH' : !fs.existsSync(PLUGIN_DIR) ? `${PLUGIN_DIR} is missing` : undefined;
if (missing) console.log(`CIS region plan tests skipped: ${missing}`);
const maybe = missing ? it.skip : it;

/** The example with the staging spoke's CIS log group in eu-west-1 (staging watches us-east-1 and eu-west-1). */
function raw(cis: Record<string, string>) {
  const r = exampleRaw();
  const staging = r.spokes.find((s: { name: string }) => s.name === 'staging');
  Object.assign(staging, cis);
  return r;
}

let tmp: string;
beforeAll(() => {
  tmp = tempDir('cis-region');
});
afterAll(() => rmrf(tmp));

describe('config', () => {
  it('defaults the CIS region to the account\'s home region and accepts another of its regions', () => {
    expect(checkConfig(raw({ cisLogGroupName: 'trail-logs' }), tmp).spokes.find((s) => s.name === 'staging')!.cisLogGroupRegion).toBe('us-east-1');
    expect(checkConfig(raw({ cisLogGroupName: 'trail-logs', cisLogGroupRegion: 'eu-west-1' }), tmp).spokes.find((s) => s.name === 'staging')!.cisLogGroupRegion).toBe('eu-west-1');
  });

  it('refuses a region the account is not watched in (no provider there), naming the field', () => {
    let err: unknown;
    try {
      checkConfig(raw({ cisLogGroupName: 'trail-logs', cisLogGroupRegion: 'ap-south-1' }), tmp);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/^spokes\[1\]\.cisLogGroupRegion: must be one of the account's regions \(us-east-1, eu-west-1\)/);
  });
});

describe('a log group outside the home region', () => {
  let plan: Plan;
  let root: { module: Record<string, Record<string, unknown>>; output: Record<string, { value: string }> };
  beforeAll(async () => {
    const out = path.join(tmp, 'out');
    await synthesize(checkConfig(raw({ cisLogGroupName: 'org-trail-logs', cisLogGroupRegion: 'eu-west-1' }), tmp), out);
    root = JSON.parse(fs.readFileSync(path.join(out, 'stacks', 'spoke-staging', 'cdk.tf.json'), 'utf8'));
    if (missing) return;
    const outcome = await validateAndPlan(path.join(out, 'stacks', 'spoke-staging'), offlineEnv(tmp));
    if (!outcome.ok) throw new Error(`${outcome.step}: ${outcome.message}`);
    plan = outcome.plan as Plan;
  }, 300_000);

  it('is passed with its region to the spoke module, which wires it to that region\'s call; the account module makes no CIS alarm (not even from the trail)', () => {
    expect(root.module.spoke).toMatchObject({ cis_log_group_name: 'org-trail-logs', cis_log_group_region: 'eu-west-1' });
    expect(root.output.cis_alarm_arn.value).toBe('${module.spoke.cis_alarm_arn}');
    const composition = JSON.parse(fs.readFileSync(path.join(tmp, 'out', 'modules', String(root.module.spoke.source).replace('../../modules/', ''), 'main.tf.json'), 'utf8'));
    expect(composition.module.region_eu_west_1.cis_log_group_name).toBe('${var.cis_log_group_region == "eu-west-1" ? var.cis_log_group_name : null}');
    expect(composition.module.region_us_east_1.cis_log_group_name).toBeUndefined();
    expect(composition.module.account).toMatchObject({ cis_alarm: '${local.cis_home}', cis_log_group_name: '${local.cis_home ? var.cis_log_group_name : null}' });
  });

  maybe('plans the filter, alarm and topic in eu-west-1 only, on that log group', () => {
    const regionOf = providerRegionOf(plan);
    const filters = plannedResources(plan, 'aws_cloudwatch_log_metric_filter');
    expect(filters.map((f) => [f.address, regionOf(f.address), f.values.log_group_name])).toEqual([
      ['module.spoke.module.region_eu_west_1.aws_cloudwatch_log_metric_filter.cis_filter[0]', 'eu-west-1', 'org-trail-logs'],
    ]);
    const cisAlarms = plannedResources(plan, 'aws_cloudwatch_metric_alarm').filter((a) => /\.cis_/.test(a.address));
    expect(cisAlarms.map((a) => regionOf(a.address))).toEqual(['eu-west-1']);
    const topics = plannedResources(plan, 'aws_sns_topic').filter((t) => /\.cis_/.test(t.address));
    expect(topics.map((t) => regionOf(t.address))).toEqual(['eu-west-1']);
  });
});
