import { Construct } from 'constructs';
import { TerraformProvider } from 'cdktf';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { ArnScope, arnOf, policyDocument, serviceAllows } from './iam';
import { queueNotEmptyAlarm } from './pipeline-alarm';
import { propChecks } from '../core/validation';

export interface EventsDeadLetterQueueProps {
  /** Queue name (regional: the same name may exist in every region). */
  readonly name: string;
  /** Where the queue lives (its ARN is written from the name, so the policy is known at plan time). */
  readonly scope: ArnScope;
  /** The EventBridge rules allowed to dead-letter here (aws:SourceArn). */
  readonly sourceRuleArns: readonly string[];
  /** When set, an alarm on this topic fires as soon as anything waits in the queue. */
  readonly alarmTopicArn?: string;
  /** Tags of the queue (the heartbeat writes one of them back, with the same value). @default none */
  readonly tags?: Record<string, string>;
  readonly provider?: TerraformProvider;
}

const check = propChecks('EventsDeadLetterQueue');

/**
 * Where EventBridge puts events it could not deliver after its retries: an encrypted SQS queue
 * that only the named rules may write to, kept 14 days, optionally with a not-empty alarm.
 */
export class EventsDeadLetterQueue extends Construct {
  public readonly queueArn: string;
  public readonly queueUrl: string;
  public readonly queueName: string;

  constructor(scope: Construct, id: string, props: EventsDeadLetterQueueProps) {
    super(scope, id);
    if (props.sourceRuleArns.length === 0) throw check.error('sourceRuleArns', 'name at least one rule');
    const { provider } = props;
    const queue = new SqsQueue(this, 'queue', {
      provider,
      name: props.name,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 1209600,
      ...(props.tags ? { tags: props.tags } : {}),
    });
    new SqsQueuePolicy(this, 'policy', {
      provider,
      queueUrl: queue.url,
      policy: policyDocument([
        serviceAllows('RulesDeadLetters', 'events.amazonaws.com', 'sqs:SendMessage', arnOf(props.scope, 'sqs', props.name), { ArnEquals: { 'aws:SourceArn': [...props.sourceRuleArns] } }),
      ]),
    });
    if (props.alarmTopicArn) {
      queueNotEmptyAlarm(this, 'not-empty', {
        provider,
        alarmName: `${props.name}-not-empty`,
        description: `rootwatch: events could not be delivered and wait in ${props.name}`,
        queueName: queue.name,
        alarmTopicArn: props.alarmTopicArn,
      });
    }
    this.queueArn = queue.arn;
    this.queueUrl = queue.url;
    this.queueName = queue.name;
  }
}
