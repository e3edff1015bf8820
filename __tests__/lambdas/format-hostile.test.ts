/**
 * The formatters against hostile text: bidi isolates in every alert format, and malformed alerts
 * that pass the shallow shape check (they must render, never throw).
 */
import type { RootwatchAlert } from '../../core/types';
import { renderAlarmPagerDuty, renderAlarmSlack, renderEmail, renderPagerDuty, renderSlack } from '../../lambdas/format';
import { asAlarmMessage } from '../../lambdas/format/alarm';
import { printableLine } from '../../core/printable';
import { alertOf, rootCall } from './helpers';

const BIDI = ['\u2066', '\u2067', '\u2068', '\u2069', '\u202e', '\u200f', '\u061c'];
const BIDI_RE = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** An alert whose text fields carry bidi isolates ("Trojan Source" style reordering). */
function bidiAlert(): RootwatchAlert {
  const alert = alertOf(rootCall({ eventName: 'PutBucketPolicy' }), { '111122223333': 'Prod' });
  const evil = (s: string) => `${s} \u2066admin\u2069 \u2067gnp.exe\u2069 \u2068x\u2069`;
  return {
    ...alert,
    accountName: evil('Prod'),
    summary: evil(alert.summary),
    reason: evil(alert.reason),
    facts: {
      ...alert.facts,
      userAgent: evil('curl/8'),
      principalArn: evil('arn:aws:iam::111122223333:root'),
      sourceIp: evil('203.0.113.10'),
      eventName: evil('PutBucketPolicy'),
      eventSource: evil('s3.amazonaws.com'),
      region: evil('us-east-1'),
    },
  };
}

/** Every string in a JSON value. */
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => strings(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => strings(x, out));
  return out;
}

describe('bidi isolates (U+2066-2069) never reach a channel', () => {
  const alert = bidiAlert();
  // the raw event is shown as JSON (escaped by design in the e-mail's raw section); the fact
  // lines, titles and fields are what a person reads
  it('Slack: text, header, sections, fields and context', () => {
    const body = renderSlack(alert);
    for (const s of strings(body)) expect(s).not.toMatch(BIDI_RE);
  });
  it('PagerDuty: summary, source, component, class and the fact details', () => {
    const body = renderPagerDuty(alert, 'k'.repeat(32));
    const { event: _raw, ...facts } = body.payload!.custom_details as Record<string, unknown>;
    for (const s of strings({ ...body, payload: { ...body.payload, custom_details: facts } })) {
      expect(s).not.toMatch(BIDI_RE);
    }
  });
  it('e-mail: subject and every fact line', () => {
    const { subject, body } = renderEmail(alert);
    expect(subject).not.toMatch(BIDI_RE);
    const facts = body.split('\nRaw event:\n')[0];
    expect(facts).not.toMatch(BIDI_RE);
  });
  it('CloudWatch alarms (Slack and PagerDuty): name, description, reason and dimensions', () => {
    const evil = (s: string) => `${s} \u2066admin\u2069 \u2067gnp.exe\u2069 \u2068x\u2069`;
    const alarm = asAlarmMessage({
      AlarmName: evil('rootwatch-notifier-errors'),
      AlarmDescription: evil('rootwatch: notifier failed'),
      NewStateValue: 'ALARM',
      OldStateValue: 'OK',
      NewStateReason: evil('Threshold Crossed'),
      AWSAccountId: '111122223333',
      Region: 'EU (Ireland)',
      StateChangeTime: '2024-05-01T10:00:00.000+0000',
      Trigger: { MetricName: 'Errors', Namespace: 'AWS/Lambda', Dimensions: [{ name: 'FunctionName', value: evil('fn') }] },
    })!;
    const slack = renderAlarmSlack(alarm);
    expect(strings(slack).length).toBeGreaterThan(3);
    for (const s of strings(slack)) expect(s).not.toMatch(BIDI_RE);
    const pd = renderAlarmPagerDuty(alarm, 'k'.repeat(32));
    const { trigger: _raw, ...details } = pd.payload!.custom_details as Record<string, unknown>;
    for (const s of strings({ ...pd, payload: { ...pd.payload, custom_details: details } })) expect(s).not.toMatch(BIDI_RE);
    expect(details.alarmName).toBe('rootwatch-notifier-errors admin gnp.exe x');
    expect(pd.payload!.summary).toContain('rootwatch-notifier-errors admin gnp.exe x');
  });
  it('the one unprintable pattern (core/printable.ts) turns each isolate and override into a space', () => {
    expect(printableLine('a\u2066b\u2067c\u2068d\u2069e\u202ef\u200fg\u061ch')).toBe('a b c d e f g h');
  });
  it('the shared pattern covers each character', () => {
    for (const ch of BIDI) {
      const a = { ...alert, summary: `a${ch}b` };
      expect(renderSlack(a).text).not.toContain(ch);
      expect(renderPagerDuty(a, 'k').payload!.summary).not.toContain(ch);
      expect(renderEmail(a).body.split('\n')[0]).not.toContain(ch);
    }
  });
});
