/**
 * `rootwatch synth`: config -> terraform-out/ (deploy stacks for cdktf, reusable modules for plain
 * Terraform). Atomic: everything is built in a sibling staging folder and swapped in at the end,
 * so a failing synth leaves the previous output byte for byte as it was.
 */
// First: keep cdktf from loading `archiver` it will not use (see the module).
import './defer-archiver';
import * as fs from 'fs';
import * as os from 'os';
import { spawn } from 'child_process';
import * as path from 'path';
import { RootwatchConfig } from '../core/config';
import { LAMBDA_BUNDLES } from '../core/lambda-contract';
import { builtZips, REPO_ROOT } from '../build/paths';
import { buildDeployApp, buildModulesApp, ModuleCatalog } from '../stacks/app';
import { moduleCatalog, writeModules, writePlainRoots } from './module-output';
import { LambdaCodeSet } from '../stacks/lambda-code';
import { UsageError } from './errors';
import { withoutTokenStackTraces } from './token-stack-traces';
import type { SynthJob } from './synth-worker';

const WORKER_JS = path.join(REPO_ROOT, 'dist', 'cli', 'synth-worker.js');
/** cdktf writes manifest.json with this (keys sorted, two spaces); merged manifests must match byte for byte. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stableStringify = require(require.resolve('json-stable-stringify', { paths: [path.dirname(require.resolve('cdktf'))] })) as (
  value: unknown,
  opts: { space: number },
) => string;

export interface SynthResult {
  readonly outDir: string;
  readonly stacks: string[];
  readonly modules: string[];
}


export interface SynthOptions {
  /**
   * Processes that synthesize spoke stacks. @default 1 below PARALLEL_FROM spokes, else up to the
   * number of cores (at most MAX_WORKERS); ROOTWATCH_SYNTH_WORKERS overrides.
   */
  readonly workers?: number;
}

/** From this many spokes on, spoke stacks are synthesized in parallel worker processes. */
export const PARALLEL_FROM = 200;
const MAX_WORKERS = 4;

export async function synthesize(config: RootwatchConfig, outDir: string, options: SynthOptions = {}): Promise<SynthResult> {
  // `cdktf synth --hcl` sets this: the roots stay JSON for cdktf, and HCL already exists beside them.
  if (process.env.SYNTH_HCL_OUTPUT === 'true') {
    throw new UsageError('--hcl: not supported; every root is already written as HCL in terraform-out/plain-terraform/ (modules in terraform-out/modules/): run `cdktf synth` without --hcl');
  }
  const out = path.resolve(outDir);
  checkReplaceable(out);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const stage = fs.mkdtempSync(path.join(path.dirname(out), `.${path.basename(out)}.staging-`));
  try {
    const zips = builtZips();
    const code = Object.fromEntries(LAMBDA_BUNDLES.map((name) => [name, zips[name]])) as unknown as LambdaCodeSet;
    for (const name of LAMBDA_BUNDLES) if (!code[name]) throw new Error(`Lambda zip ${name} is missing: run \`npm run build\``);

    // Spokes are split in contiguous slices: this process takes the first, workers the others.
    // The modules first: the roots' `moved` blocks need their resource addresses.
    const moduleStage = path.join(stage, '.module-build');
    const modulesApp = withoutTokenStackTraces(() => buildModulesApp(moduleStage, code));
    const catalog = moduleCatalog(modulesApp.modules);
    const slices = spokeSlices(config.spokes.length, workerCount(config.spokes.length, options));
    const workers = slices.slice(1).map((slice, i) => startWorker(config, catalog, slice, path.join(stage, `.worker-${i + 1}`)));
    try {
      withoutTokenStackTraces(() => {
        buildDeployApp(stage, config, catalog, { hub: true, spokes: config.spokes.slice(...slices[0]), guardrails: true }).synth();
        modulesApp.app.synth();
      });
    } finally {
      await Promise.allSettled(workers.map((w) => w.done));
    }
    for (const w of workers) {
      await w.done; // rethrows the first worker failure
      mergeWorkerOutput(w.outdir, stage);
    }

    writeModules(moduleStage, path.join(stage, 'modules'), modulesApp.modules);
    fs.rmSync(moduleStage, { recursive: true, force: true });
    writePlainRoots(path.join(stage, 'stacks'), path.join(stage, 'plain-terraform'));

    swapIn(stage, out);
  } catch (err) {
    fs.rmSync(stage, { recursive: true, force: true });
    throw err;
  }
  return {
    outDir: out,
    stacks: fs.readdirSync(path.join(out, 'stacks')).sort(),
    modules: fs.readdirSync(path.join(out, 'modules')).sort(),
  };
}

function workerCount(spokes: number, options: SynthOptions): number {
  const env = Number(process.env.ROOTWATCH_SYNTH_WORKERS);
  const wanted = options.workers ?? (Number.isInteger(env) && env > 0 ? env : spokes >= PARALLEL_FROM ? Math.min(os.cpus().length, MAX_WORKERS) : 1);
  return Math.max(1, Math.min(wanted, spokes));
}

/** `n` contiguous [from, to) slices of `count` spokes (one empty slice when there are none). */
export function spokeSlices(count: number, n: number): Array<[number, number]> {
  const size = Math.ceil(count / Math.max(n, 1));
  const slices: Array<[number, number]> = [];
  for (let from = 0; from < count; from += size) slices.push([from, Math.min(from + size, count)]);
  return slices.length > 0 ? slices : [[0, 0]];
}

interface Worker { outdir: string; done: Promise<void> }

/** A worker process synthesizing spokes [from, to) into `outdir` (built JS: dist/cli/synth-worker.js). */
function startWorker(config: RootwatchConfig, catalog: ModuleCatalog, [from, to]: [number, number], outdir: string): Worker {
  fs.mkdirSync(outdir, { recursive: true });
  const job: SynthJob = { config, catalog, from, to, outdir };
  const jobFile = `${outdir}.job.json`;
  fs.writeFileSync(jobFile, JSON.stringify(job));
  const done = new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER_JS, jobFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => {
      fs.rmSync(jobFile, { force: true });
      if (status === 0) resolve();
      else reject(new Error(`synth worker for spokes ${from}-${to - 1} failed: ${stderr.trim().split('\n')[0] || `exit ${status}`}`));
    });
  });
  return { outdir, done };
}

/** Move a worker's stacks into the stage and add them to the manifest (written as cdktf writes it). */
function mergeWorkerOutput(workerOut: string, stage: string): void {
  for (const stack of fs.readdirSync(path.join(workerOut, 'stacks'))) {
    fs.renameSync(path.join(workerOut, 'stacks', stack), path.join(stage, 'stacks', stack));
  }
  const read = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { stacks: Record<string, unknown> };
  const manifest = read(stage);
  Object.assign(manifest.stacks, read(workerOut).stacks);
  fs.writeFileSync(path.join(stage, 'manifest.json'), stableStringify(manifest, { space: 2 }));
  fs.rmSync(workerOut, { recursive: true, force: true });
}

/** Synth replaces `out` as a whole: only a missing or empty folder or a previous output may go. */
function checkReplaceable(out: string): void {
  if (!fs.existsSync(out)) return;
  if (!fs.statSync(out).isDirectory()) throw new UsageError(`--out: ${out} is a file, not an output folder`);
  const entries = fs.readdirSync(out);
  if (entries.length > 0 && !entries.includes('manifest.json')) {
    throw new UsageError(`--out: ${out} is neither empty nor a synth output (no manifest.json); refusing to replace it`);
  }
  // Earlier versions kept local state in the stack folders: never delete it with the old output.
  const stacks = path.join(out, 'stacks');
  for (const stack of fs.existsSync(stacks) ? fs.readdirSync(stacks).sort() : []) {
    const dir = path.join(stacks, stack);
    const state = fs.statSync(dir).isDirectory() ? fs.readdirSync(dir).sort().find((f) => /\.tfstate(\.backup)?$/.test(f)) : undefined;
    if (state) {
      throw new UsageError(`--out: ${path.join(dir, state)} is Terraform state inside the output folder, which synth replaces; move it to ${path.resolve(dir, '../../..', `terraform.${stack}.tfstate`)} first`);
    }
  }
}

/**
 * `terraform init` (run by `cdktf diff/deploy`) leaves `.terraform/` and the provider lock file in
 * each stack folder: move them into the new output for the stacks that are still there, so a new
 * synth keeps the provider lock and does not force a fresh init.
 */
const TERRAFORM_WORKING_FILES = ['.terraform', '.terraform.lock.hcl'];
function keepTerraformWorkingFiles(oldOut: string, newOut: string): void {
  const oldStacks = path.join(oldOut, 'stacks');
  if (!fs.existsSync(oldStacks)) return;
  for (const stack of fs.readdirSync(oldStacks)) {
    const target = path.join(newOut, 'stacks', stack);
    if (!fs.existsSync(target)) continue;
    for (const f of TERRAFORM_WORKING_FILES) {
      const from = path.join(oldStacks, stack, f);
      if (fs.existsSync(from)) fs.renameSync(from, path.join(target, f));
    }
  }
}

/** Replace `out` with `stage`: two renames on one filesystem, the old tree removed last (its Terraform working files kept). */
function swapIn(stage: string, out: string): void {
  const old = `${stage}.old`;
  const hadOld = fs.existsSync(out);
  if (hadOld) fs.renameSync(out, old);
  try {
    fs.renameSync(stage, out);
  } catch (err) {
    if (hadOld) fs.renameSync(old, out);
    throw err;
  }
  if (hadOld) {
    keepTerraformWorkingFiles(old, out);
    fs.rmSync(old, { recursive: true, force: true });
  }
}
