/**
 * PagerDuty Events API v2 bodies (POST /v2/enqueue).
 *
 * Every body is checked against the documented schema before it is sent and fitted to it (fields
 * cut or coerced, never the event dropped): a body PagerDuty refuses gets a permanent 400, which
 * would lose the page. The limits, from PagerDuty's "Send an Alert Event" and "Events API v2
 * Overview" pages (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/,
 * https://developer.pagerduty.com/docs/events-api-v2/overview/): `routing_key` string (the
 * 32-character integration key); `event_action` one of trigger, acknowledge, resolve; `dedup_key`
 * string of at most 255 characters; for a trigger, `payload` with `summary` (required, at most
 * 1024 characters), `source` (required string), `severity` (required: critical, error, warning,
 * info), optional `timestamp` (ISO 8601), `component`, `group`, `class` (strings) and
 * `custom_details` (object); `links` objects with a required `href`; the whole payload at most
 * 512 KB.
 *
 * One incident per root session: `dedup_key` is the alert's session key, so the first alert opens
 * the incident and later alerts and digests of the same session add to it instead of paging again.
 */
import { isObj } from '../../core/json';
import { RootwatchAlert, Severity } from '../../core/types';
import { CloudWatchAlarmMessage, alarmConsoleUrl, alarmTitle } from './alarm';
import { triageDetails } from './triage';
import { accountLabel, boundedKey, digestLine, field, oneLine, truncate, wellFormed } from './text';

export const PAGERDUTY_SUMMARY_MAX = 1024;
export const PAGERDUTY_DEDUP_KEY_MAX = 255;
/** Raw events larger than this (JSON characters) are left out of custom_details (PagerDuty caps the body at 512 KB). */
const PAGERDUTY_EVENT_MAX = 100 * 1024;

/** PagerDuty's documented body limit (512 KB); we stay a little under it. */
const PAGERDUTY_BODY_MAX_BYTES = 500 * 1024;
/** Our own bound on source, component, group and class (PagerDuty documents none). */
const PAGERDUTY_FIELD_MAX = 255;
const PAGERDUTY_EVENT_ACTIONS = ['trigger', 'acknowledge', 'resolve'] as const;

export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';
const PAGERDUTY_SEVERITIES: readonly PagerDutySeverity[] = ['critical', 'error', 'warning', 'info'];

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
  // every fact is shown as a printable line (bidi and control characters out)
  for (const [k, v] of Object.entries(details)) if (typeof v === 'string') details[k] = truncate(oneLine(v), PAGERDUTY_SUMMARY_MAX);
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
  if (isIsoTime(f.eventTime)) body.payload!.timestamp = isoTime(f.eventTime);
  if (/^https:\/\//.test(f.consoleUrl)) body.links = [{ href: f.consoleUrl, text: 'CloudTrail event history' }];
  return fitPagerDutyEvent(body);
}

/**
 * A pipeline alarm: ALARM and INSUFFICIENT_DATA trigger (error / warning), OK resolves the
 * incident the alarm opened (same dedup key: the alarm ARN or name).
 */
export function renderAlarmPagerDuty(alarm: CloudWatchAlarmMessage, routingKey: string): PagerDutyEvent {
  const dedup = boundedKey(`rootwatch-alarm:${alarm.AlarmArn ?? alarm.AlarmName}`, PAGERDUTY_DEDUP_KEY_MAX);
  const state = String(alarm.NewStateValue);
  if (state === 'OK') return fitPagerDutyEvent({ routing_key: routingKey, event_action: 'resolve', dedup_key: dedup });
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
        // one printable line each (core/printable.ts); the trigger is the raw structure, like a root alert's event
        alarmName: oneLine(alarm.AlarmName),
        description: nullableLine(alarm.AlarmDescription),
        newState: oneLine(alarm.NewStateValue),
        oldState: nullableLine(alarm.OldStateValue),
        reason: nullableLine(alarm.NewStateReason),
        region: nullableLine(alarm.Region),
        trigger: alarm.Trigger ?? null,
      },
    },
    client: 'rootwatch',
  };
  if (isIsoTime(alarm.StateChangeTime)) body.payload!.timestamp = isoTime(alarm.StateChangeTime);
  const url = alarmConsoleUrl(alarm);
  if (url) body.links = [{ href: url, text: 'CloudWatch alarm' }];
  return fitPagerDutyEvent(body);
}

const nullableLine = (v: string | null | undefined): string | null => (v === null || v === undefined ? null : oneLine(v));

/** ISO 8601 of a parseable time; undefined when Date cannot represent it (e.g. year 300000). */
function isoTime(t: string): string | undefined {
  const d = new Date(Date.parse(t));
  return Number.isFinite(d.getTime()) ? d.toISOString() : undefined;
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const byteLength = (v: unknown): number => {
  try {
    return Buffer.byteLength(JSON.stringify(v) ?? '', 'utf8');
  } catch {
    return Infinity;
  }
};

/**
 * Where `body` breaks the documented Events API v2 schema (empty when it is valid). Used before
 * sending (through fitPagerDutyEvent) and by the tests.
 */
export function pagerDutyProblems(body: unknown): string[] {
  const problems: string[] = [];
  const str = (v: unknown, name: string, opts: { max?: number; required?: boolean } = {}) => {
    if (v === undefined && !opts.required) return;
    if (typeof v !== 'string') return void problems.push(`${name}: must be a string`);
    if (opts.required && v.trim() === '') problems.push(`${name}: must not be empty`);
    if (opts.max !== undefined && v.length > opts.max) problems.push(`${name}: longer than ${opts.max} characters`);
    if (!wellFormed(v)) problems.push(`${name}: holds a lone surrogate (not valid UTF-8)`);
  };
  if (!isObj(body)) return ['body: must be an object'];
  str(body.routing_key, 'routing_key', { required: true });
  if (!(PAGERDUTY_EVENT_ACTIONS as readonly unknown[]).includes(body.event_action)) problems.push('event_action: must be trigger, acknowledge or resolve');
  str(body.dedup_key, 'dedup_key', { max: PAGERDUTY_DEDUP_KEY_MAX, required: body.event_action !== 'trigger' });
  str(body.client, 'client');
  str(body.client_url, 'client_url');
  if (body.event_action === 'trigger') {
    const p = body.payload;
    if (!isObj(p)) problems.push('payload: required for trigger');
    else {
      str(p.summary, 'payload.summary', { required: true, max: PAGERDUTY_SUMMARY_MAX });
      str(p.source, 'payload.source', { required: true });
      if (!(PAGERDUTY_SEVERITIES as readonly unknown[]).includes(p.severity)) problems.push('payload.severity: must be critical, error, warning or info');
      if (p.timestamp !== undefined && (typeof p.timestamp !== 'string' || !ISO_8601.test(p.timestamp) || Number.isNaN(Date.parse(p.timestamp)))) {
        problems.push('payload.timestamp: must be an ISO 8601 time');
      }
      for (const k of ['component', 'group', 'class'] as const) str(p[k], `payload.${k}`);
      if (p.custom_details !== undefined && !isObj(p.custom_details)) problems.push('payload.custom_details: must be an object');
    }
  }
  if (body.links !== undefined) {
    if (!Array.isArray(body.links)) problems.push('links: must be an array');
    else body.links.forEach((l, i) => {
      if (!isObj(l)) return void problems.push(`links[${i}]: must be an object`);
      str(l.href, `links[${i}].href`, { required: true });
      str(l.text, `links[${i}].text`);
    });
  }
  if (body.images !== undefined) problems.push('images: rootwatch sends none');
  if (byteLength(body) > PAGERDUTY_BODY_MAX_BYTES) problems.push(`body: larger than ${PAGERDUTY_BODY_MAX_BYTES} bytes`);
  return problems;
}

/** A printable, well-formed, bounded string ('' for non-strings). */
function text(v: unknown, max: number): string {
  return typeof v === 'string' ? truncate(oneLine(v), max) : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

/**
 * `body` fitted to the documented schema: strings coerced, cut and made well-formed, an unknown
 * severity mapped to `error`, an unreadable timestamp dropped, invalid links dropped, and an
 * oversized body shrunk (raw event first, then the details). Never drops the event itself.
 */
export function fitPagerDutyEvent(body: PagerDutyEvent): PagerDutyEvent {
  const action = (PAGERDUTY_EVENT_ACTIONS as readonly unknown[]).includes(body.event_action) ? body.event_action : 'trigger';
  const out: PagerDutyEvent = {
    routing_key: typeof body.routing_key === 'string' ? body.routing_key : String(body.routing_key ?? ''),
    event_action: action as PagerDutyEvent['event_action'],
    dedup_key: boundedKey(text(body.dedup_key, 10_000) || 'rootwatch', PAGERDUTY_DEDUP_KEY_MAX),
  };
  if (action === 'trigger') {
    const p: Partial<NonNullable<PagerDutyEvent['payload']>> = isObj(body.payload) ? body.payload : {};
    const payload: NonNullable<PagerDutyEvent['payload']> = {
      summary: text(p.summary, PAGERDUTY_SUMMARY_MAX) || 'Rootwatch alert',
      source: text(p.source, PAGERDUTY_FIELD_MAX) || 'rootwatch',
      severity: (PAGERDUTY_SEVERITIES as readonly unknown[]).includes(p.severity) ? (p.severity as PagerDutySeverity) : 'error',
    };
    if (typeof p.timestamp === 'string' && ISO_8601.test(p.timestamp) && !Number.isNaN(Date.parse(p.timestamp))) payload.timestamp = p.timestamp;
    for (const k of ['component', 'group', 'class'] as const) {
      const v = text(p[k], PAGERDUTY_FIELD_MAX);
      if (v) payload[k] = v;
    }
    if (isObj(p.custom_details)) payload.custom_details = p.custom_details;
    out.payload = payload;
  }
  if (typeof body.client === 'string') out.client = text(body.client, PAGERDUTY_FIELD_MAX);
  const links = Array.isArray(body.links)
    ? body.links.filter((l) => isObj(l) && typeof l.href === 'string' && /^https:\/\/\S+$/.test(l.href) && wellFormed(l.href))
        .map((l) => ({ href: l.href, text: text(l.text, PAGERDUTY_FIELD_MAX) }))
    : [];
  if (links.length > 0) out.links = links;
  // too big: the raw event goes first, then every detail
  if (out.payload?.custom_details && byteLength(out) > PAGERDUTY_BODY_MAX_BYTES) {
    out.payload.custom_details = { ...out.payload.custom_details, event: '(raw event left out: the body would exceed PagerDuty\'s 512 KB limit)' };
    if (byteLength(out) > PAGERDUTY_BODY_MAX_BYTES) out.payload.custom_details = { note: 'details left out: the body would exceed PagerDuty\'s 512 KB limit' };
  }
  return out;
}
