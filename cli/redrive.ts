/**
 * `rootwatch redrive --account <id> --region <r> [--profile P] [--hub-profile P] [--dry-run] [--json]`:
 * replays the events waiting in one path's forwarding dead-letter queue (`<prefix>-forward-dlq` of
 * that account and region, the queue the spoke's rules use) by handing each one to the hub's
 * notifier Lambda, exactly as the hub rules deliver it (a synchronous Invoke whose payload is the
 * EventBridge event itself). A message is deleted only after the notifier accepted its event
 * (no function error); a message whose body is not an EventBridge event of this path, or that the
 * notifier refused, stays in the queue and is reported.
 *
 * Why not put the events back on a bus, or move them with SQS:
 * - events whose `source` begins with `aws.` (every root CloudTrail event) cannot be put by anyone
 *   but AWS: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html
 * - SQS StartMessageMoveTask redrives only dead-letter queues of other SQS queues, not of
 *   EventBridge rules: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html
 * - an EventBridge DLQ message's body is the undelivered event, with ERROR_CODE, ERROR_MESSAGE,
 *   RULE_ARN and TARGET_ARN as message attributes:
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 *
 * Credentials: the queue is in the monitored account (`--profile`), the notifier in the hub
 * (`--hub-profile`); both default to the usual credential chain. The AWS SDK is loaded only when
 * this command runs.
 *
 * Exit codes: 0 = every message was handed over (or the queue is empty; with --dry-run: every
 * message could be), 1 = some message stays in the queue, 2 = usage or credential error (one line).
 */
import type { RootwatchConfig } from '../core/config';
import { expectedAccounts, forwardDlqName, forwardDlqUrl } from '../core/coverage';
import { classifyError, errorCode, errorMessage } from './audit/aws-call';

/** The SDK clients, built by the command (tests pass mocked ones through the same SDK classes). */
export interface RedriveOptions {
  account: string;
  region: string;
  profile?: string;
  hubProfile?: string;
  dryRun: boolean;
  json: boolean;
  /** resolved config: name prefix, hub region, monitored accounts */
  config: RootwatchConfig;
  /** stop after this many messages @default 1000 */
  max?: number;
}

export interface RedriveMessageReport {
  messageId: string;
  /** event id, when the body is an event */
  eventId: string | null;
  detailType: string | null;
  /** why EventBridge could not deliver it (ERROR_CODE attribute), when present */
  deadLetterReason: string | null;
  result: 'redriven' | 'would-redrive' | 'kept';
  /** the notifier's answer (its action) when redriven; why it stays when kept */
  detail: string;
}

export interface RedriveOutcome {
  stdout: string;
  exitCode: 0 | 1 | 2;
  /** the one line for stderr when exitCode is 2 */
  error?: string;
}

const ACCOUNT = /^[0-9]{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const DEFAULT_MAX = 1000;
/** How long a received message stays hidden while it is handed over (a kept one is released at the end). */
const VISIBILITY_SECONDS = 120;

/** The notifier's function name (modules/rootwatch-hub.ts names it so). */
function notifierFunctionName(namePrefix: string): string {
  return `${namePrefix}-notifier`;
}

type SqsModule = typeof import('@aws-sdk/client-sqs');
type LambdaModule = typeof import('@aws-sdk/client-lambda');

class Abort extends Error {}

export async function runRedrive(opts: RedriveOptions): Promise<RedriveOutcome> {
  const problem = optionsProblem(opts);
  if (problem) return usage(problem);
  const prefix = opts.config.namePrefix;
  const queueUrl = forwardDlqUrl(prefix, opts.account, opts.region);
  const functionName = notifierFunctionName(prefix);
  const max = opts.max ?? DEFAULT_MAX;
  const clients = await redriveClients(opts, queueUrl, functionName);
  let reports: RedriveMessageReport[];
  try {
    reports = await drainQueue(opts, clients, max);
  } catch (err) {
    if (err instanceof Abort) return usage(err.message);
    throw err;
  }
  return summary(opts, reports, { queueUrl, functionName, max });
}

/** Why the flags cannot name a monitored path (one line), or undefined. */
function optionsProblem(opts: RedriveOptions): string | undefined {
  if (!ACCOUNT.test(opts.account)) return `--account '${opts.account}' must be a 12-digit account id`;
  if (!REGION.test(opts.region)) return `--region '${opts.region}' is not a region name (e.g. eu-west-1)`;
  if (opts.profile !== undefined && opts.profile.trim() === '') return '--profile must not be empty';
  if (opts.hubProfile !== undefined && opts.hubProfile.trim() === '') return '--hub-profile must not be empty';
  const monitored = expectedAccounts(opts.config).find((a) => a.account === opts.account);
  if (!monitored) return `--account ${opts.account} is not monitored by this config (not the hub, a spoke or the management account)`;
  if (!monitored.regions.includes(opts.region)) {
    return `--region ${opts.region} is not monitored for ${opts.account} (its regions: ${monitored.regions.join(', ')})`;
  }
  return undefined;
}

/** SQS in the path's account and region; Lambda in the hub's region (none for a dry run). */
async function redriveClients(opts: RedriveOptions, queueUrl: string, functionName: string): Promise<Clients> {
  const [sqsSdk, lambdaSdk] = await Promise.all([import('@aws-sdk/client-sqs'), opts.dryRun ? Promise.resolve(undefined) : import('@aws-sdk/client-lambda')]);
  // the queue URL only names the queue: the endpoint is the region's (partition, FIPS and
  // AWS_ENDPOINT_URL_SQS respected), not the URL's host
  const sqs = new sqsSdk.SQSClient({ region: opts.region, maxAttempts: 5, useQueueUrlAsEndpoint: false, ...(await credentialsOf(opts.profile)) });
  const lambda = lambdaSdk ? new lambdaSdk.LambdaClient({ region: opts.config.hub.region, maxAttempts: 3, ...(await credentialsOf(opts.hubProfile)) }) : undefined;
  return { sqs, sqsSdk, lambda, lambdaSdk, queueUrl, functionName };
}

/**
 * Receive and hand over messages until the queue is empty, a message comes round again or `max`
 * is reached. Whatever was not redriven is made visible again at the end, also on an abort.
 */
async function drainQueue(opts: RedriveOptions, c: Clients, max: number): Promise<RedriveMessageReport[]> {
  const reports: RedriveMessageReport[] = [];
  const toRelease = new Set<string>();
  const seen = new Set<string>();
  try {
    for (;;) {
      if (reports.length >= max) break;
      const received = await receiveBatch(opts, c, Math.min(10, max - reports.length));
      // a message seen before (kept, then visible again) ends the run; its new receipt is released too
      for (const m of received) if (seen.has(m.MessageId!)) toRelease.add(m.ReceiptHandle!);
      const messages = received.filter((m) => !seen.has(m.MessageId!));
      if (messages.length === 0) break;
      // released at the end unless redriven (also when the command aborts half-way through a batch)
      for (const m of messages) toRelease.add(m.ReceiptHandle!);
      for (const m of messages) {
        seen.add(m.MessageId!);
        const report = await handOver(m, opts, c);
        reports.push(report);
        if (report.result === 'redriven') toRelease.delete(m.ReceiptHandle!);
      }
    }
  } finally {
    // kept (and dry-run) messages become visible again now, not in VISIBILITY_SECONDS
    for (const handle of toRelease) {
      await c.sqs.send(new c.sqsSdk.ChangeMessageVisibilityCommand({ QueueUrl: c.queueUrl, ReceiptHandle: handle, VisibilityTimeout: 0 })).catch(() => undefined);
    }
  }
  return reports;
}

async function receiveBatch(opts: RedriveOptions, c: Clients, most: number): Promise<SqsMessage[]> {
  const batch = await call(`reading ${forwardDlqName(opts.config.namePrefix)} in ${opts.account} ${opts.region}`, '--profile', () =>
    c.sqs.send(
      new c.sqsSdk.ReceiveMessageCommand({
        QueueUrl: c.queueUrl,
        MaxNumberOfMessages: most,
        // long polling asks every SQS server: an empty answer means the queue is empty
        WaitTimeSeconds: 1,
        VisibilityTimeout: VISIBILITY_SECONDS,
        MessageAttributeNames: ['All'],
      }),
    ),
  );
  return (batch.Messages ?? []).filter((m) => m.MessageId && m.ReceiptHandle);
}

/** The command's output (text or one JSON object) and exit code: 1 when a message stays in the queue. */
function summary(opts: RedriveOptions, reports: RedriveMessageReport[], run: { queueUrl: string; functionName: string; max: number }): RedriveOutcome {
  const { queueUrl, functionName, max } = run;
  const hubRegion = opts.config.hub.region;
  const count = (r: RedriveMessageReport['result']) => reports.filter((x) => x.result === r).length;
  const kept = count('kept');
  const exitCode = kept > 0 ? 1 : 0;
  if (opts.json) {
    const out = {
      queueUrl,
      notifier: `${functionName} (${hubRegion})`,
      dryRun: opts.dryRun,
      redriven: count('redriven'),
      wouldRedrive: count('would-redrive'),
      kept,
      stoppedAtMax: reports.length >= max,
      messages: reports,
    };
    return { stdout: `${JSON.stringify(out)}\n`, exitCode };
  }
  const lines = [
    `Dead-letter queue ${queueUrl}: ${reports.length} message(s)${opts.dryRun ? ' (dry run: nothing invoked or deleted)' : ''}`,
    ...reports.map((r) => `  ${r.result.toUpperCase().padEnd(13)} ${r.messageId}  ${r.detailType ?? '-'}${r.eventId ? ` ${r.eventId}` : ''}: ${r.detail}`),
  ];
  if (opts.dryRun) lines.push(`${count('would-redrive')} would be handed to ${functionName} in ${hubRegion}, ${kept} would stay`);
  else lines.push(`${count('redriven')} handed to ${functionName} in ${hubRegion} and deleted, ${kept} kept in the queue`);
  if (reports.length >= max) lines.push(`stopped after ${max} messages: run again for the rest`);
  return { stdout: `${lines.join('\n')}\n`, exitCode };
}

interface Clients {
  sqs: import('@aws-sdk/client-sqs').SQSClient;
  sqsSdk: SqsModule;
  lambda: import('@aws-sdk/client-lambda').LambdaClient | undefined;
  lambdaSdk: LambdaModule | undefined;
  queueUrl: string;
  functionName: string;
}

type SqsMessage = NonNullable<import('@aws-sdk/client-sqs').ReceiveMessageResult['Messages']>[number];

async function handOver(m: SqsMessage, opts: RedriveOptions, c: Clients): Promise<RedriveMessageReport> {
  const base = { messageId: m.MessageId!, deadLetterReason: m.MessageAttributes?.ERROR_CODE?.StringValue ?? null };
  const parsed = parseDeadLetterEvent(m.Body, opts.account, opts.region);
  if (typeof parsed === 'string') return { ...base, eventId: null, detailType: null, result: 'kept', detail: parsed };
  const event = { ...base, eventId: parsed.id, detailType: parsed['detail-type'] };
  if (opts.dryRun || !c.lambda || !c.lambdaSdk) return { ...event, result: 'would-redrive', detail: `source ${parsed.source}` };

  const invoked = await callSoft(`invoking ${c.functionName} in the hub`, '--hub-profile', () =>
    c.lambda!.send(new c.lambdaSdk!.InvokeCommand({ FunctionName: c.functionName, InvocationType: 'RequestResponse', Payload: new TextEncoder().encode(m.Body!) })),
  );
  if (!invoked.ok) return { ...event, result: 'kept', detail: `notifier not invoked: ${errorCode(invoked.error)}: ${errorMessage(invoked.error)}` };
  const answer = invoked.value;
  const payload = answer.Payload ? new TextDecoder().decode(answer.Payload) : '';
  if (answer.FunctionError || (answer.StatusCode !== undefined && answer.StatusCode !== 200)) {
    return { ...event, result: 'kept', detail: `notifier error: ${notifierError(payload) ?? answer.FunctionError ?? `status ${answer.StatusCode}`}` };
  }
  const outcome = notifierAction(payload);
  try {
    await c.sqs.send(new c.sqsSdk.DeleteMessageCommand({ QueueUrl: c.queueUrl, ReceiptHandle: m.ReceiptHandle! }));
  } catch (err) {
    // delivered: the notifier folds a repeated event of the same session, so a second redrive is harmless
    return { ...event, result: 'redriven', detail: `notifier: ${outcome}; the message could not be deleted (${errorCode(err)}: ${errorMessage(err)}) and will be redriven again` };
  }
  return { ...event, result: 'redriven', detail: `notifier: ${outcome}` };
}

/**
 * The EventBridge event in a dead-letter message body, or why it is not one of this path. The
 * account and region must be the path's: anything else did not come from this queue's rules.
 */
export function parseDeadLetterEvent(body: string | undefined, account: string, region: string): (Record<string, unknown> & { id: string | null; source: string; 'detail-type': string }) | string {
  let event: unknown;
  try {
    event = JSON.parse(body ?? '');
  } catch {
    return 'body: not JSON';
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return 'body: not a JSON object';
  const e = event as Record<string, unknown>;
  if (typeof e['detail-type'] !== 'string') return 'detail-type: missing (not an EventBridge event)';
  if (typeof e.source !== 'string') return 'source: missing (not an EventBridge event)';
  if (typeof e.detail !== 'object' || e.detail === null) return 'detail: missing (not an EventBridge event)';
  if (e.account !== account) return `account: ${JSON.stringify(e.account)} is not this path's account ${account}`;
  if (e.region !== region) return `region: ${JSON.stringify(e.region)} is not this path's region ${region}`;
  return { ...e, id: typeof e.id === 'string' ? e.id : null, source: e.source, 'detail-type': e['detail-type'] };
}

function notifierError(payload: string): string | undefined {
  try {
    const p = JSON.parse(payload) as { errorType?: unknown; errorMessage?: unknown };
    if (typeof p.errorMessage === 'string') return errorMessage(new Error(`${typeof p.errorType === 'string' ? `${p.errorType}: ` : ''}${p.errorMessage}`));
  } catch {
    /* not JSON */
  }
  return undefined;
}

function notifierAction(payload: string): string {
  try {
    const p = JSON.parse(payload) as { action?: unknown; reason?: unknown };
    if (typeof p.action === 'string') return typeof p.reason === 'string' ? `${p.action} (${p.reason})` : p.action;
  } catch {
    /* not JSON */
  }
  return 'accepted';
}

/**
 * Run one AWS call; credential, region and access errors abort the command (exit 2, one line naming
 * the flag whose credentials failed). With `soft`, any other error is returned, not thrown.
 */
async function call<T>(what: string, flag: string, fn: () => Promise<T>): Promise<T> {
  const r = await callSoft(what, flag, fn, false);
  if (r.ok) return r.value;
  throw r.error;
}

async function callSoft<T>(what: string, flag: string, fn: () => Promise<T>, soft = true): Promise<{ ok: true; value: T } | { ok: false; error: Error }> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    const kind = classifyError(err);
    if (kind === 'credentials') throw new Abort(`${flag} credentials: ${errorMessage(err)}`);
    if (kind === 'access-denied') throw new Abort(`access denied ${what} (${flag} credentials): ${errorMessage(err)}`);
    if (errorCode(err) === 'AWS.SimpleQueueService.NonExistentQueue' || errorCode(err) === 'QueueDoesNotExist') {
      throw new Abort(`${what}: queue not found (is the spoke deployed in this region, with this namePrefix?)`);
    }
    if (errorCode(err) === 'ResourceNotFoundException') throw new Abort(`${what}: function not found (is the hub deployed in ${flag === '--hub-profile' ? 'hub.region' : 'this region'}?)`);
    if (soft) return { ok: false, error: err instanceof Error ? err : new Error(String(err)) };
    throw new Abort(`${what}: ${errorCode(err)}: ${errorMessage(err)}`);
  }
}

async function credentialsOf(profile: string | undefined): Promise<{ credentials?: ReturnType<typeof import('@aws-sdk/credential-providers').fromIni> }> {
  if (!profile) return {};
  const { fromIni } = await import('@aws-sdk/credential-providers');
  return { credentials: fromIni({ profile }) };
}

function usage(message: string): RedriveOutcome {
  return { stdout: '', exitCode: 2, error: message };
}
