import * as fs from 'fs';
import * as path from 'path';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { DIGEST_SWEEP_SOURCE, ENV } from '../../core/lambda-contract';
import type { EventBridgeEvent, RootwatchAlert } from '../../core/types';
import { MemoryFoldStore } from '../../lambdas/fold';
import { handler } from '../../lambdas/handlers/notifier';
import { NotifierConfig, NotifierDeps, PublishRequest, handleNotifierInput } from '../../lambdas/notifier';
import { FakeTable } from './fake-dynamo';
import { ownFixture, rootCall, sessionEvent as helperSessionEvent, sharedFixtures } from './helpers';

const sns = mockClient(SNSClient);
const cw = mockClient(CloudWatchClient);
const ddb = mockClient(DynamoDBClient);

const LOGIN_TOPIC = 'arn:aws:sns:us-east-1:444455556666:rootwatch-login';
const ACTIVITY_TOPIC = 'arn:aws:sns:us-east-1:444455556666:rootwatch-activity';
const TABLE = 'rootwatch-fold-state';
const T0 = Date.parse('2024-05-01T10:00:00Z');
const WINDOW = 600;

let clock = T0;
let table: FakeTable;
const SWEEP = { version: '0', source: DIGEST_SWEEP_SOURCE, 'detail-type': 'Scheduled Event', detail: {} };

function setEnv(fold: boolean) {
  for (const k of Object.values(ENV)) delete process.env[k];
  process.env.AWS_REGION = 'us-east-1';
  process.env[ENV.LOGIN_TOPIC_ARN] = LOGIN_TOPIC;
  process.env[ENV.ACTIVITY_TOPIC_ARN] = ACTIVITY_TOPIC;
  process.env[ENV.NAME_PREFIX] = 'rootwatch';
  process.env[ENV.ACCOUNT_NAMES] = JSON.stringify({ '111122223333': 'Production' });
  if (fold) {
    process.env[ENV.STATE_TABLE] = TABLE;
    process.env[ENV.FOLD_WINDOW_SECONDS] = String(WINDOW);
  }
}

beforeEach(() => {
  sns.reset();
  cw.reset();
  ddb.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
  cw.on(PutMetricDataCommand).resolves({});
  table = new FakeTable();
  table.attach(ddb);
  clock = T0;
  jest.spyOn(Date, 'now').mockImplementation(() => clock);
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  setEnv(false);
});
afterEach(() => jest.restoreAllMocks());

const published = () => sns.commandCalls(PublishCommand).map((c) => c.args[0].input as PublishRequest);
const lambdaAlert = (req: PublishRequest) => JSON.parse(JSON.parse(req.Message).lambda) as RootwatchAlert;

const sessionEvent = (eventName?: string, eventSource?: string) => helperSessionEvent(eventName, { eventSource });

describe('notifier handler: one event', () => {
  it('publishes a root sign-in to the login topic as a MessageStructure json message', async () => {
    const fixtures = sharedFixtures();
    const event = fixtures ? fixtures.find((f) => f.file.startsWith('01-'))!.event : ownFixture('root-api-call-synth.json');
    await expect(handler(event)).resolves.toMatchObject({ action: 'published' });
    const [req] = published();
    expect(published()).toHaveLength(1);
    expect(req.TopicArn).toBe(fixtures ? LOGIN_TOPIC : ACTIVITY_TOPIC);
    expect(req.MessageStructure).toBe('json');
    expect(req.Subject.length).toBeLessThanOrEqual(100);
    expect(req.Subject).toMatch(/^[\x20-\x7e]+$/);
    const message = JSON.parse(req.Message);
    expect(Object.keys(message).sort()).toEqual(['default', 'email', 'https', 'lambda', 'sqs']);
    expect(message.email).toContain('Raw event:');
    expect(message.default).toBe(message.email);
    const alert = lambdaAlert(req);
    expect(alert.schema).toBe('rootwatch.alert/v1');
    expect(alert.accountName).toBe(event.account === '111122223333' ? 'Production' : undefined);
    expect(JSON.parse(message.sqs)).toEqual(alert);
    expect(JSON.parse(message.https)).toEqual(alert);
    expect(req.MessageAttributes.severity.StringValue).toBe(alert.severity);
    expect(req.MessageAttributes.alertType.StringValue).toBe(alert.alertType);
  });

  it('publishes other root activity to the activity topic', async () => {
    await handler(sessionEvent());
    expect(published().map((r) => r.TopicArn)).toEqual([ACTIVITY_TOPIC]);
    expect(lambdaAlert(published()[0]).facts.eventName).toBe('PutBucketPolicy');
  });

  it('stamps a heartbeat (the TagQueue CloudTrail record) in the coverage ledger and publishes nothing', async () => {
    process.env[ENV.COVERAGE_TABLE] = 'rootwatch-coverage';
    ddb.on(UpdateItemCommand).resolves({});
    const event = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'events', 'heartbeat-tagqueue-synth.json'), 'utf8'));
    clock = Date.parse(event.detail.eventTime) + 90_000; // delivered 90 s later: the record's own time counts
    await expect(handler(event)).resolves.toEqual({ action: 'heartbeat', account: '222222222222', region: 'eu-west-1' });
    expect(published()).toHaveLength(0);
    expect(cw.commandCalls(PutMetricDataCommand)).toHaveLength(0);
    const [call] = ddb.commandCalls(UpdateItemCommand);
    expect(call.args[0].input).toMatchObject({
      TableName: 'rootwatch-coverage',
      Key: { pk: { S: '222222222222' }, sk: { S: 'eu-west-1' } },
      ExpressionAttributeNames: { '#t': 'lastHeartbeat' },
      ExpressionAttributeValues: { ':t': { N: String(Date.parse(event.detail.eventTime)) } },
    });
  });

  it('the former custom heartbeat event is ignored (anyone allowed to put events could forge it)', async () => {
    await expect(handler(ownFixture('heartbeat-synth.json'))).resolves.toEqual({ action: 'ignored', reason: 'unmatched' });
  });

  it('ignores events that match no rule, and events muted by config', async () => {
    const notRoot = rootCall();
    (notRoot.detail.userIdentity as Record<string, unknown>).type = 'IAMUser';
    await expect(handler(notRoot)).resolves.toEqual({ action: 'ignored', reason: 'unmatched' });

    process.env[ENV.ASSUMED_ROOT_POLICY] = 'mute';
    const assumed = rootCall();
    ((assumed.detail.userIdentity as Record<string, any>).sessionContext as Record<string, unknown>).assumedRoot = 'true';
    await expect(handler(assumed)).resolves.toEqual({ action: 'ignored', reason: 'muted' });
    expect(published()).toHaveLength(0);
  });

  it('throws when SNS fails (Lambda retries, then the on-failure destination)', async () => {
    sns.on(PublishCommand).rejects(new Error('SNS throttled'));
    await expect(handler(sessionEvent())).rejects.toThrow('SNS throttled');
  });

  it('throws when the topics are not configured', async () => {
    delete process.env[ENV.LOGIN_TOPIC_ARN];
    await expect(handler(sessionEvent())).rejects.toMatchObject({ name: 'NotifierConfigError' });
  });

  it('keeps an oversized event within the SNS message limit', async () => {
    const e = sessionEvent();
    (e.detail as Record<string, unknown>).requestParameters = { policy: 'x'.repeat(200_000) };
    await handler(e);
    const [req] = published();
    expect(Buffer.byteLength(req.Message, 'utf8')).toBeLessThanOrEqual(256 * 1024);
    const alert = lambdaAlert(req);
    expect(alert.event.detail.rootwatchTruncated).toBe(true);
    expect(alert.facts.eventName).toBe('PutBucketPolicy');
  });

  it('does not touch DynamoDB when folding is off', async () => {
    await handler(sessionEvent());
    await handler(sessionEvent());
    expect(published()).toHaveLength(2);
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('notifier handler: folding with DynamoDB', () => {
  beforeEach(() => setEnv(true));

  it('publishes the first event, folds the next, publishes critical ones, and sends one digest after the window', async () => {
    await expect(handler(sessionEvent('ConsoleLogin'))).resolves.toMatchObject({ action: 'published' });
    clock += 1000;
    await expect(handler(sessionEvent('PutBucketPolicy'))).resolves.toMatchObject({ action: 'folded' });
    await expect(handler(sessionEvent('CreateAccessKey', 'iam.amazonaws.com'))).resolves.toMatchObject({ action: 'published' });
    await expect(handler(sessionEvent('DeleteBucket'))).resolves.toMatchObject({ action: 'folded' });
    expect(published()).toHaveLength(2);
    expect(lambdaAlert(published()[1]).severity).toBe('critical');

    // the sweep before the window ended sends nothing
    await expect(handler(SWEEP)).resolves.toMatchObject({ action: 'sweep', digestsSent: 0 });
    clock = T0 + WINDOW * 1000 + 1;
    await expect(handler(SWEEP)).resolves.toMatchObject({ action: 'sweep', digestsSent: 1 });
    const digest = lambdaAlert(published()[2]);
    expect(digest.digest).toMatchObject({ count: 2, eventNames: { PutBucketPolicy: 1, DeleteBucket: 1 } });
    expect(published()[2].TopicArn).toBe(ACTIVITY_TOPIC);
    expect(JSON.parse(published()[2].Message).email.split('\n')[0]).toMatch(/^2 more root events in this session/);
    // sent once
    await expect(handler(SWEEP)).resolves.toMatchObject({ digestsSent: 0 });
    // rows carry the TTL attribute
    for (const item of table.items.values()) expect(Number(item.expiresAt.N)).toBeGreaterThan(clock / 1000);
  });

  it('keeps the digest a closed window owes when the next window opens before the sweep', async () => {
    await handler(sessionEvent('A'));
    await handler(sessionEvent('B'));
    await handler(sessionEvent('B'));
    clock = T0 + WINDOW * 1000 + 5;
    await expect(handler(sessionEvent('C'))).resolves.toMatchObject({ action: 'published' });
    await handler(sessionEvent('D'));
    expect(published()).toHaveLength(2);
    clock = T0 + 2 * WINDOW * 1000 + 10;
    await expect(handler(SWEEP)).resolves.toMatchObject({ digestsSent: 2 });
    const counts = published()
      .slice(2)
      .map((r) => lambdaAlert(r).digest!)
      .sort((a, b) => b.count - a.count);
    expect(counts.map((d) => d.eventNames)).toEqual([{ B: 2 }, { D: 1 }]);
  });

  it('publishes once for concurrent first events of a session (conditional writes)', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => handler(sessionEvent())));
    expect(results.filter((r) => r.action === 'published')).toHaveLength(1);
    expect(results.filter((r) => r.action === 'folded')).toHaveLength(19);
    expect(published()).toHaveLength(1);
    // every event but the first lost the race for the first write at least once
    expect(table.calls.conflicts).toBeGreaterThanOrEqual(19);
    clock = T0 + WINDOW * 1000;
    await handler(SWEEP);
    expect(lambdaAlert(published()[1]).digest!.count).toBe(19);
  });

  it('publishes a retried event again when its publish failed after the state was written', async () => {
    const first = sessionEvent('ConsoleLogin');
    sns.on(PublishCommand).rejectsOnce(new Error('SNS down')).resolves({ MessageId: 'm' });
    await expect(handler(first)).rejects.toThrow('SNS down');
    // Lambda's retry of the same event
    await expect(handler(first)).resolves.toMatchObject({ action: 'published' });
    await expect(handler(sessionEvent())).resolves.toMatchObject({ action: 'folded' });
    expect(published().map((r) => lambdaAlert(r).facts.eventName)).toEqual(['ConsoleLogin', 'ConsoleLogin']);
  });

  it('throws, and publishes nothing, when DynamoDB fails', async () => {
    table.failNext.get = new Error('ProvisionedThroughputExceededException');
    await expect(handler(sessionEvent())).rejects.toThrow('ProvisionedThroughputExceededException');
    expect(published()).toHaveLength(0);
    expect(ddb.commandCalls(GetItemCommand)).toHaveLength(1);
  });

  it('throws from the sweep when a digest cannot be published, and sends it on the next sweep', async () => {
    await handler(sessionEvent());
    await handler(sessionEvent());
    clock = T0 + WINDOW * 1000;
    let failed = false;
    sns.on(PublishCommand).callsFake(async () => {
      if (!failed) {
        failed = true;
        throw new Error('SNS down');
      }
      return { MessageId: 'm' };
    });
    await expect(handler(SWEEP)).rejects.toThrow(/1 of 1 digests failed/);
    await expect(handler(SWEEP)).resolves.toMatchObject({ digestsSent: 1 });
  });
});

describe('burst: 1,000 events of one root session', () => {
  const CRITICAL_EVERY = 97;
  const N = 1000;
  const names = ['PutBucketPolicy', 'DeleteBucket', 'GetObject', 'PutObject'];
  const events = () =>
    Array.from({ length: N }, (_, i) =>
      i > 0 && i % CRITICAL_EVERY === 0 ? sessionEvent('CreateAccessKey', 'iam.amazonaws.com') : sessionEvent(names[i % names.length]),
    );
  const criticals = Math.floor((N - 1) / CRITICAL_EVERY);

  function checkBurst(requests: PublishRequest[], burst: EventBridgeEvent[]) {
    const alerts = requests.map(lambdaAlert);
    const immediate = alerts.filter((a) => !a.digest);
    const digests = alerts.filter((a) => a.digest);
    expect(immediate).toHaveLength(1 + criticals);
    expect(immediate.slice(1).every((a) => a.severity === 'critical')).toBe(true);
    expect(digests).toHaveLength(1);
    const d = digests[0].digest!;
    expect(d.count).toBe(N - 1 - criticals);
    expect(Object.values(d.eventNames).reduce((a, b) => a + b, 0)).toBe(d.count);
    const expectedNames: Record<string, number> = {};
    burst.slice(1).forEach((e) => {
      const n = e.detail.eventName as string;
      if (n !== 'CreateAccessKey') expectedNames[n] = (expectedNames[n] ?? 0) + 1;
    });
    expect(d.eventNames).toEqual(expectedNames);
  }

  it('through the notifier logic with the in-memory store', async () => {
    const store = new MemoryFoldStore();
    const sent: PublishRequest[] = [];
    let now = T0;
    const config: NotifierConfig = {
      loginTopicArn: LOGIN_TOPIC,
      activityTopicArn: ACTIVITY_TOPIC,
      windowSeconds: WINDOW,
      namePrefix: 'rootwatch',
      assumedRoot: 'alert',
      accountNames: {},
      stateTable: 'memory',
      coverageTable: null,
      heartbeatIntervalSeconds: 21600,
      coverageGraceSeconds: 172800,
    };
    const deps: NotifierDeps = {
      publish: async (r) => void sent.push(r),
      coverage: null,
      putStalePaths: async () => undefined,
      store,
      now: () => now,
      log: () => undefined,
    };
    const burst = events();
    for (const e of burst) {
      await handleNotifierInput(e, config, deps);
      now += 100; // 1,000 events in 100 s, inside the window
    }
    expect(sent).toHaveLength(1 + criticals);
    now = T0 + WINDOW * 1000;
    await expect(handleNotifierInput(SWEEP, config, deps)).resolves.toMatchObject({ digestsSent: 1 });
    await expect(handleNotifierInput(SWEEP, config, deps)).resolves.toMatchObject({ digestsSent: 0 });
    checkBurst(sent, burst);
  });

  it('through the Lambda handler with DynamoDB (mocked), partly concurrent', async () => {
    setEnv(true);
    const burst = events();
    // the first event alone, then batches of 5 concurrent invocations, then one at a time
    await handler(burst[0]);
    for (let i = 1; i < burst.length; ) {
      const size = i < 200 ? 5 : 1;
      await Promise.all(burst.slice(i, i + size).map((e) => handler(e)));
      i += size;
      clock += 50;
    }
    clock = T0 + WINDOW * 1000;
    await handler(SWEEP);
    await handler(SWEEP);
    checkBurst(published(), burst);
  });
});
