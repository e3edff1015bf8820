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
  const problems: string[] = [];
  const logGroups = names(plan, 'aws_cloudwatch_log_group', 'name');
  const functions = names(plan, 'aws_lambda_function', 'function_name');
  const queues = names(plan, 'aws_sqs_queue', 'name');
  const buses = names(plan, 'aws_cloudwatch_event_bus', 'name');
  const rules = names(plan, 'aws_cloudwatch_event_rule', 'name');
  // own metrics: those an alarm of the plan watches (namespace + metric name)
  const ownMetrics = new Set(
    plannedResources(plan, 'aws_cloudwatch_metric_alarm').map((a) => `${String(a.values.namespace)}|${String(a.values.metric_name)}`),
  );

  const checkMetric = (where: string, m: unknown[]) => {
    const strings = m.filter((x): x is string => typeof x === 'string');
    const [ns, metric, ...dims] = strings;
    const dim: Record<string, string> = {};
    for (let i = 0; i + 1 < dims.length; i += 2) dim[dims[i]] = dims[i + 1];
    const need = (kind: string, value: string | undefined, pool: Set<string>) => {
      if (value === undefined) problems.push(`${where}: ${ns}/${metric} names no ${kind}`);
      else if (!pool.has(value)) problems.push(`${where}: ${ns}/${metric} refers to ${kind} ${value}, which the plan does not create`);
    };
    if (ns === 'AWS/Lambda') need('FunctionName', dim.FunctionName, functions);
    else if (ns === 'AWS/SQS') need('QueueName', dim.QueueName, queues);
    else if (ns === 'AWS/Events') {
      need('EventBusName', dim.EventBusName, buses);
      need('RuleName', dim.RuleName, rules);
    } else if (!ownMetrics.has(`${ns}|${metric}`)) problems.push(`${where}: metric ${ns}/${metric} is neither an AWS metric of a planned resource nor one a planned alarm watches`);
  };
  const checkExpression = (where: string, expression: string) => {
    const search = /^SEARCH\('\{([^,}]+)(?:,[^}]*)?\}\s+MetricName="([^"]+)"'/.exec(expression);
    if (!search) {
      problems.push(`${where}: expression ${JSON.stringify(expression.slice(0, 80))} is not a SEARCH over a namespace and metric`);
      return;
    }
    if (!ownMetrics.has(`${search[1]}|${search[2]}`)) problems.push(`${where}: SEARCH over ${search[1]}/${search[2]}, which no planned alarm watches`);
  };

  // what the hub plans and a dashboard must show: each function's errors and duration, each
  // function's failure queue, the metric of each stale-path alarm
  const shown = { errors: new Set<string>(), duration: new Set<string>(), queues: new Set<string>(), metrics: new Set<string>() };
  const record = (m: unknown[]) => {
    const [ns, metric, ...dims] = m.filter((x): x is string => typeof x === 'string');
    const dim: Record<string, string> = {};
    for (let i = 0; i + 1 < dims.length; i += 2) dim[dims[i]] = dims[i + 1];
    if (ns === 'AWS/Lambda' && metric === 'Errors' && dim.FunctionName) shown.errors.add(dim.FunctionName);
    if (ns === 'AWS/Lambda' && metric === 'Duration' && dim.FunctionName) shown.duration.add(dim.FunctionName);
    if (ns === 'AWS/SQS' && dim.QueueName) shown.queues.add(dim.QueueName);
    shown.metrics.add(`${ns}|${metric}`);
  };

  const dashboards = plannedResources(plan, 'aws_cloudwatch_dashboard');
  for (const d of dashboards) {
    const body = d.values.dashboard_body;
    if (typeof body !== 'string') {
      problems.push(`${d.address}.dashboard_body: unknown at plan time, cannot be checked`);
      continue;
    }
    let widgets: Json[];
    try {
      widgets = (JSON.parse(body) as { widgets?: Json[] }).widgets ?? [];
    } catch {
      problems.push(`${d.address}.dashboard_body: not JSON`);
      continue;
    }
    widgets.forEach((w, i) => {
      const where = `${d.address} widget ${i}`;
      const props = (w.properties ?? {}) as Json;
      if (w.type === 'metric') {
        for (const m of (props.metrics ?? []) as unknown[][]) {
          const expr = m.find((x): x is Json => typeof x === 'object' && x !== null && typeof (x as Json).expression === 'string');
          if (expr) checkExpression(where, expr.expression as string);
          else {
            checkMetric(where, m);
            record(m);
          }
        }
      } else if (w.type === 'log') {
        const sources = [...String(props.query ?? '').matchAll(/SOURCE\s+'([^']+)'/g)].map((m) => m[1]);
        if (sources.length === 0) problems.push(`${where}: log widget without SOURCE`);
        for (const s of sources) if (!logGroups.has(s)) problems.push(`${where}: log group ${s}, which the plan does not create`);
      } else if (w.type !== 'text') {
        problems.push(`${where}: widget type ${String(w.type)} is not checked`);
      }
    });
  }
  if (dashboards.length > 0) {
    for (const f of [...functions].sort()) {
      if (!shown.errors.has(f)) problems.push(`dashboard: Lambda function ${f} is planned but its Errors are not shown`);
      if (!shown.duration.has(f)) problems.push(`dashboard: Lambda function ${f} is planned but its Duration is not shown`);
      if (queues.has(`${f}-failures`) && !shown.queues.has(`${f}-failures`)) problems.push(`dashboard: failure queue ${f}-failures is planned but not shown`);
    }
    for (const a of plannedResources(plan, 'aws_cloudwatch_metric_alarm')) {
      if (a.values.metric_name === STALE_PATHS_METRIC && !shown.metrics.has(`${String(a.values.namespace)}|${STALE_PATHS_METRIC}`)) {
        problems.push(`dashboard: alarm ${String(a.values.alarm_name)} watches ${String(a.values.namespace)}/${STALE_PATHS_METRIC}, which the dashboard does not show`);
      }
    }
  }
  for (const q of plannedResources(plan, 'aws_cloudwatch_query_definition')) {
    const groups = q.values.log_group_names;
    if (!Array.isArray(groups) || groups.length === 0) problems.push(`${q.address}: no log group`);
    else for (const g of groups) if (typeof g !== 'string' || !logGroups.has(g)) problems.push(`${q.address}: log group ${String(g)}, which the plan does not create`);
  }
  return problems;
}
