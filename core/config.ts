/**
 * rootwatch configuration: the raw shape (what `rootwatch.config.json` holds, validated by
 * `rootwatch.schema.json`) and the resolved shape (defaults applied, spokes expanded) that the
 * stacks consume. Pure: reading and schema-checking files is cli/load-config.ts's job.
 */
import { AssumedRootPolicy } from './types';
import { DEFAULT_REGIONS, SIGNIN_REGION } from './regions';

export interface ContactConfig { name: string; title: string; email: string; phone: string }

export interface RawConfig {
  $schema?: string;
  namePrefix?: string;
  regions?: string[];
  tags?: Record<string, string>;
  hub: { name?: string; accountId: string; region: string; assumeRoleArn?: string; externalId?: string; organizationId?: string; cisLogGroupName?: string };
  spokes?: Array<{ name?: string; accountId: string; assumeRoleArn: string; externalId?: string; regions?: string[]; cisLogGroupName?: string }>;
  organizationalUnits?: Array<{ ouId: string; accountsFile: string; assumeRoleName: string; externalId?: string }>;
  backend?: { type: 'local' } | { type: 's3'; bucket: string; region: string; keyPrefix?: string; kmsKeyId?: string };
  detection?: { assumedRoot?: AssumedRootPolicy };
  alerts?: {
    email?: { login?: string[]; activity?: string[] };
    slack?: { webhookParameterName: string };
    pagerduty?: { routingKeyParameterName: string };
    foldWindowMinutes?: number;
    heartbeat?: { enabled?: boolean; scheduleExpression?: string };
    deadLetterAlarms?: boolean;
    logRetentionDays?: number;
  };
  guardrails?: {
    managementAccount?: { accountId: string; assumeRoleArn?: string; externalId?: string; region?: string };
    denyRootScp?: { enabled?: boolean; targetIds?: string[] };
    denyRootAccessKeysScp?: { enabled?: boolean; targetIds?: string[] };
    centralizedRootAccess?: { enabled?: boolean };
    guardDuty?: { enabled?: boolean; delegatedAdminAccountId?: string };
    securityHub?: { enabled?: boolean; delegatedAdminAccountId?: string };
    alternateContacts?: { billing?: ContactConfig; operations?: ContactConfig; security?: ContactConfig };
    passwordPolicy?: { enabled?: boolean; minimumLength?: number; reusePrevention?: number; maxAgeDays?: number };
    s3PublicAccessBlock?: { enabled?: boolean };
    trail?: { enabled?: boolean; objectLockDays?: number; logRetentionDays?: number; transitionToGlacierDays?: number };
  };
}

/**
 * One account as an AWS Organizations export lists it (only the fields rootwatch reads). `State`
 * (PENDING_ACTIVATION, ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED) replaces `Status`, which AWS
 * retires from ListAccounts/ListAccountsForParent/DescribeAccount on 2026-09-09; `State` wins.
 */
export interface OrgAccount { Id: string; Name?: string; State?: string; Status?: string }

export interface AccountTarget {
  accountId: string;
  assumeRoleArn?: string;
  externalId?: string;
}

export interface SpokeConfig extends AccountTarget {
  /** readable, unique; used in the stack name `spoke-<name>` */
  name: string;
  assumeRoleArn: string;
  /** us-east-1 first, then the others in config order */
  regions: string[];
  cisLogGroupName?: string;
}

export interface AccountGuardrailsConfig {
  alternateContacts: { billing?: ContactConfig; operations?: ContactConfig; security?: ContactConfig };
  passwordPolicy: { enabled: boolean; minimumLength: number; reusePrevention: number; maxAgeDays: number };
  s3PublicAccessBlock: boolean;
  trail: { enabled: boolean; objectLockDays?: number; logRetentionDays: number; transitionToGlacierDays: number };
}

export interface OrgGuardrailsConfig {
  managementAccount: AccountTarget & { region: string };
  denyRootScp: { enabled: boolean; targetIds: string[] };
  denyRootAccessKeysScp: { enabled: boolean; targetIds: string[] };
  centralizedRootAccess: boolean;
  guardDuty: { enabled: boolean; delegatedAdminAccountId?: string };
  securityHub: { enabled: boolean; delegatedAdminAccountId?: string };
}

export interface RootwatchConfig {
  namePrefix: string;
  tags: Record<string, string>;
  hub: AccountTarget & { name: string; region: string; organizationId?: string; cisLogGroupName?: string; regions: string[] };
  spokes: SpokeConfig[];
  backend: { type: 'local' } | { type: 's3'; bucket: string; region: string; keyPrefix: string; kmsKeyId?: string };
  detection: { assumedRoot: AssumedRootPolicy };
  alerts: {
    email: { login: string[]; activity: string[] };
    slack?: { webhookParameterName: string };
    pagerduty?: { routingKeyParameterName: string };
    foldWindowMinutes: number;
    heartbeat: { enabled: boolean; scheduleExpression: string };
    /** an alarm on every forwarding dead-letter queue (one per account x region, $0.10 each a month) */
    deadLetterAlarms: boolean;
    logRetentionDays: number;
  };
  /** Account-level guardrails, applied in every spoke stack and in the hub stack. */
  accountGuardrails: AccountGuardrailsConfig;
  /** Organization-level guardrails (guardrails stack); undefined when no management account is configured. */
  orgGuardrails?: OrgGuardrailsConfig;
  /** account id -> display name, for alerts */
  accountNames: Record<string, string>;
}

/** A config error that names the field, e.g. `spokes[1].accountId: must be 12 digits`. */
export class ConfigError extends Error {
  constructor(readonly field: string, readonly problem: string) {
    super(field ? `${field}: ${problem}` : problem);
    this.name = 'ConfigError';
  }
}

/** Regions in coverage order: us-east-1 always first (sign-ins and global services live there). */
export function withSigninRegion(regions: readonly string[]): string[] {
  return [SIGNIN_REGION, ...regions.filter((r) => r !== SIGNIN_REGION)];
}

const accountOfArn = (arn: string): string => arn.split(':')[4];

/**
 * The AWS partitions an ARN can name (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html;
 * the ids of the AWS SDK's partitions table). A role in any other "partition" cannot be assumed.
 */
export const AWS_PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'] as const;
/** https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html: RoleName 1-64 characters. */
export const MAX_ROLE_NAME = 64;

/** Why a role ARN cannot name a real role (partition, name length), or undefined. The schema checked its shape. */
export function roleArnProblem(arn: string): string | undefined {
  const partition = arn.split(':')[1];
  if (!(AWS_PARTITIONS as readonly string[]).includes(partition)) {
    return `has partition ${JSON.stringify(partition)}, which is not an AWS partition (${AWS_PARTITIONS.join(', ')})`;
  }
  const name = arn.slice(arn.indexOf(':role/') + ':role/'.length).split('/').pop() ?? '';
  if (name.length > MAX_ROLE_NAME) return `names a role of ${name.length} characters; IAM role names have at most ${MAX_ROLE_NAME}`;
  return undefined;
}

/**
 * Why `name` cannot be an S3 general purpose bucket, or undefined. The rules of
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html (length, characters,
 * first and last character, adjacent periods, IP address form, reserved prefixes and suffixes), plus
 * DNS labels (`.-`, `-.`), which S3 refuses as well.
 */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'must be 3 to 63 characters long';
  if (!/^[a-z0-9.-]+$/.test(name)) return 'must hold only lowercase letters, digits, dots and hyphens';
  if (!/^[a-z0-9].*[a-z0-9]$/.test(name)) return 'must begin and end with a letter or digit';
  if (name.includes('..')) return 'must not contain two adjacent periods';
  if (/\.-|-\./.test(name)) return 'must not have a period next to a hyphen (each dot-separated label must begin and end with a letter or digit)';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'must not be formatted as an IP address';
  const prefix = ['xn--', 'sthree-', 'amzn-s3-demo-'].find((p) => name.startsWith(p));
  if (prefix) return `must not start with ${prefix} (reserved by AWS)`;
  const suffix = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'].find((x) => name.endsWith(x));
  if (suffix) return `must not end with ${suffix} (reserved by AWS)`;
  return undefined;
}

/**
 * Why a tag key cannot be used, or undefined. `aws:` is reserved in any case
 * (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html). (`__proto__` is valid and
 * kept: see stacks/base.ts.)
 */
export function tagKeyProblem(key: string): string | undefined {
  if (/^aws:/i.test(key)) return 'tag keys starting with "aws:" are reserved for AWS';
  return undefined;
}

/** EventBridge bus policies are limited to 10 KB: more listed accounts need `hub.organizationId`. */
export const MAX_LISTED_SPOKES = 200;

/**
 * The default heartbeat interval: a path is stale after two intervals plus 15 minutes, so a blind
 * account x region is noticed within about 12.25 hours; 17,000 paths cost a few dollars a month
 * (README, "What coverage costs").
 */
export const DEFAULT_HEARTBEAT_SCHEDULE = 'rate(6 hours)';

/**
 * Why a heartbeat schedule cannot work, or undefined. AWS wants `rate(1 hour)` but `rate(N hours)`;
 * allowed: `rate(1 hour)` to `rate(1 day)` (more often costs without need, less often leaves a
 * blind path unnoticed for days).
 */
export function heartbeatScheduleProblem(expression: string): string | undefined {
  if (expression === 'rate(1 day)' || expression === 'rate(1 hour)' || /^rate\(([2-9]|1[0-9]|2[0-4]) hours\)$/.test(expression)) return undefined;
  return `must be rate(1 day), rate(1 hour) or rate(N hours) with N from 2 to 24 (got ${JSON.stringify(expression)})`;
}

/**
 * Apply defaults and cross-field rules to a schema-valid raw config.
 * `ouAccounts[i]` are the accounts of `organizationalUnits[i]` (read by the caller).
 */
export function resolveConfig(raw: RawConfig, ouAccounts: OrgAccount[][] = []): RootwatchConfig {
  const namePrefix = raw.namePrefix ?? 'rootwatch';
  for (const key of Object.keys(raw.tags ?? {})) {
    const problem = tagKeyProblem(key);
    if (problem) throw new ConfigError(/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key) ? `tags.${key}` : `tags[${JSON.stringify(key)}]`, problem);
  }
  if (raw.backend?.type === 's3') {
    const problem = bucketNameProblem(raw.backend.bucket);
    if (problem) throw new ConfigError('backend.bucket', `${problem} (got ${JSON.stringify(raw.backend.bucket)})`);
  }
  const regions = withSigninRegion(raw.regions ?? DEFAULT_REGIONS);
  const hub = { name: raw.hub.name ?? 'hub', ...raw.hub, regions };
  checkRoleAccount('hub.assumeRoleArn', hub.assumeRoleArn, hub.accountId);

  const spokes: SpokeConfig[] = [];
  const seenAccounts = new Map<string, string>();
  const seenNames = new Map<string, string>();
  const accountNames: Record<string, string> = {};
  const addSpoke = (field: string, spoke: SpokeConfig) => {
    if (spoke.accountId === hub.accountId) {
      throw new ConfigError(`${field}.accountId`, 'is the hub account, which the hub stack already monitors');
    }
    const dupAccount = seenAccounts.get(spoke.accountId);
    if (dupAccount) throw new ConfigError(`${field}.accountId`, `duplicates ${dupAccount}.accountId (${spoke.accountId})`);
    const dupName = seenNames.get(spoke.name);
    if (dupName) throw new ConfigError(`${field}.name`, `duplicates ${dupName}.name (${spoke.name})`);
    checkRoleAccount(`${field}.assumeRoleArn`, spoke.assumeRoleArn, spoke.accountId);
    seenAccounts.set(spoke.accountId, field);
    seenNames.set(spoke.name, field);
    spokes.push(spoke);
  };
  (raw.spokes ?? []).forEach((s, i) => {
    const spoke: SpokeConfig = {
      name: s.name ?? s.accountId,
      accountId: s.accountId,
      assumeRoleArn: s.assumeRoleArn,
      regions: s.regions ? withSigninRegion(s.regions) : regions,
    };
    if (s.externalId !== undefined) spoke.externalId = s.externalId;
    if (s.cisLogGroupName !== undefined) spoke.cisLogGroupName = s.cisLogGroupName;
    if (s.name) accountNames[s.accountId] = s.name;
    addSpoke(`spokes[${i}]`, spoke);
  });
  (raw.organizationalUnits ?? []).forEach((ou, i) => {
    (ouAccounts[i] ?? []).forEach((acct, j) => {
      const state = acct.State ?? acct.Status;
      if (state !== undefined && state !== 'ACTIVE') return; // only ACTIVE accounts are monitored
      if (acct.Id === hub.accountId) return; // the hub stack monitors the hub account
      const field = `organizationalUnits[${i}].accountsFile: Accounts[${j}]`;
      if (seenAccounts.has(acct.Id)) return; // listed explicitly: the explicit entry wins
      const spoke: SpokeConfig = {
        name: acct.Id,
        accountId: acct.Id,
        assumeRoleArn: `arn:aws:iam::${acct.Id}:role/${ou.assumeRoleName}`,
        regions,
      };
      if (ou.externalId !== undefined) spoke.externalId = ou.externalId;
      if (acct.Name) accountNames[acct.Id] = acct.Name;
      addSpoke(field, spoke);
    });
  });
  accountNames[hub.accountId] ??= hub.name;
  if (!hub.organizationId && spokes.length === 0) {
    throw new ConfigError('spokes', 'list at least one spoke (or organizationalUnits) or set hub.organizationId: the hub bus would admit no account');
  }
  if (!hub.organizationId && spokes.length > MAX_LISTED_SPOKES) {
    throw new ConfigError('hub.organizationId', `must be set for more than ${MAX_LISTED_SPOKES} spokes (${spokes.length}): the hub bus policy cannot list them (10 KB limit)`);
  }

  const a = raw.alerts ?? {};
  const g = raw.guardrails ?? {};
  const orgGuardrails: OrgGuardrailsConfig | undefined = g.managementAccount
    ? {
        managementAccount: { region: 'us-east-1', ...g.managementAccount },
        denyRootScp: { enabled: g.denyRootScp?.enabled ?? true, targetIds: g.denyRootScp?.targetIds ?? [] },
        denyRootAccessKeysScp: {
          enabled: g.denyRootAccessKeysScp?.enabled ?? false,
          targetIds: g.denyRootAccessKeysScp?.targetIds ?? [],
        },
        centralizedRootAccess: g.centralizedRootAccess?.enabled ?? true,
        guardDuty: { enabled: g.guardDuty?.enabled ?? false, ...optional('delegatedAdminAccountId', g.guardDuty?.delegatedAdminAccountId) },
        securityHub: { enabled: g.securityHub?.enabled ?? false, ...optional('delegatedAdminAccountId', g.securityHub?.delegatedAdminAccountId) },
      }
    : undefined;
  if (orgGuardrails) {
    checkRoleAccount('guardrails.managementAccount.assumeRoleArn', orgGuardrails.managementAccount.assumeRoleArn, orgGuardrails.managementAccount.accountId);
    for (const key of ['denyRootScp', 'denyRootAccessKeysScp'] as const) {
      if (orgGuardrails[key].enabled && orgGuardrails[key].targetIds.length === 0) {
        throw new ConfigError(`guardrails.${key}.targetIds`, 'must name at least one organization root, OU or account when enabled');
      }
    }
  } else {
    // Present and on, explicitly or by default (denyRootScp and centralizedRootAccess default to on).
    const onByDefault = { denyRootScp: true, denyRootAccessKeysScp: false, centralizedRootAccess: true, guardDuty: false, securityHub: false };
    for (const key of ['denyRootScp', 'denyRootAccessKeysScp', 'centralizedRootAccess', 'guardDuty', 'securityHub'] as const) {
      if (g[key] !== undefined && (g[key]?.enabled ?? onByDefault[key])) throw new ConfigError(`guardrails.${key}`, 'needs guardrails.managementAccount');
    }
  }
  const heartbeatProblem = a.heartbeat?.scheduleExpression === undefined ? undefined : heartbeatScheduleProblem(a.heartbeat.scheduleExpression);
  if (heartbeatProblem) throw new ConfigError('alerts.heartbeat.scheduleExpression', heartbeatProblem);

  return {
    namePrefix,
    tags: raw.tags ?? {},
    hub,
    spokes,
    backend: raw.backend?.type === 's3' ? { keyPrefix: 'rootwatch', ...raw.backend } : { type: 'local' },
    detection: { assumedRoot: raw.detection?.assumedRoot ?? 'alert' },
    alerts: {
      email: { login: a.email?.login ?? [], activity: a.email?.activity ?? [] },
      ...optional('slack', a.slack),
      ...optional('pagerduty', a.pagerduty),
      foldWindowMinutes: a.foldWindowMinutes ?? 15,
      heartbeat: { enabled: a.heartbeat?.enabled ?? true, scheduleExpression: a.heartbeat?.scheduleExpression ?? DEFAULT_HEARTBEAT_SCHEDULE },
      deadLetterAlarms: a.deadLetterAlarms ?? true,
      logRetentionDays: a.logRetentionDays ?? 365,
    },
    accountGuardrails: {
      alternateContacts: g.alternateContacts ?? {},
      passwordPolicy: {
        enabled: g.passwordPolicy?.enabled ?? true,
        minimumLength: g.passwordPolicy?.minimumLength ?? 14,
        reusePrevention: g.passwordPolicy?.reusePrevention ?? 24,
        maxAgeDays: g.passwordPolicy?.maxAgeDays ?? 0,
      },
      s3PublicAccessBlock: g.s3PublicAccessBlock?.enabled ?? true,
      trail: {
        enabled: g.trail?.enabled ?? false,
        ...optional('objectLockDays', g.trail?.objectLockDays),
        logRetentionDays: g.trail?.logRetentionDays ?? 365,
        transitionToGlacierDays: g.trail?.transitionToGlacierDays ?? 90,
      },
    },
    ...optional('orgGuardrails', orgGuardrails),
    accountNames,
  };
}

function checkRoleAccount(field: string, arn: string | undefined, accountId: string): void {
  const problem = arn === undefined ? undefined : roleArnProblem(arn);
  if (problem) throw new ConfigError(field, problem);
  if (arn !== undefined && accountOfArn(arn) !== accountId) {
    throw new ConfigError(field, `must be a role in account ${accountId}, not ${accountOfArn(arn)}`);
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
