/**
 * The deploy roots: thin Terraform roots (providers, backend, the documented variables, one module
 * call per region or account) over terraform-out/modules. The config's values appear here, in the
 * module calls, and nowhere in the modules. The same roots are written as HCL for plain Terraform
 * (stacks/plain-root.ts).
 */
import { Construct } from 'constructs';
import { App, TerraformHclModule } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { ConfigError, heartbeatScheduleProblem, OrgGuardrailsConfig, RootwatchConfig, SpokeConfig, AccountTarget } from '../core/config';
import { hubBusName } from '../core/patterns';
import { regionId } from '../core/regions';
import { checkLogGroupName } from '../modules/cis-root-alarm';
import { ACCOUNT_ID_VALIDATION, providerAuth, RootwatchStack } from './base';
import { ModuleResourceAddress } from './module-stack';
import { ModuleName, REGION_KEY } from './module-stacks';
import { expectedAccounts } from '../core/coverage';
import { makeUniqueId } from 'cdktf/lib/private/unique';
import { STACKSET_STACK_NAME } from '../core/stackset-config';
import { StackSetStack } from './stackset-root';

/** Resource addresses of every module (for the `moved` blocks of the roots). */
export type ModuleCatalog = Record<ModuleName, readonly ModuleResourceAddress[]>;

/** Stack names users type (`cdktf deploy spoke-prod`); stable for a given config. */
export function spokeStackName(spoke: SpokeConfig): string {
  return `spoke-${spoke.name}`;
}

/** Which deploy stacks one app holds; stacks never refer to each other, so apps can split them. */
export interface DeployPart {
  readonly hub: boolean;
  readonly spokes: readonly SpokeConfig[];
  readonly guardrails: boolean;
}

export function buildDeployApp(outdir: string, config: RootwatchConfig, catalog: ModuleCatalog, part?: DeployPart): App {
  const { hub, spokes, guardrails } = part ?? { hub: true, spokes: config.spokes, guardrails: true };
  const app = new App({ outdir });
  if (hub) new HubStack(app, 'hub', config, catalog);
  for (const spoke of spokes) new SpokeStack(app, spokeStackName(spoke), config, spoke, catalog);
  if (guardrails && config.orgGuardrails) new GuardrailsStack(app, 'guardrails', config, config.orgGuardrails, catalog);
  if (guardrails && config.stackSet) new StackSetStack(app, STACKSET_STACK_NAME, config, config.stackSet, (stack, props) => monitorAccount(stack as unknown as RootStack, config, props, catalog)); // issue 15
  return app;
}

const EXTERNAL_ID_VALIDATION = (name: string) => ({
  // RE2 (Terraform's regex engine) caps repetition at 1000, so the length is checked apart.
  condition: `\${var.${name} == null ? true : (length(var.${name}) >= 2 && length(var.${name}) <= 1224 && can(regex("^[A-Za-z0-9+=,.@:/-]+$", var.${name})))}`,
  errorMessage: `${name} must be 2-1224 characters of [A-Za-z0-9+=,.@:/-].`,
});
const ROLE_ARN_VALIDATION = (name: string) => ({
  condition: `\${can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.${name}))}`,
  errorMessage: `${name} must be an IAM role ARN (arn:aws:iam::<12 digits>:role/<name>).`,
});

/** Inputs of the account module for one account. */
function accountInputs(config: RootwatchConfig, accountId: string, hubBusArn: string, cisLogGroupName: string | undefined, manage: boolean): Record<string, unknown> {
  const g = config.accountGuardrails;
  // Account-wide singletons: only the stack that owns the account's settings manages them (one owner per account).
  return {
    name_prefix: config.namePrefix,
    account_id: accountId,
    hub_bus_arn: hubBusArn,
    cis_log_group_name: cisLogGroupName ?? null,
    alternate_contacts: manage ? Object.fromEntries(Object.entries(g.alternateContacts).filter(([, c]) => c).map(([t, c]) => [t, { name: c!.name, title: c!.title, email: c!.email, phone: c!.phone }])) : {},
    password_policy: manage && g.passwordPolicy.enabled
      ? { minimum_length: g.passwordPolicy.minimumLength, reuse_prevention: g.passwordPolicy.reusePrevention, max_age_days: g.passwordPolicy.maxAgeDays }
      : null,
    s3_public_access_block: manage && g.s3PublicAccessBlock,
    trail: g.trail.enabled
      ? { log_retention_days: g.trail.logRetentionDays, transition_to_glacier_days: g.trail.transitionToGlacierDays, object_lock_days: g.trail.objectLockDays ?? null }
      : null,
  };
}

/**
 * A monitored account in one root: the account module in the home region (the first region,
 * us-east-1) and a spoke-region module per region. Addresses of today's stacks move along.
 */
function monitorAccount(
  stack: RootStack,
  config: RootwatchConfig,
  props: { accountId: string; regions: readonly string[]; providers: Map<string, AwsProvider>; hubBusArn: string; cisLogGroupName?: string; manageAccountSettings?: boolean; forwardingOnly?: boolean },
  catalog: ModuleCatalog,
): { account: TerraformHclModule; regions: Map<string, TerraformHclModule> } {
  // The modules check their inputs at plan time; values from the config are checked at synth as well.
  if (props.cisLogGroupName !== undefined) checkLogGroupName(props.cisLogGroupName);
  const heartbeat = config.alerts.heartbeat;
  const problem = heartbeat.enabled ? heartbeatScheduleProblem(heartbeat.scheduleExpression) : undefined;
  if (problem) throw new Error(`alerts.heartbeat.scheduleExpression (heartbeat): ${problem}`);
  const home = props.regions[0];
  const manage = props.manageAccountSettings ?? true;
  const inputs = accountInputs(config, props.accountId, props.hubBusArn, props.cisLogGroupName, manage);
  // forwarding only (the management account): its own settings are left alone
  const only = props.forwardingOnly ? { alternate_contacts: {}, password_policy: null, s3_public_access_block: false, trail: null, cis_log_group_name: null } : {};
  const account = stack.callModule('account', 'account', props.providers.get(home)!, { ...inputs, ...only, heartbeat: config.alerts.heartbeat.enabled });
  const g = config.accountGuardrails;
  if (!props.forwardingOnly) stack.addMoves('account', catalog.account, (a) => {
    const top = a.components[0];
    if (top === 'heartbeat') return false; // the 0.1.0 canary role is replaced by the heartbeat role
    if (top === 'cis') return props.cisLogGroupName !== undefined;
    if (top === 'trail') return g.trail.enabled && (a.components[1] !== 'bucket-object-lock' || g.trail.objectLockDays !== undefined);
    if (top === 'guardrails') {
      if (!manage) return false;
      const c = a.components[1];
      if (c === 'password-policy') return g.passwordPolicy.enabled;
      if (c === 's3-public-access-block') return g.s3PublicAccessBlock;
      if (c.startsWith('alternate-contact-')) return Boolean(g.alternateContacts[c.slice('alternate-contact-'.length) as 'billing']);
    }
    return true;
  });
  const regions = new Map<string, TerraformHclModule>();
  for (const region of props.regions) {
    const call = `region_${regionId(region)}`;
    regions.set(region, stack.callModule(call, 'spoke-region', props.providers.get(region)!, {
      name_prefix: config.namePrefix,
      spoke_account_id: props.accountId,
      hub_bus_arn: props.hubBusArn,
      forwarder_role_arn: account.get('forwarder_role_arn'),
      heartbeat_schedule: config.alerts.heartbeat.enabled ? config.alerts.heartbeat.scheduleExpression : null,
      heartbeat_role_arn: config.alerts.heartbeat.enabled ? account.get('heartbeat_role_arn') : null,
      dead_letter_alarm: config.alerts.deadLetterAlarms,
    }));
    if (props.forwardingOnly) continue;
    // Before modules only the home region had the heartbeat canary and the pipeline rule.
    stack.addMoves(call, catalog['spoke-region'],
      (a) => a.components[0] !== 'heartbeat' && !a.components.some((c) => c.startsWith(`dlq-${REGION_KEY}-not-empty`)) && (region === home || !a.components.some((c) => c.startsWith(`pipeline-${REGION_KEY}`))),
      (c) => c.replace(new RegExp(`(^|-)${REGION_KEY}(?=$|-)`), `$1${region}`));
  }
  return { account, regions };
}

/**
 * Guardrails options the construct (modules/org-guardrails.ts) supports but the module-based
 * guardrails stack does not wire yet: refused at synth with the field, never silently ignored.
 */
function refuseUnported(org: OrgGuardrailsConfig): void {
  const gd = org.guardDuty;
  const sh = org.securityHub;
  const unported: Array<[string, boolean]> = [
    ['guardrails.managementAccount.manageAccountSettings', org.managementAccount.manageAccountSettings],
    ['guardrails.guardDuty.existingDetectorIds', gd.enabled && Object.keys(gd.existingDetectorIds).length > 0],
    ['guardrails.guardDuty.existingDelegatedAdmin', gd.enabled && gd.existingDelegatedAdmin],
    ['guardrails.guardDuty.delegatedAdminDetectorIds', gd.enabled && Object.keys(gd.delegatedAdminDetectorIds).length > 0],
    ['guardrails.securityHub.adoptExisting', sh.enabled && sh.adoptExisting],
    ['guardrails.securityHub.existingStandards', sh.enabled && sh.existingStandards.length > 0],
    ['guardrails.securityHub.existingDelegatedAdmin', sh.enabled && sh.existingDelegatedAdmin],
    ['guardrails.securityHub.standards', sh.enabled && (sh.standards.length !== 1 || sh.standards[0] !== 'cis-aws-foundations-benchmark/v/1.4.0')],
  ];
  const [field] = unported.find(([, set]) => set) ?? [];
  if (field) throw new ConfigError(field, 'is not supported by the module-based guardrails stack yet (follow-up of issue 11); remove it');
}

abstract class RootStack extends RootwatchStack {
  callModule(id: string, name: ModuleName, provider: AwsProvider, inputs: Record<string, unknown>): TerraformHclModule {
    return this.module(id, name, provider, inputs);
  }
  addMoves: RootwatchStack['moves'] = (...args) => this.moves(...args);
  addMoved(from: string, to: string): void {
    this.moved(from, to);
  }
}

function assumeRoleVariables(stack: RootStack, prefix: string, target: AccountTarget, what: string): { assumeRoleArn?: string; externalId?: string } {
  if (!target.assumeRoleArn) return {};
  const assumeRoleArn = stack['variable'](`${prefix}_assume_role_arn`, {
    description: `IAM role in the ${what} that Terraform assumes.`,
    default: target.assumeRoleArn,
    validation: ROLE_ARN_VALIDATION(`${prefix}_assume_role_arn`),
  }).stringValue;
  const externalId = stack['variable'](`${prefix}_external_id`, {
    description: `External ID the ${what} role's trust policy requires (null: none). Not a secret (AWS: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html).`,
    default: target.externalId ?? null,
    nullable: true,
    validation: EXTERNAL_ID_VALIDATION(`${prefix}_external_id`),
  }).stringValue;
  return { assumeRoleArn, externalId };
}

/** The hub account: the hub module in the hub region, and the account's own monitoring. */
export class HubStack extends RootStack {
  constructor(scope: Construct, id: string, config: RootwatchConfig, catalog: ModuleCatalog) {
    super(scope, id, config);
    const hub = config.hub;
    const hubAccountId = this.variable('hub_account_id', {
      description: 'AWS account ID of the hub (security) account that receives every root event.',
      default: hub.accountId,
      validation: ACCOUNT_ID_VALIDATION('hub_account_id'),
    }).stringValue;
    const auth = providerAuth(hubAccountId, assumeRoleVariables(this, 'hub_account', hub, 'hub account'));
    const regions = [...new Set([...hub.regions, hub.region])];
    const providers = this.regionProviders(regions, auth);
    const a = config.alerts;
    const hubModule = this.callModule('hub', 'hub', providers.get(hub.region)!, {
      name_prefix: config.namePrefix,
      hub_account_id: hubAccountId,
      hub_region: hub.region,
      organization_id: hub.organizationId ?? null,
      admitted_account_ids: config.spokes.map((s) => s.accountId),
      login_emails: a.email.login,
      activity_emails: a.email.activity,
      slack_webhook_parameter_name: a.slack?.webhookParameterName ?? null,
      pagerduty_routing_key_parameter_name: a.pagerduty?.routingKeyParameterName ?? null,
      fold_window_minutes: a.foldWindowMinutes,
      log_retention_days: a.logRetentionDays,
      heartbeat_schedule: a.heartbeat.enabled ? a.heartbeat.scheduleExpression : null,
      // the coverage set (hub, spokes, management account) with names: ledger items, not the Lambda environment
      expected_accounts: expectedAccounts(config).map((e) => ({ account_id: e.account === hub.accountId ? hubAccountId : e.account, regions: e.regions, name: e.name ?? null })),
      assumed_root: config.detection.assumedRoot,
      avoidable_root_writes: config.detection.avoidableRootWrites,
      expected_use: config.detection.expectedUse.enabled,
      expected_use_severity: config.detection.expectedUse.severity,
      // issue 15: stackset mode expects the accounts of the target OUs too (listed by the sweep)
      ...(config.stackSet ? { organization_accounts: { account_id: config.stackSet.deployer.accountId, ou_ids: config.stackSet.organizationalUnitIds, regions: hub.regions } } : {}),
    });
    const skipped = new Set(['hub/email/login', 'hub/email/activity', 'hub/heartbeat', 'hub/coverage/expected']);
    this.addMoves('hub', catalog.hub, (m) => {
      const path = m.components.join('/');
      if (skipped.has(path)) return false;
      if (m.components[1] === 'dashboard' || m.components[1] === 'expected-use') return false; // new after 0.1.0: nothing to move
      if (m.components[1] === 'slack') return a.slack !== undefined;
      if (m.components[1] === 'pagerduty') return a.pagerduty !== undefined;
      if (m.components[1]?.includes('digest-sweep')) return a.foldWindowMinutes > 0;
      if (m.components[1] === 'coverage') return false; // new in this version: nothing to move
      return true;
    });
    for (const kind of ['login', 'activity'] as const) {
      for (const address of a.email[kind]) {
        this.addMoved(`aws_sns_topic_subscription.${makeUniqueId(['hub', 'email', `${kind}-${address}`])}`, `module.hub.aws_sns_topic_subscription.hub_email_${kind}["${address}"]`);
      }
    }
    // The per-account heartbeat alarms of 0.1.0 are gone (one stale-path alarm replaces them). They sat
    // under the default provider: forget them from state (destroy = false; delete the CloudWatch
    // alarms by hand after the upgrade) rather than fail the plan on an orphan.
    if (a.heartbeat.enabled) {
      const removed = [['hub', hub.accountId], ...config.spokes.map((s) => [s.accountId, s.accountId])].map(([key]) => ({
        from: `aws_cloudwatch_metric_alarm.${makeUniqueId(['hub', `heartbeat-${key}`])}`,
        lifecycle: { destroy: false },
      }));
      this.addOverride('removed', removed);
      // `removed` still needs the provider those alarms were created with: the default one, in the hub region
      new AwsProvider(this, 'aws', { ...auth, region: hub.region, ...(Object.keys(config.tags).length > 0 ? { defaultTags: [{ tags: config.tags }] } : {}) });
    }
    const busArn = hubModule.get('bus_arn');
    const { account, regions: forwarders } = monitorAccount(this, config, {
      accountId: hubAccountId, regions: hub.regions, providers, hubBusArn: busArn,
      ...(hub.cisLogGroupName ? { cisLogGroupName: hub.cisLogGroupName } : {}),
      ...(hub.manageAccountSettings === false ? { manageAccountSettings: false } : {}),
    }, catalog);
    // The CIS alarm watches the given log group, else the hardened trail's.
    if (hub.cisLogGroupName || config.accountGuardrails.trail.enabled) {
      this.output('cis_alarm_arn', account.get('cis_alarm_arn'), 'ARN of the CIS CloudWatch.1 root-usage alarm.');
      this.output('cis_topic_arn', account.get('cis_topic_arn'), 'SNS topic of the CIS alarm: subscribe someone (Security Hub CloudWatch.1 wants a subscriber).');
    }
    for (const [name, description] of [
      ['bus_arn', 'ARN of the hub event bus that spokes forward to.'],
      ['login_topic_arn', 'SNS topic of root sign-in alerts (subscribe custom integrations here).'],
      ['activity_topic_arn', 'SNS topic of other root activity and pipeline alarms.'],
      ['rule_arns', 'Hub bus rules: login, activity, pipeline.'],
      ['notifier_function_arn', 'ARN of the notifier Lambda.'],
      ['notifier_role_arn', 'ARN of the notifier Lambda role.'],
      ['kms_key_arn', 'KMS key encrypting the alert topics.'],
      ['expected_use_declarer_role_arn', 'The only role that may declare expected root use (rootwatch expect --profile <a profile assuming it>); null when off.'],
    ] as const) {
      this.output(name, hubModule.get(name), description);
    }
    this.output('forwarder_role_arn', account.get('forwarder_role_arn'), 'ARN of the role forwarding the hub account\'s own root events.');
    this.output('forward_rule_arns', Object.fromEntries([...forwarders].map(([r, m]) => [r, m.get('rule_arn')])), 'Region -> ARN of the hub account\'s own forwarding rules.');
    this.backend(id);
  }
}

/** One monitored account: the account module and a spoke-region module per region of that spoke. */
export class SpokeStack extends RootStack {
  constructor(scope: Construct, id: string, config: RootwatchConfig, spoke: SpokeConfig, catalog: ModuleCatalog) {
    super(scope, id, config);
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
    const roleArn = this.variable('spoke_account_assume_role_arn', {
      description: 'IAM role in the spoke account that Terraform assumes to create the forwarding rules.',
      default: spoke.assumeRoleArn,
      validation: ROLE_ARN_VALIDATION('spoke_account_assume_role_arn'),
    }).stringValue;
    const externalId = this.variable('spoke_account_external_id', {
      description: 'External ID the spoke role\'s trust policy requires (null: none). Not a secret (AWS: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html).',
      default: spoke.externalId ?? null,
      nullable: true,
      validation: EXTERNAL_ID_VALIDATION('spoke_account_external_id'),
    }).stringValue;
    const providers = this.regionProviders(spoke.regions, providerAuth(spokeAccountId, { assumeRoleArn: roleArn, externalId }));
    // The hub bus in the hub's region, whatever region the rule is in (EventBridge forwards across regions).
    const partition = new DataAwsPartition(this, 'partition', { provider: providers.get(spoke.regions[0])! }).partition;
    const hubBusArn = `arn:${partition}:events:${config.hub.region}:${hubAccountId}:event-bus/${hubBusName(config.namePrefix)}`;
    const { account, regions } = monitorAccount(this, config, {
      accountId: spokeAccountId, regions: spoke.regions, providers, hubBusArn,
      ...(spoke.cisLogGroupName ? { cisLogGroupName: spoke.cisLogGroupName } : {}),
      ...(spoke.manageAccountSettings === false ? { manageAccountSettings: false } : {}),
    }, catalog);
    if (spoke.cisLogGroupName || config.accountGuardrails.trail.enabled) {
      this.output('cis_alarm_arn', account.get('cis_alarm_arn'), 'ARN of the CIS CloudWatch.1 root-usage alarm.');
      this.output('cis_topic_arn', account.get('cis_topic_arn'), 'SNS topic of the CIS alarm: subscribe someone (Security Hub CloudWatch.1 wants a subscriber).');
    }
    this.output('forwarder_role_arn', account.get('forwarder_role_arn'), 'ARN of the role EventBridge uses to forward root events to the hub.');
    this.output('rule_arns', Object.fromEntries([...regions].map(([r, m]) => [r, m.get('rule_arn')])), 'Region -> ARN of the root-event forwarding rule.');
    this.output('dead_letter_queue_arns', Object.fromEntries([...regions].map(([r, m]) => [r, m.get('dead_letter_queue_arn')])), 'Region -> ARN of the forwarding dead-letter queue.');
    this.backend(id);
  }
}

/** Organization guardrails from the management account. */
export class GuardrailsStack extends RootStack {
  constructor(scope: Construct, id: string, config: RootwatchConfig, org: OrgGuardrailsConfig, catalog: ModuleCatalog) {
    super(scope, id, config);
    const mgmt = org.managementAccount;
    refuseUnported(org);
    const managementAccountId = this.variable('management_account_id', {
      description: 'AWS account ID of the organization management account.',
      default: mgmt.accountId,
      validation: ACCOUNT_ID_VALIDATION('management_account_id'),
    }).stringValue;
    const auth = providerAuth(managementAccountId, assumeRoleVariables(this, 'management_account', mgmt, 'management account'));
    // The management account is monitored too (no SCP restricts its root), unless it is the hub or a spoke.
    const monitored = mgmt.accountId !== config.hub.accountId && !config.spokes.some((sp) => sp.accountId === mgmt.accountId);
    const providers = this.regionProviders(monitored ? [mgmt.region, ...config.hub.regions.filter((r) => r !== mgmt.region)] : [mgmt.region], auth);
    const g = this.callModule('guardrails', 'guardrails', providers.get(mgmt.region)!, {
      name_prefix: config.namePrefix,
      deny_root_target_ids: org.denyRootScp.enabled ? org.denyRootScp.targetIds : [],
      deny_root_access_keys_target_ids: org.denyRootAccessKeysScp.enabled ? org.denyRootAccessKeysScp.targetIds : [],
      centralized_root_access: org.centralizedRootAccess,
      guardduty: org.guardDuty.enabled ? { delegated_admin_account_id: org.guardDuty.delegatedAdminAccountId ?? null } : null,
      securityhub: org.securityHub.enabled ? { delegated_admin_account_id: org.securityHub.delegatedAdminAccountId ?? null } : null,
    });
    this.addMoves('guardrails', catalog.guardrails, (m) => {
      const c = m.components[1] ?? '';
      if (c === 'deny-root-0' || c === 'deny-root-access-keys-0') return false;
      if (c === 'deny-root') return org.denyRootScp.enabled;
      if (c === 'deny-root-access-keys') return org.denyRootAccessKeysScp.enabled;
      if (c === 'centralized-root-access') return org.centralizedRootAccess;
      if (c.startsWith('guardduty')) return org.guardDuty.enabled && (c === 'guardduty' || org.guardDuty.delegatedAdminAccountId !== undefined);
      if (c.startsWith('securityhub')) return org.securityHub.enabled && (c !== 'securityhub-admin' || org.securityHub.delegatedAdminAccountId !== undefined);
      return true;
    });
    for (const [scp, s] of [['deny-root', org.denyRootScp], ['deny-root-access-keys', org.denyRootAccessKeysScp]] as const) {
      if (!s.enabled) continue;
      for (const t of s.targetIds) {
        this.addMoved(`aws_organizations_policy_attachment.${makeUniqueId(['org', `${scp}-${t}`])}`, `module.guardrails.aws_organizations_policy_attachment.org_${scp}-0["${t}"]`);
      }
    }
    if (monitored) {
      const hubAccountId = this.variable('hub_account_id', {
        description: 'AWS account ID of the hub (security) account whose bus receives the root events.',
        default: config.hub.accountId,
        validation: ACCOUNT_ID_VALIDATION('hub_account_id'),
      }).stringValue;
      const partition = new DataAwsPartition(this, 'partition', { provider: providers.get(mgmt.region)! }).partition;
      const hubBusArn = `arn:${partition}:events:${config.hub.region}:${hubAccountId}:event-bus/${hubBusName(config.namePrefix)}`;
      const { account, regions } = monitorAccount(this, config, { accountId: managementAccountId, regions: config.hub.regions, providers, hubBusArn, forwardingOnly: true }, catalog);
      this.output('forwarder_role_arn', account.get('forwarder_role_arn'), "ARN of the role forwarding the management account's root events to the hub.");
      this.output('forward_rule_arns', Object.fromEntries([...regions].map(([r, m]) => [r, m.get('rule_arn')])), "Region -> ARN of the management account's forwarding rules.");
    }
    this.output('deny_root_policy_id', g.get('deny_root_policy_id'), 'ID of the SCP that denies the root user (AssumeRoot sessions exempt).');
    this.output('deny_root_access_keys_policy_id', g.get('deny_root_access_keys_policy_id'), 'ID of the SCP that denies root access-key creation.');
    this.backend(id);
  }
}
