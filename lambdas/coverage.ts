/**
 * The notifier's side of the coverage ledger (core/coverage.ts holds the decisions): stamping
 * heartbeats and root events per (account, region), the periodic sweep that raises one alert when
 * a path goes stale and one when it recovers and writes the StalePaths metric the one alarm
 * watches, and the account names, read from the expected set in the ledger table (not from the
 * Lambda environment, which AWS caps at 4 KB in all) with a cache.
 *
 * Side effects are injected (store, publish, metric, clock, log) so all of it runs in tests.
 */
import {
  CoverageSettings,
  ExpectedAccount,
  PathDecision,
  forwardDlqUrl,
  parseExpectedChunks,
  sweepAccounts,
} from '../core/coverage';
import { OrgSource, parseOrgSource, withOrganizationAccounts } from '../core/org-accounts';
import { ALERT_SCHEMA } from '../core/alert';
import { selfFacts } from '../core/classify';
import type { RootwatchAlert } from '../core/types';

/** The ledger table (DynamoDB in the hub; see lambdas/coverage-store.ts). */
export interface CoverageStore {
  /** Stamp the path's last heartbeat (never moves back in time). */
  recordHeartbeat(account: string, region: string, at: number): Promise<void>;
  /** Stamp the path's last root event (never moves back in time). */
  recordRootEvent(account: string, region: string, at: number): Promise<void>;
  /**
   * Every ledger row (unmarshalled, unchecked), every expected-set chunk (JSON text) and, in stackset
   * mode, the organization sources (JSON text, core/org-accounts.ts) whose accounts are expected too.
   */
  scan(): Promise<{ expected: unknown[]; rows: unknown[]; organization?: unknown[] }>;
  /** Only the expected-set chunks. */
  readExpected(): Promise<unknown[]>;
  /** Set expectedSince / alerted (alerted undefined: remove it). */
  update(account: string, region: string, update: NonNullable<PathDecision['update']>): Promise<void>;
  /** Drop a row whose path is no longer expected. */
  forget(account: string, region: string): Promise<void>;
}

export interface CoverageDeps {
  readonly store: CoverageStore;
  publishActivity(alert: RootwatchAlert): Promise<void>;
  putStalePaths(count: number): Promise<void>;
  now(): number;
  log(entry: Record<string, unknown>): void;
  /** issue 15: the ACTIVE accounts below a source's OUs (assumes the source's role); undefined: sources are ignored */
  organizationAccounts?(source: OrgSource): Promise<ExpectedAccount[]>;
}

export type SweepOutcome = { action: 'coverage-sweep'; paths: number; stale: number; alerts: number; skipped: number };

/** How long account names read from the ledger are reused by one Lambda container. */
const NAMES_CACHE_MS = 5 * 60 * 1000;
let namesCache: { at: number; store: CoverageStore; names: Record<string, string> } | undefined;

/** Account id -> display name from the expected set, cached; never throws (an alert must not wait on names). */
export async function accountNames(store: CoverageStore, now: number, log: (e: Record<string, unknown>) => void): Promise<Record<string, string>> {
  if (namesCache && namesCache.store === store && now - namesCache.at < NAMES_CACHE_MS) return namesCache.names;
  try {
    const names = namesOf(parseExpectedChunks(await store.readExpected(), log));
    namesCache = { at: now, store, names };
    return names;
  } catch (err) {
    log({ level: 'warn', msg: 'account names unavailable; alerts show account ids only', error: err instanceof Error ? err.message : String(err) });
    return namesCache?.names ?? {};
  }
}

/** For tests: forget cached names. */
export function resetAccountNamesCache(): void {
  namesCache = undefined;
}

function namesOf(accounts: readonly ExpectedAccount[]): Record<string, string> {
  return Object.fromEntries(accounts.filter((a) => a.name).map((a) => [a.account, a.name as string]));
}

/**
 * The sweep: decide every path, write what changed, alert once per change of state, then the
 * StalePaths metric. Publish first and mark after: a failed mark repeats an alert on the next
 * sweep, never loses it. A bad ledger item is logged and skipped; a bad piece of the expected set is
 * logged as an error and counted in StalePaths (its accounts cannot be checked). An empty expected set writes no
 * metric, so the alarm (missing data breaching) fires: a hub that expects nothing is blind too.
 * Failed writes are collected and thrown at the end, after the metric.
 */
export async function sweepCoverage(namePrefix: string, settings: CoverageSettings, deps: CoverageDeps): Promise<SweepOutcome> {
  const now = deps.now();
  const { expected, rows, organization = [] } = await deps.store.scan();
  // A malformed piece of the expected set hides its accounts from the sweep: each counts as a stale
  // path, so the StalePaths alarm fires instead of the sweep going quiet about them.
  let unreadable = 0;
  let accounts = parseExpectedChunks(expected, (e) => {
    unreadable++;
    deps.log({ ...e, level: 'error' });
  });
  // stackset mode: the accounts of the target OUs are expected although nobody listed them
  let discovered = new Set<string>();
  for (const text of organization) {
    const source = parseOrgSource(text);
    if (typeof source === 'string') {
      deps.log({ level: 'warn', msg: 'organization source skipped', problem: source });
      continue;
    }
    if (!deps.organizationAccounts) continue;
    try {
      const merged = withOrganizationAccounts(accounts, await deps.organizationAccounts(source));
      accounts = merged.accounts;
      discovered = new Set([...discovered, ...merged.discovered]);
    } catch (err) {
      // the listed accounts are still swept; the stale-path metric cannot see the unlisted ones this time
      deps.log({ level: 'error', msg: 'organization accounts unavailable; only the listed accounts are swept', role: source.roleArn, error: err instanceof Error ? err.message : String(err) });
    }
  }
  const names = namesOf(accounts);
  const result = sweepAccounts(accounts, rows, now, settings, deps.log);
  const paths = result.fresh + result.pending + result.stale;
  const errors: unknown[] = [];
  let alerts = 0;
  for (const d of result.decisions) {
    try {
      if (d.action === 'alert-stale' || d.action === 'alert-recovered') {
        await deps.publishActivity(coverageAlert(d, namePrefix, names[d.account], now, discovered.has(d.account)));
        alerts++;
        deps.log({ msg: d.action === 'alert-stale' ? 'coverage path stale' : 'coverage path recovered', account: d.account, region: d.region, neverSeen: d.neverSeen });
      }
      if (d.update) await deps.store.update(d.account, d.region, d.update);
      if (d.action === 'forget') await deps.store.forget(d.account, d.region);
    } catch (err) {
      errors.push(err);
      deps.log({ level: 'error', msg: 'coverage path update failed', account: d.account, region: d.region, error: err instanceof Error ? err.message : String(err) });
    }
  }
  if (paths > 0) await deps.putStalePaths(result.stale + unreadable);
  else deps.log({ level: 'error', msg: 'coverage: the expected set is empty; no StalePaths metric written (the stale-path alarm fires on missing data)' });
  deps.log({ msg: 'coverage sweep done', paths, stale: result.stale, pending: result.pending, fresh: result.fresh, skipped: result.skipped, alerts });
  if (errors.length > 0) throw new AggregateError(errors, `coverage sweep: ${errors.length} path updates failed`);
  return { action: 'coverage-sweep', paths, stale: result.stale, alerts, skipped: result.skipped };
}

/** The activity alert for a path that went stale or recovered. */
function coverageAlert(d: PathDecision, namePrefix: string, name: string | undefined, now: number, fromOrganization = false): RootwatchAlert {
  const stale = d.action === 'alert-stale';
  /** an ACTIVE account of the stack set's OUs that never sent a heartbeat: its stack instance failed or never came */
  const uncovered = stale && d.neverSeen && fromOrganization;
  const dlq = forwardDlqUrl(namePrefix, d.account, d.region);
  const who = name ? `${name} (${d.account})` : d.account;
  const last = d.lastHeartbeat === undefined ? 'never (since it was first expected)' : new Date(d.lastHeartbeat).toISOString();
  const time = new Date(now).toISOString();
  const summary = uncovered
    ? `rootwatch never covered ${who} ${d.region}: an ACTIVE account of the stack set's OUs that never sent a heartbeat. Check its stack instance of ${namePrefix}-spokes (failed, or excluded), the trail, and dead-letter queue ${dlq}`
    : stale
    ? `rootwatch is blind in ${who} ${d.region}: no heartbeat since ${last}. Check the trail, rule ${namePrefix}-forward-root and dead-letter queue ${dlq}`
    : `rootwatch sees ${who} ${d.region} again: heartbeat at ${last}`;
  const consoleUrl = `https://${d.region}.console.aws.amazon.com/sqs/v3/home?region=${d.region}#/queues/${encodeURIComponent(dlq)}`;
  return {
    schema: ALERT_SCHEMA,
    alertType: 'activity',
    severity: stale ? 'high' : 'low',
    assumedRoot: false,
    cisPath: false,
    summary,
    reason: uncovered
      ? 'coverage: uncovered account: listed by AWS Organizations under the stack set\'s OUs, ACTIVE, and never heard from within the grace period'
      : stale
      ? d.neverSeen
        ? 'coverage: never heard from this path within the grace period after it was first expected'
        : 'coverage: no heartbeat for two intervals plus a margin; root events of this account and region may not reach the hub'
      : 'coverage: the path sends heartbeats again',
    facts: selfFacts({
      account: d.account,
      region: d.region,
      eventName: uncovered ? 'CoveragePathUncovered' : stale ? 'CoveragePathStale' : 'CoveragePathRecovered',
      eventSource: 'rootwatch.coverage',
      eventTime: time,
      eventId: null,
      sessionKey: `rootwatch:${d.account}:coverage:${d.region}`,
      consoleUrl,
    }),
    ...(name ? { accountName: name } : {}),
    event: {
      version: '0',
      'detail-type': 'rootwatch coverage change',
      source: 'rootwatch.coverage',
      account: d.account,
      region: d.region,
      time,
      resources: [],
      detail: {
        status: uncovered ? 'uncovered' : d.status,
        lastHeartbeat: d.lastHeartbeat === undefined ? null : new Date(d.lastHeartbeat).toISOString(),
        lastRootEvent: d.lastRootEvent === undefined ? null : new Date(d.lastRootEvent).toISOString(),
        deadLetterQueue: dlq,
      },
    },
  };
}

/** The time of a CloudTrail record (eventTime), else of the envelope, else now. */
export function eventTimeMs(event: unknown, now: number): number {
  const e = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  const detail = (typeof e.detail === 'object' && e.detail !== null ? e.detail : {}) as Record<string, unknown>;
  for (const v of [detail.eventTime, e.time]) {
    const t = typeof v === 'string' ? Date.parse(v) : NaN;
    if (Number.isFinite(t) && t <= now + 5 * 60 * 1000) return t;
  }
  return now;
}
