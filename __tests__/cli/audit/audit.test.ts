import {
  AccessDeniedException as AccountAccessDenied,
  AccountClient,
  GetAlternateContactCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-account';
import {
  AccessDeniedException as CloudTrailAccessDenied,
  CloudTrailClient,
  DescribeTrailsCommand,
  GetTrailStatusCommand,
  ThrottlingException as CloudTrailThrottling,
} from '@aws-sdk/client-cloudtrail';
import {
  GenerateCredentialReportCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  IAMClient,
  IAMServiceException,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import {
  AccessDeniedException as OrgAccessDenied,
  AWSOrganizationsNotInUseException,
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListParentsCommand,
  ListPoliciesForTargetCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { AuditClients, AuditReport, CHECKS, runAudit } from '../../../cli/audit';
import * as fx from './aws-fixtures';

const stsMock = mockClient(STSClient);
const iamMock = mockClient(IAMClient);
const accountMock = mockClient(AccountClient);
const trailMock = mockClient(CloudTrailClient);
const orgMock = mockClient(OrganizationsClient);

const config = { region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } };
const clients: AuditClients = {
  sts: new STSClient(config),
  iam: new IAMClient(config),
  account: new AccountClient(config),
  cloudtrail: new CloudTrailClient(config),
  organizations: new OrganizationsClient(config),
};

const NOW = new Date('2025-06-01T00:00:00Z');
let sleeps: number[] = [];

function audit(extra: Partial<Parameters<typeof runAudit>[0]> = {}) {
  return runAudit({
    json: true,
    clients,
    now: () => NOW,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  });
}

async function auditJson(extra: Partial<Parameters<typeof runAudit>[0]> = {}) {
  const out = await audit(extra);
  if (out.exitCode === 2) throw new Error(`unexpected exit 2: ${out.stdout}`);
  return { ...out, report: JSON.parse(out.stdout) as AuditReport };
}

function check(report: AuditReport, id: string) {
  const c = report.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id}`);
  return c;
}

const iamDenied = (action: string) =>
  new IAMServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    $metadata: { httpStatusCode: 403 },
    message: `User: ${fx.CALLER_ARN} is not authorized to perform: ${action} on resource: *`,
  });

const iamThrottled = () =>
  new IAMServiceException({ name: 'Throttling', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded' });

function allGood() {
  stsMock.on(GetCallerIdentityCommand).resolves(fx.callerIdentity);
  iamMock.on(GetAccountSummaryCommand).resolves(fx.accountSummaryGood);
  iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
  iamMock.on(GetCredentialReportCommand).resolves(fx.credentialReport([fx.rootRowGood, fx.userRowAlice]));
  iamMock.on(GetAccountPasswordPolicyCommand).resolves(fx.passwordPolicyGood);
  for (const type of ['BILLING', 'OPERATIONS', 'SECURITY'] as const) {
    accountMock.on(GetAlternateContactCommand, { AlternateContactType: type }).resolves(fx.alternateContact(type));
  }
  trailMock.on(DescribeTrailsCommand).resolves(fx.describeTrailsGood);
  trailMock.on(GetTrailStatusCommand).resolves(fx.trailStatusLogging);
  orgMock.on(DescribeOrganizationCommand).resolves(fx.describeOrganizationDocExample);
  orgMock.on(ListParentsCommand, { ChildId: fx.ACCOUNT_ID }).resolves(fx.listParentsOfAccount);
  orgMock.on(ListParentsCommand, { ChildId: fx.OU_ID }).resolves(fx.listParentsOfOu);
  orgMock.on(ListPoliciesForTargetCommand, { TargetId: fx.ACCOUNT_ID }).resolves(fx.policiesOnAccountDocExample);
  orgMock.on(ListPoliciesForTargetCommand, { TargetId: fx.OU_ID }).resolves({ Policies: [fx.denyRootPolicySummary] });
  orgMock.on(ListPoliciesForTargetCommand, { TargetId: fx.ROOT_ID }).resolves({ Policies: [fx.fullAwsAccessSummary] });
  orgMock.on(DescribePolicyCommand).resolves(fx.describePolicyDocExample);
}

beforeEach(() => {
  for (const m of [stsMock, iamMock, accountMock, trailMock, orgMock]) m.reset();
  sleeps = [];
  allGood();
});

afterAll(() => {
  for (const m of [stsMock, iamMock, accountMock, trailMock, orgMock]) m.restore();
});

describe('all checks pass', () => {
  it('exits 0 with seven passing checks for the caller account', async () => {
    const { exitCode, report } = await auditJson();
    expect(exitCode).toBe(0);
    expect(report.account).toBe(fx.ACCOUNT_ID);
    expect(report.passed).toBe(true);
    expect(report.checks.map((c) => [c.id, c.status])).toEqual(CHECKS.map((c) => [c.id, 'pass']));
  });

  it('reads the SCPs of the account, its OU and the root, filtered on service control policies', async () => {
    const { report } = await auditJson();
    expect(check(report, 'deny-root-scp').detail).toBe(
      `rootwatch-deny-root (p-examplepolicyid333) attached to ${fx.OU_ID}`,
    );
    const calls = orgMock.commandCalls(ListPoliciesForTargetCommand).map((c) => c.args[0].input);
    expect(calls).toEqual([
      { TargetId: fx.ACCOUNT_ID, Filter: 'SERVICE_CONTROL_POLICY' },
      { TargetId: fx.OU_ID, Filter: 'SERVICE_CONTROL_POLICY' },
      { TargetId: fx.ROOT_ID, Filter: 'SERVICE_CONTROL_POLICY' },
    ]);
  });

  it('asks for shadow trails and the status of the compliant trail by ARN', async () => {
    const { report } = await auditJson();
    expect(trailMock.commandCalls(DescribeTrailsCommand)[0].args[0].input).toEqual({ includeShadowTrails: true });
    expect(trailMock.commandCalls(GetTrailStatusCommand).map((c) => c.args[0].input)).toEqual([
      { Name: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/Trail2' },
    ]);
    expect(check(report, 'cloudtrail').detail).toContain('Trail2');
  });

  it('generates the credential report once for the three root checks', async () => {
    await auditJson();
    expect(iamMock.commandCalls(GenerateCredentialReportCommand)).toHaveLength(1);
    expect(iamMock.commandCalls(GetCredentialReportCommand)).toHaveLength(1);
    expect(iamMock.commandCalls(GetAccountSummaryCommand)).toHaveLength(1);
  });
});

describe('root MFA', () => {
  it('fails when the account summary reports no root MFA (documented example)', async () => {
    iamMock.on(GetAccountSummaryCommand).resolves(fx.accountSummaryDocExample);
    iamMock.on(GetCredentialReportCommand).resolves(fx.credentialReport([{ ...fx.rootRowGood, mfa_active: 'false' }]));
    const { exitCode, report } = await auditJson();
    expect(exitCode).toBe(1);
    expect(report.passed).toBe(false);
    expect(check(report, 'root-mfa')).toMatchObject({ status: 'fail' });
    expect(check(report, 'root-mfa').detail).toContain('AccountMFAEnabled=0');
  });

  it('fails when the credential report says mfa_active false although the summary says 1', async () => {
    iamMock.on(GetCredentialReportCommand).resolves(fx.credentialReport([{ ...fx.rootRowGood, mfa_active: 'false' }]));
    const { report } = await auditJson();
    expect(check(report, 'root-mfa').status).toBe('fail');
    expect(check(report, 'root-mfa').detail).toContain('mfa_active=false');
  });

  it('still passes on the account summary alone when the credential report is denied, and says so', async () => {
    iamMock.on(GenerateCredentialReportCommand).rejects(iamDenied('iam:GenerateCredentialReport'));
    const { report } = await auditJson();
    expect(check(report, 'root-mfa').status).toBe('pass');
    expect(check(report, 'root-mfa').detail).toContain('access denied: iam:GenerateCredentialReport');
  });
});

describe('root access keys', () => {
  it('fails with the key and its last use when root has an active key', async () => {
    iamMock.on(GetAccountSummaryCommand).resolves({
      SummaryMap: { ...fx.accountSummaryGood.SummaryMap, AccountAccessKeysPresent: 1 },
    });
    iamMock.on(GetCredentialReportCommand).resolves(
      fx.credentialReport([
        {
          ...fx.rootRowGood,
          access_key_1_active: 'true',
          access_key_1_last_rotated: '2015-06-01T09:00:00+00:00',
          access_key_1_last_used_date: '2025-05-20T10:15:00+00:00',
          access_key_1_last_used_region: 'eu-west-1',
          access_key_1_last_used_service: 's3',
        },
      ]),
    );
    const { exitCode, report } = await auditJson();
    expect(exitCode).toBe(1);
    expect(check(report, 'root-access-keys')).toEqual({
      id: 'root-access-keys',
      title: 'No root access keys',
      status: 'fail',
      detail: 'root has access keys: key 1 active, last used 2025-05-20T10:15:00Z (s3 in eu-west-1)',
    });
  });

  it('fails on AccountAccessKeysPresent=1 even when no key is active', async () => {
    iamMock.on(GetAccountSummaryCommand).resolves(fx.accountSummaryDocExample);
    const { report } = await auditJson();
    expect(check(report, 'root-access-keys').status).toBe('fail');
    expect(check(report, 'root-access-keys').detail).toContain('AccountAccessKeysPresent=1');
  });

  it('does not count the keys of IAM users', async () => {
    const { report } = await auditJson(); // Alice has an active key in the report
    expect(check(report, 'root-access-keys')).toMatchObject({ status: 'pass', detail: 'no root access keys' });
  });
});

describe('root password last used', () => {
  const withPasswordLastUsed = (value: string) =>
    iamMock.on(GetCredentialReportCommand).resolves(fx.credentialReport([{ ...fx.rootRowGood, password_last_used: value }]));

  it('warns (without failing the audit) when root signed in within 90 days', async () => {
    withPasswordLastUsed('2025-05-20T08:00:00+00:00');
    const { exitCode, report } = await auditJson();
    expect(check(report, 'root-password-last-used')).toMatchObject({ status: 'warn' });
    expect(check(report, 'root-password-last-used').detail).toContain('11 day(s) ago (2025-05-20T08:00:00Z)');
    expect(report.passed).toBe(true);
    expect(exitCode).toBe(0);
  });

  it('passes when the last sign-in is older than 90 days', async () => {
    withPasswordLastUsed('2024-01-01T00:00:00+00:00');
    const { report } = await auditJson();
    expect(check(report, 'root-password-last-used')).toMatchObject({
      status: 'pass',
      detail: 'root password last used 2024-01-01T00:00:00Z (517 days ago)',
    });
  });

  it.each(['no_information', 'N/A'])('passes on %s (no recorded sign-in)', async (value) => {
    withPasswordLastUsed(value);
    const { report } = await auditJson();
    expect(check(report, 'root-password-last-used')).toMatchObject({ status: 'pass' });
    expect(check(report, 'root-password-last-used').detail).toContain(value);
  });

  it('is an error when the value is not a date', async () => {
    withPasswordLastUsed('yesterday');
    const { exitCode, report } = await auditJson();
    expect(check(report, 'root-password-last-used')).toMatchObject({ status: 'error' });
    expect(exitCode).toBe(1);
  });

  it('is an error when the report has no root row', async () => {
    iamMock.on(GetCredentialReportCommand).resolves(fx.credentialReport([fx.userRowAlice]));
    const { report } = await auditJson();
    expect(check(report, 'root-password-last-used')).toMatchObject({
      status: 'error',
      detail: 'credential report has no <root_account> row',
    });
  });
});

describe('credential report generation', () => {
  it('polls GenerateCredentialReport until COMPLETE, sleeping between polls', async () => {
    iamMock
      .on(GenerateCredentialReportCommand)
      .resolvesOnce({ State: 'STARTED', Description: 'No report exists. Starting a new report generation task' })
      .resolvesOnce({ State: 'INPROGRESS' })
      .resolves({ State: 'COMPLETE' });
    const { report } = await auditJson({ reportPollMs: 1234 });
    expect(iamMock.commandCalls(GenerateCredentialReportCommand)).toHaveLength(3);
    expect(sleeps.filter((ms) => ms === 1234)).toHaveLength(2);
    expect(check(report, 'root-password-last-used').status).toBe('pass');
  });

  it('gives up after the bounded number of polls', async () => {
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'INPROGRESS' });
    const { report } = await auditJson({ reportPollAttempts: 4 });
    expect(iamMock.commandCalls(GenerateCredentialReportCommand)).toHaveLength(4);
    expect(check(report, 'root-password-last-used')).toMatchObject({
      status: 'error',
      detail: 'credential report still INPROGRESS after 4 attempts',
    });
  });

  it('retries GetCredentialReport while the report is not ready', async () => {
    const { CredentialReportNotReadyException } = await import('@aws-sdk/client-iam');
    iamMock
      .on(GetCredentialReportCommand)
      .rejectsOnce(new CredentialReportNotReadyException({ message: 'Report is in progress', $metadata: {} }))
      .resolves(fx.credentialReport([fx.rootRowGood]));
    const { report } = await auditJson();
    expect(iamMock.commandCalls(GetCredentialReportCommand)).toHaveLength(2);
    expect(check(report, 'root-password-last-used').status).toBe('pass');
  });

  it('reads base64 Content (raw API form)', async () => {
    const csv = fx.credentialReportCsv([{ ...fx.rootRowGood, mfa_active: 'false' }]);
    iamMock.on(GetCredentialReportCommand).resolves({
      Content: new TextEncoder().encode(Buffer.from(csv).toString('base64')),
      ReportFormat: 'text/csv',
    });
    const { report } = await auditJson();
    expect(check(report, 'root-mfa').detail).toContain('mfa_active=false');
  });
});

describe('alternate contacts', () => {
  it('fails naming the contact that is not set (ResourceNotFoundException)', async () => {
    accountMock
      .on(GetAlternateContactCommand, { AlternateContactType: 'SECURITY' })
      .rejects(new ResourceNotFoundException({ message: 'No contact of the inputted alternate contact type found.', $metadata: {} }));
    const { exitCode, report } = await auditJson();
    expect(exitCode).toBe(1);
    expect(check(report, 'alternate-contacts')).toMatchObject({
      status: 'fail',
      detail: 'not set: SECURITY (set: BILLING, OPERATIONS)',
    });
  });

  it('asks for the three contact types of the caller account (no AccountId)', async () => {
    await auditJson();
    expect(accountMock.commandCalls(GetAlternateContactCommand).map((c) => c.args[0].input)).toEqual([
      { AlternateContactType: 'BILLING' },
      { AlternateContactType: 'OPERATIONS' },
      { AlternateContactType: 'SECURITY' },
    ]);
  });
});

describe('password policy', () => {
  it('fails when there is no password policy (NoSuchEntity)', async () => {
    iamMock.on(GetAccountPasswordPolicyCommand).rejects(
      new NoSuchEntityException({ message: `The Password Policy with domain name ${fx.ACCOUNT_ID} cannot be found.`, $metadata: {} }),
    );
    const { report } = await auditJson();
    expect(check(report, 'password-policy')).toMatchObject({ status: 'fail', detail: 'no account password policy (NoSuchEntity)' });
  });

  it('fails on the documented example (minimum length 8)', async () => {
    iamMock.on(GetAccountPasswordPolicyCommand).resolves(fx.passwordPolicyDocExample);
    const { exitCode, report } = await auditJson();
    expect(exitCode).toBe(1);
    expect(check(report, 'password-policy')).toMatchObject({ status: 'fail' });
    expect(check(report, 'password-policy').detail).toContain('MinimumPasswordLength 8 < 14');
  });
});

describe('trail', () => {
  it('fails on the documented describe-trails example (single-region, no validation)', async () => {
    trailMock.on(DescribeTrailsCommand).resolves(fx.describeTrailsDocExample);
    const { report } = await auditJson();
    expect(check(report, 'cloudtrail')).toMatchObject({
      status: 'fail',
      detail:
        'no compliant trail (Trail1: single-region, no log file validation; Trail2: single-region, no log file validation)',
    });
    expect(trailMock.commandCalls(GetTrailStatusCommand)).toHaveLength(0);
  });

  it('fails when the compliant trail is not logging', async () => {
    trailMock.on(GetTrailStatusCommand).resolves({ ...fx.trailStatusLogging, IsLogging: false });
    const { report } = await auditJson();
    expect(check(report, 'cloudtrail').status).toBe('fail');
    expect(check(report, 'cloudtrail').detail).toContain('Trail2: not logging');
  });

  it('fails when the trail does not include global service events', async () => {
    trailMock.on(DescribeTrailsCommand).resolves({
      trailList: [{ ...fx.describeTrailsGood.trailList[1], IncludeGlobalServiceEvents: false }],
    });
    const { report } = await auditJson();
    expect(check(report, 'cloudtrail').detail).toContain('no global service events');
  });

  it('fails when there is no trail', async () => {
    trailMock.on(DescribeTrailsCommand).resolves({ trailList: [] });
    const { report } = await auditJson();
    expect(check(report, 'cloudtrail')).toMatchObject({ status: 'fail', detail: 'no CloudTrail trail' });
  });
});

describe('deny-root SCP', () => {
  it('fails when the account is not in an organization', async () => {
    orgMock.on(DescribeOrganizationCommand).rejects(
      new AWSOrganizationsNotInUseException({ message: 'Your account is not a member of an organization.', $metadata: {} }),
    );
    const { report } = await auditJson();
    expect(check(report, 'deny-root-scp')).toMatchObject({ status: 'fail' });
    expect(check(report, 'deny-root-scp').detail).toContain('not in an organization');
  });

  it('warns (no crash) when a member account cannot read the policies, naming the permission', async () => {
    orgMock
      .on(ListPoliciesForTargetCommand)
      .rejects(new OrgAccessDenied({ message: "You don't have permissions to access this resource.", $metadata: {} }));
    const { exitCode, report } = await auditJson();
    expect(exitCode).toBe(0);
    expect(check(report, 'deny-root-scp').status).toBe('warn');
    expect(check(report, 'deny-root-scp').detail).toContain(
      `access denied: organizations:ListPoliciesForTarget is not allowed for ${fx.CALLER_ARN}`,
    );
    expect(check(report, 'deny-root-scp').detail).toContain('member accounts cannot read Organizations policies');
  });

  it('warns when even DescribeOrganization is denied', async () => {
    orgMock.on(DescribeOrganizationCommand).rejects(new OrgAccessDenied({ message: 'denied', $metadata: {} }));
    const { report } = await auditJson();
    expect(check(report, 'deny-root-scp')).toMatchObject({ status: 'warn' });
    expect(check(report, 'deny-root-scp').detail).toContain('organizations:DescribeOrganization');
  });

  it('fails when no attached SCP has the name or denies root', async () => {
    orgMock.on(ListPoliciesForTargetCommand, { TargetId: fx.OU_ID }).resolves({ Policies: [] });
    const { exitCode, report } = await auditJson();
    expect(exitCode).toBe(1);
    expect(check(report, 'deny-root-scp')).toMatchObject({
      status: 'fail',
      detail: `no SCP named rootwatch-deny-root or denying root on ${fx.ACCOUNT_ID} or its parents (attached: AllowAllEC2Actions, FullAWSAccess)`,
    });
    // the customer-managed policy was read, the AWS-managed FullAWSAccess was not
    expect(orgMock.commandCalls(DescribePolicyCommand).map((c) => c.args[0].input)).toEqual([
      { PolicyId: 'p-examplepolicyid222' },
    ]);
  });

  it('passes on a differently named SCP whose content denies root', async () => {
    orgMock.on(ListPoliciesForTargetCommand, { TargetId: fx.OU_ID }).resolves({
      Policies: [{ ...fx.denyRootPolicySummary, Name: 'corp-root-lockdown' }],
    });
    orgMock
      .on(DescribePolicyCommand, { PolicyId: 'p-examplepolicyid333' })
      .resolves({ Policy: { ...fx.describePolicyDocExample.Policy, Content: fx.DENY_ROOT_CONTENT } });
    const { report } = await auditJson();
    expect(check(report, 'deny-root-scp')).toMatchObject({
      status: 'pass',
      detail: `corp-root-lockdown (p-examplepolicyid333) attached to ${fx.OU_ID} denies the root user`,
    });
  });

  it('uses the configured policy name', async () => {
    const { report } = await auditJson({ scpPolicyName: 'AllowAllEC2Actions' });
    expect(check(report, 'deny-root-scp').detail).toBe(
      `AllowAllEC2Actions (p-examplepolicyid222) attached to ${fx.ACCOUNT_ID}`,
    );
  });

  it('warns for the management account, which SCPs never restrict', async () => {
    orgMock.on(DescribeOrganizationCommand).resolves({
      Organization: {
        ...fx.describeOrganizationDocExample.Organization,
        MasterAccountArn: `arn:aws:organizations::${fx.ACCOUNT_ID}:account/o-exampleorgid/${fx.ACCOUNT_ID}`,
      },
    });
    const { report } = await auditJson();
    expect(check(report, 'deny-root-scp')).toMatchObject({ status: 'warn' });
    expect(check(report, 'deny-root-scp').detail).toContain('management account');
  });

  it('follows ListPoliciesForTarget NextToken pages', async () => {
    orgMock
      .on(ListPoliciesForTargetCommand, { TargetId: fx.ROOT_ID })
      .resolvesOnce({ Policies: [fx.fullAwsAccessSummary], NextToken: 'page-2' })
      .resolves({ Policies: [{ ...fx.denyRootPolicySummary, Id: 'p-onroot' }] });
    orgMock.on(ListPoliciesForTargetCommand, { TargetId: fx.OU_ID }).resolves({ Policies: [] });
    const { report } = await auditJson();
    expect(check(report, 'deny-root-scp')).toMatchObject({
      status: 'pass',
      detail: `rootwatch-deny-root (p-onroot) attached to ${fx.ROOT_ID}`,
    });
    const rootCalls = orgMock
      .commandCalls(ListPoliciesForTargetCommand)
      .map((c) => c.args[0].input)
      .filter((i) => i.TargetId === fx.ROOT_ID);
    expect(rootCalls.map((i) => i.NextToken)).toEqual([undefined, 'page-2']);
  });
});

describe('throttling', () => {
  it('retries a throttled call and succeeds on a later attempt', async () => {
    iamMock
      .on(GetAccountSummaryCommand)
      .rejectsOnce(iamThrottled())
      .rejectsOnce(iamThrottled())
      .resolves(fx.accountSummaryGood);
    const { exitCode, report } = await auditJson();
    expect(exitCode).toBe(0);
    expect(iamMock.commandCalls(GetAccountSummaryCommand)).toHaveLength(3);
    expect(check(report, 'root-mfa').status).toBe('pass');
    expect(sleeps.slice(0, 2)).toEqual([250, 500]);
  });

  it('retries a throttled GenerateCredentialReport inside the report loop', async () => {
    iamMock
      .on(GenerateCredentialReportCommand)
      .rejectsOnce(new IAMServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: {}, message: 'Rate exceeded' }))
      .resolves({ State: 'COMPLETE' });
    const { report } = await auditJson();
    expect(iamMock.commandCalls(GenerateCredentialReportCommand)).toHaveLength(2);
    expect(check(report, 'root-password-last-used').status).toBe('pass');
  });

  it('gives up after the bounded number of attempts', async () => {
    trailMock.on(DescribeTrailsCommand).rejects(new CloudTrailThrottling({ message: 'Rate exceeded', $metadata: {} }));
    const { exitCode, report } = await auditJson({ throttleAttempts: 3 });
    expect(trailMock.commandCalls(DescribeTrailsCommand)).toHaveLength(3);
    expect(check(report, 'cloudtrail')).toMatchObject({
      status: 'error',
      detail: 'DescribeTrails failed: ThrottlingException: still throttled after 3 attempts',
    });
    expect(exitCode).toBe(1);
  });
});

describe('access denied names the missing permission', () => {
  const cases: Array<[string, string, string, () => void]> = [
    ['GetAccountPasswordPolicy', 'iam:GetAccountPasswordPolicy', 'password-policy', () => iamMock.on(GetAccountPasswordPolicyCommand).rejects(iamDenied('iam:GetAccountPasswordPolicy'))],
    ['GenerateCredentialReport', 'iam:GenerateCredentialReport', 'root-password-last-used', () => iamMock.on(GenerateCredentialReportCommand).rejects(iamDenied('iam:GenerateCredentialReport'))],
    ['GetCredentialReport', 'iam:GetCredentialReport', 'root-password-last-used', () => iamMock.on(GetCredentialReportCommand).rejects(iamDenied('iam:GetCredentialReport'))],
    ['GetAlternateContact', 'account:GetAlternateContact', 'alternate-contacts', () => accountMock.on(GetAlternateContactCommand).rejects(new AccountAccessDenied({ message: 'denied', $metadata: {} }))],
    ['DescribeTrails', 'cloudtrail:DescribeTrails', 'cloudtrail', () => trailMock.on(DescribeTrailsCommand).rejects(new CloudTrailAccessDenied({ message: 'denied', $metadata: {} }))],
    ['GetTrailStatus', 'cloudtrail:GetTrailStatus', 'cloudtrail', () => trailMock.on(GetTrailStatusCommand).rejects(new CloudTrailAccessDenied({ message: 'denied', $metadata: {} }))],
  ];

  it.each(cases)('%s denied: the check is an error naming %s', async (_op, action, id, deny) => {
    deny();
    const { exitCode, report } = await auditJson();
    expect(check(report, id)).toMatchObject({
      status: 'error',
      detail: `access denied: ${action} is not allowed for ${fx.CALLER_ARN}`,
    });
    expect(exitCode).toBe(1);
  });

  it('GetAccountSummary and the credential report both denied: root MFA is an error naming both', async () => {
    iamMock.on(GetAccountSummaryCommand).rejects(iamDenied('iam:GetAccountSummary'));
    iamMock.on(GenerateCredentialReportCommand).rejects(iamDenied('iam:GenerateCredentialReport'));
    const { report } = await auditJson();
    const mfa = check(report, 'root-mfa');
    expect(mfa.status).toBe('error');
    expect(mfa.detail).toContain('iam:GetAccountSummary');
    expect(mfa.detail).toContain('iam:GenerateCredentialReport');
  });
});

describe('credential and usage errors: exit 2, one line', () => {
  it('expired credentials at GetCallerIdentity', async () => {
    stsMock.on(GetCallerIdentityCommand).rejects(
      new STSServiceException({ name: 'ExpiredToken', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'The security token included in the request is expired' }),
    );
    const out = await audit();
    expect(out.exitCode).toBe(2);
    expect(out.stdout).toBe('audit: no usable AWS credentials (ExpiredToken): The security token included in the request is expired');
    expect(out.error).toBe(out.stdout);
  });

  it('no credentials (provider error with a multi-line message)', async () => {
    stsMock
      .on(GetCallerIdentityCommand)
      .rejects(Object.assign(new Error('Could not load credentials from any providers\n    at stack line'), { name: 'CredentialsProviderError' }));
    const out = await audit({ json: false });
    expect(out.exitCode).toBe(2);
    expect(out.stdout.split('\n')).toHaveLength(1);
    expect(out.stdout).toBe('audit: no usable AWS credentials (CredentialsProviderError): Could not load credentials from any providers');
  });

  it('credentials expiring in the middle of the audit abort it', async () => {
    iamMock.on(GetAccountPasswordPolicyCommand).rejects(
      new IAMServiceException({ name: 'ExpiredToken', $fault: 'client', $metadata: {}, message: 'token expired' }),
    );
    const out = await audit();
    expect(out.exitCode).toBe(2);
    expect(out.stdout).toBe('audit: no usable AWS credentials (ExpiredToken): token expired');
  });

  it('a missing region is a usage error', async () => {
    trailMock.on(DescribeTrailsCommand).rejects(new Error('Region is missing'));
    const out = await audit();
    expect(out).toMatchObject({ exitCode: 2, stdout: 'audit: no AWS region: pass --region or set AWS_REGION' });
  });

  it.each([
    [{ region: 'mars' }, "audit: --region 'mars' is not a region name (e.g. us-east-1)"],
    [{ scpPolicyName: ' ' }, 'audit: --scp-policy-name must not be empty'],
    [{ profile: '' }, 'audit: --profile must not be empty'],
  ])('rejects bad options %j before calling AWS', async (extra, message) => {
    const out = await audit(extra);
    expect(out).toMatchObject({ exitCode: 2, stdout: message });
    expect(stsMock.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
  });
});

describe('output', () => {
  it('--json prints one object { account, checks, passed } with id/title/status/detail per check', async () => {
    const out = await audit();
    const parsed = JSON.parse(out.stdout);
    expect(Object.keys(parsed)).toEqual(['account', 'checks', 'passed']);
    expect(parsed.checks).toHaveLength(7);
    for (const c of parsed.checks) {
      expect(Object.keys(c).sort()).toEqual(['detail', 'id', 'status', 'title']);
      expect(['pass', 'fail', 'warn', 'error']).toContain(c.status);
      expect(typeof c.detail).toBe('string');
    }
  });

  it('the table has a header, one aligned row per check and a summary line', async () => {
    iamMock.on(GetAccountPasswordPolicyCommand).resolves(fx.passwordPolicyDocExample);
    const out = await audit({ json: false });
    expect(out.exitCode).toBe(1);
    const lines = out.stdout.split('\n');
    expect(lines[0]).toBe(`rootwatch audit of account ${fx.ACCOUNT_ID} (as ${fx.CALLER_ARN})`);
    const header = lines.find((l) => l.startsWith('CHECK'))!;
    const statusCol = header.indexOf('STATUS');
    const detailCol = header.indexOf('DETAIL');
    for (const c of CHECKS) {
      const line = lines.find((l) => l.startsWith(c.title));
      expect(line).toBeDefined();
      expect(line!.slice(statusCol, detailCol).trim()).toMatch(/^(PASS|FAIL|WARN|ERROR)$/);
    }
    const policyLine = lines.find((l) => l.startsWith('Password policy'))!;
    expect(policyLine.slice(statusCol, detailCol).trim()).toBe('FAIL');
    expect(policyLine.slice(detailCol)).toContain('MinimumPasswordLength 8 < 14');
    expect(lines[lines.length - 1]).toBe('7 checks: 6 passed, 1 failed, 0 warning(s), 0 error(s): FAILED');
  });
});

describe('with --config: a logging trail covers every region the config monitors for this account', () => {
  const regions = { [fx.ACCOUNT_ID]: ['us-east-1', 'eu-west-1'] };
  const trail = (report: AuditReport) => report.checks.find((c) => c.id === 'cloudtrail')!;

  it('a logging multi-region trail covers them all', async () => {
    const { report } = await auditJson({ monitoredRegions: regions });
    expect(trail(report)).toMatchObject({ status: 'pass', detail: expect.stringMatching(/covers every monitored region \(2\)$/) });
  });

  it('single-region trails (the documented example, logging in us-east-1) leave eu-west-1 blind', async () => {
    trailMock.on(DescribeTrailsCommand).resolves(fx.describeTrailsDocExample);
    const { report, exitCode } = await auditJson({ monitoredRegions: regions });
    expect(exitCode).toBe(1);
    expect(trail(report)).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^no logging trail covers monitored region\(s\) eu-west-1: root events there never reach EventBridge/) });
  });

  it('a multi-region trail that is not logging covers nothing', async () => {
    trailMock.on(GetTrailStatusCommand).resolves({ ...fx.trailStatusLogging, IsLogging: false });
    const { report } = await auditJson({ monitoredRegions: regions });
    expect(trail(report).detail).toMatch(/^no logging trail covers monitored region\(s\) us-east-1, eu-west-1/);
  });

  it('another account of the config does not change the verdict for this one', async () => {
    const { report } = await auditJson({ monitoredRegions: { '999999999999': ['ap-south-1'] } });
    expect(trail(report)).toMatchObject({ status: 'pass', detail: expect.not.stringMatching(/monitored region/) });
  });
});
