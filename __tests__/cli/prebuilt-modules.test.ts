/**
 * The module folders built once by `npm run build` (dist/prebuilt-modules) are what synth would build
 * itself, and compiled synth uses them without loading the module constructs. Runs the compiled code
 * in a child process (from TypeScript sources synth always builds the modules).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ensureDist } from '../helpers/cli';
import { REPO } from '../helpers/configs';
import { hashTree, rmrf, tempDir } from '../helpers/tree';

let tmp: string;
beforeAll(() => {
  ensureDist();
  tmp = tempDir('prebuilt');
}, 180_000);
afterAll(() => rmrf(tmp));

function node(script: string): string {
  const r = spawnSync(process.execPath, ['-e', script], { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

const CODE = `const { builtZips } = require('./dist/build/paths'); const z = builtZips();
const code = Object.fromEntries(require('./dist/core/lambda-contract').LAMBDA_BUNDLES.map((n) => [n, z[n]]));
const p = require('./dist/cli/prebuilt-modules');`;

it('the build writes them for the code in hand; synth copies them without loading the module constructs, byte for byte what it would build', () => {
  const key = fs.existsSync(path.join(REPO, 'dist', 'prebuilt-modules', 'key.txt')) ? fs.readFileSync(path.join(REPO, 'dist', 'prebuilt-modules', 'key.txt'), 'utf8') : '';
  // dist/ may have been recompiled by ensureDist (tsc only): then the prebuilt copy is stale and is rebuilt here, as npm run build does.
  if (key !== node(`${CODE} process.stdout.write(p.modulesKey());`)) {
    expect(spawnSync(process.execPath, ['dist/build/prebuild-modules.js'], { cwd: REPO }).status).toBe(0);
  }
  const copied = path.join(tmp, 'copied');
  const built = path.join(tmp, 'built');
  const loaded = node(`${CODE}
    const catalog = p.modulesInto(${JSON.stringify(copied)}, code);
    const constructs = Object.keys(require.cache).some((f) => f.endsWith('module-stacks.js'));
    const fresh = p.buildModules(${JSON.stringify(built)}, code);
    process.stdout.write(JSON.stringify({ constructs, same: JSON.stringify(catalog) === JSON.stringify(fresh), n: Object.values(fresh).flat().length }));`);
  const r = JSON.parse(loaded) as { constructs: boolean; same: boolean; n: number };
  expect(r.constructs).toBe(false);
  expect(r.same).toBe(true);
  expect(r.n).toBeGreaterThan(50);
  expect(hashTree(copied)).toEqual(hashTree(built));
  expect(Object.keys(hashTree(copied))).toEqual(expect.arrayContaining(['hub/main.tf.json', 'spoke-region/README.md']));
}, 180_000);
