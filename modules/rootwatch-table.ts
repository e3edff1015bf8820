/**
 * Every DynamoDB table rootwatch keeps (fold state, coverage ledger, expected-use windows) is
 * on-demand, encrypted and point-in-time recoverable: stated once here, the callers add keys,
 * indexes, TTL and streams (a helper, like pipeline-alarm.ts).
 */
import { Construct } from 'constructs';
import { DynamodbTable, DynamodbTableConfig } from '@cdktf/provider-aws/lib/dynamodb-table';

export function rootwatchTable(scope: Construct, id: string, config: Omit<DynamodbTableConfig, 'billingMode' | 'serverSideEncryption' | 'pointInTimeRecovery'>): DynamodbTable {
  return new DynamodbTable(scope, id, {
    ...config,
    billingMode: 'PAY_PER_REQUEST',
    serverSideEncryption: { enabled: true },
    pointInTimeRecovery: { enabled: true },
  });
}
