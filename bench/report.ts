/**
 * The bench's results as data: derived ratios, PASS/FAIL checks, the one-object JSON form and the
 * markdown table. Pure (no I/O), so it is unit-tested without timing anything.
 */
import { round, Summary } from './stats';
import { LAMBDA_ZIP_BUDGET_BYTES } from '../build/bundle-lambdas';

export type Unit = 'ms' | 'MB' | 'us' | 'bytes';

export type Measurement =
  /** repeated timings or sizes: median/min/max over runs */
  | { readonly kind: 'samples'; readonly summary: Summary }
  /** a deterministic value measured once (zip sizes) */
  | { readonly kind: 'value'; readonly value: number }
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'error'; readonly message: string };

export interface MetricRow {
  /** JSON key, e.g. `synth_default_ms` */
  readonly key: string;
  /** what a reader sees in the table */
  readonly label: string;
  readonly unit: Unit;
  readonly measurement: Measurement;
}

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly node: string;
  readonly platform: string;
}

export interface BenchResult {
  readonly machine: MachineInfo;
  readonly options: { readonly runs: number; readonly heavyRuns: number; readonly quick: boolean };
  /** e.g. how peak RSS was measured, where the event fixtures came from */
  readonly notes: readonly string[];
  readonly metrics: readonly MetricRow[];
}

export type CheckStatus = 'PASS' | 'FAIL' | 'SKIP';

export interface CheckResult {
  readonly name: string;
  /** the metric or ratio key compared with the limit */
  readonly key: string;
  readonly value: number | null;
  readonly limit: number;
  readonly status: CheckStatus;
  /** why a check is SKIP or could not be evaluated */
  readonly note?: string;
}

/** Ratio keys and how they are derived (numerator / denominator, both medians). */
const RATIOS: ReadonlyArray<{ readonly key: string; readonly numerator: string; readonly denominator: string }> = [
  { key: 'synth_default_vs_root_import_ratio', numerator: 'synth_default_ms', denominator: 'baseline_root_import_ms' },
  { key: 'synth_accounts_1000_vs_100_ratio', numerator: 'synth_accounts_1000_ms', denominator: 'synth_accounts_100_ms' },
  // synth runs in one process at every size (issue 10 removed the worker processes)
  { key: 'synth_accounts_1000_vs_root_import_ratio', numerator: 'synth_accounts_1000_ms', denominator: 'baseline_root_import_ms' },
];

/** The targets of issue "Scale and speed": value <= limit passes. */
export const CHECKS: ReadonlyArray<{ readonly name: string; readonly key: string; readonly limit: number }> = [
  { name: 'default synth <= 0.15 x provider root import (issue 10)', key: 'synth_default_vs_root_import_ratio', limit: 0.15 },
  { name: '1000 accounts x 17 regions in one process <= 2 x provider root import (issue 10)', key: 'synth_accounts_1000_vs_root_import_ratio', limit: 2 },
  { name: 'terraform-out/ of 1000 accounts <= 10 KB per account (issue 10)', key: 'terraform_out_accounts_1000_per_account_bytes', limit: 10 * 1024 },
  { name: '1000 accounts synth <= 30 s', key: 'synth_accounts_1000_ms', limit: 30_000 },
  { name: '1000 accounts synth peak RSS <= 2048 MB (one process: the whole job)', key: 'synth_accounts_1000_rss_mb', limit: 2048 },
  { name: '1000 / 100 accounts synth time <= 11 (near-linear)', key: 'synth_accounts_1000_vs_100_ratio', limit: 11 },
  { name: 'notifier bundle load <= 30 ms', key: 'lambda_notifier_load_ms', limit: 30 },
  { name: 'classify + format <= 0.2 ms/event', key: 'classify_format_us_per_event', limit: 200 },
  { name: 'coverage sweep of 17,000 paths <= 50 ms (own code)', key: 'coverage_sweep_17000_ms', limit: 50 },
  { name: `notifier zip <= ${LAMBDA_ZIP_BUDGET_BYTES / 1024} KB`, key: 'lambda_notifier_zip_bytes', limit: LAMBDA_ZIP_BUDGET_BYTES },
  { name: `slack zip <= ${LAMBDA_ZIP_BUDGET_BYTES / 1024} KB`, key: 'lambda_slack_zip_bytes', limit: LAMBDA_ZIP_BUDGET_BYTES },
  { name: `pagerduty zip <= ${LAMBDA_ZIP_BUDGET_BYTES / 1024} KB`, key: 'lambda_pagerduty_zip_bytes', limit: LAMBDA_ZIP_BUDGET_BYTES },
];

/** The central value of a measurement: the median of samples, the single value, or null. */
function centralValue(m: Measurement): number | null {
  if (m.kind === 'samples') return m.summary.median;
  if (m.kind === 'value') return m.value;
  return null;
}

function byKey(metrics: readonly MetricRow[]): Map<string, MetricRow> {
  return new Map(metrics.map((row) => [row.key, row]));
}

/** Ratios of medians; null when either side is missing or the denominator is 0. */
export function deriveRatios(metrics: readonly MetricRow[]): Record<string, number | null> {
  const rows = byKey(metrics);
  const out: Record<string, number | null> = {};
  for (const r of RATIOS) {
    const a = rows.get(r.numerator);
    const b = rows.get(r.denominator);
    const num = a ? centralValue(a.measurement) : null;
    const den = b ? centralValue(b.measurement) : null;
    out[r.key] = num === null || den === null || den === 0 ? null : num / den;
  }
  return out;
}

/** Why a value is missing: the first skipped or failed metric it depends on. */
function missingReason(key: string, rows: Map<string, MetricRow>): { status: CheckStatus; note: string } {
  const ratio = RATIOS.find((r) => r.key === key);
  const deps = ratio ? [ratio.numerator, ratio.denominator] : [key];
  for (const dep of deps) {
    const m = rows.get(dep)?.measurement;
    if (!m) return { status: 'FAIL', note: `${dep} was not measured` };
    if (m.kind === 'error') return { status: 'FAIL', note: `${dep} failed: ${m.message}` };
    if (m.kind === 'skipped') return { status: 'SKIP', note: `${dep} skipped: ${m.reason}` };
  }
  return { status: 'FAIL', note: `${key} could not be computed` };
}

export function evaluateChecks(metrics: readonly MetricRow[]): CheckResult[] {
  const rows = byKey(metrics);
  const ratios = deriveRatios(metrics);
  return CHECKS.map((c) => {
    const row = rows.get(c.key);
    const value = c.key in ratios ? ratios[c.key] : row ? centralValue(row.measurement) : null;
    if (value === null) return { name: c.name, key: c.key, value: null, limit: c.limit, ...missingReason(c.key, rows) };
    return { name: c.name, key: c.key, value, limit: c.limit, status: value <= c.limit ? 'PASS' : 'FAIL' };
  });
}

/** Digits kept per unit in JSON and in the table. */
const DIGITS: Record<Unit, number> = { ms: 1, MB: 1, us: 2, bytes: 0 };

/**
 * The single JSON object of `--json`: every metric key holds its median (or null), sample
 * metrics add `<key>_min` / `<key>_max`; ratios, checks, machine and notes alongside.
 */
export function toJson(result: BenchResult): Record<string, unknown> {
  const out: Record<string, unknown> = {
    schema: 'rootwatch.bench/v1',
    machine: result.machine,
    options: result.options,
  };
  const errors: Record<string, string> = {};
  const skipped: Record<string, string> = {};
  for (const row of result.metrics) {
    const m = row.measurement;
    const d = DIGITS[row.unit];
    if (m.kind === 'samples') {
      out[row.key] = round(m.summary.median, d);
      out[`${row.key}_min`] = round(m.summary.min, d);
      out[`${row.key}_max`] = round(m.summary.max, d);
      out[`${row.key}_runs`] = m.summary.runs;
    } else if (m.kind === 'value') {
      out[row.key] = round(m.value, d);
    } else {
      out[row.key] = null;
      if (m.kind === 'error') errors[row.key] = m.message;
      else skipped[row.key] = m.reason;
    }
  }
  for (const [key, value] of Object.entries(deriveRatios(result.metrics))) out[key] = value === null ? null : round(value, 3);
  const checks = evaluateChecks(result.metrics);
  out.checks = checks.map((c) => ({ ...c, value: c.value === null ? null : round(c.value, 3) }));
  out.checks_failed = checks.filter((c) => c.status === 'FAIL').length;
  if (Object.keys(errors).length > 0) out.errors = errors;
  if (Object.keys(skipped).length > 0) out.skipped = skipped;
  out.notes = result.notes;
  return out;
}

export function formatNumber(value: number, unit: Unit): string {
  const fixed = round(value, DIGITS[unit]).toFixed(DIGITS[unit]);
  // thousands separators on the integer part only
  const [int, frac] = fixed.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

const UNIT_LABEL: Record<Unit, string> = { ms: 'ms', MB: 'MB', us: 'µs', bytes: 'B' };

function cell(value: string): string {
  return value.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
}

function checkValue(c: CheckResult): string {
  if (c.value === null) return '–';
  return c.key.endsWith('_ratio') ? c.value.toFixed(3) : String(round(c.value, 2));
}

export function renderMarkdown(result: BenchResult): string {
  const m = result.machine;
  const lines: string[] = [
    '# rootwatch bench',
    '',
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGb} GB memory, Node ${m.node} (${m.platform}).`,
    `Runs: ${result.options.runs} per figure, ${result.options.heavyRuns > 0 ? `${result.options.heavyRuns} for 1000 accounts` : '1000 accounts skipped'}${result.options.quick ? ' (quick mode)' : ''}; each run in a fresh process.`,
    '',
    '| metric | key | median | min | max | runs |',
    '|---|---|---:|---:|---:|---:|',
  ];
  for (const row of result.metrics) {
    const u = UNIT_LABEL[row.unit];
    const meas = row.measurement;
    const head = `| ${cell(row.label)} | \`${row.key}\` |`;
    if (meas.kind === 'samples') {
      const s = meas.summary;
      lines.push(`${head} ${formatNumber(s.median, row.unit)} ${u} | ${formatNumber(s.min, row.unit)} | ${formatNumber(s.max, row.unit)} | ${s.runs} |`);
    } else if (meas.kind === 'value') {
      lines.push(`${head} ${formatNumber(meas.value, row.unit)} ${u} | | | 1 |`);
    } else if (meas.kind === 'skipped') {
      lines.push(`${head} skipped (${cell(meas.reason)}) | | | 0 |`);
    } else {
      lines.push(`${head} ERROR: ${cell(meas.message)} | | | 0 |`);
    }
  }
  const ratios = deriveRatios(result.metrics);
  lines.push('', '| ratio | value |', '|---|---:|');
  for (const [key, value] of Object.entries(ratios)) lines.push(`| \`${key}\` | ${value === null ? '–' : value.toFixed(3)} |`);

  const checks = evaluateChecks(result.metrics);
  lines.push('', '| check | value | limit | result |', '|---|---:|---:|---|');
  for (const c of checks) {
    lines.push(`| ${cell(c.name)} | ${checkValue(c)} | ${c.limit} | ${c.status}${c.note ? ` (${cell(c.note)})` : ''} |`);
  }
  const failed = checks.filter((c) => c.status === 'FAIL').length;
  lines.push('', failed === 0 ? 'All checks passed or were skipped.' : `${failed} check(s) FAILED.`);
  if (result.notes.length > 0) {
    lines.push('', 'Notes:');
    for (const note of result.notes) lines.push(`- ${note}`);
  }
  return `${lines.join('\n')}\n`;
}
