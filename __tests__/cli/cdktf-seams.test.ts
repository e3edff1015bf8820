/**
 * The cdktf seams (cli/cdktf-seams.ts). cdktf loads `archiver` eagerly; rootwatch defers it until
 * called: loading cdktf after the seams must not load archiver, and archiver must still work when
 * something does call it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { withoutTokenStackTraces } from '../../cli/cdktf-seams';
import { ensureDist } from '../helpers/cli';

const root = path.resolve(__dirname, '..', '..');

/** Run `script` in a fresh node from the repo root (the shim as built by `npm run build`). */
function inFreshNode(script: string): string {
  const r = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

const ARCHIVER_LOADED = "Object.keys(require.cache).some((k) => k.includes(require('path').join('archiver', 'lib')))";

beforeAll(() => ensureDist());

describe('deferred archiver', () => {
  it('cdktf loads without loading archiver', () => {
    expect(inFreshNode(`require('./dist/cli/cdktf-seams'); require('cdktf'); console.log(${ARCHIVER_LOADED});`)).toBe('false');
  });

  it('without the shim cdktf loads archiver (the shim has something to do)', () => {
    expect(inFreshNode(`require('cdktf'); console.log(${ARCHIVER_LOADED});`)).toBe('true');
  });

  it('archiver still works when called, and loads then', () => {
    const out = inFreshNode(
      `require('./dist/cli/cdktf-seams'); require('cdktf');
       const archiver = require(require.resolve('archiver', { paths: [require.resolve('cdktf')] }));
       const zip = archiver('zip'); console.log(typeof zip.append + ' ' + ${ARCHIVER_LOADED});`,
    );
    expect(out).toBe('function true');
  });
});

describe('withoutTokenStackTraces', () => {
  it('captures no stack inside, restores the limit after (also when the function throws)', () => {
    const before = Error.stackTraceLimit;
    expect(withoutTokenStackTraces(() => {
      Error.stackTraceLimit = 50; // cdktf raises it around each capture: the seam ignores the write
      return Error.stackTraceLimit;
    })).toBe(0);
    expect(() => withoutTokenStackTraces(() => { throw new Error('boom'); })).toThrow('boom');
    expect(Error.stackTraceLimit).toBe(before);
  });
});
