/**
 * PagerDuty Events API v2 bodies (POST /v2/enqueue).
 *
 * One incident per root session: `dedup_key` is the alert's session key, so the first alert opens
 * the incident and later alerts and digests of the same session add to it instead of paging again.
 */
import { RootwatchAlert, Severity } from '../../core/types';
import { CloudWatchAlarmMessage, alarmConsoleUrl, alarmTitle } from './alarm';
import { triageDetails } from './triage';
import { accountLabel, boundedKey, digestLine, field, oneLine, truncate } from './text';

export const PAGERDUTY_SUMMARY_MAX = 1024;
export const PAGERDUTY_DEDUP_KEY_MAX = 255;
/** Raw events larger than this (JSON characters) are left out of custom_details (PagerDuty caps the body at 512 KB). */
export const PAGERDUTY_EVENT_MAX = 100 * 1024;

export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';

export const PAGERDUTY_SEVERITY: Record<Severity, PagerDutySeverity> = {
  critical: 'critical',
  high: 'error',
  medium: 'warning',
  low: 'info',
};

export interface PagerDutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'resolve';
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: PagerDutySeverity;
    timestamp?: string;
    component?: string;
    group?: string;
    class?: string;
    custom_details?: Record<string, unknown>;
  };
  client?: string;
  links?: Array<{ href: string; text: string }>;
}

const isIsoTime = (t: string | null | undefined): t is string => typeof t === 'string' && !Number.isNaN(Date.parse(t));

export function renderPagerDuty(alert: RootwatchAlert, routingKey: string): PagerDutyEvent {
  const f = alert.facts;
  const where = accountLabel(alert);
  const headline = alert.digest ? digestLine(alert.digest) : field(alert.summary, PAGERDUTY_SUMMARY_MAX);
  const summary = truncate(oneLine(`[Rootwatch] ${headline} - ${where}`), PAGERDUTY_SUMMARY_MAX);

  let eventJsonLength = 0;
  try {
    eventJsonLength = JSON.stringify(alert.event)?.length ?? 0;
  } catch {
    eventJsonLength = Infinity;
  }
  const details: Record<string, unknown> = {
    reason: alert.reason,
    severity: alert.severity,
    alertType: alert.alertType,
    assumedRoot: alert.assumedRoot,
    cisPath: alert.cisPath,
    account: f.account,
    accountName: alert.accountName ?? null,
    region: f.region,
    eventName: f.eventName,
    eventSource: f.eventSource,
    eventTime: f.eventTime,
    eventId: f.eventId,
    principalArn: f.principalArn,
    sourceIp: f.sourceIp,
    userAgent: f.userAgent,
    mfaUsed: f.mfaUsed,
    outcome: f.outcome,
    errorCode: f.errorCode,
    readOnly: f.readOnly,
    sessionKey: f.sessionKey,
    consoleUrl: f.consoleUrl,
  };
  Object.assign(details, triageDetails(alert));
  if (alert.digest) details.digest = alert.digest;
  details.event = eventJsonLength <= PAGERDUTY_EVENT_MAX ? alert.event : `(raw event left out: ${eventJsonLength} characters)`;

  const body: PagerDutyEvent = {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: boundedKey(f.sessionKey || `rootwatch:${f.account}:${f.eventId ?? f.eventTime}`, PAGERDUTY_DEDUP_KEY_MAX),
    payload: {
      summary,
      source: truncate(oneLine(`aws account ${where}`), 255),
      severity: PAGERDUTY_SEVERITY[alert.severity] ?? 'error',
      component: truncate(oneLine(f.eventSource), 255),
      group: f.account,
      class: truncate(oneLine(f.eventName), 255),
      custom_details: details,
    },
    client: 'rootwatch',
  };
  if (isIsoTime(f.eventTime)) body.payload!.timestamp = new Date(Date.parse(f.eventTime)).toISOString();
  if (/^https:\/\//.test(f.consoleUrl)) body.links = [{ href: f.consoleUrl, text: 'CloudTrail event history' }];
  return body;
}

/**
 * A pipeline alarm: ALARM and INSUFFICIENT_DATA trigger (error / warning), OK resolves the
 * incident the alarm opened (same dedup key: the alarm ARN or name).
 */
export function renderAlarmPagerDuty(alarm: CloudWatchAlarmMessage, routingKey: string): PagerDutyEvent {
  const dedup = boundedKey(`rootwatch-alarm:${alarm.AlarmArn ?? alarm.AlarmName}`, PAGERDUTY_DEDUP_KEY_MAX);
  const state = String(alarm.NewStateValue);
  if (state === 'OK') return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedup };
  const body: PagerDutyEvent = {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedup,
    payload: {
      summary: truncate(oneLine(`[Rootwatch pipeline] ${alarmTitle(alarm)}: ${alarm.NewStateReason ?? ''}`), PAGERDUTY_SUMMARY_MAX),
      source: truncate(oneLine(`aws account ${alarm.AWSAccountId ?? 'unknown'}`), 255),
      severity: state === 'ALARM' ? 'error' : 'warning',
      component: 'rootwatch',
      class: 'pipeline-alarm',
      custom_details: {
        alarmName: alarm.AlarmName,
        description: alarm.AlarmDescription ?? null,
        newState: alarm.NewStateValue,
        oldState: alarm.OldStateValue ?? null,
        reason: alarm.NewStateReason ?? null,
        region: alarm.Region ?? null,
        trigger: alarm.Trigger ?? null,
      },
    },
    client: 'rootwatch',
  };
  if (isIsoTime(alarm.StateChangeTime)) body.payload!.timestamp = new Date(Date.parse(alarm.StateChangeTime)).toISOString();
  const url = alarmConsoleUrl(alarm);
  if (url) body.links = [{ href: url, text: 'CloudWatch alarm' }];
  return body;
}
