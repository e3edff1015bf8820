/**
 * AWS responses for the audit tests, shaped like the AWS API documentation examples:
 * - STS GetCallerIdentity "To get details about a calling user federated with AssumeRole";
 * - IAM GetAccountSummary "To get information about IAM entity quotas and usage in the current account";
 * - IAM GetAccountPasswordPolicy "To see the current account password policy";
 * - IAM GetCredentialReport (AWS CLI example: GeneratedTime 2015-06-17T19:11:50Z, ReportFormat text/csv);
 * - CloudTrail describe-trails / get-trail-status (AWS CLI examples);
 * - Organizations DescribeOrganization / ListParents / ListPoliciesForTarget / DescribePolicy examples.
 * The account id is the one of the Organizations examples (444444444444) so the examples fit together.
 * SYNTHESIZED: the credential report CSV rows (written from the documented columns of
 * "Generate credential reports for your AWS account"), the alternate contacts (documented
 * AlternateContact fields), and the deny-root SCP content.
 */
import { CREDENTIAL_REPORT_COLUMNS } from '../../../cli/audit/credential-report';

export const ACCOUNT_ID = '444444444444';
export const CALLER_ARN = `arn:aws:sts::${ACCOUNT_ID}:assumed-role/my-role-name/my-role-session-name`;

export const callerIdentity = {
  Account: ACCOUNT_ID,
  Arn: CALLER_ARN,
  UserId: 'AKIAI44QH8DHBEXAMPLE:my-role-session-name',
};

/** The documented example (root has an access key, no MFA). */
export const accountSummaryDocExample = {
  SummaryMap: {
    AccessKeysPerUserQuota: 2,
    AccountAccessKeysPresent: 1,
    AccountMFAEnabled: 0,
    AccountSigningCertificatesPresent: 0,
    AttachedPoliciesPerGroupQuota: 10,
    AttachedPoliciesPerRoleQuota: 10,
    AttachedPoliciesPerUserQuota: 10,
    GlobalEndpointTokenVersion: 2,
    GroupPolicySizeQuota: 5120,
    Groups: 15,
    GroupsPerUserQuota: 10,
    GroupsQuota: 100,
    MFADevices: 6,
    MFADevicesInUse: 3,
    Policies: 8,
    PoliciesQuota: 1000,
    PolicySizeQuota: 5120,
    PolicyVersionsInUse: 22,
    PolicyVersionsInUseQuota: 10000,
    ServerCertificates: 1,
    ServerCertificatesQuota: 20,
    SigningCertificatesPerUserQuota: 2,
    UserPolicySizeQuota: 2048,
    Users: 27,
    UsersQuota: 5000,
    VersionsPerPolicyQuota: 5,
  },
};

/** The documented example with root MFA on and no root access key. */
export const accountSummaryGood = {
  SummaryMap: { ...accountSummaryDocExample.SummaryMap, AccountAccessKeysPresent: 0, AccountMFAEnabled: 1 },
};

/** The documented example (MinimumPasswordLength 8). */
export const passwordPolicyDocExample = {
  PasswordPolicy: {
    AllowUsersToChangePassword: false,
    ExpirePasswords: false,
    HardExpiry: false,
    MaxPasswordAge: 90,
    MinimumPasswordLength: 8,
    PasswordReusePrevention: 12,
    RequireLowercaseCharacters: false,
    RequireNumbers: true,
    RequireSymbols: true,
    RequireUppercaseCharacters: false,
  },
};

export const passwordPolicyGood = {
  PasswordPolicy: { ...passwordPolicyDocExample.PasswordPolicy, MinimumPasswordLength: 14, PasswordReusePrevention: 24 },
};

// --- credential report (SYNTHESIZED rows, documented columns) ------------------------------------
export type ReportRow = Partial<Record<(typeof CREDENTIAL_REPORT_COLUMNS)[number], string>>;

/** Root row of an account whose root has MFA, no keys, and no recorded password use. */
export const rootRowGood: ReportRow = {
  user: '<root_account>',
  arn: `arn:aws:iam::${ACCOUNT_ID}:root`,
  user_creation_time: '2015-06-01T08:32:15+00:00',
  password_enabled: 'not_supported',
  password_last_used: 'no_information',
  password_last_changed: 'not_supported',
  password_next_rotation: 'not_supported',
  mfa_active: 'true',
  access_key_1_active: 'false',
  access_key_1_last_rotated: 'N/A',
  access_key_1_last_used_date: 'N/A',
  access_key_1_last_used_region: 'N/A',
  access_key_1_last_used_service: 'N/A',
  access_key_2_active: 'false',
  access_key_2_last_rotated: 'N/A',
  access_key_2_last_used_date: 'N/A',
  access_key_2_last_used_region: 'N/A',
  access_key_2_last_used_service: 'N/A',
  cert_1_active: 'false',
  cert_1_last_rotated: 'N/A',
  cert_2_active: 'false',
  cert_2_last_rotated: 'N/A',
};

export const userRowAlice: ReportRow = {
  ...rootRowGood,
  user: 'Alice',
  arn: `arn:aws:iam::${ACCOUNT_ID}:user/Alice`,
  password_enabled: 'true',
  password_last_used: '2015-06-16T18:20:10+00:00',
  password_last_changed: '2015-06-02T10:00:00+00:00',
  password_next_rotation: 'N/A',
  mfa_active: 'false',
  access_key_1_active: 'true',
  access_key_1_last_rotated: '2015-06-02T10:05:00+00:00',
  access_key_1_last_used_date: '2015-06-17T01:00:00+00:00',
  access_key_1_last_used_region: 'us-east-1',
  access_key_1_last_used_service: 's3',
};

export function credentialReportCsv(rows: ReportRow[]): string {
  const header = CREDENTIAL_REPORT_COLUMNS.join(',');
  return [header, ...rows.map((r) => CREDENTIAL_REPORT_COLUMNS.map((c) => r[c] ?? 'N/A').join(','))].join('\n') + '\n';
}

/** GetCredentialReport as the SDK returns it: Content as bytes of the CSV. */
export function credentialReport(rows: ReportRow[]) {
  return {
    Content: new TextEncoder().encode(credentialReportCsv(rows)),
    ReportFormat: 'text/csv' as const,
    GeneratedTime: new Date('2015-06-17T19:11:50Z'),
  };
}

export const alternateContact = (type: 'BILLING' | 'OPERATIONS' | 'SECURITY') => ({
  AlternateContact: {
    AlternateContactType: type,
    EmailAddress: `${type.toLowerCase()}@example.com`,
    Name: 'Mary Major',
    PhoneNumber: '+1 555-555-5555',
    Title: `${type[0]}${type.slice(1).toLowerCase()} contact`,
  },
});

// --- CloudTrail -------------------------------------------------------------------------------------
/** The documented describe-trails example: two single-region trails without log file validation. */
export const describeTrailsDocExample = {
  trailList: [
    {
      IncludeGlobalServiceEvents: true,
      Name: 'Trail1',
      TrailARN: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/Trail1',
      LogFileValidationEnabled: false,
      IsMultiRegionTrail: false,
      S3BucketName: 'my-bucket',
      CloudWatchLogsRoleArn: 'arn:aws:iam::123456789012:role/CloudTrail_CloudWatchLogs_Role',
      CloudWatchLogsLogGroupArn: 'arn:aws:logs:us-east-1:123456789012:log-group:CloudTrail:*',
      SnsTopicName: 'my-topic',
      HomeRegion: 'us-east-1',
    },
    {
      IncludeGlobalServiceEvents: true,
      Name: 'Trail2',
      S3KeyPrefix: 'my-prefix',
      TrailARN: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/Trail2',
      LogFileValidationEnabled: false,
      IsMultiRegionTrail: false,
      S3BucketName: 'my-bucket',
      KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/4c5ae5ac-3c13-421e-8335-c7868ef6a769',
      HomeRegion: 'us-east-1',
    },
  ],
};

/** The example with Trail2 made multi-region and validated. */
export const describeTrailsGood = {
  trailList: [
    describeTrailsDocExample.trailList[0],
    { ...describeTrailsDocExample.trailList[1], IsMultiRegionTrail: true, LogFileValidationEnabled: true },
  ],
};

/** The documented get-trail-status example (timestamps as the SDK gives them: Date). */
export const trailStatusLogging = {
  LatestNotificationTime: new Date(1454022144869),
  LatestNotificationAttemptSucceeded: '2016-01-28T23:02:24Z',
  LatestDeliveryAttemptTime: '2016-01-28T23:02:24Z',
  LatestDeliveryTime: new Date(1454022144869),
  TimeLoggingStarted: '2015-11-06T18:36:38Z',
  LatestDeliveryAttemptSucceeded: '2016-01-28T23:02:24Z',
  IsLogging: true,
  LatestCloudWatchLogsDeliveryTime: new Date(1454022144918),
  StartLoggingTime: new Date(1446834998695),
  StopLoggingTime: new Date(1446834996933),
  LatestNotificationAttemptTime: '2016-01-28T23:02:24Z',
  TimeLoggingStopped: '2015-11-06T18:36:36Z',
};

// --- Organizations ----------------------------------------------------------------------------------
/** The documented DescribeOrganization example (management account 111111111111). */
export const describeOrganizationDocExample = {
  Organization: {
    Arn: 'arn:aws:organizations::111111111111:organization/o-exampleorgid',
    AvailablePolicyTypes: [{ Status: 'ENABLED' as const, Type: 'SERVICE_CONTROL_POLICY' as const }],
    FeatureSet: 'ALL' as const,
    Id: 'o-exampleorgid',
    MasterAccountArn: 'arn:aws:organizations::111111111111:account/o-exampleorgid/111111111111',
    MasterAccountEmail: 'bill@example.com',
  },
};

export const OU_ID = 'ou-examplerootid111-exampleouid111';
export const ROOT_ID = 'r-examplerootid111';

/** The documented ListParents example (account 444444444444 in an OU). */
export const listParentsOfAccount = { Parents: [{ Id: OU_ID, Type: 'ORGANIZATIONAL_UNIT' as const }] };
export const listParentsOfOu = { Parents: [{ Id: ROOT_ID, Type: 'ROOT' as const }] };

/** The documented ListPoliciesForTarget example (an SCP attached directly to the account). */
export const policiesOnAccountDocExample = {
  Policies: [
    {
      Arn: 'arn:aws:organizations::111111111111:policy/o-exampleorgid/service_control_policy/p-examplepolicyid222',
      AwsManaged: false,
      Description: 'Enables account admins to delegate permissions for any EC2 actions to users and roles in their accounts.',
      Id: 'p-examplepolicyid222',
      Name: 'AllowAllEC2Actions',
      Type: 'SERVICE_CONTROL_POLICY' as const,
    },
  ],
};

export const denyRootPolicySummary = {
  Arn: 'arn:aws:organizations::111111111111:policy/o-exampleorgid/service_control_policy/p-examplepolicyid333',
  AwsManaged: false,
  Description: 'Denies every action of the root user of member accounts (rootwatch)',
  Id: 'p-examplepolicyid333',
  Name: 'rootwatch-deny-root',
  Type: 'SERVICE_CONTROL_POLICY' as const,
};

export const fullAwsAccessSummary = {
  Arn: 'arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess',
  AwsManaged: true,
  Description: 'Allows access to every operation',
  Id: 'p-FullAWSAccess',
  Name: 'FullAWSAccess',
  Type: 'SERVICE_CONTROL_POLICY' as const,
};

/** The documented DescribePolicy example (an Allow policy: does not deny root). */
export const describePolicyDocExample = {
  Policy: {
    Content:
      '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Action": "*",\n      "Resource": "*"\n    }\n  ]\n}',
    PolicySummary: {
      Arn: 'arn:aws:organizations::111111111111:policy/o-exampleorgid/service_control_policy/p-examplepolicyid111',
      AwsManaged: false,
      Description: 'Enables admins to delegate S3 permissions',
      Id: 'p-examplepolicyid111',
      Name: 'AllowAllS3Actions',
      Type: 'SERVICE_CONTROL_POLICY' as const,
    },
  },
};

/** SYNTHESIZED deny-root SCP content (exempts sanctioned AssumeRoot sessions). */
export const DENY_ROOT_CONTENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DenyRootUser',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: {
        StringLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:root'] },
        Null: { 'aws:AssumedRoot': 'true' },
      },
    },
  ],
});
