/**
 * Lambda entry point of the notifier (bundle `notifier`). Thin: wires the AWS clients (created
 * once per container) into lambdas/notifier.ts. Every failure throws, so Lambda's async retries and
 * the on-failure destination catch the event.
 */
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { HEARTBEAT_METRIC, heartbeatNamespace } from '../../core/lambda-contract';
import { DynamoFoldStore } from '../dynamo-store';
import { NotifierDeps, NotifierOutcome, handleNotifierInput, readNotifierConfig } from '../notifier';
import { log } from '../log';

let sns: SNSClient | undefined;
let cloudwatch: CloudWatchClient | undefined;
let dynamo: DynamoDBClient | undefined;
const stores = new Map<string, DynamoFoldStore>();

function deps(stateTable: string | null, namePrefix: string): NotifierDeps {
  sns ??= new SNSClient({});
  cloudwatch ??= new CloudWatchClient({});
  let store: DynamoFoldStore | null = null;
  if (stateTable) {
    dynamo ??= new DynamoDBClient({});
    store = stores.get(stateTable) ?? new DynamoFoldStore(dynamo, stateTable);
    stores.set(stateTable, store);
  }
  const snsClient = sns;
  const cwClient = cloudwatch;
  return {
    async publish(request) {
      await snsClient.send(new PublishCommand(request));
    },
    async putHeartbeat(account) {
      await cwClient.send(
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
  return handleNotifierInput(event, config, deps(config.stateTable, config.namePrefix));
}
