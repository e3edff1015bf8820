/**
 * Reads and checks a rootwatch config file: JSON Schema first (rootwatch.schema.json), then
 * cross-field rules (core/config.ts). Every problem becomes one ConfigError naming the field.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ErrorObject } from 'ajv';
import { ConfigError, OrgAccount, RawConfig, resolveConfig, RootwatchConfig } from '../core/config';
import { configValidator } from './config-schema';

function validate(data: unknown): ErrorObject[] {
  const validator = configValidator();
  return validator(data) ? [] : (validator.errors ?? []);
}

/** `/spokes/1/accountId` -> `spokes[1].accountId` */
export function fieldPath(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

function describe(error: ErrorObject, data: unknown): ConfigError {
  const field = fieldPath(error.instancePath);
  const hint = (error.parentSchema as { errorHint?: string } | undefined)?.errorHint;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      return new ConfigError(field ? `${field}.${key}` : key, 'unknown key');
    }
    case 'required': {
      const key = (error.params as { missingProperty: string }).missingProperty;
      return new ConfigError(field ? `${field}.${key}` : key, 'is required');
    }
    case 'pattern':
    case 'enum':
    case 'minimum':
    case 'maximum':
      return new ConfigError(field, `${hint ?? error.message ?? 'is invalid'} (got ${JSON.stringify(valueAt(data, error.instancePath))})`);
    case 'uniqueItems':
      return new ConfigError(field, 'must not list the same value twice');
    case 'oneOf':
    case 'const': {
      // An object whose `type` selects no variant: the type is what is wrong.
      const value = valueAt(data, error.instancePath);
      const atType = error.keyword === 'oneOf' && value !== null && typeof value === 'object' && 'type' in value;
      return new ConfigError(atType ? `${field}.type` : field, field.startsWith('backend') ? 'must be {"type":"local"} or {"type":"s3","bucket":...,"region":...}' : error.message ?? 'is invalid');
    }
    default:
      return new ConfigError(field || '(config)', hint && error.keyword !== 'type' ? hint : error.message ?? 'is invalid');
  }
}

/**
 * A oneOf reports the errors of every variant; only the variant the value's `type` selects counts
 * (`{"type":"s3"}` without `region` is missing its region, not carrying an unknown key of the
 * local variant). When no variant matches the type, only the oneOf error itself is left.
 */
function relevant(errors: ErrorObject[], data: unknown): ErrorObject[] {
  let kept = errors;
  for (const e of errors) {
    if (e.keyword !== 'oneOf' || !Array.isArray(e.schema)) continue;
    const value = valueAt(data, e.instancePath) as { type?: unknown } | null | undefined;
    const variants = e.schema as Array<{ properties?: { type?: { const?: unknown } } }>;
    const chosen = value !== null && typeof value === 'object' ? variants.findIndex((v) => v.properties?.type?.const === value.type) : -1;
    const inside = (x: ErrorObject) => x.schemaPath.startsWith(`${e.schemaPath}/`);
    const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
    kept = kept.filter((x) => !inside(x) || (chosen >= 0 ? x.schemaPath.startsWith(`${e.schemaPath}/${chosen}/`) : !isObject && x.keyword === 'type'));
  }
  return kept;
}

function valueAt(data: unknown, instancePath: string): unknown {
  return instancePath
    .split('/')
    .slice(1)
    .reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), data);
}

/** Check a parsed config object; `baseDir` resolves `organizationalUnits[].accountsFile`. */
export function checkConfig(data: unknown, baseDir: string): RootwatchConfig {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new ConfigError('(config)', 'must be a JSON object');
  const errors = validate(data);
  if (errors.length > 0) {
    // The most specific error is the deepest one, among the errors that count (see relevant()).
    const best = relevant(errors, data).sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
    throw describe(best, data);
  }
  const raw = data as RawConfig;
  const ouAccounts = (raw.organizationalUnits ?? []).map((ou, i) => readOrgExport(path.resolve(baseDir, ou.accountsFile), `organizationalUnits[${i}].accountsFile`));
  return resolveConfig(raw, ouAccounts);
}

/** Read and check a config file. */
export function loadConfig(file: string): RootwatchConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError('--config', code === 'ENOENT' ? `file not found: ${file}` : `cannot read ${file} (${code ?? 'error'})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConfigError('--config', `${file} is not valid JSON (${(err as Error).message.split('\n')[0]})`);
  }
  return checkConfig(data, path.dirname(path.resolve(file)));
}

/** An `aws organizations list-accounts-for-parent --output json` export: { "Accounts": [...] }. */
function readOrgExport(file: string, field: string): OrgAccount[] {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new ConfigError(field, e.code === 'ENOENT' ? `file not found: ${file}` : `cannot read ${file} as JSON`);
  }
  const accounts = (data as { Accounts?: unknown } | null)?.Accounts;
  if (!Array.isArray(accounts)) throw new ConfigError(field, `${file} has no "Accounts" list (expected list-accounts-for-parent output)`);
  return accounts.map((a, i) => {
    const id = (a as { Id?: unknown } | null)?.Id;
    if (typeof id !== 'string' || !/^[0-9]{12}$/.test(id)) throw new ConfigError(`${field}: Accounts[${i}].Id`, 'must be 12 digits');
    const name = (a as { Name?: unknown }).Name;
    const state = (a as { State?: unknown }).State;
    const status = (a as { Status?: unknown }).Status;
    if (typeof state !== 'string' && typeof status !== 'string') {
      throw new ConfigError(`${field}: Accounts[${i}].State`, 'missing (list-accounts-for-parent output carries State, or Status before 2026-09-09)');
    }
    return {
      Id: id,
      ...(typeof name === 'string' ? { Name: name } : {}),
      ...(typeof state === 'string' ? { State: state } : {}),
      ...(typeof status === 'string' ? { Status: status } : {}),
    };
  });
}
