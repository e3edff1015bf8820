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

  it('runs in the management account in every configured region, and in the delegated administrator for auto-enable', () => {
    const providers = awsProviders(synth);
    const mgmt = providers.filter((p) => !String(p.alias ?? '').startsWith('delegated_admin_'));
    expect(mgmt.map((p) => p.region)).toEqual(['us-east-1', ...c.hub.regions]);
    for (const p of mgmt) expect(p.allowed_account_ids).toEqual(['${var.management_account_id}']);
    const admin = providers.filter((p) => String(p.alias ?? '').startsWith('delegated_admin_'));
    expect(admin.map((p) => p.region)).toEqual(c.hub.regions);
    // The example's administrator is the hub account: reached like the hub stack reaches it.
    for (const p of admin) expect(p.allowed_account_ids).toEqual(['111111111111']);
    expect(synth.variable.management_account_id.default).toBe('444444444444');
  });

  it('enables GuardDuty and Security Hub (CIS v1.4.0) in every configured region, with organization auto-enable', () => {
    const count = (t: string) => Object.keys(synth.resource[t] ?? {}).length;
    const n = c.hub.regions.length;
    expect([count('aws_guardduty_detector'), count('aws_guardduty_organization_admin_account'), count('aws_securityhub_account'), count('aws_securityhub_standards_subscription'), count('aws_securityhub_organization_admin_account'), count('aws_securityhub_organization_configuration')]).toEqual([n, n, n, n, n, n]);
    for (const sub of Object.values(synth.resource.aws_securityhub_standards_subscription) as Array<{ standards_arn: string }>) {
      expect(sub.standards_arn).toMatch(/::standards\/cis-aws-foundations-benchmark\/v\/1\.4\.0$/);
    }
    for (const cfg of Object.values(synth.resource.aws_securityhub_organization_configuration) as Array<{ provider: string; auto_enable: boolean; auto_enable_standards: string }>) {
      expect(cfg).toMatchObject({ auto_enable: true, auto_enable_standards: 'DEFAULT', provider: expect.stringMatching(/^aws\.delegated_admin_/) });
    }
    // No detector IDs of the administrator in the example: no GuardDuty organization configuration yet.
    expect(count('aws_guardduty_organization_configuration')).toBe(0);
    expect(synth).not.toHaveProperty('import');
  });

  it('outputs the policy ids of the enabled SCPs and keeps its own state', () => {
    expect(Object.keys(synth.output).sort()).toEqual(['deny_root_access_keys_policy_id', 'deny_root_policy_id']);
    expect(synth.terraform.backend).toEqual({ local: { path: '../../../terraform.guardrails.tfstate' } });
  });
});

describe('guardrails stack: the management account\'s own settings', () => {
  it('are managed there only when the config says so (default: not at all)', () => {
    const types = ['aws_iam_account_password_policy', 'aws_account_alternate_contact', 'aws_s3_account_public_access_block'];
    const count = (raw: ReturnType<typeof exampleRaw>) => {
      const c = checkConfig(raw, FIXTURES);
      const s = JSON.parse(Testing.synth(new GuardrailsStack(Testing.app(), 'guardrails', 'deploy', c, c.orgGuardrails!)));
      return types.map((t) => Object.keys(s.resource[t] ?? {}).length);
    };
    expect(count(exampleRaw())).toEqual([0, 0, 0]);
    const raw = exampleRaw();
    raw.guardrails.managementAccount.manageAccountSettings = true;
    expect(count(raw)).toEqual([1, 3, 1]);
  });
});

