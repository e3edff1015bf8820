import * as esbuild from 'esbuild';
import { zipSync } from 'fflate';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { LAMBDA_BUNDLES } from '../../core/lambda-contract';
import { LAMBDA_ZIP_BUDGET_BYTES, lambdaBuildOptions } from '../../build/bundle-lambdas';

const ROOT = path.resolve(__dirname, '../..');

/**
 * Each handler bundles into one small file that needs nothing at run time but Node's built-ins
 * and the AWS SDK v3 the nodejs22.x runtime ships.
 */
describe.each(LAMBDA_BUNDLES.map((name) => [name]))('bundle %s', (name) => {
  let code = '';
  beforeAll(async () => {
    // The build's own options (build/bundle-lambdas.ts), into a temporary folder.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootwatch-bundle-'));
    await esbuild.build({ ...lambdaBuildOptions(dir), logLevel: 'silent' });
    code = fs.readFileSync(path.join(dir, name, 'index.js'), 'utf8');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`is under ${LAMBDA_ZIP_BUDGET_BYTES / 1024} KB zipped`, () => {
    const zipped = zipSync({ 'index.js': new TextEncoder().encode(code) }, { level: 9 });
    expect(zipped.length).toBeLessThan(LAMBDA_ZIP_BUDGET_BYTES);
  });

  it('requires only the AWS SDK and Node built-ins', () => {
    const required = [...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const others = required.filter((r) => !r.startsWith('@aws-sdk/client-') && !builtins.has(r));
    expect(others).toEqual([]);
    expect(required.some((r) => r.startsWith('@aws-sdk/client-'))).toBe(true);
  });

  it('exports a handler function, and loading it loads no SDK client (each loads on first use)', () => {
    // resolve @aws-sdk from the repo, as the runtime would from its own copy
    const mod = { exports: {} as Record<string, unknown> };
    const loaded: string[] = [];
    const req = (id: string) => {
      loaded.push(id);
      return require(require.resolve(id, { paths: [ROOT] }));
    };
    new Function('module', 'exports', 'require', code)(mod, mod.exports, req);
    expect(typeof mod.exports.handler).toBe('function');
    expect(loaded.filter((id) => id.startsWith('@aws-sdk/'))).toEqual([]);
  });
});
