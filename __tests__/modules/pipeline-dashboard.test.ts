/**
 * modules/pipeline-dashboard.ts and its plan check (scripts/plan-checks-dashboard.ts): the body
 * names only what the hub creates; a misspelt name is caught on plan JSON.
 */
import { Testing, TerraformStack } from 'cdktf';
import { PipelineDashboard, savedQueries } from '../../modules/pipeline-dashboard';
import { checkDashboardReferences } from '../../scripts/plan-checks-dashboard';
import type { Plan } from '../../scripts/plan-checks';

type R = { address: string; type: string; values: Record<string, unknown> };
const props = {
  namePrefix: 'acme',
  region: 'eu-west-1',
  notifierLogGroupName: '/aws/lambda/acme-notifier',
  functions: [{ name: 'acme-notifier' }, { name: 'acme-slack' }],
  queues: [{ name: 'acme-hub-rules-dlq' }, { name: 'acme-notifier-failures' }, { name: 'acme-slack-failures' }],
  busName: 'acme-root-events',
  ruleNames: ['acme-root-login', 'acme-root-activity'],
  stalePaths: { namespace: 'Rootwatch/acme', metricName: 'StalePaths' },
};
type Props = ConstructorParameters<typeof PipelineDashboard>[2];

function synth(p: Props = props): Record<string, Record<string, Record<string, unknown>>> {
  const out = Testing.synthScope((scope) => {
    new PipelineDashboard(scope as TerraformStack, 'dash', p);
  });
  return JSON.parse(out).resource;
}
const bodyOf = (res: Record<string, Record<string, Record<string, unknown>>>) => Object.values(res.aws_cloudwatch_dashboard)[0].dashboard_body as string;

/** What Terraform makes of the body's `%{ if c }...%{ endif }` directives, for given conditions. */
function evaluate(template: string, on: Record<string, boolean>): string {
  return template.replace(/%\{ if ([^}]+) \}(.*?)%\{ endif \}/g, (_m, cond: string, inner: string) => {
    if (!(cond in on)) throw new Error(`unexpected condition ${cond}`);
    return on[cond] ? inner : '';
  });
}

/** The resources a hub plan would hold, built from the synthesized dashboard. */
function planOf(resources: Record<string, Record<string, Record<string, unknown>>>, extra: R[] = [], drop: string[] = []): Plan {
  const planned: R[] = [];
  for (const [type, byName] of Object.entries(resources)) for (const [name, values] of Object.entries(byName)) planned.push({ address: `${type}.${name}`, type, values });
  const base: R[] = [
    { address: 'aws_cloudwatch_log_group.n', type: 'aws_cloudwatch_log_group', values: { name: '/aws/lambda/acme-notifier' } },
    ...props.functions.map((f, i) => ({ address: `aws_lambda_function.f${i}`, type: 'aws_lambda_function', values: { function_name: f.name } })),
    ...props.queues.map((q, i) => ({ address: `aws_sqs_queue.q${i}`, type: 'aws_sqs_queue', values: { name: q.name } })),
    { address: 'aws_cloudwatch_event_bus.b', type: 'aws_cloudwatch_event_bus', values: { name: props.busName } },
    ...props.ruleNames.map((r, i) => ({ address: `aws_cloudwatch_event_rule.r${i}`, type: 'aws_cloudwatch_event_rule', values: { name: r } })),
    { address: 'aws_cloudwatch_metric_alarm.stale', type: 'aws_cloudwatch_metric_alarm', values: { alarm_name: 'acme-coverage-stale-paths', namespace: 'Rootwatch/acme', metric_name: 'StalePaths' } },
  ].filter((r) => !drop.includes(r.address));
  return { planned_values: { root_module: { resources: [...planned, ...base, ...extra] } } };
}

describe('PipelineDashboard', () => {
  const res = synth();
  const body = JSON.parse(bodyOf(res));

  it('one dashboard with the required widgets, three saved queries on the notifier log group', () => {
    expect(Object.values(res.aws_cloudwatch_dashboard)[0].dashboard_name).toBe('acme-pipeline');
    const titles = body.widgets.map((w: { properties: { title?: string } }) => w.properties.title).filter(Boolean);
    expect(titles).toEqual([
      'Alerts per type and severity',
      'Heartbeat age per account and region (oldest first)',
      'Dead-letter and failure queues: messages waiting',
      'Hub rules: failed invocations',
      'Lambda errors',
      'Lambda duration (p99, ms)',
      'Stale coverage paths (no heartbeat for two intervals plus 15 minutes)',
    ]);
    const lambda = body.widgets.find((w: { properties: { title?: string } }) => w.properties.title === 'Lambda errors');
    expect(lambda.properties.metrics).toEqual([
      ['AWS/Lambda', 'Errors', 'FunctionName', 'acme-notifier'],
      ['AWS/Lambda', 'Errors', 'FunctionName', 'acme-slack'],
    ]);
    expect(body.widgets.at(-1).properties.metrics).toEqual([['Rootwatch/acme', 'StalePaths']]);
    const queries = Object.values(res.aws_cloudwatch_query_definition);
    expect(queries.map((q) => q.name).sort()).toEqual(['acme-alerts-of-the-last-24h', 'acme-all-root-events-of-an-account', 'acme-expected-use-windows']);
    for (const q of queries) expect(q.log_group_names).toEqual(['/aws/lambda/acme-notifier']);
  });

  it('parts switched by a Terraform condition are in the body exactly when the condition holds, and the body is valid JSON either way', () => {
    const SLACK = 'var.slack_webhook_parameter_name != null';
    const COVERAGE = 'var.heartbeat_schedule != null';
    const switched = bodyOf(
      synth({
        ...props,
        functions: [{ name: 'acme-notifier' }, { name: 'acme-slack', when: SLACK }],
        queues: [{ name: 'acme-hub-rules-dlq' }, { name: 'acme-notifier-failures' }, { name: 'acme-slack-failures', when: SLACK }],
        stalePaths: { ...props.stalePaths, when: COVERAGE },
      }),
    );
    expect(switched).toContain(`%{ if ${SLACK} },["AWS/Lambda","Errors","FunctionName","acme-slack"]%{ endif }`);
    const on = JSON.parse(evaluate(switched, { [SLACK]: true, [COVERAGE]: true }));
    expect(on).toEqual(body); // all on: the same body as the literal one
    const off = JSON.parse(evaluate(switched, { [SLACK]: false, [COVERAGE]: false }));
    expect(JSON.stringify(off)).not.toContain('acme-slack');
    expect(JSON.stringify(off)).not.toContain('StalePaths');
    expect(off.widgets).toHaveLength(body.widgets.length - 1);
  });

  it('refuses bad props: no functions, a switched first function or queue', () => {
    expect(() => synth({ ...props, functions: [] })).toThrow(/functions: name at least the notifier/);
    expect(() => synth({ ...props, functions: [{ name: 'acme-notifier', when: 'var.x' }] })).toThrow(/the first \(the notifier\) is always there/);
    expect(() => synth({ ...props, queues: [{ name: 'q', when: 'var.x' }] })).toThrow(/queues: the first/);
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
    ['aws_cloudwatch_metric_alarm.stale', /metric Rootwatch\/acme\/StalePaths is neither/],
  ])('catches a reference to something not planned (%s removed)', (address, problem) => {
    const problems = checkDashboardReferences(planOf(res, [], [address]));
    expect(problems.some((p) => problem.test(p))).toBe(true);
  });
  it('catches a planned function, failure queue or stale-path alarm the dashboard does not show', () => {
    const extra: R[] = [
      { address: 'aws_lambda_function.pd', type: 'aws_lambda_function', values: { function_name: 'acme-pagerduty' } },
      { address: 'aws_sqs_queue.pd', type: 'aws_sqs_queue', values: { name: 'acme-pagerduty-failures' } },
    ];
    expect(checkDashboardReferences(planOf(res, extra))).toEqual([
      'dashboard: Lambda function acme-pagerduty is planned but its Errors are not shown',
      'dashboard: Lambda function acme-pagerduty is planned but its Duration is not shown',
      'dashboard: failure queue acme-pagerduty-failures is planned but not shown',
    ]);
    const { stalePaths: _none, ...withoutStale } = props;
    expect(checkDashboardReferences(planOf(synth(withoutStale)))).toEqual([
      'dashboard: alarm acme-coverage-stale-paths watches Rootwatch/acme/StalePaths, which the dashboard does not show',
    ]);
  });
  it('catches an unknown body and a foreign metric', () => {
    const unknown = { planned_values: { root_module: { resources: [{ address: 'aws_cloudwatch_dashboard.d', type: 'aws_cloudwatch_dashboard', values: {} }] } } };
    expect(checkDashboardReferences(unknown)).toEqual(['aws_cloudwatch_dashboard.d.dashboard_body: unknown at plan time, cannot be checked']);
    const foreign = JSON.stringify({ widgets: [{ type: 'metric', properties: { metrics: [['Custom/Other', 'Thing']] } }] });
    const p = planOf({ aws_cloudwatch_dashboard: { x: { dashboard_body: foreign } } });
    expect(checkDashboardReferences(p)[0]).toMatch(/metric Custom\/Other\/Thing is neither/);
  });
});
