/**
 * Organization-level root guardrails, deployed in the AWS Organizations **management account**:
 * service control policies that deny the root user of member accounts, centralized root access,
 * and optionally GuardDuty and Security Hub (CIS AWS Foundations Benchmark) with delegated admins.
 *
 * The construct knows nothing about which stack holds it: the stack passes a provider that reaches
 * the management account, and the region/account scoping that comes with it.
 */
import { Construct } from 'constructs';
import { TerraformProvider, Token } from 'cdktf';
import { OrganizationsPolicy } from '@cdktf/provider-aws/lib/organizations-policy';
import { OrganizationsPolicyAttachment } from '@cdktf/provider-aws/lib/organizations-policy-attachment';
import { IamOrganizationsFeatures } from '@cdktf/provider-aws/lib/iam-organizations-features';
import { GuarddutyDetector } from '@cdktf/provider-aws/lib/guardduty-detector';
import { GuarddutyOrganizationAdminAccount } from '@cdktf/provider-aws/lib/guardduty-organization-admin-account';
import { SecurityhubAccount } from '@cdktf/provider-aws/lib/securityhub-account';
import { SecurityhubStandardsSubscription } from '@cdktf/provider-aws/lib/securityhub-standards-subscription';
import { SecurityhubOrganizationAdminAccount } from '@cdktf/provider-aws/lib/securityhub-organization-admin-account';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import type { PolicyDocument } from './iam';

/** Matches the root user of any account in any partition (the form AWS Control Tower uses). */
export const ROOT_PRINCIPAL_ARN_PATTERN = 'arn:*:iam::*:root';

/** CIS AWS Foundations Benchmark versions whose Security Hub standard ARN is regional (`standards/...`). */
export type CisBenchmarkVersion = '3.0.0' | '1.4.0';
const CIS_VERSIONS: readonly CisBenchmarkVersion[] = ['3.0.0', '1.4.0'];

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
  /** Enable the service in the management account. @default false */
  readonly enabled?: boolean;
  /** Member account made delegated administrator of the service (12 digits or a token). @default none */
  readonly delegatedAdminAccountId?: string;
}

export interface SecurityHubProps extends DelegatedServiceProps {
  /** CIS AWS Foundations Benchmark version to subscribe to. @default '3.0.0' */
  readonly cisVersion?: CisBenchmarkVersion;
}

export interface OrgRootGuardrailsProps {
  /** Prefix of every name (`<prefix>-deny-root`, ...). */
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
  readonly guardDuty?: DelegatedServiceProps;
  /**
   * Security Hub in the management account with the CIS AWS Foundations Benchmark standard,
   * optionally a delegated admin. @default { enabled: false }
   */
  readonly securityHub?: SecurityHubProps;
  /** Region of the provider (used in the Security Hub standard ARN). @default data aws_region */
  readonly region?: string;
  /** AWS partition (`aws`, `aws-us-gov`, `aws-cn`). @default data aws_partition */
  readonly partition?: string;
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
export function denyRootAccessKeysScpDocument(): PolicyDocument {
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

/** Security Hub standard ARN of a CIS AWS Foundations Benchmark version (regional form). */
export function cisStandardArn(partition: string, region: string, version: CisBenchmarkVersion): string {
  return `arn:${partition}:securityhub:${region}::standards/cis-aws-foundations-benchmark/v/${version}`;
}

const TARGET_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/;
const ACCOUNT_ID = /^\d{12}$/;
const NAME_PREFIX = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;

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
  /** GuardDuty detector ID (undefined when disabled). */
  public readonly guardDutyDetectorId?: string;
  /** Security Hub CIS standards subscription ID (undefined when disabled). */
  public readonly cisStandardsSubscriptionId?: string;

  constructor(scope: Construct, id: string, props: OrgRootGuardrailsProps) {
    super(scope, id);
    const denyRoot = { enabled: props.denyRootScp?.enabled ?? true, targetIds: props.denyRootScp?.targetIds ?? [] };
    const denyKeys = {
      enabled: props.denyRootAccessKeysScp?.enabled ?? false,
      targetIds: props.denyRootAccessKeysScp?.targetIds ?? [],
    };
    const guardDuty = props.guardDuty?.enabled ? props.guardDuty : undefined;
    const securityHub = props.securityHub?.enabled ? props.securityHub : undefined;

    // --- validate ---
    validateNamePrefix(props.namePrefix);
    validateTargets('denyRootScp', denyRoot);
    validateTargets('denyRootAccessKeysScp', denyKeys);
    if (guardDuty) validateAccountId('guardDuty.delegatedAdminAccountId', guardDuty.delegatedAdminAccountId);
    if (securityHub) {
      validateAccountId('securityHub.delegatedAdminAccountId', securityHub.delegatedAdminAccountId);
      if (securityHub.cisVersion !== undefined && !CIS_VERSIONS.includes(securityHub.cisVersion)) {
        throw new Error(`securityHub.cisVersion: must be one of ${CIS_VERSIONS.join(', ')}, not ${String(securityHub.cisVersion)}`);
      }
    }
    if (props.region !== undefined && props.region.trim() === '') throw new Error('region: must not be empty');
    if (props.partition !== undefined && props.partition.trim() === '') throw new Error('partition: must not be empty');

    // --- build ---
    const provider = props.provider;
    if (denyRoot.enabled) {
      const policy = this.scp('deny-root', `${props.namePrefix}-deny-root`,
        'rootwatch: deny every action to the root user of member accounts, except centralized root access (sts:AssumeRoot) sessions',
        denyRootScpDocument(), denyRoot.targetIds, provider);
      this.denyRootPolicyId = policy.id;
      this.denyRootPolicyArn = policy.arn;
    }
    if (denyKeys.enabled) {
      const policy = this.scp('deny-root-access-keys', `${props.namePrefix}-deny-root-access-keys`,
        'rootwatch: deny access key creation to the root user of member accounts',
        denyRootAccessKeysScpDocument(), denyKeys.targetIds, provider);
      this.denyRootAccessKeysPolicyId = policy.id;
      this.denyRootAccessKeysPolicyArn = policy.arn;
    }

    if (props.centralizedRootAccess ?? true) {
      // Needs IAM trusted access in AWS Organizations first (see the prop's documentation).
      const features = new IamOrganizationsFeatures(this, 'centralized-root-access', {
        provider,
        enabledFeatures: ['RootCredentialsManagement', 'RootSessions'],
      });
      this.organizationsFeaturesId = features.id;
    }

    if (guardDuty) {
      const detector = new GuarddutyDetector(this, 'guardduty', { provider, enable: true });
      this.guardDutyDetectorId = detector.id;
      if (guardDuty.delegatedAdminAccountId !== undefined) {
        new GuarddutyOrganizationAdminAccount(this, 'guardduty-admin', {
          provider,
          adminAccountId: guardDuty.delegatedAdminAccountId,
          dependsOn: [detector],
        });
      }
    }

    if (securityHub) {
      const partition = props.partition ?? new DataAwsPartition(this, 'partition', { provider }).partition;
      const region = props.region ?? new DataAwsRegion(this, 'region', { provider }).name;
      // Default standards off: exactly the CIS benchmark is subscribed, nothing implicit.
      const account = new SecurityhubAccount(this, 'securityhub', { provider, enableDefaultStandards: false });
      const cis = new SecurityhubStandardsSubscription(this, 'securityhub-cis', {
        provider,
        standardsArn: cisStandardArn(partition, region, securityHub.cisVersion ?? '3.0.0'),
        dependsOn: [account],
      });
      this.cisStandardsSubscriptionId = cis.id;
      if (securityHub.delegatedAdminAccountId !== undefined) {
        new SecurityhubOrganizationAdminAccount(this, 'securityhub-admin', {
          provider,
          adminAccountId: securityHub.delegatedAdminAccountId,
          dependsOn: [account],
        });
      }
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

function validateNamePrefix(namePrefix: string): void {
  if (typeof namePrefix === 'string' && Token.isUnresolved(namePrefix)) return; // a module variable
  if (typeof namePrefix !== 'string' || !NAME_PREFIX.test(namePrefix)) {
    throw new Error(`namePrefix: must start with a letter or digit and hold only letters, digits, '-' and '_', not ${JSON.stringify(namePrefix)}`);
  }
  if (namePrefix.length > 64) throw new Error(`namePrefix: at most 64 characters, not ${namePrefix.length}`);
}

function validateTargets(prop: string, scp: { enabled: boolean; targetIds: readonly string[] }): void {
  if (!scp.enabled) return;
  if (scp.targetIds.length === 0) {
    throw new Error(`${prop}.targetIds: must name at least one organization root, OU or account when enabled`);
  }
  const seen = new Set<string>();
  scp.targetIds.forEach((t, i) => {
    if (Token.isUnresolved(t)) return;
    if (!TARGET_ID.test(t)) {
      throw new Error(`${prop}.targetIds[${i}]: must be a root (r-...), OU (ou-...-...) or 12-digit account ID, not ${JSON.stringify(t)}`);
    }
    if (seen.has(t)) throw new Error(`${prop}.targetIds[${i}]: duplicate target ${t}`);
    seen.add(t);
  });
}

function validateAccountId(prop: string, accountId: string | undefined): void {
  if (accountId === undefined || Token.isUnresolved(accountId)) return;
  if (!ACCOUNT_ID.test(accountId)) throw new Error(`${prop}: must be a 12-digit account ID, not ${JSON.stringify(accountId)}`);
}
