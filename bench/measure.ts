/**
 * Runs one command in a fresh `node` child process and measures it from the parent: wall time
 * (hrtime around the whole process) and peak RSS, via GNU `/usr/bin/time -f %M` when it works,
 * else via a preload (rss-probe.js) that writes process.resourceUsage().maxRSS at exit.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';

export type RssMethod = { readonly kind: 'time'; readonly bin: string } | { readonly kind: 'probe'; readonly preload: string };

export interface ChildRun {
  readonly wallMs: number;
  /** peak resident set size of the child, in MB */
  readonly rssMb: number;
  readonly stdout: string;
}

const RSS_FILE_ENV = 'ROOTWATCH_BENCH_RSS_FILE';

/** The user pressed Ctrl-C (or the child was terminated): stop the whole bench, not just one figure. */
export class InterruptedError extends Error {
  constructor() {
    super('interrupted');
    this.name = 'InterruptedError';
  }
}

/** GNU time if it accepts `-f %M -o file` and reports a number, else the preload probe. */
export function detectRssMethod(tmpDir: string): RssMethod {
  const bin = '/usr/bin/time';
  const probe: RssMethod = { kind: 'probe', preload: path.join(__dirname, 'rss-probe.js') };
  if (!fs.existsSync(bin)) return probe;
  const file = path.join(tmpDir, 'rss-detect.txt');
  const r = spawnSync(bin, ['-f', '%M', '-o', file, process.execPath, '-e', '0'], { stdio: 'ignore' });
  const kb = r.status === 0 && fs.existsSync(file) ? parseRssKb(fs.readFileSync(file, 'utf8')) : null;
  fs.rmSync(file, { force: true });
  return kb !== null && kb > 0 ? { kind: 'time', bin } : probe;
}

export function describeRssMethod(m: RssMethod): string {
  return m.kind === 'time' ? `peak RSS from \`${m.bin} -f %M\`` : 'peak RSS from process.resourceUsage().maxRSS (preload probe; /usr/bin/time unavailable)';
}

/** The last line holding only digits (GNU time may prefix "Command exited with non-zero status"). */
export function parseRssKb(text: string): number | null {
  const lines = text.trim().split('\n').reverse();
  const line = lines.find((l) => /^\d+$/.test(l.trim()));
  return line === undefined ? null : Number(line.trim());
}

let seq = 0;

/**
 * `node <args>` in `cwd`; throws (with the first stderr line) when the child fails.
 * Wall time includes node's own start-up: the child is what a user would run.
 */
export function runNode(args: readonly string[], opts: { cwd: string; rss: RssMethod; tmpDir: string; timeoutMs?: number; env?: NodeJS.ProcessEnv }): ChildRun {
  const rssFile = path.join(opts.tmpDir, `rss-${process.pid}-${seq++}.txt`);
  const [cmd, cmdArgs] =
    opts.rss.kind === 'time'
      ? [opts.rss.bin, ['-f', '%M', '-o', rssFile, process.execPath, ...args]]
      : [process.execPath, ['-r', opts.rss.preload, ...args]];
  const env = { ...process.env, ...opts.env, [RSS_FILE_ENV]: rssFile, CHECKPOINT_DISABLE: '1', CDKTF_DISABLE_TELEMETRY: 'true' };
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, cmdArgs, {
    cwd: opts.cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: opts.timeoutMs ?? 600_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  try {
    if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT') throw new Error(`timed out after ${(opts.timeoutMs ?? 600_000) / 1000} s`);
    if (r.signal === 'SIGINT' || r.signal === 'SIGTERM' || r.status === 130) throw new InterruptedError();
    if (r.error) throw new Error(`could not run node: ${r.error.message}`);
    if (r.status !== 0) {
      const why = (r.stderr ?? '').split('\n').find((l) => l.trim() !== '' && !/^Command (exited|terminated)/.test(l)) ?? '';
      throw new Error(`exit ${r.status ?? r.signal}${why ? `: ${why.trim().slice(0, 300)}` : ''}`);
    }
    const kb = fs.existsSync(rssFile) ? parseRssKb(fs.readFileSync(rssFile, 'utf8')) : null;
    if (kb === null) throw new Error('peak RSS was not reported');
    return { wallMs, rssMb: kb / 1024, stdout: r.stdout ?? '' };
  } finally {
    fs.rmSync(rssFile, { force: true });
  }
}

/** Parse the one JSON line a bench child prints on stdout. */
export function childJson<T>(run: ChildRun): T {
  const line = run.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`child printed no JSON (got ${JSON.stringify(line.slice(0, 120))})`);
  }
}
