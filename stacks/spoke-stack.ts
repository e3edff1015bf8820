import { Construct } from 'constructs';
import { RootwatchConfig, SpokeConfig } from '../core/config';
import { rulePatterns } from '../core/patterns';
import { RootEventForwarder } from '../modules/root-event-forwarder';
import { HeartbeatCanary } from '../modules/heartbeat-canary';
import { CisRootAlarm } from '../modules/cis-root-alarm';
import { ACCOUNT_ID_VALIDATION, RootwatchStack, StackMode } from './base';
import { hubBusArnOf } from '../modules/hub-event-bus';
import { accountGuardrails } from './account-guardrails';

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
      providerBase = {
        allowedAccountIds: [spokeAccountId],
        assumeRole: [{ roleArn, externalId, sessionName: 'rootwatch' }],
      };
    }
    const providers = this.regionProviders(spoke.regions, providerBase);
    const partition = this.partition;
    const p = config.namePrefix;
    const home = spoke.regions[0];
    const hubBusArn = hubBusArnOf(p, { partition, region: config.hub.region, accountId: hubAccountId });

    const patterns = rulePatterns(p);
    const forwarder = new RootEventForwarder(this, 'forwarder', {
      namePrefix: p,
      accountId: spokeAccountId,
      partition,
      hubBusArn,
      regions: spoke.regions.map((region) => ({ region, provider: providers.get(region)! })),
      rootPattern: patterns.spokeRoot,
      pipelinePattern: patterns.spokePipeline,
    });
    const heartbeat = config.alerts.heartbeat;
    if (heartbeat.enabled) {
      new HeartbeatCanary(this, 'heartbeat', {
        namePrefix: p,
        accountId: spokeAccountId,
        region: home,
        partition,
        scheduleExpression: heartbeat.scheduleExpression,
        provider: providers.get(home)!,
      });
    }
    if (spoke.cisLogGroupName) {
      const cis = new CisRootAlarm(this, 'cis', {
        namePrefix: p,
        accountId: spokeAccountId,
        partition,
        region: home,
        logGroupName: spoke.cisLogGroupName,
        provider: providers.get(home)!,
      });
      this.output('cis_alarm_arn', cis.alarmArn, 'ARN of the CIS CloudWatch.1 root-usage alarm.');
    }
    accountGuardrails(this, config, spokeAccountId, home, partition, providers.get(home)!);

    this.output('forwarder_role_arn', forwarder.roleArn, 'ARN of the role EventBridge uses to forward root events to the hub.');
    this.output('rule_arns', forwarder.ruleArns, 'Region -> ARN of the root-event forwarding rule.');
    this.output('dead_letter_queue_arns', forwarder.deadLetterQueueArns, 'Region -> ARN of the forwarding dead-letter queue.');
    this.backend(id);
  }
}
