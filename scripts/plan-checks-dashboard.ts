/**
 * The pipeline dashboard and saved queries (modules/pipeline-dashboard.ts) proven over
 * `terraform show -json`: every metric and log group they name is one the plan creates, so the
 * dashboard cannot show a silent empty graph for a misspelt name; and the other way round, every
 * planned Lambda function (errors, duration, failure queue) and stale-path alarm is on it, so an
 * alerter switched on is not missing from the dashboard. Pure.
 */
import { Plan, plannedResources } from './plan-checks';
import { STALE_PATHS_METRIC } from '../core/lambda-contract';

type Json = Record<string, unknown>;

const names = (plan: Plan, type: string, attr: string): Set<string> =>
  new Set(plannedResources(plan, type).map((r) => r.values[attr]).filter((v): v is string => typeof v === 'string'));

/** Problems of every `aws_cloudwatch_dashboard` and `aws_cloudwatch_query_definition` in the plan. */
export function checkDashboardReferences(plan: Plan): string[] {
  const planned = plannedNames(plan);
  const shown: Shown = { errors: new Set(), duration: new Set(), queues: new Set(), metrics: new Set() };
  const dashboards = plannedResources(plan, 'aws_cloudwatch_dashboard');
  return [
    ...dashboards.flatMap((d) => dashboardProblems(d.address, d.values.dashboard_body, planned, shown)),
    ...(dashboards.length > 0 ? missingFromDashboards(plan, planned, shown) : []),
    ...queryDefinitionProblems(plan, planned.logGroups),
  ];
}

/** What the plan creates that a dashboard may name. */
interface PlannedNames {
  logGroups: Set<string>;
  functions: Set<string>;
  queues: Set<string>;
  buses: Set<string>;
  rules: Set<string>;
  /** own metrics: those an alarm of the plan watches (`namespace|metric name`) */
  ownMetrics: Set<string>;
}

/**
 * What the hub plans and a dashboard must show: each function's errors and duration, each
 * function's failure queue, the metric of each stale-path alarm. Filled while the widgets are read.
 */
interface Shown {
  errors: Set<string>;
  duration: Set<string>;
  queues: Set<string>;
  metrics: Set<string>;
}

function plannedNames(plan: Plan): PlannedNames {
  return {
    logGroups: names(plan, 'aws_cloudwatch_log_group', 'name'),
    functions: names(plan, 'aws_lambda_function', 'function_name'),
    queues: names(plan, 'aws_sqs_queue', 'name'),
    buses: names(plan, 'aws_cloudwatch_event_bus', 'name'),
    rules: names(plan, 'aws_cloudwatch_event_rule', 'name'),
    ownMetrics: new Set(plannedResources(plan, 'aws_cloudwatch_metric_alarm').map((a) => `${String(a.values.namespace)}|${String(a.values.metric_name)}`)),
  };
}

/** A dashboard metric line `[namespace, metric, dim1, value1, …, {options}]`, split up. */
function metricParts(m: unknown[]): { ns: string; metric: string; dim: Record<string, string> } {
  const [ns, metric, ...dims] = m.filter((x): x is string => typeof x === 'string');
  const dim: Record<string, string> = {};
  for (let i = 0; i + 1 < dims.length; i += 2) dim[dims[i]] = dims[i + 1];
  return { ns, metric, dim };
}

function dashboardProblems(address: string, body: unknown, planned: PlannedNames, shown: Shown): string[] {
  if (typeof body !== 'string') return [`${address}.dashboard_body: unknown at plan time, cannot be checked`];
  let widgets: Json[];
  try {
    widgets = (JSON.parse(body) as { widgets?: Json[] }).widgets ?? [];
  } catch {
    return [`${address}.dashboard_body: not JSON`];
  }
  return widgets.flatMap((w, i) => widgetProblems(`${address} widget ${i}`, w, planned, shown));
}

function widgetProblems(where: string, w: Json, planned: PlannedNames, shown: Shown): string[] {
  const props = (w.properties ?? {}) as Json;
  if (w.type === 'metric') {
    return ((props.metrics ?? []) as unknown[][]).flatMap((m) => {
      const expr = m.find((x): x is Json => typeof x === 'object' && x !== null && typeof (x as Json).expression === 'string');
      if (expr) return expressionProblems(where, expr.expression as string, planned.ownMetrics);
      recordShown(shown, m);
      return metricProblems(where, m, planned);
    });
  }
  if (w.type === 'log') {
    const sources = [...String(props.query ?? '').matchAll(/SOURCE\s+'([^']+)'/g)].map((m) => m[1]);
    const problems = sources.length === 0 ? [`${where}: log widget without SOURCE`] : [];
    for (const s of sources) if (!planned.logGroups.has(s)) problems.push(`${where}: log group ${s}, which the plan does not create`);
    return problems;
  }
  return w.type === 'text' ? [] : [`${where}: widget type ${String(w.type)} is not checked`];
}

/** A metric names a resource of the plan (AWS metrics) or a metric a planned alarm watches (own metrics). */
function metricProblems(where: string, m: unknown[], planned: PlannedNames): string[] {
  const { ns, metric, dim } = metricParts(m);
  const problems: string[] = [];
  const need = (kind: string, value: string | undefined, pool: Set<string>) => {
    if (value === undefined) problems.push(`${where}: ${ns}/${metric} names no ${kind}`);
    else if (!pool.has(value)) problems.push(`${where}: ${ns}/${metric} refers to ${kind} ${value}, which the plan does not create`);
  };
  if (ns === 'AWS/Lambda') need('FunctionName', dim.FunctionName, planned.functions);
  else if (ns === 'AWS/SQS') need('QueueName', dim.QueueName, planned.queues);
  else if (ns === 'AWS/Events') {
    need('EventBusName', dim.EventBusName, planned.buses);
    need('RuleName', dim.RuleName, planned.rules);
  } else if (!planned.ownMetrics.has(`${ns}|${metric}`)) problems.push(`${where}: metric ${ns}/${metric} is neither an AWS metric of a planned resource nor one a planned alarm watches`);
  return problems;
}

function expressionProblems(where: string, expression: string, ownMetrics: Set<string>): string[] {
  const search = /^SEARCH\('\{([^,}]+)(?:,[^}]*)?\}\s+MetricName="([^"]+)"'/.exec(expression);
  if (!search) return [`${where}: expression ${JSON.stringify(expression.slice(0, 80))} is not a SEARCH over a namespace and metric`];
  return ownMetrics.has(`${search[1]}|${search[2]}`) ? [] : [`${where}: SEARCH over ${search[1]}/${search[2]}, which no planned alarm watches`];
}

function recordShown(shown: Shown, m: unknown[]): void {
  const { ns, metric, dim } = metricParts(m);
  if (ns === 'AWS/Lambda' && metric === 'Errors' && dim.FunctionName) shown.errors.add(dim.FunctionName);
  if (ns === 'AWS/Lambda' && metric === 'Duration' && dim.FunctionName) shown.duration.add(dim.FunctionName);
  if (ns === 'AWS/SQS' && dim.QueueName) shown.queues.add(dim.QueueName);
  shown.metrics.add(`${ns}|${metric}`);
}

/** Planned functions, failure queues and stale-path alarms that no dashboard shows. */
function missingFromDashboards(plan: Plan, planned: PlannedNames, shown: Shown): string[] {
  const problems: string[] = [];
  for (const f of [...planned.functions].sort()) {
    if (!shown.errors.has(f)) problems.push(`dashboard: Lambda function ${f} is planned but its Errors are not shown`);
    if (!shown.duration.has(f)) problems.push(`dashboard: Lambda function ${f} is planned but its Duration is not shown`);
    if (planned.queues.has(`${f}-failures`) && !shown.queues.has(`${f}-failures`)) problems.push(`dashboard: failure queue ${f}-failures is planned but not shown`);
  }
  for (const a of plannedResources(plan, 'aws_cloudwatch_metric_alarm')) {
    if (a.values.metric_name === STALE_PATHS_METRIC && !shown.metrics.has(`${String(a.values.namespace)}|${STALE_PATHS_METRIC}`)) {
      problems.push(`dashboard: alarm ${String(a.values.alarm_name)} watches ${String(a.values.namespace)}/${STALE_PATHS_METRIC}, which the dashboard does not show`);
    }
  }
  return problems;
}

function queryDefinitionProblems(plan: Plan, logGroups: Set<string>): string[] {
  const problems: string[] = [];
  for (const q of plannedResources(plan, 'aws_cloudwatch_query_definition')) {
    const groups = q.values.log_group_names;
    if (!Array.isArray(groups) || groups.length === 0) problems.push(`${q.address}: no log group`);
    else for (const g of groups) if (typeof g !== 'string' || !logGroups.has(g)) problems.push(`${q.address}: log group ${String(g)}, which the plan does not create`);
  }
  return problems;
}
