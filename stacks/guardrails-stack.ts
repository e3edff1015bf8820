import { Construct } from 'constructs';
import { OrgGuardrailsConfig, RootwatchConfig } from '../core/config';
import { OrgRootGuardrails } from '../modules/org-guardrails';
import { ACCOUNT_ID_VALIDATION, providerAuth, RootwatchStack, StackMode } from './base';

/**
 * Organization-level guardrails, applied from the management account: the deny-root SCPs,
 * centralized root access, and optionally GuardDuty and Security Hub (CIS standard).
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
    const providers = this.regionProviders([mgmt.region], providerAuth(managementAccountId, mgmt));
    const g = new OrgRootGuardrails(this, 'org', {
      namePrefix: config.namePrefix,
      provider: providers.get(mgmt.region)!,
      region: mgmt.region,
      partition: this.partition,
      denyRootScp: org.denyRootScp,
      denyRootAccessKeysScp: org.denyRootAccessKeysScp,
      centralizedRootAccess: org.centralizedRootAccess,
      guardDuty: org.guardDuty,
      securityHub: org.securityHub,
    });
    if (g.denyRootPolicyId) this.output('deny_root_policy_id', g.denyRootPolicyId, 'ID of the SCP that denies the root user (AssumeRoot sessions exempt).');
    if (g.denyRootAccessKeysPolicyId) this.output('deny_root_access_keys_policy_id', g.denyRootAccessKeysPolicyId, 'ID of the SCP that denies root access-key creation.');
    this.backend(id);
  }
}
