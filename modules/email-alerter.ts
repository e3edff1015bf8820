import { Construct } from 'constructs';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { propChecks } from '../core/validation';

export interface EmailAlerterProps {
  readonly loginTopicArn: string;
  readonly activityTopicArn: string;
  /** Addresses told about root sign-ins. @default [] */
  readonly loginAddresses?: readonly string[];
  /** Addresses told about other root activity and pipeline alarms. @default [] */
  readonly activityAddresses?: readonly string[];
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

const check = propChecks('EmailAlerter');

/**
 * Email alerts: SNS email subscriptions. The notifier publishes with a per-protocol message, so
 * email subscribers get the human-readable text (never raw JSON first). Each address confirms
 * its subscription once, from the email AWS sends.
 */
export class EmailAlerter extends Construct {
  public readonly subscriptionCount: number;

  constructor(scope: Construct, id: string, props: EmailAlerterProps) {
    super(scope, id);
    const lists = { login: props.loginAddresses ?? [], activity: props.activityAddresses ?? [] };
    for (const [kind, addresses] of Object.entries(lists)) {
      addresses.forEach((address, i) => {
        check.pattern(`${kind}Addresses[${i}]`, address, EMAIL, 'an email address');
      });
    }
    let count = 0;
    for (const [kind, addresses] of Object.entries(lists)) {
      for (const address of [...addresses].sort()) {
        new SnsTopicSubscription(this, `${kind}-${address}`, {
          topicArn: kind === 'login' ? props.loginTopicArn : props.activityTopicArn,
          protocol: 'email',
          endpoint: address,
        });
        count += 1;
      }
    }
    this.subscriptionCount = count;
  }
}
