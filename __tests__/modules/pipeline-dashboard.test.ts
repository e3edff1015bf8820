/**
 * modules/pipeline-dashboard.ts and its plan check (scripts/plan-checks-dashboard.ts): the body
 * names only what the hub creates; a misspelt name is caught on plan JSON.
 */
import { Testing, TerraformStack } from 'cdktf';
import { PipelineDashboard, PipelineDashboardProps, savedQueries } from '../../modules/pipeline-dashboard';
import { checkDashboardReferences } from '../../scripts/plan-checks-dashboard';
import type { Plan } from '../../scripts/plan-checks';

type R = { address: string; type: string; values: Record<string, unknown> };
const props = {
  namePrefix: 'acme',
  region: 'eu-west-1',
  notifierLogGroupName: '/aws/lambda/acme-notifier',
  functionNames: ['acme-notifier', 'acme-slack'],
  queueNames: ['acme-hub-rules-dlq', 'acme-notifier-failures', 'acme-slack-failures'],
  busName: 'acme-root-events',
  ruleNames: ['acme-root-login', 'acme-root-activity'],
  heartbeatNamespace: 'Rootwatch/acme',
};

function synth(p: PipelineDashboardProps = props): Record<string, Record<string, Record<string, unknown>>> {
  const out = Testing.synthScope((scope) => {
    new PipelineDashboard(scope as TerraformStack, 'dash', p);
  });
  return JSON.parse(out).resource;
}

/** The resources a hub plan would hold, built from the synthesized dashboard. */
function planOf(resources: Record<string, Record<string, Record<string, unknown>>>, extra: R[] = [], drop: string[] = []): Plan {
  const planned: R[] = [];
  for (const [type, byName] of Object.entries(resources)) for (const [name, values] of Object.entries(byName)) planned.push({ address: `${type}.${name}`, type, values });
  const base: R[] = [
    { address: 'aws_cloudwatch_log_group.n', type: 'aws_cloudwatch_log_group', values: { name: '/aws/lambda/acme-notifier' } },
    ...props.functionNames.map((f, i) => ({ address: `aws_lambda_function.f${i}`, type: 'aws_lambda_function', values: { function_name: f } })),
    ...props.queueNames.map((q, i) => ({ address: `aws_sqs_queue.q${i}`, type: 'aws_sqs_queue', values: { name: q } })),
    { address: 'aws_cloudwatch_event_bus.b', type: 'aws_cloudwatch_event_bus', values: { name: props.busName } },
    ...props.ruleNames.map((r, i) => ({ address: `aws_cloudwatch_event_rule.r${i}`, type: 'aws_cloudwatch_event_rule', values: { name: r } })),
    { address: 'aws_cloudwatch_metric_alarm.hb', type: 'aws_cloudwatch_metric_alarm', values: { namespace: 'Rootwatch/acme', metric_name: 'Heartbeat' } },
  ].filter((r) => !drop.includes(r.address));
  return { planned_values: { root_module: { resources: [...planned, ...base, ...extra] } } };
}

describe('PipelineDashboard', () => {
  const res = synth();
  const body = JSON.parse(Object.values(res.aws_cloudwatch_dashboard)[0].dashboard_body as string);

  it('one dashboard with the required widgets, three saved queries on the notifier log group', () => {
    expect(Object.values(res.aws_cloudwatch_dashboard)[0].dashboard_name).toBe('acme-pipeline');
    const titles = body.widgets.map((w: { properties: { title?: string } }) => w.properties.title).filter(Boolean);
    expect(titles).toEqual([
      'Alerts per type and severity',
      'Heartbeat age per account (oldest first: stale paths)',
      'Dead-letter and failure queues: messages waiting',
      'Hub rules: failed invocations',
      'Lambda errors',
      'Lambda duration (p99, ms)',
      'Heartbeats per account (per hour)',
    ]);
    const queries = Object.values(res.aws_cloudwatch_query_definition);
    expect(queries.map((q) => q.name).sort()).toEqual(['acme-alerts-of-the-last-24h', 'acme-all-root-events-of-an-account', 'acme-expected-use-windows']);
    for (const q of queries) expect(q.log_group_names).toEqual(['/aws/lambda/acme-notifier']);
  });

  it('queries match the notifier log lines whether Lambda keeps them as objects or escaped strings', () => {
    const q = savedQueries('acme').find((x) => x.key === 'alerts-last-24h')!.query;
    const filter = /@message like \/(.*)\/$/m.exec(q.split('\n')[1])![1];
    const re = new RegExp(filter);
    const entry = { level: 'info', msg: 'alert published', account: '111122223333', severity: 'high', alertType: 'activity' };
    expect(re.test(JSON.stringify(entry))).toBe(true);
    expect(re.test(JSON.stringify({ message: JSON.stringify(entry) }))).toBe(true);
    expect(re.test(JSON.stringify({ msg: 'alert folded' }))).toBe(false);
    const account = /account\\?":\s*\\?"(?<account>\d{12})/.exec(JSON.stringify({ message: JSON.stringify(entry) }));
    expect(account?.groups?.account).toBe('111122223333');
  });

  it('without a heartbeat namespace there is no heartbeat metric widget; bad props are refused', () => {
    const { heartbeatNamespace: _omit, ...rest } = props;
    const b = JSON.parse(Object.values(synth(rest).aws_cloudwatch_dashboard)[0].dashboard_body as string);
    expect(JSON.stringify(b)).not.toContain('SEARCH(');
    expect(() => synth({ ...props, functionNames: [] })).toThrow(/functionNames/);
  });
});

describe('checkDashboardReferences', () => {
  const res = synth();
  it('passes when every name is planned', () => {
    expect(checkDashboardReferences(planOf(res))).toEqual([]);
  });
  it.each([
    ['aws_lambda_function.f1', /AWS\/Lambda\/Errors refers to FunctionName acme-slack/],
    ['aws_sqs_queue.q0', /QueueName acme-hub-rules-dlq/],
    ['aws_cloudwatch_event_rule.r1', /RuleName acme-root-activity/],
    ['aws_cloudwatch_log_group.n', /log group \/aws\/lambda\/acme-notifier, which the plan does not create/],
    ['aws_cloudwatch_metric_alarm.hb', /SEARCH over Rootwatch\/acme\/Heartbeat/],
  ])('catches a reference to something not planned (%s removed)', (address, problem) => {
    const problems = checkDashboardReferences(planOf(res, [], [address]));
    expect(problems.some((p) => problem.test(p))).toBe(true);
  });
  it('catches an unknown body and a foreign metric', () => {
    const unknown = { planned_values: { root_module: { resources: [{ address: 'aws_cloudwatch_dashboard.d', type: 'aws_cloudwatch_dashboard', values: {} }] } } };
    expect(checkDashboardReferences(unknown)).toEqual(['aws_cloudwatch_dashboard.d.dashboard_body: unknown at plan time, cannot be checked']);
    const foreign = JSON.stringify({ widgets: [{ type: 'metric', properties: { metrics: [['Custom/Other', 'Thing']] } }] });
    const p = planOf({ aws_cloudwatch_dashboard: { x: { dashboard_body: foreign } } });
    expect(checkDashboardReferences(p)[0]).toMatch(/metric Custom\/Other\/Thing is neither/);
  });
});
