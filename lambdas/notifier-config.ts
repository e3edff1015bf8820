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

/**
 * Read the configuration. Missing topic ARNs throw (nothing could be published). Odd optional
 * values fall back to safe defaults with a warning: a typo must not silence alerts. A fold window
 * without a state table disables folding (every event publishes).
 */
export function readNotifierConfig(
  env: Readonly<Record<string, string | undefined>>,
  warn: (message: string) => void = () => undefined,
): NotifierConfig {
  const loginTopicArn = env[ENV.LOGIN_TOPIC_ARN]?.trim() ?? '';
  const activityTopicArn = env[ENV.ACTIVITY_TOPIC_ARN]?.trim() ?? '';
  const missing = [
    loginTopicArn ? null : ENV.LOGIN_TOPIC_ARN,
    activityTopicArn ? null : ENV.ACTIVITY_TOPIC_ARN,
  ].filter((v) => v !== null);
  if (missing.length > 0) throw new NotifierConfigError(`missing environment variable(s): ${missing.join(', ')}`);

  let windowSeconds = 0;
  const rawWindow = env[ENV.FOLD_WINDOW_SECONDS]?.trim();
  if (rawWindow) {
    const n = Number(rawWindow);
    if (Number.isFinite(n) && n >= 0) windowSeconds = Math.floor(n);
    else warn(`${ENV.FOLD_WINDOW_SECONDS}=${JSON.stringify(rawWindow)} is not a number of seconds; folding disabled`);
  }
  const stateTable = env[ENV.STATE_TABLE]?.trim() || null;
  if (windowSeconds > 0 && !stateTable) {
    warn(`${ENV.FOLD_WINDOW_SECONDS} is set but ${ENV.STATE_TABLE} is not; folding disabled`);
    windowSeconds = 0;
  }

  let assumedRoot: AssumedRootPolicy = 'alert';
  const rawPolicy = env[ENV.ASSUMED_ROOT_POLICY]?.trim();
  if (rawPolicy) {
    if ((POLICIES as readonly string[]).includes(rawPolicy)) assumedRoot = rawPolicy as AssumedRootPolicy;
    else warn(`${ENV.ASSUMED_ROOT_POLICY}=${JSON.stringify(rawPolicy)} is not one of ${POLICIES.join(', ')}; using 'alert'`);
  }

  const accountNames: Record<string, string> = {};
  const rawNames = env[ENV.ACCOUNT_NAMES]?.trim();
  if (rawNames) {
    try {
      const parsed: unknown = JSON.parse(rawNames);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      for (const [id, name] of Object.entries(parsed)) if (typeof name === 'string') accountNames[id] = name;
    } catch {
      warn(`${ENV.ACCOUNT_NAMES} is not a JSON object of account id -> name; account names not shown`);
    }
  }

  const seconds = (name: string, fallback: number, min: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const n = Number(raw);
    if (Number.isInteger(n) && n >= min) return n;
    warn(`${name}=${JSON.stringify(raw)} is not a whole number of seconds >= ${min}; using ${fallback}`);
    return fallback;
  };

  return {
    loginTopicArn,
    activityTopicArn,
    windowSeconds: stateTable ? windowSeconds : 0,
    namePrefix: env[ENV.NAME_PREFIX]?.trim() || 'rootwatch',
    assumedRoot,
    accountNames,
    stateTable,
    ...triageConfig(env, warn),
    coverageTable: env[ENV.COVERAGE_TABLE]?.trim() || null,
    heartbeatIntervalSeconds: seconds(ENV.HEARTBEAT_INTERVAL_SECONDS, DEFAULT_HEARTBEAT_INTERVAL_SECONDS, 3600),
    coverageGraceSeconds: seconds(ENV.COVERAGE_GRACE_SECONDS, DEFAULT_COVERAGE_GRACE_SECONDS, 0),
  };
}

/** The issue-14 settings (root-only verdict severity, expected-use windows); odd values fall back with a warning. */
function triageConfig(env: Readonly<Record<string, string | undefined>>, warn: (message: string) => void) {
  let avoidableRootWrites: AvoidableRootWritesPolicy = 'unchanged';
  const rawAvoidable = env[ENV.AVOIDABLE_ROOT_WRITES]?.trim();
  if (rawAvoidable) {
    if (rawAvoidable === 'unchanged' || rawAvoidable === 'high' || rawAvoidable === 'critical') avoidableRootWrites = rawAvoidable;
    else warn(`${ENV.AVOIDABLE_ROOT_WRITES}=${JSON.stringify(rawAvoidable)} is not one of unchanged, high, critical; using 'unchanged'`);
  }
  let expectedUseSeverity: ExpectedUseSeverityPolicy = 'one-lower';
  const rawSeverity = env[ENV.EXPECTED_USE_SEVERITY]?.trim();
  if (rawSeverity) {
    if (rawSeverity === 'one-lower' || rawSeverity === 'unchanged') expectedUseSeverity = rawSeverity;
    else warn(`${ENV.EXPECTED_USE_SEVERITY}=${JSON.stringify(rawSeverity)} is not one of one-lower, unchanged; using 'one-lower'`);
  }
  return { avoidableRootWrites, expectedUseTable: env[ENV.EXPECTED_USE_TABLE]?.trim() || null, expectedUseSeverity };
}
