/**
 * Expected-use window logic (core/expected-use.ts) with an injected clock: before, inside, after,
 * another account, cancelled, overlapping windows; severity inside a window; durations.
 */
import { ExpectedUseWindow, coveringWindow, expectedSeverity, parseDuration, windowCovers, windowFromImage } from '../../core/expected-use';

const T0 = 1_800_000_000; // epoch seconds, the declaration
const H = 3600;
const win = (over: Partial<ExpectedUseWindow> = {}): ExpectedUseWindow => ({
  declaredBy: 'AROAEXAMPLE:alice',
  windowId: `${T0}-aaaaaaaa`,
  account: '222222222222',
  reason: 'close account, CHG-123',
  declaredByArn: 'arn:aws:sts::111111111111:assumed-role/rootwatch-expect-declarer-20261130abcdef/alice',
  startsAt: T0,
  endsAt: T0 + 2 * H,
  ...over,
});

describe('windowCovers / coveringWindow (injected clock)', () => {
  const w = win();
  it.each([
    ['one second before the start', T0 - 1, false],
    ['at the start', T0, true],
    ['inside', T0 + H, true],
    ['the last second', T0 + 2 * H - 1, true],
    ['at the end (TTL has not deleted the item yet)', T0 + 2 * H, false],
    ['a day after', T0 + 26 * H, false],
  ])('%s', (_name, t, covered) => {
    expect(windowCovers(w, '222222222222', t)).toBe(covered);
    expect(coveringWindow([w], '222222222222', t) !== null).toBe(covered);
  });

  it('another account is never covered', () => {
    expect(windowCovers(w, '333333333333', T0 + H)).toBe(false);
    expect(coveringWindow([w], '333333333333', T0 + H)).toBeNull();
  });

  it('a cancelled window ends at its cancellation', () => {
    const c = win({ cancelledAt: T0 + H });
    expect(windowCovers(c, '222222222222', T0 + H - 1)).toBe(true);
    expect(windowCovers(c, '222222222222', T0 + H)).toBe(false);
    expect(windowCovers(win({ cancelledAt: T0 - 10 }), '222222222222', T0 + 1)).toBe(false);
  });

  it('overlapping windows: the one ending last wins, the others are counted', () => {
    const a = win({ windowId: `${T0}-aaaaaaaa`, endsAt: T0 + 2 * H, reason: 'A' });
    const b = win({ windowId: `${T0 + 600}-bbbbbbbb`, startsAt: T0 + 600, endsAt: T0 + 4 * H, reason: 'B', declaredBy: 'AROAEXAMPLE:bob' });
    const other = win({ windowId: `${T0}-cccccccc`, account: '333333333333', endsAt: T0 + 8 * H, reason: 'C' });
    expect(coveringWindow([a, b, other], '222222222222', T0 + 300)).toEqual({ window: a, overlapping: 0 });
    expect(coveringWindow([a, b, other], '222222222222', T0 + H)).toEqual({ window: b, overlapping: 1 });
    expect(coveringWindow([a, b, other], '222222222222', T0 + 3 * H)).toEqual({ window: b, overlapping: 0 });
    // same end: the smaller id wins, whatever the input order
    const b2 = win({ windowId: `${T0}-00000000`, endsAt: T0 + 2 * H });
    expect(coveringWindow([a, b2], '222222222222', T0 + 1)!.window.windowId).toBe(`${T0}-00000000`);
    expect(coveringWindow([b2, a], '222222222222', T0 + 1)!.window.windowId).toBe(`${T0}-00000000`);
  });

  it('malformed windows cover nothing', () => {
    expect(windowCovers(win({ startsAt: NaN }), '222222222222', T0 + 1)).toBe(false);
    expect(windowCovers(null as unknown as ExpectedUseWindow, '222222222222', T0 + 1)).toBe(false);
  });
});

describe('expectedSeverity', () => {
  const api = { eventSource: 'iam.amazonaws.com', eventName: 'DeleteAccessKey', mfaUsed: true, outcome: 'success' as const };
  it('one level lower by default', () => {
    expect(expectedSeverity('critical', api)).toBe('high');
    expect(expectedSeverity('high', api)).toBe('medium');
    expect(expectedSeverity('medium', api)).toBe('low');
    expect(expectedSeverity('low', api)).toBe('low');
  });
  it('unchanged for sign-ins without MFA (or MFA not recorded) and for failures', () => {
    const login = { eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', outcome: 'success' as const };
    expect(expectedSeverity('critical', { ...login, mfaUsed: false })).toBe('critical');
    expect(expectedSeverity('critical', { ...login, mfaUsed: null })).toBe('critical');
    expect(expectedSeverity('high', { ...login, mfaUsed: true })).toBe('medium');
    expect(expectedSeverity('critical', { ...api, outcome: 'failure' })).toBe('critical');
  });
  it("unchanged when the config says 'unchanged'", () => {
    expect(expectedSeverity('high', api, 'unchanged')).toBe('high');
  });
});

describe('parseDuration', () => {
  it.each([
    ['2h', 7200],
    ['90m', 5400],
    ['1h30m', 5400],
    ['8h', 28800],
  ])('%s -> %i s', (text, s) => expect(parseDuration(text)).toBe(s));
  it.each(['', '0h', '2', 'h', '2d', '-1h', '1.5h', 'two hours'])('%j is refused', (text) => expect(parseDuration(text)).toBeNull());
});

describe('windowFromImage', () => {
  it('reads a DynamoDB image and refuses incomplete ones', () => {
    const image = {
      declaredBy: { S: 'AROA:alice' },
      windowId: { S: 'w1' },
      account: { S: '222222222222' },
      reason: { S: 'CHG-1' },
      startsAt: { N: '10' },
      endsAt: { N: '20' },
      cancelledAt: { N: '15' },
    };
    expect(windowFromImage(image)).toEqual({ declaredBy: 'AROA:alice', windowId: 'w1', account: '222222222222', reason: 'CHG-1', startsAt: 10, endsAt: 20, cancelledAt: 15 });
    expect(windowFromImage({ ...image, endsAt: { S: 'x' } })).toBeNull();
    expect(windowFromImage(undefined)).toBeNull();
  });
});
