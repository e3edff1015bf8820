/**
 * FoldStore on DynamoDB (table from ENV.STATE_TABLE: partition key `sessionKey` (S), TTL
 * attribute `expiresAt`).
 *
 * Item layout: `sessionKey`, `version` (N, optimistic concurrency), `expiresAt` (N, epoch seconds),
 * `windowEnd` (N, epoch ms), `pending` (N), `digestSent` (BOOL) as top-level attributes so the
 * sweep can filter on them, and `state` (S): the whole FoldState as JSON. A closed window that
 * still owes its digest when the next window opens is kept in its own row,
 * `<sessionKey>#window-<windowStart>`, written in the same transaction as the new window.
 *
 * Why conditional writes and not atomic counters (UpdateItem ADD): the decision (publish, fold,
 * open a new window, archive an overdue digest) depends on the current row as a whole, so each
 * writer reads, decides and writes back with `version = :expected`; the loser of a race re-reads
 * and decides again. A burst of one session runs in several concurrent notifier instances
 * (EventBridge invokes Lambda asynchronously, one event per invocation): the condition lets exactly
 * one of them open the window and publish; the others fold. A conflict costs one more read and write.
 *
 * Why a Scan for the sweep: rows expire two days after their window (TTL), so the table holds only
 * recent sessions; a filtered, paginated Scan every few minutes is cheaper and simpler than a sparse
 * GSI. Reads are strongly consistent.
 */
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type PutItemCommandInput,
  ScanCommand,
  TransactWriteItemsCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { DueList, FoldArchive, FoldState, FoldStore, StoredFoldState, expiresAt } from './fold';

/** Upper bound on Scan pages per sweep (each page is up to 1 MB, counted before the filter). */
export const MAX_SCAN_PAGES = 50;
/**
 * The row holding where the last, incomplete sweep stopped (`cursor`: the Scan's LastEvaluatedKey
 * as JSON). It has no `windowEnd`, so the sweep's filter never returns it.
 */
export const SWEEP_CURSOR_KEY = 'rootwatch#sweep-cursor';

function num(v: AttributeValue | undefined, name: string): number {
  const n = v && 'N' in v && v.N !== undefined ? Number(v.N) : NaN;
  if (!Number.isFinite(n)) throw new Error(`fold state row: attribute ${name} is missing or not a number`);
  return n;
}

function fromItem(item: Record<string, AttributeValue>): StoredFoldState {
  const key = item.sessionKey?.S;
  const json = item.state?.S;
  if (key === undefined || json === undefined) throw new Error('fold state row: sessionKey or state missing');
  return { key, version: num(item.version, 'version'), state: JSON.parse(json) as FoldState };
}

export function isConditionalCheckFailed(err: unknown): boolean {
  if (err instanceof ConditionalCheckFailedException) return true;
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; CancellationReasons?: Array<{ Code?: string }> };
  if (e.name === 'ConditionalCheckFailedException') return true;
  // a transaction cancelled because one of its conditions failed
  return e.name === 'TransactionCanceledException' && (e.CancellationReasons ?? []).some((r) => r?.Code === 'ConditionalCheckFailed');
}

function toItem(key: string, state: FoldState, version: number): Record<string, AttributeValue> {
  return {
    sessionKey: { S: key },
    version: { N: String(version) },
    expiresAt: { N: String(expiresAt(state)) },
    windowEnd: { N: String(state.windowEnd) },
    pending: { N: String(state.pending) },
    digestSent: { BOOL: state.digestSent },
    state: { S: JSON.stringify(state) },
  };
}

type Condition = Pick<PutItemCommandInput, 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>;

function versionCondition(expectedVersion: number | undefined): Condition {
  return expectedVersion === undefined
    ? { ConditionExpression: 'attribute_not_exists(#k)', ExpressionAttributeNames: { '#k': 'sessionKey' } }
    : {
        ConditionExpression: '#v = :expected',
        ExpressionAttributeNames: { '#v': 'version' },
        ExpressionAttributeValues: { ':expected': { N: String(expectedVersion) } },
      };
}

export interface DynamoFoldStoreOptions {
  /** ms the invocation has left: the sweep's Scan stops paging (and keeps its cursor) when under SCAN_STOP_MS */
  readonly timeLeftMs?: () => number;
}

/** The sweep stops reading further Scan pages with less time left than this (it continues next sweep). */
export const SCAN_STOP_MS = 5000;

export class DynamoFoldStore implements FoldStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly options: DynamoFoldStoreOptions = {},
  ) {}

  async get(key: string): Promise<StoredFoldState | undefined> {
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: { sessionKey: { S: key } }, ConsistentRead: true }),
    );
    return out.Item ? fromItem(out.Item) : undefined;
  }

  async put(key: string, state: FoldState, expectedVersion: number | undefined, archive?: FoldArchive): Promise<boolean> {
    const item = toItem(key, state, (expectedVersion ?? 0) + 1);
    try {
      if (archive) {
        // the new window and the closed window that owes its digest, atomically
        await this.client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Put: { TableName: this.tableName, Item: item, ...versionCondition(expectedVersion) } },
              { Put: { TableName: this.tableName, Item: toItem(archive.key, archive.state, 1), ...versionCondition(undefined) } },
            ],
          }),
        );
      } else {
        await this.client.send(new PutItemCommand({ TableName: this.tableName, Item: item, ...versionCondition(expectedVersion) }));
      }
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }

  /**
   * At most `maxPages` Scan pages per call. When the table has more, the call says so
   * (`complete: false`) and stores the Scan's position in the SWEEP_CURSOR_KEY row; the next call
   * starts there, and the call that reaches the end clears it, so successive sweeps cover the
   * whole table instead of re-reading the first pages forever.
   */
  async listDue(nowMs: number, maxPages = MAX_SCAN_PAGES): Promise<DueList> {
    const rows: StoredFoldState[] = [];
    let skipped = 0;
    let startKey = await this.readCursor();
    const resumed = startKey !== undefined;
    for (let page = 0; page < maxPages; page++) {
      if (page > 0 && this.options.timeLeftMs && this.options.timeLeftMs() < SCAN_STOP_MS) break;
      const res = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          ConsistentRead: true,
          FilterExpression: '#we <= :now AND #p > :zero AND #ds = :false',
          ExpressionAttributeNames: { '#we': 'windowEnd', '#p': 'pending', '#ds': 'digestSent' },
          ExpressionAttributeValues: { ':now': { N: String(nowMs) }, ':zero': { N: '0' }, ':false': { BOOL: false } },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of res.Items ?? []) {
        if (item.sessionKey?.S === SWEEP_CURSOR_KEY) continue;
        try {
          rows.push(fromItem(item));
        } catch {
          skipped++; // one unreadable row must not stop every sweep
        }
      }
      startKey = res.LastEvaluatedKey;
      if (!startKey) break;
    }
    if (startKey || resumed) await this.writeCursor(startKey);
    return { rows, complete: startKey === undefined, skipped };
  }

  private async readCursor(): Promise<Record<string, AttributeValue> | undefined> {
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: { sessionKey: { S: SWEEP_CURSOR_KEY } }, ConsistentRead: true }),
    );
    const json = out.Item?.cursor?.S;
    if (!json) return undefined;
    try {
      const parsed: unknown = JSON.parse(json);
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, AttributeValue>) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Remember where to continue (undefined: the end was reached, start over next time). */
  private async writeCursor(key: Record<string, AttributeValue> | undefined): Promise<void> {
    const item: Record<string, AttributeValue> = { sessionKey: { S: SWEEP_CURSOR_KEY }, cursor: { S: key ? JSON.stringify(key) : '' } };
    await this.client.send(new PutItemCommand({ TableName: this.tableName, Item: item }));
  }
}
