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
import { accountRootArn, arnOf, denyInsecureTransport, policyDocument, serviceAllows } from './iam';
import { propChecks } from '../core/validation';

export type ObjectLockMode = 'GOVERNANCE' | 'COMPLIANCE';

export interface HardenedTrailProps {
  /** rootwatch's name prefix (core/validation.ts NAME_PREFIX_PATTERN; part of the bucket name). */
  readonly namePrefix: string;
  /** Provider reaching the account, in its home region. @default the stack's default aws provider */
  readonly provider?: TerraformProvider;
  /** The account's ID (12 digits, or a token such as a Terraform variable). */
  readonly accountId: string;
  /** The provider's region, i.e. the trail's home region (literal or token). */
  readonly region: string;
  /** AWS partition (`aws`, `aws-us-gov`, `aws-cn`; a token such as data aws_partition's is fine). */
  readonly partition: string;
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

/** The defaults the config schema states too (__tests__/core/schema-owners.test.ts proves them equal). */
export const TRAIL_DEFAULTS = { logRetentionDays: 365, transitionToGlacierDays: 90 } as const;
/** Longest region code assumed when the region is a token (e.g. ap-southeast-4). */
const MAX_REGION_LENGTH = 14;

const check = propChecks('HardenedTrail', (v) => Token.isUnresolved(v));

/** The props with their defaults, validated. */
interface TrailSettings {
  readonly retention: number;
  readonly lockMode: ObjectLockMode;
  readonly glacierDays: number;
  readonly noncurrentDays: number;
  readonly deletionWindow: number;
}

/** Names and ARNs of the trail's parts, written from strings known at plan time. */
interface TrailNames {
  readonly provider?: TerraformProvider;
  readonly namePrefix: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  readonly trailName: string;
  readonly trailArn: string;
  /** bucket and log group: `<prefix>-trail-<account>-<region>` */
  readonly baseName: string;
  readonly bucketArn: string;
  readonly logGroupArn: string;
  /** `aws:SourceArn` and `aws:SourceAccount` of the trail (confused-deputy guard). */
  readonly trailSource: Record<string, string>;
}

function trailSettings(props: HardenedTrailProps): TrailSettings {
  const settings: TrailSettings = {
    retention: props.logRetentionDays ?? TRAIL_DEFAULTS.logRetentionDays,
    lockMode: props.objectLockMode ?? 'GOVERNANCE',
    glacierDays: props.transitionToGlacierDays ?? TRAIL_DEFAULTS.transitionToGlacierDays,
    noncurrentDays: props.noncurrentVersionExpirationDays ?? 365,
    deletionWindow: props.kmsDeletionWindowDays ?? 30,
  };
  checkNames(props);
  check.nonEmpty('partition', props.partition);
  check.logRetention('logRetentionDays', settings.retention);
  if (props.objectLockDays !== undefined) check.int('objectLockDays', props.objectLockDays, 1, 36500);
  check.oneOf('objectLockMode', settings.lockMode, ['GOVERNANCE', 'COMPLIANCE']);
  check.int('transitionToGlacierDays', settings.glacierDays, 0, 36500);
  check.int('noncurrentVersionExpirationDays', settings.noncurrentDays, 0, 36500);
  check.int('kmsDeletionWindowDays', settings.deletionWindow, 7, 30);
  return settings;
}

/**
 * The prefix, account and region, and the bucket name they make (at most 63 characters: a region
 * code REGION_PATTERN admits may be longer than any today). The role's `<prefix>-trail-` always fits
 * IAM's 38 for name_prefix (core/limits.ts NAME_PREFIX_MAX_LENGTH).
 */
function checkNames({ namePrefix, accountId, region }: HardenedTrailProps): void {
  check.namePrefix('namePrefix', namePrefix);
  check.accountId('accountId', accountId);
  check.region('region', region);
  if (Token.isUnresolved(namePrefix)) return;
  const regionLength = Token.isUnresolved(region) ? MAX_REGION_LENGTH : region.length;
  const bucketLength = `${namePrefix}-trail-`.length + 12 + 1 + regionLength;
  if (bucketLength > 63) {
    throw check.error('namePrefix', `too long for the bucket name ${namePrefix}-trail-<account>-<region> (${bucketLength} > 63 characters)`);
  }
}

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
    const settings = trailSettings(props);
    const names = this.names(props);
    const key = this.key(names, settings);
    const bucket = this.bucket(names, key, props.objectLockDays !== undefined);
    const bucketPolicy = this.bucketPolicy(names, bucket);
    this.bucketLifecycle(names, bucket, settings, props.objectLockDays);
    const logs = this.logDelivery(names, key, settings);

    const trail = new Cloudtrail(this, 'trail', {
      provider: names.provider,
      name: names.trailName,
      s3BucketName: bucket.bucket.bucket,
      kmsKeyId: key.arn,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: true,
      cloudWatchLogsGroupArn: `${logs.logGroup.arn}:*`,
      cloudWatchLogsRoleArn: logs.role.arn,
      dependsOn: [bucketPolicy, logs.rolePolicy],
    });

    this.trailArn = trail.arn;
    this.trailName = names.trailName;
    this.bucketName = bucket.bucket.bucket;
    this.bucketArn = bucket.bucket.arn;
    this.logGroupName = logs.logGroup.name;
    this.logGroupArn = logs.logGroup.arn;
    this.kmsKeyArn = key.arn;
    this.cloudWatchLogsRoleArn = logs.role.arn;
  }

  private names(props: HardenedTrailProps): TrailNames {
    const { provider, namePrefix, accountId, region } = props;
    const partition = props.partition;
    const baseName = `${namePrefix}-trail-${accountId}-${region}`;
    const trailName = `${namePrefix}-trail`;
    const trailArn = arnOf({ partition, region, accountId }, 'cloudtrail', `trail/${trailName}`);
    return {
      provider,
      namePrefix,
      accountId,
      region,
      partition,
      trailName,
      trailArn,
      baseName,
      bucketArn: arnOf({ partition, region: '', accountId: '' }, 's3', baseName),
      logGroupArn: arnOf({ partition, region, accountId }, 'logs', `log-group:${baseName}`),
      trailSource: { 'aws:SourceArn': trailArn, 'aws:SourceAccount': accountId },
    };
  }

  /** The CMK of the trail and its log group, with its alias. */
  private key(n: TrailNames, settings: TrailSettings): KmsKey {
    const { provider, partition, accountId, trailSource } = n;
    const key = new KmsKey(this, 'key', {
      provider,
      description: `rootwatch: encrypts CloudTrail trail ${n.trailName} and its log group`,
      enableKeyRotation: true,
      deletionWindowInDays: settings.deletionWindow,
      policy: policyDocument([
        {
          Sid: 'AccountRootAdministers',
          Effect: 'Allow',
          Principal: { AWS: accountRootArn(partition, accountId) },
          Action: 'kms:*',
          Resource: '*',
        },
        serviceAllows('CloudTrailEncryptsLogs', 'cloudtrail.amazonaws.com', 'kms:GenerateDataKey*', '*', {
          StringEquals: trailSource,
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': arnOf({ partition, region: '*', accountId }, 'cloudtrail', 'trail/*') },
        }),
        serviceAllows('CloudTrailDescribesKey', 'cloudtrail.amazonaws.com', 'kms:DescribeKey', '*', { StringEquals: trailSource }),
        serviceAllows('CloudWatchLogsEncryptsLogGroup', `logs.${n.region}.amazonaws.com`, ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'], '*',
          { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': n.logGroupArn } }),
      ]),
    });
    new KmsAlias(this, 'key-alias', { provider, name: `alias/${n.namePrefix}-trail`, targetKeyId: key.keyId });
    return key;
  }

  /** The bucket: versioned, SSE-KMS, bucket-owner-enforced, public access blocked. */
  private bucket(n: TrailNames, key: KmsKey, objectLock: boolean): TrailBucket {
    const provider = n.provider;
    const bucket = new S3Bucket(this, 'bucket', {
      provider,
      bucket: n.baseName,
      forceDestroy: false,
      ...(objectLock ? { objectLockEnabled: true } : {}),
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
    return { bucket, versioning, ownership, publicAccess };
  }

  /** CloudTrail may check the ACL and write its logs; TLS only; nobody deletes. */
  private bucketPolicy(n: TrailNames, b: TrailBucket): S3BucketPolicy {
    const { bucketArn, trailArn } = n;
    const everything = [bucketArn, `${bucketArn}/*`];
    return new S3BucketPolicy(this, 'bucket-policy', {
      provider: n.provider,
      bucket: b.bucket.bucket,
      dependsOn: [b.publicAccess, b.ownership],
      policy: policyDocument([
        serviceAllows('CloudTrailAclCheck', 'cloudtrail.amazonaws.com', 's3:GetBucketAcl', bucketArn, { StringEquals: { 'aws:SourceArn': trailArn } }),
        serviceAllows('CloudTrailWrite', 'cloudtrail.amazonaws.com', 's3:PutObject', `${bucketArn}/AWSLogs/${n.accountId}/*`,
          { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArn } }),
        denyInsecureTransport('DenyInsecureTransport', 's3:*', everything),
        {
          Sid: 'DenyDelete',
          Effect: 'Deny',
          Principal: '*',
          Action: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:DeleteBucket'],
          Resource: everything,
        },
      ]),
    });
  }

  /** Optional object lock, and the lifecycle (Glacier, noncurrent expiry) unless both are 0. */
  private bucketLifecycle(n: TrailNames, b: TrailBucket, settings: TrailSettings, objectLockDays: number | undefined): void {
    const { provider } = n;
    const { glacierDays, noncurrentDays } = settings;
    if (objectLockDays !== undefined) {
      new S3BucketObjectLockConfigurationA(this, 'bucket-object-lock', {
        provider,
        bucket: b.bucket.bucket,
        dependsOn: [b.versioning],
        rule: { defaultRetention: { mode: settings.lockMode, days: objectLockDays } },
      });
    }
    if (glacierDays === 0 && noncurrentDays === 0) return;
    new S3BucketLifecycleConfiguration(this, 'bucket-lifecycle', {
      provider,
      bucket: b.bucket.bucket,
      dependsOn: [b.versioning],
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

  /** The encrypted log group and the role CloudTrail writes to it with. */
  private logDelivery(n: TrailNames, key: KmsKey, settings: TrailSettings): { logGroup: CloudwatchLogGroup; role: IamRole; rolePolicy: IamRolePolicy } {
    const { provider } = n;
    const logGroup = new CloudwatchLogGroup(this, 'log-group', {
      provider,
      name: n.baseName,
      retentionInDays: settings.retention,
      kmsKeyId: key.arn,
    });
    const role = new IamRole(this, 'cloudwatch-logs-role', {
      provider,
      namePrefix: `${n.namePrefix}-trail-`,
      description: `rootwatch: lets CloudTrail trail ${n.trailName} write to ${n.baseName}`,
      assumeRolePolicy: policyDocument([{
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: n.trailSource },
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
        Resource: `${n.logGroupArn}:log-stream:*`,
      }]),
    });
    return { logGroup, role, rolePolicy };
  }
}

interface TrailBucket {
  readonly bucket: S3Bucket;
  readonly versioning: S3BucketVersioningA;
  readonly ownership: S3BucketOwnershipControls;
  readonly publicAccess: S3BucketPublicAccessBlock;
}
