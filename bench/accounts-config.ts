/**
 * Deterministic rootwatch configs for the scaling benchmark: a hub plus N spoke accounts, every
 * account in all 17 default regions, every feature on (Slack, PagerDuty, email, heartbeat, trail,
 * org guardrails). Only the number of spokes differs between sizes, so timings compare fairly.
 * Pure: the caller writes the object to disk.
 */
import { RawConfig } from '../core/config';
import { DEFAULT_REGIONS } from '../core/regions';

export const BENCH_HUB_ACCOUNT_ID = '100000000000';
/** The hub bus lists at most 200 accounts; beyond that it needs the organization id, so it is always set. */
const BENCH_ORGANIZATION_ID = 'o-rootwatchbench';

/** Spoke `i` (0-based): 12-digit account ID 2000000000xx..., never the hub's. */
export function benchAccountId(i: number): string {
  if (!Number.isInteger(i) || i < 0 || i >= 100_000_000_000) throw new RangeError(`account index out of range: ${i}`);
  return String(200_000_000_000 + i);
}

/** Spoke name `acct-0007` (sorted names sort like indexes up to 9999). */
function benchSpokeName(i: number): string {
  return `acct-${String(i).padStart(4, '0')}`;
}

export function accountsConfig(spokeCount: number): RawConfig {
  if (!Number.isInteger(spokeCount) || spokeCount < 0) throw new RangeError(`spoke count must be a non-negative integer, got ${spokeCount}`);
  return {
    namePrefix: 'rootwatch',
    regions: [...DEFAULT_REGIONS],
    tags: { owner: 'security', 'managed-by': 'rootwatch' },
    hub: { name: 'security', accountId: BENCH_HUB_ACCOUNT_ID, assumeRoleArn: `arn:aws:iam::${BENCH_HUB_ACCOUNT_ID}:role/rootwatch-deployer`, region: 'us-east-1', organizationId: BENCH_ORGANIZATION_ID },
    spokes: Array.from({ length: spokeCount }, (_, i) => {
      const accountId = benchAccountId(i);
      return { name: benchSpokeName(i), accountId, assumeRoleArn: `arn:aws:iam::${accountId}:role/rootwatch-deployer` };
    }),
    detection: { assumedRoot: 'alert' },
    alerts: {
      email: { login: ['security-oncall@example.com'], activity: ['security-team@example.com'] },
      slack: { webhookParameterName: '/rootwatch/slack/webhook-url' },
      pagerduty: { routingKeyParameterName: '/rootwatch/pagerduty/routing-key' },
      foldWindowMinutes: 15,
      heartbeat: { enabled: true, scheduleExpression: 'rate(1 day)' },
      logRetentionDays: 365,
    },
    guardrails: {
      managementAccount: { accountId: '900000000000', region: 'us-east-1' },
      denyRootScp: { enabled: true, targetIds: ['r-bnch'] },
      denyRootAccessKeysScp: { enabled: true, targetIds: ['r-bnch'] },
      centralizedRootAccess: { enabled: true },
      guardDuty: { enabled: true, delegatedAdminAccountId: BENCH_HUB_ACCOUNT_ID },
      securityHub: { enabled: true, delegatedAdminAccountId: BENCH_HUB_ACCOUNT_ID },
      passwordPolicy: { enabled: true, minimumLength: 16, reusePrevention: 24 },
      s3PublicAccessBlock: { enabled: true },
      trail: { enabled: true, objectLockDays: 365, logRetentionDays: 365, transitionToGlacierDays: 90 },
    },
  };
}
