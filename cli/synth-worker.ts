/**
 * One worker of a parallel synth (cli/synth.ts): synthesizes a slice of the spoke stacks into its
 * own folder, which the parent merges. Input: a job file (JSON) named on the command line.
 * Exit 0 when done; exit 1 with one line on stderr otherwise.
 */
import './defer-archiver';
import * as fs from 'fs';
import { RootwatchConfig } from '../core/config';
import { buildDeployApp, ModuleCatalog } from '../stacks/app';
import { withoutTokenStackTraces } from './token-stack-traces';

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
  withoutTokenStackTraces(() => buildDeployApp(job.outdir, job.config, job.catalog, { hub: false, spokes, guardrails: false }).synth());
}

if (require.main === module) {
  try {
    main(process.argv[2] ?? '');
  } catch (err) {
    process.stderr.write(`${(err instanceof Error ? err.message : String(err)).split('\n')[0]}\n`);
    process.exit(1);
  }
}
