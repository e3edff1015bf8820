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
 * the URL, and any part of the strings listed in `redact` (any run of REDACT_MIN_RUN characters
 * or more, also URL-encoded) is scrubbed from response excerpts: a proxy error page that echoes
 * the webhook path or the token alone must not put it in the logs.
 *
 * The response body is read up to RESPONSE_BODY_MAX_BYTES and the rest discarded (a 100 MB body
 * would otherwise be held in a 128 MB Lambda). Once a 2xx status arrived the request was accepted:
 * a body that then stalls or breaks does not turn the delivery into a failure (a retry would
 * post the message twice, and a "rejected" verdict would be wrong).
 */
import { sleep as defaultSleep } from '../core/sleep';

export const DEFAULT_TIMEOUT_MS = 5000;
/** How much of a response body is read (the rest is discarded unread). */
export const RESPONSE_BODY_MAX_BYTES = 64 * 1024;
/** Shortest run of a secret's characters that is redacted wherever it appears. */
const REDACT_MIN_RUN = 6;
const DEFAULT_MAX_ATTEMPTS = 4;
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
  /** set when the body could not be read after a 2xx status (the request was still accepted) */
  bodyError?: string;
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


function isRetryableStatus(status: number): boolean {
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

/**
 * `text` with every run of at least `minRun` characters that also occurs in one of `secrets`
 * (as given, URL-encoded or URL-decoded) replaced by `[redacted]`. Short secrets (under `minRun`)
 * are redacted where they occur whole.
 */
export function redact(text: string, secrets: readonly string[], minRun = REDACT_MIN_RUN): string {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (!s) continue;
    forms.add(s);
    forms.add(encodeURIComponent(s));
    try {
      forms.add(decodeURIComponent(s));
    } catch {
      /* not encoded */
    }
  }
  const list = [...forms];
  const mask = new Array<boolean>(text.length).fill(false);
  for (const secret of list) {
    const run = Math.min(minRun, secret.length);
    // mark every position covered by a common substring of length >= run
    for (let i = 0; i + run <= text.length; i++) {
      const piece = text.slice(i, i + run);
      if (!secret.includes(piece)) continue;
      let j = i + run;
      while (j < text.length && secret.includes(text.slice(i, j + 1))) j++;
      for (let k = i; k < j; k++) mask[k] = true;
    }
  }
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (!mask[i]) out += text[i];
    else if (i === 0 || !mask[i - 1]) out += '[redacted]';
  }
  return out;
}

/** The first `max` bytes of a response body; the rest is discarded without being buffered. */
async function readCapped(res: Response, max: number): Promise<string> {
  const body = res.body as ReadableStream<Uint8Array> | null;
  if (!body || typeof body.getReader !== 'function') return (await res.text()).slice(0, max);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (total < max) {
      const { done, value } = await reader.read();
      if (done) break;
      const take = value.subarray(0, max - total);
      chunks.push(take);
      total += take.length;
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function postJson(url: string, body: unknown, opts: PostJsonOptions = {}): Promise<PostJsonResult> {
  const policy = retryPolicy(opts);
  const label = opts.label ?? 'endpoint';
  const payload = JSON.stringify(body);
  const started = policy.now();
  let failure: AttemptFailure = { status: null, retryAfterMs: null, last: '' };
  let attempt = 0;
  for (;;) {
    attempt++;
    const outcome = await attemptPost(url, payload, opts, policy, attempt, policy.budgetMs - (policy.now() - started));
    if ('result' in outcome) return outcome.result;
    failure = outcome;
    const { status, last } = failure;
    if (status !== null && !isRetryableStatus(status)) {
      throw new DeliveryError(`${label}: delivery rejected (${last}); not retried`, status, attempt, false);
    }
    if (attempt >= policy.maxAttempts) break;
    const delayMs = retryDelay(policy, attempt, failure.retryAfterMs);
    // give up when the wait plus a minimal next attempt would not fit in the budget
    const left = policy.budgetMs - (policy.now() - started);
    if (delayMs + Math.min(policy.timeoutMs, 1000) > left) break;
    opts.onRetry?.({ attempt, status, error: status === null ? last : null, delayMs });
    await policy.sleep(delayMs);
  }
  const elapsed = policy.now() - started;
  throw new DeliveryError(
    `${label}: delivery failed after ${attempt} ${attempt === 1 ? 'attempt' : 'attempts'} (${failure.last}; ${elapsed} ms)`,
    failure.status,
    attempt,
    true,
  );
}

/** The options with their defaults: limits, backoff and the injectable clock, randomness and fetch. */
interface RetryPolicy {
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly budgetMs: number;
  readonly baseDelay: number;
  readonly maxDelay: number;
  readonly maxRetryAfter: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly random: () => number;
  readonly fetch: typeof fetch;
}

function retryPolicy(opts: PostJsonOptions): RetryPolicy {
  return {
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxAttempts: Math.max(1, opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS),
    budgetMs: opts.totalBudgetMs ?? DEFAULT_TOTAL_BUDGET_MS,
    baseDelay: opts.baseDelayMs ?? 300,
    maxDelay: opts.maxDelayMs ?? 4000,
    maxRetryAfter: opts.maxRetryAfterMs ?? 10_000,
    sleep: opts.sleep ?? defaultSleep,
    now: opts.now ?? Date.now,
    random: opts.random ?? Math.random,
    fetch: opts.fetchImpl ?? fetch,
  };
}

/** A failed attempt: the HTTP status (null: no answer), a 429's Retry-After, and what went wrong. */
interface AttemptFailure {
  status: number | null;
  retryAfterMs: number | null;
  last: string;
}

/** One POST within `remaining` ms of the budget: the result on a 2xx, else why it failed. */
async function attemptPost(url: string, payload: string, opts: PostJsonOptions, policy: RetryPolicy, attempt: number, remaining: number): Promise<{ result: PostJsonResult } | AttemptFailure> {
  const secrets = opts.redact ?? [];
  const attemptTimeout = Math.max(1, Math.min(policy.timeoutMs, remaining));
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, attemptTimeout);
  let status: number | null = null;
  try {
    const doFetch = policy.fetch; // called unbound, as the global fetch expects
    const res = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...opts.headers },
      body: payload,
      signal: controller.signal,
    });
    status = res.status;
    let text = '';
    let bodyError: string | undefined;
    try {
      text = await readCapped(res, RESPONSE_BODY_MAX_BYTES);
    } catch (err) {
      bodyError = describeError(err, timedOut, attemptTimeout);
    }
    if (res.ok) {
      const result: PostJsonResult = { status, attempts: attempt, body: redact(text.slice(0, 2000), secrets) };
      if (bodyError) result.bodyError = bodyError;
      return { result };
    }
    const retryAfterMs = status === 429 ? parseRetryAfter(res.headers.get('retry-after'), policy.now()) : null;
    const excerpt = bodyError ? ` (body unreadable: ${bodyError})` : text ? `: ${redact(text.slice(0, 200), secrets).replace(/\s+/g, ' ')}` : '';
    return { status, retryAfterMs, last: `HTTP ${status}${excerpt}` };
  } catch (err) {
    return { status, retryAfterMs: null, last: describeError(err, timedOut, attemptTimeout) };
  } finally {
    clearTimeout(timer);
  }
}

/** Exponential backoff with equal jitter, or a 429's Retry-After (capped). */
function retryDelay(policy: RetryPolicy, attempt: number, retryAfterMs: number | null): number {
  const backoff = Math.min(policy.maxDelay, policy.baseDelay * 2 ** (attempt - 1)) * (0.5 + policy.random() / 2);
  return Math.round(retryAfterMs !== null ? Math.min(retryAfterMs, policy.maxRetryAfter) : backoff);
}
