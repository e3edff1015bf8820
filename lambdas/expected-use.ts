/**
 * The notifier's side of expected root use (core/expected-use.ts): mark root alerts that fall into
 * a declared window, and announce declarations and cancellations on the activity topic from the
 * table's stream, so nobody lowers severities silently. Side effects are injected.
 *
 * A marked alert is still published: the mark only adds "expected: <reason> (by <who>)" and may
 * lower the severity by config. If the window lookup fails, the alert goes out unmarked.
 */
import {
  ExpectedUseSeverityPolicy,
  ExpectedUseWindow,
  coveringWindow,
  declarerLabel,
  expectedSeverity,
  expectedUseTableName,
  windowFromImage,
} from '../core/expected-use';

import { clean } from '../core/classify';
import { isObj } from '../core/json';
import type { EventBridgeEvent, RootwatchAlert } from '../core/types';
import { REGION_PATTERN } from '../core/validation';

/** Reads the windows of one account that end after `nowSeconds` (DynamoDB: Query on the account index). */
export interface ExpectedUseLookup {
  windowsFor(account: string, nowSeconds: number): Promise<ExpectedUseWindow[]>;
}

/**
 * The alert with its expected-use mark (a new object), or the alert itself when no window covers
 * it. The event's own time decides (the notifier may run late); the window's end is compared
 * here, whatever TTL has or has not deleted yet.
 */
export async function markExpected(
  alert: RootwatchAlert,
  lookup: ExpectedUseLookup | undefined,
  policy: ExpectedUseSeverityPolicy,
  nowMs: number,
  log: (entry: Record<string, unknown>) => void,
): Promise<RootwatchAlert> {
  if (!lookup || alert.cisPath || alert.digest) return alert;
  const parsed = Date.parse(alert.facts.eventTime);
  const eventSeconds = Math.floor((Number.isFinite(parsed) ? parsed : nowMs) / 1000);
  let windows: ExpectedUseWindow[];
  try {
    windows = await lookup.windowsFor(alert.facts.account, Math.min(eventSeconds, Math.floor(nowMs / 1000)));
  } catch (err) {
    log({ level: 'warn', msg: 'expected-use lookup failed; alert sent unmarked', account: alert.facts.account, error: err instanceof Error ? err.message : String(err) });
    return alert;
  }
  const hit = coveringWindow(windows, alert.facts.account, eventSeconds);
  if (!hit) return alert;
  const w = hit.window;
  const by = clean(declarerLabel(w), 200) || 'unknown';
  const reason = clean(w.reason, 200) || '(no reason)';
  const severity = expectedSeverity(alert.severity, alert.facts, policy);
  const marked: RootwatchAlert = {
    ...alert,
    severity,
    reason: clean(`${alert.reason}; expected: ${reason} (by ${by})${severity !== alert.severity ? `, severity ${alert.severity} lowered to ${severity} by detection.expectedUse` : ''}`, 600),
    expected: {
      reason,
      by,
      windowId: clean(w.windowId, 128),
      endsAt: new Date(w.endsAt * 1000).toISOString(),
      originalSeverity: alert.severity,
      overlapping: hit.overlapping,
    },
  };
  log({ msg: 'expected-use window matched', account: alert.facts.account, windowId: marked.expected!.windowId, reason, by, severity, originalSeverity: alert.severity });
  return marked;
}

// ---------------------------------------------------------------------------------------------
// Announcements from the table's stream

interface StreamRecord {
  eventName?: string;
  eventSource?: string;
  dynamodb?: { NewImage?: Record<string, unknown>; OldImage?: Record<string, unknown> };
}

/** A DynamoDB Streams batch (Lambda event source mapping) rather than an EventBridge event? */
export function isExpectedUseStream(input: unknown): input is { Records: StreamRecord[] } {
  return isObj(input) && Array.isArray(input.Records) && input.Records.length > 0 && input.Records.every((r) => isObj(r) && r.eventSource === 'aws:dynamodb');
}

/** The announcement of a declaration or cancellation, shaped as a RootwatchAlert so every channel renders it. */
function announcement(w: ExpectedUseWindow, kind: 'declared' | 'cancelled', region: string, namePrefix: string): RootwatchAlert {
  const by = clean(declarerLabel(w), 200) || 'unknown';
  const reason = clean(w.reason, 200) || '(no reason)';
  const start = new Date(w.startsAt * 1000).toISOString();
  const end = new Date(w.endsAt * 1000).toISOString();
  const r = REGION_PATTERN.test(region) ? region : 'us-east-1';
  const table = expectedUseTableName(namePrefix);
  const event: EventBridgeEvent = {
    'detail-type': `rootwatch expected-use window ${kind}`,
    source: 'rootwatch.expected-use',
    account: w.account,
    region: r,
    detail: { ...w },
  };
  const summary =
    kind === 'declared'
      ? `Expected root use declared for ${w.account} from ${start} to ${end} by ${by}: ${reason}. Root events in this window will be marked, not dropped.`
      : `Expected root use window ${w.windowId} for ${w.account} cancelled by ${by} (was: ${reason})`;
  return {
    schema: 'rootwatch.alert/v1',
    alertType: 'activity',
    severity: 'medium',
    assumedRoot: false,
    cisPath: false,
    summary: clean(summary, 600),
    reason: `expected-use window ${kind} (rootwatch expect); announced by the hub from the table's stream`,
    facts: {
      account: w.account,
      region: r,
      eventName: kind === 'declared' ? 'ExpectedUseDeclared' : 'ExpectedUseCancelled',
      eventSource: 'rootwatch.expected-use',
      eventTime: kind === 'declared' ? start : new Date((w.cancelledAt ?? w.startsAt) * 1000).toISOString(),
      eventId: clean(w.windowId, 128) || null,
      principalArn: w.declaredByArn ? clean(w.declaredByArn, 160) : null,
      sourceIp: null,
      userAgent: null,
      mfaUsed: null,
      outcome: null,
      errorCode: null,
      readOnly: false,
      sessionKey: `${namePrefix}:expected-use:${clean(w.windowId, 128)}`,
      consoleUrl: `https://${r}.console.aws.amazon.com/dynamodbv2/home?region=${r}#item-explorer?table=${encodeURIComponent(table)}`,
    },
    expected: { reason, by, windowId: clean(w.windowId, 128), endsAt: end, originalSeverity: 'medium', overlapping: 0 },
    event,
  };
}

/**
 * Announce every new window (INSERT) and every cancellation (MODIFY that sets cancelledAt) of a
 * stream batch; TTL removals and other changes are ignored. A failed publish throws: the event
 * source mapping retries the batch and finally sends it to the failure queue.
 */
export async function announceWindows(
  input: { Records: StreamRecord[] },
  publish: (alert: RootwatchAlert) => Promise<void>,
  region: string,
  namePrefix: string,
  log: (entry: Record<string, unknown>) => void,
): Promise<number> {
  let sent = 0;
  for (const rec of input.Records) {
    const now = windowFromImage(rec.dynamodb?.NewImage);
    const before = windowFromImage(rec.dynamodb?.OldImage);
    let kind: 'declared' | 'cancelled' | null = null;
    if (rec.eventName === 'INSERT' && now) kind = 'declared';
    else if (rec.eventName === 'MODIFY' && now && now.cancelledAt !== undefined && before?.cancelledAt === undefined) kind = 'cancelled';
    if (!kind || !now) continue;
    await publish(announcement(now, kind, region, namePrefix));
    sent++;
    log({ msg: `expected-use window ${kind}`, account: now.account, windowId: now.windowId, reason: clean(now.reason, 200), by: clean(declarerLabel(now), 200), endsAt: now.endsAt });
  }
  return sent;
}
