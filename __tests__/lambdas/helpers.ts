/** Shared helpers of the Lambda tests (not a test file). */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { toAlert } from '../../core/alert';
import { sharedFixturesDir } from '../helpers/shared-fixtures';
import { classify } from '../../core/classify';
import type { EventBridgeEvent, RootwatchAlert } from '../../core/types';

/** The shared real CloudTrail fixtures (read in place, never copied). */
const SHARED_FIXTURES_DIR = sharedFixturesDir();
export const OWN_FIXTURES_DIR = path.resolve(__dirname, 'fixtures');

export interface SharedFixture {
  file: string;
  expectedRoot: boolean;
  event: EventBridgeEvent;
}

let announced = false;
/** The shared fixtures, or null (after printing one line) when the folder is absent. */
export function sharedFixtures(): SharedFixture[] | null {
  if (!fs.existsSync(path.join(SHARED_FIXTURES_DIR, 'INDEX.tsv'))) {
    if (!announced) console.log(`shared fixtures not found at ${SHARED_FIXTURES_DIR}; skipping the tests that use them`);
    announced = true;
    return null;
  }
  const rows = fs.readFileSync(path.join(SHARED_FIXTURES_DIR, 'INDEX.tsv'), 'utf8').trim().split('\n').slice(1);
  return rows.map((row) => {
    const [file, expectedRoot] = row.split('\t');
    return {
      file,
      expectedRoot: expectedRoot === 'yes',
      event: JSON.parse(fs.readFileSync(path.join(SHARED_FIXTURES_DIR, file), 'utf8')) as EventBridgeEvent,
    };
  });
}

export function ownFixture<T = EventBridgeEvent>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(OWN_FIXTURES_DIR, name), 'utf8')) as T;
}

/** The alert core/classify + core/alert make of an event (throws when there is none). */
export function alertOf(event: unknown, accountNames?: Record<string, string>): RootwatchAlert {
  const alert = toAlert(event as EventBridgeEvent, classify(event), accountNames);
  if (!alert) throw new Error('event gave no alert');
  return alert;
}

/** A root API call built from the synthesized fixture, with changes. */
export function rootCall(changes: {
  eventName?: string;
  eventSource?: string;
  eventID?: string;
  time?: string;
  userAgent?: string;
  sourceIPAddress?: string;
  account?: string;
  readOnly?: boolean;
} = {}): EventBridgeEvent {
  const e = ownFixture('root-api-call-synth.json');
  const d = e.detail as Record<string, unknown>;
  if (changes.eventName) d.eventName = changes.eventName;
  if (changes.eventSource) {
    d.eventSource = changes.eventSource;
    e.source = `aws.${changes.eventSource.replace(/\.amazonaws\.com$/, '')}`;
  }
  if (changes.eventID) d.eventID = changes.eventID;
  if (changes.time) {
    d.eventTime = changes.time;
    e.time = changes.time;
  }
  if (changes.userAgent !== undefined) d.userAgent = changes.userAgent;
  if (changes.sourceIPAddress !== undefined) d.sourceIPAddress = changes.sourceIPAddress;
  if (changes.readOnly !== undefined) d.readOnly = changes.readOnly;
  if (changes.account) {
    e.account = changes.account;
    d.recipientAccountId = changes.account;
    const ui = d.userIdentity as Record<string, unknown>;
    ui.accountId = changes.account;
    ui.arn = `arn:aws:iam::${changes.account}:root`;
  }
  return e;
}

let seq = 0;
/**
 * A root call of the one console session of the synthesized fixture, with a fresh event id (and
 * envelope id): successive calls are distinct events of one session (per account).
 */
export function sessionEvent(eventName = 'PutBucketPolicy', options: { eventSource?: string; account?: string } = {}): EventBridgeEvent {
  seq++;
  const id = `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`;
  const e = rootCall({ eventName, eventSource: options.eventSource, eventID: id, account: options.account });
  e.id = `env-${id}`;
  return e;
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface LoopbackServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1 (port 0) that records each request and answers with `respond`
 * (called with the 0-based request number). Returning 'hang' never answers.
 */
export async function startServer(
  respond: (n: number, req: RecordedRequest) => { status: number; body?: string; headers?: Record<string, string> } | 'hang',
): Promise<LoopbackServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const n = requests.length;
      requests.push(rec);
      const answer = respond(n, rec);
      if (answer === 'hang') return;
      res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook/path`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback URL nobody listens on (a port that was just closed). */
export async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/closed`;
}

/** An SNS event as Lambda receives it from a topic subscription. */
export function snsEvent(...messages: string[]) {
  return {
    Records: messages.map((Message, i) => ({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:us-east-1:444455556666:rootwatch-activity:0c2d2f43-1111-2222-3333-444455556666',
      Sns: {
        Type: 'Notification',
        MessageId: `msg-${i}`,
        TopicArn: 'arn:aws:sns:us-east-1:444455556666:rootwatch-activity',
        Subject: null,
        Message,
        Timestamp: '2024-05-01T10:00:01.000Z',
      },
    })),
  };
}
