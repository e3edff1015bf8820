/**
 * Email rendering (SNS email subscriptions). SNS requires the subject to be ASCII, at most
 * 100 characters, without line breaks; the body is plain text a person reads top to bottom:
 * the facts first, the raw event last.
 */
import { RootwatchAlert } from '../../core/types';
import { triageLines } from './triage';
import {
  SEVERITY_LABEL,
  accountLabel,
  digestLine,
  eventNameCounts,
  field,
  oneLine,
  prettyJson,
  toAscii,
  truncate,
  yesNo,
} from './text';

export const EMAIL_SUBJECT_MAX = 100;
/** Default cap on the pretty-printed raw event inside an email body. */
const EMAIL_RAW_EVENT_MAX = 64 * 1024;

export interface EmailOptions {
  /** cap on the raw-event section, in characters @default EMAIL_RAW_EVENT_MAX */
  readonly rawEventMaxChars?: number;
}

/** An SNS-safe subject: printable ASCII, single line, at most 100 characters, never empty. */
export function emailSubject(text: string): string {
  const ascii = toAscii(text);
  return truncate(ascii === '' ? 'Rootwatch alert' : ascii, EMAIL_SUBJECT_MAX);
}

function subjectFor(alert: RootwatchAlert): string {
  const sev = SEVERITY_LABEL[alert.severity] ?? 'ALERT';
  const where = accountLabel(alert);
  if (alert.digest) {
    const n = alert.digest.count;
    return emailSubject(`[Rootwatch ${sev}] ${where}: digest of ${n} more root ${n === 1 ? 'event' : 'events'}`);
  }
  // account first: a truncated subject still says where
  return emailSubject(`[Rootwatch ${sev}] ${where}: ${oneLine(alert.facts.eventName)} - ${oneLine(alert.reason ?? '')}`);
}

function line(label: string, value: string): string {
  return `${`${label}:`.padEnd(13)} ${value}`;
}

export function renderEmail(alert: RootwatchAlert, options: EmailOptions = {}): { subject: string; body: string } {
  const f = alert.facts;
  const out: string[] = [];
  const title = alert.digest ? digestLine(alert.digest) : field(alert.summary, 1000);
  out.push(title, '');
  out.push(line('Severity', `${SEVERITY_LABEL[alert.severity] ?? field(alert.severity)} - ${field(alert.reason, 1000)}`));
  for (const t of triageLines(alert)) out.push(line(t.label, t.value));
  if (alert.digest) {
    out.push(line('Folded', `${alert.digest.count} ${alert.digest.count === 1 ? 'event' : 'events'}`));
    out.push(line('Between', `${field(alert.digest.firstEventTime)} and ${field(alert.digest.lastEventTime)}`));
    out.push(line('Event names', field(eventNameCounts(alert.digest.eventNames, 50), 4000)));
    out.push('', 'Latest folded event:');
  }
  const who = [field(f.principalArn), 'root user'];
  if (alert.assumedRoot) who.push('AssumeRoot session (centralized root access)');
  out.push(line('Who', who.join(' - ')));
  const what = `${field(f.eventName)} (${field(f.eventSource)})`;
  const outcome = f.outcome ? `, outcome: ${f.outcome}` : '';
  const error = f.errorCode ? `, error: ${field(f.errorCode)}` : '';
  out.push(line('What', `${what}${outcome}${error}`));
  out.push(line('Account', accountLabel(alert)));
  out.push(line('Region', field(f.region)));
  out.push(line('Time', field(f.eventTime)));
  out.push(line('Source IP', field(f.sourceIp)));
  out.push(line('User agent', field(f.userAgent, 1000)));
  out.push(line('MFA used', yesNo(f.mfaUsed)));
  out.push(line('Read-only', yesNo(f.readOnly)));
  out.push(line('Event ID', field(f.eventId)));
  out.push(line('Session', field(f.sessionKey)));
  if (alert.cisPath) out.push(line('Path', 'CIS CloudWatch.1 alarm (secondary path)'));
  out.push('');
  out.push('Open in CloudTrail event history:');
  out.push(field(f.consoleUrl, 2000));
  out.push('');
  out.push('Raw event:');
  out.push(prettyJson(alert.event, options.rawEventMaxChars ?? EMAIL_RAW_EVENT_MAX));
  return { subject: subjectFor(alert), body: out.join('\n') + '\n' };
}
