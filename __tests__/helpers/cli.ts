/**
 * Runs the real CLI (`node dist/main.js ...`) as a child process. The CLI tests need the built
 * dist/; `ensureDist()` recompiles it once (shared by every test file, under a lock) when a
 * generator source is newer than its compiled file, rebundles the Lambdas when a Lambda (or core/)
 * source is newer than the bundles, and recompiles the schema validator when the schema is newer,
 * so the tests never exercise stale code.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LAMBDA_BUNDLES } from '../../core/lambda-contract';
import { REPO } from './configs';

export const MAIN_JS = path.join(REPO, 'dist', 'main.js');
/** Folders whose compiled files the CLI runs (dist/cli/coverage.js loads dist/lambdas/coverage-store.js). */
const SOURCE_DIRS = ['cli', 'core', 'stacks', 'modules', 'build', 'lambdas'];

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Generator sources whose compiled file is missing or older than the source. */
function staleOutputs(): string[] {
  const sources = ['main.ts', 'rootwatch.schema.json'];
  for (const dir of SOURCE_DIRS) {
    const walk = (d: string) => {
      for (const e of fs.readdirSync(path.join(REPO, d), { withFileTypes: true })) {
        const rel = path.join(d, e.name);
        if (e.isDirectory()) walk(rel);
        else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) sources.push(rel);
      }
    };
    walk(dir);
  }
  return sources.filter((src) => {
    const out = path.join(REPO, 'dist', src.replace(/\.ts$/, '.js'));
    if (!fs.existsSync(out)) return true;
    return fs.statSync(path.join(REPO, src)).mtimeMs > fs.statSync(out).mtimeMs;
  });
}

const newestMtime = (dir: string): number => {
  let newest = 0;
  for (const e of fs.readdirSync(path.join(REPO, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(rel) : e.name.endsWith('.ts') ? fs.statSync(path.join(REPO, rel)).mtimeMs : 0);
  }
  return newest;
};
const mtime = (rel: string): number => (fs.existsSync(path.join(REPO, rel)) ? fs.statSync(path.join(REPO, rel)).mtimeMs : 0);

/** Build steps after tsc whose output is older than its sources: the Lambda bundles, the standalone schema validator. */
function staleSteps(): string[] {
  const bundles = Math.min(...LAMBDA_BUNDLES.map((b) => mtime(path.join('dist', 'lambda-bundles', b, 'index.js'))), mtime(path.join('dist', 'lambda-bundles', 'zips.json')));
  const steps: string[] = [];
  if (Math.max(newestMtime('lambdas'), newestMtime('core')) > bundles) steps.push('build/bundle-lambdas.js');
  if (mtime('rootwatch.schema.json') > mtime(path.join('dist', 'config-validator.js'))) steps.push('build/compile-schema.js');
  return steps;
}

/** Make sure dist/ holds the current generator (tsc once, under a cross-process lock) and the Lambda bundles exist. */
export function ensureDist(): void {
  const missing = LAMBDA_BUNDLES.filter((b) => !fs.existsSync(path.join(REPO, 'dist', 'lambda-bundles', b, 'index.js')));
  if (missing.length > 0) throw new Error(`dist/lambda-bundles/{${missing.join(',')}}/index.js missing: run \`npm run build\` first`);
  if (staleOutputs().length === 0 && staleSteps().length === 0) return;
  const lock = path.join(os.tmpdir(), `rootwatch-dist-build-${Buffer.from(REPO).toString('hex').slice(-24)}.lock`);
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // another test file is compiling: wait, then look again
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > 120_000) fs.rmSync(lock, { recursive: true, force: true });
      } catch {
        /* lock vanished meanwhile */
      }
      sleep(250);
      if (staleOutputs().length === 0 && staleSteps().length === 0) return;
    }
  }
  try {
    if (staleOutputs().length > 0) {
      // Type errors elsewhere (e.g. lambdas/ in progress) do not stop tsc from emitting.
      spawnSync(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(REPO, 'tsconfig.json')], { cwd: REPO, stdio: 'ignore' });
      const still = staleOutputs();
      if (still.length > 0) throw new Error(`dist/ is stale after tsc for: ${still.slice(0, 5).join(', ')}; run \`npm run build\``);
    }
    for (const step of staleSteps()) spawnSync(process.execPath, [path.join(REPO, 'dist', step)], { cwd: REPO, stdio: 'ignore' });
    const steps = staleSteps();
    if (steps.length > 0) throw new Error(`dist/ is stale after ${steps.join(', ')}; run \`npm run build\``);
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the built CLI; `stdin`, when given, is written to its standard input and closed. */
export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN_JS, ...args], {
      cwd: opts.cwd ?? REPO,
      env: { ...process.env, CDKTF_OUTDIR: '', ...opts.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (opts.stdin !== undefined) child.stdin.end(opts.stdin);
  });
}

/** Run async tasks with at most `limit` at a time, results in input order. */
export async function inPool<T>(tasks: (() => Promise<T>)[], limit = 3): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** stderr as lines (the trailing newline does not count as an extra line). */
export const stderrLines = (r: CliResult): string[] => r.stderr.replace(/\n$/, '').split('\n').filter((l, i, all) => l !== '' || all.length > 1);

/** Processes (pid, command line) whose command line mentions `text` (Linux /proc). */
export function processesMentioning(text: string): Array<{ pid: number; cmdline: string }> {
  const found: Array<{ pid: number; cmdline: string }> = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const state = /^State:\s+(\S)/m.exec(fs.readFileSync(`/proc/${name}/status`, 'utf8'))?.[1];
      if (cmdline.includes(text) && state !== 'Z') found.push({ pid: Number(name), cmdline });
    } catch {
      /* exited meanwhile */
    }
  }
  return found;
}
