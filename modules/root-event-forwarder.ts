import { Construct } from 'constructs';
import { TerraformProvider } from 'cdktf';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { arnOf, rolePrefix, serviceRole } from './iam';
import { EventsDeadLetterQueue } from './events-dead-letter-queue';
import { EventPattern, forwardDlqAlarmName, HEARTBEAT_TAG, ruleNames, RULE_STATE_ALL_MANAGEMENT_EVENTS } from '../core/patterns';
import { pipelineAlarm } from './pipeline-alarm';
import { forwardDlqName } from '../core/coverage';
import { propChecks } from '../core/validation';

export interface ForwardedRegion {
  /** The region (literal, or a token such as `data.aws_region.current.name` in a region-agnostic module). */
  readonly region: string;
  /** Provider for that region (in the monitored account). @default the scope's default provider */
  readonly provider?: TerraformProvider;
  /** Construct-id suffix of the region's resources. @default region (must be set when region is a token) */
  readonly id?: string;
}

export interface RootEventForwarderProps {
  readonly namePrefix: string;
  /** The monitored account (trust-policy source account). */
  readonly accountId: string;
  readonly partition: string;
  /** ARN of the hub bus (any region: EventBridge forwards across regions). */
  readonly hubBusArn: string;
  /** Every region to watch; the first one also holds the account-global IAM role. */
  readonly regions: readonly ForwardedRegion[];
  /** Pattern of root events (default bus, every region). */
  readonly rootPattern: EventPattern;
  /** Pattern of rootwatch's pipeline events (CIS alarm, dead-letter alarm), forwarded from every region. */
  readonly pipelinePattern?: EventPattern;
  /**
   * An alarm on each region's dead-letter queue depth; its state change (an `aws.cloudwatch` event
   * on that region's default bus) travels to the hub through the pipeline rule. @default true
   */
  readonly deadLetterAlarms?: boolean;
  /**
   * Role EventBridge forwards with, made once per account by `forwarderRole` (region-agnostic
   * modules call this construct per region). @default a role made here, in the first region
   */
  readonly roleArn?: string;
}

/**
 * The one IAM role (per account) that lets EventBridge put events on the hub bus, as children
 * `role` and `policy` of `scope`.
 */
export function forwarderRole(
  scope: Construct,
  props: { readonly namePrefix: string; readonly accountId: string; readonly hubBusArn: string; readonly provider?: TerraformProvider },
): IamRole {
  return serviceRole(scope, {
    provider: props.provider,
    namePrefix: rolePrefix(props.namePrefix, 'forward'),
    description: 'rootwatch: lets EventBridge forward root events to the hub bus',
    service: 'events.amazonaws.com',
    sourceAccount: props.accountId,
    policyName: 'put-events-to-hub',
    statements: [{ Sid: 'HubBusOnly', Effect: 'Allow', Action: 'events:PutEvents', Resource: props.hubBusArn }],
  });
}

/**
 * In one monitored account: a rule on the default bus of every region that matches root
 * CloudTrail events (read-only ones included) and forwards them to the hub bus, with retries and
 * a dead-letter queue per region, plus the one IAM role EventBridge uses to put the events.
 */
export class RootEventForwarder extends Construct {
  public readonly roleArn: string;
  /** region -> rule ARN */
  public readonly ruleArns: Record<string, string> = {};
  /** region -> dead-letter queue ARN */
  public readonly deadLetterQueueArns: Record<string, string> = {};
  /** region -> dead-letter queue URL (the heartbeat of that region tags it) */
  public readonly deadLetterQueueUrls: Record<string, string> = {};

  constructor(scope: Construct, id: string, props: RootEventForwarderProps) {
    super(scope, id);
    if (props.regions.length === 0) throw check.error('regions', 'at least one region');
    check.unique('regions', props.regions.map((r) => r.region));
    const home = props.regions[0];
    const roleArn = props.roleArn
      ?? forwarderRole(this, { namePrefix: props.namePrefix, accountId: props.accountId, hubBusArn: props.hubBusArn, provider: home.provider }).arn;
    for (const region of props.regions) this.forwardRegion(props, region, roleArn);
    this.roleArn = roleArn;
  }

  /** One region: the rules on its default bus, their dead-letter queue and its alarm. */
  private forwardRegion(props: RootEventForwarderProps, { region, provider, id: regionKey = region }: ForwardedRegion, roleArn: string): void {
    const p = props.namePrefix;
    const at = { partition: props.partition, region, accountId: props.accountId };
    const rules = forwardRules(props);
    const dlq = new EventsDeadLetterQueue(this, `dlq-${regionKey}`, {
      provider,
      name: forwardDlqName(p),
      scope: at,
      // the heartbeat of this region writes this very tag (TagQueue): same value, no drift
      tags: { [HEARTBEAT_TAG.key]: HEARTBEAT_TAG.value },
      sourceRuleArns: rules.map((r) => arnOf(at, 'events', `rule/${r.name}`)),
    });
    for (const r of rules) {
      const rule = new CloudwatchEventRule(this, `${r.key}-${regionKey}`, {
        provider,
        name: r.name,
        description: `rootwatch: forwards ${r.key === 'root' ? 'root CloudTrail events and the heartbeat' : 'the CIS and dead-letter alarms'} to the hub`,
        eventPattern: JSON.stringify(r.pattern),
        state: r.state,
      });
      new CloudwatchEventTarget(this, `${r.key}-${regionKey}-target`, {
        provider,
        rule: rule.name,
        targetId: 'hub-bus',
        arn: props.hubBusArn,
        roleArn,
        retryPolicy: { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 185 },
        deadLetterConfig: { arn: dlq.queueArn },
      });
      if (r.key === 'root') this.ruleArns[region] = rule.arn;
    }
    if (props.pipelinePattern && (props.deadLetterAlarms ?? true)) {
      // no action here: the state change reaches the hub through this region's pipeline rule
      pipelineAlarm(this, `dlq-${regionKey}-not-empty`, {
        provider,
        alarmName: forwardDlqAlarmName(p),
        description: `rootwatch: root events wait in ${dlq.queueName} (${region}): EventBridge could not deliver them to the hub bus`,
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: forwardDlqName(p) },
        statistic: 'Maximum',
        when: 'above',
        threshold: 0,
      });
    }
    this.deadLetterQueueArns[region] = dlq.queueArn;
    this.deadLetterQueueUrls[region] = dlq.queueUrl;
  }
}

const check = propChecks('RootEventForwarder');

/** The rules of every region: root events, and rootwatch's pipeline events when a pattern is given. */
function forwardRules(props: RootEventForwarderProps): Array<{ key: string; name: string; pattern: EventPattern; state: string }> {
  const names = ruleNames(props.namePrefix);
  return [
    { key: 'root', name: names.spokeForwardRoot, pattern: props.rootPattern, state: RULE_STATE_ALL_MANAGEMENT_EVENTS },
    ...(props.pipelinePattern ? [{ key: 'pipeline', name: names.spokeForwardPipeline, pattern: props.pipelinePattern, state: 'ENABLED' }] : []),
  ];
}
