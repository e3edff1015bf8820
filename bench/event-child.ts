/**
 * Child process: cost of classifying and formatting one event with the compiled code the Lambdas
 * run (core/classify, core/alert, lambdas/format). Every fixture is first run round-robin to warm
 * the JIT on all shapes, then timed alone; prints the median and the worst per-fixture cost.
 *   usage: event-child <fixtures dir | ->   ("-": one synthesized event, when the shared fixtures are absent)
 */
import * as fs from 'fs';
import * as path from 'path';
import { classify } from '../core/classify';
import { toAlert } from '../core/alert';
import { EventBridgeEvent } from '../core/types';
import { renderEmail, renderPagerDuty, renderSlack } from '../lambdas/format';
import { median } from './stats';

export interface EventChildResult {
  readonly usPerEvent: number;
  readonly worstUs: number;
  readonly worstFixture: string;
  readonly events: number;
  readonly alerts: number;
}

/** Synthesized from the documented root ConsoleLogin record shape (used only without the shared fixtures). */
const SYNTHESIZED_ROOT_LOGIN: EventBridgeEvent = {
  version: '0',
  id: '00000000-0000-4000-8000-000000000000',
  'detail-type': 'AWS Console Sign In via CloudTrail',
  source: 'aws.signin',
  account: '123456789012',
  time: '2024-01-01T00:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: {
    eventVersion: '1.08',
    userIdentity: { type: 'Root', principalId: '123456789012', arn: 'arn:aws:iam::123456789012:root', accountId: '123456789012' },
    eventTime: '2024-01-01T00:00:00Z',
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    awsRegion: 'us-east-1',
    sourceIPAddress: '192.0.2.1',
    userAgent: 'Mozilla/5.0',
    requestParameters: null,
    responseElements: { ConsoleLogin: 'Success' },
    additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: 'No' },
    eventID: '00000000-0000-4000-8000-000000000001',
    eventType: 'AwsConsoleSignIn',
    recipientAccountId: '123456789012',
  },
};

const OPTIONS = { namePrefix: 'rootwatch', assumedRoot: 'alert' } as const;
const ACCOUNT_NAMES: Record<string, string> = { '111122223333': 'bench-account', '123456789012': 'bench-account' };
const ROUTING_KEY = 'R0123456789ABCDEF0123456789ABCDE';

/** Everything the pipeline does for one event; returns a number so the work cannot be optimized away. */
function processEvent(event: EventBridgeEvent): number {
  const c = classify(event, OPTIONS);
  const alert = toAlert(event, c, ACCOUNT_NAMES);
  if (!alert) return c.matched ? 1 : 0;
  return renderEmail(alert).body.length + renderSlack(alert).blocks.length + renderPagerDuty(alert, ROUTING_KEY).dedup_key.length;
}

function loadEvents(dir: string): Array<{ name: string; event: EventBridgeEvent }> {
  if (dir === '-') return [{ name: 'synthesized-root-consolelogin', event: SYNTHESIZED_ROOT_LOGIN }];
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  if (files.length === 0) throw new Error(`no *.json fixtures in ${dir}`);
  return files.map((f) => ({ name: f, event: JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as EventBridgeEvent }));
}

const nowUs = (): number => Number(process.hrtime.bigint()) / 1e3;

function main(): void {
  const events = loadEvents(process.argv[2] ?? '-');
  let sink = 0;
  for (let round = 0; round < 300; round++) for (const e of events) sink += processEvent(e.event);
  const perFixture = events.map((e) => {
    let iterations = 0;
    const start = nowUs();
    let elapsed = 0;
    // at least 200 iterations and 20 ms per fixture
    while (iterations < 200 || elapsed < 20_000) {
      for (let i = 0; i < 50; i++) sink += processEvent(e.event);
      iterations += 50;
      elapsed = nowUs() - start;
    }
    return { name: e.name, us: elapsed / iterations };
  });
  const worst = perFixture.reduce((a, b) => (b.us > a.us ? b : a));
  const result: EventChildResult & { sink: number } = {
    usPerEvent: median(perFixture.map((p) => p.us)),
    worstUs: worst.us,
    worstFixture: worst.name,
    events: events.length,
    alerts: events.filter((e) => toAlert(e.event, classify(e.event, OPTIONS), ACCOUNT_NAMES) !== null).length,
    sink,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) main();
