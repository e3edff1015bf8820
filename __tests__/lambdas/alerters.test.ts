import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { ENV } from '../../core/lambda-contract';
import type { RootwatchAlert } from '../../core/types';
import { PAGERDUTY_CHANNEL, SLACK_CHANNEL, createAlerterHandler } from '../../lambdas/alerter';
import { handler as pagerdutyHandler } from '../../lambdas/handlers/pagerduty';
import { handler as slackHandler } from '../../lambdas/handlers/slack';
import { LoopbackServer, alertOf, closedPortUrl, ownFixture, rootCall, snsEvent, startServer } from './helpers';

const ssm = mockClient(SSMClient);
const SLACK_PARAM = '/rootwatch/slack-webhook';
const PD_PARAM = '/rootwatch/pagerduty-routing-key';
const ROUTING_KEY = 'R0UTINGKEY0123456789abcdef012345';
const ENV_KEYS = [ENV.SLACK_WEBHOOK_PARAMETER, ENV.PAGERDUTY_ROUTING_KEY_PARAMETER, ENV.ENDPOINT_URL, ENV.HTTP_TIMEOUT_MS];

let server: LoopbackServer | undefined;
let logs: string[] = [];
const capture = (entry: Record<string, unknown>) => logs.push(JSON.stringify(entry));
const noSleep = { sleep: async () => undefined };

beforeAll(() => {
  process.env.AWS_REGION = 'us-east-1';
});
beforeEach(() => {
  ssm.reset();
  logs = [];
  for (const k of ENV_KEYS) delete process.env[k];
  process.env[ENV.SLACK_WEBHOOK_PARAMETER] = SLACK_PARAM;
  process.env[ENV.PAGERDUTY_ROUTING_KEY_PARAMETER] = PD_PARAM;
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function alertMessage(eventID = '3f1c2b7e-0d5a-4c8e-9b1f-2a6d7e8f9a01', eventName = 'PutBucketPolicy'): string {
  return JSON.stringify(alertOf(rootCall({ eventID, eventName })));
}
const alarmMessage = () => JSON.stringify(ownFixture('cloudwatch-alarm-sns-synth.json'));

describe('Slack handler (handlers/slack.ts)', () => {
  it('reads the webhook URL from SSM once per container and posts text + blocks', async () => {
    const logSpy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    server = await startServer(() => ({ status: 200, body: 'ok' }));
    const webhook = `${server.url}/services/T000/B000/SECRETTOKEN`;
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: webhook } });

    await expect(slackHandler(snsEvent(alertMessage()))).resolves.toEqual({ delivered: 1 });
    await expect(slackHandler(snsEvent(alarmMessage()))).resolves.toEqual({ delivered: 1 });

    expect(server.requests).toHaveLength(2);
    expect(server.requests[0].url).toBe('/hook/path/services/T000/B000/SECRETTOKEN');
    const body = JSON.parse(server.requests[0].body);
    expect(typeof body.text).toBe('string');
    expect(body.text).toContain('PutBucketPolicy');
    expect(Array.isArray(body.blocks)).toBe(true);
    expect(JSON.parse(server.requests[1].body).text).toContain('rootwatch-heartbeat-missing');

    const calls = ssm.commandCalls(GetParameterCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0].input).toEqual({ Name: SLACK_PARAM, WithDecryption: true });
    // the webhook URL never reaches the logs
    const printed = logSpy.mock.calls.flat().join('\n');
    expect(printed).toContain('slack: delivered');
    expect(printed).not.toContain('SECRETTOKEN');
    logSpy.mockRestore();
  });

  it('posts to ROOTWATCH_ENDPOINT_URL instead of the webhook when set', async () => {
    server = await startServer(() => ({ status: 200 }));
    process.env[ENV.ENDPOINT_URL] = server.url;
    const handler = createAlerterHandler(SLACK_CHANNEL, { http: noSleep, log: capture });
    await handler(snsEvent(alertMessage()));
    expect(server.requests).toHaveLength(1);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(0);
  });

  it('refuses a webhook parameter that is not an https URL, without printing it', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'not-a-url-SECRETTOKEN' } });
    const handler = createAlerterHandler(SLACK_CHANNEL, { http: noSleep, log: capture });
    const err = await handler(snsEvent(alertMessage())).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err.message).not.toContain('SECRETTOKEN');
    expect(logs.join('\n')).not.toContain('SECRETTOKEN');
  });
});

describe('PagerDuty handler (handlers/pagerduty.ts)', () => {
  it('sends an Events API v2 trigger with the routing key from SSM to the overridden endpoint', async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    server = await startServer(() => ({ status: 202, body: '{"status":"success","dedup_key":"x"}' }));
    process.env[ENV.ENDPOINT_URL] = server.url;
    ssm.on(GetParameterCommand, { Name: PD_PARAM, WithDecryption: true }).resolves({ Parameter: { Value: ROUTING_KEY } });

    const message = alertMessage();
    await expect(pagerdutyHandler(snsEvent(message))).resolves.toEqual({ delivered: 1 });
    const body = JSON.parse(server.requests[0].body);
    const alert = JSON.parse(message) as RootwatchAlert;
    expect(body).toMatchObject({ routing_key: ROUTING_KEY, event_action: 'trigger', dedup_key: alert.facts.sessionKey });
    expect(body.payload.severity).toBe('error');
    jest.restoreAllMocks();
  });

  it('resolves the incident of a pipeline alarm that returned to OK', async () => {
    server = await startServer(() => ({ status: 202 }));
    process.env[ENV.ENDPOINT_URL] = server.url;
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: ROUTING_KEY } });
    const handler = createAlerterHandler(PAGERDUTY_CHANNEL, { http: noSleep, log: capture });
    const ok = { ...ownFixture<Record<string, unknown>>('cloudwatch-alarm-sns-synth.json'), NewStateValue: 'OK' };
    await handler(snsEvent(JSON.stringify(ok)));
    expect(JSON.parse(server.requests[0].body)).toMatchObject({ event_action: 'resolve', routing_key: ROUTING_KEY });
  });

  it('re-reads the routing key after PagerDuty rejected it', async () => {
    server = await startServer((n) => (n === 0 ? { status: 400, body: '{"status":"invalid event"}' } : { status: 202 }));
    process.env[ENV.ENDPOINT_URL] = server.url;
    ssm.on(GetParameterCommand).resolvesOnce({ Parameter: { Value: 'old-key' } }).resolves({ Parameter: { Value: ROUTING_KEY } });
    const handler = createAlerterHandler(PAGERDUTY_CHANNEL, { http: noSleep, log: capture });
    await expect(handler(snsEvent(alertMessage()))).rejects.toMatchObject({ name: 'DeliveryError', retryable: false });
    await expect(handler(snsEvent(alertMessage()))).resolves.toEqual({ delivered: 1 });
    expect(JSON.parse(server.requests[1].body).routing_key).toBe(ROUTING_KEY);
    expect(logs.join('\n')).not.toContain(ROUTING_KEY);
    expect(logs.join('\n')).not.toContain('old-key');
  });

  it('fails the invocation when SSM cannot be read', async () => {
    process.env[ENV.ENDPOINT_URL] = 'http://127.0.0.1:9/unused';
    ssm.on(GetParameterCommand).rejects(new Error('AccessDeniedException'));
    const handler = createAlerterHandler(PAGERDUTY_CHANNEL, { http: noSleep, log: capture });
    await expect(handler(snsEvent(alertMessage()))).rejects.toThrow('AccessDeniedException');
  });
});

describe('delivery outcomes against loopback endpoints', () => {
  it('retries a 429 with Retry-After and delivers', async () => {
    server = await startServer((n) => (n === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }));
    process.env[ENV.ENDPOINT_URL] = server.url;
    const sleeps: number[] = [];
    const handler = createAlerterHandler(SLACK_CHANNEL, { http: { sleep: async (ms) => void sleeps.push(ms) }, log: capture });
    await expect(handler(snsEvent(alertMessage()))).resolves.toEqual({ delivered: 1 });
    expect(sleeps).toEqual([1000]);
    expect(server.requests).toHaveLength(2);
  });

  it('retries a 500 and delivers', async () => {
    server = await startServer((n) => (n === 0 ? { status: 500 } : { status: 202 }));
    process.env[ENV.ENDPOINT_URL] = server.url;
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: ROUTING_KEY } });
    const handler = createAlerterHandler(PAGERDUTY_CHANNEL, { http: noSleep, log: capture });
    await expect(handler(snsEvent(alertMessage()))).resolves.toEqual({ delivered: 1 });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1].body).toBe(server.requests[0].body);
  });

  it('throws when the endpoint hangs past the timeout on every attempt', async () => {
    server = await startServer(() => 'hang');
    process.env[ENV.ENDPOINT_URL] = server.url;
    process.env[ENV.HTTP_TIMEOUT_MS] = '100';
    const handler = createAlerterHandler(SLACK_CHANNEL, { http: noSleep, log: capture });
    const started = Date.now();
    await expect(handler(snsEvent(alertMessage()))).rejects.toMatchObject({ name: 'DeliveryError', status: null });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(server.requests).toHaveLength(4);
  });

  it('throws when the connection is refused', async () => {
    process.env[ENV.ENDPOINT_URL] = await closedPortUrl();
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: ROUTING_KEY } });
    const handler = createAlerterHandler(PAGERDUTY_CHANNEL, { http: noSleep, log: capture });
    await expect(handler(snsEvent(alertMessage()))).rejects.toMatchObject({ name: 'DeliveryError', attempts: 4 });
  });

  it('rejects a message that is neither an alert nor an alarm (failure path, not silence)', async () => {
    server = await startServer(() => ({ status: 200 }));
    process.env[ENV.ENDPOINT_URL] = server.url;
    const handler = createAlerterHandler(SLACK_CHANNEL, { http: noSleep, log: capture });
    await expect(handler(snsEvent('{"unexpected":true}'))).rejects.toThrow(/neither/);
    await expect(handler({ hello: 'world' })).rejects.toThrow(/not an SNS event/);
    expect(server.requests).toHaveLength(0);
  });

  it('accounts for every alert: each is delivered or its invocation throws', async () => {
    type Behaviour = 'ok' | 'throttled-once' | 'error-twice' | 'error-always' | 'bad-request' | 'hang';
    const behaviours: Behaviour[] = ['ok', 'throttled-once', 'error-twice', 'error-always', 'bad-request', 'hang'];
    const plan = new Map<string, Behaviour>();
    const seen = new Map<string, number>();
    const okAt = new Set<string>();
    server = await startServer((_n, req) => {
      const id = String(JSON.parse(req.body).payload.custom_details.eventId);
      const k = seen.get(id) ?? 0;
      seen.set(id, k + 1);
      const b = plan.get(id)!;
      let answer: { status: number; headers?: Record<string, string> } | 'hang';
      if (b === 'ok') answer = { status: 202 };
      else if (b === 'throttled-once') answer = k === 0 ? { status: 429, headers: { 'retry-after': '0' } } : { status: 202 };
      else if (b === 'error-twice') answer = k < 2 ? { status: 502 } : { status: 202 };
      else if (b === 'error-always') answer = { status: 503 };
      else if (b === 'bad-request') answer = { status: 400 };
      else answer = 'hang';
      if (answer !== 'hang' && answer.status === 202) okAt.add(id);
      return answer;
    });
    process.env[ENV.ENDPOINT_URL] = server.url;
    process.env[ENV.HTTP_TIMEOUT_MS] = '1500'; // generous: 24 requests at once on a loaded machine
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: ROUTING_KEY } });
    const handler = createAlerterHandler(PAGERDUTY_CHANNEL, { http: noSleep, log: capture });

    const ids: string[] = [];
    for (let i = 0; i < 24; i++) {
      const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      plan.set(id, behaviours[i % behaviours.length]);
      ids.push(id);
    }
    const results = await Promise.allSettled(ids.map((id) => handler(snsEvent(alertMessage(id)))));
    const delivered = ids.filter((_, i) => results[i].status === 'fulfilled');
    const failed = ids.filter((_, i) => results[i].status === 'rejected');
    expect(delivered.length + failed.length).toBe(ids.length);
    // resolved means the endpoint accepted it (a failure may still have been accepted once, e.g. a
    // response that arrived after the timeout: a possible duplicate on retry, never a loss)
    for (const id of delivered) expect(okAt.has(id)).toBe(true);
    expect(delivered.map((id) => plan.get(id)).sort()).toEqual(
      ids.map((id) => plan.get(id)!).filter((b) => ['ok', 'throttled-once', 'error-twice'].includes(b)).sort(),
    );
  });
});
