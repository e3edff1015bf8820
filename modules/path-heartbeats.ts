import { Construct } from 'constructs';
import { TerraformProvider, Token } from 'cdktf';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { arnOf, serviceRole } from './iam';
import { HEARTBEAT_CALL, HEARTBEAT_TAG, heartbeatRolePrefix } from '../core/patterns';
import { DEFAULT_HEARTBEAT_SCHEDULE, heartbeatScheduleProblem } from '../core/config';
import { forwardDlqName } from '../core/coverage';
import { propChecks } from '../core/validation';

export interface HeartbeatPath {
  readonly region: string;
  /** Provider for that region (in the monitored account). */
  readonly provider: TerraformProvider;
  /** URL of the path's forwarding dead-letter queue (the heartbeat tags it). */
  readonly queueUrl: string;
}

export interface PathHeartbeatsProps {
  readonly namePrefix: string;
  /** The monitored account (trust-policy source account, queue ARNs). */
  readonly accountId: string;
  readonly partition: string;
  /** Every monitored region of the account; the first also holds the account-global IAM role. */
  readonly paths: readonly HeartbeatPath[];
  /** `rate(1 hour)` to `rate(1 day)`. @default 'rate(6 hours)' */
  readonly scheduleExpression?: string;
}

/**
 * The heartbeat role of one account (children `role` and `policy` of `scope`): EventBridge Scheduler
 * of this account may assume it, and it may only tag the account's forwarding dead-letter queues.
 * Its name prefix is what the root-forwarding rule recognises (core/patterns.ts).
 */
export function heartbeatRole(
  scope: Construct,
  props: { readonly namePrefix: string; readonly accountId: string; readonly partition: string; readonly provider?: TerraformProvider },
): IamRole {
  return serviceRole(scope, {
    provider: props.provider,
    namePrefix: heartbeatRolePrefix(props.namePrefix),
    description: 'rootwatch: lets EventBridge Scheduler tag the forwarding dead-letter queues (each call is a heartbeat CloudTrail records)',
    service: 'scheduler.amazonaws.com',
    sourceAccount: props.accountId,
    policyName: 'tag-forward-dlq',
    statements: [
      {
        Sid: 'TagOwnDeadLetterQueues',
        Effect: 'Allow',
        Action: `sqs:${HEARTBEAT_CALL.eventName}`,
        Resource: arnOf({ partition: props.partition, region: '*', accountId: props.accountId }, 'sqs', forwardDlqName(props.namePrefix)),
      },
    ],
  });
}

/** The heartbeat schedule of one region (a construct-free helper: the schedule keeps the caller's id). */
export function regionHeartbeat(
  scope: Construct,
  id: string,
  props: { readonly namePrefix: string; readonly partition: string; readonly region: string; readonly queueUrl: string; readonly roleArn: string; readonly scheduleExpression: string; readonly provider?: TerraformProvider },
): SchedulerSchedule {
  return new SchedulerSchedule(scope, id, {
    provider: props.provider,
    name: `${props.namePrefix}-heartbeat`,
    description: `rootwatch heartbeat of ${props.region}: tags the forwarding dead-letter queue; CloudTrail records it, the root-forwarding rule carries it to the hub (not a root event)`,
    scheduleExpression: props.scheduleExpression,
    flexibleTimeWindow: { mode: 'OFF' },
    target: {
      arn: arnOf({ partition: props.partition, region: '', accountId: '' }, 'scheduler', `aws-sdk:${HEARTBEAT_CALL.service}:${HEARTBEAT_CALL.apiAction}`),
      roleArn: props.roleArn,
      input: JSON.stringify({ QueueUrl: props.queueUrl, Tags: { [HEARTBEAT_TAG.key]: HEARTBEAT_TAG.value } }),
      // a lost heartbeat is tolerated (a path is stale after two intervals): few retries
      retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 3 },
    },
  });
}

const check = propChecks('PathHeartbeats');

/**
 * A heartbeat per monitored region that is itself a CloudTrail management event: an EventBridge
 * Scheduler schedule in that region whose universal target
 * (`arn:<partition>:scheduler:::aws-sdk:sqs:tagQueue`) tags the path's own forwarding dead-letter
 * queue with the value Terraform already sets (idempotent, no drift), using a dedicated heartbeat
 * role. CloudTrail records the call in that region; the region's root-forwarding rule matches it
 * (core/patterns.ts) and carries it to the hub like a root event, where the notifier stamps the
 * path's last heartbeat in the coverage ledger.
 *
 * AWS facts this rests on:
 * - universal targets call `arn:aws:scheduler:::aws-sdk:<service>:<apiAction>` with the schedule's
 *   role and refuse read-only actions (get, describe, list, ...):
 *   https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html
 * - SQS logs queue-management operations (TagQueue among them) as CloudTrail management events:
 *   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-logging-using-cloudtrail.html
 * - EventBridge receives "AWS API Call via CloudTrail" events of its own region only while a trail
 *   is logging: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
 * - the deny-root SCP matches only `arn:*:iam::*:root` principals, so the heartbeat role is not
 *   denied (evaluated with iam-simulate in __tests__/modules/policy-simulation.test.ts).
 */
export class PathHeartbeats extends Construct {
  public readonly roleArn: string;
  /** region -> schedule ARN */
  public readonly scheduleArns: Record<string, string> = {};

  constructor(scope: Construct, id: string, props: PathHeartbeatsProps) {
    super(scope, id);
    if (props.paths.length === 0) throw check.error('paths', 'at least one region');
    const schedule = props.scheduleExpression ?? DEFAULT_HEARTBEAT_SCHEDULE;
    const problem = Token.isUnresolved(schedule) ? undefined : heartbeatScheduleProblem(schedule);
    if (problem) throw check.error('scheduleExpression', problem);
    const role = heartbeatRole(this, { namePrefix: props.namePrefix, accountId: props.accountId, partition: props.partition, provider: props.paths[0].provider });
    for (const path of props.paths) {
      const s = regionHeartbeat(this, `schedule-${path.region}`, {
        namePrefix: props.namePrefix,
        partition: props.partition,
        region: path.region,
        queueUrl: path.queueUrl,
        roleArn: role.arn,
        scheduleExpression: schedule,
        provider: path.provider,
      });
      this.scheduleArns[path.region] = s.arn;
    }
    this.roleArn = role.arn;
  }
}
