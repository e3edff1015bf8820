/**
 * Channel formatters (pure). The Slack and PagerDuty alerters receive SNS messages that are either
 * a RootwatchAlert (published by the notifier) or a CloudWatch alarm notification (rootwatch's own
 * pipeline-health alarms); `parseNotification` tells them apart and the `render*Notification`
 * entry points accept either.
 */
import { boundedJson } from '../../core/json';
import { RootwatchAlert, SEVERITIES, Severity } from '../../core/types';
import { type CloudWatchAlarmMessage, asAlarmMessage } from './alarm';
import { renderAlarmPagerDuty, renderPagerDuty, type PagerDutyEvent } from './pagerduty';
import { type SlackBody, fitSlackBody, renderAlarmSlack, renderSlack } from './slack';

export { renderEmail, emailSubject, EMAIL_SUBJECT_MAX } from './email';
export type { EmailOptions } from './email';
export { renderSlack, renderAlarmSlack, slackEscape, SLACK_EMOJI, SLACK_LIMITS, slackProblems, fitSlackBody } from './slack';
export type { SlackBody } from './slack';
export {
  renderPagerDuty,
  renderAlarmPagerDuty,
  PAGERDUTY_SEVERITY,
  PAGERDUTY_SUMMARY_MAX,
  PAGERDUTY_DEDUP_KEY_MAX,
  pagerDutyProblems,
  fitPagerDutyEvent,
} from './pagerduty';
export type { PagerDutyEvent, PagerDutySeverity } from './pagerduty';
export { asAlarmMessage, alarmConsoleUrl } from './alarm';
export type { CloudWatchAlarmMessage } from './alarm';
export { digestLine, toAscii, truncate, oneLine } from './text';

export type Notification =
  | { kind: 'alert'; alert: RootwatchAlert }
  | { kind: 'alarm'; alarm: CloudWatchAlarmMessage };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: Record<string, unknown>, k: string): unknown => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);
/** A string field: strings as they are, numbers and booleans as text, anything else `fallback`. */
function str(v: unknown, fallback: string): string;
function str(v: unknown, fallback: null): string | null;
function str(v: unknown, fallback: string | null): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return fallback;
}
const bool = (v: unknown): boolean | null => (v === true ? true : v === false ? false : null);
const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : 0);

/**
 * A RootwatchAlert as the renderers need it, from any JSON that claims to be one (schema tag,
 * severity, alertType and facts.account present), or null. Every field is coerced to its type
 * (strings stay strings, objects never reach a string operation, unknown severities become
 * `high`), and the raw event is bounded: a malformed or hostile alert renders, it never crashes
 * the alerter.
 */
export function asRootwatchAlert(value: unknown): RootwatchAlert | null {
  if (!isObject(value)) return null;
  if (own(value, 'schema') !== 'rootwatch.alert/v1') return null;
  const severity = own(value, 'severity');
  const alertType = own(value, 'alertType');
  const facts = own(value, 'facts');
  if (typeof severity !== 'string' || typeof alertType !== 'string') return null;
  if (!isObject(facts) || typeof own(facts, 'account') !== 'string') return null;
  const alert: RootwatchAlert = {
    // fields this check does not know (added by newer notifiers) pass through unchanged
    ...(value as object),
    schema: 'rootwatch.alert/v1',
    alertType: alertType === 'login' ? 'login' : 'activity',
    severity: (SEVERITIES as readonly string[]).includes(severity) ? (severity as Severity) : 'high',
    assumedRoot: own(value, 'assumedRoot') === true,
    cisPath: own(value, 'cisPath') === true,
    summary: str(own(value, 'summary'), ''),
    reason: str(own(value, 'reason'), ''),
    facts: alertFacts(facts),
    event: boundedJson(own(value, 'event') ?? null).value as RootwatchAlert['event'],
  };
  const accountName = own(value, 'accountName');
  if (typeof accountName === 'string') alert.accountName = accountName;
  else delete alert.accountName;
  const digest = own(value, 'digest');
  if (isObject(digest)) alert.digest = alertDigest(digest);
  else delete alert.digest;
  return alert;
}

/** The alert's facts, each of its type or its neutral value (`account` checked by the caller). */
function alertFacts(facts: Record<string, unknown>): RootwatchAlert['facts'] {
  const f = (k: string) => str(own(facts, k), null);
  const outcome = own(facts, 'outcome');
  return {
    ...facts,
    account: own(facts, 'account') as string,
    region: f('region') ?? 'unknown',
    eventName: f('eventName') ?? 'unknown',
    eventSource: f('eventSource') ?? 'unknown',
    eventTime: f('eventTime') ?? '',
    eventId: f('eventId'),
    principalArn: f('principalArn'),
    sourceIp: f('sourceIp'),
    userAgent: f('userAgent'),
    mfaUsed: bool(own(facts, 'mfaUsed')),
    outcome: outcome === 'success' || outcome === 'failure' ? outcome : null,
    errorCode: f('errorCode'),
    readOnly: bool(own(facts, 'readOnly')),
    sessionKey: f('sessionKey') ?? '',
    consoleUrl: f('consoleUrl') ?? '',
  };
}

/** A digest with counts that are counts; at most 1,000 event names, each as an own property. */
function alertDigest(digest: Record<string, unknown>): NonNullable<RootwatchAlert['digest']> {
  const names = own(digest, 'eventNames');
  const eventNames: Record<string, number> = {};
  if (isObject(names)) {
    for (const k of Object.keys(names).slice(0, 1000)) {
      const n = count(names[k]);
      if (n > 0) Object.defineProperty(eventNames, k, { value: n, enumerable: true, writable: true, configurable: true });
    }
  }
  return {
    count: count(own(digest, 'count')),
    firstEventTime: str(own(digest, 'firstEventTime'), ''),
    lastEventTime: str(own(digest, 'lastEventTime'), ''),
    eventNames,
  };
}

/** Parse an SNS message body; throws when it is neither a RootwatchAlert nor a CloudWatch alarm. */
export function parseNotification(message: string): Notification {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw new Error('SNS message is not JSON');
  }
  const alert = asRootwatchAlert(parsed);
  if (alert) return { kind: 'alert', alert };
  const alarm = asAlarmMessage(parsed);
  if (alarm) return { kind: 'alarm', alarm };
  throw new Error('SNS message is neither a rootwatch alert nor a CloudWatch alarm notification');
}

/** The webhook body, checked against Block Kit's limits (plain text when the blocks would be refused). */
export function renderSlackNotification(n: Notification): SlackBody | { text: string } {
  return fitSlackBody(n.kind === 'alert' ? renderSlack(n.alert) : renderAlarmSlack(n.alarm));
}

export function renderPagerDutyNotification(n: Notification, routingKey: string): PagerDutyEvent {
  return n.kind === 'alert' ? renderPagerDuty(n.alert, routingKey) : renderAlarmPagerDuty(n.alarm, routingKey);
}
