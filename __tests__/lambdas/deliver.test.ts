import { DeliveryError, parseRetryAfter, postJson } from '../../lambdas/deliver';
import { LoopbackServer, closedPortUrl, startServer } from './helpers';

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A recorded, instant sleep and a clock that the sleeps advance. */
function fakeTime() {
  const sleeps: number[] = [];
  let clock = 1_000_000;
  return {
    sleeps,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
  };
}

describe('postJson', () => {
  it('posts JSON once when the endpoint answers 2xx', async () => {
    server = await startServer(() => ({ status: 200, body: 'ok' }));
    const t = fakeTime();
    const res = await postJson(server.url, { text: 'hi', n: 1 }, { sleep: t.sleep });
    expect(res).toMatchObject({ status: 200, attempts: 1, body: 'ok' });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].method).toBe('POST');
    expect(server.requests[0].headers['content-type']).toBe('application/json');
    expect(JSON.parse(server.requests[0].body)).toEqual({ text: 'hi', n: 1 });
    expect(t.sleeps).toEqual([]);
  });

  it('honours Retry-After on 429', async () => {
    server = await startServer((n) => (n === 0 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 200 }));
    const t = fakeTime();
    const res = await postJson(server.url, {}, { sleep: t.sleep, now: t.now });
    expect(res.attempts).toBe(2);
    expect(t.sleeps).toEqual([2000]);
  });

  it('caps a long Retry-After', async () => {
    server = await startServer((n) => (n === 0 ? { status: 429, headers: { 'retry-after': '3600' } } : { status: 200 }));
    const t = fakeTime();
    await postJson(server.url, {}, { sleep: t.sleep, now: t.now, maxRetryAfterMs: 5000, totalBudgetMs: 60_000 });
    expect(t.sleeps).toEqual([5000]);
  });

  it('retries 5xx with growing backoff, then succeeds', async () => {
    server = await startServer((n) => (n < 2 ? { status: n === 0 ? 500 : 503 } : { status: 202 }));
    const t = fakeTime();
    const res = await postJson(server.url, {}, { sleep: t.sleep, now: t.now, random: () => 1, baseDelayMs: 100 });
    expect(res).toMatchObject({ status: 202, attempts: 3 });
    expect(t.sleeps).toEqual([100, 200]);
  });

  it('applies jitter within [half, full] of the backoff step', async () => {
    server = await startServer((n) => (n < 1 ? { status: 500 } : { status: 200 }));
    const t = fakeTime();
    await postJson(server.url, {}, { sleep: t.sleep, now: t.now, random: () => 0, baseDelayMs: 100 });
    expect(t.sleeps).toEqual([50]);
  });

  it('gives up after the attempt limit and throws a retryable DeliveryError', async () => {
    server = await startServer(() => ({ status: 500, body: 'boom' }));
    const t = fakeTime();
    const err = await postJson(server.url, {}, { sleep: t.sleep, now: t.now, maxAttempts: 4 }).catch((e) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ status: 500, attempts: 4, retryable: true });
    expect(server.requests).toHaveLength(4);
    expect(t.sleeps).toHaveLength(3);
  });

  it('does not retry other 4xx', async () => {
    server = await startServer(() => ({ status: 404, body: 'no_service' }));
    const t = fakeTime();
    const err = await postJson(server.url, {}, { sleep: t.sleep, label: 'slack' }).catch((e) => e);
    expect(err).toMatchObject({ name: 'DeliveryError', status: 404, attempts: 1, retryable: false });
    expect(err.message).toContain('no_service');
    expect(server.requests).toHaveLength(1);
  });

  it('times out a hanging endpoint on every attempt, then throws', async () => {
    server = await startServer(() => 'hang');
    const started = Date.now();
    const err = await postJson(server.url, {}, { timeoutMs: 150, maxAttempts: 3, sleep: async () => undefined }).catch((e) => e);
    expect(err).toMatchObject({ name: 'DeliveryError', status: null, attempts: 3 });
    expect(err.message).toContain('timeout after 150 ms');
    expect(server.requests).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('retries a refused connection and never puts the URL into the error', async () => {
    const url = await closedPortUrl();
    const err = await postJson(`${url}/T000/SECRETTOKEN`, {}, { sleep: async () => undefined }).catch((e) => e);
    expect(err).toMatchObject({ name: 'DeliveryError', status: null, attempts: 4 });
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.message).not.toContain('SECRETTOKEN');
    expect(err.message).not.toContain('127.0.0.1');
  });

  it('stops when the total time budget would be exceeded', async () => {
    server = await startServer(() => ({ status: 429, headers: { 'retry-after': '8' } }));
    const t = fakeTime();
    const err = await postJson(server.url, {}, { sleep: t.sleep, now: t.now, totalBudgetMs: 5000 }).catch((e) => e);
    expect(err).toMatchObject({ name: 'DeliveryError', attempts: 1, status: 429 });
    expect(t.sleeps).toEqual([]);
  });

  it('scrubs secrets echoed in the response', async () => {
    server = await startServer(() => ({ status: 400, body: 'invalid routing key R0UTING-KEY-123' }));
    const err = await postJson(server.url, {}, { redact: ['R0UTING-KEY-123'] }).catch((e) => e);
    expect(err.message).toContain('[redacted]');
    expect(err.message).not.toContain('R0UTING-KEY-123');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2024-05-01T10:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Wed, 01 May 2024 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
  });
});
