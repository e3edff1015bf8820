/**
 * Seeded, time-bounded fuzzing of the three Lambda handlers' logic (notifier, Slack, PagerDuty)
 * with mutated corpus events (the shared corpus, read in place, plus the project's own fixtures),
 * deep nesting included. Asserted for every input:
 * - no unhandled exception: the only errors are the faults this test injects (SNS down) and the
 *   alerters' deliberate refusals of input that is not an alert;
 * - every event the deployed rules deliver yields a publish, a fold into a session that has already
 *   published, or a failed invocation (Lambda retries it): never `ignored`, never silently dropped;
 * - every SNS message fits SNS's limits, every PagerDuty body passes the documented Events API v2
 *   schema and every Slack body Block Kit's documented limits.
 * Bounds are CPU time, so a loaded machine does not fail the suite.
 */
import * as fs from 'fs';
import * as path from 'path';
import { toAlert } from '../../core/alert';
import { classify, ruleMatches } from '../../core/classify';
import { DIGEST_SWEEP_SOURCE } from '../../core/lambda-contract';
import type { EventBridgeEvent, RootwatchAlert } from '../../core/types';
import { Channel, PAGERDUTY_CHANNEL, SLACK_CHANNEL, deliverSnsEvent } from '../../lambdas/alerter';
import { MemoryFoldStore } from '../../lambdas/fold';
import { pagerDutyProblems, slackProblems } from '../../lambdas/format';
import { NotifierConfig, NotifierOutcome, PublishRequest, SNS_MESSAGE_BUDGET_BYTES, handleNotifierInput } from '../../lambdas/notifier';
import { paths as allPaths, prng, setAt, type Path } from '../helpers/fuzz';
import { OWN_FIXTURES_DIR, sharedFixtures, snsEvent } from './helpers';

const paths = (v: unknown) => allPaths(v, 7);

const EVENTS_PER_HANDLER = 10_000;
const SEED = 0x0a1e27ed;
/** CPU seconds each handler's run may take (the runs take a few seconds). */
const CPU_BUDGET_MS = 20_000;
/** Wall-clock limit per run: generous, as the machine may be shared (the CPU bound is the real one). */
const WALL_TIMEOUT_MS = 300_000;

const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)];

// ------------------------------------------------------------------ corpus

const readJsonDir = (dir: string) =>
  fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as unknown) : [];
const shared = sharedFixtures();
const BASES: unknown[] = [
  ...(shared ?? []).map((f) => f.event),
  ...readJsonDir(path.resolve(__dirname, '../fixtures/events')),
  ...readJsonDir(OWN_FIXTURES_DIR).filter((e) => typeof e === 'object' && e !== null && 'detail' in e),
];

const STRINGS = [
  '', 'Root', 'root', 'IAMUser', 'AssumeRoot', 'sts.amazonaws.com', 'aws.sts', 'aws.signin', 'my.forged.app', 'ConsoleLogin',
  'Success', 'Failure', 'Yes', 'NO', 'true', 'AwsServiceEvent', 'AWS Console Sign In via CloudTrail', 'AWS API Call via CloudTrail',
  'CloudWatch Alarm State Change', 'rootwatch.heartbeat', 'rootwatch heartbeat', 'rootwatch-cis-root-usage', 'ALARM',
  '__proto__', 'constructor', 'toString', 'not a date', '+300000-01-01T00:00:00Z', '2024-13-45T99:99:99Z', 'us-east-1',
  '<!channel> <https://evil.example|x> *b*', '\u2066admin\u2069 \u202egnp.exe', '\u0000\r\n\u001b[2J', '\ud800', '\udc00x',
  '😀'.repeat(200), 'k'.repeat(3000),
];
const HUGE = 'A'.repeat(70_000);

function garbage(rnd: () => number, depth = 0): unknown {
  const r = rnd();
  if (depth > 3 || r < 0.4) return pick(rnd, STRINGS);
  if (r < 0.5) return pick(rnd, [NaN, Infinity, -0, 1e308, -1, 0, 42, 3.5]);
  if (r < 0.6) return pick(rnd, [null, true, false]);
  if (r < 0.8) return Array.from({ length: Math.floor(rnd() * 4) }, () => garbage(rnd, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(rnd() * 4); i > 0; i--) Object.defineProperty(o, pick(rnd, STRINGS).slice(0, 20), { value: garbage(rnd, depth + 1), enumerable: true, writable: true, configurable: true });
  return o;
}

/**
 * A placeholder for a value nested `levels` deep (objects or arrays): `jsonText` splices in the
 * nested text, and JSON.parse builds it (as the Lambda runtime would), so the harness itself never
 * recurses that deep.
 */
function nested(levels: number, rnd: () => number): string {
  return `\u0000deep:${levels}:${rnd() < 0.3 ? 'a' : 'o'}\u0000`;
}
const DEEP_RE = /"\\u0000deep:(\d+):([ao])\\u0000"/g;
function nestedText(levels: number, arrays: boolean): string {
  return arrays ? `${'['.repeat(levels)}1${']'.repeat(levels)}` : `${'{"p":'.repeat(levels)}1${'}'.repeat(levels)}`;
}
/** JSON text of a mutated value, deep placeholders expanded. */
function jsonText(v: unknown): string {
  return JSON.stringify(v).replace(DEEP_RE, (_m, n, kind) => nestedText(Number(n), kind === 'a'));
}

const ROOT_MARKERS: Array<[Path, unknown]> = [
  [['detail', 'userIdentity', 'type'], 'Root'],
  [['detail-type'], 'AWS API Call via CloudTrail'],
  [['detail-type'], 'AWS Console Sign In via CloudTrail'],
  [['detail', 'userIdentity', 'sessionContext', 'assumedRoot'], 'true'],
  [['source'], 'my.forged.app'],
];
const DEEP_AT: Path[] = [['detail', 'requestParameters'], ['detail', 'responseElements'], ['detail', 'userIdentity', 'sessionContext'], ['detail', 'additionalEventData'], ['resources']];

function mutate(base: unknown, rnd: () => number): unknown {
  if (rnd() < 0.01) return garbage(rnd);
  const e = structuredClone(base) as Record<string, unknown>;
  if (rnd() < 0.3) {
    const [p, v] = pick(rnd, ROOT_MARKERS);
    setAt(e, p, v);
  }
  if (rnd() < 0.04) setAt(e, pick(rnd, DEEP_AT), nested(pick(rnd, [40, 1100, 5000, 6000]), rnd));
  if (rnd() < 0.005) setAt(e, ['detail', 'userAgent'], HUGE);
  if (rnd() < 0.1) delete e.id;
  if (rnd() < 0.1 && e.detail && typeof e.detail === 'object') delete (e.detail as Record<string, unknown>).eventID;
  const all = paths(e);
  for (let n = Math.floor(rnd() * 4); n > 0 && all.length > 0; n--) {
    const p = pick(rnd, all);
    const op = rnd();
    if (op < 0.2) setAt(e, p, undefined, true);
    else if (op < 0.3) setAt(e, p, null);
    else if (op < 0.4) setAt(e, p, Math.floor(rnd() * 1e6));
    else if (op < 0.5) setAt(e, p, [garbage(rnd), 'Root']);
    else setAt(e, p, garbage(rnd));
  }
  // what Lambda hands the handler went through JSON
  return JSON.parse(jsonText(e));
}

// ------------------------------------------------------------------ the notifier

class InjectedFault extends Error {
  constructor() {
    super('injected fault: SNS down');
    this.name = 'InjectedFault';
  }
}
const isInjected = (err: unknown): boolean =>
  err instanceof InjectedFault || (err instanceof AggregateError && err.errors.every((e) => e instanceof InjectedFault));

const config: NotifierConfig = {
  loginTopicArn: 'arn:aws:sns:us-east-1:444455556666:login',
  activityTopicArn: 'arn:aws:sns:us-east-1:444455556666:activity',
  windowSeconds: 600,
  namePrefix: 'rootwatch',
  assumedRoot: 'alert',
  accountNames: { '111122223333': 'Prod \u2066x\u2069' },
  stateTable: 'memory',
  coverageTable: null,
  heartbeatIntervalSeconds: 6 * 3600,
  coverageGraceSeconds: 48 * 3600,
};

const describeCorpus = BASES.length > 0 ? describe : describe.skip;
/** Lambda message bodies of what the notifier published: the alerters' realistic inputs. */
const publishedAlerts: string[] = [];

describeCorpus('fuzz: the notifier', () => {
  it(`handles ${EVENTS_PER_HANDLER} mutated events: no unhandled error, every delivered root event alerts or folds into an alerted session`, async () => {
    const rnd = prng(SEED);
    const store = new MemoryFoldStore();
    let clock = Date.parse('2024-05-01T10:00:00Z');
    const alertedSessions = new Set<string>();
    const problems: string[] = [];
    const counts: Record<string, number> = {};
    const deps = {
      publish: async (req: PublishRequest) => {
        if (rnd() < 0.03) throw new InjectedFault();
        const message = JSON.parse(req.Message) as Record<string, string>;
        if (Buffer.byteLength(req.Message, 'utf8') > SNS_MESSAGE_BUDGET_BYTES) problems.push('SNS message over budget');
        if (!/^[\x20-\x7e]{1,100}$/.test(req.Subject)) problems.push(`bad subject ${JSON.stringify(req.Subject).slice(0, 80)}`);
        const alert = JSON.parse(message.lambda) as RootwatchAlert;
        if (!alert.digest) alertedSessions.add(alert.facts.sessionKey);
        if (publishedAlerts.length < 4000) publishedAlerts.push(message.lambda);
      },
      coverage: null,
      putStalePaths: async () => undefined,
      store,
      now: () => clock,
      log: () => undefined,
      sleep: async () => undefined,
    };
    const cpu = process.cpuUsage();
    for (let i = 0; i < EVENTS_PER_HANDLER; i++) {
      clock += Math.floor(rnd() * 20_000);
      const input = i % 500 === 499 ? { source: DIGEST_SWEEP_SOURCE } : mutate(pick(rnd, BASES), rnd);
      const m = ruleMatches(input);
      // root events, and the CIS alarm (an alert too); heartbeats must become the metric
      const delivered = (m.spokeRoot && (m.hubLogin || m.hubActivity)) || (m.hubPipeline && m.spokeCisAlarm);
      const heartbeat = m.hubPipeline && m.spokeHeartbeat;
      let outcome: NotifierOutcome | undefined;
      try {
        outcome = await handleNotifierInput(input, config, deps);
      } catch (err) {
        if (!isInjected(err)) problems.push(`event ${i}: unhandled ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`.slice(0, 300));
        counts.failed = (counts.failed ?? 0) + 1;
        continue;
      }
      counts[outcome.action] = (counts[outcome.action] ?? 0) + 1;
      if (heartbeat && outcome.action !== 'heartbeat') problems.push(`event ${i}: heartbeat delivered but not counted (${outcome.action})`);
      if (!delivered) continue;
      if (outcome.action === 'ignored') problems.push(`event ${i}: delivered by the rules but ignored (${outcome.reason})`);
      if (outcome.action === 'folded' && !alertedSessions.has(outcome.sessionKey)) problems.push(`event ${i}: folded into session ${outcome.sessionKey} that never alerted`);
    }
    const used = process.cpuUsage(cpu);
    expect(problems.slice(0, 20)).toEqual([]);
    expect(counts.published).toBeGreaterThan(500);
    expect(counts.folded).toBeGreaterThan(100);
    expect(counts.failed).toBeGreaterThan(10); // the injected faults did happen
    expect((used.user + used.system) / 1000).toBeLessThan(CPU_BUDGET_MS);
  }, WALL_TIMEOUT_MS);
});

// ------------------------------------------------------------------ the alerters

const ALLOWED_REFUSALS = [/^SNS message is not JSON$/, /^SNS message is neither a rootwatch alert nor a CloudWatch alarm notification$/, /: input is not an SNS event$/];

function mutateMessage(rnd: () => number, goodAlerts: string[], alarms: unknown[]): string {
  const r = rnd();
  if (r < 0.03) return pick(rnd, ['', 'not json', '[]', 'null', '42', '"x"', '{"schema":"rootwatch.alert/v1"}']);
  const base = r < 0.85 || alarms.length === 0 ? JSON.parse(pick(rnd, goodAlerts)) : structuredClone(pick(rnd, alarms));
  if (rnd() < 0.3) return JSON.stringify(base); // as published
  const all = paths(base).filter((p) => !(p.length === 1 && (p[0] === 'schema' || p[0] === 'AlarmName')));
  if (rnd() < 0.03) setAt(base, ['event', 'detail', 'requestParameters'], nested(pick(rnd, [100, 3000]), rnd));
  for (let n = 1 + Math.floor(rnd() * 4); n > 0 && all.length > 0; n--) {
    const p = pick(rnd, all);
    const op = rnd();
    if (op < 0.15) setAt(base, p, undefined, true);
    else if (op < 0.25) setAt(base, p, null);
    else if (op < 0.35) setAt(base, p, Math.floor(rnd() * 1e6));
    else setAt(base, p, garbage(rnd));
  }
  return jsonText(base);
}

function fallbackAlerts(): string[] {
  const rnd = prng(SEED);
  const out: string[] = [];
  for (let i = 0; i < 20_000 && out.length < 2000; i++) {
    const event = mutate(pick(rnd, BASES), rnd);
    const alert = toAlert(event as EventBridgeEvent, classify(event));
    if (alert) out.push(JSON.stringify(alert));
  }
  return out;
}

function alerterFuzz(channel: Channel, check: (body: unknown) => string[]) {
  return async () => {
    const rnd = prng(SEED ^ (channel.name === 'slack' ? 1 : 2));
    // what the notifier published in its run, or (run alone) alerts of mutated corpus events
    const goodAlerts = publishedAlerts.length > 0 ? publishedAlerts : fallbackAlerts();
    expect(goodAlerts.length).toBeGreaterThan(100);
    const alarms = readJsonDir(OWN_FIXTURES_DIR).filter((e) => typeof e === 'object' && e !== null && 'AlarmName' in e);
    const problems: string[] = [];
    let bodies = 0;
    let delivered = 0;
    let refused = 0;
    const fetchImpl = (async (_url: string, init: { body: string }) => {
      bodies++;
      const body = JSON.parse(init.body) as unknown;
      const p = check(body);
      if (p.length > 0) problems.push(`body breaks the schema: ${p.slice(0, 3).join('; ')}`);
      return new Response(channel.name === 'slack' ? 'ok' : '{"status":"success"}', { status: channel.name === 'slack' ? 200 : 202 });
    }) as unknown as typeof fetch;
    const deps = {
      log: (entry: Record<string, unknown>) => {
        if (typeof entry.msg === 'string' && entry.msg.endsWith(': delivered')) delivered++;
      },
      secrets: { get: async () => (channel.name === 'slack' ? 'https://hooks.slack.example/services/T0/B0/SECRET' : 'R0UTINGKEY0123456789abcdef012345'), invalidate: () => undefined },
      env: { ROOTWATCH_SLACK_WEBHOOK_PARAMETER: '/p', ROOTWATCH_PAGERDUTY_ROUTING_KEY_PARAMETER: '/p' },
      http: { fetchImpl, sleep: async () => undefined },
    };
    const cpu = process.cpuUsage();
    for (let i = 0; i < EVENTS_PER_HANDLER; i++) {
      const records = 1 + (rnd() < 0.1 ? Math.floor(rnd() * 3) : 0);
      const messages = Array.from({ length: records }, () => mutateMessage(rnd, goodAlerts, alarms));
      let event: unknown = snsEvent(...messages);
      if (rnd() < 0.01) event = pick(rnd, [null, {}, { Records: [] }, { Records: 'x' }, { Records: [null, { Sns: { Message: { a: 1 } } }] }]);
      try {
        await deliverSnsEvent(event, channel, deps);
      } catch (err) {
        const errs = err instanceof AggregateError ? err.errors : [err];
        for (const e of errs) {
          const msg = e instanceof Error ? e.message : String(e);
          if (ALLOWED_REFUSALS.some((re) => re.test(msg))) refused++;
          else problems.push(`input ${i}: unhandled ${e instanceof Error ? e.name : typeof e}: ${msg}`.slice(0, 300));
        }
      }
    }
    const used = process.cpuUsage(cpu);
    expect(problems.slice(0, 20)).toEqual([]);
    expect(delivered).toBe(bodies); // every body sent was accepted and counted
    expect(delivered).toBeGreaterThan(EVENTS_PER_HANDLER * 0.8);
    expect(refused).toBeGreaterThan(0);
    expect((used.user + used.system) / 1000).toBeLessThan(CPU_BUDGET_MS);
  };
}

describeCorpus('fuzz: the alerters', () => {
  it(`Slack: ${EVENTS_PER_HANDLER} mutated SNS events, every body within Block Kit's limits, no unhandled error`, alerterFuzz(SLACK_CHANNEL, slackProblems), WALL_TIMEOUT_MS);
  it(`PagerDuty: ${EVENTS_PER_HANDLER} mutated SNS events, every body within the Events API v2 schema, no unhandled error`, alerterFuzz(PAGERDUTY_CHANNEL, pagerDutyProblems), WALL_TIMEOUT_MS);
});
