import { Testing } from 'cdktf';
import { buildDeployApp, buildModuleApp } from '../../stacks/app';
import { GuardrailsStack } from '../../stacks/guardrails-stack';
import { checkConfig } from '../../cli/load-config';
import { exampleRaw, FIXTURES, minimalRaw } from '../helpers/configs';
import { awsProviders, fakeCode } from '../helpers/stacks';
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

  it('runs in the management account, in its region', () => {
    const providers = awsProviders(synth);
    expect(providers.map((p) => p.region)).toEqual(['us-east-1', 'us-east-1']);
    for (const p of providers) expect(p.allowed_account_ids).toEqual(['${var.management_account_id}']);
    expect(synth.variable.management_account_id.default).toBe('444444444444');
  });

  it('outputs the policy ids of the enabled SCPs and keeps its own state', () => {
    expect(Object.keys(synth.output).sort()).toEqual(['deny_root_access_keys_policy_id', 'deny_root_policy_id']);
    expect(synth.terraform.backend).toEqual({ local: { path: '../../../terraform.guardrails.tfstate' } });
  });
});
