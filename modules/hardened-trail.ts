/**
 * A hardened, multi-region CloudTrail trail for one account, created in the account's home region:
 * KMS CMK (rotation on), S3 bucket (versioned, SSE-KMS, bucket-owner-enforced, public access
 * blocked, TLS-only, deletes denied to everyone, optional object lock and lifecycle), and delivery
 * to a KMS-encrypted CloudWatch Logs group (the CIS CloudWatch.1 metric filter reads it).
 *
 * Policies are built from strings known at plan time (partition, account, region, names), never
 * from computed ARNs, so `terraform plan` shows them in full and plan checks can read them.
 *
 * The deny-delete bucket policy also stops `terraform destroy` of the bucket: removing the trail
 * for good means deleting the bucket policy first (an admin action, on purpose).
 */
import { Construct } from 'constructs';
import { TerraformProvider, Token } from 'cdktf';
import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { policyDocument } from './iam';
import { ACCOUNT_ID_PATTERN, LOG_RETENTION_DAYS, REGION_PATTERN, checkInt as checkIntIn } from '../core/validation';

export type ObjectLockMode = 'GOVERNANCE' | 'COMPLIANCE';

export interface HardenedTrailProps {
  /** Prefix of every name; lowercase letters, digits and '-' (it is part of the bucket name). */
  readonly namePrefix: string;
  /** Provider reaching the account, in its home region. @default the stack's default aws provider */
  readonly provider?: TerraformProvider;
  /** The account's ID (12 digits, or a token such as a Terraform variable). */
  readonly accountId: string;
  /** The provider's region, i.e. the trail's home region (literal or token). */
  readonly region: string;
  /** AWS partition. @default data aws_partition */
  readonly partition?: string;
  /** Retention of the CloudWatch Logs group, in days (a value CloudWatch Logs accepts; 0 = never expire). @default 365 */
  readonly logRetentionDays?: number;
  /** Default object lock retention in days; object lock is off when undefined. @default undefined */
  readonly objectLockDays?: number;
  /** Object lock mode, used with objectLockDays. @default 'GOVERNANCE' */
  readonly objectLockMode?: ObjectLockMode;
  /** Move log files to S3 Glacier Flexible Retrieval after this many days; 0 = never. @default 90 */
  readonly transitionToGlacierDays?: number;
  /** Expire noncurrent object versions after this many days; 0 = keep them. @default 365 */
  readonly noncurrentVersionExpirationDays?: number;
  /** KMS key deletion window in days (7 to 30). @default 30 */
  readonly kmsDeletionWindowDays?: number;
}

/** Retention values CloudWatch Logs accepts (0 = never expire). */
/** The defaults the config schema states too (__tests__/core/schema-owners.test.ts proves them equal). */
export const TRAIL_DEFAULTS = { logRetentionDays: 365, transitionToGlacierDays: 90 } as const;
const BUCKET_PREFIX = /^[a-z0-9][a-z0-9-]*$/;
const ACCOUNT_ID = ACCOUNT_ID_PATTERN;
const REGION = REGION_PATTERN;
/** Longest region code assumed when the region is a token (e.g. ap-southeast-4). */
const MAX_REGION_LENGTH = 14;
/** IAM name_prefix limit. */
const MAX_ROLE_NAME_PREFIX = 38;


export class HardenedTrail extends Construct {
  public readonly trailArn: string;
  public readonly trailName: string;
  public readonly bucketName: string;
  public readonly bucketArn: string;
  /** Name of the CloudWatch Logs group the trail delivers to (for the CIS metric filter). */
  public readonly logGroupName: string;
  public readonly logGroupArn: string;
  public readonly kmsKeyArn: string;
  /** Role CloudTrail assumes to write to the log group. */
  public readonly cloudWatchLogsRoleArn: string;

  constructor(scope: Construct, id: string, props: HardenedTrailProps) {
    super(scope, id);
    const retention = props.logRetentionDays ?? TRAIL_DEFAULTS.logRetentionDays;
    const lockMode = props.objectLockMode ?? 'GOVERNANCE';
    const glacierDays = props.transitionToGlacierDays ?? TRAIL_DEFAULTS.transitionToGlacierDays;
    const noncurrentDays = props.noncurrentVersionExpirationDays ?? 365;
    const deletionWindow = props.kmsDeletionWindowDays ?? 30;

    // --- validate ---
    const { namePrefix, accountId, region } = props;
    const prefixIsToken = typeof namePrefix === 'string' && Token.isUnresolved(namePrefix);
    if (typeof namePrefix !== 'string' || (!prefixIsToken && !BUCKET_PREFIX.test(namePrefix))) {
      throw new Error(`namePrefix: must be lowercase letters, digits and '-' (it is part of an S3 bucket name), not ${JSON.stringify(namePrefix)}`);
    }
    if (typeof accountId !== 'string' || (!Token.isUnresolved(accountId) && !ACCOUNT_ID.test(accountId))) {
      throw new Error(`accountId: must be a 12-digit account ID or a token, not ${JSON.stringify(accountId)}`);
    }
    if (typeof region !== 'string' || (!Token.isUnresolved(region) && !REGION.test(region))) {
      throw new Error(`region: must be a region code such as us-east-1 or a token, not ${JSON.stringify(region)}`);
    }
    const regionLength = Token.isUnresolved(region) ? MAX_REGION_LENGTH : region.length;
    const bucketLength = `${namePrefix}-trail-`.length + 12 + 1 + regionLength;
    if (!prefixIsToken && bucketLength > 63) {
      throw new Error(`namePrefix: too long for the bucket name ${namePrefix}-trail-<account>-<region> (${bucketLength} > 63 characters)`);
    }
    if (!prefixIsToken && `${namePrefix}-trail-`.length > MAX_ROLE_NAME_PREFIX) {
      throw new Error(`namePrefix: too long for the role name prefix ${namePrefix}-trail- (max ${MAX_ROLE_NAME_PREFIX} characters)`);
    }
    if (props.partition !== undefined && props.partition.trim() === '') throw new Error('partition: must not be empty');
    if (!Token.isUnresolved(retention) && !LOG_RETENTION_DAYS.includes(retention)) {
      throw new Error(`logRetentionDays: must be one of ${LOG_RETENTION_DAYS.join(', ')}, not ${retention}`);
    }
    if (props.objectLockDays !== undefined) checkInt('objectLockDays', props.objectLockDays, 1, 36500);
    if (lockMode !== 'GOVERNANCE' && lockMode !== 'COMPLIANCE') {
      throw new Error(`objectLockMode: must be GOVERNANCE or COMPLIANCE, not ${String(lockMode)}`);
    }
    checkInt('transitionToGlacierDays', glacierDays, 0, 36500);
    checkInt('noncurrentVersionExpirationDays', noncurrentDays, 0, 36500);
    checkInt('kmsDeletionWindowDays', deletionWindow, 7, 30);

    // --- build ---
    const provider = props.provider;
    const partition = props.partition ?? new DataAwsPartition(this, 'partition', { provider }).partition;
    const baseName = `${namePrefix}-trail-${accountId}-${region}`;
    const trailName = `${namePrefix}-trail`;
    const trailArn = `arn:${partition}:cloudtrail:${region}:${accountId}:trail/${trailName}`;
    const bucketArn = `arn:${partition}:s3:::${baseName}`;
    const logGroupName = baseName;
    const logGroupArn = `arn:${partition}:logs:${region}:${accountId}:log-group:${logGroupName}`;
    const trailSource = { 'aws:SourceArn': trailArn, 'aws:SourceAccount': accountId };

    const key = new KmsKey(this, 'key', {
      provider,
      description: `rootwatch: encrypts CloudTrail trail ${trailName} and its log group`,
      enableKeyRotation: true,
      deletionWindowInDays: deletionWindow,
      policy: policyDocument([
        {
          Sid: 'AccountRootAdministers',
          Effect: 'Allow',
          Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
        {
          Sid: 'CloudTrailEncryptsLogs',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 'kms:GenerateDataKey*',
          Resource: '*',
          Condition: {
            StringEquals: trailSource,
            StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${partition}:cloudtrail:*:${accountId}:trail/*` },
          },
        },
        {
          Sid: 'CloudTrailDescribesKey',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 'kms:DescribeKey',
          Resource: '*',
          Condition: { StringEquals: trailSource },
        },
        {
          Sid: 'CloudWatchLogsEncryptsLogGroup',
          Effect: 'Allow',
          Principal: { Service: `logs.${region}.amazonaws.com` },
          Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          Resource: '*',
          Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': logGroupArn } },
        },
      ]),
    });
    new KmsAlias(this, 'key-alias', { provider, name: `alias/${namePrefix}-trail`, targetKeyId: key.keyId });

    const bucket = new S3Bucket(this, 'bucket', {
      provider,
      bucket: baseName,
      forceDestroy: false,
      ...(props.objectLockDays !== undefined ? { objectLockEnabled: true } : {}),
    });
    // `bucket.bucket` (known at plan) rather than `bucket.id` (computed) keeps every value readable in a plan.
    const bucketRef = bucket.bucket;
    const versioning = new S3BucketVersioningA(this, 'bucket-versioning', {
      provider,
      bucket: bucketRef,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'bucket-encryption', {
      provider,
      bucket: bucketRef,
      rule: [{
        applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: key.arn },
        bucketKeyEnabled: true,
      }],
    });
    const ownership = new S3BucketOwnershipControls(this, 'bucket-ownership', {
      provider,
      bucket: bucketRef,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    const publicAccess = new S3BucketPublicAccessBlock(this, 'bucket-public-access-block', {
      provider,
      bucket: bucketRef,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const everything = [bucketArn, `${bucketArn}/*`];
    const bucketPolicy = new S3BucketPolicy(this, 'bucket-policy', {
      provider,
      bucket: bucketRef,
      dependsOn: [publicAccess, ownership],
      policy: policyDocument([
        {
          Sid: 'CloudTrailAclCheck',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 's3:GetBucketAcl',
          Resource: bucketArn,
          Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
        },
        {
          Sid: 'CloudTrailWrite',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: `${bucketArn}/AWSLogs/${accountId}/*`,
          Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArn } },
        },
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: everything,
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
        {
          Sid: 'DenyDelete',
          Effect: 'Deny',
          Principal: '*',
          Action: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:DeleteBucket'],
          Resource: everything,
        },
      ]),
    });

    if (props.objectLockDays !== undefined) {
      new S3BucketObjectLockConfigurationA(this, 'bucket-object-lock', {
        provider,
        bucket: bucketRef,
        dependsOn: [versioning],
        rule: { defaultRetention: { mode: lockMode, days: props.objectLockDays } },
      });
    }
    if (glacierDays > 0 || noncurrentDays > 0) {
      new S3BucketLifecycleConfiguration(this, 'bucket-lifecycle', {
        provider,
        bucket: bucketRef,
        dependsOn: [versioning],
        rule: [{
          id: 'archive-and-expire-noncurrent',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          ...(glacierDays > 0 ? { transition: [{ days: glacierDays, storageClass: 'GLACIER' }] } : {}),
          ...(noncurrentDays > 0 ? { noncurrentVersionExpiration: [{ noncurrentDays }] } : {}),
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        }],
      });
    }

    const logGroup = new CloudwatchLogGroup(this, 'log-group', {
      provider,
      name: logGroupName,
      retentionInDays: retention,
      kmsKeyId: key.arn,
    });
    const role = new IamRole(this, 'cloudwatch-logs-role', {
      provider,
      namePrefix: `${namePrefix}-trail-`,
      description: `rootwatch: lets CloudTrail trail ${trailName} write to ${logGroupName}`,
      assumeRolePolicy: policyDocument([{
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: trailSource },
      }]),
    });
    const rolePolicy = new IamRolePolicy(this, 'cloudwatch-logs-policy', {
      provider,
      role: role.id,
      namePrefix: 'write-trail-log-group-',
      policy: policyDocument([{
        Sid: 'WriteTrailLogGroup',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: `${logGroupArn}:log-stream:*`,
      }]),
    });

    const trail = new Cloudtrail(this, 'trail', {
      provider,
      name: trailName,
      s3BucketName: bucketRef,
      kmsKeyId: key.arn,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: true,
      cloudWatchLogsGroupArn: `${logGroup.arn}:*`,
      cloudWatchLogsRoleArn: role.arn,
      dependsOn: [bucketPolicy, rolePolicy],
    });

    this.trailArn = trail.arn;
    this.trailName = trailName;
    this.bucketName = bucketRef;
    this.bucketArn = bucket.arn;
    this.logGroupName = logGroup.name;
    this.logGroupArn = logGroup.arn;
    this.kmsKeyArn = key.arn;
    this.cloudWatchLogsRoleArn = role.arn;
  }
}

/** A module variable (a token) is checked by its own validation block. */
function checkInt(prop: string, v: number, min: number, max: number): void {
  checkIntIn('', prop, v, min, max, { isToken: (x) => Token.isUnresolved(x) });
}
