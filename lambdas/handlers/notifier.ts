/**
 * Lambda entry point of the notifier (bundle `notifier`). Thin: wires the AWS clients into
 * lambdas/notifier.ts. Each SDK client loads on first use and then lives as long as the container:
 * a heartbeat needs only DynamoDB, a root alert SNS and DynamoDB, a sweep DynamoDB (and SNS when
 * a digest or coverage alert is due, CloudWatch for the StalePaths metric), so no invocation pays
 * for a client it does not use. Every failure throws, so Lambda's async retries and the on-failure
 * destination catch the event. Every AWS call is bounded (NOTIFIER_CALL_TIMEOUT_MS, and the
 * invocation's remaining time from the Lambda context), so a hanging endpoint fails the invocation
 * with a clear error before Lambda's own timeout.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { STSClient } from '@aws-sdk/client-sts';
import { STALE_PATHS_METRIC, heartbeatNamespace } from '../../core/lambda-contract';
import type { CoverageStore } from '../coverage';
import { Deadline } from '../deadline';
import type { FoldStore } from '../fold';
import { NotifierDeps, NotifierOutcome, handleNotifierInput, readNotifierConfig } from '../notifier';
import { log } from '../log';
import type { ExpectedUseLookup } from '../expected-use';

/** The longest one AWS call may take. */
const NOTIFIER_CALL_TIMEOUT_MS = 8000;
/** The notifier's Lambda timeout is 30 s (modules/alert-function.ts default); without a context, assume less. */
const NOTIFIER_FALLBACK_MS = 28_000;

let sns: SNSClient | undefined;
/** The running invocation's deadline (the cached store reads it to stop a long sweep in time). */
let current: Deadline | undefined;
let cloudwatch: CloudWatchClient | undefined;
let sts: STSClient | undefined;
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

/** `coverage` with each call bounded by `deadline` (the scan reads many pages: bounded by the invocation). */
function boundedCoverage(coverage: CoverageStore, deadline: Deadline): CoverageStore {
  return {
    recordHeartbeat: (a, r, t) => deadline.run('DynamoDB UpdateItem', () => coverage.recordHeartbeat(a, r, t)),
    recordRootEvent: (a, r, t) => deadline.run('DynamoDB UpdateItem', () => coverage.recordRootEvent(a, r, t)),
    scan: () => deadline.runWithin(deadline.remaining(), 'DynamoDB Scan', () => coverage.scan()),
    readExpected: () => deadline.runWithin(deadline.remaining(), 'DynamoDB Query', () => coverage.readExpected()),
    update: (a, r, u) => deadline.run('DynamoDB UpdateItem', () => coverage.update(a, r, u)),
    forget: (a, r) => deadline.run('DynamoDB DeleteItem', () => coverage.forget(a, r)),
  };
}

function deps(stateTable: string | null, coverageTable: string | null, namePrefix: string, deadline: Deadline): NotifierDeps {
  let store: FoldStore | null = null;
  if (stateTable) {
    const cached = stores.get(stateTable) ?? lazyDynamoStore(stateTable);
    stores.set(stateTable, cached);
    store = boundedStore(cached, deadline);
  }
  let coverage: CoverageStore | null = null;
  if (coverageTable) {
    coverage = coverageStores.get(coverageTable) ?? lazyCoverageStore(coverageTable);
    coverageStores.set(coverageTable, coverage);
  }
  return {
    publish: (request) =>
      deadline.run('SNS Publish', async (abortSignal) => {
        const { SNSClient, PublishCommand } = await import('@aws-sdk/client-sns');
        sns ??= new SNSClient({});
        await sns.send(new PublishCommand(request), { abortSignal });
      }),
    coverage: coverage && boundedCoverage(coverage, deadline),
    putStalePaths: (count) =>
      deadline.run('CloudWatch PutMetricData', async (abortSignal) => {
        const { CloudWatchClient, PutMetricDataCommand } = await import('@aws-sdk/client-cloudwatch');
        cloudwatch ??= new CloudWatchClient({});
        await cloudwatch.send(
          new PutMetricDataCommand({
            Namespace: heartbeatNamespace(namePrefix),
            MetricData: [{ MetricName: STALE_PATHS_METRIC, Value: count, Unit: 'Count' }],
          }),
          { abortSignal }
        );
      }),
    store,
    now: Date.now,
    log,
    // issue 15: stackset mode lists the target OUs' accounts with the org-read role (clients load on first use)
    organizationAccounts: async (source) => {
      const [{ STSClient }, { OrganizationsClient }, { listOrganizationAccounts }] = await Promise.all([
        import('@aws-sdk/client-sts'), import('@aws-sdk/client-organizations'), import('../org-accounts'),
      ]);
      sts ??= new STSClient({});
      return listOrganizationAccounts(source, {
        sts,
        organizations: (config) => new OrganizationsClient(config),
        call: (what, fn) => deadline.run(what, fn),
      });
    },
  };
}

export async function handler(event: unknown, context?: unknown): Promise<NotifierOutcome> {
  const config = readNotifierConfig(process.env, (message) => log({ level: 'warn', msg: message }));
  const deadline = Deadline.fromContext(context, NOTIFIER_FALLBACK_MS, NOTIFIER_CALL_TIMEOUT_MS);
  current = deadline;
  return handleNotifierInput(event, config, { ...deps(config.stateTable, config.coverageTable, config.namePrefix, deadline), ...expectedUseDeps(config.expectedUseTable, deadline) });
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
