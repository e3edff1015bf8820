/**
 * ExpectedUseLookup on DynamoDB: a Query of the table's account index (partition `account`, sort
 * `endsAt`) for windows that end after the given time. Loaded only when a root alert needs it.
 */
import { DynamoDBClient, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { EXPECTED_USE_ACCOUNT_INDEX, ExpectedUseWindow, readWindowPages } from '../core/expected-use';
import { ExpectedUseLookup } from './expected-use';

/** Upper bound on pages per lookup (an account has a handful of windows). */
const MAX_PAGES = 5;

export class DynamoExpectedUseLookup implements ExpectedUseLookup {
  constructor(private readonly client: DynamoDBClient, private readonly table: string) {}

  async windowsFor(account: string, nowSeconds: number): Promise<ExpectedUseWindow[]> {
    return readWindowPages<Record<string, AttributeValue>>(
      (start) =>
        this.client.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: EXPECTED_USE_ACCOUNT_INDEX,
            KeyConditionExpression: '#a = :a AND endsAt > :now',
            ExpressionAttributeNames: { '#a': 'account' },
            ExpressionAttributeValues: { ':a': { S: account }, ':now': { N: String(Math.floor(nowSeconds)) } },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        ),
      MAX_PAGES,
    );
  }
}
