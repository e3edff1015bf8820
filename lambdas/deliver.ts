/**
 * POST a JSON body with bounded retries (Node's global fetch, no dependencies).
 *
 * - each attempt has its own timeout (AbortController), also cut to the remaining total budget;
 * - 408, 429 and 5xx, network errors and timeouts are retried with exponential backoff and equal
 *   jitter; a 429's Retry-After (seconds or HTTP date) is honoured, capped;
 * - other 4xx are not retried (the request itself is wrong: bad routing key, revoked webhook);
 * - attempts and total time are bounded; when they run out, or on a non-retryable answer, it
 *   throws a DeliveryError so the Lambda invocation fails and the event reaches the on-failure
 *   destination instead of vanishing.
 *
 * URLs may be secrets (a Slack webhook URL is one): errors and retry reports name `label`, never
 * the URL, and strings listed in `redact` are scrubbed from response excerpts.
 */

export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_ATTEMPTS = 4;
/** Well under the alerter Lambdas' timeout (30 s is the recommended setting). */
export const DEFAULT_TOTAL_BUDGET_MS = 20_000;

export interface RetryInfo {
  /** the attempt that failed (1-based) */
  attempt: number;
  status: number | null;
  error: string | null;
  delayMs: number;
}

export interface PostJsonOptions {
  /** per-attempt timeout @default DEFAULT_TIMEOUT_MS */
  readonly timeoutMs?: number;
  /** @default DEFAULT_MAX_ATTEMPTS */
  readonly maxAttempts?: number;
  /** total time for all attempts and waits @default DEFAULT_TOTAL_BUDGET_MS */
  readonly totalBudgetMs?: number;
  /** first backoff step @default 300 */
  readonly baseDelayMs?: number;
  /** largest backoff step @default 4000 */
  readonly maxDelayMs?: number;
  /** largest honoured Retry-After @default 10000 */
  readonly maxRetryAfterMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** names the destination in errors and logs (never the URL) @default 'endpoint' */
  readonly label?: string;
  /** secrets to scrub from error texts */
  readonly redact?: readonly string[];
  readonly onRetry?: (info: RetryInfo) => void;
  // injectable for tests
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly fetchImpl?: typeof fetch;
}

export interface PostJsonResult {
  status: number;
  attempts: number;
  /** response body (at most 2,000 characters) */
  body: string;
}

export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly attempts: number,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Retry-After in ms (delta seconds or an HTTP date), or null when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

function describeError(err: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `timeout after ${timeoutMs} ms`;
  const e = err as { name?: unknown; code?: unknown; cause?: { code?: unknown; name?: unknown } } | null;
  const name = typeof e?.name === 'string' ? e.name : 'Error';
  const code = typeof e?.cause?.code === 'string' ? e.cause.code : typeof e?.code === 'string' ? e.code : null;
  // never the error message: fetch puts the URL into some of them
  return code ? `${name} ${code}` : name;
}

function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('[redacted]');
  return out;
}

export async function postJson(url: string, body: unknown, opts: PostJsonOptions = {}): Promise<PostJsonResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxAttempts = Math.max(1, opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  const budgetMs = opts.totalBudgetMs ?? DEFAULT_TOTAL_BUDGET_MS;
  const baseDelay = opts.baseDelayMs ?? 300;
  const maxDelay = opts.maxDelayMs ?? 4000;
  const maxRetryAfter = opts.maxRetryAfterMs ?? 10_000;
  const sleep = opts.sleep ?? defaultSleep;
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  const doFetch = opts.fetchImpl ?? fetch;
  const label = opts.label ?? 'endpoint';
  const redact = opts.redact ?? [];
  const payload = JSON.stringify(body);
  const started = now();

  let last = '';
  let lastStatus: number | null = null;
  let attempt = 0;
  for (;;) {
    attempt++;
    const remaining = budgetMs - (now() - started);
    const attemptTimeout = Math.max(1, Math.min(timeoutMs, remaining));
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, attemptTimeout);
    let status: number | null = null;
    let retryAfterMs: number | null = null;
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...opts.headers },
        body: payload,
        signal: controller.signal,
      });
      status = res.status;
      const text = await res.text();
      if (res.ok) return { status, attempts: attempt, body: text.slice(0, 2000) };
      retryAfterMs = status === 429 ? parseRetryAfter(res.headers.get('retry-after'), now()) : null;
      last = `HTTP ${status}${text ? `: ${scrub(text.slice(0, 200), redact).replace(/\s+/g, ' ')}` : ''}`;
    } catch (err) {
      last = describeError(err, timedOut, attemptTimeout);
    } finally {
      clearTimeout(timer);
    }
    lastStatus = status;

    const retryable = status === null || isRetryableStatus(status);
    if (!retryable) {
      throw new DeliveryError(`${label}: delivery rejected (${last}); not retried`, status, attempt, false);
    }
    if (attempt >= maxAttempts) break;
    const backoff = Math.min(maxDelay, baseDelay * 2 ** (attempt - 1)) * (0.5 + random() / 2);
    const delayMs = Math.round(retryAfterMs !== null ? Math.min(retryAfterMs, maxRetryAfter) : backoff);
    // give up when the wait plus a minimal next attempt would not fit in the budget
    const left = budgetMs - (now() - started);
    if (delayMs + Math.min(timeoutMs, 1000) > left) break;
    opts.onRetry?.({ attempt, status, error: status === null ? last : null, delayMs });
    await sleep(delayMs);
  }
  const elapsed = now() - started;
  throw new DeliveryError(
    `${label}: delivery failed after ${attempt} ${attempt === 1 ? 'attempt' : 'attempts'} (${last}; ${elapsed} ms)`,
    lastStatus,
    attempt,
    true,
  );
}
