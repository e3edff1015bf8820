import { Construct } from 'constructs';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { CloudwatchQueryDefinition } from '@cdktf/provider-aws/lib/cloudwatch-query-definition';
import { pipelineDashboardName, savedQueryNames } from '../core/pipeline-names';
import { propChecks } from '../core/validation';

/**
 * A resource the dashboard shows, present always or only while a Terraform condition holds (the
 * plain-Terraform module switches alerters and the coverage sweep with `count`; the widget must
 * then exist exactly when its resource does).
 */
export interface DashboardPart {
  readonly name: string;
  /** Terraform boolean expression (no `${}`), e.g. `var.slack_webhook_parameter_name != null`. @default always shown */
  readonly when?: string;
}

export interface PipelineDashboardProps {
  readonly namePrefix: string;
  /** Region of the hub (the widgets' region). */
  readonly region: string;
  /** Log group of the notifier, e.g. `/aws/lambda/rootwatch-notifier` (literal: the body must be known at plan time). */
  readonly notifierLogGroupName: string;
  /** Lambda functions whose errors and duration are shown; the first is always there (the notifier). */
  readonly functions: readonly DashboardPart[];
  /** SQS queues whose depth is shown: dead-letter and failure queues; the first is always there. */
  readonly queues: readonly DashboardPart[];
  /** The hub bus and its rules (FailedInvocations). */
  readonly busName: string;
  readonly ruleNames: readonly string[];
  /** The StalePaths metric the coverage sweep writes (no dimensions); undefined: no stale-paths widget. */
  readonly stalePaths?: { readonly namespace: string; readonly metricName: string; readonly when?: string };
}

/** An element of a JSON array (or the widget list) that exists only while `when` holds. */
class Switched {
  constructor(
    readonly when: string,
    readonly value: unknown,
  ) {}
}
const part = <T>(p: { readonly when?: string }, value: T): T | Switched => (p.when === undefined ? value : new Switched(p.when, value));

const check = propChecks('PipelineDashboard');

/**
 * JSON text of `value` in which a `Switched` array element becomes a Terraform template directive
 * (`%{ if cond },<element>%{ endif }`): the body stays valid JSON whichever way the condition goes.
 * A switched element brings its own leading comma, so the first element of an array must not be switched.
 */
function dashboardJson(value: unknown): string {
  if (value instanceof Switched) throw check.error('dashboardBody', 'a switched element must sit in an array');
  if (Array.isArray(value)) {
    if (value[0] instanceof Switched) throw check.error('dashboardBody', `the first element of an array must not be switched (${value[0].when})`);
    return `[${value.map((v, i) => (v instanceof Switched ? `%{ if ${v.when} },${dashboardJson(v.value)}%{ endif }` : `${i > 0 ? ',' : ''}${dashboardJson(v)}`)).join('')}]`;
  }
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${dashboardJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Logs Insights regular expressions that find a field of rootwatch's one-line JSON log entries
 * whether Lambda's JSON log format keeps the entry as an object or as an escaped string in
 * `message` (hence the optional backslashes).
 */
const field = (name: string, value = '[^"\\\\]+') => `/${name}\\\\?":\\s*\\\\?"(?<${name}>${value})/`;
const msgIs = (text: string) => `@message like /msg\\\\?":\\s*\\\\?"${text}/`;
const ACCOUNT_FIELD = ['account', '\\d{12}'] as const;

/**
 * A Logs Insights query over rootwatch's log entries: `head`, the entries whose `msg` passes
 * `filter`, each field parsed out (a name, or a name and its value pattern), then `tail`.
 */
function insightsQuery(head: string, filter: string, fields: ReadonlyArray<string | readonly [string, string]>, tail: readonly string[]): string {
  const parse = fields.map((f) => `| parse @message ${typeof f === 'string' ? field(f) : field(f[0], f[1])}`);
  return [head, `| filter ${filter}`, ...parse, ...tail].join('\n');
}

/** The saved Logs Insights queries (pure: tests and the runbook read them). */
export function savedQueries(namePrefix: string): Array<{ key: string; name: string; query: string }> {
  const q = savedQueryNames(namePrefix);
  const head = 'fields @timestamp, @message';
  return [
    {
      key: 'root-events-of-account',
      name: q.rootEventsOfAccount,
      query: insightsQuery(head, `${msgIs('alert (published|folded)')} or ${msgIs('event muted')}`, [ACCOUNT_FIELD, 'eventName', 'severity', 'sessionKey'], [
        '# replace 111122223333 with the account to investigate',
        "| filter account = '111122223333'",
        '| sort @timestamp desc',
      ]),
    },
    {
      key: 'alerts-last-24h',
      name: q.alertsLast24h,
      query: insightsQuery(head, msgIs('alert published'), [ACCOUNT_FIELD, 'eventName', 'alertType', 'severity'], [
        '# run with the time range set to the last 24 hours',
        '| sort @timestamp desc',
      ]),
    },
    {
      key: 'expected-use-windows',
      name: q.expectedUseWindows,
      query: insightsQuery(head, msgIs('expected-use'), [ACCOUNT_FIELD, 'windowId', 'reason', 'by'], ['| sort @timestamp desc']),
    },
  ];
}

/** A metric widget (time series) of the hub's region. */
function metricWidget(region: string, x: number, y: number, w: number, title: string, metrics: unknown[], stat = 'Sum', period = 300) {
  return {
    type: 'metric',
    x,
    y,
    width: w,
    height: 6,
    properties: { title, region, view: 'timeSeries', stacked: false, stat, period, metrics },
  };
}

/** A Logs Insights widget (table) of the hub's region. */
function logWidget(region: string, x: number, y: number, w: number, title: string, query: string) {
  return {
    type: 'log',
    x,
    y,
    width: w,
    height: 6,
    properties: { title, region, view: 'table', query },
  };
}

/** The dashboard's widgets, top to bottom; a switched part only while its condition holds. */
function pipelineWidgets(props: PipelineDashboardProps): unknown[] {
  const { region } = props;
  const src = `SOURCE '${props.notifierLogGroupName}'`;
  const lambda = (metricName: string) => props.functions.map((f) => part(f, ['AWS/Lambda', metricName, 'FunctionName', f.name]));
  const widgets: unknown[] = [
    {
      type: 'text',
      x: 0,
      y: 0,
      width: 24,
      height: 2,
      properties: {
        markdown: `## rootwatch pipeline (${props.namePrefix})\nEvery root event: spoke rule → hub bus \`${props.busName}\` → notifier → SNS → alerters. Anything above zero in the queues, errors or stale paths means alerts are delayed or a path is blind: see RUNBOOK.md.`,
      },
    },
    logWidget(region, 0, 2, 12, 'Alerts per type and severity', insightsQuery(src, msgIs('alert published'), ['alertType', 'severity'], [
      '| stats count(*) as alerts by alertType, severity',
      '| sort alerts desc',
    ])),
    // No metric per path (17,000 custom metrics would cost $0.30 each a month): the age of each
    // path's last heartbeat comes from the notifier's log line for every heartbeat it stamps.
    logWidget(region, 12, 2, 12, 'Heartbeat age per account and region (oldest first)', insightsQuery(src, msgIs('heartbeat'), [ACCOUNT_FIELD, ['region', '[a-z0-9-]+']], [
      '| stats max(@timestamp) as lastHeartbeat by account, region',
      '| sort lastHeartbeat asc',
    ])),
    metricWidget(region, 0, 8, 12, 'Dead-letter and failure queues: messages waiting', props.queues.map((q) => part(q, ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', q.name])), 'Maximum'),
    metricWidget(region, 12, 8, 12, 'Hub rules: failed invocations', props.ruleNames.map((r) => ['AWS/Events', 'FailedInvocations', 'EventBusName', props.busName, 'RuleName', r])),
    metricWidget(region, 0, 14, 12, 'Lambda errors', lambda('Errors')),
    metricWidget(region, 12, 14, 12, 'Lambda duration (p99, ms)', lambda('Duration'), 'p99'),
  ];
  if (props.stalePaths) {
    widgets.push(part(props.stalePaths, metricWidget(region, 0, 20, 24, 'Stale coverage paths (no heartbeat for two intervals plus 15 minutes)', [[props.stalePaths.namespace, props.stalePaths.metricName]], 'Maximum', 900)));
  }
  return widgets;
}

/**
 * The hub's pipeline dashboard (`aws_cloudwatch_dashboard`) and saved CloudWatch Logs Insights
 * queries (`aws_cloudwatch_query_definition`): alerts per type and severity, the age of each
 * path's last heartbeat, dead-letter and failure-queue depth, rule delivery failures, Lambda errors
 * and duration, and the StalePaths metric of the coverage sweep. The body names only resources the
 * hub creates (switched parts only while their condition holds), so it is known at plan time and
 * checked there (scripts/plan-checks-dashboard.ts `checkDashboardReferences`).
 * Dashboard body: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
 */
export class PipelineDashboard extends Construct {
  public readonly dashboardName: string;
  public readonly queryNames: readonly string[];

  constructor(scope: Construct, id: string, props: PipelineDashboardProps) {
    super(scope, id);
    if (props.functions.length === 0) throw check.error('functions', 'name at least the notifier');
    if (props.functions[0].when !== undefined) throw check.error('functions', 'the first (the notifier) is always there');
    if (props.queues.length === 0 || props.queues[0].when !== undefined) throw check.error('queues', 'the first (the hub rules\' dead-letter queue) is always there');
    const name = pipelineDashboardName(props.namePrefix);
    new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: name,
      dashboardBody: dashboardJson({ widgets: pipelineWidgets(props) }),
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
