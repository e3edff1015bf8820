/**
 * Reads and checks a rootwatch config file: JSON Schema first (rootwatch.schema.json), then
 * cross-field rules (core/config.ts). Every problem becomes one ConfigError naming the field.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ErrorObject } from 'ajv';
import { ConfigError, OrgAccount, RawConfig, resolveConfig, RootwatchConfig } from '../core/config';
import { configValidator } from './config-schema';
import { quote } from './errors';
import { ACCOUNT_ID_PATTERN } from '../core/validation';

/** Largest config or OU export read (a 10,000-account export is about 3 MB). */
const MAX_INPUT_BYTES = 32 * 1024 * 1024;

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
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : `${acc}${keyPart(part, acc === '')}`), '');
}

/** A key as a field path shows it: `name` / `.name`, or `["odd key"]` quoted when it holds anything unusual. */
function keyPart(key: string, first: boolean): string {
  if (/^[A-Za-z_$][A-Za-z0-9_$-]{0,63}$/.test(key)) return first ? key : `.${key}`;
  return `[${quote(key, 40)}]`;
}

/** Levenshtein distance, for "did you mean" suggestions (keys are short). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/** The known key closest to `key`, if one is close enough to be a likely typo. */
function suggestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: { k: string; d: number } | undefined;
  for (const k of known) {
    const d = k.toLowerCase() === lower ? 0 : distance(lower, k.toLowerCase());
    if (!best || d < best.d) best = { k, d };
  }
  if (!best) return undefined;
  const longest = Math.max(key.length, best.k.length);
  const close = best.d <= (longest <= 4 ? 1 : longest <= 12 ? 2 : Math.min(5, Math.floor(longest / 4)));
  const prefix = key.length >= 3 && (best.k.toLowerCase().startsWith(lower) || lower.startsWith(best.k.toLowerCase()));
  return close || prefix ? best.k : undefined;
}

function describe(error: ErrorObject, data: unknown): ConfigError {
  const field = fieldPath(error.instancePath);
  const hint = (error.parentSchema as { errorHint?: string } | undefined)?.errorHint;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {}).filter((k) => k !== '$schema');
      const suggestion = suggestKey(key, known);
      return new ConfigError(`${field}${keyPart(key, field === '')}`, suggestion ? `unknown key (did you mean "${suggestion}"?)` : 'unknown key');
    }
    case 'minItems': {
      const n = (error.params as { limit: number }).limit;
      const what = field.endsWith('regions') ? `region${n === 1 ? '' : 's'} (us-east-1 is always added; leave the key out for the default regions)` : `item${n === 1 ? '' : 's'}`;
      return new ConfigError(field, `must list at least ${n} ${what}`);
    }
    case 'required': {
      const key = (error.params as { missingProperty: string }).missingProperty;
      return new ConfigError(field ? `${field}.${key}` : key, 'is required');
    }
    case 'pattern':
    case 'enum':
    case 'minimum':
    case 'maximum':
      return new ConfigError(field, `${hint ?? error.message ?? 'is invalid'} (got ${quote(valueAt(data, error.instancePath))})`);
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
  inlineSecret(data as Record<string, unknown>);
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

/**
 * A Slack webhook URL or a PagerDuty routing key written into the config itself is refused on
 * purpose (it would sit in plain text in the Terraform, its state and git): say so, not just that
 * the parameter name is missing.
 */
function inlineSecret(data: Record<string, unknown>): void {
  const alerts = data.alerts as Record<string, unknown> | undefined;
  const channels = [
    ['slack', 'webhookParameterName', 'a Slack webhook URL', '/rootwatch/slack/webhook-url'],
    ['pagerduty', 'routingKeyParameterName', 'a PagerDuty routing key', '/rootwatch/pagerduty/routing-key'],
  ] as const;
  for (const [channel, allowed, what, example] of channels) {
    const section = alerts && typeof alerts === 'object' ? (alerts[channel] as Record<string, unknown> | undefined) : undefined;
    if (!section || typeof section !== 'object' || Array.isArray(section)) continue;
    for (const [key, value] of Object.entries(section)) {
      if (key === allowed) continue;
      // A misspelt parameter name (a name, or an SSM path as value) is a typo for "did you mean", not a secret.
      const parameterLike = /param|name/i.test(key) || (typeof value === 'string' && value.startsWith('/'));
      const looksSecret = !parameterLike && (/url|hook|key|token|secret|integration/i.test(key) || (typeof value === 'string' && /^https?:\/\//i.test(value)));
      if (looksSecret) {
        throw new ConfigError(`alerts.${channel}${keyPart(key, false)}`, `${what} is refused in the config on purpose (it would be stored in plain text in the Terraform and its state): put it in an SSM SecureString and give its name as alerts.${channel}.${allowed} (e.g. "${example}")`);
      }
    }
  }
}

/**
 * The bytes of a config or export file: only a regular file (a FIFO would hang, /dev/zero would
 * never end), at most MAX_INPUT_BYTES, a UTF-8 byte order mark dropped.
 */
function readInputFile(file: string, field: string, maxBytes = MAX_INPUT_BYTES): string {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(field, code === 'ENOENT' ? `file not found: ${file}` : `cannot read ${file} (${code ?? 'error'})`);
  }
  const kind = (s: fs.Stats) => (s.isDirectory() ? 'a folder' : s.isFIFO() ? 'a FIFO' : s.isCharacterDevice() || s.isBlockDevice() ? 'a device' : s.isSocket() ? 'a socket' : 'not a regular file');
  if (!st.isFile()) throw new ConfigError(field, `${file} is ${kind(st)}, not a regular file`);
  const tooBig = (size: string) => new ConfigError(field, `${file} is larger than ${maxBytes / 1024 / 1024} MB (${size}); refusing to read it`);
  if (st.size > maxBytes) throw tooBig(`${st.size} bytes`);
  let fd: number;
  try {
    // O_NONBLOCK: should the path have become a FIFO since the stat, opening it must not hang.
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw new ConfigError(field, `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    const now = fs.fstatSync(fd);
    if (!now.isFile()) throw new ConfigError(field, `${file} is ${kind(now)}, not a regular file`);
    const buf = Buffer.alloc(Math.min(now.size, maxBytes) + 1);
    let got = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, got, buf.length - got, null);
      if (n === 0) break;
      got += n;
      if (got > maxBytes) throw tooBig('still growing');
      if (got === buf.length) break;
    }
    const text = buf.subarray(0, got).toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } finally {
    fs.closeSync(fd);
  }
}

/** Read and check a config file. */
export function loadConfig(file: string): RootwatchConfig {
  const text = readInputFile(file, '--config');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConfigError('--config', `${file} is not valid JSON (${(err as Error).message.split('\n')[0]})`);
  }
  return checkConfig(data, path.dirname(path.resolve(file)));
}

/** https://docs.aws.amazon.com/organizations/latest/APIReference/API_Account.html: Name, length 1-50. */
const MAX_ACCOUNT_NAME = 50;

/** An `aws organizations list-accounts-for-parent --output json` export: { "Accounts": [...] }. */
export function readOrgExport(file: string, field: string): OrgAccount[] {
  let data: unknown;
  const text = readInputFile(file, field);
  try {
    data = JSON.parse(text);
  } catch {
    throw new ConfigError(field, `cannot read ${file} as JSON`);
  }
  const accounts = (data as { Accounts?: unknown } | null)?.Accounts;
  if (!Array.isArray(accounts)) throw new ConfigError(field, `${file} has no "Accounts" list (expected list-accounts-for-parent output)`);
  return accounts.map((a, i) => {
    const id = (a as { Id?: unknown } | null)?.Id;
    if (typeof id !== 'string' || !ACCOUNT_ID_PATTERN.test(id)) throw new ConfigError(`${field}: Accounts[${i}].Id`, 'must be 12 digits');
    const name = (a as { Name?: unknown }).Name;
    // AWS account names have at most 50 characters; a longer one is not an Organizations export.
    if (typeof name === 'string' && name.length > MAX_ACCOUNT_NAME) throw new ConfigError(`${field}: Accounts[${i}].Name`, `must be at most ${MAX_ACCOUNT_NAME} characters, as AWS account names are (got ${quote(name)})`);
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
