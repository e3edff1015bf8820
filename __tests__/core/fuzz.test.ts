/**
 * Deterministic fuzzing: mutations of real and synthesized events (seeded PRNG) must never make
 * the matcher, classify, sessionKey or toAlert throw, and classify must always return one of the
 * allowed shapes. Non-root actors must never be matched, whatever else is mutated.
 */
import { paths, prng, setAt } from '../helpers/fuzz';
import { sharedFixturesDir } from '../helpers/shared-fixtures';
import * as fs from 'fs';
import * as path from 'path';
import { toAlert } from '../../core/alert';
import { classify, EVENT_KINDS, SUMMARY_MAX } from '../../core/classify';
import { matchesPattern } from '../../core/matcher';
import { HEARTBEAT_SOURCE, rulePatterns } from '../../core/patterns';
import { SESSION_KEY_MAX } from '../../core/session';
import { Classification, EventBridgeEvent, SEVERITIES } from '../../core/types';

const SHARED = sharedFixturesDir();
const OWN = path.resolve(__dirname, '../fixtures/events');
const haveShared = fs.existsSync(path.join(SHARED, 'INDEX.tsv'));
if (!haveShared) console.log(`shared fixtures not found at ${SHARED}: fuzzing own fixtures only`);

const readDir = (dir: string) =>
  fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
const BASES: unknown[] = [...(haveShared ? readDir(SHARED) : []), ...readDir(OWN)];

const ITERATIONS = 12_000;
const SEED = 0x5eed1234;

const HUGE = 'A'.repeat(100_000);
const HUGE_CONTROL = '\u0000\n\u001b[2J\u202e'.repeat(20_000);
const HUGE_UNICODE = '😀é\ud800'.repeat(34_000);
const STRINGS = ['', 'Root', 'root', 'ROOT', 'AssumeRoot', 'sts.amazonaws.com', 'aws.sts', 'ConsoleLogin', 'Success', 'Failure', 'Yes', 'NO', 'true', 'false',
  'AWS Console Sign In via CloudTrail', 'AWS API Call via CloudTrail', 'CloudWatch Alarm State Change', 'rootwatch heartbeat', HEARTBEAT_SOURCE,
  'rootwatch-cis-root-usage', 'ALARM', 'AwsServiceEvent', 'CreateAccessKey', 'GetThing', 'iam.amazonaws.com', 'signin.amazonaws.com',
  '__proto__', 'constructor', 'toString', '2024-13-45T99:99:99Z', 'not a date', '1e309', 'us-east-1', 'eu-west-2r', '../../etc/passwd',
  '<script>alert(1)</script>', '*bold* <!channel>', '\u0000', '\r\n', HUGE, HUGE_CONTROL, HUGE_UNICODE];

function garbage(rnd: () => number, depth = 0): unknown {
  const r = rnd();
  if (depth > 4 || r < 0.25) return STRINGS[Math.floor(rnd() * STRINGS.length)];
  if (r < 0.35) return [NaN, Infinity, -0, 1e308, -1, 0, 42, 3.5][Math.floor(rnd() * 8)];
  if (r < 0.45) return [null, true, false, undefined][Math.floor(rnd() * 4)];
  if (r < 0.7) return Array.from({ length: Math.floor(rnd() * 4) }, () => garbage(rnd, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(rnd() * 4); i > 0; i--) o[STRINGS[Math.floor(rnd() * STRINGS.length)].slice(0, 20)] = garbage(rnd, depth + 1);
  return o;
}

function getAt(root: unknown, p: (string | number)[]): unknown {
  let node = root;
  for (const k of p) node = node && typeof node === 'object' ? (node as Record<string | number, unknown>)[k] : undefined;
  return node;
}

const ROOT_MARKERS: Array<[(string | number)[], unknown]> = [
  [['detail', 'userIdentity', 'type'], 'Root'],
  [['detail-type'], 'AWS API Call via CloudTrail'],
  [['detail-type'], 'AWS Console Sign In via CloudTrail'],
  [['detail', 'userIdentity', 'sessionContext', 'assumedRoot'], 'true'],
  [['detail', 'eventName'], 'AssumeRoot'],
  [['detail', 'eventSource'], 'sts.amazonaws.com'],
  [['source'], 'aws.sts'],
];

function mutate(base: unknown, rnd: () => number): unknown {
  if (rnd() < 0.02) return garbage(rnd);
  const e = structuredClone(base) as Record<string, unknown>;
  // bias towards events that pass the rules, so the deep paths of classify get exercised
  if (rnd() < 0.5) {
    const [p, v] = ROOT_MARKERS[Math.floor(rnd() * ROOT_MARKERS.length)];
    setAt(e, p, v);
  }
  if (rnd() < 0.05) {
    // every string becomes huge at once (summaries combine several fields)
    const huge = [HUGE, HUGE_CONTROL, HUGE_UNICODE][Math.floor(rnd() * 3)];
    for (const p of paths(e)) if (typeof getAt(e, p) === 'string' && rnd() < 0.7) setAt(e, p, huge);
  }
  const all = paths(e);
  for (let n = 1 + Math.floor(rnd() * 4); n > 0 && all.length > 0; n--) {
    const p = all[Math.floor(rnd() * all.length)];
    const op = rnd();
    if (op < 0.2) setAt(e, p, undefined, true);
    else if (op < 0.3) setAt(e, p, null);
    else if (op < 0.4) setAt(e, p, Math.floor(rnd() * 1e6));
    else if (op < 0.5) setAt(e, p, rnd() < 0.5);
    else if (op < 0.6) setAt(e, p, [garbage(rnd), 'Root']);
    else if (op < 0.7) setAt(e, p, [HUGE, HUGE_CONTROL, HUGE_UNICODE][Math.floor(rnd() * 3)]);
    else setAt(e, p, garbage(rnd));
  }
  return e;
}

const FACT_TYPES: Record<string, (v: unknown) => boolean> = {
  account: (v) => typeof v === 'string',
  region: (v) => typeof v === 'string',
  eventName: (v) => typeof v === 'string',
  eventSource: (v) => typeof v === 'string',
  eventTime: (v) => typeof v === 'string',
  eventId: (v) => v === null || typeof v === 'string',
  principalArn: (v) => v === null || typeof v === 'string',
  sourceIp: (v) => v === null || typeof v === 'string',
  userAgent: (v) => v === null || typeof v === 'string',
  mfaUsed: (v) => v === null || typeof v === 'boolean',
  outcome: (v) => v === null || v === 'success' || v === 'failure',
  errorCode: (v) => v === null || typeof v === 'string',
  readOnly: (v) => v === null || typeof v === 'boolean',
  sessionKey: (v) => typeof v === 'string' && v.length <= SESSION_KEY_MAX && /^rootwatch:[A-Za-z0-9_-]+:[a-z-]+:[0-9a-f]{16}$/.test(v),
  consoleUrl: (v) => typeof v === 'string' && /^https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\//.test(v) && !/\s/.test(v),
};
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Returns a description of the first problem, or null when the shape is allowed. */
function shapeProblem(c: Classification): string | null {
  const keys = Object.keys(c).sort().join(',');
  // rootTask (core/root-tasks.ts) is present on root events only
  const expectedKeys = c.kind === 'root' ? 'alertType,assumedRoot,facts,kind,matched,muted,reason,rootTask,severity,summary' : 'alertType,assumedRoot,facts,kind,matched,muted,reason,severity,summary';
  if (keys !== expectedKeys) return `keys ${keys}`;
  if (typeof c.matched !== 'boolean' || typeof c.assumedRoot !== 'boolean' || typeof c.muted !== 'boolean') return 'flags';
  if (!EVENT_KINDS.includes(c.kind)) return `kind ${String(c.kind)}`;
  if (![null, 'login', 'activity'].includes(c.alertType)) return `alertType ${String(c.alertType)}`;
  if (c.severity !== null && !SEVERITIES.includes(c.severity)) return `severity ${String(c.severity)}`;
  for (const t of [c.summary, c.reason]) {
    if (t === null) continue;
    if (typeof t !== 'string' || t.length > SUMMARY_MAX || UNPRINTABLE.test(t)) return `text ${String(t).slice(0, 80)}`;
  }
  if (!c.matched) {
    const none = c.kind === 'none' && c.alertType === null && c.severity === null && !c.assumedRoot && !c.muted && c.summary === null && c.reason === null && c.facts === null;
    return none ? null : 'unmatched result carries data';
  }
  if (c.facts === null || typeof c.facts !== 'object') return 'matched without facts';
  const factKeys = Object.keys(c.facts).sort().join(',');
  if (factKeys !== Object.keys(FACT_TYPES).sort().join(',')) return `fact keys ${factKeys}`;
  for (const [k, ok] of Object.entries(FACT_TYPES)) {
    const v = (c.facts as unknown as Record<string, unknown>)[k];
    if (!ok(v)) return `fact ${k} = ${String(v).slice(0, 80)}`;
    if (typeof v === 'string' && (v.length > 400 || UNPRINTABLE.test(v))) return `fact ${k} unbounded/unprintable`;
  }
  if (c.kind === 'root' && c.alertType === null) return 'root without alert type';
  if (c.kind === 'root' && (c.severity === null) !== c.muted) return 'severity null iff muted';
  if (c.kind === 'heartbeat' && (c.alertType !== null || c.severity !== null)) return 'heartbeat with alert data';
  if (c.kind === 'cis-alarm' && (c.alertType !== 'activity' || c.severity !== 'high')) return 'cis alarm';
  if (c.kind === 'none' && (c.alertType !== null || c.severity !== null)) return 'matched none with alert data';
  if (c.muted && !c.assumedRoot) return 'muted without assumedRoot';
  if (typeof c.summary !== 'string') return 'matched without summary';
  return null;
}

const hasRoot = (v: unknown): boolean => v === 'Root' || (Array.isArray(v) && v.some(hasRoot));
const get = (v: unknown, k: string): unknown => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[k] : undefined);
const hasValue = (v: unknown, want: string): boolean => v === want || (Array.isArray(v) && v.some((x) => hasValue(x, want)));

it(`fuzz: ${ITERATIONS} mutated events never break the core`, () => {
  const rnd = prng(SEED);
  const patterns = Object.values(rulePatterns('rootwatch'));
  const policies = [undefined, 'alert', 'low', 'mute'] as const;
  const problems: string[] = [];
  let matched = 0;
  // CPU time, not wall time: the bound must hold on a loaded machine too
  const started = process.cpuUsage();
  for (let i = 0; i < ITERATIONS; i++) {
    const event = mutate(BASES[Math.floor(rnd() * BASES.length)], rnd);
    const policy = policies[Math.floor(rnd() * policies.length)];
    for (const p of patterns) matchesPattern(p, event); // must not throw
    matchesPattern(garbage(rnd) as never, event);
    const c = classify(event, { assumedRoot: policy });
    const problem = shapeProblem(c);
    if (problem) problems.push(`#${i}: ${problem}`);
    if (c.matched) matched++;

    // non-root actors never match (unless it is a pipeline event or an AssumeRoot call)
    const detail = get(event, 'detail');
    const actorIsRoot = hasRoot(get(get(detail, 'userIdentity'), 'type'));
    const assumeRootCall = hasValue(get(detail, 'eventName'), 'AssumeRoot');
    const pipeline = hasValue(get(detail, 'eventName'), 'TagQueue') || hasValue(get(event, 'source'), 'aws.cloudwatch');
    if (!actorIsRoot && !assumeRootCall && !pipeline && c.matched) problems.push(`#${i}: non-root actor matched`);

    const alert = toAlert(event as EventBridgeEvent, c);
    if (alert && (alert.facts !== c.facts || alert.severity !== c.severity)) problems.push(`#${i}: alert disagrees`);
    if (problems.length > 5) break;
  }
  expect(problems).toEqual([]);
  // the bias really exercised the matched paths
  expect(matched).toBeGreaterThan(ITERATIONS / 10);
  const cpu = process.cpuUsage(started);
  expect((cpu.user + cpu.system) / 1000).toBeLessThan(10_000);
});

it('fuzz: classify results are plain JSON', () => {
  const rnd = prng(SEED + 1);
  for (let i = 0; i < 500; i++) {
    const c = classify(mutate(BASES[Math.floor(rnd() * BASES.length)], rnd));
    expect(JSON.parse(JSON.stringify(c))).toEqual(c);
  }
});
