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
import { SEVERITY_LABEL, accountLabel, digestLine, field, oneLine, truncate, wellFormed, yesNo } from './text';

export const SLACK_EMOJI: Record<Severity, string> = {
  critical: ':rotating_light:',
  high: ':red_circle:',
  medium: ':large_orange_circle:',
  low: ':large_blue_circle:',
};

// Block Kit limits (https://docs.slack.dev/reference/block-kit/blocks/header-block, .../section-block,
// .../context-block, .../actions-block, https://docs.slack.dev/reference/block-kit/block-elements/button-element,
// https://docs.slack.dev/reference/block-kit/composition-objects/text-object): header plain_text at
// most 150 characters; section text at most 3000, at most 10 fields of at most 2000 each; context at
// most 10 elements; actions at most 25 elements; button text at most 75, url at most 3000; a
// message at most 50 blocks; text objects at least 1 character.
export const SLACK_LIMITS = {
  blocks: 50,
  header: 150,
  sectionText: 3000,
  fields: 10,
  field: 2000,
  contextElements: 10,
  contextText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonUrl: 3000,
  /** our own bound on the fallback `text` (Slack truncates messages far longer) */
  text: 3000,
} as const;
const HEADER_MAX = SLACK_LIMITS.header;
const SECTION_MAX = SLACK_LIMITS.sectionText;
const FIELD_MAX = SLACK_LIMITS.field;
const MAX_FIELDS = SLACK_LIMITS.fields;
const BUTTON_URL_MAX = SLACK_LIMITS.buttonUrl;
const TEXT_MAX = SLACK_LIMITS.text;

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

export interface SlackBody {
  text: string;
  blocks: object[];
}

/** Where a webhook body breaks the documented Block Kit limits (empty when it is valid). */
export function slackProblems(body: unknown): string[] {
  const problems: string[] = [];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const textObject = (t: unknown, where: string, max: number, types: string[]) => {
    if (!isObj(t)) return void problems.push(`${where}: must be a text object`);
    if (!types.includes(String(t.type))) problems.push(`${where}.type: must be ${types.join(' or ')}`);
    if (typeof t.text !== 'string' || t.text.length < 1) return void problems.push(`${where}.text: must be a non-empty string`);
    if (t.text.length > max) problems.push(`${where}.text: longer than ${max} characters`);
    if (!wellFormed(t.text)) problems.push(`${where}.text: lone surrogate`);
  };
  if (!isObj(body)) return ['body: must be an object'];
  if (typeof body.text !== 'string' || body.text.length < 1 || body.text.length > SLACK_LIMITS.text) problems.push('text: must be 1-3000 characters');
  if (body.blocks === undefined) return problems; // a text-only message
  if (!Array.isArray(body.blocks)) return [...problems, 'blocks: must be an array'];
  if (body.blocks.length > SLACK_LIMITS.blocks) problems.push(`blocks: more than ${SLACK_LIMITS.blocks}`);
  body.blocks.forEach((b, i) => {
    const at = `blocks[${i}]`;
    if (!isObj(b)) return void problems.push(`${at}: must be an object`);
    switch (b.type) {
      case 'header':
        textObject(b.text, `${at}.text`, SLACK_LIMITS.header, ['plain_text']);
        break;
      case 'section':
        if (b.text === undefined && b.fields === undefined) problems.push(`${at}: needs text or fields`);
        if (b.text !== undefined) textObject(b.text, `${at}.text`, SLACK_LIMITS.sectionText, ['plain_text', 'mrkdwn']);
        if (b.fields !== undefined) {
          if (!Array.isArray(b.fields) || b.fields.length < 1 || b.fields.length > SLACK_LIMITS.fields) problems.push(`${at}.fields: must hold 1-10 items`);
          else b.fields.forEach((f, j) => textObject(f, `${at}.fields[${j}]`, SLACK_LIMITS.field, ['plain_text', 'mrkdwn']));
        }
        break;
      case 'context':
        if (!Array.isArray(b.elements) || b.elements.length < 1 || b.elements.length > SLACK_LIMITS.contextElements) problems.push(`${at}.elements: must hold 1-10 items`);
        else b.elements.forEach((e, j) => textObject(e, `${at}.elements[${j}]`, SLACK_LIMITS.contextText, ['plain_text', 'mrkdwn']));
        break;
      case 'actions':
        if (!Array.isArray(b.elements) || b.elements.length < 1 || b.elements.length > SLACK_LIMITS.actionsElements) problems.push(`${at}.elements: must hold 1-25 items`);
        else
          b.elements.forEach((e, j) => {
            if (!isObj(e) || e.type !== 'button') return void problems.push(`${at}.elements[${j}]: must be a button`);
            textObject(e.text, `${at}.elements[${j}].text`, SLACK_LIMITS.buttonText, ['plain_text']);
            if (e.url !== undefined && (typeof e.url !== 'string' || e.url.length < 1 || e.url.length > SLACK_LIMITS.buttonUrl)) problems.push(`${at}.elements[${j}].url: must be 1-3000 characters`);
          });
        break;
      default:
        problems.push(`${at}.type: rootwatch sends header, section, context and actions blocks only`);
    }
  });
  return problems;
}

/**
 * `body` when it is within Block Kit's limits, else the same message as plain text only: a body
 * Slack refuses (invalid_blocks, a permanent 400) would lose the alert.
 */
export function fitSlackBody(body: SlackBody): SlackBody | { text: string } {
  if (slackProblems(body).length === 0) return body;
  const text = typeof body.text === 'string' && body.text.trim() ? body.text : 'Rootwatch alert';
  return { text: truncate(oneLine(text), TEXT_MAX) };
}
