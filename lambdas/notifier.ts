/**
 * The notifier's logic, with its side effects injected (SNS publish, heartbeat metric, fold store,
 * clock, log) so it runs in tests without AWS. handlers/notifier.ts wires the real clients.
 *
 * Input: an EventBridge event from the hub bus rules, or the scheduled digest sweep
 * (`{ "source": DIGEST_SWEEP_SOURCE }`). Failures of SNS or the store throw, so Lambda's async
 * retries and the on-failure destination catch the event.
 */
import { toAlert } from '../core/alert';
import { classify } from '../core/classify';
import { isObj } from '../core/json';
import { eventAccount } from '../core/session';
import { NotifierConfig, NotifierConfigError, readNotifierConfig } from './notifier-config';
import { COVERAGE_SWEEP_SOURCE, DIGEST_SWEEP_SOURCE } from '../core/lambda-contract';
import { CoverageStore, SweepOutcome, accountNames, eventTimeMs, sweepCoverage } from './coverage';
import type { EventBridgeEvent, RootwatchAlert } from '../core/types';
import { FoldStore, archiveKey, decide, digestAlert, dueDigests, isDigestDue, markDigestSent } from './fold';
import { renderEmail } from './format/email';

export { NotifierConfigError, readNotifierConfig };
export type { NotifierConfig };

/** SNS caps a message at 256 KiB; leave room for subject and attributes. */
export const SNS_MESSAGE_BUDGET_BYTES = 240 * 1024;
/** Conditional-write attempts per event before giving up (and throwing: Lambda retries later). */
export const MAX_STORE_ATTEMPTS = 12;

/** The SNS Publish request (same shape as PublishCommandInput). */
export interface PublishRequest {
  TopicArn: string;
  Subject: string;
  Message: string;
  MessageStructure: 'json';
  MessageAttributes: Record<string, { DataType: 'String'; StringValue: string }>;
}

export interface NotifierDeps {
  publish(request: PublishRequest): Promise<void>;
  /** the coverage ledger; null when not configured (heartbeats are then only logged) */
  coverage: CoverageStore | null;
  /** writes the StalePaths metric of a coverage sweep */
  putStalePaths(count: number): Promise<void>;
  /** null when folding is disabled */
  store: FoldStore | null;
  now(): number;
  log(entry: Record<string, unknown>): void;
  /** pause between conflicting writes @default setTimeout */
  sleep?(ms: number): Promise<void>;
}

export type NotifierOutcome =
  | { action: 'published'; sessionKey: string }
  | { action: 'folded'; sessionKey: string }
  | { action: 'heartbeat'; account: string; region: string }
  | SweepOutcome
  | { action: 'ignored'; reason: string }
  | { action: 'sweep'; due: number; digestsSent: number };

// ---------------------------------------------------------------------------------------------
// SNS message

function shrinkEvent(alert: RootwatchAlert, level: 1 | 2): RootwatchAlert {
  const d = alert.event.detail ?? {};
  const keep =
    level === 1
      ? Object.fromEntries(
          ['eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent', 'errorCode', 'eventID', 'eventType', 'readOnly', 'recipientAccountId']
            .filter((k) => k in d)
            .map((k) => [k, d[k]]),
        )
      : {};
  return { ...alert, event: { ...alert.event, detail: { ...keep, rootwatchTruncated: true } } };
}

/**
 * The Publish request for an alert: MessageStructure json with the email text for email (and as
 * default) and the RootwatchAlert JSON for Lambda, SQS and HTTPS subscribers; the subject is the
 * email subject. Oversized raw events are cut so the message fits SNS's limit.
 */
export function buildPublishRequest(alert: RootwatchAlert, topicArn: string): PublishRequest {
  const attempts: Array<[RootwatchAlert, number]> = [
    [alert, 64 * 1024],
    [shrinkEvent(alert, 1), 8 * 1024],
    [shrinkEvent(alert, 2), 2 * 1024],
  ];
  let request: PublishRequest | null = null;
  for (const [a, rawMax] of attempts) {
    const email = renderEmail(a, { rawEventMaxChars: rawMax });
    const json = JSON.stringify(a);
    const message = JSON.stringify({ default: email.body, email: email.body, lambda: json, sqs: json, https: json });
    request = {
      TopicArn: topicArn,
      Subject: email.subject,
      Message: message,
      MessageStructure: 'json',
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: alert.severity },
        alertType: { DataType: 'String', StringValue: alert.alertType },
      },
    };
    if (Buffer.byteLength(message, 'utf8') <= SNS_MESSAGE_BUDGET_BYTES) break;
  }
  return request!;
}

// ---------------------------------------------------------------------------------------------
// Processing


export function isDigestSweep(input: unknown): boolean {
  return isObj(input) && input.source === DIGEST_SWEEP_SOURCE;
}

function topicFor(alert: RootwatchAlert, config: NotifierConfig): string {
  return alert.alertType === 'login' ? config.loginTopicArn : config.activityTopicArn;
}

async function publishAlert(alert: RootwatchAlert, config: NotifierConfig, deps: NotifierDeps): Promise<void> {
  await deps.publish(buildPublishRequest(alert, topicFor(alert, config)));
}

export function isCoverageSweep(input: unknown): boolean {
  return isObj(input) && input.source === COVERAGE_SWEEP_SOURCE;
}

export async function handleNotifierInput(input: unknown, config: NotifierConfig, deps: NotifierDeps): Promise<NotifierOutcome> {
  if (isDigestSweep(input)) return sweepDigests(config, deps);
  if (isCoverageSweep(input)) {
    if (!deps.coverage) {
      deps.log({ level: 'error', msg: 'coverage sweep without a coverage table; nothing swept' });
      return { action: 'ignored', reason: 'no-coverage-table' };
    }
    return sweepCoverage(
      config.namePrefix,
      { intervalSeconds: config.heartbeatIntervalSeconds, graceSeconds: config.coverageGraceSeconds },
      { store: deps.coverage, publishActivity: (alert) => publishAlert(alert, config, deps), putStalePaths: deps.putStalePaths, now: deps.now, log: deps.log },
    );
  }

  const classification = classify(input, { namePrefix: config.namePrefix, assumedRoot: config.assumedRoot });
  if (classification.kind === 'heartbeat' && classification.matched) {
    const account = eventAccount(input);
    const region = classification.facts?.region ?? 'unknown';
    if (deps.coverage) await deps.coverage.recordHeartbeat(account, region, eventTimeMs(input, deps.now()));
    else deps.log({ level: 'warn', msg: 'heartbeat without a coverage table; not recorded', account, region });
    deps.log({ msg: 'heartbeat', account, region });
    return { action: 'heartbeat', account, region };
  }
  const id = isObj(input) && typeof input.id === 'string' ? input.id : null;
  if (!classification.matched) {
    deps.log({ level: 'warn', msg: 'event does not match any rootwatch rule; ignored', id });
    return { action: 'ignored', reason: 'unmatched' };
  }
  if (classification.muted) {
    deps.log({ msg: 'event muted by configuration', id, eventName: classification.facts?.eventName, reason: classification.reason });
    return { action: 'ignored', reason: 'muted' };
  }
  const names = deps.coverage ? { ...config.accountNames, ...(await accountNames(deps.coverage, deps.now(), deps.log)) } : config.accountNames;
  const alert = toAlert(input as EventBridgeEvent, classification, names);
  if (!alert) {
    deps.log({ level: 'warn', msg: 'matched event produced no alert; ignored', id, kind: classification.kind });
    return { action: 'ignored', reason: 'no-alert' };
  }
  const outcome = await foldAndPublish(alert, config, deps);
  if (deps.coverage && classification.kind === 'root') {
    // bookkeeping only, after the alert: a ledger failure never costs a root alert
    try {
      await deps.coverage.recordRootEvent(alert.facts.account, alert.facts.region, eventTimeMs(input, deps.now()));
    } catch (err) {
      deps.log({ level: 'warn', msg: 'last root event not recorded in the coverage ledger', error: err instanceof Error ? err.message : String(err) });
    }
  }
  return outcome;
}

async function foldAndPublish(alert: RootwatchAlert, config: NotifierConfig, deps: NotifierDeps): Promise<NotifierOutcome> {
  const key = alert.facts.sessionKey;
  const logAlert = {
    sessionKey: key,
    eventId: alert.facts.eventId,
    eventName: alert.facts.eventName,
    account: alert.facts.account,
    severity: alert.severity,
    alertType: alert.alertType,
  };
  if (!deps.store || config.windowSeconds <= 0) {
    await publishAlert(alert, config, deps);
    deps.log({ msg: 'alert published', ...logAlert });
    return { action: 'published', sessionKey: key };
  }

  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; attempt <= MAX_STORE_ATTEMPTS; attempt++) {
    const current = await deps.store.get(key);
    const d = decide(current?.state, alert, deps.now(), config.windowSeconds);
    const archive = d.overdue ? { key: archiveKey(key, d.overdue), state: d.overdue } : undefined;
    // claim first, publish after: only the writer that won publishes
    if (await deps.store.put(key, d.next, current?.version, archive)) {
      if (d.action === 'publish') {
        await publishAlert(alert, config, deps);
        deps.log({ msg: 'alert published', ...logAlert, overdueDigestKept: Boolean(archive) });
        return { action: 'published', sessionKey: key };
      }
      deps.log({ msg: 'alert folded', ...logAlert, pending: d.next.pending });
      return { action: 'folded', sessionKey: key };
    }
    deps.log({ level: 'warn', msg: 'fold state changed concurrently; retrying', sessionKey: key, attempt });
    if (attempt > 1) await sleep(Math.round(Math.random() * 5 * attempt));
  }
  throw new Error(`fold state for ${key} kept changing concurrently (${MAX_STORE_ATTEMPTS} attempts)`);
}

/**
 * The scheduled sweep: one digest per window that ended with folded events (current windows and
 * archived ones). Publish first, then mark sent: a failed mark may repeat a digest, never lose it.
 * One failing digest does not stop the others; the sweep throws at the end if any failed.
 */
export async function sweepDigests(config: NotifierConfig, deps: NotifierDeps): Promise<NotifierOutcome> {
  if (!deps.store) return { action: 'sweep', due: 0, digestsSent: 0 };
  const store = deps.store;
  const now = deps.now();
  const due = dueDigests(await store.listDue(now), now);
  let sent = 0;
  const errors: unknown[] = [];
  for (const entry of due) {
    try {
      const digest = digestAlert(entry.state);
      if (digest) {
        await publishAlert(digest, config, deps);
        sent++;
        deps.log({ msg: 'digest published', sessionKey: digest.facts.sessionKey, row: entry.key, count: digest.digest?.count });
      }
      let current: typeof entry | undefined = entry;
      for (let attempt = 1; current && attempt <= MAX_STORE_ATTEMPTS; attempt++) {
        if (await store.put(entry.key, markDigestSent(current.state), current.version)) break;
        // written in between: mark it sent if the row still holds this window and still owes it
        const reread = await store.get(entry.key);
        current = reread && reread.state.windowStart === entry.state.windowStart && isDigestDue(reread.state, now) ? reread : undefined;
      }
    } catch (err) {
      errors.push(err);
      deps.log({ level: 'error', msg: 'digest failed', row: entry.key, error: err instanceof Error ? err.message : String(err) });
    }
  }
  if (errors.length > 0) {
    throw new AggregateError(errors, `digest sweep: ${errors.length} of ${due.length} digests failed`);
  }
  deps.log({ msg: 'digest sweep done', due: due.length, digestsSent: sent });
  return { action: 'sweep', due: due.length, digestsSent: sent };
}
