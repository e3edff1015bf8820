/**
 * cdktf requires `archiver` (and its dependency tree) when it loads, for AssetType.ARCHIVE assets,
 * which rootwatch never uses (its Lambda zips are built by `npm run build`): about 36 ms of a
 * ~340 ms synth. Import this module before cdktf: `archiver` then loads only if something calls it.
 * If cdktf stops needing archiver, or the package cannot be found, this does nothing.
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
