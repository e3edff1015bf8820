import { checkPlanLimits, resourcesOfPlan } from '../../scripts/plan-checks-limits';
import { Plan } from '../../scripts/plan-checks';

const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));

function plan(resources: Array<{ address: string; type: string; values: Record<string, unknown> }>, child: typeof resources = []): Plan {
  return {
    planned_values: { root_module: { resources, child_modules: [{ address: 'module.m', resources: child }] } },
    configuration: {
      provider_config: { aws: { expressions: { region: { constant_value: 'eu-west-1' } } }, 'aws.af': { expressions: { region: { constant_value: 'af-south-1' } } } },
      root_module: {
        resources: resources.map((r) => ({ address: r.address, provider_config_key: r.address.includes('af') ? 'aws.af' : 'aws' })),
        module_calls: { m: { module: { resources: child.map((r) => ({ address: r.address.replace('module.m.', ''), provider_config_key: 'aws.af' })) } } },
      },
    },
  };
}

describe('plan-checks-limits', () => {
  it('reads each planned resource with its provider region, in child modules too', () => {
    const p = plan([{ address: 'aws_sns_topic.t', type: 'aws_sns_topic', values: {} }], [{ address: 'module.m.aws_sns_topic.u', type: 'aws_sns_topic', values: {} }]);
    expect(resourcesOfPlan(p).map((r) => [r.address, r.region])).toEqual([['aws_sns_topic.t', 'eu-west-1'], ['module.m.aws_sns_topic.u', 'af-south-1']]);
  });

  it('tags_all of a planned resource: 50 pass, 51 fail naming tags', () => {
    expect(checkPlanLimits(plan([{ address: 'aws_sns_topic.t', type: 'aws_sns_topic', values: { tags_all: tags(50) } }]))).toEqual([]);
    const [line] = checkPlanLimits(plan([{ address: 'aws_sns_topic.t', type: 'aws_sns_topic', values: { tags_all: tags(51) } }]));
    expect(line).toMatch(/^tags: user tags on one resource .* would be 51 items, over AWS's limit of 50 .*; at aws_sns_topic\.t$/);
  });

  it('rules per bus use the plan region: 101 rules pass in eu-west-1, fail in af-south-1', () => {
    const rules = (region: string) => Array.from({ length: 101 }, (_, i) => ({ address: `aws_cloudwatch_event_rule.${region}${i}`, type: 'aws_cloudwatch_event_rule', values: { name: `r${i}` } }));
    expect(checkPlanLimits(plan(rules('eu')))).toEqual([]);
    expect(checkPlanLimits(plan(rules('af')))).toHaveLength(1);
  });

  it('measures what the plan omits (a Lambda environment holding unknown values) in the configuration beside it', () => {
    const fn = { address: 'aws_lambda_function.f', type: 'aws_lambda_function', values: { function_name: 'f' } };
    const big = { resource: { aws_lambda_function: { f: { function_name: 'f', environment: { variables: { NAMES: 'x'.repeat(4100), TOPIC: '${aws_sns_topic.t.arn}' } } } } } };
    expect(checkPlanLimits(plan([fn]))).toEqual([]);
    expect(checkPlanLimits(plan([fn]), big)).toEqual([expect.stringMatching(/^spokes: Lambda environment variables .* over AWS's limit of 4096/)]);
  });
});
