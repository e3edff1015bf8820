/**
 * The notifier against hostile events and folding edge cases, each on the in-memory store and on
 * the DynamoDB store (aws-sdk-client-mock + FakeTable): a matched root event always alerts.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CUT_MARKER } from '../../core/json';
import { DIGEST_SWEEP_SOURCE } from '../../core/lambda-contract';
import type { EventBridgeEvent, RootwatchAlert } from '../../core/types';
import { MAX_SCAN_PAGES, DynamoFoldStore } from '../../lambdas/dynamo-store';
import { FoldStore, MemoryFoldStore } from '../../lambdas/fold';
import { NotifierConfig, NotifierDeps, NotifierOutcome, PublishRequest, buildPublishRequest, handleNotifierInput } from '../../lambdas/notifier';
import { toAlert } from '../../core/alert';
import { classify } from '../../core/classify';
import { ensureDist, runCli } from '../helpers/cli';
import { FakeTable } from './fake-dynamo';
import { sessionEvent as helperSessionEvent } from './helpers';

const ddb = mockClient(DynamoDBClient);
const T0 = Date.parse('2024-05-01T10:00:00Z');
const WINDOW = 600;
const END = T0 + WINDOW * 1000;
const SWEEP = { source: DIGEST_SWEEP_SOURCE };
const config: NotifierConfig = {
  loginTopicArn: 'arn:aws:sns:us-east-1:444455556666:login',
  activityTopicArn: 'arn:aws:sns:us-east-1:444455556666:activity',
  windowSeconds: WINDOW,
  namePrefix: 'rootwatch',
  assumedRoot: 'alert',
  accountNames: {},
  stateTable: 'tbl',
  coverageTable: null,
  heartbeatIntervalSeconds: 6 * 3600,
  coverageGraceSeconds: 48 * 3600,
};

/** A store wrapper with hooks, so a test can act between a store call and the notifier's next step. */
class HookedStore implements FoldStore {
  beforeGet?: () => Promise<void> | void;
  afterListDue?: () => Promise<void>;
  constructor(readonly inner: FoldStore) {}
  async get(key: string) {
    const hook = this.beforeGet;
    if (hook) await hook();
    return this.inner.get(key);
  }
  put(...args: Parameters<FoldStore['put']>) {
    return this.inner.put(...args);
  }
  async listDue(nowMs: number) {
    const out = await this.inner.listDue(nowMs);
    const hook = this.afterListDue;
    this.afterListDue = undefined;
    if (hook) await hook();
    return out;
  }
}

interface Harness {
  store: HookedStore;
  table?: FakeTable;
  published: PublishRequest[];
  logs: Record<string, unknown>[];
  /** make the next publish calls fail */
  failPublishes: number;
  clock: number;
  run(input: unknown, now?: number): Promise<NotifierOutcome>;
}

function harness(kind: 'memory' | 'dynamodb', maxRowsPerList = Infinity): Harness {
  ddb.reset();
  let table: FakeTable | undefined;
  let inner: FoldStore;
  if (kind === 'memory') inner = new MemoryFoldStore(maxRowsPerList);
  else {
    table = new FakeTable();
    table.attach(ddb);
    inner = new DynamoFoldStore(new DynamoDBClient({ region: 'us-east-1' }), 'tbl');
  }
  const h: Harness = {
    store: new HookedStore(inner),
    table,
    published: [],
    logs: [],
    failPublishes: 0,
    clock: T0,
    run(input, now) {
      const deps: NotifierDeps = {
        publish: async (req) => {
          if (h.failPublishes > 0) {
            h.failPublishes--;
            throw new Error('SNS down');
          }
          h.published.push(req);
        },
        coverage: null,
        putStalePaths: async () => undefined,
        store: h.store,
        now: () => now ?? h.clock,
        log: (e) => h.logs.push(e),
        sleep: async () => undefined,
      };
      return handleNotifierInput(input, config, deps);
    },
  };
  return h;
}

const alertOf = (req: PublishRequest) => JSON.parse(JSON.parse(req.Message).lambda) as RootwatchAlert;

const sessionEvent = (eventName?: string, account?: string) => helperSessionEvent(eventName, { account });

/** The JSON text of a root call whose requestParameters nest `levels` deep (36 KB at 5,000). */
function deepEventText(levels = 5000): string {
  const e = sessionEvent('PutBucketPolicy');
  const base = JSON.stringify({ ...e, detail: { ...e.detail, requestParameters: null } });
  const text = base.replace('"requestParameters":null', `"requestParameters":${'{"p":'.repeat(levels)}1${'}'.repeat(levels)}`);
  expect(text.length).toBeGreaterThan(30_000);
  return text;
}
/** The same event parsed, as Lambda hands it to the handler. */
const deepEvent = (levels = 5000) => JSON.parse(deepEventText(levels)) as EventBridgeEvent;

describe.each(['memory', 'dynamodb'] as const)('notifier with the %s store', (kind) => {
  it('alerts on a root event nested 5,000 levels deep (the message is degraded, not the alert), then folds the session', async () => {
    const h = harness(kind);
    const deep = deepEvent();
    expect(() => JSON.stringify(deep)).toThrow(RangeError); // what used to break the notifier
    await expect(h.run(deep)).resolves.toMatchObject({ action: 'published' });
    expect(h.published).toHaveLength(1);
    const alert = alertOf(h.published[0]);
    expect(alert.facts.eventName).toBe('PutBucketPolicy');
    expect(JSON.stringify(alert.event)).toContain(CUT_MARKER);
    expect(JSON.parse(h.published[0].Message).email).toContain('Raw event:');
    // the session has alerted, so its next event folds
    await expect(h.run(sessionEvent('DeleteBucket'), T0 + 1000)).resolves.toMatchObject({ action: 'folded' });
  });

  it('releases the fold claim when the publish fails: the next event of the session publishes', async () => {
    const h = harness(kind);
    h.failPublishes = 1;
    await expect(h.run(sessionEvent('ConsoleLogin'))).rejects.toThrow('SNS down');
    expect(h.published).toHaveLength(0);
    // a later event of the same session must not be folded into a window that never alerted
    await expect(h.run(sessionEvent('PutBucketPolicy'), T0 + 1000)).resolves.toMatchObject({ action: 'published' });
    await expect(h.run(sessionEvent('DeleteBucket'), T0 + 2000)).resolves.toMatchObject({ action: 'folded' });
    expect(h.published.map((r) => alertOf(r).facts.eventName)).toEqual(['PutBucketPolicy']);
    expect(h.logs.some((l) => /claim released/.test(String(l.msg)))).toBe(true);
  });

  it('re-publishes a retried event that has neither an envelope id nor an eventID', async () => {
    const h = harness(kind);
    const bare = sessionEvent('ConsoleLogin');
    delete bare.id;
    delete (bare.detail as Record<string, unknown>).eventID;
    // the publish fails, and so does the store when the claim is released: only the id remains
    h.failPublishes = 1;
    let failGets = 0;
    h.store.beforeGet = () => {
      if (h.published.length === 0 && h.failPublishes === 0 && failGets++ === 0) throw new Error('DynamoDB down');
    };
    await expect(h.run(bare)).rejects.toThrow('SNS down');
    h.store.beforeGet = undefined;
    // Lambda retries the same event: it must alert, not fold into its own session
    await expect(h.run(structuredClone(bare), T0 + 1000)).resolves.toMatchObject({ action: 'published' });
    expect(h.published).toHaveLength(1);
    // a different id-less event of the session still folds
    const other = structuredClone(bare);
    (other.detail as Record<string, unknown>).eventName = 'DeleteBucket';
    await expect(h.run(other, T0 + 2000)).resolves.toMatchObject({ action: 'folded' });
  });

  it('reports every folded event when a fold lands between the sweep reading the row and marking it', async () => {
    const h = harness(kind);
    await h.run(sessionEvent('ConsoleLogin'));
    await h.run(sessionEvent('PutBucketPolicy'), T0 + 1000);
    // the sweep runs at the window end; a fold decided 5 ms before it is written after the read
    h.store.afterListDue = async () => {
      await expect(h.run(sessionEvent('DeleteBucketPolicy'), END - 5)).resolves.toMatchObject({ action: 'folded' });
    };
    await h.run(SWEEP, END);
    const digests = h.published.slice(1).map(alertOf);
    expect(digests.reduce((n, d) => n + d.digest!.count, 0)).toBe(2);
    const names = Object.assign({}, ...digests.map((d) => d.digest!.eventNames));
    expect(names).toEqual({ PutBucketPolicy: 1, DeleteBucketPolicy: 1 });
    // nothing is owed any more, and nothing is sent twice
    await h.run(SWEEP, END + 300_000);
    expect(h.published).toHaveLength(1 + digests.length);
  });

  it('does not stop silently when the state table is larger than one sweep reads: it reports and continues', async () => {
    const pages = kind === 'dynamodb' ? MAX_SCAN_PAGES : 50;
    const h = harness(kind, pages);
    if (h.table) h.table.pageSize = 1;
    const sessions = pages + 10;
    for (let i = 0; i < sessions; i++) {
      const account = String(100000000000 + i);
      await h.run(sessionEvent('ConsoleLogin', account));
      await h.run(sessionEvent('PutBucketPolicy', account), T0 + 1000);
    }
    expect(h.published).toHaveLength(sessions);
    const first = await h.run(SWEEP, END);
    expect(first).toMatchObject({ action: 'sweep', complete: false });
    expect(h.logs.some((l) => l.level === 'warn' && /not read to its end/.test(String(l.msg)))).toBe(true);
    const second = await h.run(SWEEP, END + 300_000);
    expect(second).toMatchObject({ action: 'sweep' });
    const digests = h.published.slice(sessions).map(alertOf);
    expect(new Set(digests.map((d) => d.facts.account)).size).toBe(sessions);
    expect(digests).toHaveLength(sessions);
  });
});

describe('rootwatch simulate --render on a deeply nested root event (through the CLI)', () => {
  let tmp: string;
  beforeAll(() => {
    ensureDist();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rootwatch-deep-'));
  }, 240_000);
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it.each(['slack', 'pagerduty', 'email'])('renders %s (exit 0, one JSON body)', async (target) => {
    const file = path.join(tmp, `deep-${target}.json`);
    fs.writeFileSync(file, deepEventText(5000));
    const r = await runCli(['simulate', '--render', target, file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(JSON.stringify(body)).not.toContain('Maximum call stack');
  }, 60_000);
});

describe('DynamoFoldStore sweep Scan under a deadline', () => {
  it('stops paging when the invocation runs short of time, keeps its cursor, and the next call continues', async () => {
    const h = harness('dynamodb');
    h.table!.pageSize = 1;
    for (let i = 0; i < 6; i++) {
      const account = String(200000000000 + i);
      await h.run(sessionEvent('ConsoleLogin', account));
      await h.run(sessionEvent('PutBucketPolicy', account), T0 + 1000);
    }
    let left = 60_000;
    const store = new DynamoFoldStore(new DynamoDBClient({ region: 'us-east-1' }), 'tbl', { timeLeftMs: () => (left -= 20_000) });
    const first = await store.listDue(END);
    expect(first.complete).toBe(false);
    const rest = await new DynamoFoldStore(new DynamoDBClient({ region: 'us-east-1' }), 'tbl').listDue(END);
    expect(rest.complete).toBe(true);
    expect(new Set([...first.rows, ...rest.rows].map((r) => r.key)).size).toBe(6);
  });
});

describe('buildPublishRequest', () => {
  it('never throws: an alert whose event cannot be serialized at all is published as its facts', () => {
    const e = sessionEvent('PutBucketPolicy');
    const alert = JSON.parse(JSON.stringify(toAlert(e, classify(e))!)) as RootwatchAlert;
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    (alert.event as unknown as Record<string, unknown>).resources = [circular];
    const req = buildPublishRequest(alert, config.activityTopicArn);
    const message = JSON.parse(req.Message);
    expect(message.email).toContain('raw event left out');
    expect(JSON.parse(message.lambda).facts.eventName).toBe('PutBucketPolicy');
    expect(req.Subject).toMatch(/^[\x20-\x7e]{1,100}$/);
  });
});
