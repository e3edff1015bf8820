/**
 * Expected root use: a window declared before someone uses root on purpose (`rootwatch expect`).
 * Root events of that account inside the window still alert, marked "expected: <reason> (by
 * <who>)", at a severity the config chooses; nothing is dropped. Pure: the notifier, the CLI and
 * tests share it; the clock is always passed in.
 *
 * The notifier compares the window's end itself: DynamoDB's TTL deletes expired items only
 * eventually (typically within days), so an expired item may still be read
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html).
 */
import { isObj } from './json';
import type { Severity } from './types';

/** One declared window as stored in the hub table (attribute names are the item's). */
export interface ExpectedUseWindow {
  /** partition key: the declarer's `aws:userid` (bound by `dynamodb:LeadingKeys`) */
  declaredBy: string;
  /** sort key: unique per declaration */
  windowId: string;
  account: string;
  reason: string;
  /** the declarer's ARN as the CLI read it from sts:GetCallerIdentity (informational) */
  declaredByArn?: string;
  /** epoch seconds */
  startsAt: number;
  /** epoch seconds; the window covers startsAt <= t < endsAt */
  endsAt: number;
  /** epoch seconds; set by `rootwatch expect --cancel` */
  cancelledAt?: number;
  /** epoch seconds; DynamoDB TTL attribute (a week after the end) */
  expiresAt?: number;
}

/** What an alert carries when it fell into a window. */
export interface ExpectedUseMark {
  reason: string;
  by: string;
  windowId: string;
  endsAt: string;
  /** the severity the event would have had outside the window */
  originalSeverity: Severity;
  /** other windows covering the same event */
  overlapping: number;
}

/** `detection.expectedUse.severity`: what a window does to severities. */
export type ExpectedUseSeverityPolicy = 'one-lower' | 'unchanged';

export const EXPECTED_USE_DEFAULT_MAX_HOURS = 8;
/** TTL: keep items a week after the window for --list and investigations. */
export const EXPECTED_USE_TTL_AFTER_END_SECONDS = 7 * 86400;
export const EXPECTED_USE_REASON_MAX = 200;

export function expectedUseTableName(namePrefix: string): string {
  return `${namePrefix}-expected-use`;
}
/** Global secondary index the notifier queries: partition `account`, sort `endsAt`. */
export const EXPECTED_USE_ACCOUNT_INDEX = 'by-account';

/** Is the window in force at `t` (epoch seconds)? Cancelled windows end at their cancellation. */
export function windowCovers(w: ExpectedUseWindow, account: string, t: number): boolean {
  if (!w || w.account !== account) return false;
  if (!Number.isFinite(w.startsAt) || !Number.isFinite(w.endsAt)) return false;
  const end = typeof w.cancelledAt === 'number' && Number.isFinite(w.cancelledAt) ? Math.min(w.endsAt, w.cancelledAt) : w.endsAt;
  return w.startsAt <= t && t < end;
}

/**
 * The window covering an event of `account` at `eventTime` (epoch seconds), or null. Several
 * overlapping windows: the one ending last wins (ties: smallest windowId) and the others are
 * counted in `overlapping`.
 */
export function coveringWindow(windows: readonly ExpectedUseWindow[], account: string, eventTime: number): { window: ExpectedUseWindow; overlapping: number } | null {
  const covering = windows.filter((w) => windowCovers(w, account, eventTime));
  if (covering.length === 0) return null;
  covering.sort((a, b) => b.endsAt - a.endsAt || a.windowId.localeCompare(b.windowId));
  return { window: covering[0], overlapping: covering.length - 1 };
}

const LOWER: Readonly<Record<Severity, Severity>> = { critical: 'high', high: 'medium', medium: 'low', low: 'low' };

/**
 * Severity inside a window. Default ('one-lower'): one level lower, except sign-ins without MFA
 * (or MFA not recorded) and failures, which keep their severity: a window never hides those.
 */
export function expectedSeverity(
  severity: Severity,
  facts: { eventSource: string; eventName: string; mfaUsed: boolean | null; outcome: 'success' | 'failure' | null },
  policy: ExpectedUseSeverityPolicy = 'one-lower',
): Severity {
  if (policy === 'unchanged') return severity;
  if (facts.outcome === 'failure') return severity;
  const signIn = facts.eventSource === 'signin.amazonaws.com';
  if (signIn && facts.mfaUsed !== true) return severity;
  return LOWER[severity] ?? severity;
}

/** `2h`, `90m`, `1h30m` -> seconds; null when malformed. */
export function parseDuration(text: string): number | null {
  const m = /^\s*(?:(\d{1,3})h)?\s*(?:(\d{1,4})m)?\s*$/.exec(String(text));
  if (!m || (m[1] === undefined && m[2] === undefined)) return null;
  const seconds = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60;
  return seconds > 0 ? seconds : null;
}

/** Who declared it, for people: the ARN when known, else the user id. */
export function declarerLabel(w: Pick<ExpectedUseWindow, 'declaredBy' | 'declaredByArn'>): string {
  return w.declaredByArn && w.declaredByArn.trim() !== '' ? w.declaredByArn : w.declaredBy;
}

/**
 * Name prefix of the only role allowed to declare windows (hub account; see
 * modules/expected-use-table.ts). Roles get a name prefix, never a fixed name (two deployments or
 * modules never collide); AWS caps name_prefix at 38 characters.
 */
export function expectedUseDeclarerRoleName(namePrefix: string): string {
  const name = `${namePrefix}-expect-declarer-`;
  // a Terraform reference (module variable) must not be cut; the module validates its length
  return namePrefix.includes('${') ? name : name.slice(0, 38);
}

/** The window in a stream image (DynamoDB JSON), or null when it is not one. */
/** One page of a DynamoDB Scan or Query: its items and where the next page starts. */
export interface WindowPage<K> {
  readonly Items?: ReadonlyArray<Record<string, unknown>>;
  readonly LastEvaluatedKey?: K;
}

/**
 * The windows of up to `maxPages` pages (Scan for the CLI's list, Query for the notifier's lookup):
 * one pagination loop for both; items that are not windows are skipped.
 */
export async function readWindowPages<K>(page: (start: K | undefined) => Promise<WindowPage<K>>, maxPages: number): Promise<ExpectedUseWindow[]> {
  const out: ExpectedUseWindow[] = [];
  let start: K | undefined;
  for (let n = 0; n < maxPages; n++) {
    const r = await page(start);
    for (const item of r.Items ?? []) {
      const w = windowFromImage(item);
      if (w) out.push(w);
    }
    start = r.LastEvaluatedKey;
    if (!start) break;
  }
  return out;
}

export function windowFromImage(image: Record<string, unknown> | undefined): ExpectedUseWindow | null {
  if (!isObj(image)) return null;
  const s = (k: string): string | undefined => {
    const v = image[k];
    return isObj(v) && typeof v.S === 'string' ? v.S : undefined;
  };
  const n = (k: string): number | undefined => {
    const v = image[k];
    const x = isObj(v) && typeof v.N === 'string' ? Number(v.N) : NaN;
    return Number.isFinite(x) ? x : undefined;
  };
  const declaredBy = s('declaredBy');
  const windowId = s('windowId');
  const account = s('account');
  const reason = s('reason');
  const startsAt = n('startsAt');
  const endsAt = n('endsAt');
  if (!declaredBy || !windowId || !account || reason === undefined || startsAt === undefined || endsAt === undefined) return null;
  const w: ExpectedUseWindow = { declaredBy, windowId, account, reason, startsAt, endsAt };
  const arn = s('declaredByArn');
  if (arn) w.declaredByArn = arn;
  const cancelledAt = n('cancelledAt');
  if (cancelledAt !== undefined) w.cancelledAt = cancelledAt;
  return w;
}
