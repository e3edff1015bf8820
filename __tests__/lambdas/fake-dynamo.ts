/**
 * A tiny in-memory stand-in for the DynamoDB calls the fold store makes (GetItem, PutItem,
 * TransactWriteItems, Scan), wired into aws-sdk-client-mock. It evaluates the two condition
 * expressions the store uses (`attribute_not_exists(#k)`, `#v = :expected`) with DynamoDB's
 * semantics and throws the errors DynamoDB throws; any other expression fails the test.
 */
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import type { AwsStub } from 'aws-sdk-client-mock';

type Item = Record<string, AttributeValue>;
interface PutLike {
  TableName?: string;
  Item?: Item;
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export class FakeTable {
  readonly items = new Map<string, Item>();
  calls = { get: 0, put: 0, transact: 0, scan: 0, conflicts: 0 };
  /** Scan page size (to exercise pagination) */
  pageSize = 2;
  /** make the next calls of a kind fail */
  failNext: Partial<Record<'get' | 'put' | 'scan', Error>> = {};

  private conditionHolds(p: PutLike): boolean {
    const key = p.Item!.sessionKey.S!;
    const existing = this.items.get(key);
    if (!p.ConditionExpression) return true;
    if (p.ConditionExpression === 'attribute_not_exists(#k)' && p.ExpressionAttributeNames?.['#k'] === 'sessionKey') {
      return existing === undefined;
    }
    if (p.ConditionExpression === '#v = :expected' && p.ExpressionAttributeNames?.['#v'] === 'version') {
      return existing !== undefined && existing.version?.N === p.ExpressionAttributeValues?.[':expected']?.N;
    }
    throw new Error(`fake table: unsupported condition ${p.ConditionExpression}`);
  }

  attach(mock: AwsStub<any, any, any>): void {
    mock.on(GetItemCommand).callsFake(async (input) => {
      this.calls.get++;
      await tick();
      if (this.failNext.get) {
        const e = this.failNext.get;
        delete this.failNext.get;
        throw e;
      }
      const item = this.items.get(input.Key.sessionKey.S);
      return { Item: item ? structuredClone(item) : undefined };
    });
    mock.on(PutItemCommand).callsFake(async (input: PutLike) => {
      this.calls.put++;
      await tick();
      if (this.failNext.put) {
        const e = this.failNext.put;
        delete this.failNext.put;
        throw e;
      }
      if (!this.conditionHolds(input)) {
        this.calls.conflicts++;
        throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
      }
      this.items.set(input.Item!.sessionKey.S!, structuredClone(input.Item!));
      return {};
    });
    mock.on(TransactWriteItemsCommand).callsFake(async (input) => {
      this.calls.transact++;
      await tick();
      const puts: PutLike[] = input.TransactItems.map((t: { Put: PutLike }) => t.Put);
      const reasons = puts.map((p) => ({ Code: this.conditionHolds(p) ? 'None' : 'ConditionalCheckFailed' }));
      if (reasons.some((r) => r.Code !== 'None')) {
        this.calls.conflicts++;
        throw new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: reasons });
      }
      for (const p of puts) this.items.set(p.Item!.sessionKey.S!, structuredClone(p.Item!));
      return {};
    });
    mock.on(ScanCommand).callsFake(async (input) => {
      this.calls.scan++;
      await tick();
      if (this.failNext.scan) {
        const e = this.failNext.scan;
        delete this.failNext.scan;
        throw e;
      }
      // the filter is left to the caller's re-check; pages exercise LastEvaluatedKey
      const keys = [...this.items.keys()].sort();
      const start = input.ExclusiveStartKey ? keys.indexOf(input.ExclusiveStartKey.sessionKey.S) + 1 : 0;
      const page = keys.slice(start, start + this.pageSize);
      const more = start + this.pageSize < keys.length;
      return {
        Items: page.map((k) => structuredClone(this.items.get(k)!)),
        LastEvaluatedKey: more ? { sessionKey: { S: page[page.length - 1] } } : undefined,
      };
    });
  }
}
