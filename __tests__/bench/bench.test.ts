import { LAMBDA_ZIP_BUDGET_BYTES } from '../../build/bundle-lambdas';
import { accountsConfig, benchAccountId, BENCH_HUB_ACCOUNT_ID } from '../../bench/accounts-config';
import { parseRssKb } from '../../bench/measure';
import { parseArgs, UsageError } from '../../bench/options';
import { BenchResult, CHECKS, deriveRatios, evaluateChecks, formatNumber, MetricRow, renderMarkdown, toJson } from '../../bench/report';
import { median, summarize } from '../../bench/stats';
import { checkConfig } from '../../cli/load-config';
import { DEFAULT_REGIONS } from '../../core/regions';

describe('stats', () => {
  it('takes the middle value of an odd count and the mean of the two middles of an even count', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('does not reorder the caller\'s array', () => {
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });

  it('summarizes median, min, max and run count', () => {
    expect(summarize([120, 100, 400, 110, 105])).toEqual({ median: 110, min: 100, max: 400, runs: 5 });
  });

  it('rejects empty and non-finite input', () => {
    expect(() => median([])).toThrow();
    expect(() => summarize([])).toThrow();
    expect(() => summarize([1, Number.NaN])).toThrow();
  });
});

describe('accountsConfig', () => {
  it('has N spokes with distinct 12-digit account IDs, none the hub, and stable across calls', () => {
    const c = accountsConfig(250);
    const ids = c.spokes!.map((s) => s.accountId);
    expect(ids).toHaveLength(250);
    expect(new Set(ids).size).toBe(250);
    expect(ids.every((id) => /^\d{12}$/.test(id))).toBe(true);
    expect(ids).not.toContain(BENCH_HUB_ACCOUNT_ID);
    expect(accountsConfig(250)).toEqual(c);
    expect(benchAccountId(7)).toBe(ids[7]);
  });

  it('sets the organization id (the hub bus lists at most 200 accounts)', () => {
    expect(accountsConfig(1000).hub.organizationId).toMatch(/^o-[a-z0-9]{10,32}$/);
  });

  it.each([0, 1, 1000])('with %i spokes passes the schema and resolves to every spoke in all 17 default regions', (n) => {
    const resolved = checkConfig(JSON.parse(JSON.stringify(accountsConfig(n))), __dirname);
    expect(resolved.spokes).toHaveLength(n);
    for (const spoke of resolved.spokes) expect([...spoke.regions].sort()).toEqual([...DEFAULT_REGIONS].sort());
    expect(resolved.hub.regions).toHaveLength(17);
    expect(resolved.alerts.slack).toEqual({ webhookParameterName: '/rootwatch/slack/webhook-url' });
    expect(resolved.alerts.pagerduty).toEqual({ routingKeyParameterName: '/rootwatch/pagerduty/routing-key' });
    expect(resolved.orgGuardrails?.managementAccount.accountId).toBe('900000000000');
  });

  it('rejects a negative or fractional count', () => {
    expect(() => accountsConfig(-1)).toThrow(RangeError);
    expect(() => accountsConfig(1.5)).toThrow(RangeError);
  });
});

describe('parseArgs', () => {
  it('defaults to 5 runs and 3 for the 1000-account synth', () => {
    expect(parseArgs([])).toMatchObject({ json: false, quick: false, runs: 5, heavyRuns: 3, strict: false });
  });

  it('--runs sets every figure, in both spellings', () => {
    expect(parseArgs(['--runs', '2'])).toMatchObject({ runs: 2, heavyRuns: 2 });
    expect(parseArgs(['--runs=7', '--json'])).toMatchObject({ runs: 7, heavyRuns: 7, json: true });
  });

  it('--quick runs once and skips the 1000-account synth', () => {
    expect(parseArgs(['--quick'])).toMatchObject({ quick: true, runs: 1, heavyRuns: 0 });
  });

  it.each([{ argv: ['--runs'] }, { argv: ['--runs', '0'] }, { argv: ['--runs', 'x'] }, { argv: ['--fast'] }])('rejects $argv', ({ argv }) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
  });
});

describe('parseRssKb', () => {
  it('reads the number GNU time writes, also after its exit-status line', () => {
    expect(parseRssKb('123456\n')).toBe(123456);
    expect(parseRssKb('Command exited with non-zero status 2\n4321\n')).toBe(4321);
    expect(parseRssKb('')).toBeNull();
  });
});

const samples = (key: string, unit: MetricRow['unit'], values: number[]): MetricRow => ({
  key,
  label: key,
  unit,
  measurement: { kind: 'samples', summary: summarize(values) },
});

function fullMetrics(overrides: Partial<Record<string, number>> = {}): MetricRow[] {
  const v = {
    baseline_root_import_ms: 4000,
    synth_default_ms: 400,
    synth_accounts_100_ms: 3000,
    synth_accounts_1000_ms: 7000,
    synth_accounts_1000_rss_mb: 900,
    lambda_notifier_load_ms: 20,
    classify_format_us_per_event: 30,
    coverage_sweep_17000_ms: 20,
    lambda_notifier_zip_bytes: 16000,
    lambda_slack_zip_bytes: 8000,
    lambda_pagerduty_zip_bytes: 8000,
    terraform_out_accounts_1000_per_account_bytes: 9000,
    ...overrides,
  };
  return Object.entries(v).map(([key, value]) =>
    key.endsWith('_bytes')
      ? { key, label: key, unit: 'bytes' as const, measurement: { kind: 'value' as const, value: value! } }
      : samples(key, key.endsWith('_mb') ? 'MB' : key.endsWith('_us_per_event') ? 'us' : 'ms', [value! * 0.9, value!, value! * 1.2]),
  );
}

const result = (metrics: MetricRow[]): BenchResult => ({
  machine: { cpuModel: 'Test CPU 3000', cores: 2, memoryGb: 8, node: 'v20.0.0', platform: 'linux-x64' },
  options: { runs: 3, heavyRuns: 3, quick: false },
  notes: ['a note'],
  metrics,
});

describe('checks', () => {
  it('derives the ratios from medians', () => {
    const r = deriveRatios(fullMetrics());
    expect(r.synth_default_vs_root_import_ratio).toBeCloseTo(0.1);
    expect(r.synth_accounts_1000_vs_root_import_ratio).toBeCloseTo(1.75);
    expect(r.synth_accounts_1000_vs_100_ratio).toBeCloseTo(7000 / 3000);
  });

  it('passes when every figure is within its limit', () => {
    const checks = evaluateChecks(fullMetrics());
    expect(checks).toHaveLength(CHECKS.length);
    expect(checks.filter((c) => c.status !== 'PASS')).toEqual([]);
  });

  it('fails exactly the figures over their limit (a value at the limit passes)', () => {
    const checks = evaluateChecks(fullMetrics({ synth_default_ms: 601, lambda_notifier_load_ms: 30, lambda_slack_zip_bytes: LAMBDA_ZIP_BUDGET_BYTES + 1 }));
    const failed = checks.filter((c) => c.status === 'FAIL').map((c) => c.key);
    expect(failed).toEqual(['synth_default_vs_root_import_ratio', 'lambda_slack_zip_bytes']);
  });

  it('issue 10: fails one process over 2 x the root import and an output over 10 KB per account', () => {
    const checks = evaluateChecks(fullMetrics({ synth_accounts_1000_ms: 8001, terraform_out_accounts_1000_per_account_bytes: 10 * 1024 + 1 }));
    expect(checks.filter((c) => c.status === 'FAIL').map((c) => c.key)).toEqual(['synth_accounts_1000_vs_root_import_ratio', 'terraform_out_accounts_1000_per_account_bytes']);
    const atLimit = evaluateChecks(fullMetrics({ synth_accounts_1000_ms: 8000, terraform_out_accounts_1000_per_account_bytes: 10 * 1024 }));
    expect(atLimit.filter((c) => c.status !== 'PASS')).toEqual([]);
  });

  it('fails the scaling check when 1000 accounts take more than 11 times 100 accounts', () => {
    const checks = evaluateChecks(fullMetrics({ synth_accounts_100_ms: 2000, synth_accounts_1000_ms: 23000 }));
    expect(checks.find((c) => c.key === 'synth_accounts_1000_vs_100_ratio')).toMatchObject({ status: 'FAIL', value: 11.5 });
  });

  it('skips checks whose figure was skipped and fails those whose measurement errored', () => {
    const metrics = fullMetrics().map((m): MetricRow => {
      if (m.key.startsWith('synth_accounts_1000')) return { ...m, measurement: { kind: 'skipped', reason: '--quick' } };
      if (m.key === 'lambda_notifier_load_ms') return { ...m, measurement: { kind: 'error', message: 'boom' } };
      return m;
    });
    const byKey = Object.fromEntries(evaluateChecks(metrics).map((c) => [c.key, c]));
    expect(byKey.synth_accounts_1000_ms.status).toBe('SKIP');
    expect(byKey.synth_accounts_1000_vs_100_ratio.status).toBe('SKIP');
    expect(byKey.lambda_notifier_load_ms).toMatchObject({ status: 'FAIL', value: null });
    expect(byKey.lambda_notifier_load_ms.note).toContain('boom');
  });
});

describe('toJson', () => {
  it('holds medians as numbers with _min and _max, ratios, and checks in one object', () => {
    const json = toJson(result(fullMetrics({ synth_default_ms: 800 })));
    expect(json.synth_default_ms).toBe(800);
    expect(json.synth_default_ms_min).toBe(720);
    expect(json.synth_default_ms_max).toBe(960);
    expect(json.lambda_notifier_zip_bytes).toBe(16000);
    expect(json).not.toHaveProperty('lambda_notifier_zip_bytes_min');
    expect(json.synth_default_vs_root_import_ratio).toBe(0.2);
    expect(json.checks_failed).toBe(1);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('writes null for skipped figures and names them', () => {
    const metrics: MetricRow[] = [{ key: 'synth_accounts_1000_ms', label: 'x', unit: 'ms', measurement: { kind: 'skipped', reason: '--quick' } }];
    const json = toJson(result(metrics));
    expect(json.synth_accounts_1000_ms).toBeNull();
    expect(json.skipped).toEqual({ synth_accounts_1000_ms: '--quick' });
  });
});

describe('renderMarkdown', () => {
  it('shows the machine, one row per figure and every check with its result', () => {
    const md = renderMarkdown(result(fullMetrics({ lambda_notifier_load_ms: 45 })));
    expect(md).toContain('Test CPU 3000, 2 cores, 8 GB memory, Node v20.0.0');
    expect(md).toMatch(/\| `synth_accounts_1000_ms` \| 7,000\.0 ms \| 6,300\.0 \| 8,400\.0 \| 3 \|/);
    expect(md).toMatch(/\| notifier bundle load <= 30 ms \| 45 \| 30 \| FAIL \|/);
    expect(md.match(/\| (PASS|FAIL|SKIP)/g)).toHaveLength(CHECKS.length);
    expect(md).toContain('1 check(s) FAILED.');
    expect(md).toContain('- a note');
  });

  it('formats thousands and units', () => {
    expect(formatNumber(1234567.891, 'ms')).toBe('1,234,567.9');
    expect(formatNumber(25600, 'bytes')).toBe('25,600');
    expect(formatNumber(0.123, 'us')).toBe('0.12');
  });
});
