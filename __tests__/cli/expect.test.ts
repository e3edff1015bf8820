/**
 * `rootwatch expect` (cli/expect.ts): declare, list and cancel windows against a mocked DynamoDB
 * and STS (aws-sdk-client-mock); bad input through the real CLI (yargs, child process) gives one
 * line, exit 2, and no request at all (a loopback endpoint counts them).
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { runExpect, expectAction } from '../../cli/expect';
import { UsageError } from '../../cli/errors';
import { loadConfig } from '../../cli/load-config';
import { EXAMPLE_CONFIG } from '../helpers/configs';
import { ensureDist, runCli, stderrLines } from '../helpers/cli';

const config = loadConfig(EXAMPLE_CONFIG);
const NOW = Date.parse('2026-03-01T12:00:00Z');
const S = NOW / 1000;
const ddb = mockClient(DynamoDBClient);
const sts = mockClient(STSClient);
const deps = { clients: async () => ({ dynamodb: new DynamoDBClient({ region: 'eu-west-1' }), sts: new STSClient({ region: 'eu-west-1' }) }), now: () => NOW, randomId: () => 'abcdef012345' };
const ROLE_ARN = 'arn:aws:sts::111111111111:assumed-role/rootwatch-expect-declarer-20261130abcdef/alice';

beforeEach(() => {
  ddb.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ UserId: 'AROAEXAMPLE:alice', Arn: ROLE_ARN, Account: '111111111111' });
});

describe('declare', () => {
  it('writes one item keyed by the caller user id, ending after --for, with a TTL a week later', async () => {
    ddb.on(PutItemCommand).resolves({});
    const r = await runExpect({ account: '222222222222', for: '2h', reason: 'close account, CHG-123' }, config, deps);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Declared expected root use in 222222222222 from 2026-03-01T12:00:00Z to 2026-03-01T14:00:00Z: close account, CHG-123');
    const calls = ddb.commandCalls(PutItemCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0].input).toEqual({
      TableName: 'rootwatch-expected-use',
      Item: {
        declaredBy: { S: 'AROAEXAMPLE:alice' },
        windowId: { S: `${S}-abcdef012345` },
        account: { S: '222222222222' },
        reason: { S: 'close account, CHG-123' },
        declaredByArn: { S: ROLE_ARN },
        startsAt: { N: String(S) },
        endsAt: { N: String(S + 7200) },
        expiresAt: { N: String(S + 7200 + 7 * 86400) },
      },
      ConditionExpression: 'attribute_not_exists(windowId)',
    });
  });
});

describe('list and cancel', () => {
  it('lists current and future windows', async () => {
    ddb.on(ScanCommand).resolves({
      Items: [
        { declaredBy: { S: 'AROAEXAMPLE:bob' }, windowId: { S: `${S + 60}-bbbb` }, account: { S: '333333333333' }, reason: { S: 'later' }, startsAt: { N: String(S + 60) }, endsAt: { N: String(S + 3600) } },
        { declaredBy: { S: 'AROAEXAMPLE:alice' }, windowId: { S: `${S - 60}-aaaa` }, account: { S: '222222222222' }, reason: { S: 'now' }, declaredByArn: { S: ROLE_ARN }, startsAt: { N: String(S - 60) }, endsAt: { N: String(S + 3600) } },
      ],
    });
    const r = await runExpect({ list: true }, config, deps);
    expect(r.stdout.trim().split('\n')).toEqual([
      `${S - 60}-aaaa  222222222222  2026-03-01T11:59:00Z -> 2026-03-01T13:00:00Z  active  by ${ROLE_ARN}: now`,
      `${S + 60}-bbbb  333333333333  2026-03-01T12:01:00Z -> 2026-03-01T13:00:00Z  future  by AROAEXAMPLE:bob: later`,
    ]);
    expect(ddb.commandCalls(ScanCommand)[0].args[0].input).toMatchObject({ TableName: 'rootwatch-expected-use', ExpressionAttributeValues: { ':now': { N: String(S) } } });
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
  });

  it('cancels only the caller’s own open window', async () => {
    ddb.on(UpdateItemCommand).resolves({});
    const r = await runExpect({ cancel: `${S}-abcdef012345` }, config, deps);
    expect(r.stdout).toMatch(/^Cancelled expected-use window/);
    expect(ddb.commandCalls(UpdateItemCommand)[0].args[0].input).toMatchObject({
      Key: { declaredBy: { S: 'AROAEXAMPLE:alice' }, windowId: { S: `${S}-abcdef012345` } },
      ConditionExpression: 'attribute_exists(windowId) AND attribute_not_exists(cancelledAt)',
    });
    ddb.on(UpdateItemCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    await expect(runExpect({ cancel: `${S}-abcdef012345` }, config, deps)).rejects.toThrow(/--cancel: no open window .* declared by you/);
  });
});

describe('bad input: one line, nothing written', () => {
  it.each([
    [{ account: '22222222222', for: '2h', reason: 'x' }, /^--account: must be a 12-digit/],
    [{ account: '222222222222', for: '9h', reason: 'x' }, /^--for: 9h is longer than the maximum of 8h/],
    [{ account: '222222222222', for: '2h' }, /^--reason: required/],
    [{ account: '222222222222', for: '2h', reason: '   ' }, /^--reason: required/],
    [{ account: '222222222222', for: 'soon', reason: 'x' }, /^--for: must be a duration/],
    [{ account: '222222222222', for: '2h', reason: 'a\nb' }, /^--reason: must be one printable line/],
    [{ for: '2h', reason: 'x' }, /^--account: required/],
    [{ list: true, cancel: '1-x' }, /cannot be used together/],
    [{ cancel: 'nope' }, /^--cancel: not a window id/],
  ])('%j', async (args, message) => {
    await expect(runExpect(args, config, deps)).rejects.toThrow(message);
    await expect(runExpect(args, config, deps)).rejects.toBeInstanceOf(UsageError);
    expect(ddb.calls()).toHaveLength(0);
    expect(sts.calls()).toHaveLength(0);
  });

  it('the maximum follows detection.expectedUse.maxHours', () => {
    const four = { ...config, detection: { ...config.detection, expectedUse: { ...config.detection.expectedUse, maxHours: 4 } } };
    expect(() => expectAction({ account: '222222222222', for: '5h', reason: 'x' }, four)).toThrow(/maximum of 4h/);
    expect(expectAction({ account: '222222222222', for: '4h', reason: 'x' }, four)).toMatchObject({ seconds: 14400 });
  });
});

describe('the real CLI (yargs)', () => {
  let server: http.Server;
  let requests = 0;
  let endpoint = '';
  beforeAll(async () => {
    ensureDist();
    server = http.createServer((req, res) => {
      requests++;
      req.resume();
      res.writeHead(400, { 'content-type': 'text/xml' });
      res.end('<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>loopback says no</Message></Error></ErrorResponse>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const env = () => ({ AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'eu-west-1', AWS_MAX_ATTEMPTS: '1', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' });
  const cfg = ['--config', EXAMPLE_CONFIG];

  it.each([
    [['--account', '2222', '--for', '2h', '--reason', 'x'], /^rootwatch: --account: must be a 12-digit AWS account id/],
    [['--account', '222222222222', '--for', '12h', '--reason', 'x'], /^rootwatch: --for: 12h is longer than the maximum of 8h/],
    [['--account', '222222222222', '--for', '2h'], /^rootwatch: --reason: required/],
    [['--account', '222222222222', '--for', '2h', '--reason'], /^rootwatch: Not enough arguments following: reason/],
  ])('expect %j: exit 2, one line, no request', async (args, message) => {
    const before = requests;
    const r = await runCli(['expect', ...args, ...cfg], { env: env() });
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderrLines(r)).toHaveLength(1);
    expect(stderrLines(r)[0]).toMatch(message);
    expect(requests).toBe(before);
  }, 30_000);

  it('valid input does reach AWS (the loopback endpoint), so the zero above means something', async () => {
    const before = requests;
    const r = await runCli(['expect', '--account', '222222222222', '--for', '2h', '--reason', 'CHG-1', ...cfg], { env: env() });
    expect(r.code).toBe(1);
    expect(requests).toBeGreaterThan(before);
  }, 30_000);
});

it('uses the hub region of the config by default', () => {
  expect(path.basename(EXAMPLE_CONFIG)).toBe('rootwatch.config.json');
  expect(config.hub.region).toBe('eu-west-1');
});
