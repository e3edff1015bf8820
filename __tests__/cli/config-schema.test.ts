/**
 * The precompiled config validator (dist/config-validator.js, built by `npm run build`) and the
 * one ajv compiles at run time must judge every config alike; a validator built from another
 * schema must never be used.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { newConfigAjv, schemaHash } from '../../cli/config-schema';
import { STANDALONE_VALIDATOR } from '../../build/paths';
import schema from '../../rootwatch.schema.json';
import { BAD_INPUTS, exampleRaw, readJson } from '../helpers/configs';

type Validator = ((d: unknown) => boolean) & { errors?: Array<{ instancePath: string; keyword: string; parentSchema?: { errorHint?: string } }> | null };

const runtime = newConfigAjv().compile(schema) as unknown as Validator;

function judge(v: Validator, data: unknown) {
  const ok = v(data);
  return { ok, errors: (v.errors ?? []).map((e) => ({ at: e.instancePath, keyword: e.keyword, hint: e.parentSchema?.errorHint })) };
}

describe('precompiled config validator', () => {
  const built = fs.existsSync(STANDALONE_VALIDATOR);
  if (!built) {
    it.skip('dist/config-validator.js is missing: run `npm run build`', () => undefined);
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const standalone = require(STANDALONE_VALIDATOR) as Validator & { schemaHash: string };

  it('was built from the current schema', () => {
    expect(standalone.schemaHash).toBe(schemaHash());
  });

  it('accepts the example config like the runtime validator', () => {
    expect(judge(standalone, exampleRaw())).toEqual(judge(runtime, exampleRaw()));
    expect(judge(standalone, exampleRaw()).ok).toBe(true);
  });

  it.each(BAD_INPUTS.map((b) => [b.name, b] as const))('judges "%s" like the runtime validator', (_name, bad) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootwatch-schema-'));
    try {
      const file = bad.write(dir);
      let data: unknown;
      // special and oversized files are refused before any validator (and would hang or never end here)
      if (!fs.existsSync(file) || !fs.statSync(file).isFile() || fs.statSync(file).size > 16 * 1024 * 1024) return;
      try {
        data = readJson(file);
      } catch {
        return; // not JSON at all: never reaches a validator
      }
      expect(judge(standalone, data)).toEqual(judge(runtime, data));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('configValidator()', () => {
  it('ignores a precompiled validator built from another schema', () => {
    jest.isolateModules(() => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootwatch-schema-'));
      try {
        const stale = path.join(dir, 'config-validator.js');
        fs.writeFileSync(stale, 'module.exports = () => true; module.exports.schemaHash = "old";');
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { configValidator } = require('../../cli/config-schema') as typeof import('../../cli/config-schema');
        const v = configValidator(stale);
        expect(v({ hub: { accountId: 'nope', region: 'eu-west-1' } })).toBe(false);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
