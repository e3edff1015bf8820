/**
 * The folding policy: how a burst of root events of one session becomes one immediate alert plus
 * one digest instead of a thousand notifications. Pure logic plus the store interface; the
 * DynamoDB store lives in dynamo-store.ts.
 *
 * Policy (per session key, fixed windows measured on the notifier's clock):
 * - the first event of a session (or the first after its window ended) publishes at once and opens
 *   a window of `windowSeconds`;
 * - later events inside the window are folded: counted by event name, not published;
 * - critical events always publish at once; they are counted in the window (`published`) but not
 *   in the digest, which reports only what was not sent;
 * - when the window has ended and events were folded, the scheduled sweep sends one digest
 *   (`dueDigests`). An event arriving after the window ended but before the sweep opens a new
 *   window; the old one, still owing its digest, is handed back (`overdue`) and stored under its
 *   own key (`archiveKey`) in the same atomic write, so the sweep still sends it;
 * - `windowSeconds` 0 disables folding: every event publishes.
 *
 * Concurrency and failures (at-least-once, no duplicates from races):
 * - the notifier decides, then writes the new state conditionally on the version it read
 *   (optimistic concurrency), and publishes only after the write won: of N concurrent first
 *   events exactly one publishes, the others re-read and fold;
 * - a publish that fails after the write throws; Lambda retries the same event, and because the
 *   state remembers the ids of the events it decided to publish (`publishedIds`), the retry
 *   publishes again instead of folding: a failure can duplicate an alert, never lose it;
 * - the sweep publishes a digest, then marks it sent: a failed mark can duplicate a digest. A fold
 *   that lands between the sweep's read and its mark (a fold decided just before the window end)
 *   makes the mark fail; the sweep re-reads and sends a follow-up digest for the events it has not
 *   reported (`digestAlert(state, reported)`) before marking, so the row never ends "sent" with
 *   unreported events;
 * - a publish that fails after the claim releases it: the row is marked `unannounced`, and the next
 *   event of the window publishes instead of folding (the claim is not kept when nothing was sent);
 * - an event without an envelope id or CloudTrail eventID is identified across retries by a hash of
 *   its content, so its retry publishes again instead of folding.
 */
import { fnv1a64 } from '../core/session';
import { AlertType, RootwatchAlert, Severity, SEVERITIES } from '../core/types';

/** Fold state rows live this long after their window ends (DynamoDB TTL attribute `expiresAt`). */
export const FOLD_STATE_TTL_SECONDS = 2 * 24 * 3600;
/** The digest template drops the raw event's detail above this many JSON characters (DynamoDB items are at most 400 KB). */
export const TEMPLATE_EVENT_MAX = 100 * 1024;
/** How many published event ids a window remembers (retries of a failed publish republish). */
const PUBLISHED_IDS_MAX = 50;

export interface FoldState {
  /** epoch ms: when the window opened */
  windowStart: number;
  /** epoch ms: when the window ends (events at or after it open a new window) */
  windowEnd: number;
  /** events folded in this window (not yet reported by a digest) */
  pending: number;
  /** events of this window published at once (the first one plus critical ones) */
  published: number;
  /** folded events by event name */
  eventNames: Record<string, number>;
  /** event times (ISO-8601) of the earliest and latest folded event */
  firstEventTime: string | null;
  lastEventTime: string | null;
  digestSent: boolean;
  /** highest severity among folded events */
  maxSeverity: Severity | null;
  /** 'activity' once any folded event was activity, else 'login' */
  alertType: AlertType | null;
  /** the latest folded alert: the basis of the digest */
  template: RootwatchAlert | null;
  /** ids (alertId) of the events of this window decided 'publish', newest last, at most PUBLISHED_IDS_MAX */
  publishedIds: string[];
  /**
   * true when a publish this window decided failed after its claim was written: the next event of
   * the window publishes instead of folding (absent on rows written before this field existed)
   */
  unannounced?: boolean;
}

export interface FoldDecision {
  action: 'publish' | 'fold';
  next: FoldState;
  /** the previous window of this session when it still owes a digest (store it under archiveKey) */
  overdue: FoldState | null;
}

/**
 * Identity of an event across Lambda retries: the EventBridge envelope id, else the CloudTrail
 * eventID, else a hash of the event's content (a Lambda retry carries the same event, so the same
 * hash; two identical id-less events then both publish, which duplicates, never loses).
 */
export function alertId(alert: RootwatchAlert): string | null {
  const id = alert.event?.id;
  if (typeof id === 'string' && id) return id;
  if (alert.facts.eventId) return alert.facts.eventId;
  try {
    const json = JSON.stringify(alert.event);
    return json === undefined ? null : `content:${fnv1a64(json)}`;
  } catch {
    return null;
  }
}

/** Key of a closed window that still owes its digest (same table, its own row). */
export function archiveKey(sessionKey: string, window: FoldState): string {
  return `${sessionKey}#window-${window.windowStart}`;
}

function withPublished(ids: readonly string[], id: string | null): string[] {
  if (id === null) return [...ids];
  return [...ids.filter((x) => x !== id), id].slice(-PUBLISHED_IDS_MAX);
}

const severityRank = (s: Severity): number => {
  const i = SEVERITIES.indexOf(s);
  return i < 0 ? SEVERITIES.length : i;
};

function time(t: string | null): number {
  const ms = t === null ? NaN : Date.parse(t);
  return Number.isNaN(ms) ? -Infinity : ms;
}

function owesDigest(state: FoldState | undefined): state is FoldState {
  return state !== undefined && state.pending > 0 && !state.digestSent;
}

function freshWindow(nowMs: number, windowSeconds: number, id: string | null): FoldState {
  return {
    windowStart: nowMs,
    windowEnd: nowMs + Math.max(0, windowSeconds) * 1000,
    pending: 0,
    published: 1,
    eventNames: {},
    firstEventTime: null,
    lastEventTime: null,
    digestSent: false,
    maxSeverity: null,
    alertType: null,
    template: null,
    publishedIds: withPublished([], id),
  };
}

/** A copy of the alert small enough to keep in the state row. */
function compactTemplate(alert: RootwatchAlert): RootwatchAlert {
  const { digest: _digest, ...rest } = alert;
  let size = Infinity;
  try {
    size = JSON.stringify(alert.event).length;
  } catch {
    /* keep Infinity */
  }
  if (size <= TEMPLATE_EVENT_MAX) return { ...rest };
  return { ...rest, event: { ...alert.event, detail: { rootwatchTruncated: true, originalSize: size } } };
}

function isOpen(state: FoldState | undefined, nowMs: number, windowSeconds: number): state is FoldState {
  return windowSeconds > 0 && state !== undefined && nowMs < state.windowEnd;
}

/**
 * What to do with `alert` given the session's state. `nowMs` is the notifier's clock; events of
 * one session are ordered by arrival, not by their CloudTrail time (which can lag by minutes).
 */
export function decide(state: FoldState | undefined, alert: RootwatchAlert, nowMs: number, windowSeconds: number): FoldDecision {
  const id = alertId(alert);
  if (!isOpen(state, nowMs, windowSeconds)) {
    return { action: 'publish', next: freshWindow(nowMs, windowSeconds, id), overdue: owesDigest(state) ? state : null };
  }
  if (state.unannounced) {
    // the window's claim was released after a failed publish: this event announces the session
    const known = id !== null && (state.publishedIds ?? []).includes(id);
    return {
      action: 'publish',
      next: {
        ...state,
        unannounced: false,
        published: known ? state.published : state.published + 1,
        publishedIds: withPublished(state.publishedIds ?? [], id),
      },
      overdue: null,
    };
  }
  if (id !== null && (state.publishedIds ?? []).includes(id)) {
    // a retry of an event this window already decided to publish: publish again, count once
    return { action: 'publish', next: state, overdue: null };
  }
  if (alert.severity === 'critical') {
    return {
      action: 'publish',
      next: { ...state, published: state.published + 1, publishedIds: withPublished(state.publishedIds ?? [], id) },
      overdue: null,
    };
  }
  const t = alert.facts.eventTime;
  const name = alert.facts.eventName;
  const next: FoldState = {
    ...state,
    pending: state.pending + 1,
    eventNames: { ...state.eventNames, [name]: (state.eventNames[name] ?? 0) + 1 },
    firstEventTime: state.firstEventTime === null || time(t) < time(state.firstEventTime) ? t : state.firstEventTime,
    lastEventTime: state.lastEventTime === null || time(t) >= time(state.lastEventTime) ? t : state.lastEventTime,
    maxSeverity:
      state.maxSeverity === null || severityRank(alert.severity) < severityRank(state.maxSeverity) ? alert.severity : state.maxSeverity,
    alertType: state.alertType === 'activity' || alert.alertType === 'activity' ? 'activity' : 'login',
    template: compactTemplate(alert),
  };
  return { action: 'fold', next, overdue: null };
}

/** Does this window owe a digest at `nowMs`? */
export function isDigestDue(state: FoldState, nowMs: number): boolean {
  return nowMs >= state.windowEnd && owesDigest(state);
}

/** The entries whose window has ended with folded events and no digest sent yet. */
export function dueDigests<T extends { state: FoldState }>(entries: Iterable<T>, nowMs: number): T[] {
  const due: T[] = [];
  for (const e of entries) if (isDigestDue(e.state, nowMs)) due.push(e);
  return due;
}

/** What a digest already sent reported of a window (for a follow-up digest of the rest). */
export interface DigestReported {
  count: number;
  eventNames: Record<string, number>;
}

/**
 * The digest alert for a window (null when nothing was folded, or nothing beyond `reported`).
 * With `reported`, the digest covers only the events folded after that digest was built.
 */
export function digestAlert(state: FoldState, reported?: DigestReported): RootwatchAlert | null {
  const count = state.pending - (reported?.count ?? 0);
  if (count <= 0 || state.template === null) return null;
  const t = state.template;
  const eventNames: Record<string, number> = {};
  for (const [name, n] of Object.entries(state.eventNames)) {
    const rest = n - (reported?.eventNames[name] ?? 0);
    if (rest > 0) eventNames[name] = rest;
  }
  const digest = {
    count,
    firstEventTime: (reported ? state.lastEventTime : state.firstEventTime) ?? t.facts.eventTime,
    lastEventTime: state.lastEventTime ?? t.facts.eventTime,
    eventNames,
  };
  const noun = digest.count === 1 ? 'event' : 'events';
  return {
    ...t,
    alertType: state.alertType ?? t.alertType,
    severity: state.maxSeverity ?? t.severity,
    summary: `${digest.count} more root ${noun} in this session (account ${t.facts.account})`,
    reason: `digest of events folded between ${digest.firstEventTime} and ${digest.lastEventTime}`,
    digest,
  };
}

export function markDigestSent(state: FoldState): FoldState {
  return { ...state, digestSent: true };
}

/** TTL (epoch seconds) for a state row: FOLD_STATE_TTL_SECONDS after its window ends. */
export function expiresAt(state: FoldState): number {
  return Math.ceil(state.windowEnd / 1000) + FOLD_STATE_TTL_SECONDS;
}

// ---------------------------------------------------------------------------------------------
// Store

export interface StoredFoldState {
  key: string;
  state: FoldState;
  /** optimistic-concurrency version, 1 on first write */
  version: number;
}

export interface FoldArchive {
  key: string;
  state: FoldState;
}

export interface FoldStore {
  get(key: string): Promise<StoredFoldState | undefined>;
  /**
   * Write `state` when the stored version is `expectedVersion` (undefined: when no row exists),
   * and, in the same atomic write, `archive` (a closed window owing its digest) as a new row.
   * Resolves false when the condition failed (someone else wrote first); rejects on other errors.
   */
  put(key: string, state: FoldState, expectedVersion: number | undefined, archive?: FoldArchive): Promise<boolean>;
  /**
   * Rows that may owe a digest at `nowMs` (callers re-check with `dueDigests`). A store that reads
   * in pages may stop early: `complete` is then false, and the next call continues where this one
   * stopped (then wraps around), so every row is reached over successive sweeps. `skipped` counts
   * unreadable rows left out (one bad row must not stop every sweep).
   */
  listDue(nowMs: number): Promise<DueList>;
}

export interface DueList {
  rows: StoredFoldState[];
  complete: boolean;
  skipped: number;
}

/** In-memory store (tests, local runs). Rows are copied in and out, as a database would. */
export class MemoryFoldStore implements FoldStore {
  private readonly rows = new Map<string, { state: FoldState; version: number }>();
  private resumeAfter: string | undefined;

  /** @param maxRowsPerList rows one `listDue` looks at (emulates a paged store) @default unbounded */
  constructor(private readonly maxRowsPerList = Infinity) {}

  async get(key: string): Promise<StoredFoldState | undefined> {
    const row = this.rows.get(key);
    return row ? { key, state: structuredClone(row.state), version: row.version } : undefined;
  }

  async put(key: string, state: FoldState, expectedVersion: number | undefined, archive?: FoldArchive): Promise<boolean> {
    const row = this.rows.get(key);
    if ((row?.version ?? undefined) !== expectedVersion) return false;
    if (archive && this.rows.has(archive.key)) return false;
    this.rows.set(key, { state: structuredClone(state), version: (expectedVersion ?? 0) + 1 });
    if (archive) this.rows.set(archive.key, { state: structuredClone(archive.state), version: 1 });
    return true;
  }

  async listDue(nowMs: number): Promise<DueList> {
    const keys = [...this.rows.keys()].sort();
    const start = this.resumeAfter === undefined ? 0 : keys.findIndex((k) => k > this.resumeAfter!);
    const from = start < 0 ? keys.length : start;
    const page = keys.slice(from, from + Math.min(this.maxRowsPerList, keys.length));
    const complete = from + page.length >= keys.length;
    this.resumeAfter = complete ? undefined : page[page.length - 1];
    const rows: StoredFoldState[] = [];
    for (const key of page) {
      const row = this.rows.get(key)!;
      if (isDigestDue(row.state, nowMs)) rows.push({ key, state: structuredClone(row.state), version: row.version });
    }
    return { rows, complete, skipped: 0 };
  }

  get size(): number {
    return this.rows.size;
  }
}
