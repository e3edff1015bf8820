import * as esbuild from 'esbuild';
import { zipSync } from 'fflate';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { LAMBDA_BUNDLES } from '../../core/lambda-contract';

const ROOT = path.resolve(__dirname, '../..');

/**
 * Each handler bundles into one small file that needs nothing at run time but Node's built-ins
 * and the AWS SDK v3 the nodejs22.x runtime ships.
 */
describe.each(LAMBDA_BUNDLES.map((name) => [name]))('bundle %s', (name) => {
  let code = '';
  let outfile = '';
  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootwatch-bundle-'));
    outfile = path.join(dir, 'index.js');
    await esbuild.build({
      entryPoints: [path.join(ROOT, 'lambdas/handlers', `${name}.ts`)],
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      minify: true,
      external: ['@aws-sdk/*'],
      outfile,
      logLevel: 'silent',
    });
    code = fs.readFileSync(outfile, 'utf8');
  });

  it('is under 25 KB zipped', () => {
    const zipped = zipSync({ 'index.js': new TextEncoder().encode(code) }, { level: 9 });
    expect(zipped.length).toBeLessThan(25 * 1024);
  });

  it('requires only the AWS SDK and Node built-ins', () => {
    const required = [...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const others = required.filter((r) => !r.startsWith('@aws-sdk/client-') && !builtins.has(r));
    expect(others).toEqual([]);
    expect(required.some((r) => r.startsWith('@aws-sdk/client-'))).toBe(true);
  });

  it('exports a handler function', () => {
    // resolve @aws-sdk from the repo, as the runtime would from its own copy
    const mod = { exports: {} as Record<string, unknown> };
    const req = (id: string) => require(require.resolve(id, { paths: [ROOT] }));
    new Function('module', 'exports', 'require', code)(mod, mod.exports, req);
    expect(typeof mod.exports.handler).toBe('function');
  });
});
