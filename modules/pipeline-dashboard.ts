import { Construct } from 'constructs';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { CloudwatchQueryDefinition } from '@cdktf/provider-aws/lib/cloudwatch-query-definition';
import { pipelineDashboardName, savedQueryNames } from '../core/pipeline-names';

export interface PipelineDashboardProps {
  readonly namePrefix: string;
  /** Region of the hub (the widgets' region). */
  readonly region: string;
  /** Log group of the notifier, e.g. `/aws/lambda/rootwatch-notifier` (literal: the body must be known at plan time). */
  readonly notifierLogGroupName: string;
  /** Lambda functions whose errors and duration are shown (literal names). */
  readonly functionNames: readonly string[];
  /** SQS queues whose depth is shown: dead-letter and failure queues (literal names). */
  readonly queueNames: readonly string[];
  /** The hub bus and its rules (FailedInvocations). */
  readonly busName: string;
  readonly ruleNames: readonly string[];
  /** CloudWatch namespace of the heartbeat metric; undefined: no heartbeat widget. */
  readonly heartbeatNamespace?: string;
  /** Metric name of the heartbeat. @default 'Heartbeat' */
  readonly heartbeatMetricName?: string;
  /** Dimension of the heartbeat metric. @default 'Account' */
  readonly heartbeatDimension?: string;
}

/**
 * Logs Insights regular expressions that find a field of rootwatch's one-line JSON log entries
 * whether Lambda's JSON log format keeps the entry as an object or as an escaped string in
 * `message` (hence the optional backslashes).
 */
const field = (name: string, value = '[^"\\\\]+') => `/${name}\\\\?":\\s*\\\\?"(?<${name}>${value})/`;
const msgIs = (text: string) => `@message like /msg\\\\?":\\s*\\\\?"${text}/`;

/** The saved Logs Insights queries (pure: tests and the runbook read them). */
export function savedQueries(namePrefix: string): Array<{ key: string; name: string; query: string }> {
  const q = savedQueryNames(namePrefix);
  return [
    {
      key: 'root-events-of-account',
      name: q.rootEventsOfAccount,
      query: [
        'fields @timestamp, @message',
        `| filter ${msgIs('alert (published|folded)')} or ${msgIs('event muted')}`,
        `| parse @message ${field('account', '\\d{12}')}`,
        `| parse @message ${field('eventName')}`,
        `| parse @message ${field('severity')}`,
        `| parse @message ${field('sessionKey')}`,
        '# replace 111122223333 with the account to investigate',
        "| filter account = '111122223333'",
        '| sort @timestamp desc',
      ].join('\n'),
    },
    {
      key: 'alerts-last-24h',
      name: q.alertsLast24h,
      query: [
        'fields @timestamp, @message',
        `| filter ${msgIs('alert published')}`,
        `| parse @message ${field('account', '\\d{12}')}`,
        `| parse @message ${field('eventName')}`,
        `| parse @message ${field('alertType')}`,
        `| parse @message ${field('severity')}`,
        '# run with the time range set to the last 24 hours',
        '| sort @timestamp desc',
      ].join('\n'),
    },
    {
      key: 'expected-use-windows',
      name: q.expectedUseWindows,
      query: [
        'fields @timestamp, @message',
        `| filter ${msgIs('expected-use')}`,
        `| parse @message ${field('account', '\\d{12}')}`,
        `| parse @message ${field('windowId')}`,
        `| parse @message ${field('reason')}`,
        `| parse @message ${field('by')}`,
        '| sort @timestamp desc',
      ].join('\n'),
    },
  ];
}

/**
 * The hub's pipeline dashboard (`aws_cloudwatch_dashboard`) and saved CloudWatch Logs Insights
 * queries (`aws_cloudwatch_query_definition`): alerts per type and severity, heartbeats and the
 * age of each account's last one (stale paths), dead-letter and failure-queue depth, rule
 * delivery failures, Lambda errors and duration. The body names only literal resource names the
 * hub creates, so it is known at plan time and checked there (scripts/plan-checks.ts
 * `checkDashboardReferences`).
 * Dashboard body: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
 */
export class PipelineDashboard extends Construct {
  public readonly dashboardName: string;
  public readonly queryNames: readonly string[];

  constructor(scope: Construct, id: string, props: PipelineDashboardProps) {
    super(scope, id);
    if (props.functionNames.length === 0) throw new Error('PipelineDashboard.functionNames: name at least the notifier');
    const name = pipelineDashboardName(props.namePrefix);
    const region = props.region;
    const src = `SOURCE '${props.notifierLogGroupName}'`;
    const metric = (x: number, y: number, w: number, title: string, metrics: unknown[][], stat = 'Sum', period = 300) => ({
      type: 'metric',
      x,
      y,
      width: w,
      height: 6,
      properties: { title, region, view: 'timeSeries', stacked: false, stat, period, metrics },
    });
    const logWidget = (x: number, y: number, w: number, title: string, query: string) => ({
      type: 'log',
      x,
      y,
      width: w,
      height: 6,
      properties: { title, region, view: 'table', query },
    });

    const widgets: object[] = [
      {
        type: 'text',
        x: 0,
        y: 0,
        width: 24,
        height: 2,
        properties: {
          markdown: `## rootwatch pipeline (${props.namePrefix})\nEvery root event: spoke rule → hub bus \`${props.busName}\` → notifier → SNS → alerters. Anything above zero in the queues or errors means alerts are delayed: see RUNBOOK.md.`,
        },
      },
      logWidget(0, 2, 12, 'Alerts per type and severity', [
        src,
        `| filter ${msgIs('alert published')}`,
        `| parse @message ${field('alertType')}`,
        `| parse @message ${field('severity')}`,
        '| stats count(*) as alerts by alertType, severity',
        '| sort alerts desc',
      ].join('\n')),
      logWidget(12, 2, 12, 'Heartbeat age per account (oldest first: stale paths)', [
        src,
        `| filter ${msgIs('heartbeat')}`,
        `| parse @message ${field('account', '\\d{12}')}`,
        '| stats max(@timestamp) as lastHeartbeat by account',
        '| sort lastHeartbeat asc',
      ].join('\n')),
      metric(0, 8, 12, 'Dead-letter and failure queues: messages waiting', props.queueNames.map((q) => ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', q]), 'Maximum'),
      metric(12, 8, 12, 'Hub rules: failed invocations', props.ruleNames.map((r) => ['AWS/Events', 'FailedInvocations', 'EventBusName', props.busName, 'RuleName', r])),
      metric(0, 14, 12, 'Lambda errors', props.functionNames.map((f) => ['AWS/Lambda', 'Errors', 'FunctionName', f])),
      metric(12, 14, 12, 'Lambda duration (p99, ms)', props.functionNames.map((f) => ['AWS/Lambda', 'Duration', 'FunctionName', f]), 'p99'),
    ];
    if (props.heartbeatNamespace) {
      const metricName = props.heartbeatMetricName ?? 'Heartbeat';
      const dim = props.heartbeatDimension ?? 'Account';
      widgets.push(
        metric(0, 20, 24, 'Heartbeats per account (per hour)', [
          [{ expression: `SEARCH('{${props.heartbeatNamespace},${dim}} MetricName="${metricName}"', 'Sum', 3600)`, id: 'heartbeats', label: '' }],
        ], 'Sum', 3600),
      );
    }

    new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: name,
      dashboardBody: JSON.stringify({ widgets }),
    });
    for (const q of savedQueries(props.namePrefix)) {
      new CloudwatchQueryDefinition(this, `query-${q.key}`, {
        name: q.name,
        logGroupNames: [props.notifierLogGroupName],
        queryString: q.query,
      });
    }
    this.dashboardName = name;
    this.queryNames = savedQueries(props.namePrefix).map((q) => q.name);
  }
}
