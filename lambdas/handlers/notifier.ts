/**
 * Lambda entry point of the notifier (bundle `notifier`). Thin: wires the AWS clients into
 * lambdas/notifier.ts. Each SDK client loads on first use and then lives as long as the container:
 * a heartbeat needs only CloudWatch, a root alert SNS and DynamoDB, a sweep DynamoDB (and SNS when
 * a digest is due), so no invocation pays for a client it does not use. Every failure throws, so
 * Lambda's async retries and the on-failure destination catch the event. Every AWS call is bounded
 * (NOTIFIER_CALL_TIMEOUT_MS, and the invocation's remaining time from the Lambda context), so a
 * hanging endpoint fails the invocation with a clear error before Lambda's own timeout.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { SNSClient } from '@aws-sdk/client-sns';
import { HEARTBEAT_METRIC, heartbeatNamespace } from '../../core/lambda-contract';
import { Deadline } from '../deadline';
import type { FoldStore } from '../fold';
import { NotifierDeps, NotifierOutcome, handleNotifierInput, readNotifierConfig } from '../notifier';
import { log } from '../log';
import type { ExpectedUseLookup } from '../expected-use';

/** The longest one AWS call may take. */
export const NOTIFIER_CALL_TIMEOUT_MS = 8000;
/** The notifier's Lambda timeout is 30 s (modules/alert-function.ts default); without a context, assume less. */
const NOTIFIER_FALLBACK_MS = 28_000;

let sns: SNSClient | undefined;
/** The running invocation's deadline (the cached store reads it to stop a long sweep in time). */
let current: Deadline | undefined;
let cloudwatch: CloudWatchClient | undefined;
const stores = new Map<string, FoldStore>();

/** A FoldStore whose DynamoDB client and module load on the first call. */
function lazyDynamoStore(table: string): FoldStore {
  let real: Promise<FoldStore> | undefined;
  const store = () =>
    (real ??= Promise.all([import('@aws-sdk/client-dynamodb'), import('../dynamo-store')]).then(
      ([ddb, { DynamoFoldStore }]) =>
        new DynamoFoldStore(new ddb.DynamoDBClient({}), table, { timeLeftMs: () => current?.remaining() ?? Infinity })
    ));
  return {
    get: async (key) => (await store()).get(key),
    put: async (key, state, expectedVersion, archive) => (await store()).put(key, state, expectedVersion, archive),
    listDue: async (nowMs) => (await store()).listDue(nowMs),
  };
}

/** `store` with each call bounded by `deadline`. */
function boundedStore(store: FoldStore, deadline: Deadline): FoldStore {
  return {
    get: (key) => deadline.run('DynamoDB GetItem', () => store.get(key)),
    put: (key, state, expectedVersion, archive) => deadline.run('DynamoDB PutItem', () => store.put(key, state, expectedVersion, archive)),
    // many pages: bounded by the invocation, not per call (the store stops paging in time)
    listDue: (nowMs) => deadline.runWithin(deadline.remaining(), 'DynamoDB Scan', () => store.listDue(nowMs)),
  };
}

function deps(stateTable: string | null, namePrefix: string, deadline: Deadline): NotifierDeps {
  let store: FoldStore | null = null;
  if (stateTable) {
    const cached = stores.get(stateTable) ?? lazyDynamoStore(stateTable);
    stores.set(stateTable, cached);
    store = boundedStore(cached, deadline);
  }
  return {
    publish: (request) =>
      deadline.run('SNS Publish', async (abortSignal) => {
        const { SNSClient, PublishCommand } = await import('@aws-sdk/client-sns');
        sns ??= new SNSClient({});
        await sns.send(new PublishCommand(request), { abortSignal });
      }),
    putHeartbeat: (account) =>
      deadline.run('CloudWatch PutMetricData', async (abortSignal) => {
        const { CloudWatchClient, PutMetricDataCommand } = await import('@aws-sdk/client-cloudwatch');
        cloudwatch ??= new CloudWatchClient({});
        await cloudwatch.send(
          new PutMetricDataCommand({
            Namespace: heartbeatNamespace(namePrefix),
            MetricData: [
              {
                MetricName: HEARTBEAT_METRIC.name,
                Dimensions: [{ Name: HEARTBEAT_METRIC.dimension, Value: account }],
                Value: 1,
                Unit: 'Count',
              },
            ],
          }),
          { abortSignal }
        );
      }),
    store,
    now: Date.now,
    log,
  };
}

export async function handler(event: unknown, context?: unknown): Promise<NotifierOutcome> {
  const config = readNotifierConfig(process.env, (message) => log({ level: 'warn', msg: message }));
  const deadline = Deadline.fromContext(context, NOTIFIER_FALLBACK_MS, NOTIFIER_CALL_TIMEOUT_MS);
  current = deadline;
  return handleNotifierInput(event, config, { ...deps(config.stateTable, config.namePrefix, deadline), ...expectedUseDeps(config.expectedUseTable, deadline) });
}

// Issue 14: declared expected-use windows (lambdas/expected-use.ts); the DynamoDB client loads on first lookup.
const lookups = new Map<string, ExpectedUseLookup>();
function expectedUseDeps(table: string | null | undefined, deadline: Deadline): Pick<NotifierDeps, 'expectedUse' | 'region'> {
  const region = process.env.AWS_REGION;
  if (!table) return region ? { region } : {};
  let lookup = lookups.get(table);
  if (!lookup) {
    let real: Promise<ExpectedUseLookup> | undefined;
    lookup = {
      windowsFor: async (account, now) =>
        (await (real ??= Promise.all([import('@aws-sdk/client-dynamodb'), import('../expected-use-store')]).then(
          ([ddb, { DynamoExpectedUseLookup }]) => new DynamoExpectedUseLookup(new ddb.DynamoDBClient({}), table),
        ))).windowsFor(account, now),
    };
    lookups.set(table, lookup);
  }
  const cached = lookup;
  const bounded: ExpectedUseLookup = { windowsFor: (account, now) => deadline.run('DynamoDB Query', () => cached.windowsFor(account, now)) };
  return { expectedUse: bounded, ...(region ? { region } : {}) };
}
