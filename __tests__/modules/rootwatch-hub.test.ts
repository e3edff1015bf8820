import { heartbeatAlarmPeriod, RootwatchHub, RootwatchHubProps } from '../../modules/rootwatch-hub';
import { ENV, DIGEST_SWEEP_SOURCE } from '../../core/lambda-contract';
import { doc, fakeCode, resourceList, synthScope } from '../helpers/stacks';
import { rmrf, tempDir } from '../helpers/tree';

const tmp = tempDir('rootwatch-hub');
const code = fakeCode(tmp);
afterAll(() => rmrf(tmp));

const props = (extra: Partial<RootwatchHubProps> = {}): RootwatchHubProps => ({
  namePrefix: 'p',
  hubAccountId: '111111111111',
  region: 'eu-west-1',
  partition: 'aws',
  spokeAccountIds: ['222222222222'],
  code: { notifier: code.notifier },
  ...extra,
});
const build = (extra: Partial<RootwatchHubProps> = {}) => synthScope((s) => new RootwatchHub(s, 'hub', props(extra)));

describe('RootwatchHub props', () => {
  it.each([-1, 1441, 1.5])('rejects foldWindowMinutes %p', (foldWindowMinutes) => {
    expect(() => build({ foldWindowMinutes })).toThrow(/^RootwatchHub\.foldWindowMinutes: /);
  });
  it.each(['rate(0 hours)', 'rate(5 minutes)', 'rate(48 hours)', 'cron(0 * * * ? *)'])('rejects heartbeatSchedule %p', (heartbeatSchedule) => {
    expect(() => build({ heartbeatSchedule })).toThrow(/^RootwatchHub\.heartbeatSchedule: /);
  });
  it.each(['slack', 'pagerduty'] as const)('needs the %s code when that alerter is configured', (channel) => {
    const param = channel === 'slack' ? { slackWebhookParameter: '/s' } : { pagerDutyRoutingKeyParameter: '/p' };
    expect(() => build(param)).toThrow(new RegExp(`^RootwatchHub\\.code\\.${channel}: `));
    expect(() => build({ ...param, code: { notifier: code.notifier, [channel]: code[channel] } })).not.toThrow();
  });
});

describe('heartbeatAlarmPeriod', () => {
  it.each([
    ['rate(1 hour)', 7200],
    ['rate(6 hours)', 43200],
    ['rate(12 hours)', 86400],
    ['rate(24 hours)', 86400],
    ['rate(1 day)', 86400],
  ])('%s -> %p s (twice the interval, at most one day)', (s, period) => expect(heartbeatAlarmPeriod(s)).toBe(period));
});

describe('RootwatchHub resources', () => {
  const synth = build({
    accountNames: { '333333333333': 'zeta', '222222222222': 'alpha' },
    foldWindowMinutes: 10,
    assumedRoot: 'low',
    heartbeatAccounts: [{ key: 'hub', accountId: '111111111111' }, { key: 'a', accountId: '222222222222' }],
    heartbeatSchedule: 'rate(6 hours)',
  });

  it('configures the notifier through the documented environment', () => {
    const [fn] = resourceList(synth, 'aws_lambda_function');
    const env = fn.environment.variables;
    expect(env[ENV.FOLD_WINDOW_SECONDS]).toBe('600');
    expect(env[ENV.NAME_PREFIX]).toBe('p');
    expect(env[ENV.ASSUMED_ROOT_POLICY]).toBe('low');
    expect(env[ENV.ACCOUNT_NAMES]).toBe('{"222222222222":"alpha","333333333333":"zeta"}');
    expect(env[ENV.LOGIN_TOPIC_ARN]).toMatch(/^\$\{aws_sns_topic\..*login.*\.arn\}$/);
    expect(env[ENV.ACTIVITY_TOPIC_ARN]).toMatch(/^\$\{aws_sns_topic\..*activity.*\.arn\}$/);
    expect(env[ENV.STATE_TABLE]).toMatch(/^\$\{aws_dynamodb_table\./);
  });

  it('keeps session state in an encrypted table with TTL and point-in-time recovery', () => {
    expect(resourceList(synth, 'aws_dynamodb_table')[0]).toMatchObject({
      name: 'p-sessions',
      hash_key: 'sessionKey',
      billing_mode: 'PAY_PER_REQUEST',
      ttl: { attribute_name: 'expiresAt', enabled: true },
      server_side_encryption: { enabled: true },
      point_in_time_recovery: { enabled: true },
    });
  });

  it('lets only its own rules dead-letter into the rules queue', () => {
    const [policy] = resourceList(synth, 'aws_sqs_queue_policy');
    const [st] = doc(policy.policy).Statement;
    expect(st.Resource).toBe('arn:aws:sqs:eu-west-1:111111111111:p-hub-rules-dlq');
    expect(st.Condition.ArnEquals['aws:SourceArn']).toEqual([
      'arn:aws:events:eu-west-1:111111111111:rule/p-root-events/p-root-login',
      'arn:aws:events:eu-west-1:111111111111:rule/p-root-events/p-root-activity',
      'arn:aws:events:eu-west-1:111111111111:rule/p-root-events/p-pipeline',
      'arn:aws:events:eu-west-1:111111111111:rule/p-digest-sweep',
    ]);
  });

  it('sweeps digests every 5 minutes when folding is on', () => {
    const sweep = resourceList(synth, 'aws_cloudwatch_event_rule').find((r) => r.name === 'p-digest-sweep');
    expect(sweep).toMatchObject({ schedule_expression: 'rate(5 minutes)', state: 'ENABLED' });
    const target = resourceList(synth, 'aws_cloudwatch_event_target').find((t) => t.input);
    expect(doc(target.input).source).toBe(DIGEST_SWEEP_SOURCE);
    expect(target.dead_letter_config).toBeDefined();
  });

  it('has no sweep when folding is off', () => {
    const off = build({ foldWindowMinutes: 0 });
    expect(resourceList(off, 'aws_cloudwatch_event_rule').map((r) => r.name).sort()).toEqual(['p-pipeline', 'p-root-activity', 'p-root-login']);
    expect(doc(resourceList(off, 'aws_sqs_queue_policy')[0].policy).Statement[0].Condition.ArnEquals['aws:SourceArn']).toHaveLength(3);
  });

  it('alarms on failed rule invocations, a non-empty dead-letter queue and each late heartbeat, to the activity topic', () => {
    const alarms = resourceList(synth, 'aws_cloudwatch_metric_alarm');
    const names = alarms.map((a) => a.alarm_name);
    expect(names.filter((n) => /failed-invocations$/.test(n))).toHaveLength(3);
    expect(names).toContain('p-hub-rules-dlq-not-empty');
    const heartbeats = alarms.filter((a) => a.metric_name === 'Heartbeat');
    expect(heartbeats.map((a) => [a.alarm_name, a.period, a.dimensions]).sort()).toEqual([
      ['p-heartbeat-late-111111111111', 43200, { Account: '111111111111' }],
      ['p-heartbeat-late-222222222222', 43200, { Account: '222222222222' }],
    ]);
    for (const a of alarms) expect(a.alarm_actions).toEqual([expect.stringMatching(/^\$\{aws_sns_topic\..*activity.*\.arn\}$/)]);
  });

  it('has no heartbeat alarms without a schedule', () => {
    expect(resourceList(build({ heartbeatAccounts: [{ key: 'hub', accountId: '111111111111' }] }), 'aws_cloudwatch_metric_alarm').filter((a) => a.metric_name === 'Heartbeat')).toEqual([]);
  });
});
