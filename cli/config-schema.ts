/**
 * The config schema's validator: ajv options in one place, used both at build time (standalone
 * code, build/compile-schema.ts) and, when no matching precompiled validator exists (e.g. tests
 * running from sources after a schema edit), at run time.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import type { ErrorObject, Options } from 'ajv';
import schema from '../rootwatch.schema.json';
import { STANDALONE_VALIDATOR } from '../build/paths';

export interface ConfigValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** verbose: errors carry their parentSchema, whose `errorHint` gives the human message. */
export function newConfigAjv(extra: Options = {}) {
  // Required lazily: the precompiled path never loads ajv's compiler.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Ajv = require('ajv').default as typeof import('ajv').default;
  const ajv = new Ajv({ allErrors: false, strict: true, verbose: true, ...extra });
  ajv.addKeyword({ keyword: 'errorHint', schemaType: 'string' });
  return ajv;
}

export function schemaHash(): string {
  return crypto.createHash('sha256').update(JSON.stringify(schema)).digest('hex');
}

let cached: ConfigValidator | undefined;

/** The precompiled validator when it was built from this very schema, else one compiled now. */
export function configValidator(file = STANDALONE_VALIDATOR): ConfigValidator {
  if (cached) return cached;
  let found: ConfigValidator | undefined;
  if (fs.existsSync(file)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(file) as { default?: ConfigValidator; schemaHash?: string } & ConfigValidator;
    const fn = (mod.default ?? mod) as ConfigValidator;
    if (mod.schemaHash === schemaHash()) found = fn;
  }
  cached = found ?? newConfigAjv().compile(schema);
  return cached;
}
