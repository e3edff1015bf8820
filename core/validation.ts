/**
 * The one owner of the input patterns and of the error style of construct props
 * (`Construct.prop: message`). Constructs, the config loader, the CLI and the Lambdas test values
 * with these; the JSON Schema and the emitted modules' `validation` blocks use the same sources
 * (`.source`), and __tests__/core/validation.test.ts proves the schema's copies equal them.
 */

/** A 12-digit AWS account ID. */
export const ACCOUNT_ID_PATTERN = /^[0-9]{12}$/;
/** A region code: us-east-1, ap-southeast-5, us-gov-west-1, eu-central-2 … */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$/;

/** An error in the one style: `Owner.prop: message` (owner omitted when empty). */
function propError(owner: string, prop: string, message: string): Error {
  return new Error(`${owner ? `${owner}.` : ''}${prop}: ${message}`);
}

/**
 * Throws unless `v` is an integer in [min, max]. `isToken` tells a value only known to Terraform
 * (a module variable: its own validation block checks it) and skips the check.
 */
export function checkInt(owner: string, prop: string, v: number, min: number, max: number, opts: { extra?: string; isToken?: (v: unknown) => boolean } = {}): void {
  if (opts.isToken?.(v)) return;
  if (!Number.isInteger(v) || v < min || v > max) throw propError(owner, prop, `must be an integer from ${min} to ${max}${opts.extra ?? ''}, not ${v}`);
}
