import {
  decidePath,
  expectedAccounts,
  expectedChunks,
  expectedPaths,
  forwardDlqUrl,
  parseExpectedChunks,
  parseLedgerRow,
  pathStatus,
  scheduleSeconds,
  staleAfterMs,
  sweepAccounts,
  sweepLedger,
  type LedgerRow,
  type PathDecision,
} from '../../core/coverage';
import { resolveConfig } from '../../core/config';
import { prng } from '../helpers/fuzz';

const H = 3600 * 1000;
const s = { intervalSeconds: 6 * 3600, graceSeconds: 48 * 3600, marginSeconds: 900 };
const path = { account: '222222222222', region: 'eu-west-1' };
const T0 = Date.UTC(2026, 10, 30, 0, 0, 0);

describe('coverage ledger decisions (injected clock)', () => {
  it('stale after two intervals plus the margin, not before', () => {
    expect(staleAfterMs(s)).toBe(12 * H + 15 * 60 * 1000);
    const row = { ...path, lastHeartbeat: T0, expectedSince: T0 - H };
    expect(pathStatus(row, T0 + 12 * H, s)).toBe('fresh'); // one lost heartbeat never alerts
    expect(pathStatus(row, T0 + 12 * H + 15 * 60 * 1000, s)).toBe('fresh');
    expect(pathStatus(row, T0 + 12 * H + 15 * 60 * 1000 + 1, s)).toBe('stale');
  });

  it('fresh: nothing to do', () => {
    const d = decidePath(path, { ...path, lastHeartbeat: T0, expectedSince: T0 - H }, true, T0 + H, s);
    expect(d).toMatchObject({ status: 'fresh', action: 'none', neverSeen: false });
  });

  it('goes stale: one alert, then silence while it stays stale', () => {
    const row = { ...path, lastHeartbeat: T0, expectedSince: T0 - H };
    const first = decidePath(path, row, true, T0 + 13 * H, s);
    expect(first).toMatchObject({ status: 'stale', action: 'alert-stale', update: { alerted: 'stale' } });
    const again = decidePath(path, { ...row, alerted: 'stale' }, true, T0 + 14 * H, s);
    expect(again).toMatchObject({ status: 'stale', action: 'none' });
  });

  it('recovers: one alert, and the stale mark is cleared', () => {
    const row = { ...path, lastHeartbeat: T0 + 20 * H, expectedSince: T0, alerted: 'stale' as const };
    const d = decidePath(path, row, true, T0 + 21 * H, s);
    expect(d.action).toBe('alert-recovered');
    expect(d.update).toHaveProperty('alerted', undefined);
    expect(decidePath(path, { ...row, alerted: undefined }, true, T0 + 22 * H, s).action).toBe('none');
  });

  it('never seen: the first sweep starts the grace period, silent within it', () => {
    const start = decidePath(path, undefined, true, T0, s);
    expect(start).toMatchObject({ status: 'pending', action: 'start', neverSeen: true, update: { expectedSince: T0 } });
    const within = decidePath(path, { ...path, expectedSince: T0 }, true, T0 + 47 * H, s);
    expect(within).toMatchObject({ status: 'pending', action: 'none' });
  });

  it('never seen past the grace period: stale, one alert', () => {
    const d = decidePath(path, { ...path, expectedSince: T0 }, true, T0 + 48 * H + 1, s);
    expect(d).toMatchObject({ status: 'stale', action: 'alert-stale', neverSeen: true });
  });

  it('account removed from the config: its row is forgotten without an alert', () => {
    const row = { ...path, lastHeartbeat: T0 - 100 * H, expectedSince: T0 - 200 * H, alerted: 'stale' as const };
    const d = decidePath(path, row, false, T0, s);
    expect(d).toMatchObject({ status: 'removed', action: 'forget' });
  });
});

describe('sweepLedger', () => {
  it('counts stale paths, forgets removed ones, and skips a bad item with a log line (never throws)', () => {
    const logs: Array<Record<string, unknown>> = [];
    const expected = [path, { account: '222222222222', region: 'us-east-1' }, { account: '333333333333', region: 'us-east-1' }];
    const rows: unknown[] = [
      { ...path, lastHeartbeat: T0 - H, expectedSince: T0 - 100 * H }, // fresh
      { account: '222222222222', region: 'us-east-1', lastHeartbeat: T0 - 30 * H, expectedSince: T0 - 100 * H }, // stale
      { account: '999999999999', region: 'us-east-1', lastHeartbeat: T0 - 30 * H }, // removed
      { account: '333333333333', region: 'us-east-1', lastHeartbeat: 'yesterday' }, // bad shape
      'garbage',
      null,
    ];
    const r = sweepLedger(expected, rows, T0, s, (e) => logs.push(e), true);
    // without keepAll only the paths with something to do come back
    expect(sweepLedger(expected, rows, T0, s).decisions.map((d) => d.action).sort()).toEqual(['alert-stale', 'forget', 'start']);
    expect(r).toMatchObject({ stale: 1, fresh: 1, pending: 1, skipped: 3 });
    // the path whose row was bad counts as never seen (a start), not as fresh
    const byKey = Object.fromEntries(r.decisions.map((d) => [`${d.account}#${d.region}`, d.action]));
    expect(byKey).toEqual({
      '222222222222#eu-west-1': 'none',
      '222222222222#us-east-1': 'alert-stale',
      '333333333333#us-east-1': 'start',
      '999999999999#us-east-1': 'forget',
    });
    expect(logs.filter((l) => l.msg === 'coverage ledger item skipped').map((l) => l.problem)).toEqual([
      'lastHeartbeat: must be epoch milliseconds',
      'item: not an object',
      'item: not an object',
    ]);
  });

  it('names the field of a malformed row', () => {
    expect(parseLedgerRow({ account: '12', region: 'eu-west-1' })).toBe('account: must be 12 digits');
    expect(parseLedgerRow({ account: '222222222222', region: 'mars' })).toBe('region: must be a region name');
    expect(parseLedgerRow({ account: '222222222222', region: 'eu-west-1', alerted: 'yes' })).toBe('alerted: must be "stale" or absent');
  });
});

describe('sweepAccounts (the fast sweep) decides exactly as decidePath path by path', () => {
  /** The plain definition: each distinct expected path decided on its row (the last row of that path wins), then every row no longer expected forgotten. */
  function reference(accounts: Array<{ account: string; regions: string[] }>, rows: LedgerRow[], now: number) {
    const byKey = new Map(rows.map((r) => [`${r.account}#${r.region}`, r]));
    const seen = new Set<string>();
    const decisions: PathDecision[] = [];
    const counts = { fresh: 0, pending: 0, stale: 0 };
    for (const a of accounts) {
      for (const region of a.regions) {
        const key = `${a.account}#${region}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const d = decidePath({ account: a.account, region }, byKey.get(key), true, now, s);
        counts[d.status as 'fresh' | 'pending' | 'stale']++;
        decisions.push(d);
      }
    }
    for (const [key, row] of byKey) if (!seen.has(key)) decisions.push(decidePath(row, row, false, now, s));
    return { ...counts, decisions };
  }
  const sortKey = (d: PathDecision) => `${d.account}#${d.region}`;

  it('on 300 random ledgers (duplicate rows and paths, removed accounts, every state)', () => {
    const rand = prng(20261130);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const ACCOUNTS = ['111111111111', '222222222222', '333333333333', '444444444444', '555555555555'];
    const REGIONS = ['us-east-1', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
    for (let run = 0; run < 300; run++) {
      const accounts = Array.from({ length: 1 + Math.floor(rand() * 5) }, () => ({ account: pick(ACCOUNTS), regions: Array.from({ length: 1 + Math.floor(rand() * 4) }, () => pick(REGIONS)) }));
      const rows: LedgerRow[] = Array.from({ length: Math.floor(rand() * 14) }, () => {
        const row: { -readonly [K in keyof LedgerRow]: LedgerRow[K] } = { account: pick(ACCOUNTS), region: pick(REGIONS) };
        if (rand() < 0.7) row.lastHeartbeat = T0 - Math.floor(rand() * 30) * H;
        if (rand() < 0.3) row.lastRootEvent = T0 - Math.floor(rand() * 30) * H;
        if (rand() < 0.7) row.expectedSince = T0 - Math.floor(rand() * 80) * H;
        if (rand() < 0.4) row.alerted = 'stale';
        return row;
      });
      for (const keepAll of [true, false]) {
        const want = reference(accounts, rows.map((r) => ({ ...r })), T0);
        const got = sweepAccounts(accounts, rows.map((r) => ({ ...r })), T0, s, undefined, keepAll);
        expect({ fresh: got.fresh, pending: got.pending, stale: got.stale }).toEqual({ fresh: want.fresh, pending: want.pending, stale: want.stale });
        const wanted = keepAll ? want.decisions : want.decisions.filter((d) => d.action !== 'none');
        expect([...got.decisions].sort((a, b) => sortKey(a).localeCompare(sortKey(b)))).toEqual([...wanted].sort((a, b) => sortKey(a).localeCompare(sortKey(b))));
        // sweepLedger (paths one by one) is the same sweep
        const paths = accounts.flatMap((a) => a.regions.map((region) => ({ account: a.account, region })));
        expect(sweepLedger(paths, rows.map((r) => ({ ...r })), T0, s, undefined, keepAll)).toEqual(got);
      }
    }
  });
});

describe('the expected set', () => {
  const config = resolveConfig({
    hub: { accountId: '111111111111', region: 'eu-west-1', name: 'security' },
    regions: ['us-east-1', 'eu-west-1'],
    spokes: [{ name: 'prod', accountId: '222222222222', assumeRoleArn: 'arn:aws:iam::222222222222:role/d', regions: ['eu-west-1'] }],
    guardrails: { managementAccount: { accountId: '444444444444' }, denyRootScp: { targetIds: ['r-exmp'] } },
  });

  it('holds the hub, every spoke with its regions, and the management account', () => {
    expect(expectedAccounts(config)).toEqual([
      { account: '111111111111', regions: ['us-east-1', 'eu-west-1'], name: 'security' },
      { account: '222222222222', regions: ['us-east-1', 'eu-west-1'], name: 'prod' },
      { account: '444444444444', regions: ['us-east-1', 'eu-west-1'] },
    ]);
    expect(expectedPaths(expectedAccounts(config))).toHaveLength(6);
  });

  it('round-trips through the stored chunks, 1,000 named accounts in 10 items of < 400 KB', () => {
    const accounts = Array.from({ length: 1000 }, (_, i) => ({
      account: String(100000000000 + i),
      regions: ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'sa-east-1', 'eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-north-1', 'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2'],
      name: `workload-team${String(i).padStart(3, '0')}-production-with-a-long-name-x`.slice(0, 64),
    }));
    const chunks = expectedChunks(accounts);
    expect(chunks).toHaveLength(10);
    for (const c of chunks) expect(Buffer.byteLength(c)).toBeLessThan(400 * 1024);
    expect(parseExpectedChunks(chunks)).toEqual(accounts);
  });

  it('skips a malformed chunk or entry with a log line', () => {
    const logs: unknown[] = [];
    const good = expectedChunks([{ account: '222222222222', regions: ['us-east-1'] }])[0];
    const parsed = parseExpectedChunks(['{not json', good, '[{"a":"1","r":["us-east-1"]}]', 42], (e) => logs.push(e));
    expect(parsed).toEqual([{ account: '222222222222', regions: ['us-east-1'] }]);
    expect(logs).toHaveLength(3);
  });

  it('schedules in seconds, and the DLQ URL a stale alert names', () => {
    expect(scheduleSeconds('rate(1 hour)')).toBe(3600);
    expect(scheduleSeconds('rate(6 hours)')).toBe(21600);
    expect(scheduleSeconds('rate(1 day)')).toBe(86400);
    expect(forwardDlqUrl('rootwatch', '222222222222', 'eu-west-1')).toBe('https://sqs.eu-west-1.amazonaws.com/222222222222/rootwatch-forward-dlq');
  });
});
