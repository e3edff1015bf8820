/**
 * rootwatch configuration: the raw shape (what `rootwatch.config.json` holds, validated by
 * `rootwatch.schema.json`) and the resolved shape (defaults applied, spokes expanded) that the
 * stacks consume. Pure: reading and schema-checking files is cli/load-config.ts's job.
 */
import { AssumedRootPolicy, AvoidableRootWritesPolicy } from './types';
import { EXPECTED_USE_DEFAULT_MAX_HOURS, ExpectedUseSeverityPolicy } from './expected-use';
import { DEFAULT_REGIONS, SIGNIN_REGION } from './regions';
import { RawStackSet, resolveStackSet, SpokeDelivery, StackSetConfig } from './stackset-config';

export interface ContactConfig { name: string; title: string; email: string; phone: string }

export interface RawConfig {
  $schema?: string;
  namePrefix?: string;
  regions?: string[];
  tags?: Record<string, string>;
  hub: { name?: string; accountId: string; region: string; assumeRoleArn?: string; externalId?: string; organizationId?: string; cisLogGroupName?: string; cisLogGroupRegion?: string; manageAccountSettings?: boolean };
  spokes?: Array<{ name?: string; accountId: string; assumeRoleArn: string; externalId?: string; regions?: string[]; cisLogGroupName?: string; cisLogGroupRegion?: string; manageAccountSettings?: boolean }>;
  organizationalUnits?: Array<{ ouId: string; accountsFile: string; assumeRoleName: string; externalId?: string; manageAccountSettings?: boolean }>;
  /** issue 15: spokes as Terraform stacks (default) or one service-managed StackSet (core/stackset-config.ts) */
  spokeDelivery?: SpokeDelivery;
  stackSet?: RawStackSet;
  backend?: { type: 'local' } | { type: 's3'; bucket: string; region: string; keyPrefix?: string; kmsKeyId?: string };
  migrateFrom?: '0.1.0';
  detection?: {
    assumedRoot?: AssumedRootPolicy;
    avoidableRootWrites?: AvoidableRootWritesPolicy;
    expectedUse?: { enabled?: boolean; maxHours?: number; severity?: ExpectedUseSeverityPolicy };
  };
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
    managementAccount?: { accountId: string; assumeRoleArn?: string; externalId?: string; region?: string; manageAccountSettings?: boolean };
    delegatedAdmin?: { assumeRoleArn?: string; externalId?: string };
    denyRootScp?: { enabled?: boolean; targetIds?: string[] };
    denyRootAccessKeysScp?: { enabled?: boolean; targetIds?: string[] };
    centralizedRootAccess?: { enabled?: boolean };
    guardDuty?: {
      enabled?: boolean;
      delegatedAdminAccountId?: string;
      existingDetectorIds?: Record<string, string>;
      existingDelegatedAdmin?: boolean;
      delegatedAdminDetectorIds?: Record<string, string>;
      autoEnable?: GuardDutyAutoEnable;
    };
    securityHub?: {
      enabled?: boolean;
      delegatedAdminAccountId?: string;
      standards?: SecurityHubStandardId[];
      adoptExisting?: boolean;
      existingStandards?: SecurityHubStandardId[];
      existingDelegatedAdmin?: boolean;
      autoEnable?: boolean;
      autoEnableStandards?: 'DEFAULT' | 'NONE';
    };
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
  /** Region of cisLogGroupName (set whenever cisLogGroupName is); one of `regions`. */
  cisLogGroupRegion?: string;
  /** This account's stack manages its account-wide settings (password policy, S3 block, contacts). @default true */
  manageAccountSettings?: boolean;
}

export interface AccountGuardrailsConfig {
  alternateContacts: { billing?: ContactConfig; operations?: ContactConfig; security?: ContactConfig };
  passwordPolicy: { enabled: boolean; minimumLength: number; reusePrevention: number; maxAgeDays: number };
  s3PublicAccessBlock: boolean;
  trail: { enabled: boolean; objectLockDays?: number; logRetentionDays: number; transitionToGlacierDays: number };
}

export type GuardDutyAutoEnable = 'ALL' | 'NEW' | 'NONE';

/** Security Hub standards rootwatch can subscribe (the part of the ARN after `standards/` or `ruleset/`). */
export const SECURITY_HUB_STANDARDS = [
  'cis-aws-foundations-benchmark/v/1.2.0',
  'cis-aws-foundations-benchmark/v/1.4.0',
  'cis-aws-foundations-benchmark/v/3.0.0',
  'aws-foundational-security-best-practices/v/1.0.0',
  'nist-800-53/v/5.0.0',
  'pci-dss/v/3.2.1',
] as const;
export type SecurityHubStandardId = (typeof SECURITY_HUB_STANDARDS)[number];

/**
 * The default standard holds the root controls IAM.4, IAM.6, IAM.9 (CIS v1.2.0, v1.4.0, v3.0.0) and
 * CloudWatch.1 (CIS v1.2.0 and v1.4.0 only, not v3.0.0):
 * https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html
 */
export const DEFAULT_SECURITY_HUB_STANDARDS: SecurityHubStandardId[] = ['cis-aws-foundations-benchmark/v/1.4.0'];

export interface OrgGuardrailsConfig {
  managementAccount: AccountTarget & { region: string; manageAccountSettings: boolean };
  /** Regions where GuardDuty and Security Hub are enabled and auto-enabled: the management region, then the configured regions. */
  regions: string[];
  /** How the stack reaches the delegated administrator (organization configurations). */
  delegatedAdmin?: { assumeRoleArn?: string; externalId?: string };
  denyRootScp: { enabled: boolean; targetIds: string[] };
  denyRootAccessKeysScp: { enabled: boolean; targetIds: string[] };
  centralizedRootAccess: boolean;
  guardDuty: {
    enabled: boolean;
    delegatedAdminAccountId?: string;
    /** region -> detector to import */
    existingDetectorIds: Record<string, string>;
    existingDelegatedAdmin: boolean;
    /** region -> the delegated admin's detector (organization configuration there) */
    delegatedAdminDetectorIds: Record<string, string>;
    autoEnable: GuardDutyAutoEnable;
  };
  securityHub: {
    enabled: boolean;
    delegatedAdminAccountId?: string;
    standards: SecurityHubStandardId[];
    adoptExisting: boolean;
    existingStandards: SecurityHubStandardId[];
    existingDelegatedAdmin: boolean;
    autoEnable: boolean;
    autoEnableStandards: 'DEFAULT' | 'NONE';
  };
}

export interface RootwatchConfig {
  namePrefix: string;
  tags: Record<string, string>;
  hub: AccountTarget & { name: string; region: string; organizationId?: string; cisLogGroupName?: string; cisLogGroupRegion?: string; manageAccountSettings?: boolean; regions: string[] };
  spokes: SpokeConfig[];
  /** `stackset`: accounts of stackSet.organizationalUnitIds get the spoke from a StackSet (hub, management account and `spokes` stay Terraform). */
  spokeDelivery?: SpokeDelivery;
  stackSet?: StackSetConfig;
  backend: { type: 'local' } | { type: 's3'; bucket: string; region: string; keyPrefix: string; kmsKeyId?: string };
  /**
   * Stacks first deployed with this release: the roots carry `moved`/`removed` blocks from its
   * resource addresses. @default none (no migration blocks)
   */
  migrateFrom?: '0.1.0';
  detection: {
    assumedRoot: AssumedRootPolicy;
    /** raise root writes an IAM principal could have done (core/root-tasks.ts) */
    avoidableRootWrites: AvoidableRootWritesPolicy;
    /** declared expected-use windows (core/expected-use.ts, `rootwatch expect`) */
    expectedUse: { enabled: boolean; maxHours: number; severity: ExpectedUseSeverityPolicy };
  };
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
const AWS_PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'] as const;
/** https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html: RoleName 1-64 characters. */
const MAX_ROLE_NAME = 64;

/** Why a role ARN cannot name a real role (partition, name length), or undefined. The schema checked its shape. */
function roleArnProblem(arn: string): string | undefined {
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
function bucketNameProblem(name: string): string | undefined {
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
function tagKeyProblem(key: string): string | undefined {
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

/** An account's own stack manages its account-wide settings unless the config says otherwise. */
export const DEFAULT_MANAGE_ACCOUNT_SETTINGS = true;

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
  const hubCisRegion = cisRegion('hub', raw.hub, regions, raw.hub.region);
  if (hubCisRegion) hub.cisLogGroupRegion = hubCisRegion;

  const spokes: SpokeConfig[] = [];
  const seenAccounts = new Map<string, string>();
  const seenNames = new Map<string, string>();
  const accountNames: Record<string, string> = {};
  /** account -> the entry that decides whether its stack owns the account-wide settings */
  const settingsOwner = new Map<string, { field: string; manage: boolean }>();
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
    const spokeCisRegion = cisRegion(`spokes[${i}]`, s, spoke.regions, raw.hub.region);
    if (spokeCisRegion) spoke.cisLogGroupRegion = spokeCisRegion;
    if (s.manageAccountSettings !== undefined) spoke.manageAccountSettings = s.manageAccountSettings;
    settingsOwner.set(s.accountId, { field: `spokes[${i}]`, manage: s.manageAccountSettings ?? DEFAULT_MANAGE_ACCOUNT_SETTINGS });
    if (s.name) accountNames[s.accountId] = s.name;
    addSpoke(`spokes[${i}]`, spoke);
  });
  (raw.organizationalUnits ?? []).forEach((ou, i) => {
    (ouAccounts[i] ?? []).forEach((acct, j) => {
      const state = acct.State ?? acct.Status;
      if (state !== undefined && state !== 'ACTIVE') return; // only ACTIVE accounts are monitored
      if (acct.Id === hub.accountId) return; // the hub stack monitors the hub account
      const field = `organizationalUnits[${i}].accountsFile: Accounts[${j}]`;
      const manage = ou.manageAccountSettings ?? DEFAULT_MANAGE_ACCOUNT_SETTINGS;
      const owner = settingsOwner.get(acct.Id);
      if (owner && owner.manage !== manage) {
        // The same account through two entries that disagree on who owns its singletons.
        throw new ConfigError(`organizationalUnits[${i}].manageAccountSettings`, `account ${acct.Id} is also listed by ${owner.field}, which says manageAccountSettings ${owner.manage}: one account has one owner of its account-wide settings`);
      }
      settingsOwner.set(acct.Id, { field: `organizationalUnits[${i}]`, manage });
      if (seenAccounts.has(acct.Id)) return; // listed explicitly: the explicit entry wins
      const spoke: SpokeConfig = {
        name: acct.Id,
        accountId: acct.Id,
        assumeRoleArn: `arn:aws:iam::${acct.Id}:role/${ou.assumeRoleName}`,
        regions,
      };
      if (ou.externalId !== undefined) spoke.externalId = ou.externalId;
      if (ou.manageAccountSettings !== undefined) spoke.manageAccountSettings = ou.manageAccountSettings;
      if (acct.Name) accountNames[acct.Id] = acct.Name;
      addSpoke(field, spoke);
    });
  });
  const stackSet = resolveStackSet(raw.spokeDelivery ?? 'stacks', raw.stackSet, {
    ...optional('organizationId', hub.organizationId),
    ...optional('managementFallback', raw.guardrails?.managementAccount),
    problem: (field, problem) => new ConfigError(field, problem),
  });
  if (stackSet) {
    const field = raw.stackSet?.delegatedAdmin ? 'stackSet.delegatedAdmin.assumeRoleArn' : raw.stackSet?.managementAccount ? 'stackSet.managementAccount.assumeRoleArn' : 'guardrails.managementAccount.assumeRoleArn';
    checkRoleAccount(field, stackSet.deployer.assumeRoleArn, stackSet.deployer.accountId);
  }
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
        managementAccount: { region: 'us-east-1', ...g.managementAccount, manageAccountSettings: g.managementAccount.manageAccountSettings ?? false },
        regions: [...new Set([g.managementAccount.region ?? 'us-east-1', ...regions])],
        ...optional('delegatedAdmin', g.delegatedAdmin),
        denyRootScp: { enabled: g.denyRootScp?.enabled ?? true, targetIds: g.denyRootScp?.targetIds ?? [] },
        denyRootAccessKeysScp: {
          enabled: g.denyRootAccessKeysScp?.enabled ?? false,
          targetIds: g.denyRootAccessKeysScp?.targetIds ?? [],
        },
        centralizedRootAccess: g.centralizedRootAccess?.enabled ?? true,
        guardDuty: {
          enabled: g.guardDuty?.enabled ?? false,
          ...optional('delegatedAdminAccountId', g.guardDuty?.delegatedAdminAccountId),
          existingDetectorIds: g.guardDuty?.existingDetectorIds ?? {},
          existingDelegatedAdmin: g.guardDuty?.existingDelegatedAdmin ?? false,
          delegatedAdminDetectorIds: g.guardDuty?.delegatedAdminDetectorIds ?? {},
          autoEnable: g.guardDuty?.autoEnable ?? 'ALL',
        },
        securityHub: {
          enabled: g.securityHub?.enabled ?? false,
          ...optional('delegatedAdminAccountId', g.securityHub?.delegatedAdminAccountId),
          standards: g.securityHub?.standards ?? DEFAULT_SECURITY_HUB_STANDARDS,
          adoptExisting: g.securityHub?.adoptExisting ?? false,
          existingStandards: g.securityHub?.existingStandards ?? [],
          existingDelegatedAdmin: g.securityHub?.existingDelegatedAdmin ?? false,
          autoEnable: g.securityHub?.autoEnable ?? true,
          autoEnableStandards: g.securityHub?.autoEnableStandards ?? 'DEFAULT',
        },
      }
    : undefined;
  if (orgGuardrails) {
    checkRoleAccount('guardrails.managementAccount.assumeRoleArn', orgGuardrails.managementAccount.assumeRoleArn, orgGuardrails.managementAccount.accountId);
    for (const key of ['denyRootScp', 'denyRootAccessKeysScp'] as const) {
      if (orgGuardrails[key].enabled && orgGuardrails[key].targetIds.length === 0) {
        throw new ConfigError(`guardrails.${key}.targetIds`, 'must name at least one organization root, OU or account when enabled');
      }
    }
    checkDelegatedServices(orgGuardrails);
    checkManagementAccountSettings(orgGuardrails, hub, settingsOwner);
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
    spokeDelivery: raw.spokeDelivery ?? 'stacks',
    ...optional('stackSet', stackSet),
    backend: raw.backend?.type === 's3' ? { keyPrefix: 'rootwatch', ...raw.backend } : { type: 'local' },
    ...(raw.migrateFrom ? { migrateFrom: raw.migrateFrom } : {}),
    detection: {
      assumedRoot: raw.detection?.assumedRoot ?? 'alert',
      avoidableRootWrites: raw.detection?.avoidableRootWrites ?? 'unchanged',
      expectedUse: {
        enabled: raw.detection?.expectedUse?.enabled ?? true,
        maxHours: raw.detection?.expectedUse?.maxHours ?? EXPECTED_USE_DEFAULT_MAX_HOURS,
        severity: raw.detection?.expectedUse?.severity ?? 'one-lower',
      },
    },
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
      // Opt-in: the account-level block overrides every bucket and breaks intentionally public ones.
      s3PublicAccessBlock: g.s3PublicAccessBlock?.enabled ?? false,
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

/**
 * Region of an account's CIS log group: where the CIS filter and alarm are created (metric filters
 * and alarms are regional, so they must sit beside the log group). Default: the account's home
 * (first) region; otherwise one of the account's regions, whose provider the root already has.
 * Undefined without a log group.
 */
function cisRegion(field: string, entry: { cisLogGroupName?: string; cisLogGroupRegion?: string }, regions: readonly string[], hubRegion: string): string | undefined {
  if (entry.cisLogGroupName === undefined) {
    if (entry.cisLogGroupRegion !== undefined) throw new ConfigError(`${field}.cisLogGroupRegion`, 'needs cisLogGroupName (the hardened trail\'s log group is used in the trail\'s region)');
    return undefined;
  }
  void hubRegion;
  if (entry.cisLogGroupRegion !== undefined && !regions.includes(entry.cisLogGroupRegion)) {
    throw new ConfigError(`${field}.cisLogGroupRegion`, `must be one of the account's regions (${regions.join(', ')}): the CIS filter and alarm are created there, beside the log group (metric filters are regional)`);
  }
  return entry.cisLogGroupRegion ?? regions[0];
}

function checkDelegatedServices(org: OrgGuardrailsConfig): void {
  const gd = org.guardDuty;
  const sh = org.securityHub;
  const inRegions = (field: string, map: Record<string, string>) => {
    for (const region of Object.keys(map)) {
      if (!org.regions.includes(region)) throw new ConfigError(`${field}.${region}`, `is not one of the configured regions (${org.regions.join(', ')})`);
    }
  };
  inRegions('guardrails.guardDuty.existingDetectorIds', gd.existingDetectorIds);
  inRegions('guardrails.guardDuty.delegatedAdminDetectorIds', gd.delegatedAdminDetectorIds);
  for (const [key, svc] of [['guardDuty', gd], ['securityHub', sh]] as const) {
    if (svc.existingDelegatedAdmin && !svc.delegatedAdminAccountId) throw new ConfigError(`guardrails.${key}.existingDelegatedAdmin`, 'needs delegatedAdminAccountId');
  }
  if (Object.keys(gd.delegatedAdminDetectorIds).length > 0 && !gd.delegatedAdminAccountId) {
    throw new ConfigError('guardrails.guardDuty.delegatedAdminDetectorIds', 'needs delegatedAdminAccountId');
  }
  // The organization configurations are made through one provider reaching the administrator.
  if (gd.enabled && sh.enabled && Object.keys(gd.delegatedAdminDetectorIds).length > 0 && sh.delegatedAdminAccountId && gd.delegatedAdminAccountId !== sh.delegatedAdminAccountId) {
    throw new ConfigError('guardrails.guardDuty.delegatedAdminAccountId', `must be the Security Hub delegated administrator ${sh.delegatedAdminAccountId} as well: the organization configurations are made from one account (guardrails.delegatedAdmin)`);
  }
  sh.existingStandards.forEach((std, i) => {
    if (!sh.standards.includes(std)) throw new ConfigError(`guardrails.securityHub.existingStandards[${i}]`, `${std} is not in guardrails.securityHub.standards`);
  });
}

/** The management account's singletons have one owner: the guardrails stack or the account's own hub/spoke stack. */
function checkManagementAccountSettings(
  org: OrgGuardrailsConfig,
  hub: { accountId: string; manageAccountSettings?: boolean },
  owners: ReadonlyMap<string, { field: string; manage: boolean }>,
): void {
  if (!org.managementAccount.manageAccountSettings) return;
  const id = org.managementAccount.accountId;
  const other = id === hub.accountId ? (hub.manageAccountSettings ?? DEFAULT_MANAGE_ACCOUNT_SETTINGS ? 'hub' : undefined) : owners.get(id)?.manage ? owners.get(id)!.field : undefined;
  if (other) {
    throw new ConfigError('guardrails.managementAccount.manageAccountSettings', `account ${id} is also ${other}, whose stack manages its account-wide settings: set one of them to false (one owner per account)`);
  }
}
