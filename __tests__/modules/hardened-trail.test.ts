// Brings the types of cdktf's jest matchers (registered at run time by __tests__/setup.ts).
import 'cdktf/lib/testing/adapters/jest';
import { Testing, TerraformOutput, TerraformVariable } from 'cdktf';
import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { HardenedTrail, HardenedTrailProps } from '../../modules/hardened-trail';
import { NAME_PREFIX_MAX_LENGTH } from '../../core/limits';

type Res = Record<string, unknown>;
type Synth = { resource?: Record<string, Record<string, Res>>; output?: Record<string, { value: string }> };
interface Stmt { Sid?: string; Effect: string; Action: string | string[]; Resource?: string | string[]; Principal?: unknown; Condition?: Record<string, Record<string, unknown>> }

const ACCOUNT = '111122223333';
const base: HardenedTrailProps = { namePrefix: 'rw', accountId: ACCOUNT, region: 'eu-west-1', partition: 'aws' };
const BUCKET = 'rw-trail-111122223333-eu-west-1';
const TRAIL_ARN = 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/rw-trail';

function synth(props: HardenedTrailProps): string {
  return Testing.synthScope((scope) => {
    new HardenedTrail(scope, 'trail', props);
  });
}
const parsed = (s: string) => JSON.parse(s) as Synth;
const resources = (s: string, type: string) => Object.entries(parsed(s).resource?.[type] ?? {});
const one = (s: string, type: string): Res => {
  const all = resources(s, type);
  expect(all).toHaveLength(1);
  return all[0][1];
};
const statements = (policyJson: unknown): Stmt[] => JSON.parse(String(policyJson)).Statement as Stmt[];
const asList = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

describe('HardenedTrail: names', () => {
  const out = synth(base);

  it('derives bucket, log group, trail, alias and role names from prefix, account and region', () => {
    expect(one(out, 'aws_s3_bucket').bucket).toBe(BUCKET);
    expect(one(out, 'aws_cloudwatch_log_group').name).toBe(BUCKET);
    expect(one(out, 'aws_cloudtrail').name).toBe('rw-trail');
    expect(one(out, 'aws_kms_alias').name).toBe('alias/rw-trail');
    const role = one(out, 'aws_iam_role');
    expect(role.name_prefix).toBe('rw-trail-');
    expect(role.name).toBeUndefined();
  });

  it('is deterministic', () => {
    expect(synth(base)).toEqual(out);
  });

  it('accepts tokens for account, region and partition', () => {
    const s = Testing.synthScope((scope) => {
      const account = new TerraformVariable(scope, 'account_id', { type: 'string' });
      const region = new TerraformVariable(scope, 'region', { type: 'string' });
      const partition = new DataAwsPartition(scope, 'partition').partition;
      new HardenedTrail(scope, 'trail', { namePrefix: 'rw', accountId: account.stringValue, region: region.stringValue, partition });
    });
    expect(s).toHaveResourceWithProperties(S3Bucket, { bucket: 'rw-trail-${var.account_id}-${var.region}' });
    expect(s).toContain('arn:${data.aws_partition.partition.partition}:s3:::rw-trail-${var.account_id}-${var.region}');
  });
});

describe('HardenedTrail: the trail', () => {
  const out = synth(base);
  const trail = one(out, 'aws_cloudtrail');

  it('is multi-region, validated, with global service events, KMS and logging on', () => {
    expect(trail).toMatchObject({
      is_multi_region_trail: true,
      include_global_service_events: true,
      enable_log_file_validation: true,
      enable_logging: true,
      s3_bucket_name: expect.stringMatching(/^\$\{aws_s3_bucket\.trail_bucket_[0-9A-F]+\.bucket\}$/),
      kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\.trail_key_[0-9A-F]+\.arn\}$/),
    });
  });

  it('delivers to the CloudWatch Logs group through its role', () => {
    expect(trail.cloud_watch_logs_group_arn).toMatch(/^\$\{aws_cloudwatch_log_group\.trail_log-group_[0-9A-F]+\.arn\}:\*$/);
    expect(trail.cloud_watch_logs_role_arn).toMatch(/^\$\{aws_iam_role\.trail_cloudwatch-logs-role_[0-9A-F]+\.arn\}$/);
  });

  it('waits for the bucket policy and the log role policy', () => {
    const deps = trail.depends_on as string[];
    expect(deps).toEqual(expect.arrayContaining([
      expect.stringMatching(/^aws_s3_bucket_policy\./),
      expect.stringMatching(/^aws_iam_role_policy\./),
    ]));
  });
});

describe('HardenedTrail: KMS key', () => {
  const out = synth(base);
  const key = one(out, 'aws_kms_key');
  const stmts = statements(key.policy);

  it('rotates and lets the account root administer it', () => {
    expect(key.enable_key_rotation).toBe(true);
    expect(key.deletion_window_in_days).toBe(30);
    expect(stmts).toContainEqual(expect.objectContaining({
      Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*',
    }));
  });

  it('lets CloudTrail encrypt only for this trail of this account', () => {
    const encrypt = stmts.find((s) => asList(s.Action).includes('kms:GenerateDataKey*') && JSON.stringify(s.Principal).includes('cloudtrail'));
    expect(encrypt?.Condition?.StringEquals).toEqual({ 'aws:SourceArn': TRAIL_ARN, 'aws:SourceAccount': ACCOUNT });
    expect(encrypt?.Condition?.StringLike).toEqual({ 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:aws:cloudtrail:*:${ACCOUNT}:trail/*` });
  });

  it('lets CloudWatch Logs of the region use it for this log group only', () => {
    const logs = stmts.find((s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: 'logs.eu-west-1.amazonaws.com' }));
    expect(logs?.Condition).toEqual({
      ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:${BUCKET}` },
    });
  });

  it('has an alias pointing at the key', () => {
    expect(out).toHaveResourceWithProperties(KmsAlias, { target_key_id: expect.stringMatching(/^\$\{aws_kms_key\..+\.key_id\}$/) });
    expect(out).toHaveResource(KmsKey);
  });
});

describe('HardenedTrail: bucket', () => {
  const out = synth(base);
  const stmts = statements(one(out, 'aws_s3_bucket_policy').policy);
  const bucketArn = `arn:aws:s3:::${BUCKET}`;

  it('is versioned, SSE-KMS encrypted, owner-enforced and private', () => {
    expect(out).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: 'Enabled' } });
    const [rule] = one(out, 'aws_s3_bucket_server_side_encryption_configuration').rule as Res[];
    expect(rule.apply_server_side_encryption_by_default).toEqual({
      sse_algorithm: 'aws:kms', kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\..+\.arn\}$/),
    });
    expect(out).toHaveResourceWithProperties(S3BucketOwnershipControls, { rule: { object_ownership: 'BucketOwnerEnforced' } });
    expect(out).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true,
    });
    expect(one(out, 'aws_s3_bucket').force_destroy).toBe(false);
  });

  it('lets CloudTrail check the ACL and write, for this trail only', () => {
    const acl = stmts.find((s) => s.Action === 's3:GetBucketAcl');
    expect(acl).toMatchObject({ Effect: 'Allow', Resource: bucketArn, Condition: { StringEquals: { 'aws:SourceArn': TRAIL_ARN } } });
    const put = stmts.find((s) => s.Action === 's3:PutObject');
    expect(put).toMatchObject({
      Effect: 'Allow', Resource: `${bucketArn}/AWSLogs/${ACCOUNT}/*`,
      Condition: { StringEquals: { 'aws:SourceArn': TRAIL_ARN, 's3:x-amz-acl': 'bucket-owner-full-control' } },
    });
  });

  it('denies requests without TLS', () => {
    expect(stmts).toContainEqual(expect.objectContaining({
      Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }));
  });

  it('denies deletes to everyone', () => {
    const deny = stmts.find((s) => s.Effect === 'Deny' && asList(s.Action).includes('s3:DeleteObject'));
    expect(deny).toMatchObject({ Principal: '*', Resource: [bucketArn, `${bucketArn}/*`] });
    expect(deny?.Condition).toBeUndefined();
    expect(asList(deny?.Action).sort()).toEqual(['s3:DeleteBucket', 's3:DeleteObject', 's3:DeleteObjectVersion']);
  });

  it('has no object lock unless asked', () => {
    expect(one(out, 'aws_s3_bucket').object_lock_enabled).toBeUndefined();
    expect(out).not.toHaveResource(S3BucketObjectLockConfigurationA);
  });

  it('archives to Glacier after 90 days and expires noncurrent versions after 365 by default', () => {
    const [rule] = one(out, 'aws_s3_bucket_lifecycle_configuration').rule as Res[];
    expect(rule).toMatchObject({
      status: 'Enabled',
      transition: [{ days: 90, storage_class: 'GLACIER' }],
      noncurrent_version_expiration: [{ noncurrent_days: 365 }],
    });
  });
});

describe('HardenedTrail: options', () => {
  it('adds governance object lock with the bucket flag', () => {
    const out = synth({ ...base, objectLockDays: 30 });
    expect(one(out, 'aws_s3_bucket').object_lock_enabled).toBe(true);
    expect(out).toHaveResourceWithProperties(S3BucketObjectLockConfigurationA, {
      rule: { default_retention: { mode: 'GOVERNANCE', days: 30 } },
    });
  });

  it('adds compliance object lock when asked', () => {
    expect(synth({ ...base, objectLockDays: 400, objectLockMode: 'COMPLIANCE' })).toHaveResourceWithProperties(S3BucketObjectLockConfigurationA, {
      rule: { default_retention: { mode: 'COMPLIANCE', days: 400 } },
    });
  });

  it('drops the lifecycle when both periods are 0, and the transition alone when its period is 0', () => {
    expect(synth({ ...base, transitionToGlacierDays: 0, noncurrentVersionExpirationDays: 0 })).not.toHaveResource(S3BucketLifecycleConfiguration);
    const [rule] = one(synth({ ...base, transitionToGlacierDays: 0, noncurrentVersionExpirationDays: 30 }), 'aws_s3_bucket_lifecycle_configuration').rule as Res[];
    expect(rule.transition).toBeUndefined();
    expect(rule.noncurrent_version_expiration).toEqual([{ noncurrent_days: 30 }]);
  });

  it('sets log retention and encrypts the log group with the key', () => {
    expect(synth({ ...base, logRetentionDays: 731 })).toHaveResourceWithProperties(CloudwatchLogGroup, {
      retention_in_days: 731, kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\..+\.arn\}$/),
    });
  });
});

describe('HardenedTrail: log delivery role', () => {
  const out = synth(base);

  it('is assumable by CloudTrail for this trail only', () => {
    const [trust] = statements(one(out, 'aws_iam_role').assume_role_policy);
    expect(trust).toMatchObject({
      Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceArn': TRAIL_ARN, 'aws:SourceAccount': ACCOUNT } },
    });
  });

  it('may only create streams and put events in the trail log group', () => {
    const [stmt] = statements(one(out, 'aws_iam_role_policy').policy);
    expect(stmt).toEqual({
      Sid: 'WriteTrailLogGroup', Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:${BUCKET}:log-stream:*`,
    });
  });

  it('grants no Allow with Action "*" anywhere', () => {
    const docs = [
      one(out, 'aws_kms_key').policy, one(out, 'aws_s3_bucket_policy').policy,
      one(out, 'aws_iam_role').assume_role_policy, one(out, 'aws_iam_role_policy').policy,
    ];
    for (const d of docs) {
      for (const s of statements(d)) if (s.Effect === 'Allow') expect(asList(s.Action)).not.toContain('*');
    }
  });
});

describe('HardenedTrail: outputs', () => {
  it('point at the trail, bucket and log group', () => {
    const out = Testing.synthScope((scope) => {
      const t = new HardenedTrail(scope, 'trail', base);
      new TerraformOutput(scope, 'trail_arn', { value: t.trailArn });
      new TerraformOutput(scope, 'bucket', { value: t.bucketName });
      new TerraformOutput(scope, 'log_group', { value: t.logGroupName });
    });
    const outputs = parsed(out).output ?? {};
    expect(outputs.trail_arn.value).toMatch(/^\$\{aws_cloudtrail\.trail_[0-9A-F]+\.arn\}$/);
    expect(outputs.bucket.value).toMatch(/^\$\{aws_s3_bucket\.trail_bucket_[0-9A-F]+\.bucket\}$/);
    expect(outputs.log_group.value).toMatch(/^\$\{aws_cloudwatch_log_group\.trail_log-group_[0-9A-F]+\.name\}$/);
  });
});

describe('HardenedTrail: validation', () => {
  it.each<[string, Partial<HardenedTrailProps>, RegExp]>([
    ['an upper-case prefix', { namePrefix: 'RW' }, /^HardenedTrail\.namePrefix:/],
    ['a prefix with a dot', { namePrefix: 'rw.x' }, /^HardenedTrail\.namePrefix:/],
    // 64 = 21 + "-trail-" (7) + 12 + "-" + 23: no region is that long today, REGION_PATTERN admits it
    ['a prefix too long for the bucket name with its region', { namePrefix: 'a'.repeat(NAME_PREFIX_MAX_LENGTH), region: 'ap-southeast-and-more-1' }, /^HardenedTrail\.namePrefix: too long for the bucket name/],
    ['a prefix longer than rootwatch prefixes may be', { namePrefix: 'a'.repeat(NAME_PREFIX_MAX_LENGTH + 1) }, /^HardenedTrail\.namePrefix: must be 1-/],
    ['a prefix starting with a digit', { namePrefix: '1rw' }, /^HardenedTrail\.namePrefix: must be/],
    ['a short account id', { accountId: '1234' }, /^HardenedTrail\.accountId:/],
    ['a bad region', { region: 'Europe' }, /^HardenedTrail\.region:/],
    ['an unsupported retention', { logRetentionDays: 42 }, /^HardenedTrail\.logRetentionDays:/],
    ['zero object lock days', { objectLockDays: 0 }, /^HardenedTrail\.objectLockDays:/],
    ['an unknown lock mode', { objectLockDays: 1, objectLockMode: 'LEGAL' as 'GOVERNANCE' }, /^HardenedTrail\.objectLockMode:/],
    ['negative Glacier days', { transitionToGlacierDays: -1 }, /^HardenedTrail\.transitionToGlacierDays:/],
    ['a short KMS deletion window', { kmsDeletionWindowDays: 5 }, /^HardenedTrail\.kmsDeletionWindowDays:/],
  ])('rejects %s', (_label, overrides, message) => {
    expect(() => synth({ ...base, ...overrides })).toThrow(message);
  });

  it('accepts the longest prefix with the longest region', () => {
    expect(() => synth({ ...base, namePrefix: 'a'.repeat(NAME_PREFIX_MAX_LENGTH), region: 'ap-southeast-4' })).not.toThrow();
  });
});
