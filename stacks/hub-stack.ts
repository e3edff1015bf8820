import { Construct } from 'constructs';
import { RootwatchConfig } from '../core/config';
import { RootwatchHub } from '../modules/rootwatch-hub';
import { expectedAccounts, expectedChunks } from '../core/coverage';
import { ACCOUNT_ID_VALIDATION, providerAuth, RootwatchStack, StackMode } from './base';
import { LambdaCodeSet } from './lambda-code';
import { monitorAccount } from './monitored-account';

/**
 * The hub (security account): the hub bus, rules, notifier, topics and alerters in the home
 * region, and, because root events of the hub account land on its own default buses, the same
 * per-region forwarding a spoke has.
 */
export class HubStack extends RootwatchStack {
  constructor(scope: Construct, id: string, mode: StackMode, config: RootwatchConfig, code: LambdaCodeSet) {
    super(scope, id, mode, config);
    const hub = config.hub;
    const hubAccountId = this.variable('hub_account_id', {
      description: 'AWS account ID of the hub (security) account that receives every root event.',
      default: hub.accountId,
      validation: ACCOUNT_ID_VALIDATION('hub_account_id'),
    }).stringValue;

    const regions = [hub.region, ...hub.regions.filter((r) => r !== hub.region)];
    const providers = this.regionProviders(regions, providerAuth(hubAccountId, hub));
    const partition = this.partition;
    const p = config.namePrefix;
    const heartbeat = config.alerts.heartbeat;
    const rw = new RootwatchHub(this, 'hub', {
      namePrefix: p,
      hubAccountId,
      region: hub.region,
      partition,
      spokeAccountIds: config.spokes.map((s) => s.accountId),
      ...(hub.organizationId ? { organizationId: hub.organizationId } : {}),
      expectedChunks: expectedChunks(expectedAccounts(config)),
      ...(heartbeat.enabled ? { heartbeatSchedule: heartbeat.scheduleExpression } : {}),
      code: {
        notifier: code.notifier,
        ...(config.alerts.slack ? { slack: code.slack } : {}),
        ...(config.alerts.pagerduty ? { pagerduty: code.pagerduty } : {}),
      },
      email: config.alerts.email,
      ...(config.alerts.slack ? { slackWebhookParameter: config.alerts.slack.webhookParameterName } : {}),
      ...(config.alerts.pagerduty ? { pagerDutyRoutingKeyParameter: config.alerts.pagerduty.routingKeyParameterName } : {}),
      foldWindowMinutes: config.alerts.foldWindowMinutes,
      assumedRoot: config.detection.assumedRoot,
      logRetentionDays: config.alerts.logRetentionDays,
    });

    // The hub account is monitored like any spoke: its root events land on its own default buses.
    const { forwarder, cis } = monitorAccount(this, {
      config,
      accountId: hubAccountId,
      hubAccountId,
      regions: hub.regions,
      providers,
      partition,
      ...(hub.cisLogGroupName ? { cisLogGroupName: hub.cisLogGroupName } : {}),
    });
    this.cisOutputs(cis);

    this.output('bus_arn', rw.busArn, 'ARN of the hub event bus that spokes forward to.');
    this.output('login_topic_arn', rw.loginTopicArn, 'SNS topic of root sign-in alerts (subscribe custom integrations here).');
    this.output('activity_topic_arn', rw.activityTopicArn, 'SNS topic of other root activity and pipeline alarms.');
    this.output('rule_arns', rw.ruleArns, 'Hub bus rules: login, activity, pipeline.');
    this.output('notifier_function_arn', rw.notifierFunctionArn, 'ARN of the notifier Lambda.');
    this.output('notifier_role_arn', rw.notifierRoleArn, 'ARN of the notifier Lambda role.');
    this.output('kms_key_arn', rw.keyArn, 'KMS key encrypting the alert topics.');
    this.output('coverage_table_name', rw.coverageTableName, 'DynamoDB coverage ledger (read by `rootwatch coverage`).');
    this.output('forwarder_role_arn', forwarder.roleArn, 'ARN of the role forwarding the hub account\'s own root events.');
    this.output('forward_rule_arns', forwarder.ruleArns, 'Region -> ARN of the hub account\'s own forwarding rules.');
    this.backend(id);
  }
}
