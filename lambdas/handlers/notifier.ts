/**
 * Lambda entry point of the notifier (bundle `notifier`). Thin: wires the AWS clients into
 * lambdas/notifier.ts. Each SDK client loads on first use and then lives as long as the container:
 * a heartbeat needs only CloudWatch, a root alert SNS and DynamoDB, a sweep DynamoDB (and SNS when
 * a digest is due), so no invocation pays for a client it does not use. Every failure throws, so
 * Lambda's async retries and the on-failure destination catch the event.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { SNSClient } from '@aws-sdk/client-sns';
import { HEARTBEAT_METRIC, heartbeatNamespace } from '../../core/lambda-contract';
import type { FoldStore } from '../fold';
import { NotifierDeps, NotifierOutcome, handleNotifierInput, readNotifierConfig } from '../notifier';
import { log } from '../log';
import type { ExpectedUseLookup } from '../expected-use';

let sns: SNSClient | undefined;
let cloudwatch: CloudWatchClient | undefined;
const stores = new Map<string, FoldStore>();

/** A FoldStore whose DynamoDB client and module load on the first call. */
function lazyDynamoStore(table: string): FoldStore {
  let real: Promise<FoldStore> | undefined;
  const store = () =>
    (real ??= Promise.all([import('@aws-sdk/client-dynamodb'), import('../dynamo-store')]).then(
      ([ddb, { DynamoFoldStore }]) => new DynamoFoldStore(new ddb.DynamoDBClient({}), table),
    ));
  return {
    get: async (key) => (await store()).get(key),
    put: async (key, state, expectedVersion, archive) => (await store()).put(key, state, expectedVersion, archive),
    listDue: async (nowMs) => (await store()).listDue(nowMs),
  };
}

function deps(stateTable: string | null, namePrefix: string): NotifierDeps {
  let store: FoldStore | null = null;
  if (stateTable) {
    store = stores.get(stateTable) ?? lazyDynamoStore(stateTable);
    stores.set(stateTable, store);
  }
  return {
    async publish(request) {
      const { SNSClient, PublishCommand } = await import('@aws-sdk/client-sns');
      sns ??= new SNSClient({});
      await sns.send(new PublishCommand(request));
    },
    async putHeartbeat(account) {
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
      );
    },
    store,
    now: Date.now,
    log,
  };
}

export async function handler(event: unknown): Promise<NotifierOutcome> {
  const config = readNotifierConfig(process.env, (message) => log({ level: 'warn', msg: message }));
  return handleNotifierInput(event, config, { ...deps(config.stateTable, config.namePrefix), ...expectedUseDeps(config.expectedUseTable) });
}

// Issue 14: declared expected-use windows (lambdas/expected-use.ts); the DynamoDB client loads on first lookup.
const lookups = new Map<string, ExpectedUseLookup>();
function expectedUseDeps(table: string | null | undefined): Pick<NotifierDeps, 'expectedUse' | 'region'> {
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
  return { expectedUse: lookup, ...(region ? { region } : {}) };
}
