import { Construct } from 'constructs';
import { OrgGuardrailsConfig, RootwatchConfig } from '../core/config';
import { OrgRootGuardrails, standardSubscriptionArn } from '../modules/org-guardrails';
import { AccountRootGuardrails } from '../modules/account-guardrails';
import { ACCOUNT_ID_VALIDATION, providerAuth, RootwatchStack, StackMode } from './base';

/**
 * Organization-level guardrails, applied from the management account: the deny-root SCPs,
 * centralized root access, and optionally GuardDuty and Security Hub (organization-wide, every
 * configured region, with a delegated administrator). Services the config says already exist are
 * adopted with `import` blocks (deploy stacks only: Terraform allows them in a root module alone),
 * never created a second time.
 */
export class GuardrailsStack extends RootwatchStack {
  constructor(scope: Construct, id: string, mode: StackMode, config: RootwatchConfig, org: OrgGuardrailsConfig) {
    super(scope, id, mode, config);
    const mgmt = org.managementAccount;
    const managementAccountId = this.variable('management_account_id', {
      description: 'AWS account ID of the organization management account.',
      default: mgmt.accountId,
      validation: ACCOUNT_ID_VALIDATION('management_account_id'),
    }).stringValue;
    const services = org.guardDuty.enabled || org.securityHub.enabled;
    const regions = services ? [mgmt.region, ...org.regions.filter((r) => r !== mgmt.region)] : [mgmt.region];
    const providers = this.regionProviders(regions, providerAuth(managementAccountId, mgmt));
    const serviceRegions = services ? org.regions : [];

    // The delegated administrator makes the organization configurations (auto-enable).
    const adminId = org.securityHub.delegatedAdminAccountId ?? org.guardDuty.delegatedAdminAccountId;
    const wantsOrgConfig = (org.securityHub.enabled && org.securityHub.autoEnable && org.securityHub.delegatedAdminAccountId !== undefined)
      || (org.guardDuty.enabled && Object.keys(org.guardDuty.delegatedAdminDetectorIds).length > 0);
    const adminAuth = org.delegatedAdmin ?? (adminId === config.hub.accountId ? config.hub : {});
    const adminProviders = wantsOrgConfig && adminId !== undefined
      ? this.accountProviders('delegated_admin', serviceRegions, providerAuth(adminId, adminAuth))
      : new Map();

    const partition = this.partition;
    const g = new OrgRootGuardrails(this, 'org', {
      namePrefix: config.namePrefix,
      provider: providers.get(mgmt.region)!,
      region: mgmt.region,
      partition,
      denyRootScp: org.denyRootScp,
      denyRootAccessKeysScp: org.denyRootAccessKeysScp,
      centralizedRootAccess: org.centralizedRootAccess,
      guardDuty: org.guardDuty,
      securityHub: org.securityHub,
      regions: serviceRegions.map((region) => ({ region, provider: providers.get(region)! })),
      delegatedAdminProviders: [...adminProviders].map(([region, provider]) => ({ region, provider })),
    });

    if (mode === 'deploy') {
      // Adopt what the organization already runs: a second detector or hub would fail at apply.
      const s = g.singletons;
      for (const [region, detectorId] of Object.entries(org.guardDuty.existingDetectorIds)) {
        s.guardDutyDetectors[region]?.importFrom(detectorId, providers.get(region));
      }
      for (const region of serviceRegions) {
        if (org.guardDuty.existingDelegatedAdmin) s.guardDutyAdmins[region]?.importFrom(org.guardDuty.delegatedAdminAccountId!, providers.get(region));
        if (org.securityHub.adoptExisting) s.securityHubAccounts[region]?.importFrom(mgmt.accountId, providers.get(region));
        for (const std of org.securityHub.existingStandards) {
          s.securityHubStandards[region]?.[std]?.importFrom(standardSubscriptionArn(partition, region, mgmt.accountId, std), providers.get(region));
        }
        if (org.securityHub.existingDelegatedAdmin) s.securityHubAdmins[region]?.importFrom(org.securityHub.delegatedAdminAccountId!, providers.get(region));
      }
    }

    if (mgmt.manageAccountSettings) {
      // The management account's own singletons (the config checked no other stack owns them).
      const a = config.accountGuardrails;
      new AccountRootGuardrails(this, 'account', {
        namePrefix: config.namePrefix,
        provider: providers.get(mgmt.region)!,
        alternateContacts: a.alternateContacts,
        passwordPolicy: a.passwordPolicy,
        s3PublicAccessBlock: a.s3PublicAccessBlock,
      });
    }
    if (g.denyRootPolicyId) this.output('deny_root_policy_id', g.denyRootPolicyId, 'ID of the SCP that denies the root user (AssumeRoot sessions exempt).');
    if (g.denyRootAccessKeysPolicyId) this.output('deny_root_access_keys_policy_id', g.denyRootAccessKeysPolicyId, 'ID of the SCP that denies root access-key creation.');
    this.backend(id);
  }
}
