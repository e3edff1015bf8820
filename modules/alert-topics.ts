import { Construct } from 'constructs';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { accountRootArn, alarmsPublish, arnOf, ArnScope, denyInsecureTransport, policyDocument, serviceAllows } from './iam';

export interface AlertTopicsProps {
  readonly namePrefix: string;
  /** Partition, region and account of the topics; only the account and its alarms may publish. */
  readonly scope: ArnScope;
}

/** Topic names are fixed by the prefix, so policies can name them before they exist. */
export function alertTopicName(namePrefix: string, kind: 'login' | 'activity'): string {
  return `${namePrefix}-root-${kind}`;
}

/** The alias of the topics' key; grants name the key through it (its ARN is unknown until apply). */
export function alertKeyAlias(namePrefix: string): string {
  return `alias/${namePrefix}-alerts`;
}

/**
 * The two alert topics (root login, root activity), encrypted with a customer managed KMS key
 * that CloudWatch alarms and EventBridge may use (an AWS managed key would lock them out).
 * Custom integrations subscribe to `loginTopicArn` / `activityTopicArn`.
 */
export class AlertTopics extends Construct {
  public readonly keyArn: string;
  public readonly loginTopicArn: string;
  public readonly activityTopicArn: string;

  constructor(scope: Construct, id: string, props: AlertTopicsProps) {
    super(scope, id);
    const key = this.key(props);
    this.keyArn = key.arn;
    this.loginTopicArn = this.topic(props, key, 'login').arn;
    this.activityTopicArn = this.topic(props, key, 'activity').arn;
  }

  /** The topics' CMK: the account administers it, alarms and EventBridge of the account use it. */
  private key(props: AlertTopicsProps): KmsKey {
    const { accountId, partition } = props.scope;
    const key = new KmsKey(this, 'key', {
      description: `${props.namePrefix}: encrypts root-alert topics and their queues`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument([
        { Sid: 'AccountAdministers', Effect: 'Allow', Principal: { AWS: accountRootArn(partition, accountId) }, Action: 'kms:*', Resource: '*' },
        serviceAllows('AlarmsAndEventsPublish', ['cloudwatch.amazonaws.com', 'events.amazonaws.com'], ['kms:GenerateDataKey*', 'kms:Decrypt'], '*', { StringEquals: { 'aws:SourceAccount': accountId } }),
      ]),
    });
    new KmsAlias(this, 'alias', { name: alertKeyAlias(props.namePrefix), targetKeyId: key.keyId });
    return key;
  }

  /** One topic and its policy: the account and its alarms publish, over TLS only. */
  private topic(props: AlertTopicsProps, key: KmsKey, kind: 'login' | 'activity'): SnsTopic {
    const { accountId, partition } = props.scope;
    const name = alertTopicName(props.namePrefix, kind);
    const topicArn = arnOf(props.scope, 'sns', name);
    const t = new SnsTopic(this, kind, {
      name,
      displayName: `rootwatch root ${kind}`,
      kmsMasterKeyId: key.arn,
    });
    new SnsTopicPolicy(this, `${kind}-policy`, {
      arn: t.arn,
      policy: policyDocument([
        {
          Sid: 'OwnerAccount',
          Effect: 'Allow',
          Principal: { AWS: accountRootArn(partition, accountId) },
          Action: ['sns:Publish', 'sns:Subscribe', 'sns:GetTopicAttributes', 'sns:ListSubscriptionsByTopic'],
          Resource: topicArn,
        },
        alarmsPublish(topicArn, accountId),
        denyInsecureTransport('TlsOnly', 'sns:Publish', topicArn),
      ]),
    });
    return t;
  }
}
