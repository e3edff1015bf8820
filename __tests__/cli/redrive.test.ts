/**
 * `rootwatch redrive` (cli/redrive.ts): a path's forwarding dead-letter queue read through a mocked
 * SQS client and handed to a mocked notifier (aws-sdk-client-mock); then the real CLI (yargs, child
 * process) against a loopback SQS + Lambda endpoint for the happy path, a notifier error, the dry
 * run and bad flags/credentials (one line, exit 2, no request).
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { ENV } from '../../core/lambda-contract';
import { handler as notifierHandler } from '../../lambdas/handlers/notifier';
import { parseDeadLetterEvent, runRedrive } from '../../cli/redrive';
import { loadConfig } from '../../cli/load-config';
import { EXAMPLE_CONFIG } from '../helpers/configs';
import { ensureDist, runCli, stderrLines } from '../helpers/cli';

const config = loadConfig(EXAMPLE_CONFIG); // hub 111111111111 eu-west-1; staging 333333333333 in us-east-1 and eu-west-1
const sqs = mockClient(SQSClient);
const lambda = mockClient(LambdaClient);
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/333333333333/rootwatch-forward-dlq';

/** A root CloudTrail event of the staging account (the shape of the repo's fixture, re-homed). */
function rootEvent(id: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'events', 'root-iam-deactivatemfadevice-synth.json'), 'utf8'));
  return { ...fixture, id, account: '333333333333', region: 'us-east-1', detail: { ...fixture.detail, recipientAccountId: '333333333333' }, ...over };
}
const message = (n: number, body: string): Message => ({
  MessageId: `m-${n}`,
  ReceiptHandle: `rh-${n}`,
  Body: body,
  MessageAttributes: { ERROR_CODE: { DataType: 'String', StringValue: 'SDK_CLIENT_ERROR' } },
});
const ok = (action: unknown) => ({ StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify(action)) as never });

beforeEach(() => {
  sqs.reset();
  lambda.reset();
  sqs.on(DeleteMessageCommand).resolves({});
  sqs.on(ChangeMessageVisibilityCommand).resolves({});
});

describe('runRedrive (mocked SQS and Lambda)', () => {
  it('hands every event to the notifier as the hub rule would (payload = the event) and deletes each after it was accepted', async () => {
    const a = rootEvent('ev-a');
    const b = rootEvent('ev-b');
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: [message(1, JSON.stringify(a)), message(2, JSON.stringify(b))] }).resolves({});
    lambda.on(InvokeCommand).resolves(ok({ action: 'published', sessionKey: 'k' }));
    const r = await runRedrive({ account: '333333333333', region: 'us-east-1', dryRun: false, json: true, config });
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ queueUrl: QUEUE, notifier: 'rootwatch-notifier (eu-west-1)', redriven: 2, kept: 0 });
    expect(out.messages[0]).toEqual({ messageId: 'm-1', eventId: 'ev-a', detailType: 'AWS API Call via CloudTrail', deadLetterReason: 'SDK_CLIENT_ERROR', result: 'redriven', detail: 'notifier: published' });
    // the queue of the path, in the path's region; the notifier in the hub's region
    const receive = sqs.commandCalls(ReceiveMessageCommand)[0].args[0].input;
    expect(receive).toMatchObject({ QueueUrl: QUEUE, MessageAttributeNames: ['All'] });
    expect(await sqs.send.getCall(0).thisValue.config.region()).toBe('us-east-1');
    const invokes = lambda.commandCalls(InvokeCommand);
    expect(await lambda.send.getCall(0).thisValue.config.region()).toBe('eu-west-1');
    expect(invokes.map((c) => c.args[0].input.FunctionName)).toEqual(['rootwatch-notifier', 'rootwatch-notifier']);
    expect(invokes[0].args[0].input.InvocationType).toBe('RequestResponse');
    expect(JSON.parse(new TextDecoder().decode(invokes[0].args[0].input.Payload as Uint8Array))).toEqual(a);
    expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: QUEUE, ReceiptHandle: 'rh-1' },
      { QueueUrl: QUEUE, ReceiptHandle: 'rh-2' },
    ]);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)).toHaveLength(0);
  });

  it('partial failure: a notifier error or an unparseable body keeps that message (not deleted, made visible again), exit 1', async () => {
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message(1, JSON.stringify(rootEvent('ev-a'))), message(2, JSON.stringify(rootEvent('ev-b'))), message(3, 'not json{')] })
      .resolves({});
    lambda
      .on(InvokeCommand)
      .resolvesOnce(ok({ action: 'published', sessionKey: 'k' }))
      .resolvesOnce({ StatusCode: 200, FunctionError: 'Unhandled', Payload: new TextEncoder().encode(JSON.stringify({ errorType: 'Error', errorMessage: 'SNS Publish timed out' })) as never });
    const r = await runRedrive({ account: '333333333333', region: 'us-east-1', dryRun: false, json: false, config });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('REDRIVEN      m-1  AWS API Call via CloudTrail ev-a: notifier: published');
    expect(r.stdout).toContain('KEPT          m-2  AWS API Call via CloudTrail ev-b: notifier error: Error: SNS Publish timed out');
    expect(r.stdout).toContain('KEPT          m-3  -: body: not JSON');
    expect(r.stdout).toContain('1 handed to rootwatch-notifier in eu-west-1 and deleted, 2 kept in the queue');
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(2); // the unparseable body is never sent
    expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle)).toEqual(['rh-1']);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: QUEUE, ReceiptHandle: 'rh-2', VisibilityTimeout: 0 },
      { QueueUrl: QUEUE, ReceiptHandle: 'rh-3', VisibilityTimeout: 0 },
    ]);
  });

  it('a kept message seen again is not handed over twice (the loop ends)', async () => {
    const body = JSON.stringify(rootEvent('ev-a'));
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [message(1, body)] });
    lambda.on(InvokeCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    const r = await runRedrive({ account: '333333333333', region: 'us-east-1', dryRun: false, json: true, config });
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout).messages).toEqual([expect.objectContaining({ result: 'kept', detail: 'notifier not invoked: TooManyRequestsException: Rate exceeded' })]);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(1);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input.VisibilityTimeout)).toEqual([0]);
  });

  it('dry run: reads and reports, invokes and deletes nothing, releases every message', async () => {
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: [message(1, JSON.stringify(rootEvent('ev-a'))), message(2, '{"detail":{}}')] }).resolves({});
    const r = await runRedrive({ account: '333333333333', region: 'us-east-1', dryRun: true, json: true, config });
    expect(r.exitCode).toBe(1); // the second message would stay
    expect(JSON.parse(r.stdout)).toMatchObject({ dryRun: true, wouldRedrive: 1, kept: 1, redriven: 0 });
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)).toHaveLength(2);
  });

  it('an empty queue: exit 0, nothing invoked', async () => {
    sqs.on(ReceiveMessageCommand).resolves({});
    const r = await runRedrive({ account: '333333333333', region: 'us-east-1', dryRun: false, json: false, config });
    expect(r).toEqual({ exitCode: 0, stdout: `Dead-letter queue ${QUEUE}: 0 message(s)\n0 handed to rootwatch-notifier in eu-west-1 and deleted, 0 kept in the queue\n` });
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });

  it.each([
    [{ account: '33333' }, "--account '33333' must be a 12-digit account id"],
    [{ account: '999999999999' }, '--account 999999999999 is not monitored by this config (not the hub, a spoke or the management account)'],
    [{ region: 'mars' }, "--region 'mars' is not a region name (e.g. eu-west-1)"],
    [{ region: 'us-west-2' }, '--region us-west-2 is not monitored for 333333333333 (its regions: us-east-1, eu-west-1)'],
    [{ profile: ' ' }, '--profile must not be empty'],
  ])('bad flags %j: one line naming the flag, exit 2, no AWS call', async (over, error) => {
    const r = await runRedrive({ account: '333333333333', region: 'us-east-1', dryRun: false, json: false, config, ...over });
    expect(r).toEqual({ stdout: '', exitCode: 2, error });
    expect(sqs.calls()).toHaveLength(0);
  });

  it('credential errors: one line naming whose credentials failed, exit 2, nothing deleted', async () => {
    sqs.on(ReceiveMessageCommand).rejects(Object.assign(new Error('The security token included in the request is expired\nsecond line'), { name: 'ExpiredTokenException' }));
    expect(await runRedrive({ account: '333333333333', region: 'us-east-1', dryRun: false, json: false, config })).toEqual({
      stdout: '',
      exitCode: 2,
      error: '--profile credentials: The security token included in the request is expired',
    });
    sqs.reset();
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: [message(1, JSON.stringify(rootEvent('ev-a')))] }).resolves({});
    lambda.on(InvokeCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    const r = await runRedrive({ account: '333333333333', region: 'us-east-1', dryRun: false, json: false, config });
    expect(r).toEqual({ stdout: '', exitCode: 2, error: '--hub-profile credentials: Could not load credentials from any providers' });
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)).toHaveLength(1); // released for the next try
  });
});

describe('the payload redrive sends is what the notifier handler accepts', () => {
  const sns = mockClient(SNSClient);
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    sns.reset();
    jest.restoreAllMocks();
  });

  it('a dead-lettered root event, invoked through the real notifier handler, is published as a root alert', async () => {
    for (const k of Object.values(ENV)) delete process.env[k];
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      [ENV.LOGIN_TOPIC_ARN]: 'arn:aws:sns:eu-west-1:111111111111:rootwatch-login',
      [ENV.ACTIVITY_TOPIC_ARN]: 'arn:aws:sns:eu-west-1:111111111111:rootwatch-activity',
      [ENV.NAME_PREFIX]: 'rootwatch',
    });
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    sns.on(PublishCommand).resolves({ MessageId: 'x' });
    // the Lambda service, played by the handler itself: payload in, result (or FunctionError) out
    lambda.on(InvokeCommand).callsFake(async (input: { Payload: Uint8Array }) => {
      try {
        const result = await notifierHandler(JSON.parse(new TextDecoder().decode(input.Payload)));
        return { StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify(result)) };
      } catch (err) {
        return { StatusCode: 200, FunctionError: 'Unhandled', Payload: new TextEncoder().encode(JSON.stringify({ errorType: 'Error', errorMessage: String(err) })) };
      }
    });
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: [message(1, JSON.stringify(rootEvent('ev-a')))] }).resolves({});
    const r = await runRedrive({ account: '333333333333', region: 'us-east-1', dryRun: false, json: true, config });
    expect(JSON.parse(r.stdout).messages[0]).toMatchObject({ result: 'redriven', detail: 'notifier: published' });
    const [publish] = sns.commandCalls(PublishCommand);
    expect(publish.args[0].input.TopicArn).toBe('arn:aws:sns:eu-west-1:111111111111:rootwatch-activity');
    expect(publish.args[0].input.Message).toContain('333333333333');
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(1);
  });
});

describe('parseDeadLetterEvent', () => {
  it('accepts an EventBridge event of this path and refuses anything else with the field named', () => {
    expect(parseDeadLetterEvent(JSON.stringify(rootEvent('x')), '333333333333', 'us-east-1')).toMatchObject({ id: 'x', source: 'aws.iam' });
    expect(parseDeadLetterEvent('[1]', '333333333333', 'us-east-1')).toBe('body: not a JSON object');
    expect(parseDeadLetterEvent(JSON.stringify({ ...rootEvent('x'), 'detail-type': undefined }), '333333333333', 'us-east-1')).toBe('detail-type: missing (not an EventBridge event)');
    expect(parseDeadLetterEvent(JSON.stringify(rootEvent('x', { account: '222222222222' })), '333333333333', 'us-east-1')).toBe(`account: "222222222222" is not this path's account 333333333333`);
    expect(parseDeadLetterEvent(JSON.stringify(rootEvent('x', { region: 'eu-west-1' })), '333333333333', 'us-east-1')).toBe(`region: "eu-west-1" is not this path's region us-east-1`);
  });
});

/** A loopback SQS (AWS JSON protocol) and Lambda (REST) endpoint holding one queue and one notifier. */
describe('rootwatch redrive (CLI through yargs, loopback SQS + Lambda)', () => {
  let server: http.Server;
  let endpoint = '';
  let queue: Array<{ id: string; body: string; hidden: boolean }> = [];
  let notifierFails = new Set<string>();
  const invoked: Array<{ fn: string; event: Record<string, unknown> }> = [];
  const deleted: string[] = [];
  let requests = 0;

  beforeAll(async () => {
    ensureDist();
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (d) => (raw += d));
      req.on('end', () => {
        requests++;
        const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
          res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', ...headers });
          res.end(JSON.stringify(body));
        };
        const target = String(req.headers['x-amz-target'] ?? '');
        const input = raw ? JSON.parse(raw) : {};
        if (target === 'AmazonSQS.ReceiveMessage') {
          const visible = queue.filter((m) => !m.hidden).slice(0, input.MaxNumberOfMessages ?? 1);
          visible.forEach((m) => (m.hidden = true));
          return json(200, visible.length === 0 ? {} : { Messages: visible.map((m) => ({ MessageId: m.id, ReceiptHandle: `rh-${m.id}`, Body: m.body, MD5OfBody: createHash('md5').update(m.body).digest('hex') })) });
        }
        if (target === 'AmazonSQS.DeleteMessage') {
          const id = String(input.ReceiptHandle).slice(3);
          deleted.push(id);
          queue = queue.filter((m) => m.id !== id);
          return json(200, {});
        }
        if (target === 'AmazonSQS.ChangeMessageVisibility') {
          for (const m of queue) if (`rh-${m.id}` === input.ReceiptHandle) m.hidden = false;
          return json(200, {});
        }
        const fn = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url ?? '')?.[1];
        if (req.method === 'POST' && fn) {
          const event = JSON.parse(raw);
          invoked.push({ fn: decodeURIComponent(fn), event });
          if (notifierFails.has(event.id)) return json(200, { errorType: 'Error', errorMessage: 'boom' }, { 'x-amz-function-error': 'Unhandled' });
          return json(200, { action: 'published', sessionKey: 'k' });
        }
        json(400, { __type: 'UnknownOperationException', message: `loopback: ${target || req.url}` });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    invoked.length = 0;
    deleted.length = 0;
    notifierFails = new Set();
  });
  const env = (over: Record<string, string> = {}) => ({
    AWS_ENDPOINT_URL_SQS: endpoint,
    AWS_ENDPOINT_URL_LAMBDA: endpoint,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'x',
    AWS_MAX_ATTEMPTS: '1',
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    ...over,
  });
  const cli = (args: string[], over: Record<string, string> = {}) =>
    runCli(['redrive', '--account', '333333333333', '--region', 'us-east-1', '--config', EXAMPLE_CONFIG, ...args], { env: env(over) });
  const fill = (...ids: string[]) => (queue = ids.map((id) => ({ id, body: id === 'junk' ? '<xml/>' : JSON.stringify(rootEvent(id)), hidden: false })));

  it('happy path: every event reaches the notifier (payload = the event), the queue ends empty, exit 0', async () => {
    fill('a', 'b', 'c');
    const r = await cli(['--json']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(r.stdout)).toMatchObject({ redriven: 3, kept: 0 });
    expect(invoked.map((i) => [i.fn, i.event.id, i.event.source])).toEqual([
      ['rootwatch-notifier', 'a', 'aws.iam'],
      ['rootwatch-notifier', 'b', 'aws.iam'],
      ['rootwatch-notifier', 'c', 'aws.iam'],
    ]);
    expect(deleted).toEqual(['a', 'b', 'c']);
    expect(queue).toEqual([]);
  }, 60_000);

  it('partial failure: the refused event and the junk body stay in the queue, visible again; exit 1', async () => {
    fill('a', 'b', 'junk');
    notifierFails = new Set(['b']);
    const r = await cli([]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('1 handed to rootwatch-notifier in eu-west-1 and deleted, 2 kept in the queue');
    expect(deleted).toEqual(['a']);
    expect(queue.map((m) => [m.id, m.hidden])).toEqual([
      ['b', false],
      ['junk', false],
    ]);
  }, 60_000);

  it('--dry-run: nothing invoked, nothing deleted', async () => {
    fill('a', 'b');
    const r = await cli(['--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2 would be handed to rootwatch-notifier in eu-west-1, 0 would stay');
    expect(invoked).toEqual([]);
    expect(deleted).toEqual([]);
    expect(queue.map((m) => m.hidden)).toEqual([false, false]);
  }, 60_000);

  it.each([
    [['--account', '12', '--region', 'us-east-1'], /^rootwatch: --account '12' must be a 12-digit account id$/],
    [['--account', '333333333333', '--region', 'ap-southeast-2'], /^rootwatch: --region ap-southeast-2 is not monitored for 333333333333/],
    [['--account', '333333333333', '--region'], /^rootwatch: Not enough arguments following: region$/],
    [['--region', 'us-east-1'], /^rootwatch: Missing required argument: account$/],
    [['--account', '333333333333', '--account', '222222222222', '--region', 'us-east-1'], /^rootwatch: --account: given 2 times; give it once$/],
  ])('bad flags %j: one line, exit 2, no request', async (args, error) => {
    const before = requests;
    const r = await runCli(['redrive', '--config', EXAMPLE_CONFIG, ...args], { env: env() });
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderrLines(r)).toHaveLength(1);
    expect(stderrLines(r)[0]).toMatch(error);
    expect(requests).toBe(before);
  }, 60_000);

  it('no credentials (an unknown --profile): one line naming the flag, exit 2', async () => {
    fill('a');
    const r = await cli(['--profile', 'rootwatch-test-no-such-profile']);
    expect(r.code).toBe(2);
    expect(stderrLines(r)).toHaveLength(1);
    expect(stderrLines(r)[0]).toMatch(/^rootwatch: --profile credentials: /);
    expect(queue).toHaveLength(1);
  }, 60_000);
});
