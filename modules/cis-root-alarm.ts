import { Construct } from 'constructs';
import { TerraformProvider, Token } from 'cdktf';
import { CloudwatchLogMetricFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-metric-filter';
import { pipelineAlarm } from './pipeline-alarm';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { accountRootArn, alarmsPublish, arnOf, policyDocument, serviceAllows } from './iam';
import { checkLogGroupName, CIS_ROOT_USAGE_FILTER, cisAlarmName } from '../core/patterns';

export interface CisRootAlarmProps {
  readonly namePrefix: string;
  readonly accountId: string;
  readonly partition: string;
  readonly region: string;
  /** Existing log group that receives the account's CloudTrail. */
  readonly logGroupName: string;
  readonly provider?: TerraformProvider;
}

/**
 * The secondary path (CIS AWS Foundations / Security Hub CloudWatch.1): the exact metric filter
 * on the CloudTrail log group, a metric alarm (Sum >= 1 over 300 s) and the SNS subscriber the
 * control requires. The alarm's state change also reaches the account's default bus, and the
 * forwarder's pipeline rule carries it to the hub as a CIS-path activity alert.
 */
export class CisRootAlarm extends Construct {
  public readonly alarmArn: string;
  public readonly topicArn: string;

  constructor(scope: Construct, id: string, props: CisRootAlarmProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.logGroupName)) checkLogGroupName(props.logGroupName);
    const { provider } = props;
    const namespace = `${props.namePrefix}/CIS`;
    const metricName = 'RootAccountUsage';
    new CloudwatchLogMetricFilter(this, 'filter', {
      provider,
      name: `${props.namePrefix}-cis-root-usage`,
      logGroupName: props.logGroupName,
      pattern: CIS_ROOT_USAGE_FILTER,
      metricTransformation: { name: metricName, namespace, value: '1', defaultValue: '0' },
    });
    const topic = this.topic(props);
    const alarm = pipelineAlarm(this, 'alarm', {
      provider,
      alarmName: cisAlarmName(props.namePrefix),
      description: 'CIS CloudWatch.1: the root user was used (secondary path; rootwatch alerts within seconds via EventBridge)',
      namespace,
      metricName,
      when: 'atLeast',
      threshold: 1,
      alarmActions: [topic.arn],
    });
    this.alarmArn = alarm.arn;
    this.topicArn = topic.arn;
  }

  /** The alarm's topic (the subscriber CloudWatch.1 requires), encrypted with its own CMK. */
  private topic(props: CisRootAlarmProps): SnsTopic {
    const { provider } = props;
    const accountRoot = accountRootArn(props.partition, props.accountId);
    const key = new KmsKey(this, 'key', {
      provider,
      description: `${props.namePrefix}: encrypts the CIS root-usage alarm topic`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument([
        { Sid: 'AccountAdministers', Effect: 'Allow', Principal: { AWS: accountRoot }, Action: 'kms:*', Resource: '*' },
        serviceAllows('AlarmsPublish', 'cloudwatch.amazonaws.com', ['kms:GenerateDataKey*', 'kms:Decrypt'], '*', { StringEquals: { 'aws:SourceAccount': props.accountId } }),
      ]),
    });
    const topicName = `${props.namePrefix}-cis-root-usage`;
    const topicArn = arnOf({ partition: props.partition, region: props.region, accountId: props.accountId }, 'sns', topicName);
    const topic = new SnsTopic(this, 'topic', { provider, name: topicName, kmsMasterKeyId: key.arn });
    new SnsTopicPolicy(this, 'topic-policy', {
      provider,
      arn: topic.arn,
      policy: policyDocument([
        alarmsPublish(topicArn, props.accountId),
        {
          Sid: 'OwnerAccount',
          Effect: 'Allow',
          Principal: { AWS: accountRoot },
          Action: ['sns:Subscribe', 'sns:GetTopicAttributes', 'sns:ListSubscriptionsByTopic'],
          Resource: topicArn,
        },
      ]),
    });
    return topic;
  }
}
