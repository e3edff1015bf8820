import type { RootTaskVerdict } from './root-tasks';
import type { ExpectedUseMark } from './expected-use';

/**
 * Shared vocabulary of rootwatch's pure core. Used by the generator (modules, CLI)
 * and by the Lambda handlers alike; nothing here imports cdktf or the AWS SDK.
 */

/** An event as EventBridge delivers it (the envelope around a CloudTrail record). */
export interface EventBridgeEvent {
  version?: string;
  id?: string;
  'detail-type': string;
  source: string;
  account: string;
  time?: string;
  region: string;
  resources?: unknown[];
  detail: Record<string, unknown>;
}

/** Which SNS topic an alert goes to. */
export type AlertType = 'login' | 'activity';

/** rootwatch severities, most severe first. */
export type Severity = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

/** What the event is, as far as rootwatch is concerned. */
export type EventKind =
  | 'root' // the root user acted (or an AssumeRoot call started a root session)
  | 'heartbeat' // rootwatch's own canary, proving the forwarding path works
  | 'cis-alarm' // the CIS CloudWatch.1 alarm changed state (secondary path)
  | 'dlq-alarm' // a forwarding dead-letter queue holds events: root events may be stuck
  | 'none'; // nothing rootwatch alerts on

/** How AssumeRoot (centralized root access) sessions are treated. */
export type AssumedRootPolicy = 'alert' | 'low' | 'mute';

/** Options that change classification; they come from the config's `detection` section. */
export interface ClassifyOptions {
  /** @default 'alert' (severity computed as for any root event) */
  readonly assumedRoot?: AssumedRootPolicy;
  /**
   * Severity of root writes an IAM principal could have done (core/root-tasks.ts verdict false).
   * @default 'unchanged'
   */
  readonly avoidableRootWrites?: AvoidableRootWritesPolicy;
}

/** `detection.avoidableRootWrites`: keep the severity, or raise such writes to at least this one. */
export type AvoidableRootWritesPolicy = 'unchanged' | 'critical' | 'high';

/** The facts a notification shows; every field is safe to print (strings are bounded). */
export interface AlertFacts {
  account: string;
  region: string;
  eventName: string;
  eventSource: string;
  /** ISO-8601 time of the CloudTrail record (or the envelope's time) */
  eventTime: string;
  eventId: string | null;
  principalArn: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  /** true/false when the record says so (sign-ins, mfaAuthenticated), null when unknown */
  mfaUsed: boolean | null;
  /** sign-in outcome; for API calls 'failure' when errorCode is set */
  outcome: 'success' | 'failure' | null;
  errorCode: string | null;
  readOnly: boolean | null;
  /** Stable key for one root session in one account; see core/session.ts */
  sessionKey: string;
  /** Link to the event in the CloudTrail console event history */
  consoleUrl: string;
}

/** The result of classifying one EventBridge event. */
export interface Classification {
  /** Would the generated EventBridge rules deliver this event to the notifier? */
  matched: boolean;
  kind: EventKind;
  alertType: AlertType | null;
  /** null when not matched, or when muted by config */
  severity: Severity | null;
  assumedRoot: boolean;
  /** true when config mutes this kind of event (matched, but no notification) */
  muted: boolean;
  /** One line a human reads in a notification; null when not matched */
  summary: string | null;
  /** Why the severity was chosen, e.g. "console sign-in without MFA" */
  reason: string | null;
  facts: AlertFacts | null;
  /** Root events only: is this a task only root can do (core/root-tasks.ts) */
  rootTask?: RootTaskVerdict;
}

/** The message the notifier publishes to SNS for Lambda/SQS subscribers (JSON). */
export interface RootwatchAlert {
  schema: 'rootwatch.alert/v1';
  alertType: AlertType;
  severity: Severity;
  assumedRoot: boolean;
  /** true when this alert came from the CIS CloudWatch.1 alarm path */
  cisPath: boolean;
  summary: string;
  reason: string;
  facts: AlertFacts;
  /** Present on a follow-up digest: how many further events of the session were folded */
  digest?: { count: number; firstEventTime: string; lastEventTime: string; eventNames: Record<string, number> };
  /** Account display name when the config knows it */
  accountName?: string;
  /** Root events only: is this a task only root can do (core/root-tasks.ts) */
  rootTask?: RootTaskVerdict;
  /** Present when the event fell into a declared expected-use window (core/expected-use.ts) */
  expected?: ExpectedUseMark;
  /** The original EventBridge event */
  event: EventBridgeEvent;
}
