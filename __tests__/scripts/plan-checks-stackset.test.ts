import { checkStackSet } from '../../scripts/plan-checks-stackset';
import type { Plan } from '../../scripts/plan-checks';
import { spokeTemplate } from '../../core/spoke-template';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const E = { regions: ['us-east-1', 'eu-west-1'], hubRegion: 'eu-west-1', hubAccountId: '111111111111', busName: 'rootwatch-root-events', organizationalUnitIds: ['ou-ab12-workload1'] };

/** A plan as `terraform show -json` shapes the stackset root (blocks are lists). */
function plan(change: (set: Json, instances: Json[], template: Json) => void = () => undefined): Plan {
  const template = spokeTemplate({ namePrefix: 'rootwatch', hubRegion: 'eu-west-1', heartbeatSchedule: 'rate(6 hours)', deadLetterAlarm: true }) as Json;
  const set: Json = {
    address: 'aws_cloudformation_stack_set.spokes', type: 'aws_cloudformation_stack_set',
    values: { permission_model: 'SERVICE_MANAGED', auto_deployment: [{ enabled: true, retain_stacks_on_account_removal: false }], parameters: { HubAccountId: '111111111111' } },
  };
  const instances: Json[] = E.regions.map((region) => ({
    address: `aws_cloudformation_stack_set_instance.spokes_${region}`, type: 'aws_cloudformation_stack_set_instance',
    values: { region, deployment_targets: [{ organizational_unit_ids: ['ou-ab12-workload1'], account_filter_type: 'DIFFERENCE', accounts: ['111111111111'] }] },
  }));
  change(set, instances, template);
  set.values.template_body = JSON.stringify(template);
  return { planned_values: { root_module: { resources: [set, ...instances] } } } as Plan;
}

describe('checkStackSet', () => {
  it('holds for the stackset root as synthesized', () => expect(checkStackSet(plan(), E)).toEqual([]));

  it.each([
    ['self-managed permissions', (s: Json) => { s.values.permission_model = 'SELF_MANAGED'; }, /permission_model is SELF_MANAGED/],
    ['auto-deployment off', (s: Json) => { s.values.auto_deployment = [{ enabled: false }]; }, /auto_deployment is not enabled/],
    ['a region without instance', (_s: Json, i: Json[]) => { i.pop(); }, /0 stack set instances in eu-west-1/],
    ['an instance in an unconfigured region', (_s: Json, i: Json[]) => { i[1].values.region = 'ap-south-1'; }, /instance in ap-south-1, which is not a configured region/],
    ['the hub not excluded', (_s: Json, i: Json[]) => { i[0].values.deployment_targets[0].account_filter_type = 'NONE'; }, /hub account 111111111111 is not excluded/],
    ['other OUs', (_s: Json, i: Json[]) => { i[0].values.deployment_targets[0].organizational_unit_ids = ['ou-ab12-other0000']; }, /targets ou-ab12-other0000/],
    ['a target in the spoke\'s own region', (_s: Json, _i: Json[], t: Json) => { t.Resources.RootRule.Properties.Targets[0].Arn = { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${HubAccountId}:event-bus/rootwatch-root-events' }; }, /RootRule targets .* not the hub bus/],
    ['another hub account', (s: Json) => { s.values.parameters.HubAccountId = '999999999999'; }, /HubAccountId is 999999999999/],
    ['an invalid template', (_s: Json, _i: Json[], t: Json) => { t.Resources.DeadLetterQueue.Properties.Bogus = 1; }, /template Resources\.DeadLetterQueue\.Properties: must NOT have additional properties/],
  ])('finds %s', (_name, change, message) => {
    const problems = checkStackSet(plan(change), E);
    expect(problems.some((p) => message.test(p))).toBe(true);
  });
});
