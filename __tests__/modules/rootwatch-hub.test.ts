import { RootwatchHub, RootwatchHubProps } from '../../modules/rootwatch-hub';
import { ENV, COVERAGE_SWEEP_SOURCE, DIGEST_SWEEP_SOURCE } from '../../core/lambda-contract';
import { expectedChunks } from '../../core/coverage';
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

/** The name of the SQS queue a `${aws_sqs_queue.<id>.arn}` reference points at. */
function queueNameOf(synth: ReturnType<typeof build>, ref: string): string | undefined {
  const id = /^\$\{aws_sqs_queue\.([^.]+)\.arn\}$/.exec(ref)?.[1];
  return id === undefined ? undefined : (synth.resource.aws_sqs_queue[id] as { name: string }).name;
}

describe('RootwatchHub resources', () => {
  const synth = build({
    expectedChunks: expectedChunks([
      { account: '111111111111', regions: ['us-east-1'], name: 'hub' },
      { account: '222222222222', regions: ['us-east-1', 'eu-west-1'], name: 'alpha' },
    ]),
    foldWindowMinutes: 10,
    assumedRoot: 'low',
    heartbeatSchedule: 'rate(6 hours)',
  });

  it('configures the notifier through the documented environment', () => {
    const [fn] = resourceList(synth, 'aws_lambda_function');
    const env = fn.environment.variables;
    expect(env[ENV.FOLD_WINDOW_SECONDS]).toBe('600');
    expect(env[ENV.NAME_PREFIX]).toBe('p');
    expect(env[ENV.ASSUMED_ROOT_POLICY]).toBe('low');
    // names and the expected set live in the coverage table, not in the 4 KB environment
    expect(env[ENV.ACCOUNT_NAMES]).toBeUndefined();
    expect(env[ENV.COVERAGE_TABLE]).toBe('p-coverage');
    expect(env[ENV.HEARTBEAT_INTERVAL_SECONDS]).toBe('21600');
    expect(env[ENV.COVERAGE_GRACE_SECONDS]).toBe('172800');
    expect(env[ENV.LOGIN_TOPIC_ARN]).toMatch(/^\$\{aws_sns_topic\..*login.*\.arn\}$/);
    expect(env[ENV.ACTIVITY_TOPIC_ARN]).toMatch(/^\$\{aws_sns_topic\..*activity.*\.arn\}$/);
    expect(env[ENV.STATE_TABLE]).toMatch(/^\$\{aws_dynamodb_table\./);
  });

  it('keeps session state in an encrypted table with TTL and point-in-time recovery', () => {
    expect(resourceList(synth, 'aws_dynamodb_table').find((t) => t.name === 'p-sessions')).toMatchObject({
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
      'arn:aws:events:eu-west-1:111111111111:rule/p-coverage-sweep',
    ]);
  });

  it('keeps the coverage ledger in its own table; the expected set (with names) as items written from the config', () => {
    expect(resourceList(synth, 'aws_dynamodb_table').find((t) => t.name === 'p-coverage')).toMatchObject({
      hash_key: 'pk',
      range_key: 'sk',
      billing_mode: 'PAY_PER_REQUEST',
      server_side_encryption: { enabled: true },
    });
    const items = resourceList(synth, 'aws_dynamodb_table_item').map((i) => doc(i.item));
    expect(items).toEqual([{ pk: { S: '#expected' }, sk: { S: '000' }, accounts: { S: expect.stringContaining('"n":"alpha"') } }]);
  });

  it('sweeps the ledger every 15 minutes', () => {
    const sweep = resourceList(synth, 'aws_cloudwatch_event_rule').find((r) => r.name === 'p-coverage-sweep');
    expect(sweep).toMatchObject({ schedule_expression: 'rate(15 minutes)', state: 'ENABLED' });
    const target = resourceList(synth, 'aws_cloudwatch_event_target').find((t) => t.input && doc(t.input).source === COVERAGE_SWEEP_SOURCE);
    expect(target.retry_policy).toEqual({ maximum_event_age_in_seconds: 900, maximum_retry_attempts: 3 });
    expect(queueNameOf(synth, target.dead_letter_config.arn)).toBe('p-hub-rules-dlq');
  });

  it('sweeps digests every 5 minutes when folding is on', () => {
    const sweep = resourceList(synth, 'aws_cloudwatch_event_rule').find((r) => r.name === 'p-digest-sweep');
    expect(sweep).toMatchObject({ schedule_expression: 'rate(5 minutes)', state: 'ENABLED' });
    const target = resourceList(synth, 'aws_cloudwatch_event_target').find((t) => t.input && doc(t.input).source === DIGEST_SWEEP_SOURCE);
    expect(doc(target.input).source).toBe(DIGEST_SWEEP_SOURCE);
    expect(target.retry_policy).toEqual({ maximum_event_age_in_seconds: 3600, maximum_retry_attempts: 10 });
    expect(queueNameOf(synth, target.dead_letter_config.arn)).toBe('p-hub-rules-dlq');
  });

  it('has no sweep when folding is off', () => {
    const off = build({ foldWindowMinutes: 0 });
    expect(resourceList(off, 'aws_cloudwatch_event_rule').map((r) => r.name).sort()).toEqual(['p-pipeline', 'p-root-activity', 'p-root-login']);
    expect(doc(resourceList(off, 'aws_sqs_queue_policy')[0].policy).Statement[0].Condition.ArnEquals['aws:SourceArn']).toHaveLength(3);
  });

  it('alarms on failed rule invocations, a non-empty dead-letter queue and stale paths (ONE alarm, missing data breaching), to the activity topic', () => {
    const alarms = resourceList(synth, 'aws_cloudwatch_metric_alarm');
    const names = alarms.map((a) => a.alarm_name);
    expect(names.filter((n) => /failed-invocations$/.test(n))).toHaveLength(3);
    expect(names).toContain('p-hub-rules-dlq-not-empty');
    expect(alarms.filter((a) => a.metric_name === 'Heartbeat')).toEqual([]);
    const stale = alarms.filter((a) => a.metric_name === 'StalePaths');
    expect(stale).toEqual([
      expect.objectContaining({ alarm_name: 'p-coverage-stale-paths', namespace: 'Rootwatch/p', statistic: 'Maximum', threshold: 1, treat_missing_data: 'breaching', comparison_operator: 'GreaterThanOrEqualToThreshold' }),
    ]);
    expect(stale[0].dimensions).toBeUndefined();
    for (const a of alarms) expect(a.alarm_actions).toEqual([expect.stringMatching(/^\$\{aws_sns_topic\..*activity.*\.arn\}$/)]);
  });

  it('has no sweep and no stale-path alarm without a heartbeat schedule (the ledger still holds the names)', () => {
    const off = build({ expectedChunks: expectedChunks([{ account: '111111111111', regions: ['us-east-1'], name: 'hub' }]) });
    expect(resourceList(off, 'aws_cloudwatch_metric_alarm').filter((a) => a.metric_name === 'StalePaths')).toEqual([]);
    expect(resourceList(off, 'aws_cloudwatch_event_rule').map((r) => r.name)).not.toContain('p-coverage-sweep');
    expect(resourceList(off, 'aws_dynamodb_table_item')).toHaveLength(1);
  });
});
