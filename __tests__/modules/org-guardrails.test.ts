// Brings the types of cdktf's jest matchers (registered at run time by __tests__/setup.ts).
import 'cdktf/lib/testing/adapters/jest';
import { Testing, TerraformVariable } from 'cdktf';
import { OrganizationsPolicy } from '@cdktf/provider-aws/lib/organizations-policy';
import { OrganizationsPolicyAttachment } from '@cdktf/provider-aws/lib/organizations-policy-attachment';
import { IamOrganizationsFeatures } from '@cdktf/provider-aws/lib/iam-organizations-features';
import { GuarddutyDetector } from '@cdktf/provider-aws/lib/guardduty-detector';
import { GuarddutyOrganizationAdminAccount } from '@cdktf/provider-aws/lib/guardduty-organization-admin-account';
import { SecurityhubAccount } from '@cdktf/provider-aws/lib/securityhub-account';
import { SecurityhubStandardsSubscription } from '@cdktf/provider-aws/lib/securityhub-standards-subscription';
import { SecurityhubOrganizationAdminAccount } from '@cdktf/provider-aws/lib/securityhub-organization-admin-account';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import {
  OrgRootGuardrails, OrgRootGuardrailsProps, standardArn, standardSubscriptionArn, denyRootScpDocument,
} from '../../modules/org-guardrails';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack } from 'cdktf';

type Synth = { resource?: Record<string, Record<string, Record<string, unknown>>>; data?: Record<string, unknown> };

const TARGETS = ['r-ab12', 'ou-ab12-abcdefgh', '123456789012'];
const base: OrgRootGuardrailsProps = { namePrefix: 'rw', partition: 'aws', denyRootScp: { targetIds: TARGETS } };

function synth(props: OrgRootGuardrailsProps): string {
  return Testing.synthScope((scope) => {
    new OrgRootGuardrails(scope, 'org', props);
  });
}
const parsed = (s: string): Synth => JSON.parse(s) as Synth;
const resources = (s: string, type: string) => Object.values(parsed(s).resource?.[type] ?? {});
const policyNamed = (s: string, name: string) => resources(s, 'aws_organizations_policy').find((p) => p.name === name);

describe('OrgRootGuardrails: deny-root SCP', () => {
  it('denies every action to any root principal, except AssumeRoot sessions', () => {
    const out = synth(base);
    expect(out).toHaveResourceWithProperties(OrganizationsPolicy, { name: 'rw-deny-root', type: 'SERVICE_CONTROL_POLICY' });
    const doc = JSON.parse(String(policyNamed(out, 'rw-deny-root')?.content));
    expect(doc.Statement).toHaveLength(1);
    const [s] = doc.Statement;
    expect(s).toMatchObject({ Effect: 'Deny', Action: '*', Resource: '*' });
    expect(s.Condition.ArnLike['aws:PrincipalArn']).toEqual(['arn:*:iam::*:root']);
    // aws:AssumedRoot is only present (as "true") in sts:AssumeRoot sessions: Null=true exempts them
    expect(s.Condition.Null).toEqual({ 'aws:AssumedRoot': 'true' });
    expect(doc).toEqual(denyRootScpDocument());
  });

  it('attaches the SCP to every target', () => {
    const out = synth(base);
    const attachments = resources(out, 'aws_organizations_policy_attachment');
    expect(attachments.map((a) => a.target_id).sort()).toEqual([...TARGETS].sort());
    for (const a of attachments) expect(String(a.policy_id)).toMatch(/^\$\{aws_organizations_policy\.org_deny-root_[0-9A-F]+\.id\}$/);
  });

  it('accepts token targets (e.g. Terraform variables)', () => {
    const out = Testing.synthScope((scope) => {
      const v = new TerraformVariable(scope, 'ou', { type: 'string' });
      new OrgRootGuardrails(scope, 'org', { namePrefix: 'rw', partition: 'aws', denyRootScp: { targetIds: [v.stringValue] } });
    });
    expect(out).toHaveResourceWithProperties(OrganizationsPolicyAttachment, { target_id: '${var.ou}' });
  });

  it('disappears with its switch, attachments included', () => {
    const out = synth({ namePrefix: 'rw', partition: 'aws', denyRootScp: { enabled: false } });
    expect(policyNamed(out, 'rw-deny-root')).toBeUndefined();
    expect(out).not.toHaveResource(OrganizationsPolicyAttachment);
  });

  it('exposes the policy id and arn only when created', () => {
    Testing.synthScope((scope) => {
      const on = new OrgRootGuardrails(scope, 'on', base);
      const off = new OrgRootGuardrails(scope, 'off', { namePrefix: 'rw', partition: 'aws', denyRootScp: { enabled: false } });
      expect(on.denyRootPolicyId).toEqual(expect.any(String));
      expect(on.denyRootPolicyArn).toEqual(expect.any(String));
      expect(off.denyRootPolicyId).toBeUndefined();
      expect(off.denyRootAccessKeysPolicyId).toBeUndefined();
    });
  });
});

describe('OrgRootGuardrails: deny-root-access-keys SCP', () => {
  it('is off by default', () => {
    expect(policyNamed(synth(base), 'rw-deny-root-access-keys')).toBeUndefined();
  });

  it('denies iam:CreateAccessKey to root only, attached to its own targets', () => {
    const out = synth({ ...base, denyRootAccessKeysScp: { enabled: true, targetIds: ['ou-ab12-zzzzzzzz'] } });
    const doc = JSON.parse(String(policyNamed(out, 'rw-deny-root-access-keys')?.content));
    expect(doc.Statement).toEqual([expect.objectContaining({
      Effect: 'Deny', Action: 'iam:CreateAccessKey', Resource: '*',
      Condition: { ArnLike: { 'aws:PrincipalArn': ['arn:*:iam::*:root'] } },
    })]);
    const keyAttachments = resources(out, 'aws_organizations_policy_attachment')
      .filter((a) => String(a.policy_id).includes('deny-root-access-keys'));
    expect(keyAttachments.map((a) => a.target_id)).toEqual(['ou-ab12-zzzzzzzz']);
  });
});

describe('OrgRootGuardrails: centralized root access', () => {
  it('enables RootCredentialsManagement and RootSessions by default', () => {
    expect(synth(base)).toHaveResourceWithProperties(IamOrganizationsFeatures, {
      enabled_features: ['RootCredentialsManagement', 'RootSessions'],
    });
  });
  it('disappears with its switch', () => {
    expect(synth({ ...base, centralizedRootAccess: false })).not.toHaveResource(IamOrganizationsFeatures);
  });
});

describe('OrgRootGuardrails: GuardDuty', () => {
  it('is off by default', () => {
    const out = synth(base);
    expect(out).not.toHaveResource(GuarddutyDetector);
    expect(out).not.toHaveResource(GuarddutyOrganizationAdminAccount);
  });
  it('enables a detector, with a delegated admin only when given', () => {
    const plain = synth({ ...base, guardDuty: { enabled: true } });
    expect(plain).toHaveResourceWithProperties(GuarddutyDetector, { enable: true });
    expect(plain).not.toHaveResource(GuarddutyOrganizationAdminAccount);
    const delegated = synth({ ...base, guardDuty: { enabled: true, delegatedAdminAccountId: '222233334444' } });
    expect(delegated).toHaveResourceWithProperties(GuarddutyOrganizationAdminAccount, { admin_account_id: '222233334444' });
  });
  it('ignores the delegated admin when GuardDuty is disabled', () => {
    expect(synth({ ...base, guardDuty: { enabled: false, delegatedAdminAccountId: '222233334444' } }))
      .not.toHaveResource(GuarddutyOrganizationAdminAccount);
  });
});

describe('OrgRootGuardrails: Security Hub', () => {
  it('is off by default', () => {
    const out = synth(base);
    expect(out).not.toHaveResource(SecurityhubAccount);
    expect(out).not.toHaveResource(SecurityhubStandardsSubscription);
  });
  it('subscribes exactly CIS v1.4.0 by default (it holds IAM.4, IAM.6, IAM.9 and CloudWatch.1), ARN from partition and region', () => {
    const out = synth({ ...base, securityHub: { enabled: true }, region: 'eu-west-1', partition: 'aws' });
    expect(out).toHaveResourceWithProperties(SecurityhubAccount, { enable_default_standards: false, lifecycle: { ignore_changes: ['enable_default_standards'] } });
    expect(resources(out, 'aws_securityhub_standards_subscription').map((r) => r.standards_arn)).toEqual([
      'arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/1.4.0',
    ]);
    expect(out).not.toHaveResource(SecurityhubOrganizationAdminAccount);
    expect(out).not.toHaveDataSource(DataAwsPartition);
  });
  it('reads the region from an offline data source when not given; takes the partition as given (a token too)', () => {
    const out = Testing.synthScope((scope) => {
      const partition = new DataAwsPartition(scope, 'partition').partition;
      new OrgRootGuardrails(scope, 'org', { ...base, partition, securityHub: { enabled: true } });
    });
    const [sub] = resources(out, 'aws_securityhub_standards_subscription');
    expect(sub.standards_arn).toMatch(
      /^arn:\$\{data\.aws_partition\.partition\.partition\}:securityhub:\$\{data\.aws_region\.[^}]+\.name\}::standards\/cis-aws-foundations-benchmark\/v\/1\.4\.0$/,
    );
  });
  it('makes the delegated admin depend on the Security Hub account', () => {
    const out = synth({ ...base, securityHub: { enabled: true, delegatedAdminAccountId: '222233334444' } });
    const [admin] = resources(out, 'aws_securityhub_organization_admin_account');
    expect(admin.admin_account_id).toBe('222233334444');
    expect(admin.depends_on).toEqual([expect.stringMatching(/^aws_securityhub_account\./)]);
  });
  it('builds standard ARNs for other partitions; CIS v1.2.0 is a global ruleset', () => {
    expect(standardArn('aws-us-gov', 'us-gov-west-1', 'cis-aws-foundations-benchmark/v/3.0.0'))
      .toBe('arn:aws-us-gov:securityhub:us-gov-west-1::standards/cis-aws-foundations-benchmark/v/3.0.0');
    expect(standardArn('aws', 'eu-west-1', 'cis-aws-foundations-benchmark/v/1.2.0')).toBe('arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0');
    expect(standardSubscriptionArn('aws', 'eu-west-1', '123456789012', 'cis-aws-foundations-benchmark/v/1.2.0'))
      .toBe('arn:aws:securityhub:eu-west-1:123456789012:subscription/cis-aws-foundations-benchmark/v/1.2.0');
  });
  it('subscribes a list of standards', () => {
    const out = synth({ ...base, partition: 'aws', region: 'us-east-1', securityHub: { enabled: true, standards: ['cis-aws-foundations-benchmark/v/1.2.0', 'aws-foundational-security-best-practices/v/1.0.0'] } });
    expect(resources(out, 'aws_securityhub_standards_subscription').map((r) => r.standards_arn).sort()).toEqual([
      'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0',
      'arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0',
    ]);
  });
});

describe('OrgRootGuardrails: every region, organization auto-enable', () => {
  function inStack(props: Omit<OrgRootGuardrailsProps, 'regions' | 'delegatedAdminProviders'>, regions: string[], adminRegions: string[]): string {
    return Testing.synthScope((scope) => {
      const p = (alias: string, region: string) => new AwsProvider(scope, alias, { alias, region });
      new OrgRootGuardrails(scope, 'org', {
        ...props,
        regions: regions.map((region) => ({ region, provider: p(`m_${region}`, region) })),
        delegatedAdminProviders: adminRegions.map((region) => ({ region, provider: p(`a_${region}`, region) })),
      });
    });
  }
  const both = {
    ...base,
    partition: 'aws',
    guardDuty: { enabled: true, delegatedAdminAccountId: '222233334444', delegatedAdminDetectorIds: { 'eu-west-1': 'd'.repeat(32) }, autoEnable: 'NEW' as const },
    securityHub: { enabled: true, delegatedAdminAccountId: '222233334444' },
  };
  const out = inStack(both, ['us-east-1', 'eu-west-1'], ['us-east-1', 'eu-west-1']);
  const providerOf = (r: Record<string, unknown>) => r.provider;

  it('creates each service in every region through that region\'s management provider', () => {
    for (const type of ['aws_guardduty_detector', 'aws_guardduty_organization_admin_account', 'aws_securityhub_account', 'aws_securityhub_organization_admin_account']) {
      expect(resources(out, type).map(providerOf).sort()).toEqual(['aws.m_eu-west-1', 'aws.m_us-east-1']);
    }
    expect(resources(out, 'aws_securityhub_standards_subscription').map((r) => r.standards_arn).sort()).toEqual([
      'arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/1.4.0',
      'arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/1.4.0',
    ]);
  });

  it('auto-enables Security Hub for new members from the administrator, every region, after the designation', () => {
    const configs = resources(out, 'aws_securityhub_organization_configuration');
    expect(configs.map(providerOf).sort()).toEqual(['aws.a_eu-west-1', 'aws.a_us-east-1']);
    for (const c of configs) {
      expect(c).toMatchObject({ auto_enable: true, auto_enable_standards: 'DEFAULT' });
      expect(c.depends_on).toEqual([expect.stringMatching(/^aws_securityhub_organization_admin_account\./)]);
    }
  });

  it('auto-enables GuardDuty members where the administrator\'s detector is known', () => {
    const [c, ...rest] = resources(out, 'aws_guardduty_organization_configuration');
    expect(rest).toEqual([]);
    expect(c).toMatchObject({ provider: 'aws.a_eu-west-1', detector_id: 'd'.repeat(32), auto_enable_organization_members: 'NEW' });
  });

  it('exposes the singletons by region for the root module to import', () => {
    const g = Testing.synthScope((scope) => {
      const provider = new AwsProvider(scope, 'm', { region: 'eu-west-1' });
      const org = new OrgRootGuardrails(scope, 'org', { ...both, guardDuty: { enabled: true }, regions: [{ region: 'eu-west-1', provider }] });
      org.singletons.guardDutyDetectors['eu-west-1'].importFrom('x'.repeat(32));
      org.singletons.securityHubStandards['eu-west-1']['cis-aws-foundations-benchmark/v/1.4.0']!.importFrom('arn');
    });
    expect(JSON.parse(g).import.map((i: { id: string }) => i.id)).toEqual(['x'.repeat(32), 'arn']);
  });

  it('refuses administrator detector IDs without a provider for that region', () => {
    expect(() => inStack(both, ['us-east-1', 'eu-west-1'], ['us-east-1'])).toThrow(/^OrgRootGuardrails\.guardDuty\.delegatedAdminDetectorIds\.eu-west-1: no delegated admin provider/);
  });
});

describe('OrgRootGuardrails: names and validation', () => {
  it('is deterministic', () => {
    expect(synth(base)).toEqual(synth(base));
  });

  it.each<[string, OrgRootGuardrailsProps, RegExp]>([
    ['empty prefix', { ...base, namePrefix: '' }, /^OrgRootGuardrails\.namePrefix:/],
    ['prefix with spaces', { ...base, namePrefix: 'root watch' }, /^OrgRootGuardrails\.namePrefix:/],
    ['deny-root without targets', { namePrefix: 'rw', partition: 'aws' }, /^OrgRootGuardrails\.denyRootScp\.targetIds:/],
    ['bad target', { namePrefix: 'rw', partition: 'aws', denyRootScp: { targetIds: ['r-ab12', 'o-abcdefghij'] } }, /^OrgRootGuardrails\.denyRootScp\.targetIds\[1\]:/],
    ['duplicate target', { namePrefix: 'rw', partition: 'aws', denyRootScp: { targetIds: ['r-ab12', 'r-ab12'] } }, /^OrgRootGuardrails\.denyRootScp\.targetIds\[1\]: duplicate/],
    ['access keys without targets', { ...base, denyRootAccessKeysScp: { enabled: true } }, /^OrgRootGuardrails\.denyRootAccessKeysScp\.targetIds:/],
    ['bad GuardDuty admin', { ...base, guardDuty: { enabled: true, delegatedAdminAccountId: '1234' } }, /^OrgRootGuardrails\.guardDuty\.delegatedAdminAccountId:/],
    ['bad Security Hub admin', { ...base, securityHub: { enabled: true, delegatedAdminAccountId: 'abc' } }, /^OrgRootGuardrails\.securityHub\.delegatedAdminAccountId:/],
    ['unknown standard', { ...base, securityHub: { enabled: true, standards: ['cis/v/9' as 'pci-dss/v/3.2.1'] } }, /^OrgRootGuardrails\.securityHub\.standards\[0\]:/],
    ['bad GuardDuty auto-enable', { ...base, guardDuty: { enabled: true, autoEnable: 'SOME' as 'ALL' } }, /^OrgRootGuardrails\.guardDuty\.autoEnable:/],
    ['empty region', { ...base, region: ' ' }, /^OrgRootGuardrails\.region:/],
  ])('rejects %s', (_label, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });

  it('does not validate the targets of a disabled SCP', () => {
    expect(() => synth({ ...base, denyRootAccessKeysScp: { enabled: false, targetIds: ['nonsense'] } })).not.toThrow();
  });
});
