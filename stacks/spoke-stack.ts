import { Construct } from 'constructs';
import { RootwatchConfig, SpokeConfig } from '../core/config';
import { ACCOUNT_ID_VALIDATION, providerAuth, RootwatchStack, StackMode } from './base';
import { monitorAccount } from './monitored-account';

/**
 * One monitored account: forwarding rules in every region (through a provider that assumes
 * `spoke_account_assume_role_arn`), the heartbeat canary, the optional CIS alarm and the
 * account-level guardrails. In module mode `spoke` describes the regions and options only;
 * the account comes from the variables.
 */
export class SpokeStack extends RootwatchStack {
  constructor(scope: Construct, id: string, mode: StackMode, config: RootwatchConfig, spoke: SpokeConfig) {
    super(scope, id, mode, config);
    const hubAccountId = this.variable('hub_account_id', {
      description: 'AWS account ID of the hub (security) account whose bus receives the root events.',
      default: config.hub.accountId,
      validation: ACCOUNT_ID_VALIDATION('hub_account_id'),
    }).stringValue;
    const spokeAccountId = this.variable('spoke_account_id', {
      description: 'AWS account ID of the monitored (spoke) account.',
      default: spoke.accountId,
      validation: ACCOUNT_ID_VALIDATION('spoke_account_id'),
    }).stringValue;

    let providerBase = {};
    if (mode === 'deploy') {
      const roleArn = this.variable('spoke_account_assume_role_arn', {
        description: 'IAM role in the spoke account that Terraform assumes to create the forwarding rules.',
        default: spoke.assumeRoleArn,
        validation: {
          condition: '${can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.spoke_account_assume_role_arn))}',
          errorMessage: 'spoke_account_assume_role_arn must be an IAM role ARN (arn:aws:iam::<12 digits>:role/<name>).',
        },
      }).stringValue;
      const externalId = this.variable('spoke_account_external_id', {
        description: 'External ID required by the spoke role trust policy (null when the role requires none).',
        default: spoke.externalId ?? null,
        nullable: true,
        sensitive: true,
        validation: {
          // RE2 (Terraform's regex engine) caps repetition at 1000, so the length is checked apart.
          condition:
            '${var.spoke_account_external_id == null ? true : (length(var.spoke_account_external_id) >= 2 && length(var.spoke_account_external_id) <= 1224 && can(regex("^[A-Za-z0-9+=,.@:/-]+$", var.spoke_account_external_id)))}',
          errorMessage: 'spoke_account_external_id must be 2-1224 characters of [A-Za-z0-9+=,.@:/-].',
        },
      }).stringValue;
      providerBase = providerAuth(spokeAccountId, { assumeRoleArn: roleArn, externalId });
    }
    const providers = this.regionProviders(spoke.regions, providerBase);
    const { forwarder, cis } = monitorAccount(this, {
      config,
      accountId: spokeAccountId,
      hubAccountId,
      regions: spoke.regions,
      providers,
      partition: this.partition,
      ...(spoke.cisLogGroupName ? { cisLogGroupName: spoke.cisLogGroupName } : {}),
      ...(spoke.cisLogGroupRegion ? { cisLogGroupRegion: spoke.cisLogGroupRegion } : {}),
      ...(spoke.manageAccountSettings === false ? { manageAccountSettings: false } : {}),
    });
    this.cisOutputs(cis);

    this.output('forwarder_role_arn', forwarder.roleArn, 'ARN of the role EventBridge uses to forward root events to the hub.');
    this.output('rule_arns', forwarder.ruleArns, 'Region -> ARN of the root-event forwarding rule.');
    this.output('dead_letter_queue_arns', forwarder.deadLetterQueueArns, 'Region -> ARN of the forwarding dead-letter queue.');
    this.backend(id);
  }
}
