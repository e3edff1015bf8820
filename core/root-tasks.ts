/**
 * Root-only task awareness: which root events carry a task that only the root user (or a
 * privileged `sts:AssumeRoot` session) can do, and which an IAM principal could have done.
 *
 * The list is data, kept from AWS's own documentation:
 * - "Tasks that require root user credentials", IAM User Guide
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html
 *   (same list in the Account Management reference,
 *   https://docs.aws.amazon.com/accounts/latest/reference/root-user-tasks.html)
 * - "Perform a privileged task on an AWS Organizations member account" (the task policies that
 *   `sts:AssumeRoot` accepts, `arn:aws:iam::aws:policy/root-task/<name>`)
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html
 * - root MFA: https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html
 * Retrieved 2026-11-30 (ROOT_TASKS_RETRIEVED). AWS says other account settings (contact
 * information, payment currency, Regions) do not require root.
 *
 * Verdicts (never a guess):
 * - `rootOnly: true`: the record itself shows a task of the list (legitimate reason for root:
 *   check it was planned);
 * - `rootOnly: false`: the call is not among the list's tasks, so an IAM principal with the
 *   permission could have done it (a best-practice breach);
 * - `rootOnly: null`: a sign-in, or a call that is root-only only under circumstances the record
 *   does not show (e.g. a bucket policy that denies everyone, an administrator who locked
 *   themself out, billing and support-plan pages whose events the list does not name).
 *
 * Pure, never throws (`rootTaskVerdict` falls back to `unknown`).
 */
import { get, isObj } from './json';
import type { AvoidableRootWritesPolicy, Severity } from './types';

/** When the list below was taken from the AWS pages named above. */
export const ROOT_TASKS_RETRIEVED = '2026-11-30';
export const ROOT_TASKS_SOURCE = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html';
const PRIVILEGED_TASKS_SOURCE = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html';
const ROOT_MFA_SOURCE = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html';

export interface RootTask {
  /** stable id (used by tests and the runbook) */
  readonly id: string;
  /** what a responder reads */
  readonly name: string;
  readonly source: string;
  /** AWS managed task policy that `sts:AssumeRoot` accepts for it, when there is one */
  readonly assumeRootTaskPolicy?: string;
  /** CloudTrail events (source:name) that can carry it; [] when no event decides it */
  readonly events: readonly string[];
}

export const ROOT_TASKS: readonly RootTask[] = [
  { id: 'root-email', name: 'change the root user e-mail address', source: ROOT_TASKS_SOURCE, events: ['signin:EmailUpdated', 'iam:UpdateAccountEmailAddress'] },
  { id: 'root-password', name: 'change, create or delete the root user password', source: ROOT_TASKS_SOURCE, events: ['signin:PasswordUpdated', 'signin:PasswordRecoveryCompleted', 'iam:ChangePassword', 'iam:CreateLoginProfile', 'iam:UpdateLoginProfile', 'iam:DeleteLoginProfile'] },
  { id: 'root-access-keys', name: 'manage the root user access keys', source: ROOT_TASKS_SOURCE, events: ['iam:CreateAccessKey', 'iam:UpdateAccessKey', 'iam:DeleteAccessKey'] },
  { id: 'root-signing-certificates', name: 'manage the root user signing certificates', source: PRIVILEGED_TASKS_SOURCE, events: ['iam:UploadSigningCertificate', 'iam:UpdateSigningCertificate', 'iam:DeleteSigningCertificate'] },
  { id: 'root-mfa', name: "manage the root user's own MFA device", source: ROOT_MFA_SOURCE, events: ['iam:EnableMFADevice', 'iam:DeactivateMFADevice', 'iam:ResyncMFADevice', 'iam:CreateVirtualMFADevice', 'iam:DeleteVirtualMFADevice'] },
  { id: 'account-name', name: 'change the account name', source: ROOT_TASKS_SOURCE, events: [] },
  { id: 'restore-iam-permissions', name: 'restore IAM user permissions (the only administrator locked out)', source: ROOT_TASKS_SOURCE, events: [] },
  { id: 'billing-access', name: 'activate IAM access to the Billing and Cost Management console', source: ROOT_TASKS_SOURCE, events: [] },
  { id: 'tax-invoices', name: 'view certain tax invoices', source: ROOT_TASKS_SOURCE, events: [] },
  { id: 'close-account', name: 'close the AWS account', source: ROOT_TASKS_SOURCE, events: [] },
  { id: 'support-plan', name: 'change or cancel the AWS Support plan', source: ROOT_TASKS_SOURCE, events: [] },
  { id: 'ri-marketplace', name: 'register as a seller in the Reserved Instance Marketplace', source: ROOT_TASKS_SOURCE, events: [] },
  { id: 's3-mfa-delete', name: 'configure MFA delete on an S3 bucket', source: ROOT_TASKS_SOURCE, events: ['s3:PutBucketVersioning'] },
  { id: 's3-unlock-bucket-policy', name: 'edit or delete an S3 bucket policy that denies all principals', source: ROOT_TASKS_SOURCE, assumeRootTaskPolicy: 'S3UnlockBucketPolicy', events: ['s3:PutBucketPolicy', 's3:DeleteBucketPolicy'] },
  { id: 'sqs-unlock-queue-policy', name: 'edit or delete an SQS queue policy that denies all principals', source: PRIVILEGED_TASKS_SOURCE, assumeRootTaskPolicy: 'SQSUnlockQueuePolicy', events: ['sqs:SetQueueAttributes', 'sqs:RemovePermission'] },
  { id: 'audit-root-credentials', name: 'audit the root user credentials', source: PRIVILEGED_TASKS_SOURCE, assumeRootTaskPolicy: 'IAMAuditRootUserCredentials', events: ['iam:ListAccessKeys', 'iam:ListMFADevices', 'iam:GetLoginProfile', 'iam:ListSigningCertificates'] },
  { id: 'create-root-password', name: 'allow password recovery (re-create the root password) of a member account', source: PRIVILEGED_TASKS_SOURCE, assumeRootTaskPolicy: 'IAMCreateRootUserPassword', events: ['iam:CreateLoginProfile'] },
  { id: 'delete-root-credentials', name: 'delete the root user credentials of a member account', source: PRIVILEGED_TASKS_SOURCE, assumeRootTaskPolicy: 'IAMDeleteRootUserCredentials', events: ['iam:DeleteLoginProfile', 'iam:DeleteAccessKey', 'iam:DeactivateMFADevice', 'iam:DeleteSigningCertificate'] },
  { id: 'govcloud', name: 'request AWS GovCloud (US) root access keys from AWS Support', source: ROOT_TASKS_SOURCE, events: [] },
  { id: 'kms-recover', name: 'recover an unmanageable KMS key through AWS Support', source: ROOT_TASKS_SOURCE, events: [] },
];

const TASK_BY_ID = new Map(ROOT_TASKS.map((t) => [t.id, t]));
const TASK_BY_POLICY = new Map(ROOT_TASKS.filter((t) => t.assumeRootTaskPolicy).map((t) => [t.assumeRootTaskPolicy!, t]));

/** The AssumeRoot task policies, in the order the runbook lists them. */
export const ASSUME_ROOT_TASKS: readonly RootTask[] = ROOT_TASKS.filter((t) => t.assumeRootTaskPolicy);

export type RootTaskLabel = 'root-only' | 'iam-could' | 'sign-in' | 'unknown';

export interface RootTaskVerdict {
  rootOnly: boolean | null;
  /** the task's name when rootOnly is true, else null */
  task: string | null;
  taskId: string | null;
  label: RootTaskLabel;
  /** why, in one line */
  reason: string;
}

/** One line for a notification. */
export function verdictLine(v: RootTaskVerdict): string {
  if (v.label === 'root-only') return `a task only root can do: ${v.task} (a legitimate reason to use root: check it was planned)`;
  if (v.label === 'iam-could') return 'a task an IAM principal could have done (a best-practice breach)';
  if (v.label === 'sign-in') return 'a sign-in';
  return `unknown: ${v.reason}`;
}

const rootOnly = (id: string, why: string): RootTaskVerdict => {
  const t = TASK_BY_ID.get(id)!;
  return { rootOnly: true, task: t.name, taskId: t.id, label: 'root-only', reason: why };
};
const iamCould = (why: string): RootTaskVerdict => ({ rootOnly: false, task: null, taskId: null, label: 'iam-could', reason: why });
const undecided = (why: string): RootTaskVerdict => ({ rootOnly: null, task: null, taskId: null, label: 'unknown', reason: why });
const signIn = (why: string): RootTaskVerdict => ({ rootOnly: null, task: null, taskId: null, label: 'sign-in', reason: why });

const NOT_LISTED = 'not among the tasks AWS lists as requiring root: an IAM principal with the permission could have done it';

interface Ctx {
  params: unknown;
  assumedRoot: boolean;
  readOnly: boolean;
}

/** `userName` absent or empty: the call acts on the caller (root) itself. */
function own(params: unknown): boolean {
  const user = get(params, 'userName');
  return typeof user !== 'string' || user.trim() === '';
}
function userNameOf(params: unknown): string {
  const user = get(params, 'userName');
  return typeof user === 'string' ? user.trim().slice(0, 64) : '';
}

const ROOT_MFA_NAME = 'root-account-mfa-device';
/** CloudTrail writes `userName: "AWS ROOT USER"` when root manages its own MFA device (CloudTrail User Guide sample). */
function rootsOwnMfa(params: unknown): boolean | null {
  const user = get(params, 'userName');
  const serial = get(params, 'serialNumber');
  if (typeof serial === 'string' && serial.endsWith(`:mfa/${ROOT_MFA_NAME}`)) return true;
  if (typeof user === 'string' && user.trim() !== '') return user.trim().toUpperCase() === 'AWS ROOT USER';
  // no userName: the call acted on the caller's own device; no parameters at all: cannot tell
  return isObj(params) ? true : null;
}

type Rule = (c: Ctx) => RootTaskVerdict;

const keyRule = (kind: string): Rule => (c) =>
  own(c.params)
    ? rootOnly(c.assumedRoot && kind === 'delete' ? 'delete-root-credentials' : 'root-access-keys', `no userName: the root user's own access key (${kind})`)
    : iamCould(`access key of IAM user ${userNameOf(c.params)}: an IAM administrator could have done it`);

const passwordRule = (what: string): Rule => (c) => {
  if (!own(c.params)) return iamCould(`password of IAM user ${userNameOf(c.params)}: an IAM administrator could have done it`);
  if (c.assumedRoot && what === 'create') return rootOnly('create-root-password', 'AssumeRoot session re-creating the root password (IAMCreateRootUserPassword)');
  if (c.assumedRoot && what === 'delete') return rootOnly('delete-root-credentials', 'AssumeRoot session deleting the root password (IAMDeleteRootUserCredentials)');
  return rootOnly('root-password', `no userName: the root user's own password (${what})`);
};

const mfaRule: Rule = (c) => {
  const ownDevice = rootsOwnMfa(c.params);
  if (ownDevice === true) return rootOnly(c.assumedRoot ? 'delete-root-credentials' : 'root-mfa', "the root user's own MFA device (userName \"AWS ROOT USER\", no userName, or the root MFA serial)");
  if (ownDevice === false) return iamCould(`MFA device of IAM user ${userNameOf(c.params)}: an IAM administrator could have done it`);
  return undecided('the record does not say whose MFA device this is');
};

const certRule: Rule = (c) =>
  own(c.params)
    ? rootOnly(c.assumedRoot ? 'delete-root-credentials' : 'root-signing-certificates', "no userName: the root user's own signing certificate")
    : iamCould(`signing certificate of IAM user ${userNameOf(c.params)}: an IAM administrator could have done it`);

const auditRule: Rule = (c) =>
  own(c.params)
    ? rootOnly('audit-root-credentials', "no userName: lists the root user's own credentials, which no IAM principal can (AssumeRoot task IAMAuditRootUserCredentials)")
    : iamCould(`reads IAM user ${userNameOf(c.params)}: an IAM principal could have done it`);

const restoreRule: Rule = () =>
  undecided('changes IAM permissions: root-only only when no IAM administrator is left ("restore IAM user permissions"); the record cannot tell');

const RULES: Readonly<Record<string, Readonly<Record<string, Rule>>>> = {
  'signin.amazonaws.com': {
    PasswordUpdated: () => rootOnly('root-password', 'root password changed at sign-in'),
    PasswordRecoveryCompleted: () => rootOnly('root-password', 'root password reset through password recovery'),
    EmailUpdated: () => rootOnly('root-email', 'root e-mail address changed'),
  },
  'iam.amazonaws.com': {
    CreateAccessKey: keyRule('create'),
    UpdateAccessKey: keyRule('update'),
    DeleteAccessKey: keyRule('delete'),
    ChangePassword: () => rootOnly('root-password', "ChangePassword changes the caller's own password: the root password"),
    CreateLoginProfile: passwordRule('create'),
    UpdateLoginProfile: passwordRule('update'),
    DeleteLoginProfile: passwordRule('delete'),
    EnableMFADevice: mfaRule,
    DeactivateMFADevice: mfaRule,
    ResyncMFADevice: mfaRule,
    DeleteVirtualMFADevice: (c) => {
      const serial = get(c.params, 'serialNumber');
      return typeof serial === 'string' && serial.endsWith(`:mfa/${ROOT_MFA_NAME}`)
        ? rootOnly(c.assumedRoot ? 'delete-root-credentials' : 'root-mfa', "the root user's own virtual MFA device (serial root-account-mfa-device)")
        : undecided('the serial number does not say whose virtual MFA device this is');
    },
    CreateVirtualMFADevice: (c) =>
      get(c.params, 'virtualMFADeviceName') === ROOT_MFA_NAME
        ? rootOnly('root-mfa', "creates the root user's virtual MFA device (root-account-mfa-device)")
        : undecided('the device name does not say whose MFA device this is'),
    UploadSigningCertificate: certRule,
    UpdateSigningCertificate: certRule,
    DeleteSigningCertificate: certRule,
    ListAccessKeys: auditRule,
    ListMFADevices: auditRule,
    GetLoginProfile: auditRule,
    ListSigningCertificates: auditRule,
    UpdateAccountEmailAddress: () => rootOnly('root-email', 'root e-mail address changed'),
    AttachUserPolicy: restoreRule,
    DetachUserPolicy: restoreRule,
    PutUserPolicy: restoreRule,
    DeleteUserPolicy: restoreRule,
    AttachGroupPolicy: restoreRule,
    PutGroupPolicy: restoreRule,
    AttachRolePolicy: restoreRule,
    PutRolePolicy: restoreRule,
    AddUserToGroup: restoreRule,
    CreatePolicyVersion: restoreRule,
    SetDefaultPolicyVersion: restoreRule,
    UpdateAssumeRolePolicy: restoreRule,
    DeleteUserPermissionsBoundary: restoreRule,
    DeleteRolePermissionsBoundary: restoreRule,
  },
  's3.amazonaws.com': {
    PutBucketVersioning: (c) => {
      const conf = get(c.params, 'VersioningConfiguration');
      const mfaDelete = get(conf, 'MfaDelete') ?? get(conf, 'MFADelete');
      if (mfaDelete !== undefined && mfaDelete !== null) return rootOnly('s3-mfa-delete', `sets MfaDelete (${String(mfaDelete).slice(0, 16)}): only the root user can`);
      return conf === undefined ? undecided('the record does not show the versioning configuration') : iamCould('versioning without MfaDelete: an IAM principal could have done it');
    },
    PutBucketPolicy: (c) =>
      c.assumedRoot ? rootOnly('s3-unlock-bucket-policy', 'AssumeRoot session (S3UnlockBucketPolicy)') : undecided('root-only only when the current bucket policy denies all principals; the record cannot tell'),
    DeleteBucketPolicy: (c) =>
      c.assumedRoot ? rootOnly('s3-unlock-bucket-policy', 'AssumeRoot session (S3UnlockBucketPolicy)') : undecided('root-only only when the current bucket policy denies all principals; the record cannot tell'),
  },
  'sqs.amazonaws.com': {
    SetQueueAttributes: (c) => {
      if (c.assumedRoot) return rootOnly('sqs-unlock-queue-policy', 'AssumeRoot session (SQSUnlockQueuePolicy)');
      const attrs = get(c.params, 'attributes') ?? get(c.params, 'Attributes');
      if (isObj(attrs) && !('Policy' in attrs)) return iamCould('queue attributes other than the policy: an IAM principal could have done it');
      return undecided('root-only only when the current queue policy denies all principals; the record cannot tell');
    },
    RemovePermission: (c) =>
      c.assumedRoot ? rootOnly('sqs-unlock-queue-policy', 'AssumeRoot session (SQSUnlockQueuePolicy)') : undecided('root-only only when the current queue policy denies all principals; the record cannot tell'),
  },
  'account.amazonaws.com': {
    PutContactInformation: () => iamCould('contact information does not require root (AWS list)'),
    PutAlternateContact: () => iamCould('contact information does not require root (AWS list)'),
    DeleteAlternateContact: () => iamCould('contact information does not require root (AWS list)'),
    EnableRegion: () => iamCould('Regions do not require root (AWS list)'),
    DisableRegion: () => iamCould('Regions do not require root (AWS list)'),
  },
};

/** Services whose pages hold root-only tasks the list does not tie to event names (billing, tax, support plan, account settings). */
const UNDECIDABLE_SOURCES: Readonly<Record<string, string>> = {
  'account.amazonaws.com': 'account settings: the account name and root e-mail are root-only, other settings are not; the list does not name this event',
  'billingconsole.amazonaws.com': 'billing settings: activating IAM access to billing is root-only; the list does not name this event',
  'billing.amazonaws.com': 'billing settings: activating IAM access to billing is root-only; the list does not name this event',
  'tax.amazonaws.com': 'tax settings: certain tax invoices are root-only; the list does not name this event',
  'invoicing.amazonaws.com': 'invoices: certain tax invoices are root-only; the list does not name this event',
  'payments.amazonaws.com': 'payments: the list does not say which payment tasks are root-only',
  'supportplans.amazonaws.com': 'support plans: changing or cancelling the plan is root-only; the list does not name this event',
  'support.amazonaws.com': 'support cases: GovCloud keys and KMS key recovery through Support are root-only; the record cannot tell',
};

/**
 * The verdict for one root event (EventBridge envelope). `assumedRoot`: an action of an
 * AssumeRoot session; `readOnly`: as the classifier decided.
 */
export function rootTaskVerdict(event: unknown, opts: { signIn: boolean; assumedRoot: boolean; readOnly: boolean }): RootTaskVerdict {
  try {
    const detail = get(event, 'detail');
    const source = get(detail, 'eventSource');
    const name = get(detail, 'eventName');
    if (typeof source !== 'string' || typeof name !== 'string') return undecided('the record names no event');
    if (source === 'sts.amazonaws.com' && name === 'AssumeRoot') return assumeRootCall(detail);
    const rule = RULES[source]?.[name];
    const ctx: Ctx = { params: get(detail, 'requestParameters'), assumedRoot: opts.assumedRoot, readOnly: opts.readOnly };
    if (rule && Object.prototype.hasOwnProperty.call(RULES[source], name)) return rule(ctx);
    if (opts.signIn || source === 'signin.amazonaws.com') return signIn(`sign-in event ${name.slice(0, 64)}`);
    if (Object.prototype.hasOwnProperty.call(UNDECIDABLE_SOURCES, source)) return undecided(UNDECIDABLE_SOURCES[source]);
    if (opts.assumedRoot) return undecided('an AssumeRoot session action the list does not name');
    return iamCould(NOT_LISTED);
  } catch {
    return undecided('the record could not be read');
  }
}

function assumeRootCall(detail: unknown): RootTaskVerdict {
  const arn = get(get(get(detail, 'requestParameters'), 'taskPolicyArn'), 'arn');
  const policy = typeof arn === 'string' ? arn.replace(/^.*:policy\/root-task\//, '') : '';
  const task = TASK_BY_POLICY.get(policy);
  if (!task) return undecided('sts:AssumeRoot with a task policy the list does not name');
  return { rootOnly: true, task: task.name, taskId: task.id, label: 'root-only', reason: `sts:AssumeRoot with task policy ${policy}` };
}

const RANK: Readonly<Record<Severity, number>> = { critical: 0, high: 1, medium: 2, low: 3 };

/**
 * `detection.avoidableRootWrites`: a successful-or-not root write that an IAM principal could
 * have done is raised to at least the configured severity; everything else keeps its severity.
 * Returns null when nothing changes.
 */
export function raiseAvoidableWrite(
  severity: Severity | null,
  verdict: RootTaskVerdict,
  readOnly: boolean,
  policy: AvoidableRootWritesPolicy | undefined,
): { severity: Severity; note: string } | null {
  if (severity === null || policy === undefined || policy === 'unchanged') return null;
  if (policy !== 'critical' && policy !== 'high') return null;
  if (verdict.rootOnly !== false || readOnly) return null;
  if (RANK[severity] <= RANK[policy]) return null;
  return { severity: policy, note: `raised to ${policy} by detection.avoidableRootWrites (an IAM principal could have done it)` };
}
