/**
 * One worker of a parallel synth (cli/synth.ts): synthesizes a slice of the spoke stacks into its
 * own folder, which the parent merges. Input: a job file (JSON) named on the command line.
 * Writes one byte to stdout per stack written (the parent's progress line).
 * Exit 0 when done; exit 1 with one line on stderr otherwise. Stops at once when the parent dies.
 */
import { Worker } from 'worker_threads';

/**
 * The synth below blocks this process's event loop for seconds, so a watchdog thread checks the
 * parent: when it is gone (this process was re-parented), the worker kills itself instead of
 * writing on into a staging folder nobody will use.
 */
function watchParent(): void {
  // The parent's pid comes from the parent: by the time this runs, the parent may already be gone.
  const parent = Number(process.env.ROOTWATCH_SYNTH_PARENT) || process.ppid;
  if (process.ppid !== parent) process.exit(1);
  // In a worker thread process.ppid is the value at thread start: read the live one from /proc (Linux), else fall back to it.
  const code = `
    const fs = require('fs');
    const ppid = () => { try { return Number(/^PPid:\\s+(\\d+)/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]); } catch { return process.ppid; } };
    setInterval(() => { if (ppid() !== ${parent}) process.kill(${process.pid}, 'SIGKILL'); }, 50);`;
  new Worker(code, { eval: true }).unref();
}

if (require.main === module) watchParent();

import { withoutTokenStackTraces } from './cdktf-seams';
import * as fs from 'fs';
import { RootwatchConfig } from '../core/config';
import { buildDeployApp, ModuleCatalog } from '../stacks/roots';
import { onEachStack } from './synth-progress';

export interface SynthJob {
  readonly config: RootwatchConfig;
  /** Resource addresses of the modules (for the roots' moved blocks). */
  readonly catalog: ModuleCatalog;
  /** indexes into config.spokes */
  readonly from: number;
  readonly to: number;
  readonly outdir: string;
}

function main(jobFile: string): void {
  const job = JSON.parse(fs.readFileSync(jobFile, 'utf8')) as SynthJob;
  const spokes = job.config.spokes.slice(job.from, job.to);
  withoutTokenStackTraces(() => {
    const app = buildDeployApp(job.outdir, job.config, job.catalog, { hub: false, spokes, guardrails: false });
    // Progress dots for the parent. Through the stream, not fs.writeSync(1): the pipe can be
    // non-blocking, and a raw write to a full pipe throws EAGAIN (it failed 1,000-account synths).
    onEachStack(app, () => process.stdout.write('.'));
    app.synth();
  });
}

if (require.main === module) {
  try {
    main(process.argv[2] ?? '');
  } catch (err) {
    process.stderr.write(`${(err instanceof Error ? err.message : String(err)).split('\n')[0]}\n`);
    process.exit(1);
  }
}
