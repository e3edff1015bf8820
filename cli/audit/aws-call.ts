/**
 * Calling AWS for the audit: every call goes through `AwsCaller.send`, which
 * - retries throttled calls a bounded number of times (on top of the SDK's own standard retry),
 * - turns access denied into `AccessDeniedError` naming the IAM action that is missing,
 * - turns missing/expired/invalid credentials and a missing region into `AuditAbort` (exit 2).
 * No SDK import here: the command objects are built by the caller.
 */

/** Every SDK operation the audit calls, with the IAM action that allows it. */
export const IAM_ACTIONS = {
  GetCallerIdentity: 'sts:GetCallerIdentity',
  GetAccountSummary: 'iam:GetAccountSummary',
  GenerateCredentialReport: 'iam:GenerateCredentialReport',
  GetCredentialReport: 'iam:GetCredentialReport',
  GetAccountPasswordPolicy: 'iam:GetAccountPasswordPolicy',
  GetAlternateContact: 'account:GetAlternateContact',
  DescribeTrails: 'cloudtrail:DescribeTrails',
  GetTrailStatus: 'cloudtrail:GetTrailStatus',
  DescribeOrganization: 'organizations:DescribeOrganization',
  ListParents: 'organizations:ListParents',
  ListPoliciesForTarget: 'organizations:ListPoliciesForTarget',
  DescribePolicy: 'organizations:DescribePolicy',
} as const;

export type Operation = keyof typeof IAM_ACTIONS;

/** The audit cannot go on (credentials, region, usage): one line, exit 2. */
export class AuditAbort extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditAbort';
  }
}

/** A call was denied; `action` is the IAM action to grant. */
export class AccessDeniedError extends Error {
  constructor(
    readonly action: string,
    readonly principal: string | undefined,
    readonly operation: Operation,
  ) {
    super(`access denied: ${action} is not allowed for ${principal ?? 'the current credentials'}`);
    this.name = 'AccessDeniedError';
  }
}

/** Any other failure of a call, with the operation named. */
export class AwsCallError extends Error {
  constructor(
    readonly operation: Operation,
    readonly code: string,
    message: string,
  ) {
    super(`${operation} failed: ${code}: ${message}`);
    this.name = 'AwsCallError';
  }
}

const THROTTLE_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'PriorRequestNotComplete',
]);

const ACCESS_DENIED_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'AuthorizationError',
  'AuthorizationErrorException',
  'NotAuthorized',
]);

const CREDENTIAL_CODES = new Set([
  'CredentialsProviderError',
  'TokenProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'InvalidAccessKeyId',
  'MissingAuthenticationToken',
  'IncompleteSignature',
  'RequestExpired',
]);

export type ErrorKind = 'throttle' | 'access-denied' | 'credentials' | 'region' | 'other';

/** The error code of an SDK error (`name` for SDK v3, `Code`/`code` for raw shapes). */
export function errorCode(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { name?: unknown; Code?: unknown; code?: unknown };
    for (const v of [e.name, e.Code, e.code]) {
      if (typeof v === 'string' && v && v !== 'Error') return v;
    }
    if (typeof e.name === 'string') return e.name;
  }
  return 'Error';
}

export function errorMessage(err: unknown): string {
  if (err && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string') {
    return oneLine((err as { message: string }).message);
  }
  return oneLine(String(err));
}

/** First non-empty line, trimmed, at most 300 characters. */
export function oneLine(text: string): string {
  const first = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l.length > 0) ?? '';
  return first.length > 300 ? `${first.slice(0, 297)}...` : first;
}

export function classifyError(err: unknown): ErrorKind {
  const code = errorCode(err);
  if (THROTTLE_CODES.has(code)) return 'throttle';
  if (ACCESS_DENIED_CODES.has(code)) return 'access-denied';
  if (CREDENTIAL_CODES.has(code)) return 'credentials';
  if (/^Region is missing/i.test(errorMessage(err))) return 'region';
  return 'other';
}

/** True when `err` has one of the given error codes. */
export function isErrorCode(err: unknown, ...codes: string[]): boolean {
  if (err instanceof AwsCallError) return codes.includes(err.code);
  return codes.includes(errorCode(err));
}

export interface Sendable {
  send(command: never): Promise<unknown>;
}

export interface AwsCallerOptions {
  throttleAttempts: number;
  sleep: (ms: number) => Promise<void>;
}

/** Backoff before retry `attempt` (1-based) of a throttled call: 250 ms doubling, capped at 4 s. */
function throttleBackoffMs(attempt: number): number {
  return Math.min(250 * 2 ** (attempt - 1), 4000);
}

export class AwsCaller {
  /** caller ARN, for access-denied messages; set once GetCallerIdentity answered */
  principal: string | undefined;

  constructor(private readonly opts: AwsCallerOptions) {}

  async send<O>(client: Sendable, operation: Operation, command: object): Promise<O> {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await (client.send as (c: object) => Promise<unknown>).call(client, command)) as O;
      } catch (err) {
        const kind = classifyError(err);
        if (kind === 'throttle' && attempt < this.opts.throttleAttempts) {
          await this.opts.sleep(throttleBackoffMs(attempt));
          continue;
        }
        throw this.translate(err, kind, operation, attempt);
      }
    }
  }

  private translate(err: unknown, kind: ErrorKind, operation: Operation, attempt: number): Error {
    switch (kind) {
      case 'access-denied':
        return new AccessDeniedError(IAM_ACTIONS[operation], this.principal, operation);
      case 'credentials':
        return new AuditAbort(`no usable AWS credentials (${errorCode(err)}): ${errorMessage(err)}`);
      case 'region':
        return new AuditAbort('no AWS region: pass --region or set AWS_REGION');
      case 'throttle':
        return new AwsCallError(operation, errorCode(err), `still throttled after ${attempt} attempts`);
      default:
        return new AwsCallError(operation, errorCode(err), errorMessage(err));
    }
  }
}
