import { DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { ENV } from '../../core/lambda-contract';
import { DynamoFoldStore } from '../../lambdas/dynamo-store';
import { FOLD_STATE_TTL_SECONDS, archiveKey, decide } from '../../lambdas/fold';
import { readNotifierConfig } from '../../lambdas/notifier-config';
import { createSecretReader } from '../../lambdas/secrets';
import { FakeTable } from './fake-dynamo';
import { alertOf, rootCall } from './helpers';

const ddb = mockClient(DynamoDBClient);
const ssm = mockClient(SSMClient);
beforeEach(() => {
  ddb.reset();
  ssm.reset();
});

const T0 = Date.parse('2024-05-01T10:00:00Z');
const alert = alertOf(rootCall());
const a2 = { ...alert, event: { ...alert.event, id: 'second' } };
const first = decide(undefined, alert, T0, 300).next;
const folded = decide(first, a2, T0 + 1, 300).next;

describe('DynamoFoldStore', () => {
  const client = new DynamoDBClient({ region: 'us-east-1' });

  it('round-trips state with version, TTL and the sweep attributes', async () => {
    const table = new FakeTable();
    table.attach(ddb);
    const store = new DynamoFoldStore(client, 'tbl');
    expect(await store.get('k')).toBeUndefined();
    expect(await store.put('k', folded, undefined)).toBe(true);
    const item = table.items.get('k')!;
    expect(item).toMatchObject({
      sessionKey: { S: 'k' },
      version: { N: '1' },
      pending: { N: '1' },
      digestSent: { BOOL: false },
      windowEnd: { N: String(T0 + 300_000) },
      expiresAt: { N: String((T0 + 300_000) / 1000 + FOLD_STATE_TTL_SECONDS) },
    });
    const got = await store.get('k');
    expect(got).toEqual({ key: 'k', version: 1, state: folded });
    const put = ddb.commandCalls(PutItemCommand)[0].args[0].input;
    expect(put.TableName).toBe('tbl');
  });

  it('reports a lost race as false and rethrows other errors', async () => {
    const table = new FakeTable();
    table.attach(ddb);
    const store = new DynamoFoldStore(client, 'tbl');
    expect(await store.put('k', first, undefined)).toBe(true);
    expect(await store.put('k', first, undefined)).toBe(false);
    expect(await store.put('k', folded, 7)).toBe(false);
    expect(await store.put('k', folded, 1)).toBe(true);
    table.failNext.put = Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
    await expect(store.put('k', folded, 2)).rejects.toThrow('throttled');
  });

  it('writes a new window and the archived one in one transaction, or neither', async () => {
    const table = new FakeTable();
    table.attach(ddb);
    const store = new DynamoFoldStore(client, 'tbl');
    await store.put('k', folded, undefined);
    const d = decide(folded, { ...alert, event: { ...alert.event, id: 'third' } }, T0 + 300_000, 300);
    const archive = { key: archiveKey('k', d.overdue!), state: d.overdue! };
    // stale version: cancelled, nothing written
    expect(await store.put('k', d.next, 5, archive)).toBe(false);
    expect(table.items.has(archive.key)).toBe(false);
    expect(await store.put('k', d.next, 1, archive)).toBe(true);
    expect(table.calls.transact).toBe(2);
    expect((await store.get(archive.key))?.state.pending).toBe(1);
  });

  it('lists due rows across Scan pages with a filter on the sweep attributes', async () => {
    const table = new FakeTable();
    table.attach(ddb);
    table.pageSize = 2;
    const store = new DynamoFoldStore(client, 'tbl');
    for (let i = 0; i < 5; i++) await store.put(`k${i}`, folded, undefined);
    const { rows: due, complete } = await store.listDue(T0 + 300_000);
    expect(complete).toBe(true);
    expect(due.map((d) => d.key).sort()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
    expect(table.calls.scan).toBe(3);
    const scan = ddb.commandCalls(ScanCommand)[0].args[0].input;
    expect(scan.FilterExpression).toBe('#we <= :now AND #p > :zero AND #ds = :false');
    expect(scan.ExpressionAttributeValues![':now']).toEqual({ N: String(T0 + 300_000) });
  });
});

describe('readNotifierConfig', () => {
  const base = { [ENV.LOGIN_TOPIC_ARN]: 'arn:login', [ENV.ACTIVITY_TOPIC_ARN]: 'arn:activity' };

  it('reads the contract variables', () => {
    const c = readNotifierConfig({
      ...base,
      [ENV.STATE_TABLE]: 'tbl',
      [ENV.FOLD_WINDOW_SECONDS]: '900',
      [ENV.NAME_PREFIX]: 'acme-rw',
      [ENV.ASSUMED_ROOT_POLICY]: 'low',
      [ENV.ACCOUNT_NAMES]: '{"111122223333":"Prod","x":5}',
      [ENV.COVERAGE_TABLE]: 'cov',
      [ENV.HEARTBEAT_INTERVAL_SECONDS]: '3600',
      [ENV.COVERAGE_GRACE_SECONDS]: '7200',
    });
    expect(c).toEqual({
      coverageTable: 'cov',
      heartbeatIntervalSeconds: 3600,
      coverageGraceSeconds: 7200,
      loginTopicArn: 'arn:login',
      activityTopicArn: 'arn:activity',
      windowSeconds: 900,
      namePrefix: 'acme-rw',
      assumedRoot: 'low',
      accountNames: { '111122223333': 'Prod' },
      stateTable: 'tbl',
      avoidableRootWrites: 'unchanged',
      expectedUseTable: null,
      expectedUseSeverity: 'one-lower',
    });
  });

  it('falls back safely (and says so) on odd optional values', () => {
    const warnings: string[] = [];
    const c = readNotifierConfig(
      { ...base, [ENV.FOLD_WINDOW_SECONDS]: '900', [ENV.ASSUMED_ROOT_POLICY]: 'silence', [ENV.ACCOUNT_NAMES]: '[1]', [ENV.HEARTBEAT_INTERVAL_SECONDS]: '60' },
      (w) => warnings.push(w),
    );
    expect(c.heartbeatIntervalSeconds).toBe(21600); // below one hour is no interval rootwatch deploys
    expect(c.coverageTable).toBeNull();
    expect(c.windowSeconds).toBe(0); // no table: no folding
    expect(c.assumedRoot).toBe('alert');
    expect(c.accountNames).toEqual({});
    expect(c.namePrefix).toBe('rootwatch');
    expect(warnings).toHaveLength(4);
  });

  it('requires both topic ARNs', () => {
    expect(() => readNotifierConfig({ [ENV.LOGIN_TOPIC_ARN]: 'arn:login' })).toThrow(ENV.ACTIVITY_TOPIC_ARN);
  });
});

describe('createSecretReader', () => {
  const client = new SSMClient({ region: 'us-east-1' });

  it('caches per name until the TTL, and not after a failed read', async () => {
    let now = 0;
    ssm
      .on(GetParameterCommand)
      .rejectsOnce(new Error('throttled'))
      .resolves({ Parameter: { Value: ' secret-value \n' } });
    const reader = createSecretReader(client, { ttlMs: 1000, now: () => now });
    await expect(reader.get('/p')).rejects.toThrow('throttled');
    await expect(reader.get('/p')).resolves.toBe('secret-value');
    await reader.get('/p');
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
    now = 1000;
    await reader.get('/p');
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(3);
    reader.invalidate('/p');
    await reader.get('/p');
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(4);
    expect(ssm.commandCalls(GetParameterCommand)[0].args[0].input).toEqual({ Name: '/p', WithDecryption: true });
  });

  it('rejects an empty parameter', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '' } });
    await expect(createSecretReader(client).get('/empty')).rejects.toThrow('/empty has no value');
  });
});
