/**
 * The deploy roots: thin Terraform roots (providers, backend, the documented variables, one module
 * call per region or account) over terraform-out/modules. The config's values appear here, in the
 * module calls, and nowhere in the modules. The same roots are written as HCL for plain Terraform
 * (stacks/plain-root.ts).
 */
import { createHash } from 'crypto';
import { Construct } from 'constructs';
import { App, TerraformHclModule, TerraformProvider } from 'cdktf';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { ConfigError, DEFAULT_SECURITY_HUB_STANDARDS, delegatedAdminAccount, delegatedAdminReach, heartbeatScheduleProblem, OrgGuardrailsConfig, RootwatchConfig, SpokeConfig, AccountTarget } from '../core/config';
import { checkLogGroupName, hubBusName } from '../core/patterns';
import { regionId } from '../core/regions';
import { ACCOUNT_ID_VALIDATION, providerAuth, RootProvider, RootProviderConfig, RootwatchStack } from './base';
import type { ModuleResourceAddress } from './module-stack';
import { ModuleName, REGION_KEY } from './module-names';
import { spokeModuleName, spokeRegionKey } from './spoke-module';
import { expectedAccounts } from '../core/coverage';
import { makeUniqueId } from './cdktf-internals';
import { STACKSET_STACK_NAME } from '../core/stackset-config';
import { StackSetStack } from './stackset-root';

/** Resource addresses of every module (for the `moved` blocks of the roots). */
export type ModuleCatalog = Record<ModuleName, readonly ModuleResourceAddress[]>;

/** Stack names users type (`cdktf deploy spoke-prod`); stable for a given config. */
export function spokeStackName(spoke: SpokeConfig): string {
  return `spoke-${spoke.name}`;
}

/** Every deploy stack of the config in one app (stacks never refer to each other). */
export function buildDeployApp(outdir: string, config: RootwatchConfig, catalog: ModuleCatalog): App {
  const app = new App({ outdir });
  new HubStack(app, 'hub', config, catalog);
  for (const spoke of config.spokes) new SpokeStack(app, spokeStackName(spoke), config, spoke, catalog);
  if (config.orgGuardrails) new GuardrailsStack(app, 'guardrails', config, config.orgGuardrails, catalog);
  if (config.stackSet) new StackSetStack(app, STACKSET_STACK_NAME, config, config.stackSet, (stack, props) => monitorAccount(stack, config, props, catalog)); // issue 15
  return app;
}

// An external ID is not a secret (AWS: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html).
const EXTERNAL_ID_VALIDATION = (name: string) => ({
  // RE2 (Terraform's regex engine) caps repetition at 1000, so the length is checked apart.
  condition: `\${var.${name} == null ? true : length(var.${name}) <= 1224 && can(regex("^[A-Za-z0-9+=,.@:/-]{2,}$", var.${name}))}`,
  errorMessage: `${name} must be 2-1224 characters of [A-Za-z0-9+=,.@:/-].`,
});
const ROLE_ARN_VALIDATION = (name: string) => ({
  condition: `\${can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.${name}))}`,
  errorMessage: `${name} must be an IAM role ARN (arn:aws:iam::<12 digits>:role/<name>).`,
});

/** Inputs of the spoke composition module that come from the config as a whole (the same for every account). */
function orgInputs(config: RootwatchConfig): Record<string, unknown> {
  const g = config.accountGuardrails;
  return {
    name_prefix: config.namePrefix,
    alternate_contacts: Object.fromEntries(Object.entries(g.alternateContacts).filter(([, c]) => c).map(([t, c]) => [t, { name: c!.name, title: c!.title, email: c!.email, phone: c!.phone }])),
    password_policy: g.passwordPolicy.enabled
      ? { minimum_length: g.passwordPolicy.minimumLength, reuse_prevention: g.passwordPolicy.reusePrevention, max_age_days: g.passwordPolicy.maxAgeDays }
      : null,
    s3_public_access_block: g.s3PublicAccessBlock,
    trail: g.trail.enabled
      ? { log_retention_days: g.trail.logRetentionDays, transition_to_glacier_days: g.trail.transitionToGlacierDays, object_lock_days: g.trail.objectLockDays ?? null }
      : null,
    heartbeat_schedule: config.alerts.heartbeat.enabled ? config.alerts.heartbeat.scheduleExpression : null,
    ...(config.alerts.deadLetterAlarms ? {} : { dead_letter_alarm: false }),
  };
}

/** What monitorAccount needs of one account. */
export interface MonitorAccountProps {
  accountId: string;
  regions: readonly string[];
  providers: Map<string, TerraformProvider>;
  hubBusArn: string;
  cisLogGroupName?: string;
  cisLogGroupRegion?: string;
  manageAccountSettings?: boolean;
  /** The management account: forwarding (and, with manageAccountSettings, its account-wide settings) only. */
  forwardingOnly?: boolean;
}

/** Inputs of the spoke composition module call for one account (per-account values literal or, in plain roots, variables). */
function spokeModuleInputs(config: RootwatchConfig, props: Omit<MonitorAccountProps, 'providers' | 'regions'> & { home: string }): Record<string, unknown> {
  const manage = props.manageAccountSettings ?? true;
  const cisRegion = props.cisLogGroupRegion ?? props.home;
  return {
    ...orgInputs(config),
    account_id: props.accountId,
    hub_bus_arn: props.hubBusArn,
    ...(props.cisLogGroupName !== undefined && !props.forwardingOnly ? { cis_log_group_name: props.cisLogGroupName } : {}),
    ...(props.cisLogGroupName !== undefined && !props.forwardingOnly && cisRegion !== props.home ? { cis_log_group_region: cisRegion } : {}),
    // the module's defaults (true) are not repeated in every account's call
    ...(manage ? {} : { manage_account_settings: false }),
    // forwarding only (the management account): its own trail is left alone
    ...(props.forwardingOnly ? { trail: null } : {}),
  };
}

/**
 * A monitored account in one root: one call `module.spoke` of the generated composition module of
 * its region set (stacks/spoke-module.ts), which calls the account module in the home region (the
 * first region, us-east-1) and a spoke-region module per region. Addresses of 0.1.0 stacks move along.
 */
function monitorAccount(stack: RootwatchStack, config: RootwatchConfig, props: MonitorAccountProps, catalog: ModuleCatalog): { spoke: TerraformHclModule } {
  // The modules check their inputs at plan time; values from the config are checked at synth as well.
  if (props.cisLogGroupName !== undefined) checkLogGroupName(props.cisLogGroupName);
  const heartbeat = config.alerts.heartbeat;
  const problem = heartbeat.enabled ? heartbeatScheduleProblem(heartbeat.scheduleExpression) : undefined;
  if (problem) throw new Error(`alerts.heartbeat.scheduleExpression (heartbeat): ${problem}`);
  const home = props.regions[0];
  const key = spokeRegionKey(props.regions);
  const spoke = stack.aliasedModule('spoke', spokeModuleName(props.regions), key.map((r) => props.providers.get(r)!), spokeModuleInputs(config, { ...props, home }));
  if (!props.forwardingOnly) addAccountMoves(stack, config, props, catalog);
  return { spoke };
}

/** `moved` blocks from the 0.1.0 addresses of an account's resources to module.spoke.module.{account,region_*}. */
function addAccountMoves(stack: RootwatchStack, config: RootwatchConfig, props: MonitorAccountProps, catalog: ModuleCatalog): void {
  const home = props.regions[0];
  const cisElsewhere = props.cisLogGroupName !== undefined && (props.cisLogGroupRegion ?? home) !== home;
  const manage = props.manageAccountSettings ?? true;
  const g = config.accountGuardrails;
  stack.moves('spoke.module.account', catalog.account, (a) => {
    const top = a.components[0];
    if (top === 'heartbeat') return false; // the 0.1.0 canary role is replaced by the heartbeat role
    if (top === 'cis') return props.cisLogGroupName !== undefined && !cisElsewhere;
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
  for (const region of props.regions) {
    // Before modules only the home region had the heartbeat canary and the pipeline rule.
    stack.moves(`spoke.module.region_${regionId(region)}`, catalog['spoke-region'],
      (a) => a.components[0] !== 'heartbeat' && a.components[0] !== 'cis' && !a.components.some((c) => c.startsWith(`dlq-${REGION_KEY}-not-empty`)) && (region === home || !a.components.some((c) => c.startsWith(`pipeline-${REGION_KEY}`))),
      (c) => c.replace(new RegExp(`(^|-)${REGION_KEY}(?=$|-)`), `$1${region}`));
  }
}

abstract class RootStack extends RootwatchStack {

  /** The CIS alarm's outputs, when the account has one (on the given log group, else the hardened trail's). */
  protected cisOutputs(spoke: TerraformHclModule, cisLogGroupName: string | undefined): void {
    if (!cisLogGroupName && !this.config.accountGuardrails.trail.enabled) return;
    this.output('cis_alarm_arn', spoke.get('cis_alarm_arn'), 'ARN of the CIS CloudWatch.1 root-usage alarm.');
    this.output('cis_topic_arn', spoke.get('cis_topic_arn'), 'SNS topic of the CIS alarm (subscribe someone: Security Hub CloudWatch.1).');
  }
}

/**
 * Region lists the coverage set repeats (every account of a region set lists the same regions):
 * each list used twice or more becomes a local `regions_<hash of the list>` of the hub root,
 * referenced by each entry, instead of 17 region names per account (issue 10's output size).
 */
function sharedLists(lists: readonly (readonly string[])[]): { locals: Array<[string, readonly string[]]>; ref(list: readonly string[]): unknown } {
  const uses = new Map<string, number>();
  for (const l of lists) uses.set(l.join(','), (uses.get(l.join(',')) ?? 0) + 1);
  const name = (l: readonly string[]) => `regions_${createHash('sha256').update(l.join(',')).digest('hex').slice(0, 8)}`;
  const seen = new Set<string>();
  const shared = lists.filter((l) => (uses.get(l.join(',')) ?? 0) > 1 && !seen.has(l.join(',')) && Boolean(seen.add(l.join(','))));
  return {
    locals: shared.map((l) => [name(l), l]),
    ref: (l) => ((uses.get(l.join(',')) ?? 0) > 1 ? `\${local.${name(l)}}` : l),
  };
}

/** What monitorAccount takes from a hub or spoke entry: its CIS log group (and region) and whether it owns the account-wide settings. */
function accountOptions(t: { cisLogGroupName?: string; cisLogGroupRegion?: string; manageAccountSettings?: boolean }): { cisLogGroupName?: string; cisLogGroupRegion?: string; manageAccountSettings?: boolean } {
  return {
    ...(t.cisLogGroupName ? { cisLogGroupName: t.cisLogGroupName, ...(t.cisLogGroupRegion ? { cisLogGroupRegion: t.cisLogGroupRegion } : {}) } : {}),
    ...(t.manageAccountSettings === false ? { manageAccountSettings: false } : {}),
  };
}

function optionalKey<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Partition of a role ARN (arn:<partition>:iam::...), `aws` without one. */
function partitionOfArn(arn: string | undefined): string {
  return arn?.split(':')[1] || 'aws';
}

function assumeRoleVariables(stack: RootStack, prefix: string, target: AccountTarget, what: string): { assumeRoleArn?: string; externalId?: string } {
  if (!target.assumeRoleArn) return {};
  const assumeRoleArn = stack['variable'](`${prefix}_assume_role_arn`, {
    description: `IAM role in the ${what} that Terraform assumes.`,
    default: target.assumeRoleArn,
    validation: ROLE_ARN_VALIDATION(`${prefix}_assume_role_arn`),
  }).stringValue;
  const externalId = stack['variable'](`${prefix}_external_id`, {
    description: `External ID the ${what} role's trust policy requires (null: none); not a secret.`,
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
    const hubAccountId = this.hubAccountIdVariable('AWS account ID of the hub (security) account that receives every root event.');
    const auth = providerAuth(hubAccountId, assumeRoleVariables(this, 'hub_account', hub, 'hub account'));
    const providers = this.regionProviders([...new Set([...hub.regions, hub.region])], auth);
    const regionLists = sharedLists(expectedAccounts(config).map((e) => e.regions));
    for (const [name, list] of regionLists.locals) this.addOverride(`locals.${name}`, list);
    const hubModule = this.module('hub', 'hub', providers.get(hub.region)!, hubModuleInputs(config, hubAccountId, regionLists.ref));
    this.migrationBlocks(catalog, auth);
    const { spoke } = monitorAccount(this, config, {
      accountId: hubAccountId, regions: hub.regions, providers, hubBusArn: hubModule.get('bus_arn'), ...accountOptions(hub),
    }, catalog);
    this.cisOutputs(spoke, hub.cisLogGroupName);
    for (const [name, description] of HUB_OUTPUTS) this.output(name, hubModule.get(name), description);
    this.output('forwarder_role_arn', spoke.get('forwarder_role_arn'), 'ARN of the role forwarding the hub account\'s own root events.');
    this.output('forward_rule_arns', spoke.get('rule_arns'), 'Region -> ARN of the hub account\'s own forwarding rules.');
    this.backend(id);
  }

  /** `moved` blocks of the hub module's resources from 0.1.0, and `removed` blocks for the alarms that have no successor. */
  private migrationBlocks(catalog: ModuleCatalog, auth: Pick<RootProviderConfig, 'allowedAccountIds' | 'assumeRole'>): void {
    const { hub, alerts: a, spokes, tags } = this.config;
    const skipped = new Set(['hub/email/login', 'hub/email/activity', 'hub/heartbeat', 'hub/coverage/expected']);
    this.moves('hub', catalog.hub, (m) => {
      if (skipped.has(m.components.join('/'))) return false;
      if (m.components[1] === 'dashboard' || m.components[1] === 'expected-use') return false; // new after 0.1.0: nothing to move
      if (m.components[1] === 'slack') return a.slack !== undefined;
      if (m.components[1] === 'pagerduty') return a.pagerduty !== undefined;
      if (m.components[1]?.includes('digest-sweep')) return a.foldWindowMinutes > 0;
      if (m.components[1] === 'coverage') return false; // new in this version: nothing to move
      return true;
    });
    for (const kind of ['login', 'activity'] as const) {
      for (const address of a.email[kind]) {
        this.moved(`aws_sns_topic_subscription.${makeUniqueId(['hub', 'email', `${kind}-${address}`])}`, `module.hub.aws_sns_topic_subscription.hub_email_${kind}["${address}"]`);
      }
    }
    // The per-account heartbeat alarms of 0.1.0 are gone (one stale-path alarm replaces them). They sat
    // under the default provider: forget them from state (destroy = false; delete the CloudWatch
    // alarms by hand after the upgrade) rather than fail the plan on an orphan.
    if (!a.heartbeat.enabled || !this.migrating) return;
    const removed = [['hub', hub.accountId], ...spokes.map((s) => [s.accountId, s.accountId])].map(([key]) => ({
      from: `aws_cloudwatch_metric_alarm.${makeUniqueId(['hub', `heartbeat-${key}`])}`,
      lifecycle: { destroy: false },
    }));
    this.addOverride('removed', removed);
    // `removed` still needs the provider those alarms were created with: the default one, in the hub region
    new RootProvider(this, 'aws', { ...auth, region: hub.region, ...(Object.keys(tags).length > 0 ? { defaultTags: [{ tags }] } : {}) });
  }
}

/** Outputs of the hub root taken from the hub module as they are. */
const HUB_OUTPUTS = [
  ['bus_arn', 'ARN of the hub event bus that spokes forward to.'],
  ['login_topic_arn', 'SNS topic of root sign-in alerts (subscribe custom integrations here).'],
  ['activity_topic_arn', 'SNS topic of other root activity and pipeline alarms.'],
  ['rule_arns', 'Hub bus rules: login, activity, pipeline.'],
  ['notifier_function_arn', 'ARN of the notifier Lambda.'],
  ['notifier_role_arn', 'ARN of the notifier Lambda role.'],
  ['kms_key_arn', 'KMS key encrypting the alert topics.'],
  ['expected_use_declarer_role_arn', 'The only role that may declare expected root use (rootwatch expect --profile <a profile assuming it>); null when off.'],
] as const;

/** Inputs of the hub module: the config's choices (`regionsOf`: a region list, or the local holding it). */
function hubModuleInputs(config: RootwatchConfig, hubAccountId: string, regionsOf: (list: readonly string[]) => unknown): Record<string, unknown> {
  const { hub, alerts: a, detection } = config;
  return {
    name_prefix: config.namePrefix,
    hub_account_id: hubAccountId,
    hub_region: hub.region,
    organization_id: hub.organizationId ?? null,
    // the bus admits the organization when given (the list is then unused: not repeated per account)
    admitted_account_ids: hub.organizationId ? [] : config.spokes.map((s) => s.accountId),
    login_emails: a.email.login,
    activity_emails: a.email.activity,
    slack_webhook_parameter_name: a.slack?.webhookParameterName ?? null,
    pagerduty_routing_key_parameter_name: a.pagerduty?.routingKeyParameterName ?? null,
    fold_window_minutes: a.foldWindowMinutes,
    log_retention_days: a.logRetentionDays,
    heartbeat_schedule: a.heartbeat.enabled ? a.heartbeat.scheduleExpression : null,
    // the coverage set (hub, spokes, management account) with names: ledger items, not the Lambda environment
    expected_accounts: expectedAccounts(config).map((e) => ({ account_id: e.account === hub.accountId ? hubAccountId : e.account, regions: regionsOf(e.regions), name: e.name ?? null })),
    assumed_root: detection.assumedRoot,
    avoidable_root_writes: detection.avoidableRootWrites,
    expected_use: detection.expectedUse.enabled,
    expected_use_severity: detection.expectedUse.severity,
    // issue 15: stackset mode expects the accounts of the target OUs too (listed by the sweep)
    ...(config.stackSet ? { organization_accounts: { account_id: config.stackSet.deployer.accountId, ou_ids: config.stackSet.organizationalUnitIds, regions: hub.regions } } : {}),
  };
}

/** One monitored account: the account module and a spoke-region module per region of that spoke. */
export class SpokeStack extends RootStack {
  constructor(scope: Construct, id: string, config: RootwatchConfig, spoke: SpokeConfig, catalog: ModuleCatalog) {
    super(scope, id, config);
    const hubAccountId = this.hubAccountIdVariable('AWS account ID of the hub (security) account whose bus receives the root events.');
    const spokeAccountId = this.variable('spoke_account_id', {
      description: 'AWS account ID of the monitored (spoke) account.',
      default: spoke.accountId,
      validation: ACCOUNT_ID_VALIDATION('spoke_account_id'),
    }).stringValue;
    const roleArn = this.variable('spoke_account_assume_role_arn', {
      description: 'IAM role in the spoke account that Terraform assumes.',
      default: spoke.assumeRoleArn,
      validation: ROLE_ARN_VALIDATION('spoke_account_assume_role_arn'),
    }).stringValue;
    const externalId = this.variable('spoke_account_external_id', {
      description: 'External ID the spoke role\'s trust policy requires (null: none); not a secret.',
      default: spoke.externalId ?? null,
      nullable: true,
      validation: EXTERNAL_ID_VALIDATION('spoke_account_external_id'),
    }).stringValue;
    const providers = this.regionProviders(spoke.regions, providerAuth(spokeAccountId, { assumeRoleArn: roleArn, externalId }));
    // The hub bus in the hub's region, whatever region the rule is in (EventBridge forwards across regions).
    // The hub bus in the hub's partition: the spoke's (an organization spans one partition), read from
    // its role ARN as the guardrails imports do, rather than a data source in every spoke root.
    const hubBusArn = `arn:${partitionOfArn(spoke.assumeRoleArn)}:events:${config.hub.region}:${hubAccountId}:event-bus/${hubBusName(config.namePrefix)}`;
    const call = monitorAccount(this, config, {
      accountId: spokeAccountId, regions: spoke.regions, providers, hubBusArn, ...accountOptions(spoke),
    }, catalog).spoke;
    this.cisOutputs(call, spoke.cisLogGroupName);
    this.output('forwarder_role_arn', call.get('forwarder_role_arn'), 'ARN of the role EventBridge uses to forward root events to the hub.');
    this.output('rule_arns', call.get('rule_arns'), 'Region -> ARN of the root-event forwarding rule.');
    this.output('dead_letter_queue_arns', call.get('dead_letter_queue_arns'), 'Region -> ARN of the forwarding dead-letter queue.');
    this.backend(id);
  }
}

/** A Terraform `import` block (root modules only). */
export interface ImportBlock { readonly to: string; readonly id: string }

/** The subscription ARN of a standard: the ID `terraform import` takes for aws_securityhub_standards_subscription. */
function subscriptionArn(partition: string, region: string, accountId: string, standard: string): string {
  return `arn:${partition}:securityhub:${region}:${accountId}:subscription/${standard}`;
}

/** Name of the guardrails module call in a region (the management region keeps `guardrails`). */
function guardrailsCall(org: OrgGuardrailsConfig, region: string): string {
  return region === org.managementAccount.region ? 'guardrails' : `guardrails_${regionId(region)}`;
}

/**
 * The `import` blocks that adopt what the config says the organization already runs, so the first
 * apply never creates a second detector, Security Hub account, subscription or administrator (each
 * fails at apply: GuardDuty allows one detector per account and region, EnableSecurityHub on a
 * subscribed account is a conflict). IDs are literals (Terraform 1.5 takes no expression there).
 */
function guardrailsImports(org: OrgGuardrailsConfig, partition: string): ImportBlock[] {
  const gd = org.guardDuty;
  const sh = org.securityHub;
  const mgmt = org.managementAccount.accountId;
  const out: ImportBlock[] = [];
  for (const region of org.regions) {
    const m = `module.${guardrailsCall(org, region)}`;
    if (gd.enabled) {
      const detector = gd.existingDetectorIds[region];
      if (detector !== undefined) out.push({ to: `${m}.aws_guardduty_detector.org_guardduty[0]`, id: detector });
      if (gd.existingDelegatedAdmin) out.push({ to: `${m}.aws_guardduty_organization_admin_account.org_guardduty-admin[0]`, id: gd.delegatedAdminAccountId! });
    }
    if (sh.enabled) {
      if (sh.adoptExisting) out.push({ to: `${m}.aws_securityhub_account.org_securityhub[0]`, id: mgmt });
      for (const std of sh.existingStandards) {
        out.push({ to: `${m}.aws_securityhub_standards_subscription.org_securityhub-cis["${std}"]`, id: subscriptionArn(partition, region, mgmt, std) });
      }
      if (sh.existingDelegatedAdmin) out.push({ to: `${m}.aws_securityhub_organization_admin_account.org_securityhub-admin[0]`, id: sh.delegatedAdminAccountId! });
    }
    // An existing administrator has its organization configurations already.
    const admin = `module.${adminCall(region)}`;
    const oc = organizationConfiguration(org, region);
    if (oc?.guardduty_detector_id && gd.existingDelegatedAdmin) out.push({ to: `${admin}.aws_guardduty_organization_configuration.org_guardduty-organization[0]`, id: oc.guardduty_detector_id });
    if (oc && oc.securityhub_auto_enable !== null && sh.existingDelegatedAdmin) out.push({ to: `${admin}.aws_securityhub_organization_configuration.org_securityhub-organization[0]`, id: sh.delegatedAdminAccountId! });
  }
  return out;
}

const adminCall = (region: string) => `guardrails_admin_${regionId(region)}`;

/** Input `organization_configuration` of the administrator's call in `region`; undefined: no call there. */
function organizationConfiguration(org: OrgGuardrailsConfig, region: string) {
  const gd = org.guardDuty;
  const sh = org.securityHub;
  const detector = gd.enabled ? gd.delegatedAdminDetectorIds[region] : undefined;
  const shAuto = sh.enabled && sh.delegatedAdminAccountId !== undefined;
  if (detector === undefined && !shAuto) return undefined;
  return {
    guardduty_detector_id: detector ?? null,
    guardduty_auto_enable: gd.autoEnable,
    securityhub_auto_enable: shAuto ? sh.autoEnable : null,
    securityhub_auto_enable_standards: sh.autoEnableStandards,
  };
}

/** Organization guardrails from the management account. */
export class GuardrailsStack extends RootStack {
  constructor(scope: Construct, id: string, config: RootwatchConfig, org: OrgGuardrailsConfig, catalog: ModuleCatalog) {
    super(scope, id, config);
    const mgmt = org.managementAccount;
    const managementAccountId = this.variable('management_account_id', {
      description: 'AWS account ID of the organization management account.',
      default: mgmt.accountId,
      validation: ACCOUNT_ID_VALIDATION('management_account_id'),
    }).stringValue;
    const auth = providerAuth(managementAccountId, assumeRoleVariables(this, 'management_account', mgmt, 'management account'));
    // The management account is monitored too (no SCP restricts its root), unless it is the hub or a spoke.
    const monitored = mgmt.accountId !== config.hub.accountId && !config.spokes.some((sp) => sp.accountId === mgmt.accountId);
    if (mgmt.manageAccountSettings && !monitored) {
      // Its hub or spoke stack already calls the account module there: that entry owns the settings.
      throw new ConfigError('guardrails.managementAccount.manageAccountSettings', `account ${mgmt.accountId} is also the hub or a spoke: set manageAccountSettings on that entry instead (its stack holds the account module)`);
    }
    // GuardDuty and Security Hub are regional: every configured region (org.regions, management region first).
    const serviceRegions = org.guardDuty.enabled || org.securityHub.enabled ? org.regions : [mgmt.region];
    const providers = this.regionProviders([...new Set([mgmt.region, ...serviceRegions, ...(monitored ? config.hub.regions : [])])], auth);
    const gdInput = org.guardDuty.enabled ? { delegated_admin_account_id: org.guardDuty.delegatedAdminAccountId ?? null } : null;
    const shInput = org.securityHub.enabled ? { delegated_admin_account_id: org.securityHub.delegatedAdminAccountId ?? null, standards: org.securityHub.standards } : null;
    const calls = new Map<string, TerraformHclModule>();
    for (const region of serviceRegions) {
      const home = region === mgmt.region;
      calls.set(region, this.module(guardrailsCall(org, region), 'guardrails', providers.get(region)!, {
        name_prefix: config.namePrefix,
        // SCPs and centralized root access are global: in the management region's call only.
        deny_root_target_ids: home && org.denyRootScp.enabled ? org.denyRootScp.targetIds : [],
        deny_root_access_keys_target_ids: home && org.denyRootAccessKeysScp.enabled ? org.denyRootAccessKeysScp.targetIds : [],
        centralized_root_access: home && org.centralizedRootAccess,
        guardduty: gdInput,
        securityhub: shInput,
      }));
    }
    this.delegatedAdminCalls(org, serviceRegions);
    // Adopt what already exists (import blocks are allowed in a root module only).
    const imports = guardrailsImports(org, partitionOfArn(mgmt.assumeRoleArn));
    if (imports.length > 0) this.addOverride('import', imports.map((i) => ({ ...i })));
    this.migrationBlocks(org, catalog);
    if (monitored) {
      const hubAccountId = this.hubAccountIdVariable('AWS account ID of the hub (security) account whose bus receives the root events.');
      const partition = new DataAwsPartition(this, 'partition', { provider: providers.get(mgmt.region)! }).partition;
      const hubBusArn = `arn:${partition}:events:${config.hub.region}:${hubAccountId}:event-bus/${hubBusName(config.namePrefix)}`;
      const { spoke } = monitorAccount(this, config, { accountId: managementAccountId, regions: config.hub.regions, providers, hubBusArn, forwardingOnly: true, manageAccountSettings: mgmt.manageAccountSettings }, catalog);
      this.output('forwarder_role_arn', spoke.get('forwarder_role_arn'), "ARN of the role forwarding the management account's root events to the hub.");
      this.output('forward_rule_arns', spoke.get('rule_arns'), "Region -> ARN of the management account's forwarding rules.");
    }
    const g = calls.get(mgmt.region)!;
    this.output('deny_root_policy_id', g.get('deny_root_policy_id'), 'ID of the SCP that denies the root user (AssumeRoot sessions exempt).');
    this.output('deny_root_access_keys_policy_id', g.get('deny_root_access_keys_policy_id'), 'ID of the SCP that denies root access-key creation.');
    this.backend(id);
  }

  /** Auto-enable for member accounts is set by the delegated administrator, in each region (its own provider and call). */
  private delegatedAdminCalls(org: OrgGuardrailsConfig, serviceRegions: readonly string[]): void {
    const adminId = delegatedAdminAccount(org);
    if (adminId === undefined) return;
    const { hub, namePrefix, tags } = this.config;
    const reach = delegatedAdminReach(org, hub, adminId);
    const adminVars = assumeRoleVariables(this, 'delegated_admin', { accountId: adminId, ...optionalKey('assumeRoleArn', reach.assumeRoleArn), ...optionalKey('externalId', reach.externalId) }, 'delegated administrator account');
    for (const region of serviceRegions) {
      const oc = organizationConfiguration(org, region);
      if (!oc) continue;
      const alias = `delegated_admin_${regionId(region)}`;
      const provider = new RootProvider(this, `aws-${alias}`, { ...providerAuth(adminId, adminVars), region, alias, ...(Object.keys(tags).length > 0 ? { defaultTags: [{ tags }] } : {}) });
      const call = this.module(adminCall(region), 'guardrails', provider, {
        name_prefix: namePrefix,
        deny_root_target_ids: [],
        deny_root_access_keys_target_ids: [],
        centralized_root_access: false,
        guardduty: null,
        securityhub: null,
        organization_configuration: oc,
      });
      // The administrator is designated (management account) before it configures the organization.
      call.addOverride('depends_on', [`module.${guardrailsCall(org, region)}`]);
    }
  }

  /** `moved` blocks of the guardrails module's resources from 0.1.0. */
  private migrationBlocks(org: OrgGuardrailsConfig, catalog: ModuleCatalog): void {
    this.moves('guardrails', catalog.guardrails, (m) => {
      const c = m.components[1] ?? '';
      if (c === 'deny-root-0' || c === 'deny-root-access-keys-0') return false;
      if (c === 'deny-root') return org.denyRootScp.enabled;
      if (c === 'deny-root-access-keys') return org.denyRootAccessKeysScp.enabled;
      if (c === 'centralized-root-access') return org.centralizedRootAccess;
      if (c.endsWith('-organization') || c === 'securityhub-cis') return false; // new, or keyed by standard (below)
      if (c.startsWith('guardduty')) return org.guardDuty.enabled && (c === 'guardduty' || org.guardDuty.delegatedAdminAccountId !== undefined);
      if (c.startsWith('securityhub')) return org.securityHub.enabled && (c !== 'securityhub-admin' || org.securityHub.delegatedAdminAccountId !== undefined);
      return true;
    });
    // 0.1.0 subscribed one standard (CIS v3.0.0): it becomes the CIS v1.4.0 instance (replaced: another ARN).
    const std = org.securityHub.standards.includes(DEFAULT_SECURITY_HUB_STANDARDS[0]) ? DEFAULT_SECURITY_HUB_STANDARDS[0] : org.securityHub.standards[0];
    if (org.securityHub.enabled && std) {
      this.moved(`aws_securityhub_standards_subscription.${makeUniqueId(['org', 'securityhub-cis'])}`, `module.guardrails.aws_securityhub_standards_subscription.org_securityhub-cis["${std}"]`);
    }
    for (const [scp, s] of [['deny-root', org.denyRootScp], ['deny-root-access-keys', org.denyRootAccessKeysScp]] as const) {
      if (!s.enabled) continue;
      for (const t of s.targetIds) {
        this.moved(`aws_organizations_policy_attachment.${makeUniqueId(['org', `${scp}-${t}`])}`, `module.guardrails.aws_organizations_policy_attachment.org_${scp}-0["${t}"]`);
      }
    }
  }
}
