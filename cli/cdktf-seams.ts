/**
 * The load-time places rootwatch's CLI reaches into cdktf 0.21.0 behaviour, in one file (tests:
 * __tests__/cli/cdktf-seams.test.ts). Import it before cdktf. The synthesis-time seams (quick
 * toTerraform, cdktf's logical IDs) are in stacks/cdktf-internals.ts: stacks/ cannot import cli/,
 * and this file must run before anything loads cdktf. Each seam states its measured gain;
 * drop a seam when `npm run bench` no longer shows it.
 *
 * 1. Deferred `archiver`. cdktf requires `archiver` (and its dependency tree) when it loads, for
 *    AssetType.ARCHIVE assets, which rootwatch never uses (its Lambda zips are built by `npm run
 *    build`). A placeholder module in require.cache loads it only if something calls it.
 *    Measured 2026-11-30 on the shared 2-core machine: `require('cdktf')` 318 ms with the seam,
 *    543 ms without (median of 9 interleaved runs); about 36 ms of a ~340 ms synth on an idle one.
 *    If cdktf stops needing archiver, or the package cannot be found, this does nothing.
 * 2. No token stack traces while synthesizing (`withoutTokenStackTraces`).
 * (3. `stableStringify`, cdktf's manifest format for merging worker manifests, went with the worker
 *    processes in issue 10.)
 */
import Module = require('module');

function deferArchiver(): void {
  let id: string;
  try {
    id = require.resolve('archiver', { paths: [require.resolve('cdktf')] });
  } catch {
    return;
  }
  if (require.cache[id]) return;
  let real: unknown;
  const load = (): ((...args: unknown[]) => unknown) & Record<PropertyKey, unknown> => {
    if (!real) {
      const placeholder = require.cache[id];
      delete require.cache[id];
      try {
        real = require(id);
      } finally {
        if (placeholder && !require.cache[id]) require.cache[id] = placeholder;
      }
    }
    return real as ((...args: unknown[]) => unknown) & Record<PropertyKey, unknown>;
  };
  const placeholder = new Module(id);
  placeholder.filename = id;
  placeholder.loaded = true;
  placeholder.exports = new Proxy(function archiver() {}, {
    apply: (_target, self, args) => Reflect.apply(load(), self, args),
    get: (_target, key) => load()[key],
    has: (_target, key) => key in load(),
  });
  require.cache[id] = placeholder;
}

deferArchiver();

/**
 * cdktf records a full stack trace for every token it creates (dozens per resource) and keeps
 * them for the whole process: at 1,000 accounts that is a fifth of the synth time and most of the
 * heap. Nothing reads them during a CLI synth, so capture none while the apps synthesize (measured:
 * byte-identical output). Errors thrown meanwhile lose their stack; the CLI prints messages only.
 */
export function withoutTokenStackTraces<T>(fn: () => T): T {
  const saved = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit');
  // cdktf raises the limit around each capture itself, so pin it with an accessor that ignores writes.
  Object.defineProperty(Error, 'stackTraceLimit', { configurable: true, get: () => 0, set: () => undefined });
  try {
    return fn();
  } finally {
    if (saved) Object.defineProperty(Error, 'stackTraceLimit', saved);
  }
}
