/**
 * Channel formatters (pure). The Slack and PagerDuty alerters receive SNS messages that are either
 * a RootwatchAlert (published by the notifier) or a CloudWatch alarm notification (rootwatch's own
 * pipeline-health alarms); `parseNotification` tells them apart and the `render*Notification`
 * entry points accept either.
 */
import { RootwatchAlert } from '../../core/types';
import { type CloudWatchAlarmMessage, asAlarmMessage } from './alarm';
import { renderAlarmPagerDuty, renderPagerDuty, type PagerDutyEvent } from './pagerduty';
import { renderAlarmSlack, renderSlack } from './slack';

export { renderEmail, emailSubject, EMAIL_SUBJECT_MAX } from './email';
export type { EmailOptions } from './email';
export { renderSlack, renderAlarmSlack, slackEscape, SLACK_EMOJI } from './slack';
export {
  renderPagerDuty,
  renderAlarmPagerDuty,
  PAGERDUTY_SEVERITY,
  PAGERDUTY_SUMMARY_MAX,
  PAGERDUTY_DEDUP_KEY_MAX,
} from './pagerduty';
export type { PagerDutyEvent, PagerDutySeverity } from './pagerduty';
export { asAlarmMessage, alarmConsoleUrl } from './alarm';
export type { CloudWatchAlarmMessage } from './alarm';
export { digestLine, toAscii, truncate, oneLine } from './text';

export type Notification =
  | { kind: 'alert'; alert: RootwatchAlert }
  | { kind: 'alarm'; alarm: CloudWatchAlarmMessage };

/** Structural check of a RootwatchAlert (enough for the renderers not to crash). */
export function asRootwatchAlert(value: unknown): RootwatchAlert | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Partial<RootwatchAlert>;
  if (v.schema !== 'rootwatch.alert/v1') return null;
  if (typeof v.severity !== 'string' || typeof v.alertType !== 'string') return null;
  if (typeof v.facts !== 'object' || v.facts === null || typeof v.facts.account !== 'string') return null;
  return v as RootwatchAlert;
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

export function renderSlackNotification(n: Notification): { text: string; blocks: object[] } {
  return n.kind === 'alert' ? renderSlack(n.alert) : renderAlarmSlack(n.alarm);
}

export function renderPagerDutyNotification(n: Notification, routingKey: string): PagerDutyEvent {
  return n.kind === 'alert' ? renderPagerDuty(n.alert, routingKey) : renderAlarmPagerDuty(n.alarm, routingKey);
}
