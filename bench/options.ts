/** Command-line flags of `npm run bench` (pure). */

export interface BenchOptions {
  /** print exactly one JSON object on stdout instead of markdown */
  readonly json: boolean;
  /** one run per figure, no 1000-account synth */
  readonly quick: boolean;
  /** runs per figure */
  readonly runs: number;
  /** runs of the expensive figures (1000-account synth) */
  readonly heavyRuns: number;
  /** exit 1 when a check FAILs */
  readonly strict: boolean;
  /** also write the markdown into README.md's generated `bench` section */
  readonly readme: boolean;
  readonly help: boolean;
}

const DEFAULT_RUNS = 5;
const DEFAULT_HEAVY_RUNS = 3;

export const USAGE = `usage: npm run bench -- [--json] [--runs N] [--quick] [--strict] [--readme]

  --json     print exactly one JSON object (medians, <key>_min, <key>_max, ratios, checks)
  --runs N   runs per figure (default ${DEFAULT_RUNS}; the 1000-account synth: ${DEFAULT_HEAVY_RUNS} unless --runs is given)
  --quick    1 run per figure and no 1000-account synth (a smoke run)
  --strict   exit 1 when a check fails
  --readme   also write the tables into README.md (section "bench")
`;

export { UsageError } from '../cli/errors';
import { UsageError } from '../cli/errors';

export function parseArgs(argv: readonly string[]): BenchOptions {
  let json = false;
  let quick = false;
  let strict = false;
  let help = false;
  let readme = false;
  let runs: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') json = true;
    else if (arg === '--quick') quick = true;
    else if (arg === '--strict') strict = true;
    else if (arg === '--readme') readme = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--runs' || arg.startsWith('--runs=')) {
      const raw = arg === '--runs' ? argv[++i] : arg.slice('--runs='.length);
      if (raw === undefined || !/^[1-9]\d*$/.test(raw)) throw new UsageError(`--runs needs a positive integer, got ${raw === undefined ? 'nothing' : JSON.stringify(raw)}`);
      runs = Number(raw);
    } else throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
  }
  if (quick) return { json, quick, strict, help, readme, runs: runs ?? 1, heavyRuns: 0 };
  return { json, quick, strict, help, readme, runs: runs ?? DEFAULT_RUNS, heavyRuns: runs ?? DEFAULT_HEAVY_RUNS };
}
