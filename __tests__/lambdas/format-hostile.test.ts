/**
 * The formatters against hostile text: bidi isolates in every alert format, and malformed alerts
 * that pass the shallow shape check (they must render, never throw).
 */
import type { RootwatchAlert } from '../../core/types';
import { renderEmail, renderPagerDuty, renderSlack } from '../../lambdas/format';
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
  it('the shared pattern covers each character', () => {
    for (const ch of BIDI) {
      const a = { ...alert, summary: `a${ch}b` };
      expect(renderSlack(a).text).not.toContain(ch);
      expect(renderPagerDuty(a, 'k').payload!.summary).not.toContain(ch);
      expect(renderEmail(a).body.split('\n')[0]).not.toContain(ch);
    }
  });
});
