/**
 * The Slack and PagerDuty alerters: SNS-subscribed Lambdas that turn each SNS record (a
 * RootwatchAlert, or a CloudWatch alarm notification of rootwatch's pipeline alarms) into one
 * HTTPS POST. The secret (webhook URL, routing key) is read from SSM Parameter Store; only its
 * parameter name is in the environment. A record that cannot be delivered makes the invocation
 * throw (after the others were tried), so it reaches Lambda's retries and on-failure destination.
 */
import type { SSMClient } from '@aws-sdk/client-ssm';
import { ENV } from '../core/lambda-contract';
import { Deadline, DeadlineError } from './deadline';
import { DEFAULT_TIMEOUT_MS, DEFAULT_TOTAL_BUDGET_MS, DeliveryError, PostJsonOptions, PostJsonResult, postJson, redact } from './deliver';
import { Notification, parseNotification, renderPagerDutyNotification, renderSlackNotification } from './format/index';
import { log as defaultLog } from './log';
import { SecretReader, createSecretReader } from './secrets';

const PAGERDUTY_ENQUEUE_URL = 'https://events.pagerduty.com/v2/enqueue';

type Env = Readonly<Record<string, string | undefined>>;

export interface DeliveryRequest {
  url: string;
  body: unknown;
  /** strings to scrub from error texts */
  redact: string[];
}

export interface Channel {
  readonly name: 'slack' | 'pagerduty';
  /** env var holding the SSM parameter name of the secret */
  readonly parameterEnv: string;
  /** whether the secret is needed given the endpoint override */
  needsSecret(endpointOverride: string | null): boolean;
  request(n: Notification, secret: string | null, endpointOverride: string | null): DeliveryRequest;
  /** a problem with a 2xx answer worth a warning (the message was still accepted), or null */
  oddAnswer?(status: number, body: string): string | null;
}

/** https, or plain http to a loopback address (local testing only). */
function isAllowedWebhook(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || (u.protocol === 'http:' && (u.hostname === 'localhost' || /^127\./.test(u.hostname)));
  } catch {
    return false;
  }
}

export const SLACK_CHANNEL: Channel = {
  name: 'slack',
  parameterEnv: ENV.SLACK_WEBHOOK_PARAMETER,
  // the override replaces the webhook URL (which is the secret)
  needsSecret: (override) => override === null,
  request(n, secret, override) {
    const url = override ?? secret ?? '';
    if (override === null && !isAllowedWebhook(url)) {
      throw new Error('the Slack webhook parameter does not hold an https:// URL');
    }
    return { url, body: renderSlackNotification(n), redact: secret ? [secret] : [] };
  },
  // Slack answers a posted message with 200 "ok"; anything else in a 2xx (a proxy in between) is
  // not proof the message reached the channel: warn, so it is not silent
  oddAnswer: (status, body) => (body.trim() === 'ok' ? null : `HTTP ${status} with body ${JSON.stringify(body.slice(0, 100))} instead of "ok"`),
};

export const PAGERDUTY_CHANNEL: Channel = {
  name: 'pagerduty',
  parameterEnv: ENV.PAGERDUTY_ROUTING_KEY_PARAMETER,
  needsSecret: () => true,
  request(n, secret, override) {
    if (!secret) throw new Error('no PagerDuty routing key');
    return { url: override ?? PAGERDUTY_ENQUEUE_URL, body: renderPagerDutyNotification(n, secret), redact: [secret] };
  },
};

export interface SnsRecord {
  Sns: { Message: string; MessageId?: string; TopicArn?: string };
}
export interface SnsEvent {
  Records: SnsRecord[];
}

export interface AlerterDeps {
  secrets: SecretReader;
  env: Env;
  log?: (entry: Record<string, unknown>) => void;
  /** passed to postJson (tests inject sleep/clock/jitter) */
  http?: Pick<PostJsonOptions, 'sleep' | 'now' | 'random' | 'fetchImpl' | 'maxAttempts' | 'totalBudgetMs'>;
  /**
   * The time this invocation has (from the Lambda context): the secret read and the delivery of
   * every record are bounded by it @default ALERTER_FALLBACK_MS from now
   */
  deadline?: Deadline;
}

/** The alerter functions' timeout is 60 s (modules/http-alerter.ts); without a Lambda context, assume less. */
const ALERTER_FALLBACK_MS = 55_000;
/** Below this much time left, a record is not attempted (the invocation fails and Lambda retries it). */
const MIN_DELIVERY_MS = 1000;

export interface AlerterResult {
  delivered: number;
}

function timeoutFrom(env: Env): number {
  const n = Number(env[ENV.HTTP_TIMEOUT_MS]);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_TIMEOUT_MS;
}

function describe(n: Notification): Record<string, unknown> {
  return n.kind === 'alert'
    ? { kind: 'alert', sessionKey: n.alert.facts.sessionKey, eventId: n.alert.facts.eventId, severity: n.alert.severity, digest: Boolean(n.alert.digest) }
    : { kind: 'alarm', alarmName: n.alarm.AlarmName, state: n.alarm.NewStateValue };
}

export async function deliverSnsEvent(event: unknown, channel: Channel, deps: AlerterDeps): Promise<AlerterResult> {
  const log = deps.log ?? defaultLog;
  const records = (event as Partial<SnsEvent> | null)?.Records;
  if (!Array.isArray(records) || records.length === 0) throw new Error(`${channel.name}: input is not an SNS event`);
  const run: DeliveryRun = {
    channel,
    deps,
    log,
    override: deps.env[ENV.ENDPOINT_URL]?.trim() || null,
    parameterName: deps.env[channel.parameterEnv]?.trim() ?? '',
    deadline: deps.deadline ?? Deadline.fromContext(undefined, ALERTER_FALLBACK_MS, ALERTER_FALLBACK_MS, 0),
    secrets: [],
  };
  let delivered = 0;
  const errors: unknown[] = [];
  for (const record of records) {
    const messageId = typeof record?.Sns?.MessageId === 'string' ? record.Sns.MessageId.slice(0, 128) : null;
    try {
      const sent = await deliverRecord(run, record, messageId);
      delivered++;
      logDelivered(run, sent, messageId);
    } catch (err) {
      errors.push(err);
      const text = err instanceof Error ? err.message : String(err);
      log({ level: 'error', msg: `${channel.name}: not delivered`, messageId, error: redact(text, run.secrets) });
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${channel.name}: ${errors.length} of ${records.length} messages not delivered`);
  return { delivered };
}

/** One invocation's delivery settings; `secrets` collects the secrets read, to scrub from error logs. */
interface DeliveryRun {
  readonly channel: Channel;
  readonly deps: AlerterDeps;
  readonly log: NonNullable<AlerterDeps['log']>;
  readonly override: string | null;
  readonly parameterName: string;
  readonly deadline: Deadline;
  readonly secrets: string[];
}

/** What one delivery sent and got back. */
interface Sent {
  readonly notification: Notification;
  readonly redact: readonly string[];
  readonly res: PostJsonResult;
}

/** Deliver one SNS record to the channel; throws when it is not delivered. */
async function deliverRecord(run: DeliveryRun, record: SnsEvent['Records'][number] | undefined, messageId: string | null): Promise<Sent> {
  const { channel, deps, log, deadline } = run;
  const message = record?.Sns?.Message;
  const notification = parseNotification(typeof message === 'string' ? message : '');
  const secret = await channelSecret(run);
  const req = channel.request(notification, secret, run.override);
  const budget = Math.min(deps.http?.totalBudgetMs ?? DEFAULT_TOTAL_BUDGET_MS, deadline.remaining());
  if (budget < MIN_DELIVERY_MS) throw new DeadlineError(`${channel.name}: no time left before the function timeout`);
  try {
    const res = await postJson(req.url, req.body, {
      timeoutMs: timeoutFrom(deps.env),
      label: channel.name,
      redact: req.redact,
      onRetry: (info) => log({ level: 'warn', msg: `${channel.name}: retrying`, messageId, ...info, error: info.error === null ? null : redact(info.error, req.redact) }),
      ...deps.http,
      totalBudgetMs: budget,
    });
    return { notification, redact: req.redact, res };
  } catch (err) {
    // a rejected secret (revoked webhook, wrong key) is re-read next time
    if (err instanceof DeliveryError && !err.retryable && run.parameterName) deps.secrets.invalidate(run.parameterName);
    throw err;
  }
}

/** Log an accepted delivery, with a warning when the channel's answer is unusual. */
function logDelivered(run: DeliveryRun, sent: Sent, messageId: string | null): void {
  const { channel, log } = run;
  const { res } = sent;
  const odd = channel.oddAnswer?.(res.status, res.bodyError ? 'ok' : res.body);
  if (odd) log({ level: 'warn', msg: `${channel.name}: accepted, but the answer is unusual; check the channel`, messageId, answer: redact(odd, sent.redact) });
  log({
    msg: `${channel.name}: delivered`,
    messageId,
    status: res.status,
    attempts: res.attempts,
    ...(res.bodyError ? { note: `accepted (HTTP ${res.status}); the response body could not be read: ${res.bodyError}` } : {}),
    ...describe(sent.notification),
  });
}

/** The channel's secret (webhook URL, routing key) from SSM, or null when the channel needs none. */
async function channelSecret(run: DeliveryRun): Promise<string | null> {
  if (!run.channel.needsSecret(run.override)) return null;
  if (!run.parameterName) throw new Error(`${run.channel.parameterEnv} is not set`);
  if (run.deadline.remaining() < MIN_DELIVERY_MS) throw new DeadlineError(`${run.channel.name}: no time left before the function timeout`);
  const secret = await run.deps.secrets.get(run.parameterName, run.deadline.remaining() - MIN_DELIVERY_MS);
  run.secrets.push(secret);
  return secret;
}

export interface AlerterHandlerOptions {
  /** SSM client (default: one per container) */
  readonly ssm?: SSMClient;
  readonly http?: AlerterDeps['http'];
  readonly log?: AlerterDeps['log'];
}

/**
 * A Lambda handler for `channel`; the SSM client and the secret cache live as long as the container.
 * Every await is bounded by the invocation's remaining time (Lambda context), less a margin.
 */
export function createAlerterHandler(
  channel: Channel,
  options: AlerterHandlerOptions = {},
): (event: unknown, context?: unknown) => Promise<AlerterResult> {
  let secrets: SecretReader | undefined;
  return async (event: unknown, context?: unknown) => {
    // The SDK loads when the first secret is read, not at container start.
    secrets ??= createSecretReader(options.ssm ?? (async () => new (await import('@aws-sdk/client-ssm')).SSMClient({})));
    const deadline = Deadline.fromContext(context, ALERTER_FALLBACK_MS, ALERTER_FALLBACK_MS);
    return deliverSnsEvent(event, channel, { secrets, env: process.env, log: options.log, http: options.http, deadline });
  };
}
