/**
 * Organization-level root guardrails, deployed in the AWS Organizations **management account**:
 * service control policies that deny the root user of member accounts, centralized root access,
 * and optionally GuardDuty and Security Hub (CIS AWS Foundations Benchmark) with delegated admins.
 *
 * The construct knows nothing about which stack holds it: the stack passes a provider that reaches
 * the management account, and the region/account scoping that comes with it.
 */
import { Construct } from 'constructs';
import { ITerraformDependable, TerraformProvider, Token } from 'cdktf';
import { OrganizationsPolicy } from '@cdktf/provider-aws/lib/organizations-policy';
import { OrganizationsPolicyAttachment } from '@cdktf/provider-aws/lib/organizations-policy-attachment';
import { IamOrganizationsFeatures } from '@cdktf/provider-aws/lib/iam-organizations-features';
import { GuarddutyDetector } from '@cdktf/provider-aws/lib/guardduty-detector';
import { GuarddutyOrganizationAdminAccount } from '@cdktf/provider-aws/lib/guardduty-organization-admin-account';
import { SecurityhubAccount } from '@cdktf/provider-aws/lib/securityhub-account';
import { SecurityhubStandardsSubscription } from '@cdktf/provider-aws/lib/securityhub-standards-subscription';
import { SecurityhubOrganizationAdminAccount } from '@cdktf/provider-aws/lib/securityhub-organization-admin-account';
import { SecurityhubOrganizationConfiguration } from '@cdktf/provider-aws/lib/securityhub-organization-configuration';
import { GuarddutyOrganizationConfiguration } from '@cdktf/provider-aws/lib/guardduty-organization-configuration';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { arnOf } from './iam';
import type { PolicyDocument } from './iam';
import { SECURITY_HUB_STANDARDS, SecurityHubStandardId } from '../core/config';
import { propChecks } from '../core/validation';

/** Matches the root user of any account in any partition (the form AWS Control Tower uses). */
const ROOT_PRINCIPAL_ARN_PATTERN = 'arn:*:iam::*:root';

/**
 * Security Hub standards (the part of the ARN after `standards/`, or `ruleset/` for CIS v1.2.0).
 * The root controls IAM.4, IAM.6 and IAM.9 are in CIS v1.2.0, v1.4.0 and v3.0.0; CloudWatch.1 (root
 * usage alarm) only in CIS v1.2.0 and v1.4.0
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html).
 */
const SECURITY_HUB_STANDARD_IDS = SECURITY_HUB_STANDARDS;
export type { SecurityHubStandardId };
/** CIS v1.4.0: holds IAM.4, IAM.6, IAM.9 and CloudWatch.1. */
const DEFAULT_STANDARDS: readonly SecurityHubStandardId[] = ['cis-aws-foundations-benchmark/v/1.4.0'];

/** A provider and the region it is configured for. */
export interface RegionalProvider {
  readonly region: string;
  readonly provider: TerraformProvider;
}

export interface SwitchedScpProps {
  /** Create the SCP. @default see the prop that holds this object */
  readonly enabled?: boolean;
  /**
   * Organization root (`r-xxxx`), OU (`ou-xxxx-yyyyyyyy`) or account (12 digits) IDs the SCP is
   * attached to. Required (at least one) when enabled.
   * @default []
   */
  readonly targetIds?: readonly string[];
}

export interface DelegatedServiceProps {
  /** Enable the service in the management account, in every region of `regions`. @default false */
  readonly enabled?: boolean;
  /** Member account made delegated administrator of the service in every region (12 digits or a token). @default none */
  readonly delegatedAdminAccountId?: string;
}

export interface GuardDutyProps extends DelegatedServiceProps {
  /**
   * Region -> the delegated administrator's detector ID (designating the administrator enables
   * GuardDuty there). In those regions the administrator's organization configuration auto-enables
   * member accounts (needs `delegatedAdminProviders`). @default {}
   */
  readonly delegatedAdminDetectorIds?: Readonly<Record<string, string>>;
  /** `autoEnableOrganizationMembers`: ALL (existing and new members), NEW or NONE. @default 'ALL' */
  readonly autoEnable?: 'ALL' | 'NEW' | 'NONE';
}

/**
 * The organization configurations (auto-enable for member accounts), made from the delegated
 * administrator in the provider's own region: the single-region form of `delegatedAdminProviders`,
 * for a caller (a region-agnostic module) whose provider already reaches the administrator.
 * AWS: only the delegated administrator sets auto-enable, with its own detector in the current Region
 * (https://docs.aws.amazon.com/goto/WebAPI/guardduty/UpdateOrganizationConfiguration; Security Hub:
 * https://docs.aws.amazon.com/goto/WebAPI/securityhub-2018-10-26/UpdateOrganizationConfiguration).
 */
export interface OrganizationConfigurationProps {
  /** The delegated administrator's GuardDuty detector in this region: its organization configuration. @default none */
  readonly guardDutyDetectorId?: string;
  /** @default 'ALL' */
  readonly guardDutyAutoEnable?: 'ALL' | 'NEW' | 'NONE';
  /** Security Hub organization configuration: enable Security Hub in new member accounts. @default none (not managed) */
  readonly securityHubAutoEnable?: boolean;
  /** @default 'DEFAULT' */
  readonly securityHubAutoEnableStandards?: 'DEFAULT' | 'NONE';
}

export interface SecurityHubProps extends DelegatedServiceProps {
  /** Standards subscribed in the management account, every region. @default DEFAULT_STANDARDS (CIS v1.4.0) */
  readonly standards?: readonly SecurityHubStandardId[];
  /**
   * Organization configuration from the delegated administrator (needs `delegatedAdminProviders`):
   * enable Security Hub in new member accounts, every region. @default true
   */
  readonly autoEnable?: boolean;
  /** Default standards (FSBP and CIS v1.2.0) in new members: DEFAULT or NONE. @default 'DEFAULT' */
  readonly autoEnableStandards?: 'DEFAULT' | 'NONE';
}

export interface OrgRootGuardrailsProps {
  /** rootwatch's name prefix (core/validation.ts NAME_PREFIX_PATTERN): `<prefix>-deny-root`, ... */
  readonly namePrefix: string;
  /** Provider reaching the management account. @default the stack's default aws provider */
  readonly provider?: TerraformProvider;
  /**
   * SCP `<prefix>-deny-root`: denies every action to the root user of member accounts, except
   * centralized-root-access (sts:AssumeRoot) sessions.
   * @default { enabled: true, targetIds: [] } (so targetIds must be given)
   */
  readonly denyRootScp?: SwitchedScpProps;
  /**
   * SCP `<prefix>-deny-root-access-keys`: denies iam:CreateAccessKey to the root user.
   * @default { enabled: false }
   */
  readonly denyRootAccessKeysScp?: SwitchedScpProps;
  /**
   * Enable the IAM centralized root access features `RootCredentialsManagement` and `RootSessions`
   * (`aws_iam_organizations_features`).
   *
   * Prerequisite, not managed here (managing `aws_organizations_organization` would take over the
   * whole organization resource): IAM trusted access for AWS Organizations, e.g.
   * `aws organizations enable-aws-service-access --service-principal iam.amazonaws.com`.
   * @default true
   */
  readonly centralizedRootAccess?: boolean;
  /** GuardDuty detector in the management account, optionally a delegated admin. @default { enabled: false } */
  readonly guardDuty?: GuardDutyProps;
  /**
   * Security Hub in the management account with the listed standards, optionally a delegated admin.
   * @default { enabled: false }
   */
  readonly securityHub?: SecurityHubProps;
  /**
   * Regions (with a management-account provider each) where GuardDuty and Security Hub are enabled
   * and their delegated administrator designated: both services are regional.
   * @default the provider's own region only (`region`)
   */
  readonly regions?: readonly RegionalProvider[];
  /**
   * Providers reaching the delegated administrator account, by region: the organization
   * configurations (auto-enable for member accounts) must be made from there. @default none (no organization configuration)
   */
  readonly delegatedAdminProviders?: readonly RegionalProvider[];
  /** Organization configurations made through `provider`, which must reach the delegated administrator. @default none */
  readonly organizationConfiguration?: OrganizationConfigurationProps;
  /** Region of the provider (used in the Security Hub standard ARN). @default data aws_region */
  readonly region?: string;
  /** AWS partition (`aws`, `aws-us-gov`, `aws-cn`; a token such as data aws_partition's is fine). */
  readonly partition: string;
}


/**
 * The deny-root SCP: deny `*` when the principal is an account root user, unless the request
 * comes from a centralized root access session. `aws:AssumedRoot` is present (and `true`) only
 * in sts:AssumeRoot sessions, so `Null: {aws:AssumedRoot: true}` means "not such a session" —
 * the condition AWS Control Tower adds to AWS-GR_RESTRICT_ROOT_USER with `ExemptAssumeRoot`.
 */
export function denyRootScpDocument(): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyRootUserExceptAssumedRoot',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: {
          ArnLike: { 'aws:PrincipalArn': [ROOT_PRINCIPAL_ARN_PATTERN] },
          Null: { 'aws:AssumedRoot': 'true' },
        },
      },
    ],
  };
}

/** The deny-root-access-keys SCP (like AWS-GR_RESTRICT_ROOT_USER_ACCESS_KEYS). */
function denyRootAccessKeysScpDocument(): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyRootAccessKeyCreation',
        Effect: 'Deny',
        Action: 'iam:CreateAccessKey',
        Resource: '*',
        Condition: { ArnLike: { 'aws:PrincipalArn': [ROOT_PRINCIPAL_ARN_PATTERN] } },
      },
    ],
  };
}

/** Security Hub standard ARN: CIS v1.2.0 is a global `ruleset`, every other standard is regional. */
export function standardArn(partition: string, region: string, standard: SecurityHubStandardId): string {
  return standard === 'cis-aws-foundations-benchmark/v/1.2.0'
    ? arnOf({ partition, region: '', accountId: '' }, 'securityhub', `ruleset/${standard}`)
    : arnOf({ partition, region, accountId: '' }, 'securityhub', `standards/${standard}`);
}

/** ARN of an account's subscription to a standard: the ID `terraform import` takes for it. */
export function standardSubscriptionArn(partition: string, region: string, accountId: string, standard: SecurityHubStandardId): string {
  return arnOf({ partition, region, accountId }, 'securityhub', `subscription/${standard}`);
}

/** `securityhub-cis` keeps the address of the CIS v1.4.0 subscription; others are named after the standard. */
function standardConstructId(standard: SecurityHubStandardId): string {
  return standard === 'cis-aws-foundations-benchmark/v/1.4.0' ? 'securityhub-cis' : `securityhub-${standard.replace(/\/v\//, '-').replace(/[^a-z0-9-]/g, '-')}`;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

const TARGET_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/;
const DETECTOR_ID = /^[a-z0-9]{32}$/;

const check = propChecks('OrgRootGuardrails', (v) => Token.isUnresolved(v));

/** Where the regional services go: a region (undefined: the provider's own) and its provider. */
type Where = { readonly region?: string; readonly provider?: TerraformProvider };

/** The props with their defaults, validated. */
interface OrgSettings {
  readonly denyRoot: { enabled: boolean; targetIds: readonly string[] };
  readonly denyKeys: { enabled: boolean; targetIds: readonly string[] };
  /** undefined: disabled */
  readonly guardDuty?: GuardDutyProps;
  readonly securityHub?: SecurityHubProps;
  /** Regions of GuardDuty and Security Hub: the first keeps the plain construct ids. */
  readonly where: readonly Where[];
  readonly adminProviders: ReadonlyMap<string, TerraformProvider>;
}

function orgSettings(props: OrgRootGuardrailsProps): OrgSettings {
  const regions = props.regions ?? [];
  const settings: OrgSettings = {
    denyRoot: { enabled: props.denyRootScp?.enabled ?? true, targetIds: props.denyRootScp?.targetIds ?? [] },
    denyKeys: { enabled: props.denyRootAccessKeysScp?.enabled ?? false, targetIds: props.denyRootAccessKeysScp?.targetIds ?? [] },
    ...(props.guardDuty?.enabled ? { guardDuty: props.guardDuty } : {}),
    ...(props.securityHub?.enabled ? { securityHub: props.securityHub } : {}),
    where: regions.length > 0 ? regions : [{ ...optional('region', props.region), provider: props.provider }],
    adminProviders: new Map((props.delegatedAdminProviders ?? []).map((r) => [r.region, r.provider])),
  };
  check.namePrefix('namePrefix', props.namePrefix);
  checkTargets('denyRootScp', settings.denyRoot);
  checkTargets('denyRootAccessKeysScp', settings.denyKeys);
  check.unique('regions', regions.map((r) => r.region));
  if (settings.guardDuty) checkGuardDuty(settings.guardDuty, settings.adminProviders);
  if (settings.securityHub) checkSecurityHub(settings.securityHub);
  const detector = props.organizationConfiguration?.guardDutyDetectorId;
  if (detector !== undefined) check.pattern('organizationConfiguration.guardDutyDetectorId', detector, DETECTOR_ID, 'a 32-character detector ID');
  check.nonEmpty('region', props.region);
  check.nonEmpty('partition', props.partition);
  return settings;
}

function checkGuardDuty(guardDuty: GuardDutyProps, adminProviders: ReadonlyMap<string, TerraformProvider>): void {
  if (guardDuty.delegatedAdminAccountId !== undefined) check.accountId('guardDuty.delegatedAdminAccountId', guardDuty.delegatedAdminAccountId);
  for (const [region, id] of Object.entries(guardDuty.delegatedAdminDetectorIds ?? {})) {
    const prop = `guardDuty.delegatedAdminDetectorIds.${region}`;
    if (guardDuty.delegatedAdminAccountId === undefined) throw check.error('guardDuty.delegatedAdminDetectorIds', 'needs delegatedAdminAccountId');
    if (!adminProviders.has(region)) throw check.error(prop, `no delegated admin provider for ${region}`);
    check.pattern(prop, id, DETECTOR_ID, 'a 32-character detector ID');
  }
  if (guardDuty.autoEnable !== undefined) check.oneOf('guardDuty.autoEnable', guardDuty.autoEnable, ['ALL', 'NEW', 'NONE']);
}

function checkSecurityHub(securityHub: SecurityHubProps): void {
  if (securityHub.delegatedAdminAccountId !== undefined) check.accountId('securityHub.delegatedAdminAccountId', securityHub.delegatedAdminAccountId);
  (securityHub.standards ?? DEFAULT_STANDARDS).forEach((std, i) => check.oneOf(`securityHub.standards[${i}]`, std, SECURITY_HUB_STANDARD_IDS));
  check.unique('securityHub.standards', securityHub.standards ?? []);
}

/** Regional resources: the first region keeps the plain construct ids, the others carry the region. */
const idIn = (base: string, i: number, region: string | undefined): string => (i === 0 || region === undefined ? base : `${base}-${region}`);

/** The resource of a service's delegated administrator (GuardDuty and Security Hub take the same arguments). */
type AdminAccountClass<T> = new (scope: Construct, id: string, config: { provider?: TerraformProvider; adminAccountId: string; dependsOn: ITerraformDependable[] }) => T;

export class OrgRootGuardrails extends Construct {
  /** ID of the deny-root SCP (undefined when disabled). */
  public readonly denyRootPolicyId?: string;
  /** ARN of the deny-root SCP (undefined when disabled). */
  public readonly denyRootPolicyArn?: string;
  /** ID of the deny-root-access-keys SCP (undefined when disabled). */
  public readonly denyRootAccessKeysPolicyId?: string;
  /** ARN of the deny-root-access-keys SCP (undefined when disabled). */
  public readonly denyRootAccessKeysPolicyArn?: string;
  /** Enabled centralized root access features (undefined when disabled). */
  public readonly organizationsFeaturesId?: string;
  /** GuardDuty detector ID in the first region (undefined when disabled). */
  public readonly guardDutyDetectorId?: string;
  /** Security Hub CIS standards subscription ID in the first region (undefined when none). */
  public readonly cisStandardsSubscriptionId?: string;
  /**
   * The account-level singletons, by region, for the root module that holds this construct to
   * adopt with `import` blocks (allowed only in a root module, so the construct never imports).
   */
  public readonly singletons: {
    readonly guardDutyDetectors: Record<string, GuarddutyDetector>;
    readonly guardDutyAdmins: Record<string, GuarddutyOrganizationAdminAccount>;
    readonly securityHubAccounts: Record<string, SecurityhubAccount>;
    /** region -> standard id -> subscription */
    readonly securityHubStandards: Record<string, Partial<Record<SecurityHubStandardId, SecurityhubStandardsSubscription>>>;
    readonly securityHubAdmins: Record<string, SecurityhubOrganizationAdminAccount>;
  } = { guardDutyDetectors: {}, guardDutyAdmins: {}, securityHubAccounts: {}, securityHubStandards: {}, securityHubAdmins: {} };

  constructor(scope: Construct, id: string, props: OrgRootGuardrailsProps) {
    super(scope, id);
    const settings = orgSettings(props);
    const provider = props.provider;
    if (settings.denyRoot.enabled) {
      const policy = this.scp('deny-root', `${props.namePrefix}-deny-root`,
        'rootwatch: deny every action to the root user of member accounts, except centralized root access (sts:AssumeRoot) sessions',
        denyRootScpDocument(), settings.denyRoot.targetIds, provider);
      this.denyRootPolicyId = policy.id;
      this.denyRootPolicyArn = policy.arn;
    }
    if (settings.denyKeys.enabled) {
      const policy = this.scp('deny-root-access-keys', `${props.namePrefix}-deny-root-access-keys`,
        'rootwatch: deny access key creation to the root user of member accounts',
        denyRootAccessKeysScpDocument(), settings.denyKeys.targetIds, provider);
      this.denyRootAccessKeysPolicyId = policy.id;
      this.denyRootAccessKeysPolicyArn = policy.arn;
    }
    if (props.centralizedRootAccess ?? true) {
      // Needs IAM trusted access in AWS Organizations first (see the prop's documentation).
      this.organizationsFeaturesId = new IamOrganizationsFeatures(this, 'centralized-root-access', {
        provider,
        enabledFeatures: ['RootCredentialsManagement', 'RootSessions'],
      }).id;
    }
    if (settings.guardDuty) this.guardDuty(settings.guardDuty, settings);
    const firstCis = settings.securityHub ? this.securityHub(settings.securityHub, settings, props) : undefined;
    this.organizationConfiguration(props.organizationConfiguration, provider);
    const firstDetector = Object.values(this.singletons.guardDutyDetectors)[0];
    if (firstDetector) this.guardDutyDetectorId = firstDetector.id;
    if (firstCis) this.cisStandardsSubscriptionId = firstCis;
  }

  /** A detector in every region, and the delegated administrator with its organization configuration. */
  private guardDuty(guardDuty: GuardDutyProps, settings: OrgSettings): void {
    settings.where.forEach((at, i) => {
      const detector = new GuarddutyDetector(this, idIn('guardduty', i, at.region), { provider: at.provider, enable: true });
      this.singletons.guardDutyDetectors[at.region ?? ''] = detector;
      const admin = this.delegatedAdmin(GuarddutyOrganizationAdminAccount, 'guardduty-admin', i, at, guardDuty, detector);
      if (!admin) return;
      this.singletons.guardDutyAdmins[at.region ?? ''] = admin;
      const adminDetector = at.region === undefined ? undefined : guardDuty.delegatedAdminDetectorIds?.[at.region];
      if (adminDetector !== undefined && at.region !== undefined) {
        // Made from the delegated administrator, once it is designated in this region.
        new GuarddutyOrganizationConfiguration(this, `guardduty-organization-${at.region}`, {
          provider: settings.adminProviders.get(at.region)!,
          detectorId: adminDetector,
          autoEnableOrganizationMembers: guardDuty.autoEnable ?? 'ALL',
          dependsOn: [admin],
        });
      }
    });
  }

  /**
   * Security Hub in every region with the listed standards, and the delegated administrator with
   * its organization configuration. Returns the ID of the first region's CIS subscription, if any.
   */
  private securityHub(securityHub: SecurityHubProps, settings: OrgSettings, props: OrgRootGuardrailsProps): string | undefined {
    const provider = props.provider;
    const partition = props.partition;
    let firstCis: string | undefined;
    settings.where.forEach((at, i) => {
      const region = at.region ?? new DataAwsRegion(this, 'region', { provider }).name;
      const account = this.securityHubAccount(at, i, securityHub.standards ?? DEFAULT_STANDARDS, partition, region);
      if (i === 0) firstCis = Object.entries(this.singletons.securityHubStandards[at.region ?? '']).find(([std]) => std.startsWith('cis-'))?.[1]?.id;
      const admin = this.delegatedAdmin(SecurityhubOrganizationAdminAccount, 'securityhub-admin', i, at, securityHub, account);
      if (!admin) return;
      this.singletons.securityHubAdmins[at.region ?? ''] = admin;
      const adminProvider = at.region === undefined ? undefined : settings.adminProviders.get(at.region);
      if (adminProvider && at.region !== undefined) {
        new SecurityhubOrganizationConfiguration(this, `securityhub-organization-${at.region}`, {
          provider: adminProvider,
          autoEnable: securityHub.autoEnable ?? true,
          autoEnableStandards: securityHub.autoEnableStandards ?? 'DEFAULT',
          dependsOn: [admin],
        });
      }
    });
    return firstCis;
  }

  /** Security Hub in one region and its standards subscriptions. */
  private securityHubAccount(at: Where, i: number, standards: readonly SecurityHubStandardId[], partition: string, region: string): SecurityhubAccount {
    // Default standards off: exactly the listed standards are subscribed, nothing implicit.
    // enable_default_standards only matters when Security Hub is first enabled, and an adopted
    // (imported) hub does not report it: ignoring it keeps an import from planning a replacement,
    // which would disable Security Hub.
    const account = new SecurityhubAccount(this, idIn('securityhub', i, at.region), {
      provider: at.provider,
      enableDefaultStandards: false,
      lifecycle: { ignoreChanges: ['enable_default_standards'] },
    });
    this.singletons.securityHubAccounts[at.region ?? ''] = account;
    const subs: Partial<Record<SecurityHubStandardId, SecurityhubStandardsSubscription>> = {};
    for (const std of standards) {
      subs[std] = new SecurityhubStandardsSubscription(this, idIn(standardConstructId(std), i, at.region), {
        provider: at.provider,
        standardsArn: standardArn(partition, region, std),
        dependsOn: [account],
      });
    }
    this.singletons.securityHubStandards[at.region ?? ''] = subs;
    return account;
  }

  /** The service's delegated administrator in one region, once the service is on there (undefined: none configured). */
  private delegatedAdmin<T>(cls: AdminAccountClass<T>, base: string, i: number, at: Where, service: DelegatedServiceProps, enabled: ITerraformDependable): T | undefined {
    if (service.delegatedAdminAccountId === undefined) return undefined;
    return new cls(this, idIn(base, i, at.region), {
      provider: at.provider,
      adminAccountId: service.delegatedAdminAccountId,
      dependsOn: [enabled],
    });
  }

  /** The organization configurations made through `provider` (the single-region form). */
  private organizationConfiguration(oc: OrganizationConfigurationProps | undefined, provider: TerraformProvider | undefined): void {
    if (oc?.guardDutyDetectorId !== undefined) {
      new GuarddutyOrganizationConfiguration(this, 'guardduty-organization', {
        provider,
        detectorId: oc.guardDutyDetectorId,
        autoEnableOrganizationMembers: oc.guardDutyAutoEnable ?? 'ALL',
      });
    }
    if (oc?.securityHubAutoEnable !== undefined) {
      new SecurityhubOrganizationConfiguration(this, 'securityhub-organization', {
        provider,
        autoEnable: oc.securityHubAutoEnable,
        autoEnableStandards: oc.securityHubAutoEnableStandards ?? 'DEFAULT',
      });
    }
  }

  private scp(
    id: string, name: string, description: string, doc: PolicyDocument,
    targetIds: readonly string[], provider: TerraformProvider | undefined,
  ): OrganizationsPolicy {
    const policy = new OrganizationsPolicy(this, id, {
      provider,
      name,
      description,
      type: 'SERVICE_CONTROL_POLICY',
      content: JSON.stringify(doc),
    });
    targetIds.forEach((targetId, i) => {
      // Literal IDs give stable addresses when the list is reordered; tokens fall back to the index.
      const suffix = Token.isUnresolved(targetId) ? String(i) : targetId;
      new OrganizationsPolicyAttachment(this, `${id}-${suffix}`, { provider, policyId: policy.id, targetId });
    });
    return policy;
  }
}

function checkTargets(prop: string, scp: { enabled: boolean; targetIds: readonly string[] }): void {
  if (!scp.enabled) return;
  if (scp.targetIds.length === 0) throw check.error(`${prop}.targetIds`, 'must name at least one organization root, OU or account when enabled');
  const seen = new Set<string>();
  scp.targetIds.forEach((t, i) => {
    if (Token.isUnresolved(t)) return;
    check.pattern(`${prop}.targetIds[${i}]`, t, TARGET_ID, 'a root (r-...), OU (ou-...-...) or 12-digit account ID');
    if (seen.has(t)) throw check.error(`${prop}.targetIds[${i}]`, `duplicate target ${t}`);
    seen.add(t);
  });
}
