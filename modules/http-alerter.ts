import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { AlertFunction, LambdaCode } from './alert-function';
import { ENV, LAMBDA_ACTIONS, LAMBDA_IMPLICIT_ACTIONS } from '../core/lambda-contract';
import { ArnScope, actionsOf, arnOf } from './iam';
import { propChecks } from '../core/validation';

export type HttpChannel = 'slack' | 'pagerduty';

export interface HttpAlerterProps {
  readonly namePrefix: string;
  readonly channel: HttpChannel;
  readonly code: LambdaCode;
  readonly scope: ArnScope;
  /** SSM SecureString holding the webhook URL (Slack) or routing key (PagerDuty). Never the value itself. */
  readonly secretParameterName: string;
  /** Topics to subscribe to (login and activity). */
  readonly topicArns: readonly string[];
  /** Topic for this alerter's own failure alarms. */
  readonly alarmTopicArn: string;
  /** @default 365 */
  readonly logRetentionDays?: number;
}

const SECRET_ENV: Record<HttpChannel, string> = {
  slack: ENV.SLACK_WEBHOOK_PARAMETER,
  pagerduty: ENV.PAGERDUTY_ROUTING_KEY_PARAMETER,
};

const check = propChecks('HttpAlerter', (v) => Token.isUnresolved(v));

/**
 * A webhook alerter (Slack or PagerDuty): a Lambda subscribed to the alert topics that reads its
 * secret from SSM Parameter Store at cold start. The secret never appears in Terraform, state or
 * environment variables: only the parameter's name does.
 */
export class HttpAlerter extends Construct {
  public readonly functionArn: string;
  public readonly roleArn: string;

  constructor(scope: Construct, id: string, props: HttpAlerterProps) {
    super(scope, id);
    check.pattern('secretParameterName', props.secretParameterName, /^\//, 'an SSM parameter name starting with /');
    if (props.topicArns.length === 0) throw check.error('topicArns', 'subscribe to at least one topic');
    const parameterArn = arnOf(props.scope, 'ssm', `parameter${props.secretParameterName}`);
    const fn = new AlertFunction(this, 'function', {
      namePrefix: props.namePrefix,
      purpose: props.channel,
      code: props.code,
      scope: props.scope,
      alarmTopicArn: props.alarmTopicArn,
      timeoutSeconds: 60,
      memoryMb: 128,
      ...(props.logRetentionDays === undefined ? {} : { logRetentionDays: props.logRetentionDays }),
      environment: { [SECRET_ENV[props.channel]]: props.secretParameterName },
      statements: [
        { Sid: 'ReadSecret', Effect: 'Allow', Action: actionsOf(LAMBDA_ACTIONS[props.channel].secret), Resource: parameterArn },
        {
          Sid: 'DecryptSecret',
          Effect: 'Allow',
          Action: actionsOf(LAMBDA_IMPLICIT_ACTIONS.secretKey),
          Resource: arnOf(props.scope, 'kms', 'key/*'),
          Condition: { StringEquals: { 'kms:ViaService': `ssm.${props.scope.region}.amazonaws.com` } },
        },
      ],
    });
    props.topicArns.forEach((topicArn, i) => {
      new LambdaPermission(this, `invoke-${i}`, {
        statementId: `sns-${i}`,
        action: 'lambda:InvokeFunction',
        functionName: fn.functionName,
        principal: 'sns.amazonaws.com',
        sourceArn: topicArn,
      });
      new SnsTopicSubscription(this, `subscription-${i}`, { topicArn, protocol: 'lambda', endpoint: fn.functionArn });
    });
    this.functionArn = fn.functionArn;
    this.roleArn = fn.roleArn;
  }
}
