/**
 * The notifier with declared expected-use windows (lambdas/expected-use.ts): root events in a
 * window are marked "expected: <reason> (by <who>)" and still published; the declaration and its
 * cancellation are announced from the table's stream; a 1,000-event burst in a window loses
 * nothing (each event is published, folded into a digest, or thrown for Lambda's failure queue).
 */
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { ExpectedUseWindow } from '../../core/expected-use';
import { ENV } from '../../core/lambda-contract';
import type { EventBridgeEvent, RootwatchAlert } from '../../core/types';
import { MemoryFoldStore } from '../../lambdas/fold';
import { handler } from '../../lambdas/handlers/notifier';
import { NotifierConfig, NotifierDeps, PublishRequest, handleNotifierInput, sweepDigests } from '../../lambdas/notifier';
import { renderPagerDuty, renderSlack } from '../../lambdas/format';
import { rootCall, ownFixture } from './helpers';

const LOGIN = 'arn:aws:sns:eu-west-1:111111111111:rootwatch-root-login';
const ACTIVITY = 'arn:aws:sns:eu-west-1:111111111111:rootwatch-root-activity';
const T0 = Date.parse('2024-05-01T10:00:00Z'); // the fixture's event time
const S0 = T0 / 1000;
const ACCOUNT = '111122223333';

const config: NotifierConfig = {
  loginTopicArn: LOGIN,
  activityTopicArn: ACTIVITY,
  windowSeconds: 0,
  namePrefix: 'rootwatch',
  assumedRoot: 'alert',
  accountNames: {},
  stateTable: null,
  expectedUseTable: 'rootwatch-expected-use',
  expectedUseSeverity: 'one-lower',
  coverageTable: null,
  heartbeatIntervalSeconds: 6 * 3600,
  coverageGraceSeconds: 48 * 3600,
};

const win = (over: Partial<ExpectedUseWindow> = {}): ExpectedUseWindow => ({
  declaredBy: 'AROAEXAMPLE:alice',
  windowId: `${S0 - 600}-aaaaaaaa`,
  account: ACCOUNT,
  reason: 'rotate bucket policy, CHG-123',
  declaredByArn: 'arn:aws:sts::111111111111:assumed-role/rootwatch-expect-declarer-20261130abcdef/alice',
  startsAt: S0 - 600,
  endsAt: S0 + 2 * 3600,
  ...over,
});

function harness(windows: ExpectedUseWindow[] | Error, opts: { fail?: (n: number) => boolean; store?: MemoryFoldStore; now?: number } = {}) {
  const requests: PublishRequest[] = [];
  const logs: Record<string, unknown>[] = [];
  let attempts = 0;
  let clock = opts.now ?? T0 + 60_000;
  const deps: NotifierDeps = {
    async publish(r) {
      attempts++;
      if (opts.fail?.(attempts)) throw new Error('SNS throttled');
      requests.push(r);
    },
    coverage: null,
    putStalePaths: async () => undefined,
    store: opts.store ?? null,
    now: () => clock,
    log: (e) => logs.push(e),
    sleep: async () => undefined,
    region: 'eu-west-1',
    expectedUse: {
      async windowsFor(account, nowSeconds) {
        if (windows instanceof Error) throw windows;
        return windows.filter((w) => w.account === account && w.endsAt > nowSeconds);
      },
    },
  };
  return { deps, requests, logs, alerts: () => requests.map((r) => JSON.parse(JSON.parse(r.Message).lambda) as RootwatchAlert), setNow: (ms: number) => (clock = ms) };
}

const event = (changes: Parameters<typeof rootCall>[0] = {}) => rootCall({ eventName: 'DeleteBucketPolicy', ...changes });

describe('marking root events of a declared window', () => {
  it('inside the window: published, marked expected (by who), one severity lower', async () => {
    const h = harness([win()]);
    await expect(handleNotifierInput(event(), config, h.deps)).resolves.toMatchObject({ action: 'published' });
    const [a] = h.alerts();
    expect(a.expected).toMatchObject({ reason: 'rotate bucket policy, CHG-123', by: win().declaredByArn, originalSeverity: 'high', overlapping: 0 });
    expect(a.severity).toBe('medium');
    expect(a.reason).toContain('expected: rotate bucket policy, CHG-123 (by arn:aws:sts::111111111111:assumed-role/rootwatch-expect-declarer-20261130abcdef/alice)');
    expect(h.requests[0].MessageAttributes.severity.StringValue).toBe('medium');
    // every channel shows the mark
    expect(JSON.parse(h.requests[0].Message).email).toContain('Expected:     expected: rotate bucket policy, CHG-123 (by arn:aws:sts::111111111111:assumed-role/rootwatch-expect-declarer-20261130abcdef/alice)');
    expect(JSON.stringify(renderSlack(a))).toContain('*Expected:* expected: rotate bucket policy, CHG-123');
    expect(renderPagerDuty(a, 'k').payload!.custom_details!.expected).toMatchObject({ reason: 'rotate bucket policy, CHG-123' });
  });

  it('before the window, after it (TTL not yet run), in another account, or cancelled: unmarked', async () => {
    for (const windows of [
      [win({ startsAt: S0 + 60 })],
      [win({ endsAt: S0 })],
      [win({ account: '999999999999' })],
      [win({ cancelledAt: S0 - 1 })],
      [],
    ]) {
      const h = harness(windows);
      await handleNotifierInput(event(), config, h.deps);
      expect(h.alerts()[0].expected).toBeUndefined();
      expect(h.alerts()[0].severity).toBe('high');
    }
  });

  it('the event time decides, not the delivery time; the end is compared by the notifier', async () => {
    const h = harness([win({ endsAt: S0 + 30 })], { now: T0 + 10 * 3600_000 });
    await handleNotifierInput(event(), config, h.deps);
    // delivered ten hours later: the lookup asked for windows ending after the event, and matched
    expect(h.alerts()[0].expected).toEqual({ reason: 'rotate bucket policy, CHG-123', by: 'arn:aws:sts::111111111111:assumed-role/rootwatch-expect-declarer-20261130abcdef/alice', windowId: `${S0 - 600}-aaaaaaaa`, endsAt: '2024-05-01T10:00:30.000Z', originalSeverity: 'high', overlapping: 0 });
  });

  it('overlapping windows: marked with the one ending last, the others counted', async () => {
    const h = harness([win(), win({ windowId: `${S0 - 60}-bbbbbbbb`, endsAt: S0 + 4 * 3600, reason: 'second', declaredBy: 'AROAEXAMPLE:bob', declaredByArn: undefined })]);
    await handleNotifierInput(event(), config, h.deps);
    expect(h.alerts()[0].expected).toMatchObject({ reason: 'second', by: 'AROAEXAMPLE:bob', overlapping: 1 });
  });

  it('a failed sign-in or one without MFA keeps its severity inside a window', async () => {
    const login = ownFixture<EventBridgeEvent>('root-api-call-synth.json');
    Object.assign(login, { source: 'aws.signin', 'detail-type': 'AWS Console Sign In via CloudTrail' });
    Object.assign(login.detail, {
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      eventType: 'AwsConsoleSignIn',
      additionalEventData: { MFAUsed: 'No' },
      responseElements: { ConsoleLogin: 'Success' },
    });
    const h = harness([win()]);
    await handleNotifierInput(login, config, h.deps);
    expect(h.requests[0].TopicArn).toBe(LOGIN);
    expect(h.alerts()[0]).toMatchObject({ severity: 'critical', expected: { originalSeverity: 'critical' } });
  });

  it("'unchanged' keeps severities; the mark stays", async () => {
    const h = harness([win()]);
    await handleNotifierInput(event(), { ...config, expectedUseSeverity: 'unchanged' }, h.deps);
    expect(h.alerts()[0]).toMatchObject({ severity: 'high', expected: { reason: 'rotate bucket policy, CHG-123' } });
  });

  it('a failing lookup never stops the alert: sent unmarked, with a warning', async () => {
    const h = harness(new Error('AccessDenied'));
    await expect(handleNotifierInput(event(), config, h.deps)).resolves.toMatchObject({ action: 'published' });
    expect(h.alerts()[0].expected).toBeUndefined();
    expect(h.logs.some((l) => l.level === 'warn' && /lookup failed/.test(String(l.msg)))).toBe(true);
  });
});

describe('1,000-event burst during a window', () => {
  const burst = () =>
    Array.from({ length: 1000 }, (_, i) => {
      const e = event({ eventID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, time: new Date(T0 + i * 1000).toISOString() });
      e.id = `burst-${i}`;
      return e;
    });

  it('without folding, with SNS failing every 7th call: every event is published or thrown to the failure path', async () => {
    const h = harness([win()], { fail: (n) => n % 7 === 0 });
    let thrown = 0;
    for (const e of burst()) {
      try {
        await handleNotifierInput(e, config, h.deps);
      } catch {
        thrown++; // Lambda retries, then the on-failure destination (SQS) keeps it
      }
    }
    expect(h.requests.length + thrown).toBe(1000);
    expect(thrown).toBe(Math.floor(1000 / 7));
    expect(h.alerts().every((a) => a.expected?.reason === 'rotate bucket policy, CHG-123')).toBe(true);
    expect(new Set(h.alerts().map((a) => a.facts.eventId)).size).toBe(h.requests.length);
  });

  it('with folding: one alert, 999 folded, and the digest counts all of them', async () => {
    const store = new MemoryFoldStore();
    const h = harness([win()], { store });
    const folding = { ...config, windowSeconds: 3600, stateTable: 'rootwatch-sessions' };
    const outcomes: Record<string, number> = {};
    for (const e of burst()) {
      const o = await handleNotifierInput(e, folding, h.deps);
      outcomes[o.action] = (outcomes[o.action] ?? 0) + 1;
    }
    expect(outcomes).toEqual({ published: 1, folded: 999 });
    h.setNow(T0 + 2 * 3600_000);
    await sweepDigests(folding, h.deps);
    const digests = h.alerts().filter((a) => a.digest);
    expect(digests.reduce((n, d) => n + d.digest!.count, 0)).toBe(999);
    expect(h.alerts()[0].expected).toEqual({ reason: 'rotate bucket policy, CHG-123', by: 'arn:aws:sts::111111111111:assumed-role/rootwatch-expect-declarer-20261130abcdef/alice', windowId: `${S0 - 600}-aaaaaaaa`, endsAt: '2024-05-01T12:00:00.000Z', originalSeverity: 'high', overlapping: 0 });
  });
});

describe('announcements from the table stream', () => {
  const image = (w: ExpectedUseWindow) => ({
    declaredBy: { S: w.declaredBy },
    windowId: { S: w.windowId },
    account: { S: w.account },
    reason: { S: w.reason },
    declaredByArn: { S: w.declaredByArn! },
    startsAt: { N: String(w.startsAt) },
    endsAt: { N: String(w.endsAt) },
    ...(w.cancelledAt !== undefined ? { cancelledAt: { N: String(w.cancelledAt) } } : {}),
  });
  const record = (eventName: string, newW?: ExpectedUseWindow, oldW?: ExpectedUseWindow) => ({
    eventSource: 'aws:dynamodb',
    eventName,
    dynamodb: { ...(newW ? { NewImage: image(newW) } : {}), ...(oldW ? { OldImage: image(oldW) } : {}) },
  });

  it('a declaration and a cancellation are announced on the activity topic; TTL removals are not', async () => {
    const h = harness([]);
    const w = win();
    const out = await handleNotifierInput(
      { Records: [record('INSERT', w), record('MODIFY', { ...w, cancelledAt: S0 }, w), record('REMOVE', undefined, w), record('MODIFY', w, w)] },
      config,
      h.deps,
    );
    expect(out).toEqual({ action: 'announced', count: 2 });
    expect(h.requests.map((r) => r.TopicArn)).toEqual([ACTIVITY, ACTIVITY]);
    const [declared, cancelled] = h.alerts();
    expect(declared.summary).toContain(`Expected root use declared for ${ACCOUNT}`);
    expect(declared.summary).toContain('by arn:aws:sts::111111111111:assumed-role/rootwatch-expect-declarer-20261130abcdef/alice: rotate bucket policy, CHG-123');
    expect(declared.facts).toMatchObject({ eventName: 'ExpectedUseDeclared', account: ACCOUNT });
    expect(cancelled.facts.eventName).toBe('ExpectedUseCancelled');
    expect(h.requests[0].Subject).toMatch(/^\[Rootwatch MEDIUM\] 111122223333: ExpectedUseDeclared/);
  });

  it('a failed publish throws, so the event source mapping retries and finally parks the batch', async () => {
    const h = harness([], { fail: () => true });
    await expect(handleNotifierInput({ Records: [record('INSERT', win())] }, config, h.deps)).rejects.toThrow(/throttled/);
  });
});

describe('through the real handler (aws-sdk-client-mock)', () => {
  const sns = mockClient(SNSClient);
  const ddb = mockClient(DynamoDBClient);
  beforeEach(() => {
    sns.reset();
    ddb.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    for (const k of Object.values(ENV)) delete process.env[k];
    process.env.AWS_REGION = 'eu-west-1';
    process.env[ENV.LOGIN_TOPIC_ARN] = LOGIN;
    process.env[ENV.ACTIVITY_TOPIC_ARN] = ACTIVITY;
    process.env[ENV.EXPECTED_USE_TABLE] = 'rootwatch-expected-use';
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('queries the account index for windows ending after the event and marks the alert', async () => {
    const w = win();
    ddb.on(QueryCommand).resolves({
      Items: [
        {
          declaredBy: { S: w.declaredBy },
          windowId: { S: w.windowId },
          account: { S: w.account },
          reason: { S: w.reason },
          startsAt: { N: String(w.startsAt) },
          endsAt: { N: String(w.endsAt) },
        },
      ],
    });
    jest.spyOn(Date, 'now').mockImplementation(() => T0 + 5000);
    await expect(handler(event())).resolves.toMatchObject({ action: 'published' });
    const q = ddb.commandCalls(QueryCommand)[0].args[0].input;
    expect(q).toMatchObject({ TableName: 'rootwatch-expected-use', IndexName: 'by-account', ExpressionAttributeValues: { ':a': { S: ACCOUNT }, ':now': { N: String(S0) } } });
    const a = JSON.parse(JSON.parse(sns.commandCalls(PublishCommand)[0].args[0].input.Message!).lambda) as RootwatchAlert;
    expect(a.expected?.by).toBe('AROAEXAMPLE:alice');
  });
});

describe('digests', () => {
  it('a digest says its verdict and mark are those of the latest folded event', async () => {
    const store = new MemoryFoldStore();
    const h = harness([win()], { store });
    const folding = { ...config, windowSeconds: 3600, stateTable: 'rootwatch-sessions' };
    for (let i = 0; i < 3; i++) {
      const e = event({ eventID: `00000000-0000-4000-8000-00000000000${i}` });
      e.id = `digest-${i}`;
      await handleNotifierInput(e, folding, h.deps);
    }
    h.setNow(T0 + 2 * 3600_000);
    await sweepDigests(folding, h.deps);
    const digest = h.requests.find((r) => JSON.parse(JSON.parse(r.Message).lambda).digest)!;
    const email = JSON.parse(digest.Message).email as string;
    expect(email).toMatch(/Root task: .* \(latest event\)/);
    expect(email).toMatch(/Expected: +expected: rotate bucket policy, CHG-123 .*\(latest event\)/);
  });
});
