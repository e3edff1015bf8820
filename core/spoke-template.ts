/**
 * The spoke as a CloudFormation template, for the service-managed StackSet of `spokeDelivery:
 * "stackset"` (issue 15). Built from the same source of truth as the Terraform spoke-region and
 * account modules: the event patterns, rule names and rule states of core/patterns.ts, the
 * dead-letter queue and heartbeat names of core/coverage.ts, the heartbeat call of the coverage
 * design. __tests__/core/spoke-template.test.ts proves the rule patterns byte-equal to the
 * Terraform spoke rule's `event_pattern`, and the targets, retry policies, queue policy and
 * heartbeat equal to the synthesized spoke-region module.
 *
 * One stack instance per account and region. IAM is global, so every IAM role carries its region
 * in the name (`<prefix>-forward-<region>`, `<prefix>-heartbeat-<region>`): the 17 instances of
 * one account never collide, and the names still start with the prefixes the hub bus policy
 * (`aws:PrincipalArn` `<prefix>-forward*`) and the heartbeat pattern (`<prefix>-heartbeat-`) admit.
 * (A separate us-east-1-only stack set for the roles would need a second set, ordering between
 * the two, and a cross-region reference to the role ARN; the names are simpler and just as safe.)
 *
 * Pure data: no cdktf, no AWS calls.
 */
import { forwardDlqName } from './coverage';
import {
  EventPattern,
  forwardDlqAlarmName,
  HEARTBEAT_CALL,
  HEARTBEAT_TAG,
  heartbeatRolePrefix,
  hubBusName,
  RULE_STATE_ALL_MANAGEMENT_EVENTS,
  ruleNames,
  rulePatterns,
} from './patterns';

/** Retries of a forwarding target (EventBridge's maximum: 24 h, 185 attempts), as the Terraform spoke has them. */
const FORWARD_RETRY = { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 } as const;
/** Retries of the heartbeat target: a lost heartbeat is tolerated (a path is stale after two intervals). */
const HEARTBEAT_RETRY = { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 3 } as const;
/** Longest IAM role name (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html). */
const MAX_ROLE_NAME = 64;
/** Longest region name rootwatch knows (ap-southeast-5). */
const LONGEST_REGION = 14;

export interface SpokeTemplateProps {
  readonly namePrefix: string;
  /** Region of the hub bus: every instance forwards there, whatever its own region. */
  readonly hubRegion: string;
  /** Heartbeat schedule (`rate(...)`); undefined: no heartbeat. */
  readonly heartbeatSchedule?: string;
  /** An alarm on the forwarding dead-letter queue (its state change travels to the hub). */
  readonly deadLetterAlarm: boolean;
}

/** The template parameter carrying the hub account (the stack set passes the hub stack's value). */
export const HUB_ACCOUNT_PARAMETER = 'HubAccountId';

type Json = Record<string, unknown>;
const sub = (text: string): Json => ({ 'Fn::Sub': text });
const ref = (name: string): Json => ({ Ref: name });
const arnOf = (logicalId: string): Json => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

/** Role names of an instance (region-suffixed: IAM is global, the instances of one account are per region). */
export function stackSetRoleNames(namePrefix: string): { forwarder: string; heartbeat: string } {
  return { forwarder: `${namePrefix}-forward-\${AWS::Region}`, heartbeat: `${heartbeatRolePrefix(namePrefix)}\${AWS::Region}` };
}

/** The spoke template (a JSON object; `JSON.stringify` it for the stack set's template_body). */
export function spokeTemplate(props: SpokeTemplateProps): Json {
  const p = props.namePrefix;
  const longest = heartbeatRolePrefix(p).length + LONGEST_REGION;
  if (longest > MAX_ROLE_NAME) throw new Error(`spokeTemplate: name prefix ${p} makes role names of ${longest} characters (IAM allows ${MAX_ROLE_NAME})`);
  const resources: Record<string, Json> = forwardingResources(p, props.hubRegion);
  if (props.deadLetterAlarm) resources.DeadLetterAlarm = deadLetterAlarm(p);
  if (props.heartbeatSchedule !== undefined) Object.assign(resources, heartbeatResources(p, props.heartbeatSchedule));
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `rootwatch spoke (${p}): forwards root CloudTrail events of this account and region to the hub bus in ${props.hubRegion}, with retries, a dead-letter queue and a heartbeat. Delivered by the service-managed StackSet ${p}-spokes; do not edit by hand.`,
    Parameters: {
      [HUB_ACCOUNT_PARAMETER]: { Type: 'String', AllowedPattern: '^[0-9]{12}$', Description: 'AWS account ID of the hub (security) account whose bus receives the root events.' },
    },
    Resources: resources,
    Outputs: {
      RootRuleArn: { Description: 'ARN of the root-event forwarding rule.', Value: arnOf('RootRule') },
      DeadLetterQueueArn: { Description: 'ARN of the forwarding dead-letter queue.', Value: arnOf('DeadLetterQueue') },
      ForwarderRoleArn: { Description: 'ARN of the role EventBridge forwards with.', Value: arnOf('ForwarderRole') },
    },
  };
}

/** The forwarding path: role, dead-letter queue and its policy, the root and pipeline rules. */
function forwardingResources(p: string, hubRegion: string): Record<string, Json> {
  const names = ruleNames(p);
  const patterns = rulePatterns(p);
  const hubBus = sub(`arn:\${AWS::Partition}:events:${hubRegion}:\${${HUB_ACCOUNT_PARAMETER}}:event-bus/${hubBusName(p)}`);
  return {
    ForwarderRole: forwarderRole(stackSetRoleNames(p).forwarder, hubBus),
    DeadLetterQueue: deadLetterQueue(p),
    DeadLetterQueuePolicy: deadLetterQueuePolicy([names.spokeForwardRoot, names.spokeForwardPipeline]),
    RootRule: forwardRule(hubBus, names.spokeForwardRoot, 'rootwatch: forwards root CloudTrail events and the heartbeat to the hub', patterns.spokeRoot, RULE_STATE_ALL_MANAGEMENT_EVENTS),
    PipelineRule: forwardRule(hubBus, names.spokeForwardPipeline, 'rootwatch: forwards the CIS and dead-letter alarms to the hub', patterns.spokePipeline, 'ENABLED'),
  };
}

function forwarderRole(roleName: string, hubBus: Json): Json {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      RoleName: sub(roleName),
      Description: 'rootwatch: lets EventBridge forward root events to the hub bus',
      AssumeRolePolicyDocument: trust('events.amazonaws.com'),
      Policies: [{
        PolicyName: 'put-events-to-hub',
        PolicyDocument: { Version: '2012-10-17', Statement: [{ Sid: 'HubBusOnly', Effect: 'Allow', Action: 'events:PutEvents', Resource: hubBus }] },
      }],
    },
  };
}

function deadLetterQueue(p: string): Json {
  return {
    Type: 'AWS::SQS::Queue',
    Properties: {
      QueueName: forwardDlqName(p),
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1209600,
      // the heartbeat writes this very tag back (TagQueue): same value, no drift
      Tags: [{ Key: HEARTBEAT_TAG.key, Value: HEARTBEAT_TAG.value }],
    },
  };
}

/** Only this instance's forwarding rules may dead-letter into the queue. */
function deadLetterQueuePolicy(ruleNamesOfInstance: readonly string[]): Json {
  const ruleArn = (name: string) => sub(`arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${name}`);
  return {
    Type: 'AWS::SQS::QueuePolicy',
    Properties: {
      Queues: [ref('DeadLetterQueue')],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [{
          Sid: 'RulesDeadLetters',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: arnOf('DeadLetterQueue'),
          Condition: { ArnEquals: { 'aws:SourceArn': ruleNamesOfInstance.map(ruleArn) } },
        }],
      },
    },
  };
}

/** A default-bus rule forwarding to the hub bus, with the Terraform spoke's retries and dead-letter queue. */
function forwardRule(hubBus: Json, name: string, description: string, pattern: EventPattern, state: string): Json {
  return {
    Type: 'AWS::Events::Rule',
    Properties: {
      Name: name,
      Description: description,
      EventBusName: 'default',
      EventPattern: pattern,
      State: state,
      Targets: [{
        Id: 'hub-bus',
        Arn: hubBus,
        RoleArn: arnOf('ForwarderRole'),
        RetryPolicy: { ...FORWARD_RETRY },
        DeadLetterConfig: { Arn: arnOf('DeadLetterQueue') },
      }],
    },
  };
}

function deadLetterAlarm(p: string): Json {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: forwardDlqAlarmName(p),
      AlarmDescription: sub(`rootwatch: root events wait in ${forwardDlqName(p)} (\${AWS::Region}): EventBridge could not deliver them to the hub bus`),
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    },
  };
}

/** The heartbeat: a schedule tagging the dead-letter queue, and the role it does it with. */
function heartbeatResources(p: string, schedule: string): Record<string, Json> {
  return {
    HeartbeatRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: sub(stackSetRoleNames(p).heartbeat),
        Description: 'rootwatch: lets EventBridge Scheduler tag the forwarding dead-letter queue (each call is a heartbeat CloudTrail records)',
        AssumeRolePolicyDocument: trust('scheduler.amazonaws.com'),
        Policies: [{
          PolicyName: 'tag-forward-dlq',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Sid: 'TagOwnDeadLetterQueue', Effect: 'Allow', Action: `sqs:${HEARTBEAT_CALL.eventName}`, Resource: arnOf('DeadLetterQueue') }],
          },
        }],
      },
    },
    Heartbeat: {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        Name: `${p}-heartbeat`,
        Description: sub('rootwatch heartbeat of ${AWS::Region}: tags the forwarding dead-letter queue; CloudTrail records it, the root-forwarding rule carries it to the hub (not a root event)'),
        ScheduleExpression: schedule,
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: sub(`arn:\${AWS::Partition}:scheduler:::aws-sdk:${HEARTBEAT_CALL.service}:${HEARTBEAT_CALL.apiAction}`),
          RoleArn: arnOf('HeartbeatRole'),
          // the same JSON as the Terraform heartbeat: {"QueueUrl":...,"Tags":{...}} (Ref of a queue is its URL)
          Input: sub(JSON.stringify({ QueueUrl: '${DeadLetterQueue}', Tags: { [HEARTBEAT_TAG.key]: HEARTBEAT_TAG.value } })),
          RetryPolicy: { ...HEARTBEAT_RETRY },
        },
      },
    },
  };
}

/** A service trust policy pinned to this account (confused-deputy guard), as the Terraform roles have it. */
function trust(service: string): Json {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } }],
  };
}
