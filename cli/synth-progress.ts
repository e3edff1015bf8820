/**
 * Progress of long synths on stderr. On a terminal: one line rewritten in place
 * (`rootwatch: synthesizing 1001 stacks: 420/1001`), cleared at the end. Elsewhere (a log, a pipe):
 * one line when the synth starts. Nothing under --quiet or in CI (CI set), nor for small synths.
 */
import { App, TerraformStack } from 'cdktf';
import type { Progress } from './synth';

/** From this many stacks on, synth reports progress. */
const PROGRESS_FROM = 51;

/** Call `tick` after each stack of `app` is written. */
export function onEachStack(app: App, tick: () => void): void {
  for (const child of app.node.children) {
    if (!(child instanceof TerraformStack)) continue;
    const synthesizer = child.synthesizer;
    const synthesize = synthesizer.synthesize.bind(synthesizer);
    synthesizer.synthesize = (session) => {
      synthesize(session);
      tick();
    };
  }
}

/** Whether CI says so (`CI=true`, `CI=1`, …; `CI=false`, `0` or empty do not count). */
function inCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = (env.CI ?? '').trim().toLowerCase();
  return ci !== '' && ci !== 'false' && ci !== '0';
}

export interface ProgressTarget {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** The progress reporter the CLI hands to synthesize(), or undefined when it must stay silent. */
export function progressLine(opts: { quiet: boolean; env?: NodeJS.ProcessEnv; stream?: ProgressTarget; now?: () => number }): ((total: number) => Progress) | undefined {
  const stream = opts.stream ?? process.stderr;
  if (opts.quiet || inCi(opts.env)) return undefined;
  const now = opts.now ?? Date.now;
  return (total: number): Progress => {
    let count = 0;
    let last = 0;
    let shown = false;
    const silent = total < PROGRESS_FROM;
    if (!silent && !stream.isTTY) stream.write(`rootwatch: synthesizing ${total} stacks…\n`);
    const draw = () => {
      stream.write(`\r\x1b[Krootwatch: synthesizing ${total} stacks: ${Math.min(count, total)}/${total}`);
      shown = true;
    };
    if (!silent && stream.isTTY) draw();
    return {
      tick() {
        count++;
        if (silent || !stream.isTTY) return;
        const t = now();
        if (t - last >= 100 || count === total) {
          last = t;
          draw();
        }
      },
      done() {
        if (shown) stream.write('\r\x1b[K');
        shown = false;
      },
    };
  };
}
