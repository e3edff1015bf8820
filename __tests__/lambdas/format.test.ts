import type { RootwatchAlert } from '../../core/types';
import {
  CloudWatchAlarmMessage,
  PAGERDUTY_SEVERITY,
  parseNotification,
  renderAlarmPagerDuty,
  renderAlarmSlack,
  renderEmail,
  renderPagerDuty,
  renderSlack,
  renderSlackNotification,
} from '../../lambdas/format';
import { alertOf, ownFixture, rootCall, sharedFixtures } from './helpers';
import { accountLabel } from '../../lambdas/format/text';

const fixtures = sharedFixtures();
const rootAlerts: Array<[string, RootwatchAlert]> = (fixtures ?? [])
  .filter((f) => f.expectedRoot)
  .map((f) => [f.file, alertOf(f.event, { [f.event.account]: 'Production' })]);
const itShared = fixtures ? it : it.skip;

const isSubjectOk = (s: string) => s.length > 0 && s.length <= 100 && /^[\x20-\x7e]+$/.test(s);

function hostileAlert(): RootwatchAlert {
  const alert = alertOf(
    rootCall({
      eventName: 'PutBucketPolicy',
      userAgent: 'curl/8 <!channel> <https://evil.example|click> \u0007bell\r\nInjected: header\u202Eevil',
    }),
    { '111122223333': 'Prod \u00e9quipe \u{1F680} ' + 'x'.repeat(300) + '\nSecond line' },
  );
  // facts as a careless producer might pass them (core/classify already cleans its own)
  return {
    ...alert,
    accountName: 'Prod \u00e9quipe \u{1F680} ' + 'x'.repeat(300) + '\nSecond line',
    facts: {
      ...alert.facts,
      userAgent: 'curl/8 <!channel> <https://evil.example|click> \u0007bell\r\nInjected: header\u202Eevil',
      sourceIp: '203.0.113.10\u0000\n',
    },
  };
}

describe('renderEmail', () => {
  itShared('gives an SNS-safe subject for every root fixture', () => {
    for (const [file, alert] of rootAlerts) {
      const { subject } = renderEmail(alert);
      expect({ file, ok: isSubjectOk(subject) }).toEqual({ file, ok: true });
      expect(subject).toContain(alert.facts.account);
    }
  });

  it('keeps the subject within 100 printable ASCII characters for unicode, control characters and long names', () => {
    const alert = hostileAlert();
    const { subject } = renderEmail(alert);
    expect(isSubjectOk(subject)).toBe(true);
    expect(subject).not.toMatch(/[\r\n]/);
    // accents are folded, not dropped
    expect(subject).toContain('Prod equipe');
    expect(subject.endsWith('...')).toBe(true);

    const empty = { ...alert, accountName: '\u0000\u0001', facts: { ...alert.facts, eventName: '\u4e2d\u6587\u0000', account: '' } };
    expect(isSubjectOk(renderEmail(empty).subject)).toBe(true);
  });

  itShared('shows every fact and ends with the raw event, pretty-printed', () => {
    for (const [file, alert] of rootAlerts) {
      const { body } = renderEmail(alert);
      const f = alert.facts;
      const must = [f.account, 'Production', f.region, f.eventName, f.eventTime, f.consoleUrl, f.sessionKey];
      if (f.sourceIp) must.push(f.sourceIp);
      if (f.principalArn) must.push(f.principalArn);
      for (const text of must) expect({ file, text, found: body.includes(text) }).toEqual({ file, text, found: true });
      expect(body).toMatch(/MFA used: +(yes|no|unknown)/);
      // the raw event is the last section and parses back to the event
      const raw = body.slice(body.indexOf('Raw event:\n') + 'Raw event:\n'.length);
      expect(JSON.parse(raw)).toEqual(alert.event);
      expect(raw).toContain('\n  "detail": {');
      expect(body.indexOf('Raw event:')).toBeGreaterThan(body.indexOf(f.consoleUrl));
    }
  });

  it('states the MFA and user agent of a synthesized console-session call', () => {
    const alert = alertOf(rootCall({ userAgent: 'Mozilla/5.0 test-agent' }));
    const { body } = renderEmail(alert);
    expect(body).toContain('Mozilla/5.0 test-agent');
    expect(body).toMatch(/MFA used: +yes/);
    expect(body).toContain('203.0.113.10');
    expect(body).toContain('eu-west-1');
  });

  it('keeps control characters out of the fact lines', () => {
    const { body } = renderEmail(hostileAlert());
    const facts = body.slice(0, body.indexOf('Raw event:'));
    expect(facts).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
    expect(facts).not.toMatch(/^Injected: header/m);
  });

  it('renders a digest with the count and the event names', () => {
    const alert: RootwatchAlert = {
      ...alertOf(rootCall()),
      digest: {
        count: 42,
        firstEventTime: '2024-05-01T10:00:05Z',
        lastEventTime: '2024-05-01T10:14:00Z',
        eventNames: { PutBucketPolicy: 30, DeleteBucket: 12 },
      },
    };
    const { subject, body } = renderEmail(alert);
    expect(isSubjectOk(subject)).toBe(true);
    expect(subject).toMatch(/digest of 42 more root events/);
    expect(body.split('\n')[0]).toBe('42 more root events in this session: PutBucketPolicy x30, DeleteBucket x12');
    expect(body).toContain('2024-05-01T10:00:05Z');
    expect(body).toContain('2024-05-01T10:14:00Z');
  });
});

describe('renderSlack', () => {
  itShared('has a text fallback and blocks for every root fixture', () => {
    for (const [, alert] of rootAlerts) {
      const msg = renderSlack(alert) as { text: string; blocks: Array<Record<string, unknown>> };
      expect(msg.text).toMatch(/^:[a-z_]+: \[Rootwatch [A-Z]+\] /);
      expect(msg.text.endsWith(` (${accountLabel(alert)})`)).toBe(true);
      expect(msg.blocks.length).toBeGreaterThanOrEqual(3);
      expect(msg.blocks[0]).toMatchObject({ type: 'header' });
      const all = JSON.stringify(msg.blocks);
      expect(all).toContain(alert.facts.eventName);
      expect(all).toContain(alert.facts.consoleUrl);
    }
  });

  it('picks the emoji by severity', () => {
    const base = alertOf(rootCall());
    const emoji = (severity: RootwatchAlert['severity']) => renderSlack({ ...base, severity }).text.split(' ')[0];
    const seen = new Set(['critical', 'high', 'medium', 'low'].map((s) => emoji(s as RootwatchAlert['severity'])));
    expect(seen.size).toBe(4);
    expect(emoji('critical')).toBe(':rotating_light:');
  });

  it('escapes mentions and links coming from the event', () => {
    const msg = renderSlack(hostileAlert());
    const all = JSON.stringify(msg);
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<https://evil.example');
    expect(all).toContain('&lt;!channel&gt;');
  });

  it('stays within Block Kit limits for huge values', () => {
    const base = alertOf(rootCall({ userAgent: 'u'.repeat(10_000) }));
    const alert = { ...base, summary: 's'.repeat(10_000), accountName: 'n'.repeat(500) };
    const msg = renderSlack(alert) as { text: string; blocks: Array<any> };
    expect(msg.blocks[0].text.text.length).toBeLessThanOrEqual(150);
    for (const b of msg.blocks) {
      if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
      if (b.fields) {
        expect(b.fields.length).toBeLessThanOrEqual(10);
        for (const f of b.fields) expect(f.text.length).toBeLessThanOrEqual(2000);
      }
    }
    expect(msg.text.length).toBeLessThanOrEqual(3000);
  });

  it('says "N more root events" for a digest', () => {
    const alert = { ...alertOf(rootCall()), digest: { count: 7, firstEventTime: 'a', lastEventTime: 'b', eventNames: { GetObject: 7 } } };
    expect(renderSlack(alert).text).toContain('7 more root events in this session: GetObject x7');
  });
});

describe('renderPagerDuty', () => {
  it('maps severities', () => {
    const base = alertOf(rootCall());
    const got = (['critical', 'high', 'medium', 'low'] as const).map((s) => renderPagerDuty({ ...base, severity: s }, 'k').payload!.severity);
    expect(got).toEqual(['critical', 'error', 'warning', 'info']);
    expect(PAGERDUTY_SEVERITY.high).toBe('error');
  });

  itShared('builds a valid Events API v2 trigger for every root fixture', () => {
    for (const [, alert] of rootAlerts) {
      const body = renderPagerDuty(alert, 'R0UTINGKEY');
      expect(body.routing_key).toBe('R0UTINGKEY');
      expect(body.event_action).toBe('trigger');
      expect(body.dedup_key).toBe(alert.facts.sessionKey);
      expect(body.payload!.summary.length).toBeLessThanOrEqual(1024);
      expect(body.payload!.source).toBe(`aws account ${accountLabel(alert)}`);
      expect(['critical', 'error', 'warning', 'info']).toContain(body.payload!.severity);
      expect(Number.isNaN(Date.parse(body.payload!.timestamp!))).toBe(false);
      expect(body.payload!.custom_details).toMatchObject({ account: alert.facts.account, eventName: alert.facts.eventName });
    }
  });

  it('bounds summary and dedup key', () => {
    const base = alertOf(rootCall());
    const alert = { ...base, summary: 'x'.repeat(5000), facts: { ...base.facts, sessionKey: 'k'.repeat(600) } };
    const body = renderPagerDuty(alert, 'k');
    expect(body.payload!.summary.length).toBeLessThanOrEqual(1024);
    expect(body.dedup_key.length).toBeLessThanOrEqual(255);
    // different long keys stay different
    const other = renderPagerDuty({ ...alert, facts: { ...alert.facts, sessionKey: 'k'.repeat(599) + 'j' } }, 'k');
    expect(other.dedup_key).not.toBe(body.dedup_key);
  });

  it('uses the session key for digests too (same incident) and names the count', () => {
    const base = alertOf(rootCall());
    const body = renderPagerDuty({ ...base, digest: { count: 3, firstEventTime: 'a', lastEventTime: 'b', eventNames: { X: 3 } } }, 'k');
    expect(body.dedup_key).toBe(base.facts.sessionKey);
    expect(body.payload!.summary).toContain('3 more root events in this session');
  });
});

describe('CloudWatch alarm notifications', () => {
  const alarmText = JSON.stringify(ownFixture('cloudwatch-alarm-sns-synth.json'));

  it('are told apart from rootwatch alerts', () => {
    expect(parseNotification(alarmText).kind).toBe('alarm');
    expect(parseNotification(JSON.stringify(alertOf(rootCall()))).kind).toBe('alert');
    expect(() => parseNotification('{"hello":1}')).toThrow();
    expect(() => parseNotification('not json')).toThrow();
  });

  it('render for Slack with the state, reason and a console link', () => {
    const n = parseNotification(alarmText);
    const msg = renderSlackNotification(n) as { text: string; blocks: unknown[] };
    expect(msg.text).toContain('ALARM: rootwatch-heartbeat-missing-111122223333');
    const all = JSON.stringify(msg.blocks);
    expect(all).toContain('Threshold Crossed');
    expect(all).toContain('https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/rootwatch-heartbeat-missing-111122223333');
  });

  it('trigger and resolve one PagerDuty incident per alarm', () => {
    const alarm = ownFixture<CloudWatchAlarmMessage>('cloudwatch-alarm-sns-synth.json');
    const trigger = renderAlarmPagerDuty(alarm, 'k');
    expect(trigger.event_action).toBe('trigger');
    expect(trigger.payload!.severity).toBe('error');
    expect(trigger.payload!.timestamp).toBe('2024-05-01T10:15:00.123Z');
    const resolve = renderAlarmPagerDuty({ ...alarm, NewStateValue: 'OK', OldStateValue: 'ALARM' }, 'k');
    expect(resolve.event_action).toBe('resolve');
    expect(resolve.dedup_key).toBe(trigger.dedup_key);
    expect(renderAlarmSlack({ ...alarm, NewStateValue: 'OK' }).text).toContain(':white_check_mark:');
  });
});
