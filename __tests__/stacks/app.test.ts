import { Testing } from 'cdktf';
import { buildDeployApp, buildModuleApp } from '../../stacks/app';
import { GuardrailsStack } from '../../stacks/guardrails-stack';
import { checkConfig } from '../../cli/load-config';
import { exampleRaw, FIXTURES, minimalRaw } from '../helpers/configs';
import { awsProviders, fakeCode, regionOf, resourceList } from '../helpers/stacks';
import { rmrf, tempDir } from '../helpers/tree';

const tmp = tempDir('app');
const code = fakeCode(tmp);
afterAll(() => rmrf(tmp));

const stackNames = (app: ReturnType<typeof buildDeployApp>) => app.node.children.map((c) => c.node.id).sort();

describe('the apps', () => {
  it('deploy: the hub, one stack per spoke named spoke-<name>, and the guardrails with a management account', () => {
    expect(stackNames(buildDeployApp(tmp, checkConfig(exampleRaw(), FIXTURES), code))).toEqual(['guardrails', 'hub', 'spoke-prod', 'spoke-staging']);
  });

  it('deploy: no guardrails stack without a management account; unnamed spokes are named by account', () => {
    const raw = minimalRaw();
    delete raw.spokes[1].name;
    expect(stackNames(buildDeployApp(tmp, checkConfig(raw, FIXTURES), code))).toEqual(['hub', 'spoke-333333333333', 'spoke-prod']);
  });

  it('modules: one hub and one spoke module however many spokes there are', () => {
    expect(stackNames(buildModuleApp(tmp, checkConfig(exampleRaw(), FIXTURES), code))).toEqual(['guardrails', 'hub', 'spoke']);
  });
});

describe('guardrails stack', () => {
  const c = checkConfig(exampleRaw(), FIXTURES);
  const synth = JSON.parse(Testing.synth(new GuardrailsStack(Testing.app(), 'guardrails', 'deploy', c, c.orgGuardrails!)));

  it('runs in the management account, in its region and (to monitor it) in every configured region', () => {
    const providers = awsProviders(synth);
    expect(providers.map((p) => p.region)).toEqual(['us-east-1', 'us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1']);
    for (const p of providers) expect(p.allowed_account_ids).toEqual(['${var.management_account_id}']);
    expect(synth.variable.management_account_id.default).toBe('444444444444');
  });

  it('outputs the policy ids of the enabled SCPs and keeps its own state', () => {
    expect(Object.keys(synth.output).sort()).toEqual(['deny_root_access_keys_policy_id', 'deny_root_policy_id', 'forward_rule_arns', 'forwarder_role_arn']);
    expect(synth.terraform.backend).toEqual({ local: { path: '../../../terraform.guardrails.tfstate' } });
  });

  it('monitors the management account (its root is the one no SCP restricts): a root rule and a heartbeat per region, to the hub bus', () => {
    const rules = resourceList(synth, 'aws_cloudwatch_event_rule').filter((r) => r.name === 'rootwatch-forward-root');
    expect(rules.map((r) => regionOf(synth, r)).sort()).toEqual(['eu-central-1', 'eu-west-1', 'us-east-1', 'us-east-2', 'us-west-2']);
    const schedules = resourceList(synth, 'aws_scheduler_schedule');
    expect(schedules.map((s) => regionOf(synth, s)).sort()).toEqual(['eu-central-1', 'eu-west-1', 'us-east-1', 'us-east-2', 'us-west-2']);
    for (const t of resourceList(synth, 'aws_cloudwatch_event_target')) expect(t.arn).toMatch(/:events:eu-west-1:\$\{var\.hub_account_id\}:event-bus\/rootwatch-root-events$/);
    // forwarding only: the management account's own settings are left alone
    expect(resourceList(synth, 'aws_iam_account_password_policy')).toEqual([]);
  });

  it('does not monitor the management account twice when it is already a spoke', () => {
    const raw = exampleRaw();
    raw.spokes.push({ name: 'mgmt', accountId: '444444444444', assumeRoleArn: 'arn:aws:iam::444444444444:role/rootwatch-deployer' });
    const cc = checkConfig(raw, FIXTURES);
    const s2 = JSON.parse(Testing.synth(new GuardrailsStack(Testing.app(), 'guardrails', 'deploy', cc, cc.orgGuardrails!)));
    expect(resourceList(s2, 'aws_cloudwatch_event_rule')).toEqual([]);
  });
});
