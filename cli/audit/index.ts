/**
 * `rootwatch audit`: a read-only posture check of one AWS account's root user.
 *
 * The AWS SDK is loaded only when the command runs (dynamic imports inside `runAudit`), so other
 * commands (`rootwatch synth`) never pay for it: importing this file loads no @aws-sdk module.
 */
import type { GetCallerIdentityCommandOutput } from '@aws-sdk/client-sts';
import { AccessDeniedError, AuditAbort, AwsCaller, errorMessage, oneLine } from './aws-call';
import { DEFAULT_SCP_POLICY_NAME, runChecks } from './checks';
import { buildReport, renderJson, renderTable } from './render';
import type { AuditClients, AuditOptions, AuditOutcome, AuditSdk } from './types';
import { sleep as defaultSleep } from '../../core/sleep';
import { REGION_PATTERN } from '../../core/validation';

export type { AuditClients, AuditOptions, AuditOutcome, AuditReport, CheckResult, CheckStatus, CheckId } from './types';
export { DEFAULT_SCP_POLICY_NAME, CHECKS } from './checks';
export { IAM_ACTIONS } from './aws-call';


async function loadSdk(): Promise<AuditSdk> {
  const [sts, iam, account, cloudtrail, organizations] = await Promise.all([
    import('@aws-sdk/client-sts'),
    import('@aws-sdk/client-iam'),
    import('@aws-sdk/client-account'),
    import('@aws-sdk/client-cloudtrail'),
    import('@aws-sdk/client-organizations'),
  ]);
  return { sts, iam, account, cloudtrail, organizations };
}

async function createClients(sdk: AuditSdk, opts: AuditOptions): Promise<AuditClients> {
  const credentials = opts.profile
    ? (await import('@aws-sdk/credential-providers')).fromIni({ profile: opts.profile })
    : undefined;
  const config = {
    maxAttempts: opts.maxAttempts ?? 5,
    retryMode: 'standard',
    ...(opts.region ? { region: opts.region } : {}),
    // `profile` also lets the SDK read the region of that profile
    ...(opts.profile ? { profile: opts.profile, credentials } : {}),
  };
  return {
    sts: new sdk.sts.STSClient(config),
    iam: new sdk.iam.IAMClient(config),
    account: new sdk.account.AccountClient(config),
    cloudtrail: new sdk.cloudtrail.CloudTrailClient(config),
    organizations: new sdk.organizations.OrganizationsClient(config),
  };
}

function validate(opts: AuditOptions): void {
  if (opts.profile !== undefined && opts.profile.trim() === '') throw new AuditAbort('--profile must not be empty');
  if (opts.region !== undefined && !REGION_PATTERN.test(opts.region)) {
    throw new AuditAbort(`--region '${opts.region}' is not a region name (e.g. us-east-1)`);
  }
  if (opts.scpPolicyName !== undefined && opts.scpPolicyName.trim() === '') {
    throw new AuditAbort('--scp-policy-name must not be empty');
  }
  for (const key of ['maxAttempts', 'throttleAttempts', 'reportPollAttempts'] as const) {
    const v = opts[key];
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new AuditAbort(`${key} must be a positive integer`);
  }
}


/**
 * Runs the audit. Exit code 0 when every check passes (warnings allowed), 1 when a check fails or
 * could not be verified (error), 2 on usage or credential errors (then `stdout` is one line).
 */
export async function runAudit(opts: AuditOptions): Promise<AuditOutcome> {
  let created: AuditClients | undefined;
  try {
    validate(opts);
    const sdk = await loadSdk();
    const clients = opts.clients ?? (created = await createClients(sdk, opts));
    const sleep = opts.sleep ?? defaultSleep;
    const caller = new AwsCaller({ throttleAttempts: opts.throttleAttempts ?? 4, sleep });

    let identity: GetCallerIdentityCommandOutput;
    try {
      identity = await caller.send<GetCallerIdentityCommandOutput>(
        clients.sts,
        'GetCallerIdentity',
        new sdk.sts.GetCallerIdentityCommand({}),
      );
    } catch (err) {
      if (err instanceof AuditAbort || err instanceof AccessDeniedError) throw err;
      throw new AuditAbort(`cannot identify the caller: ${errorMessage(err)}`);
    }
    if (!identity.Account) throw new AuditAbort('cannot identify the caller: GetCallerIdentity returned no Account');
    caller.principal = identity.Arn;

    const checks = await runChecks({
      sdk,
      clients,
      caller,
      accountId: identity.Account,
      scpPolicyName: opts.scpPolicyName ?? DEFAULT_SCP_POLICY_NAME,
      reportPollAttempts: opts.reportPollAttempts ?? 10,
      reportPollMs: opts.reportPollMs ?? 2000,
      sleep,
      now: opts.now ?? (() => new Date()),
      ...(opts.monitoredRegions?.[identity.Account] ? { monitoredRegions: opts.monitoredRegions[identity.Account] } : {}),
    });
    const report = buildReport(identity.Account, checks);
    return {
      stdout: opts.json ? renderJson(report) : renderTable(report, { principal: identity.Arn }),
      exitCode: report.passed ? 0 : 1,
    };
  } catch (err) {
    const message = `audit: ${oneLine(err instanceof Error ? err.message : String(err))}`;
    return { stdout: message, exitCode: 2, error: message };
  } finally {
    if (created) for (const c of Object.values(created)) c.destroy();
  }
}
