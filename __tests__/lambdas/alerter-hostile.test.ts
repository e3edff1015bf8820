/**
 * The alerters against hostile endpoints and hostile alerts (loopback servers on 127.0.0.1 only):
 * capped response bodies, bounded SSM reads, a body stalling after 200, redaction of any part of a
 * secret, PagerDuty bodies within the Events API v2 schema, renderers that never crash.
 */
import { SSMClient } from '@aws-sdk/client-ssm';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ENV } from '../../core/lambda-contract';
import type { RootwatchAlert } from '../../core/types';
import { PAGERDUTY_CHANNEL, SLACK_CHANNEL, deliverSnsEvent } from '../../lambdas/alerter';
import { Deadline, DeadlineError } from '../../lambdas/deadline';
import { RESPONSE_BODY_MAX_BYTES, postJson, redact } from '../../lambdas/deliver';
import {
  pagerDutyProblems,
  parseNotification,
  renderPagerDutyNotification,
  renderSlackNotification,
  slackProblems,
} from '../../lambdas/format';
import { createSecretReader } from '../../lambdas/secrets';
import { alertOf, rootCall, snsEvent } from './helpers';

const ROUTING_KEY = 'R0UTINGKEY0123456789abcdef012345';

/** A raw loopback server: `handle` gets the request and response once the body was read. */
async function rawServer(handle: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void) {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => handle(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}


describe('response bodies', () => {
  it('reads at most RESPONSE_BODY_MAX_BYTES of a 100 MB body and stops the transfer', async () => {
    let sent = 0;
    let closed = false;
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    const srv = await rawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(100 * chunk.length) });
      const pump = () => {
        while (!closed && sent < 100 * chunk.length) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => (closed = true));
      pump();
    });
    try {
      const before = process.memoryUsage().rss;
      const r = await postJson(`${srv.url}/hook`, { text: 'x' }, { timeoutMs: 10_000 });
      expect(r.status).toBe(200);
      expect(Buffer.byteLength(r.body)).toBeLessThanOrEqual(2000);
      await new Promise((resolve) => setTimeout(resolve, 200));
      // the rest was never transferred (kernel buffers aside), nor held in memory
      expect(sent).toBeLessThan(40 * chunk.length);
      expect(process.memoryUsage().rss - before).toBeLessThan(80 * 1024 * 1024);
      expect(RESPONSE_BODY_MAX_BYTES).toBeLessThanOrEqual(64 * 1024);
    } finally {
      await srv.close();
    }
  }, 30_000);

  it('counts a 200 whose body then stalls as delivered (not as a permanent rejection)', async () => {
    const srv = await rawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('o'); // headers and a first byte, then nothing
    });
    const logs: Record<string, unknown>[] = [];
    const secrets = { get: async () => `${srv.url}/services/T0/B0/tok`, invalidate: jest.fn() };
    try {
      const message = JSON.stringify(alertOf(rootCall()));
      const result = await deliverSnsEvent(snsEvent(message), SLACK_CHANNEL, {
        secrets,
        env: { [ENV.SLACK_WEBHOOK_PARAMETER]: '/p', [ENV.HTTP_TIMEOUT_MS]: '300' },
        log: (e) => logs.push(e),
      });
      expect(result).toEqual({ delivered: 1 });
      expect(secrets.invalidate).not.toHaveBeenCalled();
      expect(JSON.stringify(logs)).not.toMatch(/rejected/);
      expect(JSON.stringify(logs)).toMatch(/response body could not be read/);
    } finally {
      await srv.close();
    }
  });
});

describe('bounded awaits', () => {
  it('gives up on an SSM GetParameter that never answers, well before the Lambda timeout', async () => {
    const srv = await rawServer(() => undefined); // accepts, never answers
    try {
      const client = new SSMClient({ region: 'us-east-1', endpoint: srv.url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' }, maxAttempts: 1 });
      const reader = createSecretReader(client, { readTimeoutMs: 400 });
      const started = Date.now();
      await expect(reader.get('/rootwatch/slack')).rejects.toThrow(DeadlineError);
      expect(Date.now() - started).toBeLessThan(3000);
      client.destroy();
    } finally {
      await srv.close();
    }
  });

  it('bounds the whole invocation by the Lambda context: a hanging SSM fails the record in time', async () => {
    const srv = await rawServer(() => undefined);
    try {
      const client = new SSMClient({ region: 'us-east-1', endpoint: srv.url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' }, maxAttempts: 1 });
      const secrets = createSecretReader(client); // default 5 s bound, cut to what the invocation has
      const started = Date.now();
      const deadline = Deadline.fromContext({ getRemainingTimeInMillis: () => 2500 }, 60_000, 60_000, 500);
      await expect(
        deliverSnsEvent(snsEvent(JSON.stringify(alertOf(rootCall()))), PAGERDUTY_CHANNEL, {
          secrets,
          env: { [ENV.PAGERDUTY_ROUTING_KEY_PARAMETER]: '/p' },
          log: () => undefined,
          deadline,
        }),
      ).rejects.toThrow(/SSM GetParameter|no time left/);
      expect(Date.now() - started).toBeLessThan(2500);
      client.destroy();
    } finally {
      await srv.close();
    }
  });
});

describe('redaction', () => {
  it('removes any part of a secret (6+ characters), also URL-encoded', () => {
    const secret = 'https://hooks.slack.com/services/T0AAAA/B0BBBB/abcdefSECRETtoken';
    expect(redact('no route for /services/T0AAAA/B0BBBB/abcdefSECRETtoken here', [secret])).toBe('no route for [redacted] here');
    expect(redact('bad token SECRETtok', [secret])).not.toContain('SECRETtok');
    expect(redact('echo abcdef%2FSECRET', [encodeURIComponent('abcdef/SECRET')])).not.toContain('SECRET');
    expect(redact('nothing to hide', [secret])).toBe('nothing to hide');
  });

  it.each([
    ['slack', (url: string) => `${url}/services/T0AAAA/B0BBBB/abcdefSECRETtoken`, 'abcdefSECRETtoken'],
    ['pagerduty', () => ROUTING_KEY, ROUTING_KEY.slice(4, 20)],
  ] as const)('%s: a 400 echoing part of the secret leaves it out of logs and errors', async (name, secretFor, part) => {
    let secret = '';
    const srv = await rawServer((req, res) => {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`proxy error: cannot route ${req.url}; key fragment ${part}; path /services/T0AAAA/B0BBBB`);
    });
    secret = secretFor(srv.url);
    const logs: Record<string, unknown>[] = [];
    try {
      const channel = name === 'slack' ? SLACK_CHANNEL : PAGERDUTY_CHANNEL;
      const env = name === 'slack' ? { [ENV.SLACK_WEBHOOK_PARAMETER]: '/p' } : { [ENV.PAGERDUTY_ROUTING_KEY_PARAMETER]: '/p', [ENV.ENDPOINT_URL]: `${srv.url}/v2/enqueue` };
      const err = await deliverSnsEvent(snsEvent(JSON.stringify(alertOf(rootCall()))), channel, {
        secrets: { get: async () => secret, invalidate: () => undefined },
        env,
        log: (e) => logs.push(e),
      }).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      const printed = `${JSON.stringify(logs)}\n${(err as Error).message}`;
      expect(printed).toContain('[redacted]');
      expect(printed).not.toContain(part);
      expect(printed).not.toContain(part.slice(2, 10));
    } finally {
      await srv.close();
    }
  });
});

/** Alerts that pass the shallow shape check but are malformed in depth. */
function malformedAlerts(): unknown[] {
  const good = alertOf(rootCall()) as unknown as Record<string, unknown>;
  const facts = good.facts as Record<string, unknown>;
  const weird: unknown[] = [{ toString: 1 }, ['a', 'b'], 12, null, true, { valueOf: null }, '\ud800lone', 'x'.repeat(100_000)];
  const out: unknown[] = [];
  for (const w of weird) {
    for (const k of Object.keys(facts)) if (k !== 'account') out.push({ ...good, facts: { ...facts, [k]: w } });
    for (const k of ['summary', 'reason', 'accountName', 'assumedRoot', 'cisPath', 'event', 'digest']) out.push({ ...good, [k]: w });
    out.push({ ...good, digest: { count: w, firstEventTime: w, lastEventTime: w, eventNames: w } });
    out.push({ ...good, digest: { count: 3, firstEventTime: 'a', lastEventTime: 'b', eventNames: { a: w, [typeof w === 'string' ? w.slice(0, 50) : 'k']: 2 } } });
  }
  out.push({ ...good, severity: 'toString' }, { ...good, severity: 'constructor' }, { ...good, severity: 'urgent' }, { ...good, alertType: 'bogus' }, { ...good, facts: { ...facts, sessionKey: 'k'.repeat(1000), eventTime: '+300000-01-01T00:00:00Z' } });
  out.push({ ...good, facts: { ...facts, consoleUrl: 'https://' + 'a'.repeat(5000) } }, { ...good, facts: { ...facts, account: '\u0000' } });
  out.push({ AlarmName: '\ud800', NewStateValue: 'ALARM', AlarmArn: 'arn:aws:cloudwatch:us-east-1:1:alarm:\ud800', StateChangeTime: 'soon', Trigger: [1] });
  out.push({ AlarmName: 'a', NewStateValue: 'OK', AWSAccountId: { toString: 1 }, NewStateReason: ['x'] });
  return out;
}

describe('renderers on malformed alerts that pass the shape check', () => {
  it.each(malformedAlerts().map((a, i) => [i, a] as const))('case %i renders valid Slack and PagerDuty bodies, without throwing', (_i, value) => {
    const n = parseNotification(JSON.stringify(value));
    const slack = renderSlackNotification(n);
    if ('blocks' in slack) expect(slackProblems(slack)).toEqual([]);
    else expect(slack.text.length).toBeGreaterThan(0);
    expect(pagerDutyProblems(renderPagerDutyNotification(n, ROUTING_KEY))).toEqual([]);
  });

  it('maps unknown severities and cuts long dedup keys instead of sending a body PagerDuty would refuse', () => {
    const good = alertOf(rootCall()) as RootwatchAlert;
    const body = renderPagerDutyNotification(parseNotification(JSON.stringify({ ...good, severity: 'urgent', facts: { ...good.facts, sessionKey: 'k'.repeat(400) } })), ROUTING_KEY);
    expect(body.payload!.severity).toBe('error');
    expect(body.dedup_key.length).toBeLessThanOrEqual(255);
    expect(pagerDutyProblems({ ...body, payload: { ...body.payload, severity: 'urgent' } })).toEqual(['payload.severity: must be critical, error, warning or info']);
  });
});

describe('unusual answers', () => {
  it('Slack: a 200 whose body is not "ok" is delivered but logged as a warning (never silent)', async () => {
    const srv = await rawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('invalid_payload');
    });
    const logs: Record<string, unknown>[] = [];
    try {
      const result = await deliverSnsEvent(snsEvent(JSON.stringify(alertOf(rootCall()))), SLACK_CHANNEL, {
        secrets: { get: async () => `${srv.url}/services/T0/B0/tok`, invalidate: () => undefined },
        env: { [ENV.SLACK_WEBHOOK_PARAMETER]: '/p' },
        log: (e) => logs.push(e),
      });
      expect(result).toEqual({ delivered: 1 });
      const warn = logs.find((l) => l.level === 'warn');
      expect(String(warn?.answer)).toContain('invalid_payload');
    } finally {
      await srv.close();
    }
  });
});
