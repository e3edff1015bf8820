/**
 * The notifier's coverage side through the real Lambda handler: the DynamoDB ledger (a small
 * in-memory table behind aws-sdk-client-mock), SNS and CloudWatch mocked. Heartbeats stamp paths,
 * the sweep alerts once when a path goes stale and once when it recovers, writes StalePaths, skips
 * bad items, and account names come from the ledger's expected set (not the environment).
 */
import * as fs from 'fs';
import * as path from 'path';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DeleteItemCommand, DynamoDBClient, QueryCommand, ScanCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { expectedChunks } from '../../core/coverage';
import { COVERAGE_SWEEP_SOURCE, ENV } from '../../core/lambda-contract';
import type { RootwatchAlert } from '../../core/types';
import { resetAccountNamesCache } from '../../lambdas/coverage';
import { handler } from '../../lambdas/handlers/notifier';
import { rootCall } from './helpers';

const sns = mockClient(SNSClient);
const cw = mockClient(CloudWatchClient);
const ddb = mockClient(DynamoDBClient);
const TABLE = 'rootwatch-coverage';
const H = 3600_000;
const T0 = Date.parse('2026-11-30T00:00:00Z');
let clock = T0;
type Item = Record<string, AttributeValue>;
let items: Map<string, Item>;
const k = (pk: string, sk: string) => `${pk}\u0000${sk}`;

function put(item: Item) {
  items.set(k(item.pk.S!, item.sk.S!), item);
}

/** Just enough of DynamoDB for DynamoCoverageStore: SET/REMOVE updates with the stamp condition, Scan, Query, Delete. */
function attachTable() {
  ddb.on(ScanCommand).callsFake(() => ({ Items: [...items.values()] }));
  ddb.on(QueryCommand).callsFake((input) => ({ Items: [...items.values()].filter((i) => i.pk.S === input.ExpressionAttributeValues[':pk'].S) }));
  ddb.on(DeleteItemCommand).callsFake((input) => {
    items.delete(k(input.Key.pk.S, input.Key.sk.S));
    return {};
  });
  ddb.on(UpdateItemCommand).callsFake((input) => {
    const key = k(input.Key.pk.S, input.Key.sk.S);
    const item: Item = { ...(items.get(key) ?? { pk: input.Key.pk, sk: input.Key.sk }) };
    const names = input.ExpressionAttributeNames as Record<string, string>;
    const values = input.ExpressionAttributeValues as Record<string, AttributeValue>;
    if (input.ConditionExpression) {
      expect(input.ConditionExpression).toBe('attribute_not_exists(#t) OR #t < :t');
      const cur = item[names['#t']];
      if (cur && Number(cur.N) >= Number(values[':t'].N)) throw Object.assign(new Error('conditional'), { name: 'ConditionalCheckFailedException' });
    }
    const [setPart, removePart] = (input.UpdateExpression as string).replace(/^SET /, '').split(' REMOVE ');
    for (const a of setPart.split(', ')) {
      const [n, v] = a.split(' = ');
      item[names[n]] = values[v];
    }
    if (removePart) for (const n of removePart.split(', ')) delete item[names[n]];
    items.set(key, item);
    return {};
  });
}

const SWEEP = { version: '0', source: COVERAGE_SWEEP_SOURCE, 'detail-type': 'Scheduled Event', detail: {} };
const published = () => sns.commandCalls(PublishCommand).map((c) => JSON.parse(JSON.parse(c.args[0].input.Message!).lambda) as RootwatchAlert);
const staleMetric = () => cw.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input.MetricData![0]);

beforeEach(() => {
  sns.reset();
  cw.reset();
  ddb.reset();
  resetAccountNamesCache();
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
  cw.on(PutMetricDataCommand).resolves({});
  items = new Map();
  attachTable();
  clock = T0;
  jest.spyOn(Date, 'now').mockImplementation(() => clock);
  for (const m of ['log', 'warn', 'error'] as const) jest.spyOn(console, m).mockImplementation(() => undefined);
  for (const v of Object.values(ENV)) delete process.env[v];
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    [ENV.LOGIN_TOPIC_ARN]: 'arn:aws:sns:eu-west-1:111111111111:rootwatch-login',
    [ENV.ACTIVITY_TOPIC_ARN]: 'arn:aws:sns:eu-west-1:111111111111:rootwatch-activity',
    [ENV.NAME_PREFIX]: 'rootwatch',
    [ENV.COVERAGE_TABLE]: TABLE,
    [ENV.HEARTBEAT_INTERVAL_SECONDS]: '21600',
    [ENV.COVERAGE_GRACE_SECONDS]: '172800',
  });
  expectedChunks([
    { account: '111122223333', regions: ['us-east-1', 'eu-west-1'], name: 'Production' },
    { account: '222222222222', regions: ['eu-west-1'], name: 'Staging' },
  ]).forEach((json, i) => put({ pk: { S: '#expected' }, sk: { S: String(i).padStart(3, '0') }, accounts: { S: json } }));
});
afterEach(() => jest.restoreAllMocks());

function heartbeat(account: string, region: string, at: number) {
  const e = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'events', 'heartbeat-tagqueue-synth.json'), 'utf8'));
  Object.assign(e, { account, region, time: new Date(at).toISOString() });
  Object.assign(e.detail, { recipientAccountId: account, awsRegion: region, eventTime: new Date(at).toISOString() });
  e.detail.userIdentity.accountId = account;
  return e;
}

describe('coverage through the notifier handler', () => {
  it('first sweep: every path pending (grace starts), StalePaths 0, nobody paged', async () => {
    await expect(handler(SWEEP)).resolves.toMatchObject({ action: 'coverage-sweep', paths: 3, stale: 0, alerts: 0 });
    expect(published()).toHaveLength(0);
    expect(staleMetric()).toEqual([{ MetricName: 'StalePaths', Value: 0, Unit: 'Count' }]);
    expect(cw.commandCalls(PutMetricDataCommand)[0].args[0].input.Namespace).toBe('Rootwatch/rootwatch');
    expect(items.get(k('111122223333', 'eu-west-1'))?.expectedSince).toEqual({ N: String(T0) });
  });

  it('stale once, silent while stale, recovered once; names and the DLQ in the alert', async () => {
    await handler(SWEEP); // grace starts
    for (const [a, r] of [['111122223333', 'us-east-1'], ['111122223333', 'eu-west-1'], ['222222222222', 'eu-west-1']]) {
      await expect(handler(heartbeat(a, r, T0 + H))).resolves.toMatchObject({ action: 'heartbeat', account: a, region: r });
    }
    clock = T0 + 10 * H;
    await expect(handler(SWEEP)).resolves.toMatchObject({ stale: 0, alerts: 0 });
    await handler(heartbeat('111122223333', 'us-east-1', T0 + 9 * H));
    await handler(heartbeat('222222222222', 'eu-west-1', T0 + 9 * H));
    clock = T0 + 14 * H; // eu-west-1 of Production: last beat 13 h ago > 2 x 6 h + 15 min
    await expect(handler(SWEEP)).resolves.toMatchObject({ stale: 1, alerts: 1 });
    const [stale] = published();
    expect(stale).toMatchObject({ alertType: 'activity', severity: 'high', accountName: 'Production', facts: { account: '111122223333', region: 'eu-west-1', eventName: 'CoveragePathStale' } });
    expect(stale.summary).toContain('https://sqs.eu-west-1.amazonaws.com/111122223333/rootwatch-forward-dlq');
    expect(staleMetric().map((m) => m.Value)).toEqual([0, 0, 1]);

    clock = T0 + 15 * H;
    await expect(handler(SWEEP)).resolves.toMatchObject({ stale: 1, alerts: 0 }); // no second page
    await handler(heartbeat('111122223333', 'eu-west-1', T0 + 15 * H));
    await expect(handler(SWEEP)).resolves.toMatchObject({ stale: 0, alerts: 1 });
    expect(published()[1]).toMatchObject({ severity: 'low', facts: { eventName: 'CoveragePathRecovered', region: 'eu-west-1' } });
    expect(items.get(k('111122223333', 'eu-west-1'))?.alerted).toBeUndefined();
  });

  it('never seen past the grace period: one alert saying so', async () => {
    await handler(SWEEP);
    clock = T0 + 49 * H;
    await expect(handler(SWEEP)).resolves.toMatchObject({ stale: 3, alerts: 3 });
    expect(published()[0].reason).toMatch(/never heard from this path within the grace period/);
  });

  it('a ledger item of the wrong shape is logged and skipped; a removed account is forgotten; the sweep does not throw', async () => {
    put({ pk: { S: 'garbage' }, sk: { S: 'x' }, account: { S: 'garbage' } });
    put({ pk: { S: '999999999999' }, sk: { S: 'us-east-1' }, account: { S: '999999999999' }, region: { S: 'us-east-1' }, lastHeartbeat: { N: String(T0 - 100 * H) } });
    put({ pk: { S: '#expected' }, sk: { S: '900' }, accounts: { S: '{broken' } });
    const warn = jest.spyOn(console, 'warn');
    const error = jest.spyOn(console, 'error');
    await expect(handler(SWEEP)).resolves.toMatchObject({ paths: 3, skipped: 1, alerts: 0 });
    expect(items.has(k('999999999999', 'us-east-1'))).toBe(false);
    expect(warn.mock.calls.map((c) => JSON.parse(String(c[0])).msg)).toEqual(expect.arrayContaining(['coverage ledger item skipped']));
    // the broken expected-set chunk hid whatever accounts it held: an error, and one more stale path (the alarm fires)
    expect(error.mock.calls.map((c) => JSON.parse(String(c[0])).msg)).toEqual(expect.arrayContaining(['expected-set chunk skipped']));
    expect(staleMetric().map((m) => m.Value)).toEqual([1]);
  });

  it('an attribute stored with the wrong DynamoDB type is named in the log and its item skipped; NULL counts as absent', async () => {
    put({ pk: { S: '888888888888' }, sk: { S: 'us-east-1' }, account: { S: '888888888888' }, region: { S: 'us-east-1' }, lastHeartbeat: { S: 'yesterday' } });
    put({ pk: { S: '777777777777' }, sk: { S: 'us-east-1' }, account: { N: '777777777777' }, region: { S: 'us-east-1' } });
    put({ pk: { S: '666666666666' }, sk: { S: 'us-east-1' }, account: { S: '666666666666' }, region: { S: 'us-east-1' }, lastRootEvent: { NULL: true }, alerted: { NULL: true } });
    const warn = jest.spyOn(console, 'warn');
    await expect(handler(SWEEP)).resolves.toMatchObject({ skipped: 2 });
    const problems = warn.mock.calls.map((c) => JSON.parse(String(c[0]))).filter((e) => e.msg === 'coverage ledger item skipped').map((e) => e.problem);
    expect(problems.sort()).toEqual(['account: must be 12 digits', 'lastHeartbeat: must be epoch milliseconds']);
    expect(items.has(k('666666666666', 'us-east-1'))).toBe(false); // well-formed, no longer expected: forgotten
  });

  it('an empty expected set writes no metric, so the one alarm (missing data breaching) fires', async () => {
    items = new Map();
    await expect(handler(SWEEP)).resolves.toMatchObject({ paths: 0 });
    expect(staleMetric()).toEqual([]);
  });

  it('a root alert shows the account name from the ledger (not the environment) and stamps lastRootEvent', async () => {
    const event = rootCall({ eventName: 'PutBucketPolicy' });
    clock = Date.parse(String(event.detail.eventTime)) + 1000;
    await expect(handler(event)).resolves.toMatchObject({ action: 'published' });
    expect(published()[0].accountName).toBe('Production');
    expect(items.get(k('111122223333', event.region))?.lastRootEvent).toEqual({ N: String(Date.parse(String(event.detail.eventTime))) });
  });

  it('a ledger failure never costs a root alert', async () => {
    ddb.on(UpdateItemCommand).rejects(new Error('throttled'));
    ddb.on(QueryCommand).rejects(new Error('throttled'));
    await expect(handler(rootCall({ eventName: 'PutBucketPolicy' }))).resolves.toMatchObject({ action: 'published' });
    expect(published()).toHaveLength(1);
  });
});
