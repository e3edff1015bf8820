/**
 * The contract between the generated Terraform (modules/) and the Lambda handlers
 * (lambdas/handlers/): environment variable names, bundle names, metric names.
 * Pure constants, shared by both sides so they cannot drift apart.
 */

/** Lambda bundles built by build/bundle-lambdas.ts from lambdas/handlers/<name>.ts */
export const LAMBDA_BUNDLES = ['notifier', 'slack', 'pagerduty'] as const;
export type LambdaBundleName = (typeof LAMBDA_BUNDLES)[number];

export const ENV = {
  /** notifier: ARN of the SNS topic for root sign-ins */
  LOGIN_TOPIC_ARN: 'ROOTWATCH_LOGIN_TOPIC_ARN',
  /** notifier: ARN of the SNS topic for other root activity and pipeline alarms */
  ACTIVITY_TOPIC_ARN: 'ROOTWATCH_ACTIVITY_TOPIC_ARN',
  /** notifier: DynamoDB table holding session folding state (pk `sessionKey`, TTL attribute `expiresAt`) */
  STATE_TABLE: 'ROOTWATCH_STATE_TABLE',
  /** notifier: folding window in seconds (0 disables folding) */
  FOLD_WINDOW_SECONDS: 'ROOTWATCH_FOLD_WINDOW_SECONDS',
  /** notifier: the deployment's name prefix (heartbeat and CIS patterns depend on it) */
  NAME_PREFIX: 'ROOTWATCH_NAME_PREFIX',
  /** notifier: 'alert' | 'low' | 'mute' for AssumeRoot sessions */
  ASSUMED_ROOT_POLICY: 'ROOTWATCH_ASSUMED_ROOT_POLICY',
  /** notifier: 'unchanged' | 'high' | 'critical' for root writes an IAM principal could have done */
  AVOIDABLE_ROOT_WRITES: 'ROOTWATCH_AVOIDABLE_ROOT_WRITES',
  /** notifier: DynamoDB table of expected-use windows (unset: no windows) */
  EXPECTED_USE_TABLE: 'ROOTWATCH_EXPECTED_USE_TABLE',
  /** notifier: 'one-lower' | 'unchanged' severity inside an expected-use window */
  EXPECTED_USE_SEVERITY: 'ROOTWATCH_EXPECTED_USE_SEVERITY',
  /**
   * notifier: JSON object account id -> display name. No longer set by the generated Terraform
   * (Lambda caps all variables at 4 KB; names live in the coverage table); still read when present.
   */
  ACCOUNT_NAMES: 'ROOTWATCH_ACCOUNT_NAMES',
  /** notifier: DynamoDB coverage ledger (pk `pk`, sk `sk`): paths, and the expected set with account names */
  COVERAGE_TABLE: 'ROOTWATCH_COVERAGE_TABLE',
  /** notifier: heartbeat interval in seconds (a path is stale after two intervals plus a margin) */
  HEARTBEAT_INTERVAL_SECONDS: 'ROOTWATCH_HEARTBEAT_INTERVAL_SECONDS',
  /** notifier: grace period in seconds for a path never heard from */
  COVERAGE_GRACE_SECONDS: 'ROOTWATCH_COVERAGE_GRACE_SECONDS',
  /** slack: SSM SecureString parameter name holding the incoming-webhook URL */
  SLACK_WEBHOOK_PARAMETER: 'ROOTWATCH_SLACK_WEBHOOK_PARAMETER',
  /** pagerduty: SSM SecureString parameter name holding the Events API v2 routing key */
  PAGERDUTY_ROUTING_KEY_PARAMETER: 'ROOTWATCH_PAGERDUTY_ROUTING_KEY_PARAMETER',
  /** slack/pagerduty: override of the API endpoint (tests point it at loopback) */
  ENDPOINT_URL: 'ROOTWATCH_ENDPOINT_URL',
  /** slack/pagerduty: per-request timeout in milliseconds */
  HTTP_TIMEOUT_MS: 'ROOTWATCH_HTTP_TIMEOUT_MS',
} as const;

/** The one coverage metric: expected paths that are stale now, written by every coverage sweep (no dimension). */
export const STALE_PATHS_METRIC = 'StalePaths';

/**
 * The heartbeat namespace is per deployment: two deployments (name prefixes) in one hub account
 * must not feed each other's heartbeat alarms, or one would hide the other's broken path.
 */
export function heartbeatNamespace(namePrefix: string): string {
  return `Rootwatch/${namePrefix}`;
}

/** The scheduled event that makes the notifier send pending digests. */
export const DIGEST_SWEEP_SOURCE = 'rootwatch.digest-sweep';

/** The scheduled event that makes the notifier sweep the coverage ledger. */
export const COVERAGE_SWEEP_SOURCE = 'rootwatch.coverage-sweep';

/**
 * What each Lambda's code calls, by the resource it calls it on: the one list its role is built from
 * (modules/rootwatch-hub.ts, modules/http-alerter.ts and the statements next to the tables).
 * __tests__/lambdas/permissions.test.ts scans each built bundle for the SDK commands it sends and
 * proves that these are exactly those commands (a DynamoDB transaction is authorized by the item
 * actions inside it: the fold store's TransactWriteItems holds Puts, so PutItem), and that the
 * synthesized roles grant these plus LAMBDA_IMPLICIT_ACTIONS and nothing else.
 */
export const LAMBDA_ACTIONS = {
  notifier: {
    alertTopics: ['sns:Publish'],
    foldState: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan'],
    coverageLedger: ['dynamodb:UpdateItem', 'dynamodb:Scan', 'dynamodb:Query', 'dynamodb:DeleteItem'],
    expectedUseIndex: ['dynamodb:Query'],
    stalePathsMetric: ['cloudwatch:PutMetricData'],
    /** stackset mode: the org reader role in the management account (granted by the hub module, stacks/module-stacks.ts) */
    orgReaderRole: ['sts:AssumeRole'],
  },
  slack: { secret: ['ssm:GetParameter'] },
  pagerduty: { secret: ['ssm:GetParameter'] },
} as const satisfies Record<LambdaBundleName, Record<string, readonly string[]>>;

/**
 * Actions a Lambda sends with an assumed role's credentials, granted by that role, not by its own:
 * the notifier lists the stack set's OUs through the management account's org reader role
 * (modules/spoke-stack-set.ts).
 */
export const LAMBDA_ASSUMED_ROLE_ACTIONS: Partial<Record<LambdaBundleName, Record<string, readonly string[]>>> = {
  notifier: { orgReader: ['organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent'] },
};

/** Entries of LAMBDA_ACTIONS granted outside the Lambda's construct (only in some deployments). */
export const LAMBDA_GRANTED_ELSEWHERE: readonly string[] = ['orgReaderRole'];

/**
 * Actions AWS performs with a function's role on its behalf, never sent by its code.
 * - ownLogs: Lambda writes the function's log streams with the execution role
 *   (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html).
 * - failureDestination: asynchronous invocation sends a failed event to the on-failure queue with the
 *   execution role (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
 * - topicKey: publishing to a topic encrypted with a customer key needs the key's data-key actions
 *   (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
 * - secretKey: GetParameter WithDecryption on a SecureString has SSM call KMS Decrypt as the caller.
 * - expectedUseStream / listStreams: the DynamoDB event source mapping polls the stream with the
 *   execution role (https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-eventsourcemapping.html).
 */
export const LAMBDA_IMPLICIT_ACTIONS = {
  ownLogs: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  failureDestination: ['sqs:SendMessage'],
  topicKey: ['kms:GenerateDataKey*', 'kms:Decrypt'],
  secretKey: ['kms:Decrypt'],
  expectedUseStream: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
  listStreams: ['dynamodb:ListStreams'],
} as const;

/** Which implicit actions each Lambda's role carries (with every feature on). */
export const LAMBDA_IMPLICIT: Record<LambdaBundleName, readonly (keyof typeof LAMBDA_IMPLICIT_ACTIONS)[]> = {
  notifier: ['ownLogs', 'failureDestination', 'topicKey', 'expectedUseStream', 'listStreams'],
  slack: ['ownLogs', 'failureDestination', 'secretKey'],
  pagerduty: ['ownLogs', 'failureDestination', 'secretKey'],
};
