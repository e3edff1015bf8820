/**
 * Slack incoming-webhook bodies: `text` (the fallback shown in notifications and by clients
 * that do not render blocks) plus Block Kit `blocks`.
 *
 * Slack's mrkdwn treats `<...>` as links and mentions (`<!channel>`), so every value that
 * comes from an event is escaped (&, <, >) before it is placed in mrkdwn text.
 */
import { RootwatchAlert, Severity } from '../../core/types';
import { CloudWatchAlarmMessage, alarmConsoleUrl, alarmTitle } from './alarm';
import { triageLines } from './triage';
import { SEVERITY_LABEL, accountLabel, digestLine, field, oneLine, truncate, yesNo } from './text';

export const SLACK_EMOJI: Record<Severity, string> = {
  critical: ':rotating_light:',
  high: ':red_circle:',
  medium: ':large_orange_circle:',
  low: ':large_blue_circle:',
};

// Block Kit limits
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const FIELD_MAX = 2000;
const MAX_FIELDS = 10;
const BUTTON_URL_MAX = 3000;
const TEXT_MAX = 3000;

/** Escape the three characters Slack's mrkdwn gives meaning to. */
export function slackEscape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const mrkdwn = (text: string, max: number) => ({ type: 'mrkdwn', text: truncate(text, max) });

function fieldBlock(label: string, value: string) {
  return mrkdwn(`*${label}*\n${slackEscape(value)}`, FIELD_MAX);
}

function linkButton(text: string, url: string | null) {
  if (!url || url.length > BUTTON_URL_MAX || !/^https:\/\//.test(url)) return null;
  return { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text }, url }] };
}

export function renderSlack(alert: RootwatchAlert): { text: string; blocks: object[] } {
  const f = alert.facts;
  const emoji = SLACK_EMOJI[alert.severity] ?? ':warning:';
  const sev = SEVERITY_LABEL[alert.severity] ?? 'ALERT';
  const where = accountLabel(alert);
  const headline = alert.digest
    ? `Digest: ${digestLine(alert.digest)}`
    : field(alert.summary, 1000);
  const header = alert.digest
    ? `${sev} root activity digest - ${oneLine(where)}`
    : `${sev} ${alert.alertType === 'login' ? 'root sign-in' : 'root activity'} - ${oneLine(where)}`;

  const fields = [
    fieldBlock('Account', where),
    fieldBlock('Region', field(f.region)),
    fieldBlock('Event', `${field(f.eventName)} (${field(f.eventSource)})`),
    fieldBlock('Time', field(f.eventTime)),
    fieldBlock('Who', `${field(f.principalArn)}${alert.assumedRoot ? ' (AssumeRoot session)' : ''}`),
    fieldBlock('Source IP', field(f.sourceIp)),
    fieldBlock('MFA used', yesNo(f.mfaUsed)),
    fieldBlock('Outcome', f.errorCode ? `${field(f.outcome)} (${field(f.errorCode)})` : field(f.outcome)),
    fieldBlock('User agent', field(f.userAgent, 300)),
  ].slice(0, MAX_FIELDS);

  const context: string[] = [`Reason: ${field(alert.reason, 500)}`, `Session: ${field(f.sessionKey, 300)}`];
  if (alert.digest) {
    context.push(`Between ${field(alert.digest.firstEventTime)} and ${field(alert.digest.lastEventTime)}`);
  }
  if (alert.cisPath) context.push('Via the CIS CloudWatch.1 alarm (secondary path)');

  const blocks: object[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(`${header}`, HEADER_MAX), emoji: true } },
    { type: 'section', text: mrkdwn(`${emoji} *${sev}* ${slackEscape(headline)}`, SECTION_MAX) },
    { type: 'section', fields },
    { type: 'context', elements: context.map((c) => mrkdwn(slackEscape(c), FIELD_MAX)) },
  ];
  const triage = triageLines(alert);
  if (triage.length > 0) blocks.splice(2, 0, { type: 'section', text: mrkdwn(triage.map((t) => `*${t.label}:* ${slackEscape(t.value)}`).join('\n'), SECTION_MAX) });
  const button = linkButton('Open in CloudTrail', f.consoleUrl);
  if (button) blocks.push(button);

  const text = truncate(`${emoji} [Rootwatch ${sev}] ${slackEscape(headline)} (${slackEscape(oneLine(where))})`, TEXT_MAX);
  return { text, blocks };
}

export function renderAlarmSlack(alarm: CloudWatchAlarmMessage): { text: string; blocks: object[] } {
  const state = oneLine(String(alarm.NewStateValue));
  const emoji = state === 'OK' ? ':white_check_mark:' : state === 'ALARM' ? ':warning:' : ':grey_question:';
  const title = `Rootwatch pipeline alarm ${alarmTitle(alarm)}`;
  const fields = [
    fieldBlock('State', state),
    fieldBlock('Account', field(alarm.AWSAccountId)),
    fieldBlock('Region', field(alarm.Region)),
    fieldBlock('Changed', field(alarm.StateChangeTime)),
  ];
  const blocks: object[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(title, HEADER_MAX), emoji: true } },
    {
      type: 'section',
      text: mrkdwn(`${emoji} ${slackEscape(field(alarm.NewStateReason, 2000))}`, SECTION_MAX),
    },
    { type: 'section', fields },
  ];
  if (alarm.AlarmDescription) {
    blocks.push({ type: 'context', elements: [mrkdwn(slackEscape(field(alarm.AlarmDescription, 1000)), FIELD_MAX)] });
  }
  const button = linkButton('Open alarm', alarmConsoleUrl(alarm));
  if (button) blocks.push(button);
  return { text: truncate(`${emoji} ${slackEscape(title)}`, TEXT_MAX), blocks };
}
