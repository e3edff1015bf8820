/**
 * The deploy root of `spokeDelivery: "stackset"` (issue 15), in the management account or the
 * delegated administrator for StackSets: the spoke stack set with an instance group per configured
 * region, and the role the hub's coverage sweep assumes to list the target OUs' accounts. Thin like
 * the other roots: providers, the documented variables, backend, one construct. When it runs in the
 * management account and no guardrails stack monitors that account, it monitors it too (service-
 * managed stack sets never deploy to the management account).
 */
import { Construct } from 'constructs';
import { TerraformHclModule, TerraformProvider } from 'cdktf';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { RootwatchConfig } from '../core/config';
import { hubBusName } from '../core/patterns';
import { StackSetConfig, stackSetName } from '../core/stackset-config';
import { SpokeStackSet } from '../modules/spoke-stack-set';
import { ACCOUNT_ID_VALIDATION, providerAuth, RootwatchStack } from './base';

/** What roots.ts's monitorAccount takes (passed in: roots.ts builds this stack, so no import back). */
export interface MonitorProps { accountId: string; regions: readonly string[]; providers: Map<string, TerraformProvider>; hubBusArn: string; forwardingOnly?: boolean }
export type Monitor = (stack: StackSetStack, props: MonitorProps) => { spoke: TerraformHclModule };

/** Does the stackset stack monitor the management account itself? (SELF, and no hub, spoke or guardrails stack does.) */
export function stackSetMonitorsManagement(config: RootwatchConfig): boolean {
  const s = config.stackSet;
  const mgmt = s?.managementAccountId;
  return s?.callAs === 'SELF' && mgmt !== undefined && !config.orgGuardrails && mgmt !== config.hub.accountId && !config.spokes.some((sp) => sp.accountId === mgmt);
}

export class StackSetStack extends RootwatchStack {
  constructor(scope: Construct, id: string, config: RootwatchConfig, stackSet: StackSetConfig, monitor: Monitor) {
    super(scope, id, config);
    const hubAccountId = this.hubAccountIdVariable('AWS account ID of the hub (security) account whose bus receives the root events (excluded from the stack set).');
    const what = stackSet.callAs === 'SELF' ? 'management account' : 'delegated administrator';
    const deployerId = this.variable('stackset_account_id', {
      description: `AWS account ID of the ${what} that holds the stack set.`,
      default: stackSet.deployer.accountId,
      validation: ACCOUNT_ID_VALIDATION('stackset_account_id'),
    }).stringValue;
    const role = stackSet.deployer.assumeRoleArn
      ? {
          assumeRoleArn: this.variable('stackset_account_assume_role_arn', {
            description: `IAM role in the ${what} that Terraform assumes.`,
            default: stackSet.deployer.assumeRoleArn,
            validation: { condition: '${can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.stackset_account_assume_role_arn))}', errorMessage: 'stackset_account_assume_role_arn must be an IAM role ARN.' },
          }).stringValue,
          ...(stackSet.deployer.externalId ? { externalId: stackSet.deployer.externalId } : {}),
        }
      : {};
    const auth = providerAuth(deployerId, role);
    const monitorsManagement = stackSetMonitorsManagement(config);
    const home = config.hub.region;
    const regions = monitorsManagement ? [home, ...config.hub.regions.filter((r) => r !== home)] : [home];
    const providers = this.regionProviders(regions, auth);
    const partition = new DataAwsPartition(this, 'partition', { provider: providers.get(home)! }).partition;
    const heartbeat = config.alerts.heartbeat;
    const set = new SpokeStackSet(this, 'spokes', {
      namePrefix: config.namePrefix,
      partition,
      hubAccountId,
      hubRegion: config.hub.region,
      regions: config.hub.regions,
      organizationalUnitIds: stackSet.organizationalUnitIds,
      // the hub and every Terraform spoke keep their Terraform rules: no second set in those accounts
      excludedAccountIds: [...new Set([config.hub.accountId, ...config.spokes.map((s) => s.accountId)])].sort(),
      callAs: stackSet.callAs,
      operationPreferences: stackSet.operationPreferences,
      ...(heartbeat.enabled ? { heartbeatSchedule: heartbeat.scheduleExpression } : {}),
      deadLetterAlarm: config.alerts.deadLetterAlarms,
      provider: providers.get(home)!,
    });
    if (monitorsManagement) {
      const hubBusArn = `arn:${partition}:events:${config.hub.region}:${hubAccountId}:event-bus/${hubBusName(config.namePrefix)}`;
      const { spoke } = monitor(this, { accountId: deployerId, regions: config.hub.regions, providers, hubBusArn, forwardingOnly: true });
      this.output('forwarder_role_arn', spoke.get('forwarder_role_arn'), "ARN of the role forwarding the management account's root events to the hub.");
      this.output('forward_rule_arns', spoke.get('rule_arns'), "Region -> ARN of the management account's forwarding rules.");
    }
    this.output('stack_set_name', set.stackSetName, `Name of the spoke stack set (${stackSetName(config.namePrefix)}).`);
    this.output('org_read_role_arn', set.orgReadRoleArn, "Role the hub's coverage sweep assumes to list the target OUs' accounts.");
    this.backend(id);
  }

}
