/**
 * `rootwatch expect`: declare, list and cancel expected root use (core/expected-use.ts).
 *
 *   rootwatch expect --account 222222222222 --for 2h --reason "close account, CHG-123" [--profile p]
 *   rootwatch expect --list [--account 222222222222]
 *   rootwatch expect --cancel <window id>
 *
 * Writes an item into the hub's table `<namePrefix>-expected-use` in the hub region. The caller
 * must use the declarer role; the item's partition key is the caller's `aws:userid` (from
 * sts:GetCallerIdentity), which the role's policy enforces (`dynamodb:LeadingKeys`). The hub
 * announces each declaration on the activity topic from the table's stream.
 *
 * Bad input (malformed account, a duration over `detection.expectedUse.maxHours`, no reason) fails
 * before any AWS SDK is loaded: one line, exit 2, nothing written. The SDK clients load only here.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { STSClient } from '@aws-sdk/client-sts';
import type { RootwatchConfig } from '../core/config';
import {
  EXPECTED_USE_REASON_MAX,
  EXPECTED_USE_TTL_AFTER_END_SECONDS,
  ExpectedUseWindow,
  declarerLabel,
  expectedUseTableName,
  parseDuration,
  readWindowPages,
} from '../core/expected-use';
import { UsageError } from './errors';
import { ACCOUNT_ID_PATTERN } from '../core/validation';
import { hasUnprintable } from '../core/printable';

export interface ExpectArgs {
  account?: string;
  for?: string;
  reason?: string;
  list?: boolean;
  cancel?: string;
  profile?: string;
  region?: string;
}

/** Injected for tests; the real ones load the SDK. */
export interface ExpectDeps {
  clients?: () => Promise<{ dynamodb: DynamoDBClient; sts: STSClient }>;
  now?: () => number;
  randomId?: () => string;
}

export interface ExpectResult {
  stdout: string;
  exitCode: number;
}

type Action =
  | { kind: 'declare'; account: string; seconds: number; reason: string }
  | { kind: 'list'; account?: string }
  | { kind: 'cancel'; windowId: string };

/** Validate the flags into one action; throws UsageError (one line) on bad input. Pure. */
export function expectAction(args: ExpectArgs, config: RootwatchConfig): Action {
  const eu = config.detection.expectedUse;
  if (!eu.enabled) throw new UsageError('detection.expectedUse.enabled is false in the config: there is no expected-use table');
  const modes = [args.list ? 'list' : null, args.cancel !== undefined ? 'cancel' : null, args.for !== undefined || args.reason !== undefined ? 'declare' : null].filter(Boolean);
  if (modes.length > 1) throw new UsageError(`--${modes[0]} and --${modes[1]} cannot be used together`);
  if (args.profile !== undefined && args.profile.trim() === '') throw new UsageError('--profile: must not be empty');
  if (args.account !== undefined && !ACCOUNT_ID_PATTERN.test(args.account)) {
    throw new UsageError(`--account: must be a 12-digit AWS account id (got ${JSON.stringify(String(args.account).slice(0, 40))})`);
  }
  if (args.list) return args.account ? { kind: 'list', account: args.account } : { kind: 'list' };
  if (args.cancel !== undefined) {
    if (!/^[0-9]{10}-[0-9a-f]{8,32}$/.test(args.cancel)) throw new UsageError(`--cancel: not a window id (got ${JSON.stringify(String(args.cancel).slice(0, 40))}); see --list`);
    return { kind: 'cancel', windowId: args.cancel };
  }
  if (args.account === undefined) throw new UsageError('--account: required (the account where root will be used)');
  if (args.for === undefined) throw new UsageError('--for: required, e.g. 2h or 90m');
  const seconds = parseDuration(args.for);
  if (seconds === null) throw new UsageError(`--for: must be a duration such as 2h, 90m or 1h30m (got ${JSON.stringify(String(args.for).slice(0, 40))})`);
  if (seconds > eu.maxHours * 3600) throw new UsageError(`--for: ${args.for} is longer than the maximum of ${eu.maxHours}h (detection.expectedUse.maxHours)`);
  const reason = (args.reason ?? '').trim();
  if (reason === '') throw new UsageError('--reason: required, e.g. "close account, CHG-123"');
  if (reason.length > EXPECTED_USE_REASON_MAX) throw new UsageError(`--reason: at most ${EXPECTED_USE_REASON_MAX} characters (got ${reason.length})`);
  if (hasUnprintable(reason)) throw new UsageError('--reason: must be one printable line');
  return { kind: 'declare', account: args.account, seconds, reason };
}

async function realClients(config: RootwatchConfig, args: ExpectArgs): Promise<{ dynamodb: DynamoDBClient; sts: STSClient }> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let sdk: [typeof import('@aws-sdk/client-dynamodb'), typeof import('@aws-sdk/client-sts')];
  try {
    sdk = await Promise.all([import('@aws-sdk/client-dynamodb'), import('@aws-sdk/client-sts')]);
  } catch (e) {
    // @aws-sdk/client-dynamodb is needed by this command only; an install without it says so in one line
    throw new Error(`rootwatch expect needs the AWS SDK packages @aws-sdk/client-dynamodb and @aws-sdk/client-sts (${(e as Error)?.message?.split('\n')[0] ?? e})`);
  }
  const [{ DynamoDBClient }, { STSClient }] = sdk;
  const credentials = args.profile ? (await import('@aws-sdk/credential-providers')).fromIni({ profile: args.profile }) : undefined;
  const region = args.region ?? config.hub.region;
  const common = { region, ...(credentials ? { credentials } : {}) };
  return { dynamodb: new DynamoDBClient(common), sts: new STSClient(common) };
}

const iso = (s: number) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');

export async function runExpect(args: ExpectArgs, config: RootwatchConfig, deps: ExpectDeps = {}): Promise<ExpectResult> {
  const action = expectAction(args, config); // bad input stops here: no SDK loaded, nothing written
  const now = Math.floor((deps.now ?? Date.now)() / 1000);
  const { dynamodb, sts } = await (deps.clients ?? (() => realClients(config, args)))();
  const table: Table = { dynamodb, ddb: await import('@aws-sdk/client-dynamodb'), name: expectedUseTableName(config.namePrefix) };
  if (action.kind === 'list') return listWindows(table, now, action.account);
  const who = await sts.send(new (await import('@aws-sdk/client-sts')).GetCallerIdentityCommand({}));
  if (!who.UserId) throw new Error('sts:GetCallerIdentity returned no UserId');
  const caller = { userId: who.UserId, ...(who.Arn ? { arn: who.Arn } : {}) };
  if (action.kind === 'cancel') return cancelWindow(table, now, caller, action.windowId);
  return declareWindow(table, now, caller, { ...action, windowId: `${now}-${(deps.randomId ?? defaultRandomId)()}` });
}

/** The expected-use table and the SDK module its commands come from. */
interface Table {
  dynamodb: DynamoDBClient;
  ddb: typeof import('@aws-sdk/client-dynamodb');
  name: string;
}

/** Who runs the command (sts:GetCallerIdentity): the table binds each window to `userId`. */
interface Caller {
  userId: string;
  arn?: string;
}

/** Current and future windows (of one account, or all), oldest first. */
async function listWindows(table: Table, now: number, account: string | undefined): Promise<ExpectResult> {
  const windows = await readWindowPages<Record<string, import('@aws-sdk/client-dynamodb').AttributeValue>>(
    (start) =>
      table.dynamodb.send(
        new table.ddb.ScanCommand({
          TableName: table.name,
          FilterExpression: account ? 'endsAt > :now AND #a = :a' : 'endsAt > :now',
          ExpressionAttributeValues: { ':now': { N: String(now) }, ...(account ? { ':a': { S: account } } : {}) },
          ...(account ? { ExpressionAttributeNames: { '#a': 'account' } } : {}),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      ),
    20,
  );
  windows.sort((a, b) => a.startsAt - b.startsAt || a.windowId.localeCompare(b.windowId));
  if (windows.length === 0) return { stdout: 'No current or future expected-use windows.\n', exitCode: 0 };
  const lines = windows.map((w) => {
    const state = w.cancelledAt !== undefined ? `cancelled ${iso(w.cancelledAt)}` : w.startsAt > now ? 'future' : 'active';
    return `${w.windowId}  ${w.account}  ${iso(w.startsAt)} -> ${iso(w.endsAt)}  ${state}  by ${declarerLabel(w)}: ${w.reason}`;
  });
  return { stdout: `${lines.join('\n')}\n`, exitCode: 0 };
}

/** Cancel one of the caller's own open windows (the key holds the caller, so nobody cancels another's). */
async function cancelWindow(table: Table, now: number, caller: Caller, windowId: string): Promise<ExpectResult> {
  try {
    await table.dynamodb.send(
      new table.ddb.UpdateItemCommand({
        TableName: table.name,
        Key: { declaredBy: { S: caller.userId }, windowId: { S: windowId } },
        UpdateExpression: 'SET cancelledAt = :now',
        ConditionExpression: 'attribute_exists(windowId) AND attribute_not_exists(cancelledAt)',
        ExpressionAttributeValues: { ':now': { N: String(now) } },
      }),
    );
  } catch (e) {
    if ((e as { name?: string })?.name === 'ConditionalCheckFailedException') {
      throw new UsageError(`--cancel: no open window ${windowId} declared by you (${caller.arn ?? caller.userId}); see --list`);
    }
    throw e;
  }
  return { stdout: `Cancelled expected-use window ${windowId}; the hub announces the cancellation on the activity topic.\n`, exitCode: 0 };
}

/** Write a new window starting now, bound to the caller. */
async function declareWindow(table: Table, now: number, caller: Caller, declare: { account: string; seconds: number; reason: string; windowId: string }): Promise<ExpectResult> {
  const w: ExpectedUseWindow = {
    declaredBy: caller.userId,
    windowId: declare.windowId,
    account: declare.account,
    reason: declare.reason,
    ...(caller.arn ? { declaredByArn: caller.arn } : {}),
    startsAt: now,
    endsAt: now + declare.seconds,
    expiresAt: now + declare.seconds + EXPECTED_USE_TTL_AFTER_END_SECONDS,
  };
  await table.dynamodb.send(
    new table.ddb.PutItemCommand({
      TableName: table.name,
      Item: {
        declaredBy: { S: w.declaredBy },
        windowId: { S: w.windowId },
        account: { S: w.account },
        reason: { S: w.reason },
        ...(w.declaredByArn ? { declaredByArn: { S: w.declaredByArn } } : {}),
        startsAt: { N: String(w.startsAt) },
        endsAt: { N: String(w.endsAt) },
        expiresAt: { N: String(w.expiresAt) },
      },
      ConditionExpression: 'attribute_not_exists(windowId)',
    }),
  );
  return {
    stdout:
      `Declared expected root use in ${w.account} from ${iso(w.startsAt)} to ${iso(w.endsAt)}: ${w.reason}\n` +
      `Window ${w.windowId}, declared by ${declarerLabel(w)}; the hub announces it on the activity topic. ` +
      `Root events in the window still alert, marked expected. Cancel with: rootwatch expect --cancel ${w.windowId}\n`,
    exitCode: 0,
  };
}

function defaultRandomId(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('crypto') as typeof import('crypto')).randomBytes(6).toString('hex');
}
