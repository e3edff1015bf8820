/**
 * What rootwatch makes of one EventBridge event: would the deployed rules deliver it to the
 * notifier (evaluated with the same patterns, core/patterns.ts, through core/matcher.ts), is it
 * a sign-in or other activity, how severe, and the facts a notification shows.
 *
 * Severity rules (first match wins; then the AssumeRoot policy applies):
 * - critical: a failed root sign-in (any sign-in event whose outcome is Failure, e.g. a wrong
 *   password or a failed MFA check); a root ConsoleLogin without MFA (or with MFA not recorded);
 *   a change of the root credentials or identity, listed in CRITICAL_CALLS: root access-key
 *   creation (iam:CreateAccessKey for itself), MFA deactivation/deletion, password changes
 *   (signin PasswordUpdated / PasswordRecoveryCompleted, iam ChangePassword and the
 *   *LoginProfile calls) and e-mail changes (signin EmailUpdated, iam UpdateAccountEmailAddress,
 *   account Start/AcceptPrimaryEmailUpdate);
 * - medium: read-only calls (`readOnly: true`, or, when the record has no `readOnly`, an event
 *   name starting with Get/List/Describe/Head/Lookup/BatchGet/Search);
 * - high: every other root sign-in event (ConsoleLogin with MFA, CheckMfa, password recovery
 *   requested, ...), every other call, sts:AssumeRoot itself, and the CIS alarm.
 * AssumeRoot (centralized root access): the AssumeRoot call and actions of its sessions
 * (`sessionContext.assumedRoot` "true") get `assumedRoot: true`; the `assumedRoot` option keeps
 * the severity ('alert'), lowers it to 'low', or mutes them ('mute': matched, muted, no severity).
 *
 * `classify` never throws: anything odd yields a non-matching result.
 */
import { get, isObj } from './json';
import { matchesPattern } from './matcher';
import { printableLine, toWellFormed } from './printable';
import { DETAIL_TYPE_SIGN_IN, rulePatterns } from './patterns';
import { raiseAvoidableWrite, rootTaskVerdict } from './root-tasks';
import { eventAccount, isTrueFlag, sessionKey } from './session';
import type { AlertFacts, AlertType, ClassifyOptions, Classification, EventKind, Severity } from './types';

export const DEFAULT_NAME_PREFIX = 'rootwatch';
/** Upper bound on `summary` (and `reason`) lengths. */
export const SUMMARY_MAX = 300;

export type ClassifyOptionsWithPrefix = ClassifyOptions & { readonly namePrefix?: string };

/** Root calls that change the root user's credentials or identity: always critical. */
export const CRITICAL_CALLS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'signin.amazonaws.com': {
    PasswordUpdated: 'root password changed',
    PasswordRecoveryCompleted: 'root password reset through password recovery',
    EmailUpdated: 'root e-mail address changed',
  },
  'iam.amazonaws.com': {
    CreateAccessKey: 'root access key created',
    DeactivateMFADevice: 'MFA device deactivated by root',
    DeleteVirtualMFADevice: 'virtual MFA device deleted by root',
    ChangePassword: 'password changed by root',
    UpdateLoginProfile: 'password changed by root',
    CreateLoginProfile: 'password created by root',
    DeleteLoginProfile: 'password deleted by root',
    UpdateAccountEmailAddress: 'root e-mail address changed',
  },
  'account.amazonaws.com': {
    StartPrimaryEmailUpdate: 'root e-mail address change started',
    AcceptPrimaryEmailUpdate: 'root e-mail address changed',
  },
};

const READ_ONLY_NAME = /^(Get|List|Describe|Head|Lookup|BatchGet|Search)([A-Z0-9_]|$)/;

// ---------------------------------------------------------------- small safe accessors

function rawStr(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}



/** A printable, single-line, bounded copy of `v` ('' for non-strings); never ends in half a pair. */
export function clean(v: unknown, max: number): string {
  if (typeof v !== 'string' || max <= 0) return '';
  // look at a bounded window only: hostile input may be huge
  const windowLength = max * 4 + 16;
  const cutInput = v.length > windowLength;
  const line = printableLine(toWellFormed(cutInput ? v.slice(0, windowLength) : v));
  if (line.length <= max && !cutInput) return line;
  let cut = line.slice(0, max - 1);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut}…`;
}
function cleanOrNull(v: unknown, max: number): string | null {
  const s = clean(v, max);
  return s === '' ? null : s;
}

// ---------------------------------------------------------------- results

function notMatched(): Classification {
  return {
    matched: false,
    kind: 'none',
    alertType: null,
    severity: null,
    assumedRoot: false,
    muted: false,
    summary: null,
    reason: null,
    facts: null,
  };
}

/** Which deployed rules an event passes (used by `classify` and by `rootwatch simulate`). */
export interface RuleMatches {
  spokeRoot: boolean;
  spokeHeartbeat: boolean;
  spokeCisAlarm: boolean;
  spokeDlqAlarm: boolean;
  hubLogin: boolean;
  hubActivity: boolean;
  hubPipeline: boolean;
}

export function ruleMatches(event: unknown, namePrefix: string = DEFAULT_NAME_PREFIX): RuleMatches {
  const p = rulePatterns(namePrefix);
  return {
    spokeRoot: matchesPattern(p.spokeRoot, event),
    spokeHeartbeat: matchesPattern(p.spokeHeartbeat, event),
    spokeCisAlarm: matchesPattern(p.spokeCisAlarm, event),
    spokeDlqAlarm: matchesPattern(p.spokeDlqAlarm, event),
    hubLogin: matchesPattern(p.hubLogin, event),
    hubActivity: matchesPattern(p.hubActivity, event),
    hubPipeline: matchesPattern(p.hubPipeline, event),
  };
}

// ---------------------------------------------------------------- classification

export function classify(event: unknown, options: ClassifyOptionsWithPrefix = {}): Classification {
  try {
    return classifyUnsafe(event, options ?? {});
  } catch {
    return notMatched();
  }
}

function classifyUnsafe(event: unknown, options: ClassifyOptionsWithPrefix): Classification {
  if (!isObj(event)) return notMatched();
  const namePrefix = typeof options.namePrefix === 'string' && options.namePrefix ? options.namePrefix : DEFAULT_NAME_PREFIX;
  const policy = options.assumedRoot === 'low' || options.assumedRoot === 'mute' ? options.assumedRoot : 'alert';
  const m = ruleMatches(event, namePrefix);

  if (m.hubPipeline && m.spokeHeartbeat && m.spokeRoot) return heartbeat(event);
  if (m.hubPipeline && m.spokeCisAlarm) return cisAlarm(event);
  if (m.hubPipeline && m.spokeDlqAlarm) return dlqAlarm(event, namePrefix);
  if (!m.spokeRoot || !(m.hubLogin || m.hubActivity)) return notMatched();
  const alertType: AlertType = m.hubLogin ? 'login' : 'activity';
  try {
    return rootEvent(event, alertType, policy, options);
  } catch {
    // The rules deliver this event: never let a parsing surprise swallow a root alert.
    return unparsedRootEvent(event, alertType);
  }
}

/** A conservative alert for a delivered root event that could not be read in full. */
function unparsedRootEvent(event: Record<string, unknown>, alertType: AlertType): Classification {
  const account = eventAccount(event);
  const region = clean(get(event, 'region'), 32) || 'unknown';
  const eventTime = clean(get(event, 'time'), 64);
  return {
    matched: true,
    kind: 'root',
    alertType,
    severity: 'high',
    assumedRoot: false,
    muted: false,
    summary: `Root ${alertType === 'login' ? 'sign-in' : 'activity'} in ${account} (${region}); the record could not be read in full`,
    reason: 'root event delivered by the rules, record unreadable',
    facts: envelopeFacts(event, 'unknown', 'unknown', null, cloudTrailUrl(region, null, eventTime)),
  };
}

interface Ctx {
  event: Record<string, unknown>;
  detail: unknown;
  account: string;
  region: string;
  eventName: string;
  eventSource: string;
  service: string;
  ip: string;
}

function context(event: Record<string, unknown>): Ctx {
  const detail = get(event, 'detail');
  const eventSource = clean(get(detail, 'eventSource'), 96);
  return {
    event,
    detail,
    account: eventAccount(event),
    region: clean(get(event, 'region'), 32) || clean(get(detail, 'awsRegion'), 32) || 'unknown',
    eventName: clean(get(detail, 'eventName'), 96) || 'unknown',
    eventSource: eventSource || 'unknown',
    service: eventSource.replace(/\.amazonaws\.com$/, '') || 'unknown',
    ip: clean(get(detail, 'sourceIPAddress'), 64),
  };
}

const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

function consoleRegion(region: string): string {
  return REGION_RE.test(region) ? region : 'us-east-1';
}

/** Link to the record in CloudTrail event history (or to a ±5 min window when it has no id). */
export function cloudTrailUrl(region: string, eventId: string | null, eventTime: string): string {
  const r = consoleRegion(region);
  const base = `https://${r}.console.aws.amazon.com/cloudtrail/home?region=${r}#/events`;
  // CloudTrail event ids are UUIDs; anything else links to the time window instead
  if (eventId && /^[A-Za-z0-9._:-]{1,128}$/.test(eventId)) return `${base}/${encodeURIComponent(eventId)}`;
  const t = Date.parse(eventTime);
  if (!Number.isFinite(t)) return base;
  const iso = (ms: number) => {
    const d = new Date(ms);
    return Number.isFinite(d.getTime()) ? d.toISOString() : '';
  };
  const start = iso(t - 5 * 60_000);
  const end = iso(t + 5 * 60_000);
  return start && end ? `${base}?StartTime=${encodeURIComponent(start)}&EndTime=${encodeURIComponent(end)}` : base;
}

function yesNoFlag(v: unknown): boolean | null {
  if (v === true) return true;
  if (v === false) return false;
  if (typeof v !== 'string') return null;
  const s = v.trim().toLowerCase();
  if (s === 'yes' || s === 'true') return true;
  if (s === 'no' || s === 'false') return false;
  return null;
}

function outcomeOf(detail: unknown, signIn: boolean, eventName: string): 'success' | 'failure' | null {
  if (signIn) {
    const resp = get(detail, 'responseElements');
    const raw = rawStr(get(resp, eventName)) ?? rawStr(get(resp, 'ConsoleLogin'));
    const s = raw?.trim().toLowerCase();
    if (s === 'success') return 'success';
    if (s === 'failure') return 'failure';
    if (rawStr(get(detail, 'errorMessage')) || rawStr(get(detail, 'errorCode'))) return 'failure';
    return null;
  }
  const code = get(detail, 'errorCode');
  return typeof code === 'string' && code !== '' ? 'failure' : 'success';
}

function outcomeLabel(o: 'success' | 'failure' | null): string {
  return o === 'success' ? 'Success' : o === 'failure' ? 'Failure' : 'outcome unknown';
}

function rootEvent(event: Record<string, unknown>, alertType: AlertType, policy: 'alert' | 'low' | 'mute', options: ClassifyOptions = {}): Classification {
  const c = context(event);
  const detail = c.detail;
  const identity = get(detail, 'userIdentity');
  const sessionContext = get(identity, 'sessionContext');
  const detailType = get(event, 'detail-type');
  const signIn = detailType === DETAIL_TYPE_SIGN_IN;
  const rawEventName = rawStr(get(detail, 'eventName')) ?? '';
  const rawEventSource = rawStr(get(detail, 'eventSource')) ?? '';
  const isAssumeRootCall = rawEventSource === 'sts.amazonaws.com' && rawEventName === 'AssumeRoot';
  const assumedRoot = isAssumeRootCall || isTrueFlag(get(sessionContext, 'assumedRoot'));

  const mfaUsed = signIn
    ? yesNoFlag(get(get(detail, 'additionalEventData'), 'MFAUsed'))
    : yesNoFlag(get(get(sessionContext, 'attributes'), 'mfaAuthenticated'));
  const outcome = outcomeOf(detail, signIn, rawEventName);
  const errorCode = cleanOrNull(get(detail, 'errorCode'), 64);
  const recordReadOnly = yesNoFlag(get(detail, 'readOnly'));
  const readOnly = signIn ? recordReadOnly : (recordReadOnly ?? READ_ONLY_NAME.test(rawEventName));
  const eventId = cleanOrNull(get(detail, 'eventID'), 128);
  const eventTime = clean(get(detail, 'eventTime'), 64) || clean(get(event, 'time'), 64);

  const facts: AlertFacts = {
    account: c.account,
    region: c.region,
    eventName: c.eventName,
    eventSource: c.eventSource,
    eventTime,
    eventId,
    principalArn: cleanOrNull(get(identity, 'arn'), 160),
    sourceIp: c.ip || null,
    userAgent: cleanOrNull(get(detail, 'userAgent'), 200),
    mfaUsed,
    outcome,
    errorCode,
    readOnly,
    sessionKey: sessionKey(event),
    consoleUrl: cloudTrailUrl(c.region, eventId, eventTime),
  };

  // ---- severity
  let severity: Severity;
  let reason: string;
  const critical = CRITICAL_CALLS[rawEventSource];
  const criticalReason = critical && Object.prototype.hasOwnProperty.call(critical, rawEventName) ? critical[rawEventName] : undefined;
  if (signIn && outcome === 'failure') {
    severity = 'critical';
    reason = rawEventName === 'ConsoleLogin' ? 'failed root console sign-in' : `failed root sign-in step (${c.eventName})`;
  } else if (criticalReason && !(rawEventName === 'CreateAccessKey' && forOtherUser(detail))) {
    severity = 'critical';
    reason = criticalReason;
  } else if (signIn && rawEventName === 'ConsoleLogin') {
    severity = mfaUsed === true ? 'high' : 'critical';
    reason = mfaUsed === true ? 'root console sign-in with MFA' : mfaUsed === false ? 'root console sign-in without MFA' : 'root console sign-in, MFA use not recorded';
  } else if (signIn) {
    severity = 'high';
    reason = `root sign-in event ${c.eventName}`;
  } else if (isAssumeRootCall) {
    severity = 'high';
    reason = 'sts:AssumeRoot started a privileged root session';
  } else if (readOnly) {
    severity = 'medium';
    reason = recordReadOnly === true ? 'read-only root call' : 'read-only root call (inferred from the event name)';
  } else if (rawEventName === 'CreateAccessKey') {
    severity = 'high';
    reason = 'access key created by root for an IAM user';
  } else {
    severity = 'high';
    reason = 'root write call';
  }

  // ---- AssumeRoot policy
  let finalSeverity: Severity | null = severity;
  let muted = false;
  if (assumedRoot) {
    if (policy === 'low') {
      finalSeverity = 'low';
      reason = `${reason}; AssumeRoot session, severity lowered to low by detection.assumedRoot`;
    } else if (policy === 'mute') {
      finalSeverity = null;
      muted = true;
      reason = `${reason}; AssumeRoot session, muted by detection.assumedRoot`;
    } else if (!isAssumeRootCall) {
      reason = `${reason} (AssumeRoot session)`;
    }
  }

  // ---- root-only task verdict (core/root-tasks.ts); may raise avoidable writes by config
  const rootTask = rootTaskVerdict(event, { signIn, assumedRoot, readOnly: readOnly === true });
  const raised = muted ? null : raiseAvoidableWrite(finalSeverity, rootTask, readOnly === true, options.avoidableRootWrites);
  if (raised) {
    finalSeverity = raised.severity;
    reason = `${reason}; ${raised.note}`;
  }

  // ---- AWS service events are not root actions, and do not reach the hub in practice: EventBridge
  // labels them "AWS Service Event via CloudTrail", which the spoke rule skips. One that does arrive
  // under an API-call detail-type with a root identity is still delivered by the rules, and a
  // delivered root event always alerts: at low severity, saying why.
  if (get(detail, 'eventType') === 'AwsServiceEvent' && !muted) {
    finalSeverity = 'low';
    reason = 'AWS service event recorded with a root identity (unexpected under this detail-type; check the record)';
  }

  return {
    matched: true,
    kind: 'root',
    alertType,
    severity: finalSeverity,
    assumedRoot,
    muted,
    summary: bound(summaryOf(c, { signIn, isAssumeRootCall, assumedRoot, mfaUsed, outcome, errorCode })),
    reason: bound(reason),
    facts,
    rootTask,
  };
}

/** iam:CreateAccessKey with a userName creates a key for an IAM user, not for root. */
function forOtherUser(detail: unknown): boolean {
  const user = get(get(detail, 'requestParameters'), 'userName');
  return typeof user === 'string' && user.trim() !== '';
}

function bound(text: string): string {
  return clean(text, SUMMARY_MAX);
}

interface SummaryBits {
  signIn: boolean;
  isAssumeRootCall: boolean;
  assumedRoot: boolean;
  mfaUsed: boolean | null;
  outcome: 'success' | 'failure' | null;
  errorCode: string | null;
}

function summaryOf(c: Ctx, b: SummaryBits): string {
  const where = `${c.account} (${c.region})`;
  const from = `from ${c.ip || 'unknown IP'}`;
  const detail = c.detail;
  if (b.signIn) {
    const message = clean(get(detail, 'errorMessage'), 80);
    const tail = `${outcomeLabel(b.outcome)}${message ? `: ${message}` : ''}`;
    if (c.eventName === 'ConsoleLogin') {
      if (b.outcome === 'failure') return `FAILED root console sign-in to ${where} ${from} — ${tail}`;
      const mfa = b.mfaUsed === true ? 'with MFA' : b.mfaUsed === false ? 'WITHOUT MFA' : '(MFA use not recorded)';
      return `Root console sign-in ${mfa} to ${where} ${from} — ${tail}`;
    }
    return `Root sign-in event ${c.eventName} in ${where} ${from} — ${tail}`;
  }
  const mfa = b.mfaUsed === true ? ', MFA used' : b.mfaUsed === false ? ', no MFA' : '';
  const tail = `${outcomeLabel(b.outcome)}${b.errorCode ? ` (${b.errorCode})` : ''}`;
  if (b.isAssumeRootCall) {
    const caller = clean(get(get(detail, 'userIdentity'), 'arn'), 120) || 'unknown caller';
    const params = get(detail, 'requestParameters');
    const target = clean(get(params, 'targetPrincipal'), 64) || 'unknown target';
    const task = clean(get(get(params, 'taskPolicyArn'), 'arn'), 120).replace(/^.*\//, '');
    return `${caller} called sts:AssumeRoot in ${where} for ${target}${task ? ` (task ${task})` : ''} ${from} — ${tail}`;
  }
  const who = b.assumedRoot ? 'Root (AssumeRoot session)' : 'Root';
  return `${who} called ${c.service}:${c.eventName} in ${where} ${from}${mfa} — ${tail}`;
}

/** Facts when only the EventBridge envelope is known: pipeline events, or a record that cannot be read. */
function envelopeFacts(event: Record<string, unknown>, eventName: string, eventSource: string, eventId: string | null, consoleUrl: string): AlertFacts {
  return {
    account: eventAccount(event),
    region: clean(get(event, 'region'), 32) || 'unknown',
    eventName,
    eventSource,
    eventTime: clean(get(event, 'time'), 64),
    eventId,
    principalArn: null,
    sourceIp: null,
    userAgent: null,
    mfaUsed: null,
    outcome: null,
    errorCode: null,
    readOnly: null,
    sessionKey: sessionKey(event),
    consoleUrl,
  };
}

function pipelineFacts(event: Record<string, unknown>, eventName: string, eventSource: string, consoleUrl: string): AlertFacts {
  return envelopeFacts(event, eventName, eventSource, cleanOrNull(get(event, 'id'), 128), consoleUrl);
}

function heartbeat(event: Record<string, unknown>): Classification {
  const facts = pipelineFacts(
    event,
    'Heartbeat',
    'sqs.amazonaws.com',
    `https://${consoleRegion(clean(get(event, 'region'), 32))}.console.aws.amazon.com/cloudwatch/home?region=${consoleRegion(clean(get(event, 'region'), 32))}#metricsV2`,
  );
  return {
    ...notMatched(),
    matched: true,
    kind: 'heartbeat',
    summary: bound(`rootwatch heartbeat from ${facts.account} (${facts.region}): CloudTrail and the forwarding path of this region work; not an alert`),
    reason: 'heartbeat: the heartbeat role tagged the path\'s dead-letter queue (not an alert)',
    facts,
  };
}

function cisAlarm(event: Record<string, unknown>): Classification {
  const detail = get(event, 'detail');
  const name = clean(get(detail, 'alarmName'), 128) || 'unknown alarm';
  const state = get(detail, 'state');
  const region = consoleRegion(clean(get(event, 'region'), 32));
  const url = `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(name)}`;
  const facts = pipelineFacts(event, name, clean(get(event, 'source'), 64) || 'aws.cloudwatch', url);
  const stateValue = clean(get(state, 'value'), 32) || 'unknown';
  const why = clean(get(state, 'reason'), 120);
  return {
    matched: true,
    kind: 'cis-alarm',
    alertType: 'activity',
    severity: 'high',
    assumedRoot: false,
    muted: false,
    summary: bound(`CIS CloudWatch.1 root-usage alarm ${name} is ${stateValue} in ${facts.account} (${facts.region})${why ? `: ${why}` : ''}`),
    reason: 'CIS CloudWatch.1 root-usage alarm (secondary path, CloudTrail to CloudWatch Logs)',
    facts,
  };
}

function dlqAlarm(event: Record<string, unknown>, namePrefix: string): Classification {
  const detail = get(event, 'detail');
  const name = clean(get(detail, 'alarmName'), 128) || 'unknown alarm';
  const region = consoleRegion(clean(get(event, 'region'), 32));
  const url = `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(name)}`;
  const facts = pipelineFacts(event, name, clean(get(event, 'source'), 64) || 'aws.cloudwatch', url);
  return {
    matched: true,
    kind: 'dlq-alarm',
    alertType: 'activity',
    severity: 'high',
    assumedRoot: false,
    muted: false,
    summary: bound(
      `rootwatch forwarding dead-letter queue ${namePrefix}-forward-dlq holds events in ${facts.account} (${facts.region}): root events may not have reached the hub; replay them with rootwatch redrive --account ${facts.account} --region ${facts.region}`,
    ),
    reason: 'a forwarding dead-letter queue is not empty (EventBridge could not deliver to the hub bus after its retries)',
    facts,
  };
}

/** All kinds `classify` can return (for consumers that validate results). */
export const EVENT_KINDS: readonly EventKind[] = ['root', 'heartbeat', 'cis-alarm', 'dlq-alarm', 'none'];
