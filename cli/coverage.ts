/**
 * `rootwatch coverage [--profile] [--region] [--json]`: reads the hub's coverage ledger and prints
 * every expected account x region with its last heartbeat, last root event and status, decided by
 * the same code as the notifier's sweep (core/coverage.ts). Read-only: it never writes the ledger.
 *
 * Exit codes: 0 = every expected path is fresh (or new and within its grace period), 1 = any path is
 * stale or never heard from past its grace, 2 = usage or credential error (one line).
 *
 * The AWS SDK is loaded only when this command runs (dynamic import), never by synth or simulate.
 */
import {
  CoverageSettings,
  DEFAULT_GRACE_SECONDS,
  PathDecision,
  coverageTableName,
  parseExpectedChunks,
  scheduleSeconds,
  sweepAccounts,
} from '../core/coverage';
import { DEFAULT_HEARTBEAT_SCHEDULE } from '../core/config';
import type { RootwatchConfig } from '../core/config';
import { classifyError, errorCode, errorMessage } from './audit/aws-call';
import { REGION_PATTERN } from '../core/validation';

export interface CoverageOptions {
  profile?: string;
  region?: string;
  json: boolean;
  /** resolved config (namePrefix, hub region, heartbeat interval); defaults apply without one */
  config?: RootwatchConfig;
  /** the clock @default Date.now */
  now?: number;
}

export interface CoverageOutcome {
  stdout: string;
  exitCode: 0 | 1 | 2;
  /** the one line for stderr when exitCode is 2 */
  error?: string;
}

export interface CoveragePathJson {
  account: string;
  name: string | null;
  region: string;
  status: 'fresh' | 'pending' | 'stale';
  neverSeen: boolean;
  lastHeartbeat: string | null;
  lastRootEvent: string | null;
}

const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());

export async function runCoverage(opts: CoverageOptions): Promise<CoverageOutcome> {
  if (opts.profile !== undefined && opts.profile.trim() === '') return usage('--profile must not be empty');
  if (opts.region !== undefined && !REGION_PATTERN.test(opts.region)) return usage(`--region '${opts.region}' is not a region name (e.g. eu-west-1)`);
  const table = coverageTableName(opts.config?.namePrefix ?? 'rootwatch');
  const region = opts.region ?? opts.config?.hub.region;
  const settings: CoverageSettings = {
    intervalSeconds: scheduleSeconds(opts.config?.alerts.heartbeat.scheduleExpression ?? DEFAULT_HEARTBEAT_SCHEDULE),
    graceSeconds: DEFAULT_GRACE_SECONDS,
  };
  const scanned = await scanLedger(opts.profile, table, region);
  if ('exitCode' in scanned) return scanned;
  // A skipped piece of the expected set hides its accounts from the sweep: coverage is then unproven (exit 1).
  const expectedProblems: string[] = [];
  const accounts = parseExpectedChunks(scanned.expected, (e) => expectedProblems.push(`${String(e.msg)} (chunk ${String(e.chunk)}): ${String(e.problem)}`));
  const result = sweepAccounts(accounts, scanned.rows, opts.now ?? Date.now(), settings, () => undefined, true);
  const paths = pathsJson(result.decisions, new Map(accounts.map((a) => [a.account, a.name ?? null])));
  const exitCode = accounts.length === 0 || result.stale > 0 || expectedProblems.length > 0 ? 1 : 0;
  if (opts.json) {
    const out = { table, region: region ?? null, expected: paths.length, fresh: result.fresh, pending: result.pending, stale: result.stale, skippedItems: result.skipped, expectedProblems, paths };
    return { stdout: `${JSON.stringify(out)}\n`, exitCode };
  }
  const lines = [`Coverage ledger ${table}${region ? ` (${region})` : ''}: ${paths.length} expected paths, ${result.fresh} fresh, ${result.pending} pending, ${result.stale} stale`];
  if (accounts.length === 0) lines.push('No expected paths in the ledger: is the hub deployed with this config?');
  lines.push(...pathTable(paths));
  if (result.skipped > 0) lines.push(`${result.skipped} ledger item(s) of the wrong shape skipped`);
  for (const p of expectedProblems) lines.push(`Expected set: ${p}; the accounts it held are not checked`);
  return { stdout: `${lines.join('\n')}\n`, exitCode };
}

/** The ledger's expected set and rows, or the outcome that says (in one line) why they cannot be read. */
async function scanLedger(profile: string | undefined, table: string, region: string | undefined): Promise<{ expected: unknown[]; rows: unknown[] } | CoverageOutcome> {
  try {
    const [ddb, { DynamoCoverageStore }] = await Promise.all([import('@aws-sdk/client-dynamodb'), import('../lambdas/coverage-store')]);
    const credentials = profile ? (await import('@aws-sdk/credential-providers')).fromIni({ profile }) : undefined;
    const client = new ddb.DynamoDBClient({
      maxAttempts: 5,
      ...(region ? { region } : {}),
      ...(profile ? { profile, credentials } : {}),
    });
    return await new DynamoCoverageStore(client, table).scan();
  } catch (err) {
    const kind = classifyError(err);
    const code = errorCode(err);
    if (kind === 'credentials') return usage(`credentials: ${errorMessage(err)}`);
    if (kind === 'region') return usage('--region: no region given and none configured (pass --region, or the config with hub.region)');
    if (kind === 'access-denied') return usage(`access denied reading table ${table}${region ? ` in ${region}` : ''}: ${errorMessage(err)}`);
    if (code === 'ResourceNotFoundException') return usage(`table ${table} not found${region ? ` in ${region}` : ''}: deploy the hub, or pass --region/--config of the hub`);
    return { stdout: '', exitCode: 2, error: `coverage: cannot read table ${table}: ${errorMessage(err)}` };
  }
}

/** Every expected path (not the removed ones), by account and region. */
function pathsJson(decisions: readonly PathDecision[], names: ReadonlyMap<string, string | null>): CoveragePathJson[] {
  return decisions
    .filter((d): d is PathDecision & { status: CoveragePathJson['status'] } => d.status !== 'removed')
    .map((d) => ({
      account: d.account,
      name: names.get(d.account) ?? null,
      region: d.region,
      status: d.status,
      neverSeen: d.neverSeen,
      lastHeartbeat: iso(d.lastHeartbeat),
      lastRootEvent: iso(d.lastRootEvent),
    }))
    .sort((a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region));
}

/** The paths as an aligned text table with a header line. */
function pathTable(paths: readonly CoveragePathJson[]): string[] {
  const header = ['ACCOUNT', 'NAME', 'REGION', 'LAST HEARTBEAT', 'LAST ROOT EVENT', 'STATUS'];
  const rows = paths.map((p) => [p.account, p.name ?? '-', p.region, p.lastHeartbeat ?? 'never', p.lastRootEvent ?? '-', p.status.toUpperCase()]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
}

function usage(message: string): CoverageOutcome {
  return { stdout: '', exitCode: 2, error: message };
}
