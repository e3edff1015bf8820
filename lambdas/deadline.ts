/**
 * Bounds on awaits, so every call a Lambda makes ends before the function's own timeout: a call
 * that hangs (an SSM, SNS or DynamoDB endpoint that accepts the connection and never answers; the
 * SDK sets no timeout by default) then fails the invocation with a clear error the on-failure
 * destination and the logs keep, instead of Lambda killing it silently at its timeout.
 */

export class DeadlineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeadlineError';
  }
}

/**
 * Run `fn` with an AbortSignal that fires after `ms`; reject with DeadlineError at that moment even
 * when `fn` ignores the signal.
 */
export function withTimeout<T>(ms: number, label: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new DeadlineError(`${label}: no answer within ${Math.round(ms)} ms`));
    }, Math.max(1, ms));
  });
  let run: Promise<T>;
  try {
    run = fn(controller.signal);
  } catch (err) {
    run = Promise.reject(err);
  }
  run.catch(() => undefined); // a late rejection after the timeout is not unhandled
  return Promise.race([run, timeout]).finally(() => clearTimeout(timer));
}

/** The time an invocation has, and a per-call bound inside it. */
export class Deadline {
  /**
   * @param endMs epoch ms by which every call must have ended (the Lambda timeout minus a margin)
   * @param perCallMs the longest any single call may take
   */
  constructor(readonly endMs: number, readonly perCallMs: number, private readonly now: () => number = Date.now) {}

  /** From a Lambda context (`getRemainingTimeInMillis`), keeping `marginMs` for the handler to fail cleanly. */
  static fromContext(context: unknown, fallbackMs: number, perCallMs: number, marginMs = 2000, now: () => number = Date.now): Deadline {
    const remaining =
      typeof context === 'object' &&
      context !== null &&
      typeof (context as { getRemainingTimeInMillis?: unknown }).getRemainingTimeInMillis === 'function'
        ? Number((context as { getRemainingTimeInMillis: () => number }).getRemainingTimeInMillis())
        : NaN;
    const total = Number.isFinite(remaining) && remaining > 0 ? remaining : fallbackMs;
    return new Deadline(now() + total - marginMs, perCallMs, now);
  }

  /** ms left before the end (may be negative). */
  remaining(): number {
    return this.endMs - this.now();
  }

  /** Run one call bounded by min(perCallMs, what is left). */
  run<T>(label: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.runWithin(this.perCallMs, label, fn);
  }

  /** Run one call bounded by min(ms, what is left). */
  runWithin<T>(ms0: number, label: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const ms = Math.min(ms0, this.remaining());
    if (ms <= 0) return Promise.reject(new DeadlineError(`${label}: no time left before the function timeout`));
    return withTimeout(ms, label, fn);
  }
}
