/**
 * The break-glass runbook of one deployment, `terraform-out/RUNBOOK.md`, generated from the config
 * by `rootwatch synth` (and checked for freshness by __tests__/cli/runbook.test.ts): which accounts
 * are watched and where alerts go, when root use is allowed, `sts:AssumeRoot` first with the exact
 * commands per privileged task, how to declare an expected-use window, recovery steps with the
 * CloudTrail Lake / Athena queries to run, and the alternate contacts. Pure: config in, text out.
 *
 * AWS pages the steps follow:
 * - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html (AssumeRoot, task policies, 900 s)
 * - https://docs.aws.amazon.com/cli/latest/reference/sts/assume-root.html (regional STS endpoint only)
 * - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_lost-or-broken.html (lost root MFA)
 * - https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html (tasks that require root)
 * - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/query-event-data-store.html (CloudTrail Lake SQL)
 * - https://docs.aws.amazon.com/athena/latest/ug/cloudtrail-logs.html (Athena table over CloudTrail logs)
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ContactConfig, RootwatchConfig } from '../core/config';
import { EXPECTED_USE_REASON_MAX, expectedUseDeclarerRoleName, expectedUseTableName } from '../core/expected-use';
import { forwardDlqAlarmName, hubBusName } from '../core/patterns';
import { forwardDlqName } from '../core/coverage';
import { pipelineDashboardName, savedQueryNames } from '../core/pipeline-names';
import { ASSUME_ROOT_TASKS, ROOT_TASKS, ROOT_TASKS_RETRIEVED, ROOT_TASKS_SOURCE } from '../core/root-tasks';

export const RUNBOOK_FILE = 'RUNBOOK.md';
/** Accounts listed one by one; beyond this the table is cut (the config stays the full list). */
const MAX_LISTED_ACCOUNTS = 200;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** `2026-11-30` -> `30 November 2026` (for people; the ISO form stays in core/root-tasks.ts). */
function humanDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}` : iso;
}
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Commands run inside the privileged session, per AssumeRoot task policy. */
const TASK_COMMANDS: Readonly<Record<string, readonly string[]>> = {
  IAMAuditRootUserCredentials: [
    'aws iam get-login-profile            # root password present? (NoSuchEntity: none)',
    'aws iam list-access-keys             # root access keys',
    'aws iam list-mfa-devices             # root MFA devices',
    'aws iam list-signing-certificates    # root signing certificates',
  ],
  IAMCreateRootUserPassword: ['aws iam create-login-profile         # allows password recovery by the root e-mail address'],
  IAMDeleteRootUserCredentials: [
    'aws iam delete-login-profile',
    'aws iam list-access-keys --query "AccessKeyMetadata[].AccessKeyId" --output text',
    'aws iam delete-access-key --access-key-id <AKIA...>',
    'aws iam list-mfa-devices --query "MFADevices[].SerialNumber" --output text',
    'aws iam deactivate-mfa-device --serial-number <arn:aws:iam::ACCOUNT:mfa/...>',
    'aws iam list-signing-certificates --query "Certificates[].CertificateId" --output text',
    'aws iam delete-signing-certificate --certificate-id <id>',
  ],
  S3UnlockBucketPolicy: ['aws s3api delete-bucket-policy --bucket <bucket>   # then write a correct policy with your usual role'],
  SQSUnlockQueuePolicy: ['aws sqs set-queue-attributes --queue-url <url> --attributes Policy=""   # then write a correct policy with your usual role'],
};

function assumeRootCommand(region: string, account: string, policy: string): string[] {
  return [
    'read -r AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN <<<"$(aws sts assume-root \\',
    `  --region ${region} \\`,
    `  --target-principal ${account} \\`,
    `  --task-policy-arn arn=arn:aws:iam::aws:policy/root-task/${policy} \\`,
    '  --duration-seconds 900 \\',
    "  --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)\"",
    'export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN',
  ];
}

function contactLine(kind: string, c: ContactConfig | undefined): string {
  if (!c) return `| ${kind} | not managed by rootwatch (set \`guardrails.alternateContacts.${kind}\`) | | |`;
  return `| ${kind} | ${cell(c.name)} (${cell(c.title)}) | ${cell(c.email)} | ${cell(c.phone)} |`;
}

export function renderRunbook(config: RootwatchConfig): string {
  const example = config.spokes[0]?.accountId ?? config.hub.accountId;
  const out = [
    ...watchedSection(config),
    ...alertsSection(config),
    ...whenAllowedSection(),
    ...assumeRootSection(config, example),
    ...expectedUseSection(config, example),
    ...recoverySection(config),
    ...contactsSection(config),
  ];
  return out.filter((l, i, all) => !(l === '' && all[i - 1] === '')).join('\n');
}

/** Title and section 1: the hub, the accounts with rules, the management account. */
function watchedSection(config: RootwatchConfig): string[] {
  const p = config.namePrefix;
  const hub = config.hub;
  const org = config.orgGuardrails;
  const out = [
    `# Break-glass runbook: ${p}`,
    '',
    `Generated by \`rootwatch synth\` from the config; do not edit (a test fails when it is stale). Root-only task list from AWS, taken ${humanDate(ROOT_TASKS_RETRIEVED)}.`,
    '',
    '## 1. What is watched and where alerts go',
    '',
    `Hub (security account): **${cell(hub.name)}** ${code(hub.accountId)}, home region ${code(hub.region)}; every root event reaches the hub bus ${code(hubBusName(p))} there.`,
    hub.organizationId ? `The hub bus admits every account of organization ${code(hub.organizationId)}; the accounts below are the ones with rules deployed by this config.` : '',
    '',
    '| account | name | regions with rules |',
    '|---|---|---|',
    `| ${hub.accountId} | ${cell(hub.name)} (hub) | ${hub.regions.join(', ')} |`,
  ];
  for (const s of config.spokes.slice(0, MAX_LISTED_ACCOUNTS)) out.push(`| ${s.accountId} | ${cell(config.accountNames[s.accountId] ?? s.name)} | ${s.regions.join(', ')} |`);
  if (config.spokes.length > MAX_LISTED_ACCOUNTS) out.push(`| … | ${config.spokes.length - MAX_LISTED_ACCOUNTS} more accounts (see the config) | |`);
  if (org) out.push('', `The management account ${code(org.managementAccount.accountId)} is not restricted by SCPs (AWS never applies them there): treat any root use there as critical.`);
  return out;
}

/** Section 1, continued: where each kind of alert goes. */
function alertsSection(config: RootwatchConfig): string[] {
  const p = config.namePrefix;
  const email = config.alerts.email;
  return [
    '',
    'Alerts:',
    '',
    `- root sign-ins: SNS topic ${code(`${p}-root-login`)}${email.login.length ? ` → e-mail ${email.login.join(', ')}` : ''}`,
    `- other root activity and pipeline alarms: SNS topic ${code(`${p}-root-activity`)}${email.activity.length ? ` → e-mail ${email.activity.join(', ')}` : ''}`,
    config.alerts.slack ? `- Slack: webhook URL in SSM SecureString ${code(config.alerts.slack.webhookParameterName)} (both topics)` : '- Slack: not configured',
    config.alerts.pagerduty ? `- PagerDuty: routing key in SSM SecureString ${code(config.alerts.pagerduty.routingKeyParameterName)} (both topics; one incident per root session)` : '- PagerDuty: not configured',
    `- pipeline health: CloudWatch dashboard ${code(pipelineDashboardName(p))} in ${config.hub.region} (account ${config.hub.accountId})`,
    '',
  ];
}

/** Section 2: the tasks that need root, and how each is done. */
function whenAllowedSection(): string[] {
  return [
    '## 2. When root use is allowed',
    '',
    `Only for a task that requires root ([AWS list](${ROOT_TASKS_SOURCE})), announced beforehand with an expected-use window (section 4). Every alert says whether its event was *a task only root can do*, *a task an IAM principal could have done* (a breach of practice: ask why), *a sign-in* or *unknown*.`,
    '',
    '| task | how |',
    '|---|---|',
    ...ROOT_TASKS.map((t) => `| ${cell(t.name)} | ${t.assumeRootTaskPolicy ? `\`sts:AssumeRoot\` with ${code(t.assumeRootTaskPolicy)} (section 3)` : 'root sign-in (declare a window first)'} |`),
  ];
}

/** Section 3: `sts:AssumeRoot` with the exact commands of each task policy. */
function assumeRootSection(config: RootwatchConfig, example: string): string[] {
  const org = config.orgGuardrails;
  const mgmtRegion = org?.managementAccount.region ?? 'us-east-1';
  const out = ['', '## 3. Use `sts:AssumeRoot` first (centralized root access)', ''];
  if (org && org.centralizedRootAccess) {
    out.push(
      `Centralized root access is enabled by this config. From the management account ${code(org.managementAccount.accountId)} (or the IAM delegated administrator), with a role allowed \`sts:AssumeRoot\`, start a 15-minute privileged session in the member account and run only the task's commands. AssumeRoot needs a regional STS endpoint (\`--region\`); sessions show \`sessionContext.assumedRoot = "true"\` in alerts.`,
      '',
    );
  } else {
    out.push(
      'Centralized root access is **not** enabled by this config (`guardrails.centralizedRootAccess` with a management account): enable it so that these tasks need no root password. Until then the commands below do not work and the task needs a root sign-in.',
      '',
    );
  }
  for (const t of ASSUME_ROOT_TASKS) {
    const policy = t.assumeRootTaskPolicy!;
    out.push(`### ${t.name} (${code(policy)})`, '', '```sh', `# member account: ${example}`, ...assumeRootCommand(mgmtRegion, example, policy), ...(TASK_COMMANDS[policy] ?? []), 'unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN', '```', '');
  }
  return out;
}

/** Section 4: declaring an expected-use window with `rootwatch expect`. */
function expectedUseSection(config: RootwatchConfig, example: string): string[] {
  const p = config.namePrefix;
  const eu = config.detection.expectedUse;
  if (!eu.enabled) return ['## 4. Declare expected root use', '', 'Expected-use windows are switched off (`detection.expectedUse.enabled` is false): tell the on-call responder directly.', ''];
  return [
    '## 4. Declare expected root use',
    '',
    `Before a root sign-in, whoever uses root (or the change manager) declares a window. Only the role ${code(`${expectedUseDeclarerRoleName(p)}…`)} in the hub account (hub output \`expected_use_declarer_role_arn\`) may write the table ${code(expectedUseTableName(p))}; the item is bound to the caller's \`aws:userid\`, and the declaration is announced on the activity topic by the hub itself.`,
    '',
    '```sh',
    `rootwatch expect --account ${example} --for 2h --reason "close account, CHG-123" --profile <profile assuming expected_use_declarer_role_arn>`,
    'rootwatch expect --list --profile <profile>',
    'rootwatch expect --cancel <window id> --profile <profile>',
    '```',
    '',
    `At most ${eu.maxHours} h per window; a reason is required (at most ${EXPECTED_USE_REASON_MAX} characters). Root events of that account inside the window still alert, marked *expected: <reason> (by <who>)*, ${eu.severity === 'one-lower' ? 'one severity level lower, except sign-ins without MFA and failures, which keep theirs' : 'at their usual severity'}. Nothing is dropped.`,
    '',
  ];
}

/**
 * A query over CloudTrail records: CloudTrail Lake (camelCase columns of an event data store) or
 * Athena (the lower-case columns of a table over the trail's logs).
 */
function trailQuery(engine: 'lake' | 'athena', where: string): string[] {
  const lake = engine === 'lake';
  const column = (name: string) => (lake ? name : name.toLowerCase());
  return [
    '```sql',
    `SELECT ${['eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent', 'errorCode'].map(column).join(', ')}`,
    lake ? 'FROM <event-data-store-id>' : 'FROM cloudtrail_logs',
    `WHERE ${where}`,
    `  AND ${column('eventTime')} > '<start, e.g. ${lake ? '2026-01-01 00:00:00' : '2026-01-01T00:00:00Z'}>'`,
    `ORDER BY ${column('eventTime')}`,
    '```',
  ];
}

/** Section 5: what to do after an unexpected root event, a leaked key, a lost MFA device, stuck events. */
function recoverySection(config: RootwatchConfig): string[] {
  const q = savedQueryNames(config.namePrefix);
  return [
    '## 5. Recovery',
    '',
    '### Unexpected root sign-in or root activity',
    '',
    `1. Check the alert: is there an *expected* mark? Run \`rootwatch expect --list\`; ask the declarer. No window, no declarer: treat it as a compromise.`,
    '2. Contain: remove the root password and keys of the account (section 3, `IAMDeleteRootUserCredentials`); for a standalone or management account sign in as root, change the password and delete access keys.',
    '3. Rotate: re-enable recovery only when needed (`IAMCreateRootUserPassword`), register a new MFA device.',
    `4. Investigate everything root did (CloudWatch Logs Insights saved query ${code(q.rootEventsOfAccount)} for what reached the hub; CloudTrail for the full record):`,
    '',
    'CloudTrail Lake:',
    '',
    ...trailQuery('lake', "userIdentity.type = 'Root' AND recipientAccountId = '<ACCOUNT>'"),
    '',
    'Athena (table over the organization trail):',
    '',
    ...trailQuery('athena', "useridentity.type = 'Root' AND recipientaccountid = '<ACCOUNT>'"),
    '',
    '5. Look for persistence created by root: new IAM users, access keys, roles and trust policies, SCP or bucket-policy changes in the same window.',
    '',
    '### Leaked root access key',
    '',
    `1. Delete the key now: section 3 \`IAMDeleteRootUserCredentials\` (\`list-access-keys\`, \`delete-access-key\`), or as root in the console.`,
    '2. Find every call made with it:',
    '',
    ...trailQuery('lake', "userIdentity.accessKeyId = '<AKIA...>'"),
    '',
    ...trailQuery('athena', "useridentity.accesskeyid = '<AKIA...>'"),
    '',
    '3. Undo what it did, then open an AWS Support case if the key was public.',
    '',
    ...lostMfaSteps(),
    ...stuckEventsSteps(config.namePrefix),
  ];
}

function lostMfaSteps(): string[] {
  return [
    '### Lost root MFA device',
    '',
    '1. Member account with centralized root access: section 3 `IAMDeleteRootUserCredentials`, `list-mfa-devices` then `deactivate-mfa-device`; then `IAMCreateRootUserPassword` if a root sign-in is needed, and register a new device at the first sign-in.',
    '2. Otherwise: sign in as root and choose the alternative factors (root e-mail address and the phone number of the account contact), as AWS describes for a lost root MFA device (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_lost-or-broken.html).',
    '3. Expect alerts for the MFA change (critical): declare a window first.',
    '',
  ];
}

function stuckEventsSteps(p: string): string[] {
  return [
    `### Root events stuck in a dead-letter queue (alarm ${code(forwardDlqAlarmName(p))}) or a stale path`,
    '',
    '1. `rootwatch coverage --profile <hub>` lists every account x region with its last heartbeat; a STALE path names its queue.',
    `2. Fix the cause (the messages' \`ERROR_CODE\` attribute tells why EventBridge gave up: the forwarding role, the hub bus policy, the hub not deployed), then replay the queue ${code(forwardDlqName(p))} of that account and region:`,
    '',
    '```sh',
    'rootwatch redrive --account <ACCOUNT> --region <REGION> --profile <that account> --hub-profile <hub> --dry-run',
    'rootwatch redrive --account <ACCOUNT> --region <REGION> --profile <that account> --hub-profile <hub>',
    '```',
    '',
    '3. Each event goes to the notifier and alerts as it would have; a message is deleted only once the notifier accepted it. Messages that stay (exit 1) are listed with the reason.',
    '',
  ];
}

/** Section 6: the alternate contacts AWS writes to. */
function contactsSection(config: RootwatchConfig): string[] {
  const contacts = config.accountGuardrails.alternateContacts;
  return [
    '## 6. Alternate contacts',
    '',
    'AWS writes to these contacts about the accounts; keep them reachable.',
    '',
    '| kind | who | e-mail | phone |',
    '|---|---|---|---|',
    contactLine('security', contacts.security),
    contactLine('operations', contacts.operations),
    contactLine('billing', contacts.billing),
    '',
  ];
}

/** Write RUNBOOK.md into a synth output (or staging) folder. */
export function writeRunbook(outDir: string, config: RootwatchConfig): void {
  fs.writeFileSync(path.join(outDir, RUNBOOK_FILE), renderRunbook(config));
}

/** null when `<outDir>/RUNBOOK.md` is what the config generates, else why not. */
export function runbookProblem(outDir: string, config: RootwatchConfig): string | null {
  const file = path.join(outDir, RUNBOOK_FILE);
  if (!fs.existsSync(file)) return `${file} is missing: run \`npm run synth\``;
  return fs.readFileSync(file, 'utf8') === renderRunbook(config) ? null : `${file} is stale: run \`npm run synth\``;
}
