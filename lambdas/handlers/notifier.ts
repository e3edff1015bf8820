/**
 * Lambda entry point of the notifier (bundle `notifier`). Thin: wires the AWS clients into
 * lambdas/notifier.ts. Each SDK client loads on first use and then lives as long as the container:
 * a heartbeat needs only DynamoDB, a root alert SNS and DynamoDB, a sweep DynamoDB (and SNS when
 * a digest or coverage alert is due, CloudWatch for the StalePaths metric), so no invocation pays for a client it does not use. Every failure throws, so
 * Lambda's async retries and the on-failure destination catch the event.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { SNSClient } from '@aws-sdk/client-sns';
import { STALE_PATHS_METRIC, heartbeatNamespace } from '../../core/lambda-contract';
import type { CoverageStore } from '../coverage';
import type { FoldStore } from '../fold';
import { NotifierDeps, NotifierOutcome, handleNotifierInput, readNotifierConfig } from '../notifier';
import { log } from '../log';

let sns: SNSClient | undefined;
let cloudwatch: CloudWatchClient | undefined;
const stores = new Map<string, FoldStore>();
const coverageStores = new Map<string, CoverageStore>();

/** A CoverageStore whose DynamoDB client and module load on the first call. */
function lazyCoverageStore(table: string): CoverageStore {
  let real: Promise<CoverageStore> | undefined;
  const store = () =>
    (real ??= Promise.all([import('@aws-sdk/client-dynamodb'), import('../coverage-store')]).then(
      ([ddb, { DynamoCoverageStore }]) => new DynamoCoverageStore(new ddb.DynamoDBClient({}), table),
    ));
  return {
    recordHeartbeat: async (a, r, t) => (await store()).recordHeartbeat(a, r, t),
    recordRootEvent: async (a, r, t) => (await store()).recordRootEvent(a, r, t),
    scan: async () => (await store()).scan(),
    readExpected: async () => (await store()).readExpected(),
    update: async (a, r, u) => (await store()).update(a, r, u),
    forget: async (a, r) => (await store()).forget(a, r),
  };
}

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

function deps(stateTable: string | null, coverageTable: string | null, namePrefix: string): NotifierDeps {
  let store: FoldStore | null = null;
  if (stateTable) {
    store = stores.get(stateTable) ?? lazyDynamoStore(stateTable);
    stores.set(stateTable, store);
  }
  let coverage: CoverageStore | null = null;
  if (coverageTable) {
    coverage = coverageStores.get(coverageTable) ?? lazyCoverageStore(coverageTable);
    coverageStores.set(coverageTable, coverage);
  }
  return {
    async publish(request) {
      const { SNSClient, PublishCommand } = await import('@aws-sdk/client-sns');
      sns ??= new SNSClient({});
      await sns.send(new PublishCommand(request));
    },
    coverage,
    async putStalePaths(count) {
      const { CloudWatchClient, PutMetricDataCommand } = await import('@aws-sdk/client-cloudwatch');
      cloudwatch ??= new CloudWatchClient({});
      await cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: heartbeatNamespace(namePrefix),
          MetricData: [{ MetricName: STALE_PATHS_METRIC, Value: count, Unit: 'Count' }],
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
  return handleNotifierInput(event, config, deps(config.stateTable, config.coverageTable, config.namePrefix));
}
