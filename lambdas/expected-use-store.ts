/**
 * ExpectedUseLookup on DynamoDB: a Query of the table's account index (partition `account`, sort
 * `endsAt`) for windows that end after the given time. Loaded only when a root alert needs it.
 */
import { DynamoDBClient, QueryCommand, type AttributeValue, type QueryCommandOutput } from '@aws-sdk/client-dynamodb';
import { EXPECTED_USE_ACCOUNT_INDEX, ExpectedUseWindow } from '../core/expected-use';
import { ExpectedUseLookup, windowFromImage } from './expected-use';

/** Upper bound on pages per lookup (an account has a handful of windows). */
const MAX_PAGES = 5;

export class DynamoExpectedUseLookup implements ExpectedUseLookup {
  constructor(private readonly client: DynamoDBClient, private readonly table: string) {}

  async windowsFor(account: string, nowSeconds: number): Promise<ExpectedUseWindow[]> {
    const out: ExpectedUseWindow[] = [];
    let start: Record<string, AttributeValue> | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const r: QueryCommandOutput = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: EXPECTED_USE_ACCOUNT_INDEX,
          KeyConditionExpression: '#a = :a AND endsAt > :now',
          ExpressionAttributeNames: { '#a': 'account' },
          ExpressionAttributeValues: { ':a': { S: account }, ':now': { N: String(Math.floor(nowSeconds)) } },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of r.Items ?? []) {
        const w = windowFromImage(item as Record<string, unknown>);
        if (w) out.push(w);
      }
      start = r.LastEvaluatedKey;
      if (!start) break;
    }
    return out;
  }
}
