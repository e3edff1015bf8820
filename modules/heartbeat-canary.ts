import { Construct } from 'constructs';
import { TerraformProvider, Token } from 'cdktf';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { policyDocument, rolePrefix, serviceTrustPolicy } from './iam';
import { HEARTBEAT_DETAIL_TYPE, HEARTBEAT_SOURCE } from '../core/patterns';
import { heartbeatScheduleProblem } from '../core/config';

export interface HeartbeatCanaryProps {
  readonly namePrefix: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  /** @default 'rate(1 day)' */
  readonly scheduleExpression?: string;
  readonly provider?: TerraformProvider;
}

/**
 * Proves the forwarding path is alive: EventBridge Scheduler puts a small canary event
 * (source `rootwatch.heartbeat`, never an `aws.` source) on the account's default bus; the
 * forwarding rule carries it to the hub, where the notifier records a metric instead of alerting.
 * No Lambda in the spoke.
 */
export class HeartbeatCanary extends Construct {
  public readonly scheduleArn: string;

  constructor(scope: Construct, id: string, props: HeartbeatCanaryProps) {
    super(scope, id);
    const schedule = props.scheduleExpression ?? 'rate(1 day)';
    const problem = Token.isUnresolved(schedule) ? undefined : heartbeatScheduleProblem(schedule);
    if (problem) throw new Error(`HeartbeatCanary.scheduleExpression: ${problem}`);
    const provider = props.provider ? { provider: props.provider } : {};
    const defaultBusArn = `arn:${props.partition}:events:${props.region}:${props.accountId}:event-bus/default`;
    const role = new IamRole(this, 'role', {
      ...provider,
      namePrefix: rolePrefix(props.namePrefix, 'heartbeat'),
      description: 'rootwatch: lets EventBridge Scheduler put the heartbeat canary on the default bus',
      assumeRolePolicy: serviceTrustPolicy('scheduler.amazonaws.com', props.accountId),
    });
    new IamRolePolicy(this, 'policy', {
      ...provider,
      name: 'put-heartbeat',
      role: role.id,
      policy: policyDocument([{ Sid: 'DefaultBusOnly', Effect: 'Allow', Action: 'events:PutEvents', Resource: defaultBusArn }]),
    });
    const s = new SchedulerSchedule(this, 'schedule', {
      ...provider,
      name: `${props.namePrefix}-heartbeat`,
      description: 'rootwatch heartbeat canary (not a root event)',
      scheduleExpression: schedule,
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: defaultBusArn,
        roleArn: role.arn,
        input: JSON.stringify({ namePrefix: props.namePrefix, canary: true }),
        eventbridgeParameters: { source: HEARTBEAT_SOURCE, detailType: HEARTBEAT_DETAIL_TYPE },
        retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 5 },
      },
    });
    this.scheduleArn = s.arn;
  }
}
