import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Construct } from 'constructs';
import { PathHeartbeats, PathHeartbeatsProps } from '../../modules/path-heartbeats';
import { doc, regionOf, resourceList, synthScope } from '../helpers/stacks';

function build(regions: string[], extra: Partial<PathHeartbeatsProps> = {}) {
  return synthScope((s: Construct) => {
    new AwsProvider(s, 'aws', { region: regions[0] ?? 'us-east-1' });
    new PathHeartbeats(s, 'hb', {
      namePrefix: 'p',
      accountId: '222222222222',
      partition: 'aws',
      paths: regions.map((region, i) => ({
        region,
        provider: new AwsProvider(s, `aws-${i}`, { region, alias: region.replace(/-/g, '_') }),
        queueUrl: `https://sqs.${region}.amazonaws.com/222222222222/p-forward-dlq`,
      })),
      ...extra,
    });
  });
}

describe('PathHeartbeats props', () => {
  it('needs a region', () => expect(() => build([])).toThrow(/^PathHeartbeats\.paths: /));
  it.each(['rate(30 minutes)', 'rate(2 days)', 'rate(48 hours)', 'cron(0 * * * ? *)'])('rejects schedule %p', (scheduleExpression) => {
    expect(() => build(['us-east-1'], { scheduleExpression })).toThrow(/^PathHeartbeats\.scheduleExpression: /);
  });
});

describe('PathHeartbeats resources', () => {
  const synth = build(['us-east-1', 'eu-west-1']);

  it('one schedule per region, calling sqs:tagQueue on that region\'s queue with the tag Terraform sets', () => {
    const schedules = resourceList(synth, 'aws_scheduler_schedule');
    expect(schedules.map((s) => regionOf(synth, s)).sort()).toEqual(['eu-west-1', 'us-east-1']);
    for (const s of schedules) {
      expect(s).toMatchObject({ name: 'p-heartbeat', schedule_expression: 'rate(6 hours)', flexible_time_window: { mode: 'OFF' } });
      expect(s.target.arn).toBe('arn:aws:scheduler:::aws-sdk:sqs:tagQueue');
      expect(doc(s.target.input)).toEqual({ QueueUrl: `https://sqs.${regionOf(synth, s)}.amazonaws.com/222222222222/p-forward-dlq`, Tags: { 'rootwatch-heartbeat': 'path' } });
    }
  });

  it('one role (name prefix the root rule matches), trusted by Scheduler of this account, allowed to tag only the forwarding DLQs', () => {
    const [role] = resourceList(synth, 'aws_iam_role');
    expect(role.name_prefix).toBe('p-heartbeat-');
    expect(doc(role.assume_role_policy).Statement[0]).toMatchObject({ Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '222222222222' } } });
    const [policy] = resourceList(synth, 'aws_iam_role_policy');
    expect(doc(policy.policy).Statement).toEqual([{ Sid: 'TagOwnDeadLetterQueues', Effect: 'Allow', Action: 'sqs:TagQueue', Resource: 'arn:aws:sqs:*:222222222222:p-forward-dlq' }]);
  });
});
