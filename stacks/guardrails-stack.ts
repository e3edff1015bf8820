import { Construct } from 'constructs';
import { OrgGuardrailsConfig, RootwatchConfig } from '../core/config';
import { OrgRootGuardrails } from '../modules/org-guardrails';
import { ACCOUNT_ID_VALIDATION, providerAuth, RootwatchStack, StackMode } from './base';
import { monitorForwardingOnly } from './monitored-account';

/**
 * Organization-level guardrails, applied from the management account: the deny-root SCPs,
 * centralized root access, and optionally GuardDuty and Security Hub (CIS standard). The
 * management account is also monitored (no SCP restricts its root): forwarding rules and a
 * heartbeat in every configured region, unless it is the hub or a spoke already.
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
    const monitored = mgmt.accountId !== config.hub.accountId && !config.spokes.some((sp) => sp.accountId === mgmt.accountId);
    const regions = monitored ? [mgmt.region, ...config.hub.regions.filter((r) => r !== mgmt.region)] : [mgmt.region];
    const providers = this.regionProviders(regions, providerAuth(managementAccountId, mgmt));
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
    if (monitored) {
      const hubAccountId = this.variable('hub_account_id', {
        description: 'AWS account ID of the hub (security) account whose bus receives the root events.',
        default: config.hub.accountId,
        validation: ACCOUNT_ID_VALIDATION('hub_account_id'),
      }).stringValue;
      // us-east-1 first: sign-ins and global-service events are recorded there
      const monitoredRegions = [...config.hub.regions];
      const forwarder = monitorForwardingOnly(this, {
        config,
        accountId: managementAccountId,
        hubAccountId,
        regions: monitoredRegions,
        providers,
        partition: this.partition,
      });
      this.output('forwarder_role_arn', forwarder.roleArn, "ARN of the role forwarding the management account's root events to the hub.");
      this.output('forward_rule_arns', forwarder.ruleArns, "Region -> ARN of the management account's forwarding rules.");
    }
    if (g.denyRootPolicyId) this.output('deny_root_policy_id', g.denyRootPolicyId, 'ID of the SCP that denies the root user (AssumeRoot sessions exempt).');
    if (g.denyRootAccessKeysPolicyId) this.output('deny_root_access_keys_policy_id', g.denyRootAccessKeysPolicyId, 'ID of the SCP that denies root access-key creation.');
    this.backend(id);
  }
}
