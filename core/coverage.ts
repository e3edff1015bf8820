/**
 * The coverage ledger: which (account, region) paths rootwatch expects to hear from, when each
 * last sent a heartbeat (and a root event), and what the periodic sweep decides about each of them.
 * Pure: the clock, the stored rows and the expected set come in as arguments, so the notifier's
 * sweep, `rootwatch coverage` and the tests share exactly these decisions.
 *
 * A path is one monitored account in one region: its root-forwarding rule, target, role and
 * dead-letter queue. Every interval a heartbeat schedule in that region makes a harmless write
 * (TagQueue on the path's own dead-letter queue) that CloudTrail records; the region's
 * root-forwarding rule carries the record to the hub, where the notifier stamps `lastHeartbeat`.
 *
 * Decisions, per expected path and per sweep:
 * - fresh: a heartbeat within `staleAfter` (two intervals plus a margin: CloudTrail -> EventBridge
 *   delivery is best effort, so one lost heartbeat never alerts);
 * - pending: never heard from, but expected for less than the grace period (first deploy, a new
 *   enrollment): no alert;
 * - stale: no heartbeat within `staleAfter`, or never heard from past the grace period: one alert
 *   when the path becomes stale, one when it recovers, nothing in between;
 * - a ledger row whose path is no longer expected (account or region removed from the config) is
 *   forgotten without an alert.
 */
import { ACCOUNT_ID_PATTERN, REGION_PATTERN } from './validation';

/** A path the config expects heartbeats from. */
export interface ExpectedPath {
  readonly account: string;
  readonly region: string;
}

/** One ledger row as stored (times in epoch milliseconds). */
export interface LedgerRow {
  readonly account: string;
  readonly region: string;
  /** last heartbeat seen at the hub */
  readonly lastHeartbeat?: number;
  /** last root event seen at the hub */
  readonly lastRootEvent?: number;
  /** when the sweep first expected this path (start of its grace period) */
  readonly expectedSince?: number;
  /** 'stale' while a stale alert is out (so the next change of mind alerts once) */
  readonly alerted?: 'stale';
}

export interface CoverageSettings {
  /** heartbeat interval in seconds */
  readonly intervalSeconds: number;
  /** how long a never-seen path may stay silent after it is first expected @default 48 h */
  readonly graceSeconds?: number;
  /** added to two intervals before a path counts as stale @default 15 min */
  readonly marginSeconds?: number;
}

export const DEFAULT_GRACE_SECONDS = 48 * 3600;
const DEFAULT_MARGIN_SECONDS = 15 * 60;

export type PathStatus = 'fresh' | 'pending' | 'stale';

/** What the sweep does about one path. */
export type PathAction =
  | 'none' // nothing changes
  | 'start' // first sight of an expected path: record expectedSince (grace starts)
  | 'alert-stale' // became stale: alert once, remember it
  | 'alert-recovered' // stale before, fresh now: alert once, forget the stale mark
  | 'forget'; // no longer expected: drop the row, no alert

export interface PathDecision {
  readonly account: string;
  readonly region: string;
  readonly status: PathStatus | 'removed';
  readonly action: PathAction;
  /** true when the path never sent a heartbeat */
  readonly neverSeen: boolean;
  readonly lastHeartbeat?: number;
  readonly lastRootEvent?: number;
  /** attributes the sweep writes back (undefined value: remove the attribute) */
  readonly update?: { readonly expectedSince?: number; readonly alerted?: 'stale' | undefined };
}

export function staleAfterMs(s: CoverageSettings): number {
  return (2 * s.intervalSeconds + (s.marginSeconds ?? DEFAULT_MARGIN_SECONDS)) * 1000;
}

/** How long a path may stay silent: after a heartbeat (`staleMs`), or never heard from (`graceMs`). */
interface SilenceLimits {
  readonly staleMs: number;
  readonly graceMs: number;
}

function silenceLimits(s: CoverageSettings): SilenceLimits {
  return { staleMs: staleAfterMs(s), graceMs: (s.graceSeconds ?? DEFAULT_GRACE_SECONDS) * 1000 };
}

/** The status of one expected path now. */
export function pathStatus(row: LedgerRow | undefined, now: number, s: CoverageSettings): PathStatus {
  return statusWithin(row, now, silenceLimits(s));
}

function statusWithin(row: LedgerRow | undefined, now: number, limits: SilenceLimits): PathStatus {
  if (row === undefined) return 'pending';
  if (row.lastHeartbeat !== undefined) return now - row.lastHeartbeat <= limits.staleMs ? 'fresh' : 'stale';
  if (row.expectedSince === undefined) return 'pending';
  return now - row.expectedSince <= limits.graceMs ? 'pending' : 'stale';
}

/** The sweep's decision for one path (`expected` false: the config no longer lists it). */
export function decidePath(path: ExpectedPath, row: LedgerRow | undefined, expected: boolean, now: number, s: CoverageSettings): PathDecision {
  const make = (status: PathDecision['status'], action: PathAction, update?: PathDecision['update']): PathDecision => {
    const d: { -readonly [K in keyof PathDecision]: PathDecision[K] } = { account: path.account, region: path.region, status, action, neverSeen: row?.lastHeartbeat === undefined };
    if (row?.lastHeartbeat !== undefined) d.lastHeartbeat = row.lastHeartbeat;
    if (row?.lastRootEvent !== undefined) d.lastRootEvent = row.lastRootEvent;
    if (update) d.update = update;
    return d;
  };
  if (!expected) return make('removed', row ? 'forget' : 'none');
  const status = pathStatus(row, now, s);
  if (row?.expectedSince === undefined && row?.lastHeartbeat === undefined) return make(status, 'start', { expectedSince: now });
  if (status === 'stale' && row?.alerted !== 'stale') return make(status, 'alert-stale', { alerted: 'stale' });
  if (status === 'fresh' && row?.alerted === 'stale') return make(status, 'alert-recovered', { alerted: undefined });
  return make(status, 'none');
}

export interface SweepResult {
  /** decisions with something to do (all of them with `keepAll`) */
  readonly decisions: PathDecision[];
  /** expected paths that are stale now (the metric the one alarm watches) */
  readonly stale: number;
  readonly pending: number;
  readonly fresh: number;
  /** ledger rows skipped because of their shape */
  readonly skipped: number;
}

/**
 * Decide every path: each expected one, and each stored row that is no longer expected.
 * `rows` are raw items (already unmarshalled); a row of the wrong shape is logged and skipped,
 * never thrown on: one bad item must not stop the sweep for the others. Only decisions with an
 * action are returned unless `keepAll` (the CLI shows every path; the sweep needs the changes).
 * Takes the expected paths one by one; `sweepAccounts` takes them as stored (per account).
 */
export function sweepLedger(expected: readonly ExpectedPath[], ...inputs: SweepInputs): SweepResult {
  // consecutive paths of one account form one group (the order of the decisions stays the paths' order)
  const groups: Array<{ account: string; regions: string[] }> = [];
  for (const p of expected) {
    const last = groups[groups.length - 1];
    if (last && last.account === p.account) last.regions.push(p.region);
    else groups.push({ account: p.account, regions: [p.region] });
  }
  return sweepAccounts(groups, ...inputs);
}

/** What a sweep decides from besides the expected paths (see `sweepAccounts`). */
type SweepInputs = Parameters<typeof sweepAccounts> extends [unknown, ...infer Rest] ? Rest : never;

/**
 * `sweepLedger` over the expected set as stored (accounts with their regions): what the notifier's
 * sweep and `rootwatch coverage` call. Built for 1,000 accounts x 17 regions in one Lambda
 * invocation: rows are grouped per account in small arrays (at most one per region) and matched
 * by a linear search, with no per-path key strings, sets or path objects; a decision object is
 * made only where something may change (or with `keepAll`).
 */
export function sweepAccounts(
  accounts: ReadonlyArray<{ readonly account: string; readonly regions: readonly string[] }>,
  rows: readonly unknown[],
  now: number,
  s: CoverageSettings,
  log: (entry: Record<string, unknown>) => void = () => undefined,
  keepAll = false,
): SweepResult {
  const { byAccount, skipped } = rowsByAccount(rows, log);
  const run: SweepRun = { now, s, limits: silenceLimits(s), keepAll, decisions: [], stale: 0, pending: 0, fresh: 0 };
  // regions already decided per account: only consulted when an account is listed twice
  const done = new Map<string, readonly string[]>();
  for (let a = 0; a < accounts.length; a++) {
    const account = accounts[a].account;
    const regions = accounts[a].regions;
    const before = done.get(account);
    decideAccountPaths(run, account, regions, byAccount.get(account), before);
    done.set(account, before === undefined ? regions : [...before, ...regions]);
  }
  for (const list of byAccount.values()) {
    for (const row of list) if (row !== undefined) run.decisions.push(decidePath(row, row, false, now, s));
  }
  return { decisions: run.decisions, stale: run.stale, pending: run.pending, fresh: run.fresh, skipped };
}

/** One sweep: its settings, and the decisions and counts so far. */
interface SweepRun {
  readonly now: number;
  readonly s: CoverageSettings;
  readonly limits: SilenceLimits;
  readonly keepAll: boolean;
  readonly decisions: PathDecision[];
  stale: number;
  pending: number;
  fresh: number;
}

/**
 * account -> its rows (one per region; a later duplicate replaces the earlier one); a row taken
 * by an expected path becomes undefined, so what is left afterwards is no longer expected.
 */
function rowsByAccount(rows: readonly unknown[], log: (entry: Record<string, unknown>) => void): { byAccount: Map<string, Array<LedgerRow | undefined>>; skipped: number } {
  const byAccount = new Map<string, Array<LedgerRow | undefined>>();
  let skipped = 0;
  for (let i = 0; i < rows.length; i++) {
    const parsed = parseLedgerRow(rows[i]);
    if (typeof parsed === 'string') {
      skipped++;
      log({ level: 'warn', msg: 'coverage ledger item skipped', problem: parsed, index: i });
      continue;
    }
    const list = byAccount.get(parsed.account);
    if (!list) {
      byAccount.set(parsed.account, [parsed]);
      continue;
    }
    let k = 0;
    while (k < list.length && list[k]!.region !== parsed.region) k++;
    list[k] = parsed;
  }
  return { byAccount, skipped };
}

/** Decide the expected paths of one account (`before`: its regions decided already, when it is listed twice). */
function decideAccountPaths(run: SweepRun, account: string, regions: readonly string[], list: Array<LedgerRow | undefined> | undefined, before: readonly string[] | undefined): void {
  for (let j = 0; j < regions.length; j++) {
    const region = regions[j];
    if (before !== undefined && before.includes(region)) continue;
    let dup = false;
    for (let i = 0; i < j && !dup; i++) dup = regions[i] === region;
    if (dup) continue;
    const row = list === undefined ? undefined : takeRow(list, region);
    const status = statusWithin(row, run.now, run.limits);
    if (status === 'fresh') run.fresh++;
    else if (status === 'stale') run.stale++;
    else run.pending++;
    // most paths are fresh and unchanged: build a decision only where something may happen
    const changes =
      row === undefined ||
      (row.expectedSince === undefined && row.lastHeartbeat === undefined) ||
      (status === 'stale' && row.alerted !== 'stale') ||
      (status === 'fresh' && row.alerted === 'stale');
    if (run.keepAll || changes) {
      const d = decidePath({ account, region }, row, true, run.now, run.s);
      if (run.keepAll || d.action !== 'none') run.decisions.push(d);
    }
  }
}

/** The account's row of `region`, marked taken (undefined in the list), or undefined. */
function takeRow(list: Array<LedgerRow | undefined>, region: string): LedgerRow | undefined {
  for (let k = 0; k < list.length; k++) {
    const r = list[k];
    if (r !== undefined && r.region === region) {
      list[k] = undefined;
      return r;
    }
  }
  return undefined;
}

const ACCOUNT = ACCOUNT_ID_PATTERN;
const REGION = REGION_PATTERN;

/**
 * A ledger row, or a one-line problem naming the field. A valid item is returned as it is (no copy:
 * the sweep reads 17,000 of them), with `null` attributes treated as absent.
 */
export function parseLedgerRow(item: unknown): LedgerRow | string {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return 'item: not an object';
  const o = item as Record<string, unknown>;
  const account = o.account;
  const region = o.region;
  if (typeof account !== 'string' || account.length !== 12 || !ACCOUNT.test(account)) return 'account: must be 12 digits';
  if (typeof region !== 'string' || !REGION.test(region)) return 'region: must be a region name';
  // three named reads rather than a loop over field names (the sweep reads 17,000 rows)
  const lastHeartbeat = o.lastHeartbeat;
  if (lastHeartbeat !== undefined && !isTime(lastHeartbeat)) {
    if (lastHeartbeat !== null) return 'lastHeartbeat: must be epoch milliseconds';
    o.lastHeartbeat = undefined;
  }
  const lastRootEvent = o.lastRootEvent;
  if (lastRootEvent !== undefined && !isTime(lastRootEvent)) {
    if (lastRootEvent !== null) return 'lastRootEvent: must be epoch milliseconds';
    o.lastRootEvent = undefined;
  }
  const expectedSince = o.expectedSince;
  if (expectedSince !== undefined && !isTime(expectedSince)) {
    if (expectedSince !== null) return 'expectedSince: must be epoch milliseconds';
    o.expectedSince = undefined;
  }
  const alerted = o.alerted;
  if (alerted === null) o.alerted = undefined;
  else if (alerted !== undefined && alerted !== 'stale') return 'alerted: must be "stale" or absent';
  return o as unknown as LedgerRow;
}

const isTime = (v: unknown): boolean => typeof v === 'number' && v >= 0 && v !== Infinity;

// ---------------------------------------------------------------- expected set

/**
 * The expected set as stored in the hub (DynamoDB items written by Terraform): chunks of
 * accounts, each with its regions and display name. Also where the notifier reads account names
 * (they used to sit in the Lambda environment, which AWS caps at 4 KB in all).
 */
export interface ExpectedAccount {
  readonly account: string;
  readonly regions: readonly string[];
  readonly name?: string;
}

/** Accounts per stored chunk: 100 accounts x 17 regions and 64-character names stay far below DynamoDB's 400 KB item limit. */
const EXPECTED_CHUNK_ACCOUNTS = 100;

/** Split the expected accounts into the JSON documents Terraform writes (one item each). */
export function expectedChunks(accounts: readonly ExpectedAccount[]): string[] {
  const sorted = [...accounts].sort((a, b) => a.account.localeCompare(b.account));
  const chunks: string[] = [];
  for (let i = 0; i < sorted.length; i += EXPECTED_CHUNK_ACCOUNTS) {
    chunks.push(JSON.stringify(sorted.slice(i, i + EXPECTED_CHUNK_ACCOUNTS).map((a) => ({ a: a.account, r: a.regions, ...(a.name ? { n: a.name } : {}) }))));
  }
  return chunks;
}

/** Read the stored chunks back; a malformed chunk or entry is logged and skipped. */
export function parseExpectedChunks(chunks: readonly unknown[], log: (entry: Record<string, unknown>) => void = () => undefined): ExpectedAccount[] {
  const out: ExpectedAccount[] = [];
  chunks.forEach((chunk, i) => {
    let list: unknown;
    try {
      list = typeof chunk === 'string' ? JSON.parse(chunk) : undefined;
    } catch {
      list = undefined;
    }
    if (!Array.isArray(list)) {
      log({ level: 'warn', msg: 'expected-set chunk skipped', problem: 'accounts: not a JSON list', chunk: i });
      return;
    }
    for (const e of list) {
      const o = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
      const regions = Array.isArray(o.r) ? o.r.filter((r): r is string => typeof r === 'string' && REGION.test(r)) : [];
      if (typeof o.a !== 'string' || !ACCOUNT.test(o.a) || regions.length === 0) {
        log({ level: 'warn', msg: 'expected-set entry skipped', problem: 'a (12 digits) and r (regions) required', chunk: i });
        continue;
      }
      out.push({ account: o.a, regions, ...(typeof o.n === 'string' ? { name: o.n } : {}) });
    }
  });
  return out;
}

export function expectedPaths(accounts: readonly ExpectedAccount[]): ExpectedPath[] {
  return accounts.flatMap((a) => a.regions.map((region) => ({ account: a.account, region })));
}

/** `rate(N hours)` / `rate(1 day)` in seconds. */
export function scheduleSeconds(expression: string): number {
  const m = /^rate\((\d+) (day|days|hour|hours)\)$/.exec(expression);
  if (!m) throw new Error(`not a rate expression: ${expression}`);
  return Number(m[1]) * (m[2].startsWith('day') ? 86400 : 3600);
}

/** The ledger table's name: deterministic, so the notifier's environment, its policy and the CLI need no reference. */
export function coverageTableName(namePrefix: string): string {
  return `${namePrefix}-coverage`;
}

/** The name of the forwarding dead-letter queue of a path (the same name in every region). */
export function forwardDlqName(namePrefix: string): string {
  return `${namePrefix}-forward-dlq`;
}

/** Its URL, as SQS and the stale alert name it. */
export function forwardDlqUrl(namePrefix: string, account: string, region: string): string {
  return `https://sqs.${region}.amazonaws.com/${account}/${forwardDlqName(namePrefix)}`;
}

/**
 * Every account rootwatch monitors with its regions and display name: the hub account, every
 * spoke, and the management account when `guardrails.managementAccount` is set (its own root is
 * the one no SCP restricts).
 */
export function expectedAccounts(config: {
  readonly hub: { readonly accountId: string; readonly name: string; readonly regions: readonly string[] };
  readonly spokes: ReadonlyArray<{ readonly accountId: string; readonly regions: readonly string[] }>;
  readonly orgGuardrails?: { readonly managementAccount: { readonly accountId: string } };
  /** issue 15: in stackset mode from the management account, the stackset stack monitors that account */
  readonly stackSet?: { readonly callAs: string; readonly managementAccountId?: string };
  readonly accountNames: Readonly<Record<string, string>>;
}): ExpectedAccount[] {
  const out = new Map<string, ExpectedAccount>();
  const add = (account: string, regions: readonly string[]) => {
    if (out.has(account)) return;
    const name = config.accountNames[account];
    out.set(account, { account, regions: [...regions], ...(name ? { name } : {}) });
  };
  add(config.hub.accountId, config.hub.regions);
  for (const s of config.spokes) add(s.accountId, s.regions);
  const mgmt = config.orgGuardrails?.managementAccount.accountId ?? (config.stackSet?.callAs === 'SELF' ? config.stackSet.managementAccountId : undefined);
  if (mgmt) add(mgmt, config.hub.regions);
  return [...out.values()];
}
