import { Construct } from 'constructs';
import { TerraformProvider } from 'cdktf';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';

export interface PipelineAlarmProps {
  readonly alarmName: string;
  /** What is wrong when it fires, in words an on-call engineer understands. */
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  /** @default none (a metric of the caller's own namespace) */
  readonly dimensions?: Record<string, string>;
  /** `above`: fires when the metric exceeds `threshold`; `atLeast`: when it reaches it; `below`: when it drops under it. */
  readonly when: 'above' | 'atLeast' | 'below';
  readonly threshold: number;
  /** @default 'Sum' */
  readonly statistic?: 'Sum' | 'Maximum';
  /** @default 300 (seconds) */
  readonly periodSeconds?: number;
  /** @default 'notBreaching' (`breaching` for heartbeats: silence is the failure) */
  readonly treatMissingData?: 'notBreaching' | 'breaching';
  /** Topics told when the alarm fires; @default none (the state change still reaches EventBridge). */
  readonly alarmActions?: string[];
  readonly provider?: TerraformProvider;
}

const OPERATOR = {
  above: 'GreaterThanThreshold',
  atLeast: 'GreaterThanOrEqualToThreshold',
  below: 'LessThanThreshold',
} as const;

/**
 * One CloudWatch alarm on rootwatch's own pipeline (errors, dead letters, failed invocations,
 * late heartbeats), evaluated over one period. A function, not a construct: the alarm keeps the
 * caller's address.
 */
export function pipelineAlarm(scope: Construct, id: string, props: PipelineAlarmProps): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, id, {
    provider: props.provider,
    alarmName: props.alarmName,
    alarmDescription: props.description,
    namespace: props.namespace,
    metricName: props.metricName,
    ...(props.dimensions ? { dimensions: props.dimensions } : {}),
    statistic: props.statistic ?? 'Sum',
    period: props.periodSeconds ?? 300,
    evaluationPeriods: 1,
    threshold: props.threshold,
    comparisonOperator: OPERATOR[props.when],
    treatMissingData: props.treatMissingData ?? 'notBreaching',
    ...(props.alarmActions ? { alarmActions: props.alarmActions } : {}),
  });
}

/** Fires as soon as anything waits in an SQS queue of failed or undeliverable events. */
export function queueNotEmptyAlarm(
  scope: Construct,
  id: string,
  props: { alarmName: string; description: string; queueName: string; alarmTopicArn: string; provider?: TerraformProvider },
): CloudwatchMetricAlarm {
  return pipelineAlarm(scope, id, {
    provider: props.provider,
    alarmName: props.alarmName,
    description: props.description,
    namespace: 'AWS/SQS',
    metricName: 'ApproximateNumberOfMessagesVisible',
    dimensions: { QueueName: props.queueName },
    statistic: 'Maximum',
    when: 'above',
    threshold: 0,
    alarmActions: [props.alarmTopicArn],
  });
}
