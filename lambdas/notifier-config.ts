/**
 * The notifier's configuration, read from its environment (names in core/lambda-contract.ts).
 * Pure: takes the environment as an argument.
 */
import { ENV } from '../core/lambda-contract';
import type { AssumedRootPolicy, AvoidableRootWritesPolicy } from '../core/types';
import type { ExpectedUseSeverityPolicy } from '../core/expected-use';

class NotifierConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotifierConfigError';
  }
}

export interface NotifierConfig {
  loginTopicArn: string;
  activityTopicArn: string;
  /** 0 disables folding */
  windowSeconds: number;
  namePrefix: string;
  assumedRoot: AssumedRootPolicy;
  accountNames: Record<string, string>;
  /** DynamoDB table of the fold state; null when folding is off */
  stateTable: string | null;
  /** core/root-tasks.ts: raise avoidable root writes @default 'unchanged' */
  avoidableRootWrites?: AvoidableRootWritesPolicy;
  /** core/expected-use.ts: table of declared windows; null/undefined: none */
  expectedUseTable?: string | null;
  /** @default 'one-lower' */
  expectedUseSeverity?: ExpectedUseSeverityPolicy;
  /** DynamoDB coverage ledger; null: no heartbeat bookkeeping, no coverage sweep */
  coverageTable: string | null;
  /** heartbeat interval (seconds) the coverage sweep judges paths by */
  heartbeatIntervalSeconds: number;
  /** grace period (seconds) for paths never heard from */
  coverageGraceSeconds: number;
}

/** Defaults when the environment says nothing (or nonsense): the generator's defaults. */
const DEFAULT_HEARTBEAT_INTERVAL_SECONDS = 6 * 3600;
const DEFAULT_COVERAGE_GRACE_SECONDS = 48 * 3600;

const POLICIES: readonly AssumedRootPolicy[] = ['alert', 'low', 'mute'];

type Env = Readonly<Record<string, string | undefined>>;
type Warn = (message: string) => void;

/**
 * Read the configuration. Missing topic ARNs throw (nothing could be published). Odd optional
 * values fall back to safe defaults with a warning: a typo must not silence alerts. A fold window
 * without a state table disables folding (every event publishes).
 */
export function readNotifierConfig(env: Env, warn: Warn = () => undefined): NotifierConfig {
  const { loginTopicArn, activityTopicArn } = topicArns(env);
  const stateTable = env[ENV.STATE_TABLE]?.trim() || null;
  const windowSeconds = foldWindowSeconds(env, stateTable, warn);
  return {
    loginTopicArn,
    activityTopicArn,
    windowSeconds: stateTable ? windowSeconds : 0,
    namePrefix: env[ENV.NAME_PREFIX]?.trim() || 'rootwatch',
    assumedRoot: oneOf(env, warn, ENV.ASSUMED_ROOT_POLICY, POLICIES, 'alert'),
    accountNames: accountNames(env, warn),
    stateTable,
    ...triageConfig(env, warn),
    coverageTable: env[ENV.COVERAGE_TABLE]?.trim() || null,
    heartbeatIntervalSeconds: wholeSeconds(env, warn, ENV.HEARTBEAT_INTERVAL_SECONDS, DEFAULT_HEARTBEAT_INTERVAL_SECONDS, 3600),
    coverageGraceSeconds: wholeSeconds(env, warn, ENV.COVERAGE_GRACE_SECONDS, DEFAULT_COVERAGE_GRACE_SECONDS, 0),
  };
}

function topicArns(env: Env): { loginTopicArn: string; activityTopicArn: string } {
  const loginTopicArn = env[ENV.LOGIN_TOPIC_ARN]?.trim() ?? '';
  const activityTopicArn = env[ENV.ACTIVITY_TOPIC_ARN]?.trim() ?? '';
  const missing = [
    loginTopicArn ? null : ENV.LOGIN_TOPIC_ARN,
    activityTopicArn ? null : ENV.ACTIVITY_TOPIC_ARN,
  ].filter((v) => v !== null);
  if (missing.length > 0) throw new NotifierConfigError(`missing environment variable(s): ${missing.join(', ')}`);
  return { loginTopicArn, activityTopicArn };
}

/** The fold window in seconds; 0 (no folding) when it is not a number or there is no state table. */
function foldWindowSeconds(env: Env, stateTable: string | null, warn: Warn): number {
  let windowSeconds = 0;
  const rawWindow = env[ENV.FOLD_WINDOW_SECONDS]?.trim();
  if (rawWindow) {
    const n = Number(rawWindow);
    if (Number.isFinite(n) && n >= 0) windowSeconds = Math.floor(n);
    else warn(`${ENV.FOLD_WINDOW_SECONDS}=${JSON.stringify(rawWindow)} is not a number of seconds; folding disabled`);
  }
  if (windowSeconds > 0 && !stateTable) {
    warn(`${ENV.FOLD_WINDOW_SECONDS} is set but ${ENV.STATE_TABLE} is not; folding disabled`);
    windowSeconds = 0;
  }
  return windowSeconds;
}

/** One of `allowed`, else `fallback` (with a warning when the variable holds something else). */
function oneOf<T extends string>(env: Env, warn: Warn, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  warn(`${name}=${JSON.stringify(raw)} is not one of ${allowed.join(', ')}; using '${fallback}'`);
  return fallback;
}

function accountNames(env: Env, warn: Warn): Record<string, string> {
  const names: Record<string, string> = {};
  const rawNames = env[ENV.ACCOUNT_NAMES]?.trim();
  if (!rawNames) return names;
  try {
    const parsed: unknown = JSON.parse(rawNames);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    for (const [id, name] of Object.entries(parsed)) if (typeof name === 'string') names[id] = name;
  } catch {
    warn(`${ENV.ACCOUNT_NAMES} is not a JSON object of account id -> name; account names not shown`);
  }
  return names;
}

function wholeSeconds(env: Env, warn: Warn, name: string, fallback: number, min: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (Number.isInteger(n) && n >= min) return n;
  warn(`${name}=${JSON.stringify(raw)} is not a whole number of seconds >= ${min}; using ${fallback}`);
  return fallback;
}

/** The issue-14 settings (root-only verdict severity, expected-use windows); odd values fall back with a warning. */
function triageConfig(env: Env, warn: Warn) {
  const avoidableRootWrites = oneOf<AvoidableRootWritesPolicy>(env, warn, ENV.AVOIDABLE_ROOT_WRITES, ['unchanged', 'high', 'critical'], 'unchanged');
  const expectedUseSeverity = oneOf<ExpectedUseSeverityPolicy>(env, warn, ENV.EXPECTED_USE_SEVERITY, ['one-lower', 'unchanged'], 'one-lower');
  return { avoidableRootWrites, expectedUseTable: env[ENV.EXPECTED_USE_TABLE]?.trim() || null, expectedUseSeverity };
}
