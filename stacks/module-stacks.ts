/**
 * The reusable plain-Terraform modules (terraform-out/modules/<name>), composed from the same leaf
 * constructs as ever. Every config-dependent choice is a variable; identity and routing inputs have
 * no default, so a module fetched from git never carries anyone's organization. The deploy stacks
 * and the generated plain-Terraform roots call exactly these modules (see stacks/roots.ts).
 */
import { Construct } from 'constructs';
import { App, Fn, propertyAccess, TerraformIterator, TerraformResource, Token } from 'cdktf';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { rulePatterns } from '../core/patterns';
import { ENV } from '../core/lambda-contract';
import { AssumedRootPolicy, AvoidableRootWritesPolicy } from '../core/types';
import { ExpectedUseSeverityPolicy, expectedUseTableName } from '../core/expected-use';
import { MAX_LISTED_SPOKES, SECURITY_HUB_STANDARDS } from '../core/config';
import { LIMITS, NAME_LIMITS, S3_BUCKET_NAME_MAX_LENGTH } from '../core/limits';
import { AccountRootGuardrails } from '../modules/account-guardrails';
import { CisRootAlarm } from '../modules/cis-root-alarm';
import { HardenedTrail } from '../modules/hardened-trail';
import { heartbeatRole, regionHeartbeat } from '../modules/path-heartbeats';
import { DynamodbTableItem } from '@cdktf/provider-aws/lib/dynamodb-table-item';
import { arnOf } from '../modules/iam';
import { OrgRootGuardrails } from '../modules/org-guardrails';
import { forwarderRole, RootEventForwarder } from '../modules/root-event-forwarder';
import { RootwatchHub } from '../modules/rootwatch-hub';
import { LambdaCodeSet } from './lambda-code';
import { heartbeatIntervalHcl, V } from './module-inputs';
import { ModuleStack } from './module-stack';

import { ModuleName, REGION_KEY } from './module-names';

export type { ModuleName };

function child(scope: Construct, ...path: string[]): Construct {
  let c = scope;
  for (const id of path) c = c.node.findChild(id);
  return c;
}

function resource(scope: Construct, ...path: string[]): TerraformResource {
  return child(scope, ...path) as TerraformResource;
}

const str = (v: unknown, ...path: string[]) => Token.asString(propertyAccess(v, path));
const num = (v: unknown, ...path: string[]) => Token.asNumber(propertyAccess(v, path));

/** Which optional parts of the hub exist: HCL conditions on its inputs (the dashboard shows only those that do). */
const HUB_SWITCHES = {
  slack: 'var.slack_webhook_parameter_name != null',
  pagerduty: 'var.pagerduty_routing_key_parameter_name != null',
  coverage: 'var.heartbeat_schedule != null',
};

/** ARN of the hub bus, built from the inputs (known at plan time, like the spokes' view of it). */
function hubBusArn(): string {
  return `arn:\${${partitionRef()}}:events:\${var.hub_region}:\${var.hub_account_id}:event-bus/\${var.name_prefix}-root-events`;
}

type HubInputs = ReturnType<HubModule['identityAndRoutingInputs']> & ReturnType<HubModule['tuningInputs']>;

/** The hub: bus, rules, notifier, topics, alerters, in the hub account's home region. */
class HubModule extends ModuleStack {
  constructor(scope: Construct, id: string, code: LambdaCodeSet) {
    super(scope, id, 'The rootwatch hub (security account): the hub event bus, its rules, the notifier Lambda, the alert topics and the built-in alerters.');
    const inputs: HubInputs = { ...this.identityAndRoutingInputs(), ...this.tuningInputs() };
    const rw = this.hub(inputs, code);
    this.expectedUseTable(rw);
    this.coverageLedger(rw, inputs);
    this.busAdmission(rw);
    this.alerterSwitches(rw);
    this.emailSubscriptions(rw, inputs);
    this.hubOutputs(rw);
  }

  /** Who the hub is, who may reach its bus, and where alerts go. */
  private identityAndRoutingInputs() {
    const namePrefix = this.variable('name_prefix', { type: 'string', description: 'Prefix of every named resource.', validation: V.namePrefix() });
    const hubAccountId = this.variable('hub_account_id', { type: 'string', description: 'AWS account ID of the hub (security) account.', validation: V.accountId('hub_account_id') });
    const hubRegion = this.variable('hub_region', {
      type: 'string',
      description: 'Region of the hub bus; must be the region of the provider passed to this module (checked at plan).',
      validation: V.region('hub_region'),
    });
    const organizationId = this.variable('organization_id', {
      type: 'string',
      nullable: true,
      description: 'AWS Organizations ID whose accounts may put events on the hub bus; null: only admitted_account_ids may.',
      validation: [{ condition: '${var.organization_id == null ? true : can(regex("^o-[a-z0-9]{10,32}$", var.organization_id))}', errorMessage: 'organization_id must be null or an organization ID (o-...).' }],
    });
    const admitted = this.variable('admitted_account_ids', {
      type: 'list(string)',
      description: `Accounts that may put events on the hub bus when organization_id is null (at most ${MAX_LISTED_SPOKES}: the bus policy is limited to 10 KB).`,
      validation: [...V.accountIdList('admitted_account_ids')!, ...V.maxItems('admitted_account_ids', MAX_LISTED_SPOKES, `the event bus policy that lists them holds at most ${LIMITS.eventBusPolicy.max} characters: ${LIMITS.eventBusPolicy.source}`)!],
    });
    const loginEmails = this.variable('login_emails', { type: 'list(string)', description: 'E-mail addresses subscribed to root sign-in alerts.', validation: V.emails('login_emails') });
    const activityEmails = this.variable('activity_emails', { type: 'list(string)', description: 'E-mail addresses subscribed to other root activity and pipeline alarms.', validation: V.emails('activity_emails') });
    const slack = this.variable('slack_webhook_parameter_name', {
      type: 'string', nullable: true,
      description: 'SSM SecureString parameter holding the Slack webhook URL; null: no Slack alerter.',
      validation: V.parameterName('slack_webhook_parameter_name'),
    });
    const pagerduty = this.variable('pagerduty_routing_key_parameter_name', {
      type: 'string', nullable: true,
      description: 'SSM SecureString parameter holding the PagerDuty routing key; null: no PagerDuty alerter.',
      validation: V.parameterName('pagerduty_routing_key_parameter_name'),
    });
    return { namePrefix, hubAccountId, hubRegion, organizationId, admitted, loginEmails, activityEmails, slack, pagerduty };
  }

  /** Folding, retention, coverage and severity policies (all with defaults but the coverage set). */
  private tuningInputs() {
    const fold = this.variable('fold_window_minutes', {
      type: 'number', default: 15,
      description: 'Later events of a root session within this window are folded into one digest (0: never fold).',
      validation: [{ condition: '${var.fold_window_minutes >= 0 && var.fold_window_minutes <= 1440 && floor(var.fold_window_minutes) == var.fold_window_minutes}', errorMessage: 'fold_window_minutes must be a whole number from 0 to 1440.' }],
    });
    const retention = this.variable('log_retention_days', { type: 'number', default: 365, description: 'Retention of the Lambda log groups.', validation: V.logRetention('log_retention_days') });
    const heartbeatSchedule = this.variable('heartbeat_schedule', {
      type: 'string', nullable: true,
      description: 'Heartbeat schedule of the monitored accounts ("rate(1 hour)" to "rate(1 day)"); a path is stale after two intervals plus 15 minutes. null: no coverage sweep and no stale-path alarm.',
      validation: V.heartbeatSchedule('heartbeat_schedule'),
    });
    const expected = this.variable('expected_accounts', {
      type: 'list(object({ account_id = string, regions = list(string), name = string }))',
      description: 'The coverage set: every monitored account with its regions and display name (name may be null), written into the coverage ledger (the notifier reads names there; a Lambda environment holds 4 KB in all).',
      validation: [{ condition: '${alltrue([for a in var.expected_accounts : can(regex("^[0-9]{12}$", a.account_id)) && length(a.regions) > 0])}', errorMessage: 'expected_accounts: account_id must be 12 digits and regions non-empty.' }],
    });
    const assumedRoot = this.variable('assumed_root', {
      type: 'string', default: 'alert',
      description: 'What sanctioned centralized-root (sts:AssumeRoot) sessions do: alert, low or mute.',
      validation: [{ condition: '${contains(["alert", "low", "mute"], var.assumed_root)}', errorMessage: 'assumed_root must be alert, low or mute.' }],
    });
    // Issue 14: root-only task verdict and expected-use windows (core/root-tasks.ts, core/expected-use.ts).
    const avoidable = this.variable('avoidable_root_writes', {
      type: 'string', default: 'unchanged',
      description: 'Root writes an IAM principal could have done (not on AWS\'s list of tasks that require root): unchanged, or raised to at least high or critical.',
      validation: [{ condition: '${contains(["unchanged", "high", "critical"], var.avoidable_root_writes)}', errorMessage: 'avoidable_root_writes must be unchanged, high or critical.' }],
    });
    this.variable('expected_use', { type: 'bool', default: true, description: 'Create the expected-use table, its declarer role and the announcement stream (rootwatch expect).' });
    const expectedUseSeverity = this.variable('expected_use_severity', {
      type: 'string', default: 'one-lower',
      description: 'Severity of root events inside a declared window: one-lower (sign-ins without MFA and failures keep theirs) or unchanged.',
      validation: [{ condition: '${contains(["one-lower", "unchanged"], var.expected_use_severity)}', errorMessage: 'expected_use_severity must be one-lower or unchanged.' }],
    });
    return { fold, retention, heartbeatSchedule, expected, assumedRoot, avoidable, expectedUseSeverity };
  }

  /** The hub construct (bus, rules, notifier, topics, alerters, dashboard) on the module's inputs. */
  private hub(inputs: HubInputs, code: LambdaCodeSet): RootwatchHub {
    const { namePrefix, hubAccountId, hubRegion, organizationId, slack, pagerduty, fold, assumedRoot, heartbeatSchedule, retention, avoidable, expectedUseSeverity } = inputs;
    new DataAwsRegion(this, 'current'); // data.aws_region.current: read by the bus's region precondition
    const partition = new DataAwsPartition(this, 'partition').partition;
    const p = namePrefix.stringValue;
    return new RootwatchHub(this, 'hub', {
      namePrefix: p,
      hubAccountId: hubAccountId.stringValue,
      region: hubRegion.stringValue,
      partition,
      organizationId: organizationId.stringValue, // busAdmission replaces the bus policy by a choice at plan time
      code,
      slackWebhookParameter: slack.stringValue,
      pagerDutyRoutingKeyParameter: pagerduty.stringValue,
      foldWindowMinutes: fold.numberValue,
      assumedRoot: assumedRoot.stringValue as AssumedRootPolicy,
      heartbeatSchedule: heartbeatSchedule.stringValue,
      heartbeatIntervalSeconds: `\${var.heartbeat_schedule == null ? 21600 : ${heartbeatIntervalHcl('var.heartbeat_schedule')}}`,
      logRetentionDays: retention.numberValue,
      avoidableRootWrites: avoidable.stringValue as AvoidableRootWritesPolicy,
      expectedUse: { severity: expectedUseSeverity.stringValue as ExpectedUseSeverityPolicy },
      // the dashboard shows these parts only when they exist
      dashboardConditions: HUB_SWITCHES,
    });
  }

  /** Without the table the notifier looks nothing up (an empty name means no windows). */
  private expectedUseTable(rw: RootwatchHub): void {
    this.when('var.expected_use', child(rw, 'expected-use'));
    resource(rw, 'notifier', 'function').addOverride(
      `environment.variables.${ENV.EXPECTED_USE_TABLE}`,
      `\${var.expected_use ? "${expectedUseTableName('${var.name_prefix}')}" : ""}`,
    );
  }

  /** The expected set, in chunks of 100 accounts (one ledger item each, far below DynamoDB's 400 KB), and the coverage sweep. */
  private coverageLedger(rw: RootwatchHub, { expected }: HubInputs): void {
    const ledger = child(rw, 'coverage');
    new DynamodbTableItem(ledger, 'expected', {
      forEach: TerraformIterator.fromList(expected.listValue),
      tableName: rw.coverageTableName,
      hashKey: 'pk',
      rangeKey: 'sk',
      item: '${jsonencode({ pk = { S = "#expected" }, sk = { S = each.key }, accounts = { S = jsonencode([for a in each.value : { a = a.account_id, r = a.regions, n = a.name }]) } })}',
    }).addOverride('for_each', '${{ for i, c in chunklist(var.expected_accounts, 100) : format("%03d", i) => c }}');
    this.when(HUB_SWITCHES.coverage, child(ledger, 'sweep'), child(ledger, 'sweep-target'), child(ledger, 'invoke-sweep'), child(ledger, 'stale-paths'));
    organizationAccounts(this, ledger, rw); // issue 15: stackset mode
  }

  /**
   * Admission: the organization when given, else the listed accounts (admitted_account_ids), chosen at
   * plan time; HubEventBus builds one of the two. The bus must sit in hub_region.
   */
  private busAdmission(rw: RootwatchHub): void {
    const busArn = hubBusArn();
    // only rootwatch's forwarding roles (aws:PrincipalArn), in either mode
    const forwarders = `ArnLike = { "aws:PrincipalArn" = "arn:\${${partitionRef()}}:iam::*:role/\${substr("\${var.name_prefix}-forward-", 0, 38)}*" }`;
    const statement = (sid: string, principal: string, extra: string) =>
      `{ Sid = "${sid}", Effect = "Allow", Principal = ${principal}, Action = "events:PutEvents", Resource = "${busArn}"${extra} }`;
    resource(rw, 'bus', 'policy').addOverride('policy',
      '${var.organization_id != null ? ' +
        `jsonencode({ Version = "2012-10-17", Statement = [${statement('OrganizationForwardersPutEvents', '"*"', `, Condition = { StringEquals = { "aws:PrincipalOrgID" = var.organization_id }, ${forwarders} }`)}] })` +
        ' : ' +
        `jsonencode({ Version = "2012-10-17", Statement = [${statement('MonitoredForwardersPutEvents', `{ AWS = [for a in sort(distinct(var.admitted_account_ids)) : "arn:\${${partitionRef()}}:iam::\${a}:root"] }`, `, Condition = { ${forwarders} }`)}] })` +
        '}');
    resource(rw, 'bus', 'bus').addOverride('lifecycle.precondition', [
      {
        condition: '${data.aws_region.current.name == var.hub_region}',
        error_message: 'rootwatch hub: the aws provider passed to this module is in ${data.aws_region.current.name} but hub_region is ${var.hub_region}; every spoke forwards to the bus in hub_region, so pass a provider for hub_region.',
      },
      {
        condition: `\${var.organization_id != null || (length(var.admitted_account_ids) > 0 && length(var.admitted_account_ids) <= ${MAX_LISTED_SPOKES})}`,
        error_message: `rootwatch hub: set organization_id, or list 1 to ${MAX_LISTED_SPOKES} admitted_account_ids.`,
      },
    ]);
  }

  /** The Slack and PagerDuty alerters when their parameters are given; the digest sweep when folding. */
  private alerterSwitches(rw: RootwatchHub): void {
    this.when(HUB_SWITCHES.slack, child(rw, 'slack'));
    this.when(HUB_SWITCHES.pagerduty, child(rw, 'pagerduty'));
    this.when('var.fold_window_minutes > 0', child(rw, 'digest-sweep'), child(rw, 'digest-sweep-target'), child(rw, 'invoke-digest-sweep'));
  }

  /** E-mail subscriptions, one per address (instance key: the address). */
  private emailSubscriptions(rw: RootwatchHub, { loginEmails, activityEmails }: HubInputs): void {
    const email = new Construct(rw, 'email');
    for (const [kind, list, topic] of [['login', loginEmails, rw.loginTopicArn], ['activity', activityEmails, rw.activityTopicArn]] as const) {
      const it = TerraformIterator.fromList(list.listValue);
      new SnsTopicSubscription(email, kind, { forEach: it, topicArn: topic, protocol: 'email', endpoint: Token.asString(it.value) });
    }
  }

  private hubOutputs(rw: RootwatchHub): void {
    this.output('bus_arn', hubBusArn(), 'ARN of the hub event bus: the hub_bus_arn of every spoke-region and account module.');
    this.output('bus_name', rw.busName, 'Name of the hub event bus.');
    this.output('login_topic_arn', rw.loginTopicArn, 'SNS topic of root sign-in alerts (subscribe custom integrations here).');
    this.output('activity_topic_arn', rw.activityTopicArn, 'SNS topic of other root activity and pipeline alarms.');
    this.output('rule_arns', rw.ruleArns, 'Hub bus rules: login, activity, pipeline.');
    this.output('notifier_function_arn', rw.notifierFunctionArn, 'ARN of the notifier Lambda.');
    this.output('notifier_role_arn', rw.notifierRoleArn, 'ARN of the notifier Lambda role.');
    this.output('kms_key_arn', rw.keyArn, 'KMS key encrypting the alert topics.');
    this.output('dead_letter_queue_arn', rw.deadLetterQueueArn, 'Dead-letter queue of the hub rules.');
    this.output('expected_use_declarer_role_arn', Fn.try([rw.expectedUseDeclarerRoleArn, null]), 'The only role that may declare expected root use (rootwatch expect --profile <a profile assuming it>); null when expected_use is false.');
    this.output('coverage_table_name', rw.coverageTableName, 'DynamoDB coverage ledger (read by `rootwatch coverage`).');
  }
}

/**
 * issue 15 (spokeDelivery "stackset"): the accounts of the stack set's OUs are expected too. The
 * source (org-read role, OUs, regions) is a ledger item the sweep reads (lambdas/coverage.ts), and
 * the notifier may assume that one role. Nothing exists while the variable is null.
 */
function organizationAccounts(stack: ModuleStack, ledger: Construct, rw: RootwatchHub): void {
  stack.variable('organization_accounts', {
    type: 'object({ account_id = string, ou_ids = list(string), regions = list(string) })',
    nullable: true,
    description: 'Stackset mode: the management account or delegated administrator holding the org-read role, the stack set\'s target OUs and regions; the coverage sweep expects every ACTIVE account below those OUs. null: only expected_accounts.',
    validation: [{ condition: '${var.organization_accounts == null ? true : try(can(regex("^[0-9]{12}$", var.organization_accounts.account_id)) && length(var.organization_accounts.ou_ids) > 0, false)}', errorMessage: 'organization_accounts: account_id must be 12 digits and ou_ids non-empty.' }],
  }).addOverride('default', null); // optional: the stacks-mode callers leave it out
  const roleArn = `arn:\${${partitionRef()}}:iam::\${var.organization_accounts.account_id}:role/\${var.name_prefix}-org-read`;
  const source = new Construct(ledger, 'organization');
  new DynamodbTableItem(source, 'source', {
    tableName: rw.coverageTableName,
    hashKey: 'pk',
    rangeKey: 'sk',
    item: `\${jsonencode({ pk = { S = "#organization" }, sk = { S = "stackset" }, source = { S = jsonencode({ roleArn = "${roleArn}", ouIds = var.organization_accounts.ou_ids, regions = var.organization_accounts.regions }) } })}`,
  });
  new IamRolePolicy(source, 'assume-org-read', {
    name: 'assume-org-read',
    role: Token.asString(propertyAccess(resource(rw, 'notifier', 'role'), ['id'])),
    policy: `\${jsonencode({ Version = "2012-10-17", Statement = [{ Sid = "ListStackSetAccounts", Effect = "Allow", Action = "sts:AssumeRole", Resource = "${roleArn}" }] })}`,
  });
  stack.when('var.organization_accounts != null', source);
}

function partitionRef(): string {
  return 'data.aws_partition.partition.partition';
}

/** Where an account module builds: its name prefix, account, and the provider's region and partition. */
interface AccountScope {
  readonly p: string;
  readonly account: string;
  readonly region: string;
  readonly partition: string;
}

type AccountInputs = ReturnType<AccountModule['accountInputs']>;

/** Everything that exists once per monitored account: the forwarding role, the CIS alarm, account guardrails, the trail. */
class AccountModule extends ModuleStack {
  constructor(scope: Construct, id: string) {
    super(scope, id, 'What a monitored account needs once (not per region): the role EventBridge forwards with, the optional CIS CloudWatch.1 alarm, account-level root guardrails and the optional hardened trail. Call it with the provider of the account\'s home region.');
    const inputs = this.accountInputs();
    const at: AccountScope = {
      p: inputs.namePrefix.stringValue,
      account: inputs.accountId.stringValue,
      region: new DataAwsRegion(this, 'current').name,
      partition: new DataAwsPartition(this, 'partition').partition,
    };
    const { role, hbRole } = this.roles(at, inputs);
    const cis = this.cisAlarm(at, inputs);
    this.accountSettings(at, inputs);
    const trail = this.trail(at, inputs, cis);

    this.output('forwarder_role_arn', role.arn, 'ARN of the role EventBridge uses to forward root events to the hub (forwarder_role_arn of spoke-region).');
    this.output('heartbeat_role_arn', hbRole.arn, 'ARN of the heartbeat role (heartbeat_role_arn of spoke-region); null without heartbeat.');
    this.output('cis_alarm_arn', cis.alarmArn, 'ARN of the CIS CloudWatch.1 root-usage alarm (null without cis_log_group_name and trail).');
    this.output('cis_topic_arn', cis.topicArn, 'SNS topic of the CIS alarm: subscribe someone (Security Hub CloudWatch.1 wants a subscriber).');
    this.output('trail_arn', trail.trailArn, 'ARN of the hardened trail (null without trail).');
  }

  /** The account's identity and routing, and its settings, trail and CIS alarm source. */
  private accountInputs() {
    const namePrefix = this.variable('name_prefix', { type: 'string', description: 'Prefix of every named resource.', validation: V.namePrefix() });
    const accountId = this.variable('account_id', { type: 'string', description: 'AWS account ID of the monitored account (the provider must reach it).', validation: V.accountId('account_id') });
    const hubBusArn = this.variable('hub_bus_arn', { type: 'string', description: 'ARN of the hub bus (output bus_arn of the hub module).', validation: V.busArn('hub_bus_arn') });
    const cisLogGroup = this.variable('cis_log_group_name', {
      type: 'string', nullable: true,
      description: 'Existing CloudTrail log group of the account, in the region of the provider: adds the CIS CloudWatch.1 root-usage alarm. null: the hardened trail\'s log group when trail is set, else no alarm.',
    });
    const contacts = this.variable('alternate_contacts', {
      type: 'map(object({ name = string, title = string, email = string, phone = string }))',
      description: 'Alternate contacts by type (billing, operations, security); missing types are left alone.',
      validation: [{ condition: '${alltrue([for k in keys(var.alternate_contacts) : contains(["billing", "operations", "security"], k)])}', errorMessage: 'alternate_contacts keys must be billing, operations or security.' }],
    });
    const password = this.variable('password_policy', {
      type: 'object({ minimum_length = number, reuse_prevention = number, max_age_days = number })', nullable: true,
      description: 'IAM account password policy (max_age_days 0: passwords never expire); null: not managed.',
      validation: [{ condition: '${var.password_policy == null ? true : (var.password_policy.minimum_length >= 14 && var.password_policy.minimum_length <= 128 && var.password_policy.reuse_prevention >= 1 && var.password_policy.reuse_prevention <= 24)}', errorMessage: 'password_policy: minimum_length 14-128, reuse_prevention 1-24.' }],
    });
    this.variable('s3_public_access_block', { type: 'bool', description: 'Block S3 public access account-wide.' });
    const trail = this.variable('trail', {
      type: 'object({ log_retention_days = number, transition_to_glacier_days = number, object_lock_days = number })', nullable: true,
      description: 'Hardened multi-region CloudTrail (object_lock_days null: no Object Lock); null: no trail.',
    });
    return { namePrefix, accountId, hubBusArn, cisLogGroup, contacts, password, trail };
  }

  /** The role EventBridge forwards with, and the heartbeat role (switched by var.heartbeat). */
  private roles({ p, account, partition }: AccountScope, { hubBusArn }: AccountInputs) {
    const fwd = new Construct(this, 'forwarder');
    const role = forwarderRole(fwd, { namePrefix: p, accountId: account, hubBusArn: hubBusArn.stringValue });
    this.variable('heartbeat', { type: 'bool', default: true, description: 'Create the heartbeat role (the spoke-region modules\' heartbeats tag the forwarding dead-letter queues with it).' });
    const hb = new Construct(this, 'heartbeat');
    const hbRole = heartbeatRole(hb, { namePrefix: p, accountId: account, partition });
    this.when('var.heartbeat', hb);
    return { role, hbRole };
  }

  /** CIS CloudWatch.1: on the given log group, else the hardened trail's own (same account and region). */
  private cisAlarm({ p, account, partition, region }: AccountScope, { cisLogGroup }: AccountInputs): CisRootAlarm {
    const cis = new CisRootAlarm(this, 'cis', {
      namePrefix: p, accountId: account, partition, region,
      logGroupName: cisLogGroup.stringValue,
    });
    this.variable('cis_alarm', { type: 'bool', default: true, description: 'Create the CIS alarm here (from cis_log_group_name or the trail). false when the log group is in another region: the spoke-region module of that region makes it (its cis_log_group_name).' });
    this.when('var.cis_alarm && (var.cis_log_group_name != null || var.trail != null)', cis);
    resource(cis, 'filter').addOverride('log_group_name', '${var.cis_log_group_name != null ? var.cis_log_group_name : "${var.name_prefix}-trail-${var.account_id}-${data.aws_region.current.name}"}');
    return cis;
  }

  /** Account-level root guardrails: alternate contacts, password policy, S3 public access block. */
  private accountSettings({ p }: AccountScope, { contacts, password }: AccountInputs): void {
    const g = new AccountRootGuardrails(this, 'guardrails', {
      namePrefix: p,
      alternateContacts: Object.fromEntries((['billing', 'operations', 'security'] as const).map((t) => [t, {
        name: str(contacts.value, t, 'name'), title: str(contacts.value, t, 'title'), email: str(contacts.value, t, 'email'), phone: str(contacts.value, t, 'phone'),
      }])),
      passwordPolicy: { enabled: true, minimumLength: num(password.value, 'minimum_length'), reusePrevention: num(password.value, 'reuse_prevention') },
      s3PublicAccessBlock: true,
    });
    for (const t of ['billing', 'operations', 'security']) this.when(`contains(keys(var.alternate_contacts), "${t}")`, child(g, `alternate-contact-${t}`));
    this.when('var.password_policy != null', child(g, 'password-policy'));
    resource(g, 'password-policy').addOverride('max_password_age', '${var.password_policy.max_age_days > 0 ? var.password_policy.max_age_days : null}');
    this.when('var.s3_public_access_block', child(g, 's3-public-access-block'));
  }

  /** The optional hardened trail (and the CIS filter's dependency on its log group). */
  private trail({ p, account, region, partition }: AccountScope, { trail }: AccountInputs, cis: CisRootAlarm): HardenedTrail {
    const t = new HardenedTrail(this, 'trail', {
      namePrefix: p, accountId: account, region, partition,
      logRetentionDays: num(trail.value, 'log_retention_days'),
      transitionToGlacierDays: num(trail.value, 'transition_to_glacier_days'),
      objectLockDays: num(trail.value, 'object_lock_days'),
    });
    this.when('var.trail != null', t);
    // A filter on the trail's log group needs the log group first.
    resource(cis, 'filter').addOverride('depends_on', [`aws_cloudwatch_log_group.${resource(t, 'log-group').friendlyUniqueId}`]);
    resource(t, 'bucket').addOverride('object_lock_enabled', '${var.trail.object_lock_days != null}');
    this.when('var.trail != null && try(var.trail.object_lock_days != null, false)', child(t, 'bucket-object-lock'));
    // The bucket name grows with the prefix and the region's name: plan fails here rather than S3 at apply.
    const bucketName = '${var.name_prefix}-trail-${var.account_id}-${data.aws_region.current.name}';
    resource(t, 'bucket').addOverride('lifecycle.precondition', [{
      condition: `\${length("${bucketName}") <= ${S3_BUCKET_NAME_MAX_LENGTH}}`,
      error_message: `rootwatch account: the trail bucket name ${bucketName} is longer than S3's ${S3_BUCKET_NAME_MAX_LENGTH} characters (${NAME_LIMITS.aws_s3_bucket[0].source}): shorten name_prefix.`,
    }]);
    return t;
  }
}

/** One region of one monitored account: region-agnostic, the region comes from the provider. */
export class SpokeRegionModule extends ModuleStack {
  constructor(scope: Construct, id: string) {
    super(scope, id, 'One region of a monitored account: a rule on the default bus matching root CloudTrail events (and the heartbeat\'s CloudTrail record), forwarding them to the hub bus, with retries and a dead-letter queue (alarmed); the heartbeat. Region-agnostic: call it once per region with `providers = { aws = aws.<region> }`.');
    const namePrefix = this.variable('name_prefix', { type: 'string', description: 'Prefix of every named resource.', validation: V.namePrefix() });
    const accountId = this.variable('spoke_account_id', { type: 'string', description: 'AWS account ID of the monitored account (the provider must reach it).', validation: V.accountId('spoke_account_id') });
    const hubBusArn = this.variable('hub_bus_arn', { type: 'string', description: 'ARN of the hub bus, in the hub region (output bus_arn of the hub module).', validation: V.busArn('hub_bus_arn') });
    const roleArn = this.variable('forwarder_role_arn', { type: 'string', description: 'Role EventBridge forwards with (output forwarder_role_arn of the account module).', validation: V.roleArn('forwarder_role_arn') });
    const schedule = this.variable('heartbeat_schedule', {
      type: 'string', nullable: true,
      description: 'Schedule of this region\'s heartbeat ("rate(1 hour)" to "rate(1 day)"): a TagQueue on the forwarding dead-letter queue that CloudTrail records and the root rule carries to the hub. null: no heartbeat.',
      validation: V.heartbeatSchedule('heartbeat_schedule'),
    });
    const hbRoleArn = this.variable('heartbeat_role_arn', { type: 'string', nullable: true, description: 'Heartbeat role (output heartbeat_role_arn of the account module); null: no heartbeat.' });
    this.variable('dead_letter_alarm', { type: 'bool', default: true, description: 'Alarm on the forwarding dead-letter queue depth (its state change travels to the hub); $0.10 a month.' });

    const region = new DataAwsRegion(this, 'current').name;
    const partition = new DataAwsPartition(this, 'partition').partition;
    const p = namePrefix.stringValue;
    const patterns = rulePatterns(p);
    const fwd = new RootEventForwarder(this, 'forwarder', {
      namePrefix: p,
      accountId: accountId.stringValue,
      partition,
      hubBusArn: hubBusArn.stringValue,
      roleArn: roleArn.stringValue,
      regions: [{ region, id: REGION_KEY }],
      rootPattern: patterns.spokeRoot,
      pipelinePattern: patterns.spokePipeline,
      deadLetterAlarms: true,
    });
    this.when('var.dead_letter_alarm', child(fwd, `dlq-${REGION_KEY}-not-empty`));
    const hb = regionHeartbeat(this, 'heartbeat', {
      namePrefix: p,
      partition,
      region,
      queueUrl: fwd.deadLetterQueueUrls[region],
      roleArn: hbRoleArn.stringValue,
      scheduleExpression: schedule.stringValue,
    });
    this.when('var.heartbeat_schedule != null', hb); // not on the role ARN: it is unknown until the account module's role exists
    // CIS CloudWatch.1 beside a log group outside the account's home region (metric filters and alarms are regional).
    const cisLogGroup = this.variable('cis_log_group_name', {
      type: 'string', nullable: true, default: null,
      description: 'Existing CloudTrail log group in this region: the CIS CloudWatch.1 root-usage metric filter and alarm are made here (metric filters are regional). null: none here (the account module makes the alarm in the home region).',
    });
    const cis = new CisRootAlarm(this, 'cis', { namePrefix: p, accountId: accountId.stringValue, partition, region, logGroupName: cisLogGroup.stringValue });
    this.when('var.cis_log_group_name != null', cis);

    this.output('region', region, 'Region of this instance (from its provider).');
    this.output('rule_arn', fwd.ruleArns[region], 'ARN of the root-event forwarding rule.');
    this.output('dead_letter_queue_arn', fwd.deadLetterQueueArns[region], 'ARN of the forwarding dead-letter queue.');
    this.output('cis_alarm_arn', cis.alarmArn, 'ARN of the CIS CloudWatch.1 root-usage alarm in this region (null without cis_log_group_name).');
    this.output('cis_topic_arn', cis.topicArn, 'SNS topic of that CIS alarm (null without cis_log_group_name).');
    void arnOf;
  }
}

/** Security Hub standards the guardrails module accepts, as an HCL list. */
const STANDARDS_HCL = `[${SECURITY_HUB_STANDARDS.map((x) => JSON.stringify(x)).join(', ')}]`;

/** The guardrails module's README text: what it makes, how to call it per region, how to adopt existing services. */
const GUARDRAILS_DESCRIPTION = [
  'Organization root guardrails in the management account: the deny-root SCPs, centralized root access, and optionally GuardDuty and Security Hub (standards as a list; default CIS v1.4.0, which holds IAM.4, IAM.6, IAM.9 and CloudWatch.1) with a delegated administrator.',
  'GuardDuty and Security Hub are regional: call the module once per region with that region\'s provider (SCP targets empty and centralized_root_access false in all calls but one). For auto-enable of member accounts, call it once more per region with a provider reaching the delegated administrator and only `organization_configuration` set (everything else empty/false/null).',
  'Adopting services that already exist (a second detector or an already subscribed Security Hub fails at apply): `import` blocks are allowed only in a root module, so put them in your root, e.g. `import { to = module.guardrails.aws_guardduty_detector.org_guardduty[0]  id = "<detector id>" }`, `import { to = module.guardrails.aws_securityhub_account.org_securityhub[0]  id = "<account id>" }`, `import { to = module.guardrails.aws_securityhub_standards_subscription.org_securityhub-cis["cis-aws-foundations-benchmark/v/1.4.0"]  id = "arn:aws:securityhub:<region>:<account id>:subscription/cis-aws-foundations-benchmark/v/1.4.0" }`, `import { to = module.guardrails.aws_guardduty_organization_admin_account.org_guardduty-admin[0]  id = "<admin account id>" }` (likewise `aws_securityhub_organization_admin_account.org_securityhub-admin[0]`). The generated roots in terraform-out/plain-terraform/ write these from the config (guardrails.guardDuty.existingDetectorIds, guardrails.securityHub.adoptExisting, existingStandards, existingDelegatedAdmin).',
].join('\n\n');

/** SCP targets: organization root, OU or account IDs. */
function targetValidation(name: string) {
  return [{
    condition: `\${alltrue([for t in var.${name} : can(regex("^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|[0-9]{12})$", t))])}`,
    errorMessage: `${name} must hold organization root (r-...), OU (ou-...) or 12-digit account IDs.`,
  }];
}

/** A delegated administrator: null or a 12-digit account ID. */
function adminValidation(v: string) {
  return {
    condition: `\${try(var.${v}.delegated_admin_account_id, null) == null ? true : can(regex("^[0-9]{12}$", var.${v}.delegated_admin_account_id))}`,
    errorMessage: `${v}.delegated_admin_account_id must be null or a 12-digit AWS account ID.`,
  };
}

type GuardrailsInputs = ReturnType<GuardrailsModule['guardrailsInputs']>;

/**
 * Organization guardrails. Called in the management account once per configured region: the SCPs and
 * centralized root access are global (give them in one call, empty/false in the others); GuardDuty and
 * Security Hub are regional. Called with a provider reaching the delegated administrator, with only
 * `organization_configuration` set, it makes the organization configurations of that region.
 */
class GuardrailsModule extends ModuleStack {
  constructor(scope: Construct, id: string) {
    super(scope, id, GUARDRAILS_DESCRIPTION);
    const org = this.orgGuardrails(this.guardrailsInputs());
    this.scpAttachments(org);
    this.serviceSwitches(org);
    this.guardrailsOutputs(org);
  }

  /** The SCP targets, centralized root access, and GuardDuty / Security Hub / organization configurations. */
  private guardrailsInputs() {
    const namePrefix = this.variable('name_prefix', { type: 'string', description: 'Prefix of every named resource.', validation: V.namePrefix() });
    const denyRoot = this.variable('deny_root_target_ids', { type: 'list(string)', description: 'Roots, OUs or accounts the deny-root SCP is attached to; empty: no SCP.', validation: targetValidation('deny_root_target_ids') });
    const denyKeys = this.variable('deny_root_access_keys_target_ids', { type: 'list(string)', description: 'Targets of the deny-root-access-keys SCP; empty: no SCP.', validation: targetValidation('deny_root_access_keys_target_ids') });
    this.variable('centralized_root_access', { type: 'bool', description: 'Enable IAM centralized root access (RootCredentialsManagement, RootSessions).' });
    const gd = this.variable('guardduty', {
      type: 'object({ delegated_admin_account_id = optional(string) })', nullable: true,
      description: 'GuardDuty detector in this region of the management account, with this delegated administrator (null: none); null: not managed.',
      validation: [adminValidation('guardduty')],
    });
    const sh = this.variable('securityhub', {
      type: 'object({ delegated_admin_account_id = optional(string), standards = optional(list(string), ["cis-aws-foundations-benchmark/v/1.4.0"]) })', nullable: true,
      description: 'Security Hub in this region of the management account with these standards (default CIS v1.4.0: IAM.4, IAM.6, IAM.9, CloudWatch.1) and this delegated administrator (null: none); null: not managed.',
      validation: [adminValidation('securityhub'), {
        condition: `\${var.securityhub == null ? true : (length(var.securityhub.standards) == length(distinct(var.securityhub.standards)) && alltrue([for s in var.securityhub.standards : contains(${STANDARDS_HCL}, s)]))}`,
        errorMessage: `securityhub.standards must hold distinct standards among ${SECURITY_HUB_STANDARDS.join(', ')}.`,
      }],
    });
    const oc = this.variable('organization_configuration', {
      type: 'object({ guardduty_detector_id = optional(string), guardduty_auto_enable = optional(string, "ALL"), securityhub_auto_enable = optional(bool), securityhub_auto_enable_standards = optional(string, "DEFAULT") })',
      nullable: true, default: null,
      description: 'Only with a provider reaching the delegated administrator: its organization configurations in this region (GuardDuty with the administrator\'s detector ID, auto-enable ALL/NEW/NONE; Security Hub auto-enable for new members, default standards DEFAULT/NONE); null attributes: not managed.',
      validation: [{
        condition: '${var.organization_configuration == null ? true : ((var.organization_configuration.guardduty_detector_id == null || can(regex("^[a-z0-9]{32}$", coalesce(var.organization_configuration.guardduty_detector_id, "-")))) && contains(["ALL", "NEW", "NONE"], var.organization_configuration.guardduty_auto_enable) && contains(["DEFAULT", "NONE"], var.organization_configuration.securityhub_auto_enable_standards))}',
        errorMessage: 'organization_configuration: guardduty_detector_id is a 32-character detector ID, guardduty_auto_enable ALL, NEW or NONE, securityhub_auto_enable_standards DEFAULT or NONE.',
      }],
    });
    return { namePrefix, denyRoot, denyKeys, gd, sh, oc };
  }

  /** The guardrails construct with every part on; the switches below keep the parts the inputs ask for. */
  private orgGuardrails({ namePrefix, denyRoot, denyKeys, gd, sh, oc }: GuardrailsInputs): OrgRootGuardrails {
    const region = new DataAwsRegion(this, 'current').name;
    const partition = new DataAwsPartition(this, 'partition').partition;
    return new OrgRootGuardrails(this, 'org', {
      namePrefix: namePrefix.stringValue,
      region,
      partition,
      denyRootScp: { enabled: true, targetIds: [Fn.one(denyRoot.listValue)] },
      denyRootAccessKeysScp: { enabled: true, targetIds: [Fn.one(denyKeys.listValue)] },
      centralizedRootAccess: true,
      guardDuty: { enabled: true, delegatedAdminAccountId: str(gd.value, 'delegated_admin_account_id') },
      securityHub: { enabled: true, delegatedAdminAccountId: str(sh.value, 'delegated_admin_account_id') },
      organizationConfiguration: {
        guardDutyDetectorId: str(oc.value, 'guardduty_detector_id'),
        guardDutyAutoEnable: str(oc.value, 'guardduty_auto_enable') as 'ALL',
        securityHubAutoEnable: Token.asAny(propertyAccess(oc.value, ['securityhub_auto_enable'])) as unknown as boolean,
        securityHubAutoEnableStandards: str(oc.value, 'securityhub_auto_enable_standards') as 'DEFAULT',
      },
    });
  }

  /** One attachment per target (instance key: the target ID); no SCP without targets. */
  private scpAttachments(org: OrgRootGuardrails): void {
    for (const [scp, variable] of [['deny-root', 'deny_root_target_ids'], ['deny-root-access-keys', 'deny_root_access_keys_target_ids']]) {
      const attachment = resource(org, `${scp}-0`);
      attachment.addOverride('for_each', `\${toset(var.${variable})}`);
      attachment.addOverride('target_id', '${each.value}');
      this.when(`length(var.${variable}) > 0`, child(org, scp));
    }
  }

  /** Centralized root access, GuardDuty, Security Hub (one subscription per standard), administrators and organization configurations. */
  private serviceSwitches(org: OrgRootGuardrails): void {
    this.when('var.centralized_root_access', child(org, 'centralized-root-access'));
    this.when('var.guardduty != null', child(org, 'guardduty'));
    this.when('try(var.guardduty.delegated_admin_account_id != null, false)', child(org, 'guardduty-admin'));
    this.when('var.securityhub != null', child(org, 'securityhub'));
    // One subscription per listed standard (instance key: the standard); CIS v1.2.0 is a global ruleset.
    const subscription = resource(org, 'securityhub-cis');
    subscription.addOverride('for_each', '${var.securityhub == null ? toset([]) : toset(var.securityhub.standards)}');
    subscription.addOverride('standards_arn', '${each.value == "cis-aws-foundations-benchmark/v/1.2.0" ? "arn:${data.aws_partition.partition.partition}:securityhub:::ruleset/${each.value}" : "arn:${data.aws_partition.partition.partition}:securityhub:${data.aws_region.current.name}::standards/${each.value}"}');
    this.when('try(var.securityhub.delegated_admin_account_id != null, false)', child(org, 'securityhub-admin'));
    this.when('try(var.organization_configuration.guardduty_detector_id != null, false)', child(org, 'guardduty-organization'));
    this.when('try(var.organization_configuration.securityhub_auto_enable != null, false)', child(org, 'securityhub-organization'));
  }

  private guardrailsOutputs(org: OrgRootGuardrails): void {
    this.output('deny_root_policy_id', org.denyRootPolicyId, 'ID of the SCP that denies the root user (AssumeRoot sessions exempt); null when not attached.');
    this.output('deny_root_access_keys_policy_id', org.denyRootAccessKeysPolicyId, 'ID of the SCP that denies root access-key creation; null when not attached.');
    this.output('guardduty_detector_id', org.guardDutyDetectorId, 'ID of the GuardDuty detector in this region (null when guardduty is null).');
    const idOf = (address: string) => `try(${address}[0].id, null)`;
    this.output('singleton_ids', `\${{ ${[
      `guardduty_detector = ${idOf('aws_guardduty_detector.org_guardduty')}`,
      `guardduty_admin = ${idOf('aws_guardduty_organization_admin_account.org_guardduty-admin')}`,
      `securityhub_account = ${idOf('aws_securityhub_account.org_securityhub')}`,
      'securityhub_standards = { for k, s in aws_securityhub_standards_subscription.org_securityhub-cis : k => s.id }',
      `securityhub_admin = ${idOf('aws_securityhub_organization_admin_account.org_securityhub-admin')}`,
      `guardduty_organization_configuration = ${idOf('aws_guardduty_organization_configuration.org_guardduty-organization')}`,
      `securityhub_organization_configuration = ${idOf('aws_securityhub_organization_configuration.org_securityhub-organization')}`,
    ].join(', ')} }}`, 'IDs of the account-level singletons in this region (what `import` blocks adopt; null where not managed): GuardDuty detector and administrator, Security Hub account, standards subscriptions (by standard) and administrator, organization configurations.');
  }
}

/** All modules in one app (each stack becomes terraform-out/modules/<name>). */
export function buildModulesApp(outdir: string, code: LambdaCodeSet): { app: App; modules: Record<ModuleName, ModuleStack> } {
  const app = new App({ outdir });
  const modules = {
    hub: new HubModule(app, 'hub', code),
    account: new AccountModule(app, 'account'),
    'spoke-region': new SpokeRegionModule(app, 'spoke-region'),
    guardrails: new GuardrailsModule(app, 'guardrails'),
  };
  return { app, modules };
}
