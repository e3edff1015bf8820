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
import { NotifierConfig, readNotifierConfig } from './notifier-config';
import { COVERAGE_SWEEP_SOURCE, DIGEST_SWEEP_SOURCE } from '../core/lambda-contract';
import { CoverageDeps, CoverageStore, SweepOutcome, accountNames, eventTimeMs, sweepCoverage } from './coverage';
import type { EventBridgeEvent, RootwatchAlert } from '../core/types';
import { DigestReported, FoldState, FoldStore, archiveKey, decide, digestAlert, dueDigests, isDigestDue, markDigestSent } from './fold';
import { emailSubject, renderEmail } from './format/email';
import { ExpectedUseLookup, announceWindows, isExpectedUseStream, markExpected } from './expected-use';
import { sleep as defaultSleep } from '../core/sleep';

export { readNotifierConfig };
export type { NotifierConfig };

/** SNS caps a message at 256 KiB; leave room for subject and attributes. */
export const SNS_MESSAGE_BUDGET_BYTES = 240 * 1024;
/** Conditional-write attempts per event before giving up (and throwing: Lambda retries later). */
const MAX_STORE_ATTEMPTS = 12;

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
  /** declared expected-use windows (lambdas/expected-use.ts); undefined: none */
  expectedUse?: ExpectedUseLookup;
  /** issue 15: the accounts below a stack set's OUs (lambdas/org-accounts.ts); undefined: not listed */
  organizationAccounts?: CoverageDeps['organizationAccounts'];
  /** the hub's region (announcements link to its console) @default 'us-east-1' */
  region?: string;
}

export type NotifierOutcome =
  | { action: 'published'; sessionKey: string }
  | { action: 'folded'; sessionKey: string }
  | { action: 'heartbeat'; account: string; region: string }
  | SweepOutcome
  | { action: 'ignored'; reason: string }
  | { action: 'sweep'; due: number; digestsSent: number; complete?: boolean }
  | { action: 'announced'; count: number };

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
 * email subject. Oversized raw events are cut so the message fits SNS's limit. Never throws: an
 * alert that cannot be rendered in full (a hostile event) is sent without its raw event, and as a
 * last resort as its facts only: the message degrades, the alert is never dropped.
 */
export function buildPublishRequest(alert: RootwatchAlert, topicArn: string): PublishRequest {
  const attempts: Array<[() => RootwatchAlert, number]> = [
    [() => alert, 64 * 1024],
    [() => shrinkEvent(alert, 1), 8 * 1024],
    [() => shrinkEvent(alert, 2), 2 * 1024],
  ];
  for (const [make, rawMax] of attempts) {
    try {
      const a = make();
      const email = renderEmail(a, { rawEventMaxChars: rawMax });
      const json = JSON.stringify(a);
      const message = JSON.stringify({ default: email.body, email: email.body, lambda: json, sqs: json, https: json });
      if (Buffer.byteLength(message, 'utf8') <= SNS_MESSAGE_BUDGET_BYTES) {
        return { TopicArn: topicArn, Subject: email.subject, Message: message, MessageStructure: 'json', MessageAttributes: attributes(alert) };
      }
    } catch {
      // try the next, smaller form
    }
  }
  return minimalPublishRequest(alert, topicArn);
}

function attributes(alert: RootwatchAlert): PublishRequest['MessageAttributes'] {
  const str = (v: unknown, fallback: string) => (typeof v === 'string' && v ? v.slice(0, 64) : fallback);
  return {
    severity: { DataType: 'String', StringValue: str(alert.severity, 'high') },
    alertType: { DataType: 'String', StringValue: str(alert.alertType, 'activity') },
  };
}

/** The facts without the raw event, in plain text and JSON (nothing here can fail to serialize). */
function minimalPublishRequest(alert: RootwatchAlert, topicArn: string): PublishRequest {
  const f = alert.facts;
  const facts: Record<string, string | boolean | null> = {};
  for (const [k, v] of Object.entries(f ?? {})) facts[k] = typeof v === 'string' || typeof v === 'boolean' ? v : v === null ? null : String(v);
  const safe: RootwatchAlert = {
    schema: alert.schema,
    alertType: alert.alertType,
    severity: alert.severity,
    assumedRoot: alert.assumedRoot === true,
    cisPath: alert.cisPath === true,
    summary: String(alert.summary ?? ''),
    reason: String(alert.reason ?? ''),
    facts: facts as unknown as RootwatchAlert['facts'],
    event: { 'detail-type': '', source: '', account: String(f?.account ?? 'unknown'), region: String(f?.region ?? 'unknown'), detail: { rootwatchTruncated: true } },
  };
  if (typeof alert.accountName === 'string') safe.accountName = alert.accountName;
  const json = JSON.stringify(safe);
  const body = `${safe.summary}\n\n${Object.entries(facts).map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n(raw event left out: it could not be rendered)\n`;
  return {
    TopicArn: topicArn,
    Subject: emailSubject(`[Rootwatch] ${safe.summary}`),
    Message: JSON.stringify({ default: body, email: body, lambda: json, sqs: json, https: json }),
    MessageStructure: 'json',
    MessageAttributes: attributes(alert),
  };
}

// ---------------------------------------------------------------------------------------------
// Processing


function isDigestSweep(input: unknown): boolean {
  return isObj(input) && input.source === DIGEST_SWEEP_SOURCE;
}

function topicFor(alert: RootwatchAlert, config: NotifierConfig): string {
  return alert.alertType === 'login' ? config.loginTopicArn : config.activityTopicArn;
}

async function publishAlert(alert: RootwatchAlert, config: NotifierConfig, deps: NotifierDeps): Promise<void> {
  await deps.publish(buildPublishRequest(alert, topicFor(alert, config)));
}

/**
 * After a publish failed: mark the window `unannounced` so the next event of the session publishes
 * instead of folding into a window whose alert never went out. Best effort (the error that matters
 * is the publish's, rethrown by the caller; the Lambda retry of this event still republishes, as
 * its id is in `publishedIds`).
 */
async function releaseClaim(key: string, windowStart: number, store: FoldStore, deps: NotifierDeps): Promise<void> {
  try {
    for (let attempt = 1; attempt <= MAX_STORE_ATTEMPTS; attempt++) {
      const row = await store.get(key);
      if (!row || row.state.windowStart !== windowStart || row.state.unannounced) return;
      const next: FoldState = { ...row.state, unannounced: true };
      if (await store.put(key, next, row.version)) {
        deps.log({ level: 'warn', msg: 'publish failed; fold claim released (the next event of the session publishes)', sessionKey: key });
        return;
      }
    }
  } catch (err) {
    deps.log({ level: 'error', msg: 'publish failed and the fold claim could not be released', sessionKey: key, error: errorText(err) });
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function isCoverageSweep(input: unknown): boolean {
  return isObj(input) && input.source === COVERAGE_SWEEP_SOURCE;
}

export async function handleNotifierInput(input: unknown, config: NotifierConfig, deps: NotifierDeps): Promise<NotifierOutcome> {
  if (isDigestSweep(input)) return sweepDigests(config, deps);
  if (isExpectedUseStream(input)) {
    const count = await announceWindows(input, (a) => publishAlert(a, config, deps), deps.region ?? 'us-east-1', config.namePrefix, deps.log);
    return { action: 'announced', count };
  }
  if (isCoverageSweep(input)) {
    if (!deps.coverage) {
      deps.log({ level: 'error', msg: 'coverage sweep without a coverage table; nothing swept' });
      return { action: 'ignored', reason: 'no-coverage-table' };
    }
    return sweepCoverage(
      config.namePrefix,
      { intervalSeconds: config.heartbeatIntervalSeconds, graceSeconds: config.coverageGraceSeconds },
      { store: deps.coverage, publishActivity: (alert) => publishAlert(alert, config, deps), putStalePaths: deps.putStalePaths, now: deps.now, log: deps.log, ...(deps.organizationAccounts ? { organizationAccounts: deps.organizationAccounts } : {}) },
    );
  }

  const classification = classify(input, { namePrefix: config.namePrefix, assumedRoot: config.assumedRoot, avoidableRootWrites: config.avoidableRootWrites ?? 'unchanged' });
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
  const marked = await markExpected(alert, deps.expectedUse, config.expectedUseSeverity ?? 'one-lower', deps.now(), deps.log);
  const outcome = await foldAndPublish(marked, config, deps);
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
  // rendered before anything is claimed: nothing after the claim but the publish itself can fail
  const request = buildPublishRequest(alert, topicFor(alert, config));
  if (!deps.store || config.windowSeconds <= 0) {
    await deps.publish(request);
    deps.log({ msg: 'alert published', ...logAlert });
    return { action: 'published', sessionKey: key };
  }

  const sleep = deps.sleep ?? defaultSleep;
  for (let attempt = 1; attempt <= MAX_STORE_ATTEMPTS; attempt++) {
    const current = await deps.store.get(key);
    const d = decide(current?.state, alert, deps.now(), config.windowSeconds);
    const archive = d.overdue ? { key: archiveKey(key, d.overdue), state: d.overdue } : undefined;
    // claim first, publish after: only the writer that won publishes
    if (await deps.store.put(key, d.next, current?.version, archive)) {
      if (d.action === 'publish') {
        try {
          await deps.publish(request);
        } catch (err) {
          await releaseClaim(key, d.next.windowStart, deps.store, deps);
          throw err;
        }
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
 * When the mark fails because a fold landed after the row was read, the sweep re-reads and sends a
 * follow-up digest of the events not yet reported, then marks. One failing digest does not stop the
 * others; the sweep throws at the end if any failed. A store that could not list every row in one
 * go (a huge table) says so; the sweep logs it and the next sweep continues where this one stopped.
 */
export async function sweepDigests(config: NotifierConfig, deps: NotifierDeps): Promise<NotifierOutcome> {
  if (!deps.store) return { action: 'sweep', due: 0, digestsSent: 0 };
  const store = deps.store;
  const now = deps.now();
  const listed = await store.listDue(now);
  if (!listed.complete) {
    deps.log({ level: 'warn', msg: 'digest sweep: the state table was not read to its end; the next sweep continues from here', rowsRead: listed.rows.length });
  }
  if (listed.skipped > 0) deps.log({ level: 'error', msg: 'digest sweep: unreadable state rows skipped', skipped: listed.skipped });
  const due = dueDigests(listed.rows, now);
  let sent = 0;
  const errors: unknown[] = [];
  for (const entry of due) {
    try {
      let reported: DigestReported | undefined;
      const send = async (state: FoldState) => {
        const digest = digestAlert(state, reported);
        if (digest) {
          await publishAlert(digest, config, deps);
          sent++;
          deps.log({ msg: 'digest published', sessionKey: digest.facts.sessionKey, row: entry.key, count: digest.digest?.count, followUp: Boolean(reported) });
        }
        reported = { count: state.pending, eventNames: { ...state.eventNames } };
      };
      await send(entry.state);
      let current: typeof entry | undefined = entry;
      for (let attempt = 1; current && attempt <= MAX_STORE_ATTEMPTS; attempt++) {
        if (await store.put(entry.key, markDigestSent(current.state), current.version)) break;
        // written in between: if the row still holds this window and still owes it, report what
        // was folded since the digest was built, then mark it sent
        const reread = await store.get(entry.key);
        current = reread && reread.state.windowStart === entry.state.windowStart && isDigestDue(reread.state, now) ? reread : undefined;
        if (current && current.state.pending > (reported?.count ?? 0)) await send(current.state);
      }
    } catch (err) {
      errors.push(err);
      deps.log({ level: 'error', msg: 'digest failed', row: entry.key, error: errorText(err) });
    }
  }
  if (errors.length > 0) {
    throw new AggregateError(errors, `digest sweep: ${errors.length} of ${due.length} digests failed`);
  }
  deps.log({ msg: 'digest sweep done', due: due.length, digestsSent: sent, complete: listed.complete });
  return { action: 'sweep', due: due.length, digestsSent: sent, complete: listed.complete };
}
