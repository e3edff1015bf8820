/**
 * `rootwatch simulate <event.json|->`: what would the deployed rules and the notifier do with
 * one EventBridge event? Evaluates the same patterns that are deployed (core/patterns.ts) with
 * the offline matcher and the notifier's classification, and can print the exact body an
 * alerter would send (`--render`), produced by the Lambda formatting code.
 *
 * Exit codes: 0 = the event matches (an alert, a muted event or a heartbeat; with --render: a
 * body was rendered), 1 = nothing would be delivered (with --render: nothing would be sent),
 * 2 = usage error (thrown as UsageError).
 */
import * as fs from 'fs';
import { toAlert } from '../core/alert';
import { DEFAULT_NAME_PREFIX, RuleMatches, classify, clean, ruleMatches } from '../core/classify';
import { get } from '../core/json';
import { ruleNames } from '../core/patterns';
import type { RootwatchConfig } from '../core/config';
import { expectedAccounts } from '../core/coverage';
import {
  DETAIL_TYPE_API_CALL,
  DETAIL_TYPE_SIGN_IN,
  HEARTBEAT_CALL,
  HEARTBEAT_SOURCE,
  RULE_STATE_ALL_MANAGEMENT_EVENTS,
  cisAlarmName,
} from '../core/patterns';
import type { AssumedRootPolicy, Classification, EventBridgeEvent, RootwatchAlert } from '../core/types';
import { UsageError } from './errors';
import { verdictLine } from '../core/root-tasks';

export type RenderTarget = 'slack' | 'pagerduty' | 'email';
const RENDER_TARGETS: readonly RenderTarget[] = ['slack', 'pagerduty', 'email'];
/** What `--render pagerduty` shows instead of the secret routing key. */
export const PAGERDUTY_KEY_PLACEHOLDER = '<routing-key from SSM>';
/** Larger inputs are refused (EventBridge events are at most 256 KB). */
const MAX_INPUT_BYTES = 1024 * 1024;

export interface SimulateArgs {
  /** path of a JSON file holding one EventBridge event, or '-' for stdin */
  input: string;
  /** resolved config; without it the defaults apply (namePrefix `rootwatch`, assumedRoot `alert`) */
  config?: RootwatchConfig;
  json: boolean;
  render?: RenderTarget;
  /** @default process.stdin */
  stdin?: NodeJS.ReadableStream;
}

export interface SimulateResult {
  stdout: string;
  exitCode: number;
}

/** The `--json` output: exactly these keys. */
export interface SimulateJson {
  /** the deployed patterns and classifier would alert on (or record) this event */
  matched: boolean;
  /** a deployed rule watches this event's account and region (null: no config, unknown) */
  covered: boolean | null;
  /** one line: why not covered (null when covered) */
  coverage: string | null;
  alertType: 'login' | 'activity' | null;
  severity: 'critical' | 'high' | 'medium' | 'low' | null;
  assumedRoot: boolean;
  summary: string | null;
  /** a task only root can do (true), one an IAM principal could have done (false), a sign-in or undecidable (null); core/root-tasks.ts */
  rootOnly: boolean | null;
  /** the root-only task's name, else null */
  rootOnlyTask: string | null;
}

export async function runSimulate(args: SimulateArgs): Promise<SimulateResult> {
  if (args.render !== undefined && !RENDER_TARGETS.includes(args.render)) {
    throw new UsageError(`--render: must be one of ${RENDER_TARGETS.join(', ')} (got ${String(args.render).slice(0, 40)})`);
  }
  if (args.json && args.render) throw new UsageError('--json and --render cannot be used together');
  const text = await readInput(args.input, args.stdin);
  const event = parseEnvelope(text, args.input);

  const namePrefix = args.config?.namePrefix ?? DEFAULT_NAME_PREFIX;
  const assumedRoot: AssumedRootPolicy = args.config?.detection.assumedRoot ?? 'alert';
  const c = classify(event, { namePrefix, assumedRoot, avoidableRootWrites: args.config?.detection.avoidableRootWrites ?? 'unchanged' });

  if (args.json) {
    const cov = coverageOf(args.config, clean(event.account, 64), clean(event.region, 32));
    const out: SimulateJson = {
      // a heartbeat is delivered but never alerts: not matched, covered, and its summary says so
      matched: c.matched && c.kind !== 'heartbeat',
      covered: cov.covered,
      coverage: cov.why,
      alertType: c.alertType,
      severity: c.severity,
      assumedRoot: c.assumedRoot,
      summary: c.summary,
      rootOnly: c.rootTask?.rootOnly ?? null,
      rootOnlyTask: c.rootTask?.task ?? null,
    };
    return { stdout: `${JSON.stringify(out)}\n`, exitCode: 0 };
  }
  if (args.render) return render(args.render, event, c, args.config);
  return { stdout: explain(event, c, ruleMatches(event, namePrefix), namePrefix, assumedRoot, args.config), exitCode: 0 };
}

// ---------------------------------------------------------------- input

async function readInput(input: string, stdin?: NodeJS.ReadableStream): Promise<string> {
  if (typeof input !== 'string' || input === '') throw new UsageError('input: missing (a path to an event JSON file, or - for stdin)');
  if (input === '-') return readStream(stdin ?? process.stdin);
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(input);
  } catch (e) {
    throw new UsageError(`input: cannot read ${input}: ${errorCode(e)}`);
  }
  if (stat.isDirectory()) throw new UsageError(`input: ${input} is a directory, not an event file`);
  if (stat.size > MAX_INPUT_BYTES) throw new UsageError(`input: ${input} is larger than ${MAX_INPUT_BYTES} bytes`);
  try {
    return await fs.promises.readFile(input, 'utf8');
  } catch (e) {
    throw new UsageError(`input: cannot read ${input}: ${errorCode(e)}`);
  }
}

function errorCode(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string') return code;
  return e instanceof Error ? e.message : String(e);
}

function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err: Error | null, value?: string) => {
      if (done) return;
      done = true;
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', onError);
      if (err) reject(err);
      else resolve(value ?? '');
    };
    const onData = (chunk: Buffer | string) => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      size += buf.length;
      if (size > MAX_INPUT_BYTES) {
        finish(new UsageError(`input: stdin is larger than ${MAX_INPUT_BYTES} bytes`));
        return;
      }
      chunks.push(buf);
    };
    const onEnd = () => finish(null, Buffer.concat(chunks).toString('utf8'));
    const onError = (e: unknown) => finish(new UsageError(`input: cannot read stdin: ${errorCode(e)}`));
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

function parseEnvelope(text: string, input: string): EventBridgeEvent {
  const name = input === '-' ? 'stdin' : input;
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new UsageError(`input: ${name} is not valid JSON (${why.slice(0, 120)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`event: must be a JSON object (one EventBridge event), got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`);
  }
  const v = value as Record<string, unknown>;
  const bareRecord = !('detail' in v) && ('userIdentity' in v || 'eventVersion' in v);
  const hint = bareRecord ? ' (this looks like a bare CloudTrail record: wrap it in an EventBridge envelope with detail-type, source, account, region and detail)' : '';
  if ('Records' in v && !('detail' in v)) {
    throw new UsageError('event.detail-type: missing (this looks like a CloudTrail log file; pass one EventBridge event)');
  }
  for (const field of ['detail-type', 'source', 'account', 'region'] as const) {
    if (!(field in v)) throw new UsageError(`event.${field}: missing${hint}`);
    if (typeof v[field] !== 'string' || v[field] === '') throw new UsageError(`event.${field}: must be a non-empty string`);
  }
  if (!('detail' in v)) throw new UsageError('event.detail: missing');
  if (typeof v.detail !== 'object' || v.detail === null || Array.isArray(v.detail)) {
    throw new UsageError('event.detail: must be an object');
  }
  return v as unknown as EventBridgeEvent;
}

// ---------------------------------------------------------------- --render

async function render(target: RenderTarget, event: EventBridgeEvent, c: Classification, config?: RootwatchConfig): Promise<SimulateResult> {
  const alert = toAlert(event, c, config?.accountNames);
  if (!alert) {
    const why = !c.matched
      ? 'the event does not match the rootwatch rules'
      : c.muted
        ? 'the event matches but is muted by detection.assumedRoot = mute'
        : c.kind === 'heartbeat'
          ? 'the event is a heartbeat, which is not an alert'
          : 'the event is not an alert';
    return { stdout: `Nothing would be sent to ${target}: ${why}.\n`, exitCode: 0 };
  }
  // What the alerter receives went through SNS as JSON: render from the same round trip.
  const received = JSON.parse(JSON.stringify(alert)) as RootwatchAlert;
  const format = await import('../lambdas/format');
  if (target === 'slack') return { stdout: `${JSON.stringify(format.renderSlack(received))}\n`, exitCode: 0 };
  if (target === 'pagerduty') {
    return { stdout: `${JSON.stringify(format.renderPagerDuty(received, PAGERDUTY_KEY_PLACEHOLDER))}\n`, exitCode: 0 };
  }
  const email = format.renderEmail(received);
  return { stdout: `${JSON.stringify({ subject: email.subject, body: email.body })}\n`, exitCode: 0 };
}

// ---------------------------------------------------------------- explanation

function describeValue(v: unknown): string {
  if (v === undefined) return 'missing';
  if (typeof v === 'string') return JSON.stringify(clean(v, 80));
  try {
    return clean(JSON.stringify(v) ?? String(v), 80);
  } catch {
    return typeof v;
  }
}


function explain(
  event: EventBridgeEvent,
  c: Classification,
  m: RuleMatches,
  namePrefix: string,
  policy: AssumedRootPolicy,
  config?: RootwatchConfig,
): string {
  const account = clean(event.account, 64);
  const region = clean(event.region, 32);
  const lines = [`Event: ${describeValue(event['detail-type'])} from ${describeValue(event.source)} in account ${account} (${region})`];
  if (!c.matched) {
    lines.push('Result: NOT MATCHED: the rootwatch rules would not deliver this event to the notifier; no alert.');
    lines.push(...whyNot(event, m, namePrefix).map((l) => `  - ${l}`));
    return `${lines.join('\n')}\n`;
  }
  const where: EventPath = {
    account,
    region,
    hubRegion: config?.hub.region ?? '<hub region>',
    hubAccount: config?.hub.accountId ?? '<hub account>',
    names: ruleNames(namePrefix),
  };
  const cov = coverageOf(config, account, region);
  const notCovered = cov.covered === false ? `NOT COVERED: ${cov.why} (the event would be matched if a rule saw it). ` : '';
  if (c.kind === 'heartbeat') lines.push(...heartbeatLines(c, where, notCovered));
  else lines.push(resultLine(c, notCovered, policy), ...alertLines(c, where, config));
  return `${lines.join('\n')}\n`;
}

/** Where a matched event travels: its account and region, the hub, the rule names. */
interface EventPath {
  account: string;
  region: string;
  hubRegion: string;
  hubAccount: string;
  names: ReturnType<typeof ruleNames>;
}

function heartbeatLines(c: Classification, w: EventPath, notCovered: string): string[] {
  return [
    `Result: ${notCovered}HEARTBEAT: this is rootwatch's heartbeat for ${w.account} in ${w.region}, not an alert.`,
    `Summary: ${c.summary ?? ''}`,
    'Path:',
    `  1. CloudTrail records the heartbeat role's ${HEARTBEAT_CALL.eventName} on the path's dead-letter queue in ${w.region}`,
    `  2. -> spoke rule ${w.names.spokeForwardRoot} in ${w.region} on the default event bus of ${w.account} (the rule root events use)`,
    `  3. -> hub event bus in ${w.hubRegion} (account ${w.hubAccount})`,
    `  4. -> hub rule ${w.names.hubPipeline}`,
    `  5. -> notifier: stamps the last heartbeat of (${w.account}, ${w.region}) in the coverage ledger; sends nothing. The coverage sweep alerts when a path goes stale.`,
  ];
}

function resultLine(c: Classification, notCovered: string, policy: AssumedRootPolicy): string {
  if (notCovered) return `Result: ${notCovered}No alert.`;
  if (c.kind === 'none') return 'Result: MATCHED by the rules, but the notifier sends no alert.';
  if (c.muted) return `Result: MATCHED, but MUTED: detection.assumedRoot is "${policy}", so this AssumeRoot session event is recorded and not sent.`;
  return `Result: MATCHED: ${c.alertType} alert, severity ${c.severity}${c.assumedRoot ? ', AssumeRoot session' : ''}${c.kind === 'cis-alarm' ? ' (CIS alarm path)' : ''}`;
}

/** What the alert says and the path it takes: spoke rule, hub bus and rule, notifier, topic. */
function alertLines(c: Classification, w: EventPath, config: RootwatchConfig | undefined): string[] {
  const alarm = c.kind === 'cis-alarm' || c.kind === 'dlq-alarm';
  const spokeRule = alarm
    ? `spoke rule ${w.names.spokeForwardPipeline} (alarms) in ${w.region} on the default event bus of ${w.account}`
    : `spoke rule ${w.names.spokeForwardRoot} in ${w.region} on the default event bus of ${w.account} (state ${RULE_STATE_ALL_MANAGEMENT_EVENTS})`;
  const hubRule = alarm ? w.names.hubPipeline : c.alertType === 'login' ? w.names.hubLogin : w.names.hubActivity;
  const topic = c.alertType === 'login' ? 'login' : 'activity';
  const lines: string[] = [];
  if (c.summary) lines.push(`Summary: ${c.summary}`);
  if (c.reason) lines.push(`Reason: ${c.reason}`);
  if (c.rootTask) lines.push(`Root task: ${verdictLine(c.rootTask)} [${c.rootTask.reason}]`);
  lines.push(
    'Path:',
    `  1. ${spokeRule}`,
    `  2. -> hub event bus in ${w.hubRegion} (account ${w.hubAccount})`,
    `  3. -> hub rule ${hubRule}`,
    `  4. -> notifier (session key ${c.facts?.sessionKey ?? '-'}; later events of the session fold into a digest)`,
  );
  if (c.kind !== 'none' && !c.muted) lines.push(`  5. -> SNS ${topic} topic -> ${subscribers(topic, config)}`);
  if (c.facts?.consoleUrl) lines.push(`Console: ${c.facts.consoleUrl}`);
  return lines;
}

function subscribers(topic: 'login' | 'activity', config?: RootwatchConfig): string {
  if (!config) return 'its subscribers (email, Slack, PagerDuty as configured)';
  const parts: string[] = [];
  const emails = config.alerts.email[topic].length;
  if (emails > 0) parts.push(`email (${emails} ${emails === 1 ? 'address' : 'addresses'})`);
  if (config.alerts.slack) parts.push('Slack alerter');
  if (config.alerts.pagerduty) parts.push('PagerDuty alerter');
  return parts.length > 0 ? parts.join(', ') : 'no subscribers configured';
}

/**
 * Does a deployed rule watch this account and region? Known only with a config: the hub, every
 * spoke and the management account (when configured), each in its configured regions.
 */
function coverageOf(config: RootwatchConfig | undefined, account: string, region: string): { covered: boolean | null; why: string | null } {
  if (!config) return { covered: null, why: 'no config: which accounts and regions are monitored is unknown' };
  const entry = expectedAccounts(config).find((a) => a.account === account);
  const who = entry?.name ? `${entry.name} (${account})` : account;
  if (!entry) return { covered: false, why: `account ${account} is not monitored (neither the hub, a spoke nor the management account${config.stackSet ? '; in stackset mode give --ou-export with the accounts of its OU' : ''})` };
  if (!entry.regions.includes(region)) return { covered: false, why: `region ${region} is not monitored for ${who}` };
  return { covered: true, why: null };
}

function whyNot(event: EventBridgeEvent, m: RuleMatches, namePrefix: string): string[] {
  const detail = event.detail;
  const detailType = event['detail-type'];
  const source = event.source;
  const reasons: string[] = [];

  if (source === HEARTBEAT_SOURCE) {
    const prefix = get(detail, 'namePrefix');
    reasons.push(
      prefix === namePrefix
        ? `heartbeat event, but detail-type is ${describeValue(detailType)} (expected "rootwatch heartbeat")`
        : `heartbeat of another deployment: detail.namePrefix is ${describeValue(prefix)}, this deployment's is "${namePrefix}"`,
    );
    return reasons;
  }
  if (source === 'aws.cloudwatch' || detailType === 'CloudWatch Alarm State Change') {
    const alarm = get(detail, 'alarmName');
    const state = get(get(detail, 'state'), 'value');
    if (alarm !== cisAlarmName(namePrefix)) {
      reasons.push(`CloudWatch alarm ${describeValue(alarm)} is not rootwatch's CIS alarm "${cisAlarmName(namePrefix)}"`);
    } else if (state !== 'ALARM') {
      reasons.push(`the CIS alarm changed to state ${describeValue(state)}; only ALARM is forwarded`);
    } else {
      reasons.push(`source ${describeValue(source)} / detail-type ${describeValue(detailType)} do not fit the CIS alarm rule`);
    }
    return reasons;
  }
  if (detailType !== DETAIL_TYPE_API_CALL && detailType !== DETAIL_TYPE_SIGN_IN) {
    reasons.push(
      `spoke rule ${ruleNames(namePrefix).spokeForwardRoot}: detail-type ${describeValue(detailType)} is neither "${DETAIL_TYPE_API_CALL}" nor "${DETAIL_TYPE_SIGN_IN}"`,
    );
  }
  const identity = get(detail, 'userIdentity');
  const type = get(identity, 'type');
  if (type !== 'Root') {
    const assumeRootCall = get(detail, 'eventName') === 'AssumeRoot';
    reasons.push(
      `the actor is not the root user: detail.userIdentity.type is ${describeValue(type)}` +
        (assumeRootCall ? ' and this AssumeRoot record lacks source "aws.sts" / eventSource "sts.amazonaws.com"' : ' and it is not an sts:AssumeRoot call'),
    );
    const arn = get(identity, 'arn');
    if (typeof arn === 'string' && /root/i.test(arn)) {
      reasons.push(`the ARN ${describeValue(arn)} mentions "root", but only userIdentity.type identifies the root user`);
    }
  }
  if (reasons.length === 0) {
    if (m.spokeRoot && !m.hubLogin && !m.hubActivity) reasons.push('passes the spoke rule but neither hub rule (sign-in detail-type with an AssumeRoot call)');
    else reasons.push('the event does not pass the spoke forwarding rule');
  }
  return reasons;
}
