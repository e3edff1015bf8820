/**
 * `rootwatch synth`: config -> terraform-out/ (deploy stacks for cdktf, reusable modules for plain
 * Terraform). Atomic: everything is built in a sibling staging folder and swapped in at the end,
 * so a failing synth leaves the previous output byte for byte as it was.
 */
// First: keep cdktf from loading `archiver` it will not use (see the module).
import './defer-archiver';
import * as fs from 'fs';
import * as path from 'path';
import { RootwatchConfig } from '../core/config';
import { LAMBDA_BUNDLES } from '../core/lambda-contract';
import { builtZips } from '../build/paths';
import { buildDeployApp, buildModuleApp } from '../stacks/app';
import { LambdaCodeSet } from '../stacks/lambda-code';
import { UsageError } from './errors';

export interface SynthResult {
  readonly outDir: string;
  readonly stacks: string[];
  readonly modules: string[];
}


export function synthesize(config: RootwatchConfig, outDir: string): SynthResult {
  const out = path.resolve(outDir);
  checkReplaceable(out);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const stage = fs.mkdtempSync(path.join(path.dirname(out), `.${path.basename(out)}.staging-`));
  try {
    const zips = builtZips();
    const code = Object.fromEntries(LAMBDA_BUNDLES.map((name) => [name, zips[name]])) as unknown as LambdaCodeSet;
    for (const name of LAMBDA_BUNDLES) if (!code[name]) throw new Error(`Lambda zip ${name} is missing: run \`npm run build\``);

    const moduleStage = path.join(stage, '.module-build');
    withoutTokenStackTraces(() => {
      buildDeployApp(stage, config, code).synth();
      buildModuleApp(moduleStage, config, code).synth();
    });
    const modules = fs.readdirSync(path.join(moduleStage, 'stacks')).sort();
    for (const name of modules) {
      const from = path.join(moduleStage, 'stacks', name);
      const to = path.join(stage, 'modules', name);
      fs.mkdirSync(to, { recursive: true });
      fs.renameSync(path.join(from, 'cdk.tf.json'), path.join(to, 'main.tf.json'));
      if (fs.existsSync(path.join(from, 'assets'))) fs.renameSync(path.join(from, 'assets'), path.join(to, 'assets'));
    }
    fs.rmSync(moduleStage, { recursive: true, force: true });

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

/**
 * cdktf records a full stack trace for every token it creates (dozens per resource) and keeps
 * them for the whole process: at 1,000 accounts that is a fifth of the synth time and most of the
 * heap. Nothing reads them during a CLI synth, so capture none while the apps synthesize (measured:
 * byte-identical output). Errors thrown meanwhile lose their stack; the CLI prints messages only.
 */
function withoutTokenStackTraces<T>(fn: () => T): T {
  const saved = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit');
  // cdktf raises the limit around each capture itself, so pin it with an accessor that ignores writes.
  Object.defineProperty(Error, 'stackTraceLimit', { configurable: true, get: () => 0, set: () => undefined });
  try {
    return fn();
  } finally {
    if (saved) Object.defineProperty(Error, 'stackTraceLimit', saved);
  }
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
