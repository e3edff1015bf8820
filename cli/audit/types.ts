/**
 * Types of `rootwatch audit`. Type-only imports of the AWS SDK: they are erased at compile time, so
 * importing this file (or cli/audit/index.ts) never loads an @aws-sdk module.
 */
import type { AccountClient } from '@aws-sdk/client-account';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { STSClient } from '@aws-sdk/client-sts';

/** The SDK clients the audit talks to; inject them (e.g. mocked) in tests. */
export interface AuditClients {
  sts: STSClient;
  iam: IAMClient;
  account: AccountClient;
  cloudtrail: CloudTrailClient;
  organizations: OrganizationsClient;
}

/** The SDK modules, loaded lazily by the audit command only. */
export interface AuditSdk {
  sts: typeof import('@aws-sdk/client-sts');
  iam: typeof import('@aws-sdk/client-iam');
  account: typeof import('@aws-sdk/client-account');
  cloudtrail: typeof import('@aws-sdk/client-cloudtrail');
  organizations: typeof import('@aws-sdk/client-organizations');
}

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'error';

export type CheckId =
  | 'root-mfa'
  | 'root-access-keys'
  | 'root-password-last-used'
  | 'alternate-contacts'
  | 'password-policy'
  | 'cloudtrail'
  | 'deny-root-scp';

export interface CheckResult {
  id: CheckId;
  title: string;
  status: CheckStatus;
  detail: string;
}

/** What `--json` prints. */
export interface AuditReport {
  account: string;
  checks: CheckResult[];
  /** true when no check is `fail` or `error` (`warn` does not fail the audit) */
  passed: boolean;
}

export interface AuditOptions {
  /** named profile of the shared config/credentials files (credentials via fromIni) */
  profile?: string;
  /** region for the regional calls (CloudTrail); default: the SDK's own resolution (env, profile) */
  region?: string;
  /** print one JSON object instead of the table */
  json: boolean;
  /** @default 'rootwatch-deny-root' */
  scpPolicyName?: string;
  /** injectable SDK clients (tests); when absent the audit creates its own */
  clients?: AuditClients;
  /** SDK standard-retry attempts of the clients the audit creates. @default 5 */
  maxAttempts?: number;
  /** attempts of the audit's own retry of throttled calls. @default 4 */
  throttleAttempts?: number;
  /** GenerateCredentialReport polls before giving up. @default 10 */
  reportPollAttempts?: number;
  /** wait between two credential-report polls, in ms. @default 2000 */
  reportPollMs?: number;
  /** injectable sleep (tests) */
  sleep?: (ms: number) => Promise<void>;
  /** injectable clock (tests) */
  now?: () => Date;
  /** account id -> regions the config monitors (from --config): the trail check proves a logging trail covers each */
  monitoredRegions?: Readonly<Record<string, readonly string[]>>;
}

export interface AuditOutcome {
  stdout: string;
  exitCode: number;
  /** the one-line message when exitCode is 2 (also in stdout) */
  error?: string;
}
