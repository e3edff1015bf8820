import { HeartbeatCanary, HeartbeatCanaryProps } from '../../modules/heartbeat-canary';
import { HEARTBEAT_DETAIL_TYPE, HEARTBEAT_SOURCE } from '../../core/patterns';
import { doc, resourceList, synthScope } from '../helpers/stacks';

const build = (extra: Partial<HeartbeatCanaryProps> = {}) =>
  synthScope((s) => new HeartbeatCanary(s, 'hb', { namePrefix: 'p', accountId: '222222222222', region: 'us-east-1', partition: 'aws', ...extra }));

describe('HeartbeatCanary props', () => {
  it.each(['rate(0 hours)', 'rate(1 hours)', 'rate(5 hour)', 'rate(25 hours)', 'rate(5 minutes)', 'cron(0 12 * * ? *)'])('rejects %p', (scheduleExpression) => {
    expect(() => build({ scheduleExpression })).toThrow(/^HeartbeatCanary\.scheduleExpression: /);
  });
});

describe('HeartbeatCanary resources', () => {
  const synth = build();
  const DEFAULT_BUS = 'arn:aws:events:us-east-1:222222222222:event-bus/default';

  it('puts a rootwatch.heartbeat event on the default bus once a day by default', () => {
    const [schedule] = resourceList(synth, 'aws_scheduler_schedule');
    expect(schedule).toMatchObject({ name: 'p-heartbeat', schedule_expression: 'rate(1 day)', flexible_time_window: { mode: 'OFF' } });
    expect(schedule.target.arn).toBe(DEFAULT_BUS);
    expect(schedule.target.eventbridge_parameters).toEqual({ source: HEARTBEAT_SOURCE, detail_type: HEARTBEAT_DETAIL_TYPE });
    expect(HEARTBEAT_SOURCE.startsWith('aws.')).toBe(false);
    expect(doc(schedule.target.input)).toEqual({ namePrefix: 'p', canary: true });
    expect(resourceList(build({ scheduleExpression: 'rate(6 hours)' }), 'aws_scheduler_schedule')[0].schedule_expression).toBe('rate(6 hours)');
  });

  it('lets the scheduler of this account put events on the default bus only', () => {
    const [role] = resourceList(synth, 'aws_iam_role');
    expect(role.name_prefix).toBe('p-heartbeat-');
    expect(doc(role.assume_role_policy).Statement[0]).toMatchObject({ Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '222222222222' } } });
    expect(doc(resourceList(synth, 'aws_iam_role_policy')[0].policy).Statement).toEqual([{ Sid: 'DefaultBusOnly', Effect: 'Allow', Action: 'events:PutEvents', Resource: DEFAULT_BUS }]);
  });
});
