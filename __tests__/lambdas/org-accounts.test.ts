/**
 * Coverage of accounts nobody listed (issue 15), through the real notifier handler: in stackset
 * mode the sweep assumes the org-read role, walks the target OUs and their nested OUs
 * (ListOrganizationalUnitsForParent; ListAccountsForParent lists direct children only), keeps
 * ACTIVE accounts, and an ACTIVE account that never heartbeated is reported as uncovered once the
 * grace period is over. STS, Organizations, DynamoDB, SNS and CloudWatch behind aws-sdk-client-mock.
 */
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, ScanCommand, UpdateItemCommand, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { ListAccountsForParentCommand, ListOrganizationalUnitsForParentCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { expectedChunks } from '../../core/coverage';
import { COVERAGE_SWEEP_SOURCE, ENV } from '../../core/lambda-contract';
import { organizationAccounts, parseOrgSource } from '../../core/org-accounts';
import type { RootwatchAlert } from '../../core/types';
import { resetAccountNamesCache } from '../../lambdas/coverage';
import { handler } from '../../lambdas/handlers/notifier';

const sns = mockClient(SNSClient);
const cw = mockClient(CloudWatchClient);
const ddb = mockClient(DynamoDBClient);
const sts = mockClient(STSClient);
const org = mockClient(OrganizationsClient);
const H = 3600_000;
const T0 = Date.parse('2026-11-30T00:00:00Z');
const ROLE = 'arn:aws:iam::444444444444:role/rootwatch-org-read';
let clock = T0;
type Item = Record<string, AttributeValue>;
let items: Map<string, Item>;
const key = (pk: string, sk: string) => `${pk}\u0000${sk}`;
const put = (item: Item) => items.set(key(item.pk.S!, item.sk.S!), item);

/** The organization: ou-root-workload1 holds 333.. (ACTIVE) and a nested OU with 555.. (ACTIVE) and 666.. (SUSPENDED). */
const TREE: Record<string, { ous: string[]; accounts: Array<Record<string, string>> }> = {
  'ou-ab12-workload1': { ous: ['ou-ab12-nested001'], accounts: [{ Id: '333333333333', Name: 'Listed-by-org', State: 'ACTIVE' }, { Id: '222222222222', Name: 'Staging', State: 'ACTIVE' }] },
  'ou-ab12-nested001': { ous: ['ou-ab12-deeper001'], accounts: [{ Id: '555555555555', Name: 'Nested', State: 'ACTIVE' }, { Id: '666666666666', Name: 'Gone', State: 'SUSPENDED' }] },
  'ou-ab12-deeper001': { ous: [], accounts: [{ Id: '777777777777', Name: 'Old-export', Status: 'ACTIVE' }] },
};

function attachOrganization() {
  sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'AKIA', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(T0 + H) } });
  // two pages of one account each, to prove paging
  org.on(ListAccountsForParentCommand).callsFake((input) => {
    const all = TREE[input.ParentId]?.accounts ?? [];
    const i = input.NextToken ? Number(input.NextToken) : 0;
    return { Accounts: all.slice(i, i + 1), ...(i + 1 < all.length ? { NextToken: String(i + 1) } : {}) };
  });
  org.on(ListOrganizationalUnitsForParentCommand).callsFake((input) => ({ OrganizationalUnits: (TREE[input.ParentId]?.ous ?? []).map((Id) => ({ Id })) }));
}

function attachTable() {
  ddb.on(ScanCommand).callsFake(() => ({ Items: [...items.values()] }));
  ddb.on(QueryCommand).callsFake((input) => ({ Items: [...items.values()].filter((i) => i.pk.S === input.ExpressionAttributeValues[':pk'].S) }));
  ddb.on(UpdateItemCommand).callsFake((input) => {
    const k = key(input.Key.pk.S, input.Key.sk.S);
    const item: Item = { ...(items.get(k) ?? { pk: input.Key.pk, sk: input.Key.sk }) };
    const names = input.ExpressionAttributeNames as Record<string, string>;
    const values = input.ExpressionAttributeValues as Record<string, AttributeValue>;
    const [setPart, removePart] = (input.UpdateExpression as string).replace(/^SET /, '').split(' REMOVE ');
    for (const a of setPart.split(', ')) {
      const [n, v] = a.split(' = ');
      item[names[n]] = values[v];
    }
    if (removePart) for (const n of removePart.split(', ')) delete item[names[n]];
    items.set(k, item);
    return {};
  });
}

const SWEEP = { version: '0', source: COVERAGE_SWEEP_SOURCE, 'detail-type': 'Scheduled Event', detail: {} };
const published = () => sns.commandCalls(PublishCommand).map((c) => JSON.parse(JSON.parse(c.args[0].input.Message!).lambda) as RootwatchAlert);
const beat = (account: string, region: string, at: number) => put({ pk: { S: account }, sk: { S: region }, account: { S: account }, region: { S: region }, lastHeartbeat: { N: String(at) } });

beforeEach(() => {
  for (const m of [sns, cw, ddb, sts, org]) m.reset();
  resetAccountNamesCache();
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
  cw.on(PutMetricDataCommand).resolves({});
  items = new Map();
  attachTable();
  attachOrganization();
  clock = T0;
  jest.spyOn(Date, 'now').mockImplementation(() => clock);
  for (const m of ['log', 'warn', 'error'] as const) jest.spyOn(console, m).mockImplementation(() => undefined);
  for (const v of Object.values(ENV)) delete process.env[v];
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    [ENV.LOGIN_TOPIC_ARN]: 'arn:aws:sns:eu-west-1:111111111111:rootwatch-login',
    [ENV.ACTIVITY_TOPIC_ARN]: 'arn:aws:sns:eu-west-1:111111111111:rootwatch-activity',
    [ENV.NAME_PREFIX]: 'rootwatch',
    [ENV.COVERAGE_TABLE]: 'rootwatch-coverage',
    [ENV.HEARTBEAT_INTERVAL_SECONDS]: '21600',
    [ENV.COVERAGE_GRACE_SECONDS]: '172800',
  });
  // the listed accounts (hub and a Terraform spoke), as the hub module writes them
  expectedChunks([
    { account: '111111111111', regions: ['us-east-1', 'eu-west-1'], name: 'security' },
    { account: '222222222222', regions: ['eu-west-1'], name: 'Staging' },
  ]).forEach((json, i) => put({ pk: { S: '#expected' }, sk: { S: String(i).padStart(3, '0') }, accounts: { S: json } }));
  // what the hub module writes in stackset mode (stacks/module-stacks.ts organizationAccounts)
  put({ pk: { S: '#organization' }, sk: { S: 'stackset' }, source: { S: JSON.stringify({ roleArn: ROLE, ouIds: ['ou-ab12-workload1'], regions: ['us-east-1', 'eu-west-1'] }) } });
});
afterEach(() => jest.restoreAllMocks());

describe('organizationAccounts (pure walk)', () => {
  it('walks nested OUs, keeps ACTIVE accounts (State, else Status), each once', async () => {
    const lister = {
      childOus: async (p: string) => TREE[p]?.ous ?? [],
      accounts: async (p: string) => TREE[p]?.accounts ?? [],
    };
    const found = await organizationAccounts({ roleArn: ROLE, ouIds: ['ou-ab12-workload1', 'ou-ab12-nested001'], regions: ['us-east-1'] }, lister);
    expect(found.map((a) => a.account).sort()).toEqual(['222222222222', '333333333333', '555555555555', '777777777777']);
  });

  it('refuses a stored source of the wrong shape with a one-line problem', () => {
    expect(parseOrgSource('{"roleArn":"x","ouIds":["ou-ab12-workload1"],"regions":["us-east-1"]}')).toBe('roleArn: must be an IAM role ARN');
    expect(parseOrgSource(JSON.stringify({ roleArn: ROLE, ouIds: ['ou-1'], regions: ['us-east-1'] }))).toBe('ouIds: must list OU or root IDs');
    expect(parseOrgSource('not json')).toBe('roleArn: must be an IAM role ARN');
  });
});

describe('the sweep in stackset mode', () => {
  it('assumes the org-read role and expects every ACTIVE account below the OUs, nested ones included', async () => {
    // 2 listed accounts (3 paths) + 333, 555, 777 discovered (2 regions each); 666 is SUSPENDED, 222 listed already
    await expect(handler(SWEEP)).resolves.toMatchObject({ action: 'coverage-sweep', paths: 9, stale: 0, alerts: 0 });
    expect(sts.commandCalls(AssumeRoleCommand)[0].args[0].input).toMatchObject({ RoleArn: ROLE, RoleSessionName: 'rootwatch-coverage' });
    expect(org.commandCalls(ListAccountsForParentCommand).map((c) => c.args[0].input.ParentId)).toEqual(['ou-ab12-workload1', 'ou-ab12-workload1', 'ou-ab12-nested001', 'ou-ab12-nested001', 'ou-ab12-deeper001']);
    expect(items.get(key('555555555555', 'eu-west-1'))?.expectedSince).toEqual({ N: String(T0) });
    expect(items.has(key('666666666666', 'us-east-1'))).toBe(false);
  });

  it('an ACTIVE account that never heartbeated is reported uncovered past the grace period; a covered one is not', async () => {
    await handler(SWEEP); // grace starts for every path
    clock = T0 + 49 * H;
    for (const a of ['111111111111', '333333333333', '555555555555', '777777777777']) for (const r of ['us-east-1', 'eu-west-1']) beat(a, r, clock - H);
    beat('222222222222', 'eu-west-1', clock - H);
    // 555 in eu-west-1 never came (its stack instance failed there)
    items.delete(key('555555555555', 'eu-west-1'));
    put({ pk: { S: '555555555555' }, sk: { S: 'eu-west-1' }, account: { S: '555555555555' }, region: { S: 'eu-west-1' }, expectedSince: { N: String(T0) } });
    await expect(handler(SWEEP)).resolves.toMatchObject({ stale: 1, alerts: 1 });
    const [alert] = published();
    expect(alert).toMatchObject({ severity: 'high', facts: { account: '555555555555', region: 'eu-west-1', eventName: 'CoveragePathUncovered' }, event: { detail: { status: 'uncovered' } } });
    expect(alert.summary).toMatch(/never covered Nested \(555555555555\) eu-west-1: an ACTIVE account of the stack set's OUs/);
  });

  it('a listed account that goes silent is stale, not uncovered (it is not one the organization added)', async () => {
    await handler(SWEEP);
    clock = T0 + 49 * H;
    for (const a of ['111111111111', '333333333333', '555555555555', '777777777777']) for (const r of ['us-east-1', 'eu-west-1']) beat(a, r, clock - H);
    await expect(handler(SWEEP)).resolves.toMatchObject({ stale: 1, alerts: 1 });
    expect(published()[0].facts).toMatchObject({ account: '222222222222', eventName: 'CoveragePathStale' });
  });

  it('when the role cannot be assumed, the listed accounts are still swept and the failure is logged', async () => {
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    await expect(handler(SWEEP)).resolves.toMatchObject({ action: 'coverage-sweep', paths: 3 });
    const logged = (['log', 'warn', 'error'] as const).flatMap((m) => (console[m] as jest.Mock).mock.calls.map((c) => String(c[0]))).join('\n');
    expect(logged).toMatch(/organization accounts unavailable; only the listed accounts are swept/);
  });
});
