/**
 * `rootwatch synth`: config -> terraform-out/ (deploy stacks for cdktf, reusable modules for plain
 * Terraform). Atomic: everything is built in a sibling staging folder and swapped in at the end,
 * so a failing synth leaves the previous output byte for byte as it was. One synth at a time per
 * output folder (a lock), and a synth killed at any moment leaves the old or the new tree, which
 * the next rootwatch command restores or completes (cli/output-swap.ts).
 */
// First: keep cdktf from loading `archiver` it will not use (see the module).
import { withoutTokenStackTraces } from './cdktf-seams';
import * as fs from 'fs';
import * as path from 'path';
import { RootwatchConfig } from '../core/config';
import { LAMBDA_BUNDLES } from '../core/lambda-contract';
import { builtZips } from '../build/paths';
import { buildDeployApp } from '../stacks/roots';
import { writePlainRoots, writeSpokeModules } from './module-output';
import { modulesInto } from './prebuilt-modules';
import { LambdaCodeSet } from '../stacks/lambda-code';
import { UsageError } from './errors';
import { OutputLock, recover, makeStaging, swapIn } from './output-swap';
import { onEachStack } from './synth-progress';
import { reviewableJson } from '../stacks/reviewable-json';
import { assertWithinLimits } from './check-limits';
import { writeRunbook } from './runbook';

export interface SynthResult {
  readonly outDir: string;
  readonly stacks: string[];
  readonly modules: string[];
}

export interface SynthOptions {
  /** How long to wait for another synth writing the same folder. @default ROOTWATCH_LOCK_WAIT_SECONDS, else 60 s */
  readonly lockWaitMs?: number;
  /** Progress reporting for `total` stacks (the CLI's progress line). @default none */
  readonly progress?: (total: number) => Progress;
  /** Told what was repaired after an interrupted synth. @default ignored */
  readonly onNotice?: (message: string) => void;
}

export interface Progress {
  /** one more stack written */
  tick(): void;
  /** the stacks are written (also called on failure) */
  done(): void;
}

export async function synthesize(config: RootwatchConfig, outDir: string, options: SynthOptions = {}): Promise<SynthResult> {
  // `cdktf synth --hcl` sets this: the roots stay JSON for cdktf, and HCL already exists beside them.
  if (process.env.SYNTH_HCL_OUTPUT === 'true') {
    throw new UsageError('--hcl: not supported; every root is already written as HCL in terraform-out/plain-terraform/ (modules in terraform-out/modules/): run `cdktf synth` without --hcl');
  }
  const out = checkOutPath(outDir);
  try {
    fs.mkdirSync(path.dirname(out), { recursive: true });
  } catch (err) {
    throw new UsageError(`--out: cannot create ${path.dirname(out)} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const lock = OutputLock.acquire(out, options.lockWaitMs ?? lockWaitMs());
  try {
    const recovered = recover(out);
    if (recovered) options.onNotice?.(recovered);
    checkReplaceable(out);
    await synthesizeLocked(config, out, options);
  } finally {
    lock.release();
  }
  return {
    outDir: out,
    stacks: fs.readdirSync(path.join(out, 'stacks')).sort(),
    modules: fs.readdirSync(path.join(out, 'modules')).sort(),
  };
}

/** How long a synth waits for another one writing the same output folder: ROOTWATCH_LOCK_WAIT_SECONDS, default 60. */
function lockWaitMs(): number {
  const s = Number(process.env.ROOTWATCH_LOCK_WAIT_SECONDS);
  return Number.isFinite(s) && s >= 0 && process.env.ROOTWATCH_LOCK_WAIT_SECONDS !== '' ? s * 1000 : 60_000;
}

async function synthesizeLocked(config: RootwatchConfig, out: string, options: SynthOptions): Promise<void> {
  const stage = makeStaging(out);
  const total = 1 + config.spokes.length + (config.orgGuardrails ? 1 : 0) + (config.stackSet ? 1 : 0);
  const progress = options.progress?.(total);
  try {
    const zips = builtZips();
    const code = Object.fromEntries(LAMBDA_BUNDLES.map((name) => [name, zips[name]])) as unknown as LambdaCodeSet;
    for (const name of LAMBDA_BUNDLES) if (!code[name]) throw new Error(`Lambda zip ${name} is missing: run \`npm run build\``);

    // The modules first: the roots' `moved` blocks need their resource addresses. Every stack in
    // this process: worker processes (one per core from 200 spokes on) were removed in issue 10, when
    // a 1,000-account synth took ~4 s of wall time either way and ~20% more CPU with two workers.
    const catalog = modulesInto(path.join(stage, 'modules'), code);
    writeSpokeModules(path.join(stage, 'modules'), [config.hub.regions, ...config.spokes.map((s) => s.regions)]);
    withoutTokenStackTraces(() => {
      const app = buildDeployApp(stage, config, catalog);
      if (progress) onEachStack(app, () => progress.tick());
      app.synth();
    });

    // cdktf's manifest, one line per stack (the same data; issue 10's output size).
    const manifest = path.join(stage, 'manifest.json');
    fs.writeFileSync(manifest, reviewableJson(JSON.parse(fs.readFileSync(manifest, 'utf8')), 2));
    writePlainRoots(path.join(stage, 'stacks'), path.join(stage, 'plain-terraform'), config);
    writeRunbook(stage, config); // issue 14: terraform-out/RUNBOOK.md (cli/runbook.ts)
    progress?.done();

    // Quotas plan cannot see (core/limits.ts): a config that crosses one fails here, nothing written.
    assertWithinLimits(stage);
    swapIn(stage, out);
  } catch (err) {
    progress?.done();
    fs.rmSync(stage, { recursive: true, force: true });
    throw err;
  }
}

/**
 * `--out` as given: an absolute path that is not a symbolic link, not inside an existing synth
 * output, under folders (not files) we can write to. Nothing is created here.
 */
export function checkOutPath(outDir: string): string {
  if (typeof outDir !== 'string' || outDir.trim() === '') throw new UsageError('--out: must name a folder');
  const out = path.resolve(outDir);
  if (out === path.parse(out).root) throw new UsageError(`--out: ${out} is the file system root; refusing to replace it`);
  let st: fs.Stats | undefined;
  try {
    st = fs.lstatSync(out);
  } catch {
    st = undefined;
  }
  if (st?.isSymbolicLink()) {
    let target = '(a missing target)';
    try {
      target = fs.realpathSync(out);
    } catch {
      /* dangling */
    }
    throw new UsageError(`--out: ${out} is a symbolic link to ${target}; give the real folder instead (synth replaces the folder as a whole)`);
  }
  // Every existing ancestor must be a folder, and none may be a synth output (we would write inside it).
  let writableChecked = false;
  for (let dir = path.dirname(out); ; dir = path.dirname(dir)) {
    let a: fs.Stats | undefined;
    try {
      a = fs.statSync(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // ENOENT / ENOTDIR: not there (or below a file, which the walk up finds next)
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new UsageError(`--out: cannot use ${dir} (${code ?? 'error'})`);
    }
    if (a && !a.isDirectory()) throw new UsageError(`--out: ${dir} is a file, not a folder`);
    if (a && !writableChecked) {
      writableChecked = true;
      try {
        fs.accessSync(dir, fs.constants.W_OK);
      } catch (err) {
        throw new UsageError(`--out: cannot write in ${dir} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }
    if (a && fs.existsSync(path.join(dir, 'manifest.json')) && fs.existsSync(path.join(dir, 'stacks'))) {
      throw new UsageError(`--out: ${out} is inside the synth output ${dir}, which synth replaces as a whole; choose a folder outside it`);
    }
    if (path.dirname(dir) === dir) break;
  }
  return out;
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
  // The old tree goes after the new one is in place: find out now whether it can (not halfway through).
  const walk = (dir: string) => {
    try {
      fs.accessSync(dir, fs.constants.W_OK);
    } catch {
      throw new UsageError(`--out: cannot replace ${out}: no write permission in ${dir}`);
    }
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(path.join(dir, e.name));
  };
  walk(out);
}
