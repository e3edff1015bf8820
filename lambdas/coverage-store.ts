/**
 * CoverageStore on DynamoDB (table from ENV.COVERAGE_TABLE: partition key `pk` (S), sort key `sk` (S)).
 *
 * Item layout:
 * - a path: `pk` = account id, `sk` = region, with `account`, `region` and the times
 *   `lastHeartbeat`, `lastRootEvent`, `expectedSince` (N, epoch ms) and `alerted` (S, "stale");
 * - the expected set, written by Terraform from the config: `pk` = `#expected`, `sk` = chunk number,
 *   `accounts` (S): JSON list of `{a: account, r: [regions], n?: name}` (core/coverage.ts).
 * Heartbeats of one account spread over its own partition (no hot key at 17,000 paths); the
 * sweep reads everything with one paginated Scan (about 3.5 MB at 17,000 paths).
 */
import { DeleteItemCommand, DynamoDBClient, QueryCommand, ScanCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { isConditionalCheckFailed } from './dynamo-store';
import type { CoverageStore } from './coverage';

export const EXPECTED_PK = '#expected';
/** issue 15: organization sources of the expected set (stackset mode), attribute `source` (S): JSON of core/org-accounts.ts OrgSource. */
export const ORGANIZATION_PK = '#organization';
/** Upper bound on Scan pages per sweep (each page is up to 1 MB). */
const MAX_SCAN_PAGES = 64;

/**
 * A path item as the sweep reads it (core/coverage.ts parseLedgerRow checks it): the six ledger
 * attributes in one fixed shape (S -> string, N -> number, NULL -> null, absent -> undefined).
 * An attribute of another type is kept as its raw AttributeValue, so the check names that field.
 * One shape for all 17,000 rows, and nothing else copied (pk, sk): the sweep's own code stays fast.
 */
export function ledgerItem(item: Record<string, AttributeValue>): Record<string, unknown> {
  return {
    account: str(item.account),
    region: str(item.region),
    lastHeartbeat: num(item.lastHeartbeat),
    lastRootEvent: num(item.lastRootEvent),
    expectedSince: num(item.expectedSince),
    alerted: str(item.alerted),
  };
}

function str(v: AttributeValue | undefined): unknown {
  if (v === undefined) return undefined;
  if (typeof v.S === 'string') return v.S;
  return v.NULL === true ? null : v;
}

function num(v: AttributeValue | undefined): unknown {
  if (v === undefined) return undefined;
  if (typeof v.N === 'string') return Number(v.N);
  return v.NULL === true ? null : v;
}

export class DynamoCoverageStore implements CoverageStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  private async stamp(attribute: 'lastHeartbeat' | 'lastRootEvent', account: string, region: string, at: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: account }, sk: { S: region } },
          UpdateExpression: 'SET #t = :t, #a = :a, #r = :r',
          ConditionExpression: 'attribute_not_exists(#t) OR #t < :t',
          ExpressionAttributeNames: { '#t': attribute, '#a': 'account', '#r': 'region' },
          ExpressionAttributeValues: { ':t': { N: String(at) }, ':a': { S: account }, ':r': { S: region } },
        }),
      );
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err; // an older event arrived late: keep the newer time
    }
  }

  recordHeartbeat(account: string, region: string, at: number): Promise<void> {
    return this.stamp('lastHeartbeat', account, region, at);
  }

  recordRootEvent(account: string, region: string, at: number): Promise<void> {
    return this.stamp('lastRootEvent', account, region, at);
  }

  async scan(): Promise<{ expected: unknown[]; rows: unknown[]; organization: unknown[] }> {
    const expected: unknown[] = [];
    const rows: unknown[] = [];
    const organization: unknown[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    for (let page = 0; page < MAX_SCAN_PAGES; page++) {
      const res = await this.client.send(new ScanCommand({ TableName: this.tableName, ConsistentRead: true, ExclusiveStartKey: startKey }));
      for (const item of res.Items ?? []) {
        if (item.pk?.S === EXPECTED_PK) expected.push(item.accounts?.S);
        else if (item.pk?.S === ORGANIZATION_PK) organization.push(item.source?.S);
        else rows.push(ledgerItem(item));
      }
      startKey = res.LastEvaluatedKey;
      if (!startKey) break;
    }
    return { expected, rows, organization };
  }

  async readExpected(): Promise<unknown[]> {
    const out: unknown[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const res = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: EXPECTED_PK } },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of res.Items ?? []) out.push(item.accounts?.S);
      startKey = res.LastEvaluatedKey;
    } while (startKey);
    return out;
  }

  async update(account: string, region: string, update: { expectedSince?: number; alerted?: 'stale' | undefined }): Promise<void> {
    const set: string[] = ['#a = :a', '#r = :r'];
    const names: Record<string, string> = { '#a': 'account', '#r': 'region' };
    const values: Record<string, AttributeValue> = { ':a': { S: account }, ':r': { S: region } };
    let remove = '';
    if (update.expectedSince !== undefined) {
      set.push('#e = :e');
      names['#e'] = 'expectedSince';
      values[':e'] = { N: String(update.expectedSince) };
    }
    if ('alerted' in update) {
      names['#s'] = 'alerted';
      if (update.alerted) {
        set.push('#s = :s');
        values[':s'] = { S: update.alerted };
      } else remove = ' REMOVE #s';
    }
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { pk: { S: account }, sk: { S: region } },
        UpdateExpression: `SET ${set.join(', ')}${remove}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async forget(account: string, region: string): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: { pk: { S: account }, sk: { S: region } } }));
  }
}
