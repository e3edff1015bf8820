/**
 * cdktf loads `archiver` eagerly; rootwatch defers it until called. Loading cdktf after the shim
 * must not load archiver, and archiver must still work when something does call it.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');

/** Run `script` in a fresh node from the repo root (the shim as built by `npm run build`). */
function inFreshNode(script: string): string {
  const r = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

const ARCHIVER_LOADED = "Object.keys(require.cache).some((k) => k.includes(require('path').join('archiver', 'lib')))";

describe('defer-archiver', () => {
  it('cdktf loads without loading archiver', () => {
    expect(inFreshNode(`require('./dist/cli/defer-archiver'); require('cdktf'); console.log(${ARCHIVER_LOADED});`)).toBe('false');
  });

  it('without the shim cdktf loads archiver (the shim has something to do)', () => {
    expect(inFreshNode(`require('cdktf'); console.log(${ARCHIVER_LOADED});`)).toBe('true');
  });

  it('archiver still works when called, and loads then', () => {
    const out = inFreshNode(
      `require('./dist/cli/defer-archiver'); require('cdktf');
       const archiver = require(require.resolve('archiver', { paths: [require.resolve('cdktf')] }));
       const zip = archiver('zip'); console.log(typeof zip.append + ' ' + ${ARCHIVER_LOADED});`,
    );
    expect(out).toBe('function true');
  });
});
