/**
 * The EventBridge event patterns rootwatch deploys, as data. The same objects are
 * serialized into the synthesized `aws_cloudwatch_event_rule` resources and evaluated
 * by the offline matcher (core/matcher.ts) behind `rootwatch simulate` and the notifier,
 * so what is tested offline is exactly what is deployed.
 */

export const DETAIL_TYPE_API_CALL = 'AWS API Call via CloudTrail';
export const DETAIL_TYPE_SIGN_IN = 'AWS Console Sign In via CloudTrail';
export const DETAIL_TYPE_ALARM = 'CloudWatch Alarm State Change';

/** The former custom canary event (no longer deployed: anyone allowed to put events could forge it). */
export const HEARTBEAT_SOURCE = 'rootwatch.heartbeat';

/**
 * The heartbeat is a CloudTrail management event: EventBridge Scheduler, with rootwatch's heartbeat
 * role, calls SQS TagQueue on the path's own forwarding dead-letter queue (a universal target;
 * universal targets refuse read-only actions, so it must be a harmless, idempotent write). The
 * region's root-forwarding rule matches that call too, so one heartbeat proves trail -> EventBridge
 * -> rule -> target -> role -> hub bus -> hub rule -> notifier for that account and region.
 */
export const HEARTBEAT_CALL = { service: 'sqs', eventSource: 'sqs.amazonaws.com', eventName: 'TagQueue', apiAction: 'tagQueue' } as const;
/** The tag the heartbeat writes (the same value Terraform sets, so plans show no drift). */
export const HEARTBEAT_TAG = { key: 'rootwatch-heartbeat', value: 'path' } as const;

/** IAM role name prefix of the heartbeat role (fits Terraform's 38-character name_prefix: core/limits.ts NAME_PREFIX_MAX_LENGTH). */
export function heartbeatRolePrefix(namePrefix: string): string {
  return `${namePrefix}-heartbeat-`;
}

/** A JSON event pattern (the subset of EventBridge's language rootwatch uses). */
export type EventPattern = { readonly [key: string]: unknown };

/**
 * Only AWS can put events with an `aws.` source: PutEvents refuses any other caller with
 * NotAuthorizedForSourceException ("Customer-generated events can have any value here, as long as
 * it doesn't begin with \"aws.\"", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html;
 * error code in https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html).
 * Every root rule requires it, so a principal allowed `events:PutEvents` on a monitored account's
 * default bus cannot forge a "root" event (e.g. a harmless read-only call that would open the
 * session's fold window and turn the real root sign-in minutes later into a digest line).
 * rootwatch's own heartbeat uses a custom source on its separate pipeline rule.
 */
const AWS_SOURCE_PREFIX = 'aws.';
const AWS_SOURCE: EventPattern = { source: [{ prefix: AWS_SOURCE_PREFIX }] };

/** Actor is the root user (console or API, including sessions started by sts:AssumeRoot). */
const ROOT_ACTOR: EventPattern = { detail: { userIdentity: { type: ['Root'] } } };
/** The sts:AssumeRoot call itself, made by a management-account principal. */
const ASSUME_ROOT_CALL: EventPattern = {
  source: ['aws.sts'],
  detail: { eventSource: ['sts.amazonaws.com'], eventName: ['AssumeRoot'] },
};

/** The CIS CloudWatch.1 metric filter (exact text Security Hub checks for). */
export const CIS_ROOT_USAGE_FILTER =
  '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}';

/** The alarm on a path's forwarding dead-letter queue (every monitored region): its state change travels to the hub. */
export function forwardDlqAlarmName(namePrefix: string): string {
  return `${namePrefix}-forward-dlq-not-empty`;
}

/** The name of the CIS alarm rootwatch creates in a spoke; the pattern below matches on it. */
export function cisAlarmName(namePrefix: string): string {
  return `${namePrefix}-cis-root-usage`;
}

export interface RulePatterns {
  /** Spoke rule (default bus, every region): every root event, forwarded to the hub bus. */
  readonly spokeRoot: EventPattern;
  /** The heartbeat's CloudTrail record (a branch of the spoke root rule and of the hub pipeline rule). */
  readonly spokeHeartbeat: EventPattern;
  /** Spoke rule: the CIS alarm going into ALARM, forwarded to the hub bus. */
  readonly spokeCisAlarm: EventPattern;
  /** Spoke rule: the forwarding dead-letter queue alarm going into ALARM, forwarded to the hub bus. */
  readonly spokeDlqAlarm: EventPattern;
  /** Spoke rule (every region): the CIS alarm and the forwarding dead-letter queue alarm. */
  readonly spokePipeline: EventPattern;
  /** Hub bus rule: root console sign-ins (login topic). */
  readonly hubLogin: EventPattern;
  /** Hub bus rule: every other root action, incl. AssumeRoot (activity topic). */
  readonly hubActivity: EventPattern;
  /** Hub bus rule: heartbeats and CIS alarms (pipeline events). */
  readonly hubPipeline: EventPattern;
}

const cache = new Map<string, RulePatterns>();

/**
 * The patterns of a deployment, built once per name prefix and shared (frozen) by every stack of a
 * synth, however many accounts, and by every event the notifier classifies.
 */
export function rulePatterns(namePrefix: string): RulePatterns {
  let patterns = cache.get(namePrefix);
  if (!patterns) {
    if (cache.size >= 32) cache.clear(); // bounded: arbitrary prefixes (simulate, fuzzing) cannot grow it
    patterns = deepFreeze(buildPatterns(namePrefix));
    cache.set(namePrefix, patterns);
  }
  return patterns;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function buildPatterns(namePrefix: string): RulePatterns {
  const dlqAlarm: EventPattern = {
    source: ['aws.cloudwatch'],
    'detail-type': [DETAIL_TYPE_ALARM],
    detail: { alarmName: [forwardDlqAlarmName(namePrefix)], state: { value: ['ALARM'] } },
  };
  // The heartbeat's CloudTrail record, by its detail only: inside spokeRoot's $or the rule's own
  // `aws.` source prefix already applies (no second `source` key inside a branch).
  const heartbeatCall: EventPattern = {
    detail: {
      eventSource: [HEARTBEAT_CALL.eventSource],
      eventName: [HEARTBEAT_CALL.eventName],
      userIdentity: { type: ['AssumedRole'], sessionContext: { sessionIssuer: { userName: [{ prefix: heartbeatRolePrefix(namePrefix) }] } } },
    },
  };
  const heartbeat: EventPattern = { source: [`aws.${HEARTBEAT_CALL.service}`], 'detail-type': [DETAIL_TYPE_API_CALL], ...heartbeatCall };
  const cisAlarm: EventPattern = {
    source: ['aws.cloudwatch'],
    'detail-type': [DETAIL_TYPE_ALARM],
    detail: { alarmName: [cisAlarmName(namePrefix)], state: { value: ['ALARM'] } },
  };
  return {
    spokeRoot: {
      ...AWS_SOURCE,
      'detail-type': [DETAIL_TYPE_API_CALL, DETAIL_TYPE_SIGN_IN],
      $or: [ROOT_ACTOR, ASSUME_ROOT_CALL, heartbeatCall],
    },
    spokeHeartbeat: heartbeat,
    spokeCisAlarm: cisAlarm,
    spokeDlqAlarm: dlqAlarm,
    spokePipeline: { $or: [cisAlarm, dlqAlarm] },
    hubLogin: { ...AWS_SOURCE, 'detail-type': [DETAIL_TYPE_SIGN_IN], ...ROOT_ACTOR },
    hubActivity: { ...AWS_SOURCE, 'detail-type': [DETAIL_TYPE_API_CALL], $or: [ROOT_ACTOR, ASSUME_ROOT_CALL] },
    hubPipeline: { $or: [heartbeat, cisAlarm, dlqAlarm] },
  };
}

/** Rule state that also delivers read-only management events (Describe/List/Get). */
export const RULE_STATE_ALL_MANAGEMENT_EVENTS = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

/** The hub bus name; deterministic so spokes can address it before the hub exists. */
export function hubBusName(namePrefix: string): string {
  return `${namePrefix}-root-events`;
}

/** Names of the rules rootwatch deploys (the Terraform, `simulate` and `diagram` all use these). */
export function ruleNames(namePrefix: string) {
  return {
    spokeForwardRoot: `${namePrefix}-forward-root`,
    spokeForwardPipeline: `${namePrefix}-forward-pipeline`,
    hubLogin: `${namePrefix}-root-login`,
    hubActivity: `${namePrefix}-root-activity`,
    hubPipeline: `${namePrefix}-pipeline`,
  } as const;
}

/** A CloudWatch Logs log group name (the CIS alarm's metric filter sits on it). */
export function checkLogGroupName(name: string): void {
  if (!/^[.\-_/#A-Za-z0-9]{1,512}$/.test(name)) throw new Error(`CisRootAlarm.logGroupName: not a log group name (got "${name}")`);
}
