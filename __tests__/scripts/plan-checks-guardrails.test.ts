import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { Testing, TerraformStack, TerraformVariable } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { OrgRootGuardrails, denyRootScpDocument } from '../../modules/org-guardrails';
import { AccountRootGuardrails } from '../../modules/account-guardrails';
import { HardenedTrail } from '../../modules/hardened-trail';
import { checkDenyRootScp, checkGuardrails, checkTrail, checkTrailBucketTls } from '../../scripts/plan-checks-guardrails';
import { Plan, PlannedResource, plannedResources } from '../../scripts/plan-checks';

// ---------- hand-made plans (shapes of `terraform show -json`) ----------

const planOf = (resources: PlannedResource[], extra: Partial<Plan> = {}): Plan => ({
  planned_values: { root_module: { resources } },
  ...extra,
});
const scp = (doc: unknown, name = 'deny_root'): PlannedResource => ({
  address: `aws_organizations_policy.${name}`, type: 'aws_organizations_policy', mode: 'managed', name,
  values: { name, type: 'SERVICE_CONTROL_POLICY', content: typeof doc === 'string' ? doc : JSON.stringify(doc) },
});
const attachment = (name = 'a'): PlannedResource => ({
  address: `aws_organizations_policy_attachment.${name}`, type: 'aws_organizations_policy_attachment', values: { target_id: 'r-ab12' },
});
const rootDeny = (condition: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'DenyRoot', Effect: 'Deny', Action: '*', Resource: '*', Condition: condition, ...extra }],
});

describe('checkDenyRootScp', () => {
  it('passes the construct\'s own SCP document when attached', () => {
    expect(checkDenyRootScp(planOf([scp(denyRootScpDocument()), attachment()]))).toEqual([]);
  });

  it('passes the StringLike / BoolIfExists spelling too', () => {
    const doc = rootDeny({ StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' }, BoolIfExists: { 'aws:AssumedRoot': 'false' } });
    expect(checkDenyRootScp(planOf([scp(doc), attachment()]))).toEqual([]);
  });

  it('finds SCPs in child modules', () => {
    const plan: Plan = {
      planned_values: { root_module: { child_modules: [{ address: 'module.g', resources: [
        { ...scp(denyRootScpDocument()), address: 'module.g.aws_organizations_policy.deny_root' },
        { ...attachment(), address: 'module.g.aws_organizations_policy_attachment.a' },
      ] }] } },
    };
    expect(checkDenyRootScp(plan)).toEqual([]);
  });

  it('fails when no SCP denies root', () => {
    expect(checkDenyRootScp(planOf([]))).toEqual([expect.stringMatching(/^no service control policy denies/)]);
    const allow = rootDeny({ ArnLike: { 'aws:PrincipalArn': ['arn:*:iam::*:root'] }, Null: { 'aws:AssumedRoot': 'true' } });
    allow.Statement[0].Effect = 'Allow';
    expect(checkDenyRootScp(planOf([scp(allow), attachment()]))).toEqual([expect.stringMatching(/^no service control policy/)]);
  });

  it('fails when the deny is narrower than "*" or uses NotAction', () => {
    const narrow = { ...rootDeny({ ArnLike: { 'aws:PrincipalArn': 'arn:*:iam::*:root' }, Null: { 'aws:AssumedRoot': 'true' } }) };
    (narrow.Statement[0] as Record<string, unknown>).Action = 'iam:*';
    expect(checkDenyRootScp(planOf([scp(narrow), attachment()]))).toHaveLength(1);
    const notAction = rootDeny({ ArnLike: { 'aws:PrincipalArn': 'arn:*:iam::*:root' }, Null: { 'aws:AssumedRoot': 'true' } }, { NotAction: 'sts:*' });
    expect(checkDenyRootScp(planOf([scp(notAction), attachment()]))).toEqual([expect.stringMatching(/^no service control policy/)]);
  });

  it('fails when the deny does not target the root principal', () => {
    const doc = rootDeny({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/admin' }, Null: { 'aws:AssumedRoot': 'true' } });
    expect(checkDenyRootScp(planOf([scp(doc), attachment()]))).toEqual([expect.stringMatching(/^no service control policy/)]);
  });

  it('fails when AssumeRoot sessions are not exempted', () => {
    const bare = rootDeny({ ArnLike: { 'aws:PrincipalArn': 'arn:*:iam::*:root' } });
    expect(checkDenyRootScp(planOf([scp(bare), attachment()]))).toEqual([expect.stringMatching(/denies root without exempting AssumeRoot sessions/)]);
    const inverted = rootDeny({ ArnLike: { 'aws:PrincipalArn': 'arn:*:iam::*:root' }, Null: { 'aws:AssumedRoot': 'false' } });
    expect(checkDenyRootScp(planOf([scp(inverted), attachment()]))).toEqual([expect.stringMatching(/AssumeRoot/)]);
  });

  it('fails when the SCP is not attached', () => {
    expect(checkDenyRootScp(planOf([scp(denyRootScpDocument())]))).toEqual([expect.stringMatching(/not attached/)]);
    // with a configuration section, an attachment must reference this very policy
    const other = { ...scp(denyRootAccessKeysLike(), 'keys') };
    const configuration = { root_module: { resources: [{
      address: 'aws_organizations_policy_attachment.a', type: 'aws_organizations_policy_attachment',
      expressions: { policy_id: { references: ['aws_organizations_policy.keys.id', 'aws_organizations_policy.keys'] } },
    }] } };
    const plan = planOf([scp(denyRootScpDocument()), other, attachment()], { configuration });
    expect(checkDenyRootScp(plan)).toEqual([expect.stringMatching(/^aws_organizations_policy\.deny_root: .*not attached/)]);
    configuration.root_module.resources[0].expressions.policy_id.references = ['aws_organizations_policy.deny_root.id'];
    expect(checkDenyRootScp(plan)).toEqual([]);
  });

  it('reports content that is unknown at plan time or not JSON', () => {
    const unknown: PlannedResource = { address: 'aws_organizations_policy.x', type: 'aws_organizations_policy', values: { type: 'SERVICE_CONTROL_POLICY' } };
    const problems = checkDenyRootScp(planOf([unknown], {
      resource_changes: [{ address: 'aws_organizations_policy.x', change: { after_unknown: { content: true } } }],
    }));
    expect(problems).toContainEqual(expect.stringMatching(/^aws_organizations_policy\.x: policy document is not known at plan time/));
    expect(checkDenyRootScp(planOf([scp('{not json')]))).toContainEqual(expect.stringMatching(/not valid JSON/));
  });

  it('ignores non-SCP organization policies', () => {
    const tagPolicy = { ...scp(denyRootScpDocument()), values: { type: 'TAG_POLICY', content: JSON.stringify(denyRootScpDocument()) } };
    expect(checkDenyRootScp(planOf([tagPolicy, attachment()]))).toEqual([expect.stringMatching(/^no service control policy/)]);
  });
});

function denyRootAccessKeysLike() {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:CreateAccessKey', Resource: '*',
    Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:*:iam::*:root' } } }] };
}

const goodTrail = (values: Record<string, unknown> = {}, name = 't'): PlannedResource => ({
  address: `aws_cloudtrail.${name}`, type: 'aws_cloudtrail', name,
  values: {
    is_multi_region_trail: true, enable_log_file_validation: true, include_global_service_events: true, enable_logging: true,
    kms_key_id: 'arn:aws:kms:us-east-1:111122223333:key/abc', s3_bucket_name: 'trail-bucket', ...values,
  },
});

describe('checkTrail', () => {
  it('passes a hardened trail', () => {
    expect(checkTrail(planOf([goodTrail()]))).toEqual([]);
  });

  it('accepts a KMS key known only after apply', () => {
    const plan = planOf([goodTrail({ kms_key_id: undefined })], {
      resource_changes: [{ address: 'aws_cloudtrail.t', change: { after_unknown: { kms_key_id: true } } }],
    });
    expect(checkTrail(plan)).toEqual([]);
  });

  it.each([
    ['is_multi_region_trail', false],
    ['enable_log_file_validation', false],
    ['include_global_service_events', false],
    ['enable_logging', false],
    ['kms_key_id', null],
    ['kms_key_id', ''],
  ])('fails when %s is %p', (key, value) => {
    expect(checkTrail(planOf([goodTrail({ [key]: value })]))).toEqual([expect.stringContaining(`(${key})`)]);
  });

  it('names only the weak trail among several', () => {
    const problems = checkTrail(planOf([goodTrail({}, 'good'), goodTrail({ is_multi_region_trail: false }, 'weak')]));
    expect(problems).toEqual([expect.stringMatching(/^aws_cloudtrail\.weak: /)]);
  });

  it('fails when there is no trail at all', () => {
    expect(checkTrail(planOf([]))).toEqual(['no aws_cloudtrail in the plan']);
  });
});

const bucketPolicy = (bucket: string, statements: unknown[], name = 'p'): PlannedResource => ({
  address: `aws_s3_bucket_policy.${name}`, type: 'aws_s3_bucket_policy', name,
  values: { bucket, policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }) },
});
const tlsDeny = { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::trail-bucket', 'arn:aws:s3:::trail-bucket/*'],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } } };

describe('checkTrailBucketTls', () => {
  it('passes when the trail bucket policy denies insecure transport', () => {
    expect(checkTrailBucketTls(planOf([goodTrail(), bucketPolicy('trail-bucket', [tlsDeny])]))).toEqual([]);
  });

  it('accepts the {AWS: "*"} principal and a boolean false', () => {
    const alt = { ...tlsDeny, Principal: { AWS: '*' }, Action: ['s3:*'], Condition: { Bool: { 'aws:SecureTransport': false } } };
    expect(checkTrailBucketTls(planOf([goodTrail(), bucketPolicy('trail-bucket', [alt])]))).toEqual([]);
  });

  it.each([
    ['no TLS statement', [{ ...tlsDeny, Condition: undefined, Action: 's3:DeleteObject' }]],
    ['an Allow instead of a Deny', [{ ...tlsDeny, Effect: 'Allow' }]],
    ['a condition on secure requests', [{ ...tlsDeny, Condition: { Bool: { 'aws:SecureTransport': 'true' } } }]],
    ['a deny limited to one principal', [{ ...tlsDeny, Principal: { AWS: 'arn:aws:iam::111122223333:root' } }]],
    ['a deny of one action only', [{ ...tlsDeny, Action: 's3:GetObject' }]],
  ])('fails with %s', (_label, statements) => {
    expect(checkTrailBucketTls(planOf([goodTrail(), bucketPolicy('trail-bucket', statements)])))
      .toEqual([expect.stringMatching(/does not deny aws:SecureTransport false/)]);
  });

  it('fails when only another bucket has the TLS deny', () => {
    expect(checkTrailBucketTls(planOf([goodTrail(), bucketPolicy('other-bucket', [tlsDeny])])))
      .toEqual([expect.stringMatching(/no aws_s3_bucket_policy for trail bucket trail-bucket/)]);
  });

  it('fails when the trail bucket name or the policy is unknown at plan time', () => {
    const unknownBucket = planOf([goodTrail({ s3_bucket_name: undefined }), bucketPolicy('trail-bucket', [tlsDeny])], {
      resource_changes: [{ address: 'aws_cloudtrail.t', change: { after_unknown: { s3_bucket_name: true } } }],
    });
    expect(checkTrailBucketTls(unknownBucket)).toEqual([expect.stringMatching(/bucket name is not known at plan time/)]);
    const unknownPolicy = planOf([goodTrail(), { address: 'aws_s3_bucket_policy.p', type: 'aws_s3_bucket_policy', values: { bucket: 'trail-bucket' } }], {
      resource_changes: [{ address: 'aws_s3_bucket_policy.p', change: { after_unknown: { policy: true } } }],
    });
    expect(checkTrailBucketTls(unknownPolicy)).toEqual([expect.stringMatching(/policy document is not known at plan time/)]);
  });

  it('fails when there is no trail at all', () => {
    expect(checkTrailBucketTls(planOf([bucketPolicy('trail-bucket', [tlsDeny])]))).toEqual(['no aws_cloudtrail in the plan']);
  });
});

// ---------- a real plan of the constructs ----------

const hasTerraform = spawnSync('terraform', ['version'], { stdio: 'ignore' }).status === 0;
const pluginDir = process.env.TF_PLUGIN_DIR ?? '/opt/tf-plugins';
const canPlan = hasTerraform && fs.existsSync(pluginDir);
if (!canPlan) {
  console.log(hasTerraform
    ? `plan-checks-guardrails: plugin dir ${pluginDir} missing (set TF_PLUGIN_DIR): skipping the real-plan tests`
    : 'plan-checks-guardrails: terraform not on PATH: skipping the real-plan tests');
}
const describeReal = canPlan ? describe : describe.skip;

describeReal('guardrail checks on a real terraform plan', () => {
  let dir = '';
  let plan: Plan;

  beforeAll(() => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'guardrails-plan');
    const provider = new AwsProvider(stack, 'aws', {
      region: 'us-east-1', accessKey: 'dummy', secretKey: 'dummy',
      skipCredentialsValidation: true, skipRequestingAccountId: true, skipMetadataApiCheck: 'true',
    });
    const account = new TerraformVariable(stack, 'spoke_account_id', { type: 'string', default: '111122223333' });
    new OrgRootGuardrails(stack, 'org', {
      namePrefix: 'rw', partition: 'aws', provider,
      denyRootScp: { targetIds: ['r-ab12', 'ou-ab12-abcdefgh'] },
      denyRootAccessKeysScp: { enabled: true, targetIds: ['r-ab12'] },
      guardDuty: { enabled: true, delegatedAdminAccountId: '222233334444' },
      securityHub: { enabled: true, delegatedAdminAccountId: '222233334444' },
    });
    new AccountRootGuardrails(stack, 'account', {
      namePrefix: 'rw', provider,
      alternateContacts: { security: { name: 'Sec', title: 'CISO', email: 'sec@example.com', phone: '+1 555 0100' } },
      passwordPolicy: { maxAgeDays: 90 },
    });
    new HardenedTrail(stack, 'trail', { namePrefix: 'rw', partition: 'aws', provider, accountId: account.stringValue, region: 'us-east-1', objectLockDays: 30 });

    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootwatch-guardrails-plan-'));
    fs.writeFileSync(path.join(dir, 'main.tf.json'), Testing.synth(stack));
    const env = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0', TF_DATA_DIR: path.join(dir, '.terraform') };
    const tf = (...args: string[]) => {
      const r = spawnSync('terraform', args, { cwd: dir, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      if (r.status !== 0) throw new Error(`terraform ${args[0]} failed:\n${r.stderr}\n${r.stdout}`);
      return r.stdout;
    };
    tf('init', `-plugin-dir=${pluginDir}`, '-input=false', '-no-color');
    tf('plan', '-out=plan.bin', '-input=false', '-no-color', '-lock=false');
    plan = JSON.parse(tf('show', '-json', 'plan.bin')) as Plan;
  });

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('plans every guardrail resource', () => {
    const types = new Set(plannedResources(plan).map((r) => r.type));
    for (const t of ['aws_organizations_policy', 'aws_organizations_policy_attachment', 'aws_iam_organizations_features',
      'aws_guardduty_detector', 'aws_securityhub_standards_subscription', 'aws_account_alternate_contact',
      'aws_iam_account_password_policy', 'aws_s3_account_public_access_block', 'aws_cloudtrail',
      'aws_s3_bucket_object_lock_configuration', 'aws_cloudwatch_log_group']) {
      expect(types).toContain(t);
    }
  });

  it('passes every check', () => {
    expect(checkGuardrails(plan)).toEqual([]);
  });

  it('catches a root deny stripped of its AssumeRoot exemption', () => {
    const broken = structuredClone(plan);
    const policy = plannedResources(broken, 'aws_organizations_policy').find((r) => r.values?.name === 'rw-deny-root');
    const doc = JSON.parse(String(policy?.values?.content));
    delete doc.Statement[0].Condition.Null;
    policy!.values!.content = JSON.stringify(doc);
    expect(checkDenyRootScp(broken)).toEqual([expect.stringMatching(/without exempting AssumeRoot/)]);
  });

  it('catches a single-region trail and a bucket policy without the TLS deny', () => {
    const broken = structuredClone(plan);
    const [trail] = plannedResources(broken, 'aws_cloudtrail');
    trail.values!.is_multi_region_trail = false;
    expect(checkTrail(broken)).toEqual([expect.stringContaining('(is_multi_region_trail)')]);
    const [bucketPol] = plannedResources(broken, 'aws_s3_bucket_policy');
    const doc = JSON.parse(String(bucketPol.values?.policy));
    doc.Statement = doc.Statement.filter((s: { Sid?: string }) => s.Sid !== 'DenyInsecureTransport');
    bucketPol.values!.policy = JSON.stringify(doc);
    expect(checkTrailBucketTls(broken)).toEqual([expect.stringMatching(/does not deny aws:SecureTransport false/)]);
  });
});
