/**
 * `npm run bench` (after `npm run build`): synth speed and memory at scale, Lambda cold-load time,
 * per-event classify+format cost and Lambda zip sizes, each figure the median of several runs in
 * fresh `node` processes, checked against the targets of issue "Scale and speed".
 * Markdown on stdout by default; `--json` prints exactly one JSON object. Progress goes to stderr.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LAMBDA_BUNDLES } from '../core/lambda-contract';
import { REPO_ROOT, bundleFile } from '../build/paths';
import { accountsConfig } from './accounts-config';
import { ChildRun, childJson, describeRssMethod, detectRssMethod, InterruptedError, RssMethod, runNode } from './measure';
import { BenchOptions, parseArgs, USAGE, UsageError } from './options';
import { fillSections } from '../scripts/docs';
import { BenchResult, evaluateChecks, Measurement, MetricRow, renderMarkdown, toJson, Unit } from './report';
import { summarize } from './stats';
import type { EventChildResult } from './event-child';

const ACCOUNT_SIZES = [1, 10, 100, 1000] as const;
/** The size whose output is weighed (issue 10: <= 10 KB per account at 1,000 accounts x 17 regions). */
const BYTES_AT = 1000;
/** Sizes whose runs are few (and skipped by --quick). */
const HEAVY_SIZES = new Set<number>([1000]);

const MAIN_JS = path.join(REPO_ROOT, 'dist', 'main.js');
const EXAMPLE_CONFIG = path.join(REPO_ROOT, 'rootwatch.config.json');
/** The shared corpus, read in place; ROOTWATCH_SHARED_FIXTURES overrides (e.g. from a git worktree). */
const SHARED_FIXTURES = process.env.ROOTWATCH_SHARED_FIXTURES || path.resolve(REPO_ROOT, '..', 'shared', 'fixtures', 'events');

function progress(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

class Bench {
  readonly metrics: MetricRow[] = [];
  readonly notes: string[] = [];
  private seq = 0;

  constructor(
    private readonly opts: BenchOptions,
    private readonly tmp: string,
    private readonly rss: RssMethod,
  ) {}

  private add(key: string, label: string, unit: Unit, measurement: Measurement): void {
    this.metrics.push({ key, label, unit, measurement });
  }

  private node(args: readonly string[], env?: NodeJS.ProcessEnv): ChildRun {
    return runNode(args, { cwd: REPO_ROOT, rss: this.rss, tmpDir: this.tmp, ...(env ? { env } : {}) });
  }

  /** `runs` timed repetitions (after one untimed warm-up when asked); errors end the series. */
  private repeat<T>(label: string, runs: number, warmup: boolean, once: () => T, show: (t: T) => string): T[] {
    if (warmup) once();
    const out: T[] = [];
    for (let i = 0; i < runs; i++) {
      const t = once();
      out.push(t);
      progress(`${label} ${i + 1}/${runs}: ${show(t)}`);
    }
    return out;
  }

  /** Run `measure`; a failure becomes an error measurement on every key it would have filled. */
  private attempt(keys: ReadonlyArray<[string, string, Unit]>, measure: () => Measurement[]): void {
    let results: Measurement[];
    try {
      results = measure();
    } catch (err) {
      if (err instanceof InterruptedError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      progress(`${keys[0][0]} failed: ${message}`);
      results = keys.map(() => ({ kind: 'error', message }));
    }
    keys.forEach(([key, label, unit], i) => this.add(key, label, unit, results[i]));
  }

  private static samples(values: number[]): Measurement {
    return { kind: 'samples', summary: summarize(values) };
  }

  private static wallAndRss(runs: ChildRun[]): Measurement[] {
    return [Bench.samples(runs.map((r) => r.wallMs)), Bench.samples(runs.map((r) => r.rssMb))];
  }

  private static show(r: ChildRun): string {
    return `${r.wallMs.toFixed(0)} ms, ${r.rssMb.toFixed(0)} MB`;
  }

  baseline(): void {
    const { runs } = this.opts;
    this.attempt(
      [
        ['baseline_root_import_ms', "require('@cdktf/provider-aws') (package root)", 'ms'],
        ['baseline_root_import_rss_mb', 'peak RSS of the package root import', 'MB'],
      ],
      () => Bench.wallAndRss(this.repeat('baseline root import', runs, true, () => this.node(['-e', "require('@cdktf/provider-aws')"]), Bench.show)),
    );
  }

  /** One synth into a fresh folder; `inspect` sees the output before it is removed. */
  private synthOnce(config: string, inspect?: (out: string) => void, env?: NodeJS.ProcessEnv): ChildRun {
    const out = path.join(this.tmp, `out-${this.seq++}`);
    try {
      const run = this.node([MAIN_JS, 'synth', '--config', config, '--out', out], env);
      inspect?.(out);
      return run;
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }

  synthDefault(): Record<string, number> | undefined {
    let zips: Record<string, number> | undefined;
    const inspect = (out: string): void => {
      zips ??= zipSizes(out);
    };
    this.attempt(
      [
        ['synth_default_ms', 'synth of rootwatch.config.json', 'ms'],
        ['synth_default_rss_mb', 'peak RSS of that synth', 'MB'],
      ],
      () => Bench.wallAndRss(this.repeat('synth default', this.opts.runs, true, () => this.synthOnce(EXAMPLE_CONFIG, inspect), Bench.show)),
    );
    return zips;
  }

  synthAccounts(): void {
    for (const n of ACCOUNT_SIZES) {
      const heavy = HEAVY_SIZES.has(n);
      const runs = heavy ? this.opts.heavyRuns : this.opts.runs;
      const keys: Array<[string, string, Unit]> = [
        [`synth_accounts_${n}_ms`, `synth of ${n} spoke account${n === 1 ? '' : 's'} x 17 regions`, 'ms'],
        [`synth_accounts_${n}_rss_mb`, `peak RSS of that synth`, 'MB'],
      ];
      if (runs === 0) {
        const skipped: Measurement = { kind: 'skipped', reason: '--quick' };
        keys.forEach(([key, label, unit]) => this.add(key, label, unit, skipped));
        continue;
      }
      const config = path.join(this.tmp, `accounts-${n}.json`);
      fs.writeFileSync(config, `${JSON.stringify(accountsConfig(n), null, 2)}\n`);
      let bytes: number | undefined;
      const inspect = (out: string): void => {
        bytes ??= treeBytes(out);
      };
      this.attempt(keys, () => Bench.wallAndRss(this.repeat(`synth ${n} accounts`, runs, false, () => this.synthOnce(config, inspect), Bench.show)));
      if (n === BYTES_AT) {
        this.add(`terraform_out_accounts_${n}_per_account_bytes`, `terraform-out/ of ${n} accounts x 17 regions, file bytes per account`, 'bytes',
          bytes === undefined ? { kind: 'error', message: 'the synth did not run' } : { kind: 'value', value: Math.round(bytes / n) });
      }
      fs.rmSync(config, { force: true });
    }
  }

  lambdaLoads(): void {
    const child = path.join(__dirname, 'lambda-load-child.js');
    for (const name of LAMBDA_BUNDLES) {
      for (const mode of ['full', 'own', 'sdk'] as const) {
        const key = { full: `lambda_${name}_load_ms`, own: `lambda_${name}_load_own_ms`, sdk: `lambda_${name}_sdk_first_use_ms` }[mode];
        const label = {
          full: `${name} bundle require (module load at cold start)`,
          own: `${name} bundle require, @aws-sdk preloaded (own code)`,
          sdk: `${name} @aws-sdk clients it names, loaded on first use (all of them)`,
        }[mode];
        this.attempt([[key, label, 'ms']], () => [
          Bench.samples(
            this.repeat(`${key}`, this.opts.runs, true, () => childJson<{ ms: number }>(this.node([child, bundleFile(name), mode])).ms, (ms) => `${ms.toFixed(1)} ms`),
          ),
        ]);
      }
    }
  }

  events(): void {
    const child = path.join(__dirname, 'event-child.js');
    const haveFixtures = fs.existsSync(SHARED_FIXTURES);
    const source = haveFixtures ? SHARED_FIXTURES : '-';
    let last: EventChildResult | undefined;
    this.attempt(
      [
        ['classify_format_us_per_event', 'classify + toAlert + email/Slack/PagerDuty render, median fixture', 'us'],
        ['classify_format_worst_us', 'same, slowest fixture', 'us'],
      ],
      () => {
        const results = this.repeat(
          'classify+format',
          this.opts.runs,
          false,
          () => childJson<EventChildResult>(this.node([child, source])),
          (r) => `${r.usPerEvent.toFixed(2)} µs/event (worst ${r.worstUs.toFixed(2)} µs)`,
        );
        last = results[results.length - 1];
        return [Bench.samples(results.map((r) => r.usPerEvent)), Bench.samples(results.map((r) => r.worstUs))];
      },
    );
    if (!haveFixtures) this.notes.push(`Shared fixtures absent (${SHARED_FIXTURES}): classify+format timed on ONE synthesized root ConsoleLogin event.`);
    else if (last) this.notes.push(`classify+format over ${last.events} real fixtures from ${SHARED_FIXTURES} (${last.alerts} produce an alert and are rendered three ways); slowest: ${last.worstFixture}.`);
  }

  /** The coverage sweep's own code over 1,000 accounts x 17 regions, first sweep of a fresh process. */
  coverageSweep(): void {
    const child = path.join(__dirname, 'sweep-child.js');
    this.attempt(
      [
        ['coverage_sweep_17000_ms', 'coverage sweep of 17,000 paths (own code, first sweep in a fresh process)', 'ms'],
        ['coverage_sweep_17000_warm_ms', 'same, a later sweep of the same container (median of 5)', 'ms'],
      ],
      () => {
        const runs = this.repeat('coverage sweep', this.opts.runs, false, () => childJson<{ ms: number; warmMs: number }>(this.node([child])), (r) => `${r.ms.toFixed(1)} ms, warm ${r.warmMs.toFixed(1)} ms`);
        return [Bench.samples(runs.map((r) => r.ms)), Bench.samples(runs.map((r) => r.warmMs))];
      },
    );
  }

  zips(sizes: Record<string, number> | undefined): void {
    for (const name of LAMBDA_BUNDLES) {
      const bytes = sizes?.[name];
      const m: Measurement =
        bytes === undefined ? { kind: 'error', message: sizes ? `${name}.zip not found in the synth output` : 'the default synth did not run' } : { kind: 'value', value: bytes };
      this.add(`lambda_${name}_zip_bytes`, `${name}.zip as synth writes it (modules/hub/assets)`, 'bytes', m);
    }
  }
}

/** Bytes of every file below `dir` (what the output weighs in a repository or an artifact). */
function treeBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? treeBytes(p) : fs.statSync(p).size;
  }
  return total;
}

/** Sizes of `<name>.zip` under `<out>/modules/hub/assets` (the hub module holds the Lambda code). */
function zipSizes(out: string): Record<string, number> {
  const sizes: Record<string, number> = {};
  const walk = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.zip')) sizes[e.name.slice(0, -4)] ??= fs.statSync(p).size;
    }
  };
  walk(path.join(out, 'modules', 'hub', 'assets'));
  return sizes;
}

function machine(): BenchResult['machine'] {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model?.trim() || 'unknown CPU',
    cores: cpus.length,
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

function checkBuilt(): void {
  const missing = [MAIN_JS, ...LAMBDA_BUNDLES.map((n) => bundleFile(n))].filter((f) => !fs.existsSync(f));
  if (missing.length > 0) throw new UsageError(`${path.relative(REPO_ROOT, missing[0])} is missing: run \`npm run build\` first`);
}

function main(): number {
  let opts: BenchOptions;
  try {
    opts = parseArgs(process.argv.slice(2));
    if (opts.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    checkBuilt();
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n`);
    return 2;
  }

  const started = Date.now();
  const loadBefore = os.loadavg()[0];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rootwatch-bench-'));
  let result: BenchResult;
  try {
    const rss = detectRssMethod(tmp);
    const bench = new Bench(opts, tmp, rss);
    bench.baseline();
    const zips = bench.synthDefault();
    bench.synthAccounts();
    bench.lambdaLoads();
    bench.events();
    bench.coverageSweep();
    bench.zips(zips);
    bench.notes.push(
      `Wall times are measured in the parent around a fresh \`node\` process (start-up included); ${describeRssMethod(rss)}.`,
      'Lambda load times are measured inside the child around require() of dist/lambda-bundles/<name>/index.js (node start-up excluded).',
      `Bench took ${Math.round((Date.now() - started) / 1000)} s; 1-minute load average ${loadBefore.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end (other processes on the ${os.cpus().length} cores inflate wall times).`,
    );
    result = { machine: machine(), options: { runs: opts.runs, heavyRuns: opts.heavyRuns, quick: opts.quick }, notes: bench.notes, metrics: bench.metrics };
  } catch (err) {
    if (err instanceof InterruptedError) {
      process.stderr.write('bench: interrupted\n');
      return 130;
    }
    throw err;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  process.stdout.write(opts.json ? `${JSON.stringify(toJson(result), null, 2)}\n` : renderMarkdown(result));
  if (opts.readme) {
    const readme = path.join(REPO_ROOT, 'README.md');
    fs.writeFileSync(readme, fillSections(fs.readFileSync(readme, 'utf8'), { bench: renderMarkdown(result).replace(/^# .*\n+/, '').trimEnd() }));
    process.stderr.write('bench: README.md section "bench" updated\n');
  }
  const failed = evaluateChecks(result.metrics).filter((c) => c.status === 'FAIL').length;
  return opts.strict && failed > 0 ? 1 : 0;
}

if (require.main === module) process.exitCode = main();
