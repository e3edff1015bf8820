import * as fs from 'fs';
import * as path from 'path';
import { checkBusForwardersOnly, checkHeartbeatPerRegion, checkOneStalePathAlarm } from '../../scripts/plan-checks-coverage';
import type { Plan } from '../../scripts/plan-checks';
import { rulePatterns } from '../../core/patterns';

type R = { address: string; type: string; values: Record<string, unknown>; region?: string };
const RECORD = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'events', 'heartbeat-tagqueue-synth.json'), 'utf8'));

/** A plan whose resources run under a provider of their `region`. */
function plan(resources: R[]): Plan {
  const regions = [...new Set(resources.map((r) => r.region).filter(Boolean))] as string[];
  return {
    planned_values: { root_module: { resources: resources.map(({ region: _r, ...r }) => r) } },
    configuration: {
      provider_config: Object.fromEntries(regions.map((g) => [`aws.${g}`, { expressions: { region: { constant_value: g } } }])),
      root_module: { resources: resources.map((r) => ({ address: r.address, type: r.type, provider_config_key: r.region ? `aws.${r.region}` : undefined })) },
    },
  } as Plan;
}
const rootRule = (region: string, pattern: object = rulePatterns('rootwatch').spokeRoot): R => ({
  address: `aws_cloudwatch_event_rule.root_${region}`,
  type: 'aws_cloudwatch_event_rule',
  region,
  values: { event_pattern: JSON.stringify(pattern), state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS', event_bus_name: 'default' },
});
const schedule = (region: string, arn = 'arn:aws:scheduler:::aws-sdk:sqs:tagQueue'): R => ({
  address: `aws_scheduler_schedule.hb_${region}`,
  type: 'aws_scheduler_schedule',
  region,
  values: { target: [{ arn }] },
});
const role: R = { address: 'aws_iam_role.hb', type: 'aws_iam_role', region: 'us-east-1', values: { name_prefix: 'rootwatch-heartbeat-' } };

describe('checkHeartbeatPerRegion', () => {
  it('holds when every root-rule region has one tagQueue heartbeat whose record matches the rule', () => {
    expect(checkHeartbeatPerRegion(plan([role, rootRule('us-east-1'), rootRule('eu-west-1'), schedule('us-east-1'), schedule('eu-west-1')]), 'rootwatch', RECORD)).toEqual([]);
  });

  it('finds a region without a heartbeat, a wrong target, and a rule that would not carry the heartbeat', () => {
    const noBranch = { 'detail-type': ['AWS API Call via CloudTrail'], detail: { userIdentity: { type: ['Root'] } } };
    const problems = checkHeartbeatPerRegion(
      plan([role, rootRule('us-east-1'), rootRule('eu-west-1'), rootRule('eu-central-1', noBranch), schedule('us-east-1', 'arn:aws:events:us-east-1:1:event-bus/default'), schedule('eu-central-1')]),
      'rootwatch',
      RECORD,
    );
    expect(problems).toEqual([
      expect.stringMatching(/hb_us-east-1: target .* is not the universal target sqs:tagQueue/),
      'eu-west-1: 0 heartbeat schedules (exactly one expected)',
      expect.stringMatching(/root_eu-central-1: the heartbeat's CloudTrail record in eu-central-1 does not match/),
    ]);
  });
});

describe('checkBusForwardersOnly', () => {
  const bus = (condition: object) =>
    plan([{ address: 'aws_cloudwatch_event_bus_policy.p', type: 'aws_cloudwatch_event_bus_policy', values: { policy: JSON.stringify({ Statement: [{ Sid: 'S', Effect: 'Allow', Principal: '*', Action: 'events:PutEvents', Condition: condition }] }) } }]);
  it('accepts the forwarding-role restriction and refuses a bus open to every role of the organization', () => {
    expect(checkBusForwardersOnly(bus({ StringEquals: { 'aws:PrincipalOrgID': 'o-x' }, ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/rootwatch-forward-*' } }), 'rootwatch')).toEqual([]);
    expect(checkBusForwardersOnly(bus({ StringEquals: { 'aws:PrincipalOrgID': 'o-x' } }), 'rootwatch')).toEqual([expect.stringMatching(/admits principals other than the forwarding roles/)]);
    expect(checkBusForwardersOnly(bus({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/*' } }), 'rootwatch')).toHaveLength(1);
  });
});

describe('checkOneStalePathAlarm', () => {
  const alarm = (name: string, metric: string, missing = 'breaching'): R => ({ address: `aws_cloudwatch_metric_alarm.${name}`, type: 'aws_cloudwatch_metric_alarm', values: { metric_name: metric, treat_missing_data: missing } });
  it('wants exactly one StalePaths alarm, breaching on missing data, and no per-account heartbeat alarm', () => {
    expect(checkOneStalePathAlarm(plan([alarm('s', 'StalePaths')]))).toEqual([]);
    expect(checkOneStalePathAlarm(plan([alarm('s', 'StalePaths', 'notBreaching'), alarm('h', 'Heartbeat')]))).toHaveLength(2);
    expect(checkOneStalePathAlarm(plan([]))).toEqual(['0 StalePaths alarms (exactly one expected)']);
  });
});
