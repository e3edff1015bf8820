import { Testing } from 'cdktf';
import { EventsDeadLetterQueue } from '../../modules/events-dead-letter-queue';

const at = { partition: 'aws', region: 'eu-west-1', accountId: '111111111111' };

function synth(props: Partial<ConstructorParameters<typeof EventsDeadLetterQueue>[2]> = {}) {
  return JSON.parse(
    Testing.synthScope((scope) => {
      new EventsDeadLetterQueue(scope, 'dlq', {
        name: 'rw-dlq',
        scope: at,
        sourceRuleArns: ['arn:aws:events:eu-west-1:111111111111:rule/a', 'arn:aws:events:eu-west-1:111111111111:rule/b'],
        ...props,
      });
    }),
  );
}

describe('EventsDeadLetterQueue', () => {
  it('is an encrypted queue that keeps dead letters 14 days', () => {
    const queue = Object.values<Record<string, unknown>>(synth().resource.aws_sqs_queue)[0];
    expect(queue).toMatchObject({ name: 'rw-dlq', sqs_managed_sse_enabled: true, message_retention_seconds: 1209600 });
  });

  it('only the named rules may send to it, and the policy names the queue by a plan-time ARN', () => {
    const policy = JSON.parse(Object.values<{ policy: string }>(synth().resource.aws_sqs_queue_policy)[0].policy);
    expect(policy.Statement).toEqual([
      {
        Sid: 'RulesDeadLetters',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: 'arn:aws:sqs:eu-west-1:111111111111:rw-dlq',
        Condition: { ArnEquals: { 'aws:SourceArn': ['arn:aws:events:eu-west-1:111111111111:rule/a', 'arn:aws:events:eu-west-1:111111111111:rule/b'] } },
      },
    ]);
  });

  it('alarms on a non-empty queue only when given a topic', () => {
    expect(synth().resource.aws_cloudwatch_metric_alarm).toBeUndefined();
    const alarm = Object.values<Record<string, unknown>>(synth({ alarmTopicArn: 'arn:aws:sns:eu-west-1:111111111111:t' }).resource.aws_cloudwatch_metric_alarm)[0];
    expect(alarm).toMatchObject({
      alarm_name: 'rw-dlq-not-empty',
      metric_name: 'ApproximateNumberOfMessagesVisible',
      comparison_operator: 'GreaterThanThreshold',
      threshold: 0,
      alarm_actions: ['arn:aws:sns:eu-west-1:111111111111:t'],
    });
  });

  it('refuses a queue no rule may use', () => {
    expect(() => synth({ sourceRuleArns: [] })).toThrow('EventsDeadLetterQueue.sourceRuleArns');
  });
});
