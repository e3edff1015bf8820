/**
 * `rootwatch coverage`: the ledger read through a mocked DynamoDB client (aws-sdk-client-mock),
 * statuses decided by the sweep's own code; exit 0 fresh / 1 stale / 2 usage or credentials; the
 * real CLI (yargs) for usage errors and for not loading the SDK in other commands.
 */
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { runCoverage } from '../../cli/coverage';
import { expectedChunks } from '../../core/coverage';
import { resolveConfig } from '../../core/config';
import { ensureDist, runCli } from '../helpers/cli';

const ddb = mockClient(DynamoDBClient);
const H = 3600_000;
const NOW = Date.parse('2026-11-30T12:00:00Z');
const config = resolveConfig({
  hub: { accountId: '111111111111', region: 'eu-west-1', name: 'security' },
  regions: ['us-east-1', 'eu-west-1'],
  spokes: [{ name: 'prod', accountId: '222222222222', assumeRoleArn: 'arn:aws:iam::222222222222:role/d' }],
});
const expected = (): Record<string, AttributeValue>[] =>
  expectedChunks([
    { account: '111111111111', regions: ['us-east-1', 'eu-west-1'], name: 'security' },
    { account: '222222222222', regions: ['us-east-1', 'eu-west-1'], name: 'prod' },
  ]).map((json, i) => ({ pk: { S: '#expected' }, sk: { S: String(i).padStart(3, '0') }, accounts: { S: json } }));
const row = (account: string, region: string, lastHeartbeat: number, extra: Record<string, AttributeValue> = {}): Record<string, AttributeValue> => ({
  pk: { S: account },
  sk: { S: region },
  account: { S: account },
  region: { S: region },
  expectedSince: { N: String(NOW - 100 * H) },
  lastHeartbeat: { N: String(lastHeartbeat) },
  ...extra,
});
const fresh = () => [row('111111111111', 'us-east-1', NOW - H), row('111111111111', 'eu-west-1', NOW - H), row('222222222222', 'us-east-1', NOW - 2 * H, { lastRootEvent: { N: String(NOW - 3 * H) } }), row('222222222222', 'eu-west-1', NOW - H)];

beforeEach(() => ddb.reset());

describe('runCoverage (mocked DynamoDB)', () => {
  it('every path fresh: exit 0, a table with names, times and status; reads the hub region and the deployment table', async () => {
    ddb.on(ScanCommand).resolves({ Items: [...expected(), ...fresh()] });
    const r = await runCoverage({ json: false, config, now: NOW });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Coverage ledger rootwatch-coverage \(eu-west-1\): 4 expected paths, 4 fresh, 0 pending, 0 stale/);
    expect(r.stdout).toMatch(/222222222222\s+prod\s+us-east-1\s+2026-11-30T10:00:00.000Z\s+2026-11-30T09:00:00.000Z\s+FRESH/);
    const [call] = ddb.commandCalls(ScanCommand);
    expect(call.args[0].input.TableName).toBe('rootwatch-coverage');
    expect(await ddb.send.getCall(0).thisValue.config.region()).toBe('eu-west-1');
  });

  it('a stale path: exit 1, and --json names it', async () => {
    const rows = fresh();
    rows[3] = row('222222222222', 'eu-west-1', NOW - 20 * H);
    ddb.on(ScanCommand).resolves({ Items: [...expected(), ...rows] });
    const r = await runCoverage({ json: true, config, now: NOW });
    expect(r.exitCode).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ expected: 4, fresh: 3, stale: 1 });
    expect(out.paths.find((p: { status: string }) => p.status === 'stale')).toEqual({
      account: '222222222222',
      name: 'prod',
      region: 'eu-west-1',
      status: 'stale',
      neverSeen: false,
      lastHeartbeat: '2026-11-29T16:00:00.000Z',
      lastRootEvent: null,
    });
  });

  it('a malformed piece of the expected set: named, and exit 1 (the accounts it held are not checked)', async () => {
    const broken = { pk: { S: '#expected' }, sk: { S: '001' }, accounts: { S: 'not json' } };
    ddb.on(ScanCommand).resolves({ Items: [expected()[0], broken, ...fresh()] });
    const text = await runCoverage({ json: false, config, now: NOW });
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toContain('Expected set: expected-set chunk skipped (chunk 1): accounts: not a JSON list; the accounts it held are not checked');
    const json = JSON.parse((await runCoverage({ json: true, config, now: NOW })).stdout);
    expect(json.expectedProblems).toEqual(['expected-set chunk skipped (chunk 1): accounts: not a JSON list']);
    ddb.on(ScanCommand).resolves({ Items: [...expected(), ...fresh()] });
    expect(JSON.parse((await runCoverage({ json: true, config, now: NOW })).stdout).expectedProblems).toEqual([]);
  });

  it('never seen past the grace period: stale (exit 1); within it: pending (exit 0)', async () => {
    const never = (since: number) => ({ pk: { S: '222222222222' }, sk: { S: 'eu-west-1' }, account: { S: '222222222222' }, region: { S: 'eu-west-1' }, expectedSince: { N: String(since) } });
    ddb.on(ScanCommand).resolves({ Items: [...expected(), ...fresh().slice(0, 3), never(NOW - 49 * H)] });
    expect((await runCoverage({ json: true, config, now: NOW })).exitCode).toBe(1);
    ddb.on(ScanCommand).resolves({ Items: [...expected(), ...fresh().slice(0, 3), never(NOW - 2 * H)] });
    const r = await runCoverage({ json: true, config, now: NOW });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).pending).toBe(1);
  });

  it('an empty ledger (hub not deployed with this config) is not "covered": exit 1', async () => {
    ddb.on(ScanCommand).resolves({ Items: [] });
    const r = await runCoverage({ json: false, config, now: NOW });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('No expected paths in the ledger');
  });

  it('credential, access and missing-table errors: exit 2 with one line', async () => {
    ddb.on(ScanCommand).rejects(Object.assign(new Error('The security token included in the request is expired\nmore'), { name: 'ExpiredTokenException' }));
    expect(await runCoverage({ json: false, config })).toEqual({ stdout: '', exitCode: 2, error: 'credentials: The security token included in the request is expired' });
    ddb.on(ScanCommand).rejects(Object.assign(new Error('no table'), { name: 'ResourceNotFoundException' }));
    expect((await runCoverage({ json: false, config })).error).toMatch(/^table rootwatch-coverage not found in eu-west-1/);
    ddb.on(ScanCommand).rejects(Object.assign(new Error('not authorized to perform: dynamodb:Scan'), { name: 'AccessDeniedException' }));
    expect((await runCoverage({ json: false, config })).error).toMatch(/^access denied reading table rootwatch-coverage/);
  });

  it('bad flags: exit 2 before any AWS call', async () => {
    expect(await runCoverage({ json: false, region: 'mars' })).toMatchObject({ exitCode: 2, error: expect.stringMatching(/^--region 'mars' is not a region name/) });
    expect(await runCoverage({ json: false, profile: ' ' })).toMatchObject({ exitCode: 2, error: '--profile must not be empty' });
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
  });
});

describe('rootwatch coverage (CLI)', () => {
  beforeAll(() => ensureDist());
  it('a bad --region is one line on stderr and exit 2', async () => {
    const r = await runCli(['coverage', '--region', 'nowhere']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("rootwatch: --region 'nowhere' is not a region name (e.g. eu-west-1)\n");
  });
  it('no credentials at all: one line, exit 2', async () => {
    const r = await runCli(['coverage', '--region', 'eu-west-1'], {
      env: { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: 'rootwatch-test-no-such-profile', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONTAINER_CREDENTIALS_FULL_URI: '', AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
