import { Construct } from 'constructs';
import { notifierTrigger } from './notifier-trigger';
import { Op, Token } from 'cdktf';
import { rootwatchTable } from './rootwatch-table';
import { AlertFunction, LambdaCode } from './alert-function';
import { alertKeyAlias, alertTopicName, AlertTopics } from './alert-topics';
import { EmailAlerter } from './email-alerter';
import { HttpAlerter } from './http-alerter';
import { hubBusName, HubEventBus } from './hub-event-bus';
import { ArnScope, actionsOf, arnOf, PolicyStatement } from './iam';
import { EventsDeadLetterQueue } from './events-dead-letter-queue';
import { pipelineAlarm } from './pipeline-alarm';
import { PipelineDashboard } from './pipeline-dashboard';
import { ExpectedUseTable, expectedUseNotifierStatements } from './expected-use-table';
import { ExpectedUseSeverityPolicy, expectedUseTableName } from '../core/expected-use';
import { ruleNames, rulePatterns, RULE_STATE_ALL_MANAGEMENT_EVENTS } from '../core/patterns';
import { DIGEST_SWEEP_SOURCE, ENV, LAMBDA_ACTIONS, LAMBDA_IMPLICIT_ACTIONS, STALE_PATHS_METRIC, heartbeatNamespace } from '../core/lambda-contract';
import { CoverageLedger, coverageLedgerStatement, coverageTableName } from './coverage-ledger';
import { scheduleSeconds } from '../core/coverage';
import { AssumedRootPolicy, AvoidableRootWritesPolicy } from '../core/types';
import { heartbeatScheduleProblem } from '../core/config';
import { propChecks } from '../core/validation';

/** The fold window the config schema states too (__tests__/core/schema-owners.test.ts proves them equal). */
export const DEFAULT_FOLD_WINDOW_MINUTES = 15;

export interface RootwatchHubProps {
  readonly namePrefix: string;
  /** The hub (security) account; usually `var.hub_account_id`. */
  readonly hubAccountId: string;
  /** Home region of the hub (literal: spokes address the bus by ARN). */
  readonly region: string;
  readonly partition: string;
  /** Monitored accounts other than the hub (bus policy). @default [] */
  readonly spokeAccountIds?: readonly string[];
  /** Admit the whole organization instead of listing accounts. */
  readonly organizationId?: string;
  /**
   * The expected set (core/coverage.ts expectedChunks): every monitored account x region with the
   * account names, written into the coverage ledger. @default [] (nothing expected, no names)
   */
  readonly expectedChunks?: readonly string[];
  /** Heartbeat schedule, `rate(1 hour)` to `rate(1 day)`; undefined: no coverage sweep and no stale-path alarm. */
  readonly heartbeatSchedule?: string;
  /** Grace period for paths never heard from, in hours. @default 48 */
  readonly coverageGraceHours?: number;
  /** The notifier's heartbeat interval in seconds (text, may be a token); @default computed from a literal heartbeatSchedule */
  readonly heartbeatIntervalSeconds?: string;
  readonly code: { readonly notifier: LambdaCode; readonly slack?: LambdaCode; readonly pagerduty?: LambdaCode };
  /** @default no email subscriptions */
  readonly email?: { readonly login?: readonly string[]; readonly activity?: readonly string[] };
  /** SSM SecureString name of the Slack webhook URL; undefined: no Slack alerter. */
  readonly slackWebhookParameter?: string;
  /** SSM SecureString name of the PagerDuty routing key; undefined: no PagerDuty alerter. */
  readonly pagerDutyRoutingKeyParameter?: string;
  /** Fold later events of a root session within this window (0: never fold). @default 15 */
  readonly foldWindowMinutes?: number;
  /** @default 'alert' */
  readonly assumedRoot?: AssumedRootPolicy;
  /** Raise root writes an IAM principal could have done (core/root-tasks.ts). @default 'unchanged' */
  readonly avoidableRootWrites?: AvoidableRootWritesPolicy;
  /** Declared expected-use windows (modules/expected-use-table.ts); undefined: none. */
  readonly expectedUse?: { readonly severity: ExpectedUseSeverityPolicy };
  /** @default 365 */
  readonly logRetentionDays?: number;
  /**
   * For a caller that switches parts of the hub with `count` (the plain-Terraform module): the
   * Terraform condition under which each part exists. The pipeline dashboard shows a part given by
   * a token (alerter parameter, heartbeat schedule) only with its condition; without one it is left
   * off (the body may name only what is planned). Literal parts are shown as they are.
   */
  readonly dashboardConditions?: { readonly slack?: string; readonly pagerduty?: string; readonly coverage?: string };
}

/**
 * The hub: a bus that only monitored accounts may write to, rules that separate root sign-ins
 * from other root activity (and rootwatch's own pipeline events), the notifier Lambda with its
 * session-folding table, the two alert topics and the built-in alerters. Every link that can
 * fail has retries, a dead-letter queue and an alarm on the activity topic.
 */
export class RootwatchHub extends Construct {
  public readonly busArn: string;
  public readonly busName: string;
  public readonly loginTopicArn: string;
  public readonly activityTopicArn: string;
  public readonly keyArn: string;
  public readonly ruleArns: { readonly login: string; readonly activity: string; readonly pipeline: string };
  public readonly notifierFunctionArn: string;
  public readonly notifierRoleArn: string;
  public readonly stateTableName: string;
  public readonly coverageTableName: string;
  public readonly deadLetterQueueArn: string;
  /** The only role that may declare expected-use windows (`rootwatch expect`); undefined when off. */
  public readonly expectedUseDeclarerRoleArn?: string;

  constructor(scope: Construct, id: string, props: RootwatchHubProps) {
    super(scope, id);
    const settings = hubSettings(props);
    const { p, at } = settings;

    const bus = new HubEventBus(this, 'bus', {
      namePrefix: p,
      scope: at,
      ...(props.spokeAccountIds ? { monitoredAccountIds: props.spokeAccountIds } : {}),
      ...(props.organizationId ? { organizationId: props.organizationId } : {}),
    });
    const topics = new AlertTopics(this, 'topics', { namePrefix: p, scope: at });
    const hub: HubContext = { ...settings, topics, alarmTopicArn: topics.activityTopicArn };
    const table = rootwatchTable(this, 'sessions', {
      name: sessionsTableName(p),
      hashKey: 'sessionKey',
      attribute: [{ name: 'sessionKey', type: 'S' }],
      ttl: { attributeName: 'expiresAt', enabled: true },
    });
    const notifier = this.notifier(hub, table.name);
    if (props.expectedUse) {
      this.expectedUseDeclarerRoleArn = new ExpectedUseTable(this, 'expected-use', {
        namePrefix: p,
        scope: at,
        notifierFunctionName: notifier.functionName,
        failureQueueArn: notifier.failureQueueArn,
      }).declarerRoleArn;
    }
    const dlq = this.rulesDeadLetterQueue(hub);
    const ruleArns = this.rules(hub, bus, notifier, dlq);
    this.digestSweep(hub, notifier, dlq);
    // One ledger, one sweep, one alarm, whatever the number of accounts (no alarm per account).
    const ledger = new CoverageLedger(this, 'coverage', {
      namePrefix: p,
      scope: at,
      expectedChunks: props.expectedChunks ?? [],
      notifierFunctionArn: notifier.functionArn,
      notifierFunctionName: notifier.functionName,
      sweep: props.heartbeatSchedule !== undefined,
      alarmTopicArn: hub.alarmTopicArn,
      deadLetterQueueArn: dlq.queueArn,
    });
    this.alerters(hub);
    this.dashboard(hub);

    this.busArn = bus.busArn;
    this.busName = bus.busName;
    this.loginTopicArn = topics.loginTopicArn;
    this.activityTopicArn = topics.activityTopicArn;
    this.keyArn = topics.keyArn;
    this.ruleArns = ruleArns;
    this.notifierFunctionArn = notifier.functionArn;
    this.notifierRoleArn = notifier.roleArn;
    this.stateTableName = table.name;
    this.coverageTableName = ledger.tableName;
    this.deadLetterQueueArn = dlq.queueArn;
  }

  /** The notifier: folds sessions, publishes to the topics, keeps the coverage ledger. */
  private notifier(hub: HubContext, stateTable: string): AlertFunction {
    const { p, at, props } = hub;
    return new AlertFunction(this, 'notifier', {
      namePrefix: p,
      purpose: 'notifier',
      code: props.code.notifier,
      scope: at,
      alarmTopicArn: hub.alarmTopicArn,
      ...(props.logRetentionDays === undefined ? {} : { logRetentionDays: props.logRetentionDays }),
      environment: notifierEnvironment(hub, stateTable),
      statements: notifierStatements(hub),
    });
  }

  /** The one dead-letter queue of every hub rule and schedule that invokes the notifier. */
  private rulesDeadLetterQueue(hub: HubContext): EventsDeadLetterQueue {
    const { p, at, props } = hub;
    return new EventsDeadLetterQueue(this, 'rules-dlq', {
      name: `${p}-hub-rules-dlq`,
      scope: at,
      sourceRuleArns: [
        ...hubRules(p).map((def) => arnOf(at, 'events', `rule/${hubBusName(p)}/${def.name}`)),
        ...(hub.sweeps ? [arnOf(at, 'events', `rule/${digestSweepName(p)}`)] : []),
        ...(props.heartbeatSchedule !== undefined ? [arnOf(at, 'events', `rule/${p}-coverage-sweep`)] : []),
      ],
      alarmTopicArn: hub.alarmTopicArn,
    });
  }

  /** The bus rules (login, activity, pipeline) to the notifier, each with its failed-invocations alarm. */
  private rules(hub: HubContext, bus: HubEventBus, notifier: AlertFunction, dlq: EventsDeadLetterQueue): RootwatchHub['ruleArns'] {
    const ruleArns: Record<string, string> = {};
    for (const def of hubRules(hub.p)) {
      const rule = notifierTrigger(this, {
        ids: { rule: `rule-${def.key}`, target: `target-${def.key}`, permission: `invoke-${def.key}` },
        rule: { name: def.name, description: `rootwatch: ${def.description}`, eventBusName: bus.busName, eventPattern: JSON.stringify(def.pattern), state: RULE_STATE_ALL_MANAGEMENT_EVENTS },
        statementId: `events-${def.key}`,
        notifier,
        retryPolicy: { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 185 },
        deadLetterQueueArn: dlq.queueArn,
      });
      pipelineAlarm(this, `failed-${def.key}`, {
        alarmName: `${def.name}-failed-invocations`,
        description: `rootwatch: rule ${def.name} could not invoke the notifier`,
        namespace: 'AWS/Events',
        metricName: 'FailedInvocations',
        dimensions: { EventBusName: bus.busName, RuleName: rule.name },
        when: 'atLeast',
        threshold: 1,
        alarmActions: [hub.alarmTopicArn],
      });
      ruleArns[def.key] = rule.arn;
    }
    return { login: ruleArns.login, activity: ruleArns.activity, pipeline: ruleArns.pipeline };
  }

  /** The schedule that sends folded sessions' digests. With a token fold window it is built and the caller switches it (module `count`). */
  private digestSweep(hub: HubContext, notifier: AlertFunction, dlq: EventsDeadLetterQueue): void {
    if (!hub.sweeps) return;
    notifierTrigger(this, {
      ids: { rule: 'digest-sweep', target: 'digest-sweep-target', permission: 'invoke-digest-sweep' },
      rule: { name: digestSweepName(hub.p), description: 'rootwatch: sends the digest of folded root events when a session window closes', scheduleExpression: 'rate(5 minutes)', state: 'ENABLED' },
      statementId: 'events-digest-sweep',
      notifier,
      input: JSON.stringify({ source: DIGEST_SWEEP_SOURCE, 'detail-type': 'rootwatch digest sweep', detail: {} }),
      retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 10 },
      deadLetterQueueArn: dlq.queueArn,
    });
  }

  /** Email subscriptions and the webhook alerters (Slack, PagerDuty) that are configured. */
  private alerters(hub: HubContext): void {
    const { p, at, props, topics } = hub;
    if (props.email) {
      new EmailAlerter(this, 'email', {
        loginTopicArn: topics.loginTopicArn,
        activityTopicArn: topics.activityTopicArn,
        ...(props.email.login ? { loginAddresses: props.email.login } : {}),
        ...(props.email.activity ? { activityAddresses: props.email.activity } : {}),
      });
    }
    for (const h of httpAlerters(props)) {
      if (h.parameter === undefined) continue;
      if (!h.code) throw check.error(`code.${h.channel}`, `required when the ${h.channel} alerter is configured`);
      new HttpAlerter(this, h.channel, {
        namePrefix: p,
        channel: h.channel,
        code: h.code,
        scope: at,
        secretParameterName: h.parameter,
        topicArns: [topics.loginTopicArn, topics.activityTopicArn],
        alarmTopicArn: hub.alarmTopicArn,
        ...(props.logRetentionDays === undefined ? {} : { logRetentionDays: props.logRetentionDays }),
      });
    }
  }

  /**
   * Issue 14: pipeline dashboard and saved Logs Insights queries (modules/pipeline-dashboard.ts).
   * A part switched at plan time (a module variable) is shown only under the same condition.
   */
  private dashboard(hub: HubContext): void {
    const { p, props } = hub;
    const shown = (value: string | undefined, when: string | undefined): { when?: string } | undefined =>
      value === undefined ? undefined : !Token.isUnresolved(value) ? {} : when === undefined ? undefined : { when };
    const alerterParts = httpAlerters(props).flatMap((h) => {
      const on = shown(h.parameter, props.dashboardConditions?.[h.channel]);
      return on ? [{ name: `${p}-${h.channel}`, ...on }] : [];
    });
    const functions = [{ name: `${p}-notifier` }, ...alerterParts];
    const coverageShown = shown(props.heartbeatSchedule, props.dashboardConditions?.coverage);
    new PipelineDashboard(this, 'dashboard', {
      namePrefix: p,
      region: props.region,
      notifierLogGroupName: `/aws/lambda/${p}-notifier`,
      functions,
      queues: [{ name: `${p}-hub-rules-dlq` }, ...functions.map((f) => ({ ...f, name: `${f.name}-failures` }))],
      busName: hubBusName(p),
      ruleNames: hubRules(p).map((def) => def.name),
      ...(coverageShown ? { stalePaths: { namespace: heartbeatNamespace(p), metricName: STALE_PATHS_METRIC, ...coverageShown } } : {}),
    });
  }
}

const check = propChecks('RootwatchHub', (v) => Token.isUnresolved(v));

/** The props, validated, and the values derived from them. */
interface HubSettings {
  readonly props: RootwatchHubProps;
  readonly p: string;
  readonly at: ArnScope;
  /** Minutes, or a token (a module variable, checked by the variable's own validation). */
  readonly fold: number;
  /** The digest sweep exists (a token fold window: built, switched by the caller). */
  readonly sweeps: boolean;
}

/** What every part of the hub reads: the settings and the alert topics. */
interface HubContext extends HubSettings {
  readonly topics: AlertTopics;
  /** The activity topic: every pipeline alarm goes there. */
  readonly alarmTopicArn: string;
}

function hubSettings(props: RootwatchHubProps): HubSettings {
  const fold = props.foldWindowMinutes ?? DEFAULT_FOLD_WINDOW_MINUTES;
  check.int('foldWindowMinutes', fold, 0, 1440);
  if (props.heartbeatSchedule !== undefined && !Token.isUnresolved(props.heartbeatSchedule)) {
    const problem = heartbeatScheduleProblem(props.heartbeatSchedule);
    if (problem) throw check.error('heartbeatSchedule', problem);
  }
  return {
    props,
    p: props.namePrefix,
    at: { partition: props.partition, region: props.region, accountId: props.hubAccountId },
    fold,
    sweeps: Token.isUnresolved(fold) || fold > 0,
  };
}

const sessionsTableName = (p: string): string => `${p}-sessions`;
const digestSweepName = (p: string): string => `${p}-digest-sweep`;

/** The hub bus rules, each invoking the notifier. */
function hubRules(p: string) {
  const patterns = rulePatterns(p);
  const names = ruleNames(p);
  return [
    { key: 'login', name: names.hubLogin, pattern: patterns.hubLogin, description: 'root console sign-ins' },
    { key: 'activity', name: names.hubActivity, pattern: patterns.hubActivity, description: 'root API activity and AssumeRoot' },
    { key: 'pipeline', name: names.hubPipeline, pattern: patterns.hubPipeline, description: 'heartbeats and CIS alarms' },
  ] as const;
}

/** The webhook alerters, each configured by its SSM parameter (undefined: off). */
function httpAlerters(props: RootwatchHubProps) {
  return [
    { channel: 'slack' as const, parameter: props.slackWebhookParameter, code: props.code.slack },
    { channel: 'pagerduty' as const, parameter: props.pagerDutyRoutingKeyParameter, code: props.code.pagerduty },
  ];
}

/** The notifier's environment (core/lambda-contract.ts ENV). */
function notifierEnvironment(hub: HubContext, stateTable: string): Record<string, string> {
  const { p, props, fold, topics } = hub;
  return {
    [ENV.LOGIN_TOPIC_ARN]: topics.loginTopicArn,
    [ENV.ACTIVITY_TOPIC_ARN]: topics.activityTopicArn,
    [ENV.STATE_TABLE]: stateTable,
    [ENV.FOLD_WINDOW_SECONDS]: Token.isUnresolved(fold) ? Token.asString(Op.mul(fold, 60)) : String(fold * 60),
    [ENV.NAME_PREFIX]: p,
    [ENV.ASSUMED_ROOT_POLICY]: props.assumedRoot ?? 'alert',
    // account names and the expected set live in the coverage table: the environment holds 4 KB in all
    [ENV.COVERAGE_TABLE]: coverageTableName(p),
    ...(props.heartbeatIntervalSeconds !== undefined
      ? { [ENV.HEARTBEAT_INTERVAL_SECONDS]: props.heartbeatIntervalSeconds }
      : props.heartbeatSchedule === undefined
        ? {}
        : { [ENV.HEARTBEAT_INTERVAL_SECONDS]: String(scheduleSeconds(props.heartbeatSchedule)) }),
    [ENV.COVERAGE_GRACE_SECONDS]: String((props.coverageGraceHours ?? 48) * 3600),
    ...(props.avoidableRootWrites && props.avoidableRootWrites !== 'unchanged' ? { [ENV.AVOIDABLE_ROOT_WRITES]: props.avoidableRootWrites } : {}),
    ...(props.expectedUse ? { [ENV.EXPECTED_USE_TABLE]: expectedUseTableName(p), [ENV.EXPECTED_USE_SEVERITY]: props.expectedUse.severity } : {}),
  };
}

/** What the notifier may do besides its own logs and failure queue (core/lambda-contract.ts LAMBDA_ACTIONS). */
function notifierStatements(hub: HubSettings): PolicyStatement[] {
  const { p, at, props } = hub;
  return [
    { Sid: 'PublishAlerts', Effect: 'Allow', Action: actionsOf(LAMBDA_ACTIONS.notifier.alertTopics), Resource: [arnOf(at, 'sns', alertTopicName(p, 'login')), arnOf(at, 'sns', alertTopicName(p, 'activity'))] },
    {
      Sid: 'EncryptAlerts',
      Effect: 'Allow',
      Action: actionsOf(LAMBDA_IMPLICIT_ACTIONS.topicKey),
      Resource: arnOf(at, 'kms', 'key/*'),
      Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': alertKeyAlias(p) } },
    },
    {
      Sid: 'FoldSessions',
      Effect: 'Allow',
      Action: actionsOf(LAMBDA_ACTIONS.notifier.foldState),
      Resource: arnOf(at, 'dynamodb', `table/${sessionsTableName(p)}`),
    },
    coverageLedgerStatement(p, at),
    {
      Sid: 'StalePathsMetric',
      Effect: 'Allow',
      Action: actionsOf(LAMBDA_ACTIONS.notifier.stalePathsMetric),
      Resource: '*',
      Condition: { StringEquals: { 'cloudwatch:namespace': heartbeatNamespace(p) } },
    },
    ...(props.expectedUse ? expectedUseNotifierStatements(p, at) : []),
  ];
}
