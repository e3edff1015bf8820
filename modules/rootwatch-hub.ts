import { Construct } from 'constructs';
import { Op, Token } from 'cdktf';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { AlertFunction, LambdaCode } from './alert-function';
import { alertKeyAlias, alertTopicName, AlertTopics } from './alert-topics';
import { EmailAlerter } from './email-alerter';
import { HttpAlerter } from './http-alerter';
import { hubBusName, HubEventBus } from './hub-event-bus';
import { ArnScope, arnOf } from './iam';
import { EventsDeadLetterQueue } from './events-dead-letter-queue';
import { pipelineAlarm } from './pipeline-alarm';
import { PipelineDashboard } from './pipeline-dashboard';
import { ExpectedUseTable, expectedUseNotifierStatements } from './expected-use-table';
import { ExpectedUseSeverityPolicy, expectedUseTableName } from '../core/expected-use';
import { ruleNames, rulePatterns, RULE_STATE_ALL_MANAGEMENT_EVENTS } from '../core/patterns';
import { DIGEST_SWEEP_SOURCE, ENV, STALE_PATHS_METRIC, heartbeatNamespace } from '../core/lambda-contract';
import { CoverageLedger, coverageLedgerStatement, coverageTableName } from './coverage-ledger';
import { scheduleSeconds } from '../core/coverage';
import { AssumedRootPolicy, AvoidableRootWritesPolicy } from '../core/types';
import { heartbeatScheduleProblem } from '../core/config';

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
    const fold = props.foldWindowMinutes ?? 15;
    // A token (a module variable) is checked by the variable's own validation.
    const foldIsToken = Token.isUnresolved(fold);
    if (!foldIsToken && (!Number.isInteger(fold) || fold < 0 || fold > 1440)) throw new Error('RootwatchHub.foldWindowMinutes: must be a whole number from 0 to 1440');
    if (props.heartbeatSchedule !== undefined && !Token.isUnresolved(props.heartbeatSchedule)) {
      const problem = heartbeatScheduleProblem(props.heartbeatSchedule);
      if (problem) throw new Error(`RootwatchHub.heartbeatSchedule: ${problem}`);
    }
    const p = props.namePrefix;
    const at: ArnScope = { partition: props.partition, region: props.region, accountId: props.hubAccountId };

    const bus = new HubEventBus(this, 'bus', {
      namePrefix: p,
      scope: at,
      ...(props.spokeAccountIds ? { monitoredAccountIds: props.spokeAccountIds } : {}),
      ...(props.organizationId ? { organizationId: props.organizationId } : {}),
    });
    const topics = new AlertTopics(this, 'topics', { namePrefix: p, scope: at });
    const topicArns = [arnOf(at, 'sns', alertTopicName(p, 'login')), arnOf(at, 'sns', alertTopicName(p, 'activity'))];
    const tableName = `${p}-sessions`;
    const alarmTopic = topics.activityTopicArn;

    const table = new DynamodbTable(this, 'sessions', {
      name: tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: 'sessionKey',
      attribute: [{ name: 'sessionKey', type: 'S' }],
      ttl: { attributeName: 'expiresAt', enabled: true },
      serverSideEncryption: { enabled: true },
      pointInTimeRecovery: { enabled: true },
    });

    const notifier = new AlertFunction(this, 'notifier', {
      namePrefix: p,
      purpose: 'notifier',
      code: props.code.notifier,
      scope: at,
      alarmTopicArn: alarmTopic,
      ...(props.logRetentionDays === undefined ? {} : { logRetentionDays: props.logRetentionDays }),
      environment: {
        [ENV.LOGIN_TOPIC_ARN]: topics.loginTopicArn,
        [ENV.ACTIVITY_TOPIC_ARN]: topics.activityTopicArn,
        [ENV.STATE_TABLE]: table.name,
        [ENV.FOLD_WINDOW_SECONDS]: foldIsToken ? Token.asString(Op.mul(fold, 60)) : String(fold * 60),
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
      },
      statements: [
        { Sid: 'PublishAlerts', Effect: 'Allow', Action: 'sns:Publish', Resource: topicArns },
        {
          Sid: 'EncryptAlerts',
          Effect: 'Allow',
          Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          Resource: arnOf(at, 'kms', 'key/*'),
          Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': alertKeyAlias(p) } },
        },
        {
          Sid: 'FoldSessions',
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan'],
          Resource: arnOf(at, 'dynamodb', `table/${tableName}`),
        },
        coverageLedgerStatement(p, at),
        {
          Sid: 'StalePathsMetric',
          Effect: 'Allow',
          Action: 'cloudwatch:PutMetricData',
          Resource: '*',
          Condition: { StringEquals: { 'cloudwatch:namespace': heartbeatNamespace(p) } },
        },
        ...(props.expectedUse ? expectedUseNotifierStatements(p, at) : []),
      ],
    });
    if (props.expectedUse) {
      this.expectedUseDeclarerRoleArn = new ExpectedUseTable(this, 'expected-use', {
        namePrefix: p,
        scope: at,
        notifierFunctionName: notifier.functionName,
        failureQueueArn: notifier.failureQueueArn,
      }).declarerRoleArn;
    }

    const patterns = rulePatterns(p);
    const names = ruleNames(p);
    const ruleDefs = [
      { key: 'login', name: names.hubLogin, pattern: patterns.hubLogin, description: 'root console sign-ins' },
      { key: 'activity', name: names.hubActivity, pattern: patterns.hubActivity, description: 'root API activity and AssumeRoot' },
      { key: 'pipeline', name: names.hubPipeline, pattern: patterns.hubPipeline, description: 'heartbeats and CIS alarms' },
    ] as const;
    const sweepName = `${p}-digest-sweep`;
    const dlq = new EventsDeadLetterQueue(this, 'rules-dlq', {
      name: `${p}-hub-rules-dlq`,
      scope: at,
      sourceRuleArns: [
        ...ruleDefs.map((def) => arnOf(at, 'events', `rule/${hubBusName(p)}/${def.name}`)),
        ...(foldIsToken || fold > 0 ? [arnOf(at, 'events', `rule/${sweepName}`)] : []),
        ...(props.heartbeatSchedule !== undefined ? [arnOf(at, 'events', `rule/${p}-coverage-sweep`)] : []),
      ],
      alarmTopicArn: alarmTopic,
    });

    const ruleArns: Record<string, string> = {};
    for (const def of ruleDefs) {
      const rule = new CloudwatchEventRule(this, `rule-${def.key}`, {
        name: def.name,
        description: `rootwatch: ${def.description}`,
        eventBusName: bus.busName,
        eventPattern: JSON.stringify(def.pattern),
        state: RULE_STATE_ALL_MANAGEMENT_EVENTS,
      });
      new CloudwatchEventTarget(this, `target-${def.key}`, {
        rule: rule.name,
        eventBusName: bus.busName,
        targetId: 'notifier',
        arn: notifier.functionArn,
        retryPolicy: { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 185 },
        deadLetterConfig: { arn: dlq.queueArn },
      });
      new LambdaPermission(this, `invoke-${def.key}`, {
        statementId: `events-${def.key}`,
        action: 'lambda:InvokeFunction',
        functionName: notifier.functionName,
        principal: 'events.amazonaws.com',
        sourceArn: rule.arn,
      });
      pipelineAlarm(this, `failed-${def.key}`, {
        alarmName: `${def.name}-failed-invocations`,
        description: `rootwatch: rule ${def.name} could not invoke the notifier`,
        namespace: 'AWS/Events',
        metricName: 'FailedInvocations',
        dimensions: { EventBusName: bus.busName, RuleName: rule.name },
        when: 'atLeast',
        threshold: 1,
        alarmActions: [alarmTopic],
      });
      ruleArns[def.key] = rule.arn;
    }

    // With a token fold window the sweep is built and the caller switches it (module `count`).
    if (foldIsToken || fold > 0) {
      const sweep = new CloudwatchEventRule(this, 'digest-sweep', {
        name: sweepName,
        description: 'rootwatch: sends the digest of folded root events when a session window closes',
        scheduleExpression: 'rate(5 minutes)',
        state: 'ENABLED',
      });
      new CloudwatchEventTarget(this, 'digest-sweep-target', {
        rule: sweep.name,
        targetId: 'notifier',
        arn: notifier.functionArn,
        input: JSON.stringify({ source: DIGEST_SWEEP_SOURCE, 'detail-type': 'rootwatch digest sweep', detail: {} }),
        retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 10 },
        deadLetterConfig: { arn: dlq.queueArn },
      });
      new LambdaPermission(this, 'invoke-digest-sweep', {
        statementId: 'events-digest-sweep',
        action: 'lambda:InvokeFunction',
        functionName: notifier.functionName,
        principal: 'events.amazonaws.com',
        sourceArn: sweep.arn,
      });
    }

    // One ledger, one sweep, one alarm, whatever the number of accounts (no alarm per account).
    const ledger = new CoverageLedger(this, 'coverage', {
      namePrefix: p,
      scope: at,
      expectedChunks: props.expectedChunks ?? [],
      notifierFunctionArn: notifier.functionArn,
      notifierFunctionName: notifier.functionName,
      sweep: props.heartbeatSchedule !== undefined,
      alarmTopicArn: alarmTopic,
      deadLetterQueueArn: dlq.queueArn,
    });

    if (props.email) {
      new EmailAlerter(this, 'email', {
        loginTopicArn: topics.loginTopicArn,
        activityTopicArn: topics.activityTopicArn,
        ...(props.email.login ? { loginAddresses: props.email.login } : {}),
        ...(props.email.activity ? { activityAddresses: props.email.activity } : {}),
      });
    }
    const http = [
      { channel: 'slack' as const, parameter: props.slackWebhookParameter, code: props.code.slack },
      { channel: 'pagerduty' as const, parameter: props.pagerDutyRoutingKeyParameter, code: props.code.pagerduty },
    ];
    for (const h of http) {
      if (h.parameter === undefined) continue;
      if (!h.code) throw new Error(`RootwatchHub.code.${h.channel}: required when the ${h.channel} alerter is configured`);
      new HttpAlerter(this, h.channel, {
        namePrefix: p,
        channel: h.channel,
        code: h.code,
        scope: at,
        secretParameterName: h.parameter,
        topicArns: [topics.loginTopicArn, topics.activityTopicArn],
        alarmTopicArn: alarmTopic,
        ...(props.logRetentionDays === undefined ? {} : { logRetentionDays: props.logRetentionDays }),
      });
    }

    // Issue 14: pipeline dashboard and saved Logs Insights queries (modules/pipeline-dashboard.ts).
    // A part switched at plan time (a module variable) is shown only under the same condition.
    const shown = (value: string | undefined, when: string | undefined): { when?: string } | undefined =>
      value === undefined ? undefined : !Token.isUnresolved(value) ? {} : when === undefined ? undefined : { when };
    const alerterParts = http.flatMap((h) => {
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
      ruleNames: ruleDefs.map((def) => def.name),
      ...(coverageShown ? { stalePaths: { namespace: heartbeatNamespace(p), metricName: STALE_PATHS_METRIC, ...coverageShown } } : {}),
    });

    this.busArn = bus.busArn;
    this.busName = bus.busName;
    this.loginTopicArn = topics.loginTopicArn;
    this.activityTopicArn = topics.activityTopicArn;
    this.keyArn = topics.keyArn;
    this.ruleArns = { login: ruleArns.login, activity: ruleArns.activity, pipeline: ruleArns.pipeline };
    this.notifierFunctionArn = notifier.functionArn;
    this.notifierRoleArn = notifier.roleArn;
    this.stateTableName = table.name;
    this.coverageTableName = ledger.tableName;
    this.deadLetterQueueArn = dlq.queueArn;
  }
}

