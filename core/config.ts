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
 * The checks run in this order, so the first problem of a config is always the one reported.
 */
export function resolveConfig(raw: RawConfig, ouAccounts: OrgAccount[][] = []): RootwatchConfig {
  checkTagKeys(raw.tags ?? {});
  checkBackendBucket(raw.backend);
  const regions = withSigninRegion(raw.regions ?? DEFAULT_REGIONS);
  const hub = resolveHub(raw.hub, regions);
  const spokeList = new SpokeList(hub.accountId);
  addListedSpokes(spokeList, raw.spokes ?? [], regions, raw.hub.region);
  addOuSpokes(spokeList, raw.organizationalUnits ?? [], ouAccounts, regions);
  const stackSet = resolveStackSetDeployer(raw, hub.organizationId);
  const { spokes, accountNames, settingsOwner } = spokeList;
  accountNames[hub.accountId] ??= hub.name;
  checkSpokeCount(hub.organizationId, spokes.length);
  const g = raw.guardrails ?? {};
  const orgGuardrails = resolveOrgGuardrails(g, regions);
  if (orgGuardrails) checkOrgGuardrails(orgGuardrails, hub, settingsOwner);
  else checkNoOrgGuardrails(g);
  checkHeartbeatSchedule(raw.alerts?.heartbeat?.scheduleExpression);

  return {
    namePrefix: raw.namePrefix ?? 'rootwatch',
    tags: raw.tags ?? {},
    hub,
    spokes,
    spokeDelivery: raw.spokeDelivery ?? 'stacks',
    ...optional('stackSet', stackSet),
    backend: raw.backend?.type === 's3' ? { keyPrefix: 'rootwatch', ...raw.backend } : { type: 'local' },
    ...(raw.migrateFrom ? { migrateFrom: raw.migrateFrom } : {}),
    detection: resolveDetection(raw.detection ?? {}),
    alerts: resolveAlerts(raw.alerts ?? {}),
    accountGuardrails: resolveAccountGuardrails(g),
    ...optional('orgGuardrails', orgGuardrails),
    accountNames,
  };
}

type ResolvedHub = RootwatchConfig['hub'];
/** account -> the entry that decides whether its stack owns the account-wide settings */
type SettingsOwners = Map<string, { field: string; manage: boolean }>;

function checkTagKeys(tags: Record<string, string>): void {
  for (const key of Object.keys(tags)) {
    const problem = tagKeyProblem(key);
    if (problem) throw new ConfigError(/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key) ? `tags.${key}` : `tags[${JSON.stringify(key)}]`, problem);
  }
}

function checkBackendBucket(backend: RawConfig['backend']): void {
  if (backend?.type !== 's3') return;
  const problem = bucketNameProblem(backend.bucket);
  if (problem) throw new ConfigError('backend.bucket', `${problem} (got ${JSON.stringify(backend.bucket)})`);
}

function resolveHub(raw: RawConfig['hub'], regions: string[]): ResolvedHub {
  const hub: ResolvedHub = { name: raw.name ?? 'hub', ...raw, regions };
  checkRoleAccount('hub.assumeRoleArn', hub.assumeRoleArn, hub.accountId);
  const hubCisRegion = cisRegion('hub', raw, regions, raw.region);
  if (hubCisRegion) hub.cisLogGroupRegion = hubCisRegion;
  return hub;
}

/** The spokes as they are added: one per account and name, never the hub account. */
class SpokeList {
  readonly spokes: SpokeConfig[] = [];
  readonly accountNames: Record<string, string> = {};
  readonly settingsOwner: SettingsOwners = new Map();
  private readonly seenAccounts = new Map<string, string>();
  private readonly seenNames = new Map<string, string>();

  constructor(readonly hubAccountId: string) {}

  has(accountId: string): boolean {
    return this.seenAccounts.has(accountId);
  }

  add(field: string, spoke: SpokeConfig): void {
    if (spoke.accountId === this.hubAccountId) {
      throw new ConfigError(`${field}.accountId`, 'is the hub account, which the hub stack already monitors');
    }
    const dupAccount = this.seenAccounts.get(spoke.accountId);
    if (dupAccount) throw new ConfigError(`${field}.accountId`, `duplicates ${dupAccount}.accountId (${spoke.accountId})`);
    const dupName = this.seenNames.get(spoke.name);
    if (dupName) throw new ConfigError(`${field}.name`, `duplicates ${dupName}.name (${spoke.name})`);
    checkRoleAccount(`${field}.assumeRoleArn`, spoke.assumeRoleArn, spoke.accountId);
    this.seenAccounts.set(spoke.accountId, field);
    this.seenNames.set(spoke.name, field);
    this.spokes.push(spoke);
  }
}

/** `spokes[]`: each entry as written, regions defaulting to the global list. */
function addListedSpokes(list: SpokeList, raw: NonNullable<RawConfig['spokes']>, regions: string[], hubRegion: string): void {
  raw.forEach((s, i) => {
    const spoke: SpokeConfig = {
      name: s.name ?? s.accountId,
      accountId: s.accountId,
      assumeRoleArn: s.assumeRoleArn,
      regions: s.regions ? withSigninRegion(s.regions) : regions,
    };
    if (s.externalId !== undefined) spoke.externalId = s.externalId;
    if (s.cisLogGroupName !== undefined) spoke.cisLogGroupName = s.cisLogGroupName;
    const spokeCisRegion = cisRegion(`spokes[${i}]`, s, spoke.regions, hubRegion);
    if (spokeCisRegion) spoke.cisLogGroupRegion = spokeCisRegion;
    if (s.manageAccountSettings !== undefined) spoke.manageAccountSettings = s.manageAccountSettings;
    list.settingsOwner.set(s.accountId, { field: `spokes[${i}]`, manage: s.manageAccountSettings ?? DEFAULT_MANAGE_ACCOUNT_SETTINGS });
    if (s.name) list.accountNames[s.accountId] = s.name;
    list.add(`spokes[${i}]`, spoke);
  });
}

/** `organizationalUnits[]`: every ACTIVE account of each OU export, unless listed explicitly (the explicit entry wins). */
function addOuSpokes(list: SpokeList, ous: NonNullable<RawConfig['organizationalUnits']>, ouAccounts: OrgAccount[][], regions: string[]): void {
  ous.forEach((ou, i) => {
    (ouAccounts[i] ?? []).forEach((acct, j) => {
      const state = acct.State ?? acct.Status;
      if (state !== undefined && state !== 'ACTIVE') return; // only ACTIVE accounts are monitored
      if (acct.Id === list.hubAccountId) return; // the hub stack monitors the hub account
      const manage = ou.manageAccountSettings ?? DEFAULT_MANAGE_ACCOUNT_SETTINGS;
      const owner = list.settingsOwner.get(acct.Id);
      if (owner && owner.manage !== manage) {
        // The same account through two entries that disagree on who owns its singletons.
        throw new ConfigError(`organizationalUnits[${i}].manageAccountSettings`, `account ${acct.Id} is also listed by ${owner.field}, which says manageAccountSettings ${owner.manage}: one account has one owner of its account-wide settings`);
      }
      list.settingsOwner.set(acct.Id, { field: `organizationalUnits[${i}]`, manage });
      if (list.has(acct.Id)) return; // listed explicitly: the explicit entry wins
      const spoke: SpokeConfig = {
        name: acct.Id,
        accountId: acct.Id,
        assumeRoleArn: `arn:aws:iam::${acct.Id}:role/${ou.assumeRoleName}`,
        regions,
      };
      if (ou.externalId !== undefined) spoke.externalId = ou.externalId;
      if (ou.manageAccountSettings !== undefined) spoke.manageAccountSettings = ou.manageAccountSettings;
      if (acct.Name) list.accountNames[acct.Id] = acct.Name;
      list.add(`organizationalUnits[${i}].accountsFile: Accounts[${j}]`, spoke);
    });
  });
}

/** The stack set of `spokeDelivery: "stackset"`, its deployer role checked against its account. */
function resolveStackSetDeployer(raw: RawConfig, organizationId: string | undefined): StackSetConfig | undefined {
  const stackSet = resolveStackSet(raw.spokeDelivery ?? 'stacks', raw.stackSet, {
    ...optional('organizationId', organizationId),
    ...optional('managementFallback', raw.guardrails?.managementAccount),
    problem: (field, problem) => new ConfigError(field, problem),
  });
  if (stackSet) {
    const field = raw.stackSet?.delegatedAdmin ? 'stackSet.delegatedAdmin.assumeRoleArn' : raw.stackSet?.managementAccount ? 'stackSet.managementAccount.assumeRoleArn' : 'guardrails.managementAccount.assumeRoleArn';
    checkRoleAccount(field, stackSet.deployer.assumeRoleArn, stackSet.deployer.accountId);
  }
  return stackSet;
}

/** The hub bus admits the organization or a listed set of accounts, which must be neither empty nor over the policy size. */
function checkSpokeCount(organizationId: string | undefined, spokes: number): void {
  if (!organizationId && spokes === 0) {
    throw new ConfigError('spokes', 'list at least one spoke (or organizationalUnits) or set hub.organizationId: the hub bus would admit no account');
  }
  if (!organizationId && spokes > MAX_LISTED_SPOKES) {
    throw new ConfigError('hub.organizationId', `must be set for more than ${MAX_LISTED_SPOKES} spokes (${spokes}): the hub bus policy cannot list them (10 KB limit)`);
  }
}

type RawGuardrails = NonNullable<RawConfig['guardrails']>;

/** Organization guardrails with their defaults; undefined without a management account. */
function resolveOrgGuardrails(g: RawGuardrails, regions: string[]): OrgGuardrailsConfig | undefined {
  if (!g.managementAccount) return undefined;
  return {
    managementAccount: { region: 'us-east-1', ...g.managementAccount, manageAccountSettings: g.managementAccount.manageAccountSettings ?? false },
    regions: [...new Set([g.managementAccount.region ?? 'us-east-1', ...regions])],
    ...optional('delegatedAdmin', g.delegatedAdmin),
    denyRootScp: { enabled: g.denyRootScp?.enabled ?? true, targetIds: g.denyRootScp?.targetIds ?? [] },
    denyRootAccessKeysScp: {
      enabled: g.denyRootAccessKeysScp?.enabled ?? false,
      targetIds: g.denyRootAccessKeysScp?.targetIds ?? [],
    },
    centralizedRootAccess: g.centralizedRootAccess?.enabled ?? true,
    guardDuty: resolveGuardDuty(g.guardDuty ?? {}),
    securityHub: resolveSecurityHub(g.securityHub ?? {}),
  };
}

function resolveGuardDuty(gd: NonNullable<RawGuardrails['guardDuty']>): OrgGuardrailsConfig['guardDuty'] {
  return {
    enabled: gd.enabled ?? false,
    ...optional('delegatedAdminAccountId', gd.delegatedAdminAccountId),
    existingDetectorIds: gd.existingDetectorIds ?? {},
    existingDelegatedAdmin: gd.existingDelegatedAdmin ?? false,
    delegatedAdminDetectorIds: gd.delegatedAdminDetectorIds ?? {},
    autoEnable: gd.autoEnable ?? 'ALL',
  };
}

function resolveSecurityHub(sh: NonNullable<RawGuardrails['securityHub']>): OrgGuardrailsConfig['securityHub'] {
  return {
    enabled: sh.enabled ?? false,
    ...optional('delegatedAdminAccountId', sh.delegatedAdminAccountId),
    standards: sh.standards ?? DEFAULT_SECURITY_HUB_STANDARDS,
    adoptExisting: sh.adoptExisting ?? false,
    existingStandards: sh.existingStandards ?? [],
    existingDelegatedAdmin: sh.existingDelegatedAdmin ?? false,
    autoEnable: sh.autoEnable ?? true,
    autoEnableStandards: sh.autoEnableStandards ?? 'DEFAULT',
  };
}

function checkOrgGuardrails(org: OrgGuardrailsConfig, hub: ResolvedHub, settingsOwner: SettingsOwners): void {
  checkRoleAccount('guardrails.managementAccount.assumeRoleArn', org.managementAccount.assumeRoleArn, org.managementAccount.accountId);
  for (const key of ['denyRootScp', 'denyRootAccessKeysScp'] as const) {
    if (org[key].enabled && org[key].targetIds.length === 0) {
      throw new ConfigError(`guardrails.${key}.targetIds`, 'must name at least one organization root, OU or account when enabled');
    }
  }
  checkDelegatedServices(org);
  checkDelegatedAdminReach(org, hub);
  checkManagementAccountSettings(org, hub, settingsOwner);
}

/**
 * The delegated administrator whose organization configurations (auto-enable) the guardrails stack
 * makes, in every configured region; undefined: none (Security Hub's wins when both are set).
 */
export function delegatedAdminAccount(org: OrgGuardrailsConfig): string | undefined {
  const sh = org.securityHub.enabled ? org.securityHub.delegatedAdminAccountId : undefined;
  const gd = org.guardDuty.enabled && Object.keys(org.guardDuty.delegatedAdminDetectorIds).length > 0 ? org.guardDuty.delegatedAdminAccountId : undefined;
  return sh ?? gd;
}

/** How the guardrails stack reaches that administrator: guardrails.delegatedAdmin, else the hub's role when it is the hub. */
export function delegatedAdminReach(org: OrgGuardrailsConfig, hub: { accountId: string; assumeRoleArn?: string; externalId?: string }, adminId: string): { assumeRoleArn?: string; externalId?: string } {
  return org.delegatedAdmin ?? (adminId === hub.accountId ? hub : {});
}

/**
 * The guardrails stack works in the management account and, for auto-enable, in the delegated
 * administrator: its providers pin each to its account (`allowed_account_ids`), so one set of ambient
 * credentials cannot serve both and `plan` would fail. A role must reach the administrator (or the
 * management account, leaving the ambient credentials to the administrator).
 */
function checkDelegatedAdminReach(org: OrgGuardrailsConfig, hub: ResolvedHub): void {
  const adminId = delegatedAdminAccount(org);
  if (adminId === undefined || adminId === org.managementAccount.accountId) return;
  const reach = delegatedAdminReach(org, hub, adminId);
  const field = org.delegatedAdmin || adminId !== hub.accountId ? 'guardrails.delegatedAdmin.assumeRoleArn' : 'hub.assumeRoleArn';
  if (reach.assumeRoleArn !== undefined) return checkRoleAccount(field, reach.assumeRoleArn, adminId);
  if (org.managementAccount.assumeRoleArn !== undefined) return;
  throw new ConfigError(field, `required: the guardrails stack runs as the management account ${org.managementAccount.accountId} (ambient credentials) and turns on organization auto-enable from the delegated administrator ${adminId}; one set of credentials cannot be in both accounts (or set guardrails.managementAccount.assumeRoleArn)`);
}

/** Without a management account, no organization guardrail may be on. */
function checkNoOrgGuardrails(g: RawGuardrails): void {
  // Present and on, explicitly or by default (denyRootScp and centralizedRootAccess default to on).
  const onByDefault = { denyRootScp: true, denyRootAccessKeysScp: false, centralizedRootAccess: true, guardDuty: false, securityHub: false };
  for (const key of ['denyRootScp', 'denyRootAccessKeysScp', 'centralizedRootAccess', 'guardDuty', 'securityHub'] as const) {
    if (g[key] !== undefined && (g[key]?.enabled ?? onByDefault[key])) throw new ConfigError(`guardrails.${key}`, 'needs guardrails.managementAccount');
  }
}

function checkHeartbeatSchedule(expression: string | undefined): void {
  const problem = expression === undefined ? undefined : heartbeatScheduleProblem(expression);
  if (problem) throw new ConfigError('alerts.heartbeat.scheduleExpression', problem);
}

function resolveDetection(d: NonNullable<RawConfig['detection']>): RootwatchConfig['detection'] {
  return {
    assumedRoot: d.assumedRoot ?? 'alert',
    avoidableRootWrites: d.avoidableRootWrites ?? 'unchanged',
    expectedUse: {
      enabled: d.expectedUse?.enabled ?? true,
      maxHours: d.expectedUse?.maxHours ?? EXPECTED_USE_DEFAULT_MAX_HOURS,
      severity: d.expectedUse?.severity ?? 'one-lower',
    },
  };
}

function resolveAlerts(a: NonNullable<RawConfig['alerts']>): RootwatchConfig['alerts'] {
  return {
    email: { login: a.email?.login ?? [], activity: a.email?.activity ?? [] },
    ...optional('slack', a.slack),
    ...optional('pagerduty', a.pagerduty),
    foldWindowMinutes: a.foldWindowMinutes ?? 15,
    heartbeat: { enabled: a.heartbeat?.enabled ?? true, scheduleExpression: a.heartbeat?.scheduleExpression ?? DEFAULT_HEARTBEAT_SCHEDULE },
    deadLetterAlarms: a.deadLetterAlarms ?? true,
    logRetentionDays: a.logRetentionDays ?? 365,
  };
}

function resolveAccountGuardrails(g: RawGuardrails): AccountGuardrailsConfig {
  return {
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
