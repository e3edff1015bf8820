/**
 * The deployed event patterns (core/patterns.ts) and the classification agree: what the spoke
 * rule forwards and a hub rule delivers is exactly what `classify` calls matched, and the hub
 * rule that fires decides the alert type.
 */
import { sharedFixturesDir } from '../helpers/shared-fixtures';
import * as fs from 'fs';
import * as path from 'path';
import { classify } from '../../core/classify';
import { matchesPattern } from '../../core/matcher';
import { rulePatterns } from '../../core/patterns';

const SHARED = sharedFixturesDir();
const OWN = path.resolve(__dirname, '../fixtures/events');
const haveShared = fs.existsSync(path.join(SHARED, 'INDEX.tsv'));
if (!haveShared) console.log(`shared fixtures not found at ${SHARED}: skipping the shared-fixture cases`);

interface Case { name: string; event: unknown; expected: 'login' | 'activity' | 'none' | 'heartbeat' | 'cis-alarm' }

const cases: Case[] = [];
if (haveShared) {
  for (const line of fs.readFileSync(path.join(SHARED, 'INDEX.tsv'), 'utf8').split('\n').slice(1)) {
    if (!line.trim()) continue;
    const [file, , kind] = line.split('\t');
    cases.push({ name: file, event: JSON.parse(fs.readFileSync(path.join(SHARED, file), 'utf8')), expected: kind as Case['expected'] });
  }
}
const ownExpected: Record<string, Case['expected']> = {
  'sts-assumeroot-call-synth.json': 'activity',
  'assumedroot-s3-deletebucketpolicy-synth.json': 'activity',
  'root-iam-deactivatemfadevice-synth.json': 'activity',
  // the former custom heartbeat: anyone allowed to PutEvents could forge it, so it is nothing now
  'heartbeat-synth.json': 'none',
  'heartbeat-tagqueue-synth.json': 'heartbeat',
  'cis-alarm-synth.json': 'cis-alarm',
};
for (const file of fs.readdirSync(OWN).filter((f) => f.endsWith('.json'))) {
  cases.push({ name: file, event: JSON.parse(fs.readFileSync(path.join(OWN, file), 'utf8')), expected: ownExpected[file] });
}

const p = rulePatterns('rootwatch');
// what Terraform receives is the JSON text of the patterns: evaluate that too
const deployed = JSON.parse(JSON.stringify(p)) as typeof p;

describe.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  const m = (pattern: keyof typeof p) => matchesPattern(deployed[pattern], c.event);

  it('has an expectation', () => {
    expect(['login', 'activity', 'none', 'heartbeat', 'cis-alarm']).toContain(c.expected);
  });

  it('passes the rules that deliver it, and no others', () => {
    const root = c.expected === 'login' || c.expected === 'activity';
    expect({
      spokeRoot: m('spokeRoot'),
      spokeHeartbeat: m('spokeHeartbeat'),
      spokeCisAlarm: m('spokeCisAlarm'),
      hubLogin: m('hubLogin'),
      hubActivity: m('hubActivity'),
      hubPipeline: m('hubPipeline'),
    }).toEqual({
      // the heartbeat's CloudTrail record travels the root-forwarding rule itself
      spokeRoot: root || c.expected === 'heartbeat',
      spokeHeartbeat: c.expected === 'heartbeat',
      spokeCisAlarm: c.expected === 'cis-alarm',
      hubLogin: c.expected === 'login',
      hubActivity: c.expected === 'activity',
      hubPipeline: c.expected === 'heartbeat' || c.expected === 'cis-alarm',
    });
  });

  it('classify agrees with the rules', () => {
    const cl = classify(c.event);
    const delivered = (m('spokeRoot') && (m('hubLogin') || m('hubActivity'))) || (m('hubPipeline') && (m('spokeHeartbeat') || m('spokeCisAlarm')));
    expect(cl.matched).toBe(delivered);
    if (m('hubLogin')) expect(cl.alertType).toBe('login');
    if (m('hubActivity') || m('spokeCisAlarm')) expect(cl.alertType).toBe('activity');
    if (!delivered || m('spokeHeartbeat')) expect(cl.alertType).toBeNull();
  });
});

describe('pattern details', () => {
  const call = cases.find((c) => c.name === 'sts-assumeroot-call-synth.json')!;

  it('the AssumeRoot call passes through the AssumeRoot branch, not the root-actor branch', () => {
    const e = JSON.parse(JSON.stringify(call.event));
    expect(matchesPattern(p.spokeRoot, e)).toBe(true);
    e.source = 'aws.iam';
    expect(matchesPattern(p.spokeRoot, e)).toBe(false);
  });

  it('root sign-ins never reach the activity rule and root calls never reach the login rule', () => {
    for (const c of cases.filter((x) => x.expected === 'login' || x.expected === 'activity')) {
      expect([c.name, matchesPattern(p.hubLogin, c.event) && matchesPattern(p.hubActivity, c.event)]).toEqual([c.name, false]);
    }
  });

  it('patterns depend on the name prefix only through the heartbeat role and the pipeline rules', () => {
    const other = rulePatterns('acme');
    expect(other.hubLogin).toEqual(p.hubLogin);
    expect(other.hubActivity).toEqual(p.hubActivity);
    const hb = cases.find((c) => c.name === 'heartbeat-tagqueue-synth.json')!;
    expect(matchesPattern(p.spokeRoot, hb.event)).toBe(true);
    expect(matchesPattern(other.spokeRoot, hb.event)).toBe(false);
    expect(matchesPattern(other.hubPipeline, hb.event)).toBe(false);
    for (const c of cases.filter((x) => x.expected === 'login' || x.expected === 'activity')) {
      expect([c.name, matchesPattern(other.spokeRoot, c.event)]).toEqual([c.name, true]);
    }
  });

  it('another role tagging the queue is not a heartbeat (the role name prefix decides)', () => {
    const hb = JSON.parse(JSON.stringify(cases.find((c) => c.name === 'heartbeat-tagqueue-synth.json')!.event));
    hb.detail.userIdentity.sessionContext.sessionIssuer.userName = 'admin';
    expect(matchesPattern(p.spokeRoot, hb)).toBe(false);
    expect(classify(hb).matched).toBe(false);
  });
});

describe('rulePatterns', () => {
  it('is built once per prefix and shared, frozen, by every caller', () => {
    const { rulePatterns: build } = jest.requireActual('../../core/patterns') as typeof import('../../core/patterns');
    const a = build('shared-prefix');
    expect(build('shared-prefix')).toBe(a);
    expect(Object.isFrozen(a.spokeRoot)).toBe(true);
    expect(() => {
      (a.hubLogin as Record<string, unknown>)['detail-type'] = ['tampered'];
    }).toThrow(TypeError);
    expect(build('other-prefix')).not.toBe(a);
  });
});

describe('forged root events (custom source, as any principal with events:PutEvents could send)', () => {
  const roots = cases.filter((c) => c.expected === 'login' || c.expected === 'activity');
  it('the corpus has root events to forge', () => {
    expect(roots.length).toBeGreaterThanOrEqual(haveShared ? 10 : 3);
  });
  it.each(roots.map((c) => [c.name, c] as const))('%s: a custom-source copy matches no root rule and is not classified as root', (_name, c) => {
    for (const source of ['my.forged.app', 'rootwatch.heartbeat', 'aws', 'AWS.signin', 'awss.signin', ' aws.signin']) {
      const forged = { ...(c.event as Record<string, unknown>), source };
      expect(matchesPattern(deployed.spokeRoot, forged)).toBe(false);
      expect(matchesPattern(deployed.hubLogin, forged)).toBe(false);
      expect(matchesPattern(deployed.hubActivity, forged)).toBe(false);
      const k = classify(forged);
      expect(k.matched && k.kind === 'root').toBe(false);
    }
    // the genuine event still matches
    expect(matchesPattern(deployed.spokeRoot, c.event)).toBe(true);
  });
  it('every root rule requires an aws.* source, the heartbeat keeps its own source and the CIS alarm aws.cloudwatch', () => {
    for (const k of ['spokeRoot', 'hubLogin', 'hubActivity'] as const) expect(deployed[k].source).toEqual([{ prefix: 'aws.' }]);
    expect(matchesPattern(deployed.hubPipeline, cases.find((c) => c.expected === 'heartbeat')!.event)).toBe(true);
    expect(matchesPattern(deployed.hubPipeline, cases.find((c) => c.expected === 'cis-alarm')!.event)).toBe(true);
  });
});
