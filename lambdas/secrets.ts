/**
 * Secrets (Slack webhook URL, PagerDuty routing key) come from SSM Parameter Store SecureStrings,
 * read with decryption and cached per Lambda container. Only the parameter NAME is configured (env
 * var); the value is never put in environment variables or logs.
 *
 * The cache expires after `ttlMs` so a rotated secret is picked up without a redeploy, and callers
 * `invalidate` it when the endpoint rejects the secret (4xx) so the next invocation re-reads it.
 */
import type { SSMClient } from '@aws-sdk/client-ssm';
import { withTimeout } from './deadline';

const SECRET_CACHE_TTL_MS = 5 * 60 * 1000;
/**
 * The longest one GetParameter may take (the SDK sets no timeout: a hanging endpoint was still
 * pending after 65 s, past the alerters' 60 s Lambda timeout). Well below it, so the invocation
 * fails with a clear error and Lambda retries.
 */
const SECRET_READ_TIMEOUT_MS = 5000;

export interface SecretReader {
  /** @param timeoutMs bound of this read @default the reader's readTimeoutMs */
  get(parameterName: string, timeoutMs?: number): Promise<string>;
  invalidate(parameterName?: string): void;
}

export interface SecretReaderOptions {
  /** @default SECRET_CACHE_TTL_MS */
  readonly ttlMs?: number;
  readonly now?: () => number;
  /** @default SECRET_READ_TIMEOUT_MS */
  readonly readTimeoutMs?: number;
}

/**
 * `client` may be a function that makes the client on first use: the SDK module then loads only
 * when a secret is first needed, not when the Lambda container starts.
 */
export function createSecretReader(client: SSMClient | (() => Promise<SSMClient>), options: SecretReaderOptions = {}): SecretReader {
  const ttlMs = options.ttlMs ?? SECRET_CACHE_TTL_MS;
  const now = options.now ?? Date.now;
  const readTimeoutMs = options.readTimeoutMs ?? SECRET_READ_TIMEOUT_MS;
  const cache = new Map<string, { value: Promise<string>; at: number }>();

  function load(name: string, timeoutMs: number): Promise<string> {
    // the module load, the client and the call, all inside one bound
    return withTimeout(timeoutMs, `SSM GetParameter ${name}`, async (abortSignal) => {
      const { GetParameterCommand } = await import('@aws-sdk/client-ssm');
      const ssm = typeof client === 'function' ? await client() : client;
      const out = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }), { abortSignal });
      const value = out.Parameter?.Value?.trim();
      if (!value) throw new Error(`SSM parameter ${name} has no value`);
      return value;
    });
  }

  return {
    get(name: string, timeoutMs?: number): Promise<string> {
      if (!name) return Promise.reject(new Error('no SSM parameter name configured'));
      const hit = cache.get(name);
      if (hit && now() - hit.at < ttlMs) return hit.value;
      const value = load(name, Math.min(readTimeoutMs, timeoutMs ?? readTimeoutMs));
      cache.set(name, { value, at: now() });
      // a failed read is not cached
      value.catch(() => {
        if (cache.get(name)?.value === value) cache.delete(name);
      });
      return value;
    },
    invalidate(name?: string): void {
      if (name === undefined) cache.clear();
      else cache.delete(name);
    },
  };
}
