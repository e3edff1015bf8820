/**
 * The one owner of the input patterns and of the error style of construct props
 * (`Construct.prop: message`). Constructs, the config loader, the CLI and the Lambdas test values
 * with these; the JSON Schema and the emitted modules' `validation` blocks use the same sources
 * (`.source`), and __tests__/core/schema-owners.test.ts proves the schema's copies equal them.
 */
/** A 12-digit AWS account ID. */
export const ACCOUNT_ID_PATTERN = /^[0-9]{12}$/;
/** A region code: us-east-1, ap-southeast-5, us-gov-west-1, eu-central-2 … */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$/;
/**
 * rootwatch's own name prefix: part of every resource name (S3 buckets included: lowercase), at
 * most NAME_PREFIX_MAX_LENGTH (core/limits.ts: the longest prefix every generated name still fits;
 * a literal here so the Lambda bundles do not carry the limits table; the schema-owners test ties them).
 */
export const NAME_PREFIX_PATTERN = /^[a-z][a-z0-9-]{0,20}$/;

/**
 * The retention values CloudWatch Logs accepts, 0 meaning never expire (Terraform's
 * `retention_in_days`): https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
 */
export const LOG_RETENTION_DAYS: readonly number[] = [
  0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** An error in the one style: `Owner.prop: message` (owner omitted when empty). */
function propError(owner: string, prop: string, message: string): Error {
  return new Error(`${owner ? `${owner}.` : ''}${prop}: ${message}`);
}

/**
 * Throws unless `v` is an integer in [min, max]. `isToken` tells a value only known to Terraform
 * (a module variable: its own validation block checks it) and skips the check.
 */
function checkInt(owner: string, prop: string, v: number, min: number, max: number, opts: { extra?: string; isToken?: (v: unknown) => boolean } = {}): void {
  if (opts.isToken?.(v)) return;
  if (!Number.isInteger(v) || v < min || v > max) throw propError(owner, prop, `must be an integer from ${min} to ${max}${opts.extra ?? ''}, not ${v}`);
}

/** The longest prefix NAME_PREFIX_PATTERN admits (its first letter and `{0,n}`), for messages; equals core/limits.ts NAME_PREFIX_MAX_LENGTH. */
function namePrefixMaxLength(): number {
  return Number(/\{0,(\d+)\}/.exec(NAME_PREFIX_PATTERN.source)![1]) + 1;
}

/** Tells a value only known to Terraform (cdktf's `Token.isUnresolved`; core never imports cdktf). */
type IsToken = (v: unknown) => boolean;

/**
 * The checks of one owner (a construct), in the one error style `Owner.prop: message`. Values the
 * owner's `isToken` recognises (module variables) are left to their own validation blocks.
 */
export interface PropChecks {
  /** The error `Owner.prop: message`, for checks no helper here states. */
  error(prop: string, message: string): Error;
  int(prop: string, v: number, min: number, max: number, extra?: string): void;
  /** A string matching `pattern`; `what` completes "must be …". */
  pattern(prop: string, v: unknown, pattern: RegExp, what: string): void;
  oneOf<T>(prop: string, v: T, allowed: readonly T[]): void;
  /** Absent, or a string that is not blank. */
  nonEmpty(prop: string, v: string | undefined): void;
  /** No value is listed twice (each value once, literal or not). */
  unique<T>(prop: string, values: readonly T[]): void;
  accountId(prop: string, v: unknown): void;
  region(prop: string, v: unknown): void;
  namePrefix(prop: string, v: unknown): void;
  logRetention(prop: string, v: number): void;
}

export function propChecks(owner: string, isToken: IsToken = () => false): PropChecks {
  const error = (prop: string, message: string): Error => propError(owner, prop, message);
  const pattern = (prop: string, v: unknown, re: RegExp, what: string): void => {
    if (isToken(v)) return;
    if (typeof v !== 'string' || !re.test(v)) throw error(prop, `must be ${what}, not ${JSON.stringify(v)}`);
  };
  return {
    error,
    int: (prop, v, min, max, extra) => checkInt(owner, prop, v, min, max, { isToken, ...(extra ? { extra } : {}) }),
    pattern,
    oneOf: (prop, v, allowed) => {
      if (!isToken(v) && !allowed.includes(v)) throw error(prop, `must be one of ${allowed.join(', ')}, not ${String(v)}`);
    },
    nonEmpty: (prop, v) => {
      if (v !== undefined && !isToken(v) && v.trim() === '') throw error(prop, 'must not be empty');
    },
    unique: (prop, values) => {
      const twice = values.find((v, i) => !isToken(v) && values.indexOf(v) !== i);
      if (twice !== undefined) throw error(prop, `${String(twice)} is listed twice`);
    },
    accountId: (prop, v) => pattern(prop, v, ACCOUNT_ID_PATTERN, 'a 12-digit account ID'),
    region: (prop, v) => pattern(prop, v, REGION_PATTERN, 'a region code such as us-east-1'),
    namePrefix: (prop, v) => pattern(prop, v, NAME_PREFIX_PATTERN, `1-${namePrefixMaxLength()} lowercase letters, digits and dashes, starting with a letter`),
    logRetention: (prop, v) => {
      if (!isToken(v) && !LOG_RETENTION_DAYS.includes(v)) throw error(prop, `must be one of ${LOG_RETENTION_DAYS.join(', ')}, not ${v}`);
    },
  };
}
