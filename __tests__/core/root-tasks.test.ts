/**
 * Root-only task verdicts (core/root-tasks.ts) for every root event of the shared corpus
 * (read in place from ../shared/fixtures/events) and of rootwatch's own fixtures, each with the
 * reason from AWS's list. Undecidable events must say null, never a guess.
 */
import * as fs from 'fs';
import * as path from 'path';
import { classify } from '../../core/classify';
import { ROOT_TASKS, ROOT_TASKS_RETRIEVED, ROOT_TASKS_SOURCE, raiseAvoidableWrite, rootTaskVerdict, verdictLine } from '../../core/root-tasks';
import { toAlert } from '../../core/alert';
import { renderEmail, renderPagerDuty, renderSlack } from '../../lambdas/format';
import type { EventBridgeEvent } from '../../core/types';
import { sharedFixturesDir } from '../helpers/shared-fixtures';

// The shared corpus, read in place (see helpers/shared-fixtures).
const SHARED = sharedFixturesDir();
const OWN = path.resolve(__dirname, '../fixtures/events');
const haveShared = fs.existsSync(path.join(SHARED, 'INDEX.tsv'));
if (!haveShared) console.log(`shared fixtures not found at ${SHARED}: skipping the shared-fixture cases`);
const load = (file: string): EventBridgeEvent => JSON.parse(fs.readFileSync(file, 'utf8'));

type Expected = [file: string, rootOnly: boolean | null, taskId: string | null, why: string];

/** Every root event of the shared corpus (INDEX.tsv expected_root = yes). */
const SHARED_TABLE: Expected[] = [
  ['01-root-consolelogin-success-nomfa.json', null, null, 'a sign-in, not a task'],
  ['02-root-consolelogin-success-mfa.json', null, null, 'a sign-in, not a task'],
  ['03-root-consolelogin-failure.json', null, null, 'a (failed) sign-in'],
  ['04-root-consolelogin-eventbridge-envelope.json', null, null, 'a sign-in'],
  ['05-root-consolelogin-failure-panther.json', null, null, 'a (failed) sign-in'],
  ['06-root-signin-passwordupdated.json', true, 'root-password', 'AWS list: changing the root user password'],
  ['07-root-signin-checkmfa-synth.json', null, null, 'a sign-in step'],
  ['08-root-signin-passwordrecoveryrequested-synth.json', null, null, 'a sign-in step (recovery only requested, nothing changed yet)'],
  ['09-root-iam-enablemfadevice.json', true, 'root-mfa', 'userName "AWS ROOT USER": the root user\'s own MFA device'],
  ['10-root-iam-createaccesskey-invokedby.json', true, 'root-access-keys', 'no userName: a root access key (AWS list: root user access keys)'],
  ['11-root-s3-createbucket-eventbridge-envelope.json', false, null, 'CreateBucket is not on the list'],
  ['12-root-sns-createtopic-us-east-2.json', false, null, 'CreateTopic is not on the list'],
  ['13-root-sns-gettopicattributes-us-east-2.json', false, null, 'a read not on the list'],
  ['14-root-events-putrule.json', false, null, 'PutRule is not on the list'],
  ['15-root-cloudwatch-putmetricalarm.json', false, null, 'PutMetricAlarm is not on the list'],
  ['16-root-pinpoint-getcampaigns-readonly.json', false, null, 'a read not on the list'],
  ['18-root-s3-putbucketversioning-us-west-2.json', true, 's3-mfa-delete', 'VersioningConfiguration.MfaDelete set: AWS list: configure MFA delete'],
  ['19-root-iam-listaccesskeys-readonly.json', true, 'audit-root-credentials', "no userName: lists root's own keys (AssumeRoot task IAMAuditRootUserCredentials)"],
  ['20-root-s3-listbuckets-flaws-real.json', false, null, 'ListBuckets is not on the list'],
];

const OWN_TABLE: Expected[] = [
  ['sts-assumeroot-call-synth.json', true, 's3-unlock-bucket-policy', 'AssumeRoot with task policy S3UnlockBucketPolicy'],
  ['assumedroot-s3-deletebucketpolicy-synth.json', true, 's3-unlock-bucket-policy', 'DeleteBucketPolicy in an AssumeRoot session'],
  ['root-iam-deactivatemfadevice-synth.json', true, 'root-mfa', "the root user's own MFA device"],
];

function check([file, rootOnly, taskId]: Expected, dir: string) {
  const c = classify(load(path.join(dir, file)));
  expect(c.kind).toBe('root');
  expect(c.rootTask).toBeDefined();
  expect(c.rootTask!.rootOnly).toBe(rootOnly);
  expect(c.rootTask!.taskId).toBe(taskId);
  if (rootOnly === true) expect(c.rootTask!.task).toBe(ROOT_TASKS.find((t) => t.id === taskId)!.name);
  else expect(c.rootTask!.task).toBeNull();
  expect(c.rootTask!.reason.length).toBeGreaterThan(5);
}

(haveShared ? describe : describe.skip)('shared corpus: every root event has a verdict', () => {
  it('the table lists exactly the root events of INDEX.tsv', () => {
    const rows = fs.readFileSync(path.join(SHARED, 'INDEX.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
    const roots = rows.filter((r) => r[1] === 'yes').map((r) => r[0]).sort();
    expect(SHARED_TABLE.map((r) => r[0]).sort()).toEqual(roots);
  });
  it.each(SHARED_TABLE)('%s -> rootOnly %s (%s): %s', (...row) => check(row as Expected, SHARED));
  it('non-root events get no verdict', () => {
    const c = classify(load(path.join(SHARED, '24-iamuser-consolelogin-success-nomfa.json')));
    expect(c.matched).toBe(false);
    expect(c.rootTask).toBeUndefined();
  });
});

describe("rootwatch's own fixtures", () => {
  it.each(OWN_TABLE)('%s -> rootOnly %s (%s): %s', (...row) => check(row as Expected, OWN));
});

describe('one event name, different verdicts by parameters', () => {
  const call = (eventSource: string, eventName: string, requestParameters: unknown, extra: Record<string, unknown> = {}) =>
    rootTaskVerdict({ detail: { eventSource, eventName, requestParameters, ...extra } }, { signIn: false, assumedRoot: false, readOnly: false });
  it("MFA: root's own device vs another user's", () => {
    expect(call('iam.amazonaws.com', 'EnableMFADevice', { userName: 'AWS ROOT USER', serialNumber: 'arn:aws:iam::1:mfa/x' }).rootOnly).toBe(true);
    expect(call('iam.amazonaws.com', 'EnableMFADevice', { userName: 'alice', serialNumber: 'arn:aws:iam::1:mfa/alice' }).rootOnly).toBe(false);
    expect(call('iam.amazonaws.com', 'DeactivateMFADevice', null).rootOnly).toBeNull();
    expect(call('iam.amazonaws.com', 'DeleteVirtualMFADevice', { serialNumber: 'arn:aws:iam::1:mfa/bob' }).rootOnly).toBeNull();
    expect(call('iam.amazonaws.com', 'DeleteVirtualMFADevice', { serialNumber: 'arn:aws:iam::1:mfa/root-account-mfa-device' }).rootOnly).toBe(true);
  });
  it('access keys and passwords: root vs an IAM user', () => {
    expect(call('iam.amazonaws.com', 'CreateAccessKey', { userName: 'deploy' })).toMatchObject({ rootOnly: false, label: 'iam-could' });
    expect(call('iam.amazonaws.com', 'DeleteAccessKey', { accessKeyId: 'AKIA' })).toMatchObject({ rootOnly: true, taskId: 'root-access-keys' });
    expect(call('iam.amazonaws.com', 'CreateLoginProfile', { userName: 'bob' }).rootOnly).toBe(false);
    expect(
      rootTaskVerdict({ detail: { eventSource: 'iam.amazonaws.com', eventName: 'CreateLoginProfile', requestParameters: {} } }, { signIn: false, assumedRoot: true, readOnly: false }),
    ).toMatchObject({ rootOnly: true, taskId: 'create-root-password' });
  });
  it('S3 versioning: with MfaDelete root-only, without not', () => {
    expect(call('s3.amazonaws.com', 'PutBucketVersioning', { VersioningConfiguration: { Status: 'Enabled', MfaDelete: 'Disabled' } }).rootOnly).toBe(true);
    expect(call('s3.amazonaws.com', 'PutBucketVersioning', { VersioningConfiguration: { Status: 'Enabled' } }).rootOnly).toBe(false);
  });
  it('undecidable cases say null, never a guess', () => {
    expect(call('s3.amazonaws.com', 'PutBucketPolicy', { bucketName: 'b' })).toMatchObject({ rootOnly: null, label: 'unknown' });
    expect(call('iam.amazonaws.com', 'AttachUserPolicy', { userName: 'admin' }).rootOnly).toBeNull();
    expect(call('supportplans.amazonaws.com', 'CreateSupportPlanSchedule', {}).rootOnly).toBeNull();
    expect(call('account.amazonaws.com', 'PutAccountName', {}).rootOnly).toBeNull();
    expect(call('account.amazonaws.com', 'PutAlternateContact', {}).rootOnly).toBe(false);
    expect(call('sts.amazonaws.com', 'AssumeRoot', { taskPolicyArn: { arn: 'arn:aws:iam::aws:policy/root-task/Unknown' } }).rootOnly).toBeNull();
    expect(rootTaskVerdict(null, { signIn: false, assumedRoot: false, readOnly: false }).rootOnly).toBeNull();
    expect(rootTaskVerdict({ detail: { eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances' } }, { signIn: false, assumedRoot: true, readOnly: false }).rootOnly).toBeNull();
  });
  it('hostile parameters do not throw', () => {
    const params = new Proxy({}, { get: () => { throw new Error('boom'); }, ownKeys: () => { throw new Error('boom'); }, getOwnPropertyDescriptor: () => { throw new Error('boom'); }, has: () => { throw new Error('boom'); } });
    const detail = new Proxy({}, { get: () => { throw new Error('boom'); }, getOwnPropertyDescriptor: () => { throw new Error('boom'); } });
    expect(() => call('iam.amazonaws.com', 'EnableMFADevice', params)).not.toThrow();
    expect(rootTaskVerdict({ detail }, { signIn: false, assumedRoot: false, readOnly: false })).toMatchObject({ rootOnly: null, label: 'unknown' });
  });
});

describe('the list as data', () => {
  it('names its source and date, and every task has a unique id', () => {
    expect(ROOT_TASKS_SOURCE).toMatch(/^https:\/\/docs\.aws\.amazon\.com\/IAM\/latest\/UserGuide\/root-user-tasks\.html$/);
    expect(ROOT_TASKS_RETRIEVED).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(new Set(ROOT_TASKS.map((t) => t.id)).size).toBe(ROOT_TASKS.length);
    for (const t of ROOT_TASKS) expect(t.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  });
  it('the five AssumeRoot task policies are listed', () => {
    expect(ROOT_TASKS.filter((t) => t.assumeRootTaskPolicy).map((t) => t.assumeRootTaskPolicy).sort()).toEqual(
      ['IAMAuditRootUserCredentials', 'IAMCreateRootUserPassword', 'IAMDeleteRootUserCredentials', 'S3UnlockBucketPolicy', 'SQSUnlockQueuePolicy'],
    );
  });
});

describe('severity by config (detection.avoidableRootWrites)', () => {
  const write = { detail: { eventSource: 's3.amazonaws.com', eventName: 'CreateBucket' } };
  const v = rootTaskVerdict(write, { signIn: false, assumedRoot: false, readOnly: false });
  it('unchanged by default, raised when asked, never for reads or root-only tasks', () => {
    expect(raiseAvoidableWrite('high', v, false, undefined)).toBeNull();
    expect(raiseAvoidableWrite('high', v, false, 'unchanged')).toBeNull();
    expect(raiseAvoidableWrite('high', v, false, 'critical')).toMatchObject({ severity: 'critical' });
    expect(raiseAvoidableWrite('medium', v, true, 'critical')).toBeNull();
    expect(raiseAvoidableWrite('critical', v, false, 'high')).toBeNull();
    const mfa = rootTaskVerdict({ detail: { eventSource: 'iam.amazonaws.com', eventName: 'EnableMFADevice', requestParameters: {} } }, { signIn: false, assumedRoot: false, readOnly: false });
    expect(raiseAvoidableWrite('high', mfa, false, 'critical')).toBeNull();
  });
  (haveShared ? it : it.skip)('through classify: CreateBucket raised to critical, root MFA unchanged', () => {
    const bucket = classify(load(path.join(SHARED, '11-root-s3-createbucket-eventbridge-envelope.json')), { avoidableRootWrites: 'critical' });
    expect(bucket.severity).toBe('critical');
    expect(bucket.reason).toMatch(/avoidableRootWrites/);
    expect(classify(load(path.join(SHARED, '11-root-s3-createbucket-eventbridge-envelope.json'))).severity).toBe('high');
    expect(classify(load(path.join(SHARED, '09-root-iam-enablemfadevice.json')), { avoidableRootWrites: 'critical' }).severity).toBe('high');
    expect(classify(load(path.join(SHARED, '13-root-sns-gettopicattributes-us-east-2.json')), { avoidableRootWrites: 'critical' }).severity).toBe('medium');
  });
});

(haveShared ? describe : describe.skip)('channels show the verdict', () => {
  it('e-mail, Slack and PagerDuty custom details', () => {
    const event = load(path.join(SHARED, '10-root-iam-createaccesskey-invokedby.json'));
    const alert = JSON.parse(JSON.stringify(toAlert(event, classify(event))!));
    const line = verdictLine(alert.rootTask);
    expect(line).toBe('a task only root can do: manage the root user access keys (a legitimate reason to use root: check it was planned)');
    expect(renderEmail(alert).body).toContain(`Root task:    ${line}`);
    expect(JSON.stringify(renderSlack(alert).blocks)).toContain('*Root task:* a task only root can do: manage the root user access keys');
    expect(renderPagerDuty(alert, 'k').payload!.custom_details).toMatchObject({ rootOnly: true, rootOnlyTask: 'manage the root user access keys' });
  });
  it('an avoidable call says so', () => {
    const e = load(path.join(SHARED, '12-root-sns-createtopic-us-east-2.json'));
    const a = JSON.parse(JSON.stringify(toAlert(e, classify(e))!));
    expect(renderEmail(a).body).toContain('a task an IAM principal could have done (a best-practice breach)');
    expect(renderPagerDuty(a, 'k').payload!.custom_details).toMatchObject({ rootOnly: false, rootOnlyTask: null });
  });
});
