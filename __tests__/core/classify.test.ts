import { toAlert } from '../../core/alert';
/**
 * Classification of real CloudTrail events (shared fixtures, read in place) and of rootwatch's
 * own synthesized fixtures (__tests__/fixtures/events/*-synth.json, written from the record
 * shapes in the AWS docs: IAM "Track privileged tasks in CloudTrail" for AssumeRoot,
 * CloudWatch "Alarm events and EventBridge" for the alarm, the CloudTrail sign-in reference for
 * the MFA record).
 */
import { sharedFixturesDir } from '../helpers/shared-fixtures';
import * as fs from 'fs';
import * as path from 'path';
import { classify, CRITICAL_CALLS } from '../../core/classify';
import { SEVERITIES, Severity } from '../../core/types';

const SHARED = sharedFixturesDir();
const OWN = path.resolve(__dirname, '../fixtures/events');
const haveShared = fs.existsSync(path.join(SHARED, 'INDEX.tsv'));
if (!haveShared) console.log(`shared fixtures not found at ${SHARED}: skipping the shared-fixture cases`);
// describe.skip still runs its body to collect tests (and an empty describe.each throws): without the
// corpus, register one skipped placeholder instead of the body.
const describeShared: (name: string, body: () => void) => void = haveShared
  ? describe
  : (name) => describe.skip(name, () => it.skip('needs ../shared/fixtures/events', () => undefined));

interface IndexRow { file: string; root: boolean; kind: 'login' | 'activity' | 'none' }
function readIndex(): IndexRow[] {
  if (!haveShared) return [];
  return fs
    .readFileSync(path.join(SHARED, 'INDEX.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [file, root, kind] = l.split('\t');
      return { file, root: root === 'yes', kind: kind as IndexRow['kind'] };
    });
}
const load = (dir: string, file: string) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
const shared = (file: string) => load(SHARED, file);
const own = (file: string) => load(OWN, file);
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

/** Expected severity of every root fixture, by file-name prefix, with the reason in words. */
const EXPECTED_SEVERITY: Record<string, [Severity, string]> = {
  '01': ['critical', 'console sign-in without MFA'],
  '02': ['high', 'console sign-in with MFA ("YES")'],
  '03': ['critical', 'failed sign-in'],
  '04': ['critical', 'console sign-in without MFA'],
  '05': ['critical', 'failed sign-in'],
  '06': ['critical', 'password changed'],
  '07': ['high', 'successful MFA check during sign-in'],
  '08': ['high', 'password recovery requested (no change yet)'],
  '09': ['high', 'enabling MFA is a write, not a weakening'],
  '10': ['critical', 'root access key created'],
  '11': ['high', 'write call'],
  '12': ['high', 'write call'],
  '13': ['medium', 'read-only by name (no readOnly field)'],
  '14': ['high', 'write call'],
  '15': ['high', 'write call'],
  '16': ['medium', 'readOnly: true'],
  '18': ['high', 'write call'],
  '19': ['medium', 'readOnly: true'],
  '20': ['medium', 'read-only by name (no readOnly field)'],
};

describeShared('shared CloudTrail fixtures', () => {
  const rows = readIndex();

  it('every root fixture has an expected severity in this table', () => {
    const missing = rows.filter((r) => r.root && !EXPECTED_SEVERITY[r.file.slice(0, 2)]).map((r) => r.file);
    expect(missing).toEqual([]);
  });

  describe.each(rows.filter((r) => r.root).map((r) => [r.file, r] as const))('%s', (_file, row) => {
    it(`matches as ${row.kind} with the expected severity`, () => {
      const c = classify(shared(row.file));
      const [severity] = EXPECTED_SEVERITY[row.file.slice(0, 2)];
      expect(c.matched).toBe(true);
      expect(c.kind).toBe('root');
      expect(c.alertType).toBe(row.kind);
      expect(c.severity).toBe(severity);
      expect(c.muted).toBe(false);
      expect(c.assumedRoot).toBe(false);
      expect(c.summary).toEqual(expect.any(String));
      expect(c.reason).toEqual(expect.any(String));
      expect(c.facts?.account).toBe(shared(row.file).account);
    });
  });

  describe.each(rows.filter((r) => !r.root).map((r) => [r.file, r] as const))('%s', (_file, row) => {
    it('does not match and carries no alert data', () => {
      const c = classify(shared(row.file));
      expect(row.kind).toBe('none');
      expect(c).toEqual({
        matched: false, kind: 'none', alertType: null, severity: null, assumedRoot: false,
        muted: false, summary: null, reason: null, facts: null,
      });
    });
  });

  it('summarizes a no-MFA console sign-in in one line with account, region, IP and outcome', () => {
    expect(classify(shared('01-root-consolelogin-success-nomfa.json')).summary).toBe(
      'Root console sign-in WITHOUT MFA to 111122223333 (us-east-1) from 192.0.2.0 — Success',
    );
  });

  it('reads MFAUsed case-insensitively ("YES") and reports it', () => {
    const c = classify(shared('02-root-consolelogin-success-mfa.json'));
    expect(c.facts?.mfaUsed).toBe(true);
    expect(c.summary).toContain('with MFA');
    const lower = clone(shared('02-root-consolelogin-success-mfa.json'));
    lower.detail.additionalEventData.MFAUsed = 'yes';
    expect(classify(lower).severity).toBe('high');
  });

  it('reports a failed sign-in with its error message', () => {
    const c = classify(shared('03-root-consolelogin-failure.json'));
    expect(c.facts?.outcome).toBe('failure');
    expect(c.summary).toMatch(/^FAILED root console sign-in to 111122223333 \(us-east-1\) from 192\.0\.2\.0 — Failure: Failed authentication$/);
  });

  it('treats a ConsoleLogin without MFA information as without MFA', () => {
    const e = clone(shared('02-root-consolelogin-success-mfa.json'));
    delete e.detail.additionalEventData;
    const c = classify(e);
    expect(c.severity).toBe('critical');
    expect(c.facts?.mfaUsed).toBeNull();
  });

  it('uses mfaAuthenticated for API calls', () => {
    expect(classify(shared('10-root-iam-createaccesskey-invokedby.json')).facts?.mfaUsed).toBe(true);
    expect(classify(shared('12-root-sns-createtopic-us-east-2.json')).facts?.mfaUsed).toBe(false);
    expect(classify(shared('19-root-iam-listaccesskeys-readonly.json')).facts?.mfaUsed).toBeNull();
  });

  it('fills the facts of an API call and links to the event in the region it was recorded', () => {
    const c = classify(shared('12-root-sns-createtopic-us-east-2.json'));
    expect(c.facts).toEqual({
      account: '123456789012',
      region: 'us-east-2',
      eventName: 'CreateTopic',
      eventSource: 'sns.amazonaws.com',
      eventTime: '2015-01-24T23:26:50Z',
      eventId: '17b46459-dada-4278-b8e2-5a4ca9ff1a9c',
      principalArn: 'arn:aws:iam::123456789012:root',
      sourceIp: '205.251.233.176',
      userAgent: 'console.amazonaws.com',
      mfaUsed: false,
      outcome: 'success',
      errorCode: null,
      readOnly: false,
      sessionKey: expect.stringMatching(/^rootwatch:123456789012:[a-z-]+:[0-9a-f]{16}$/),
      consoleUrl: 'https://us-east-2.console.aws.amazon.com/cloudtrail/home?region=us-east-2#/events/17b46459-dada-4278-b8e2-5a4ca9ff1a9c',
    });
  });

  it('links to a time window of event history when the record has no eventID', () => {
    const e = clone(shared('12-root-sns-createtopic-us-east-2.json'));
    delete e.detail.eventID;
    expect(classify(e).facts?.consoleUrl).toBe(
      'https://us-east-2.console.aws.amazon.com/cloudtrail/home?region=us-east-2#/events?StartTime=2015-01-24T23%3A21%3A50.000Z&EndTime=2015-01-24T23%3A31%3A50.000Z',
    );
  });

  it('a failed API call is a failure with its error code', () => {
    const e = clone(shared('12-root-sns-createtopic-us-east-2.json'));
    e.detail.errorCode = 'AccessDenied';
    const c = classify(e);
    expect(c.facts?.outcome).toBe('failure');
    expect(c.facts?.errorCode).toBe('AccessDenied');
    expect(c.summary).toMatch(/— Failure \(AccessDenied\)$/);
  });

  it('readOnly false in the record wins over a read-like name', () => {
    const e = clone(shared('16-root-pinpoint-getcampaigns-readonly.json'));
    e.detail.readOnly = false;
    expect(classify(e).severity).toBe('high');
  });

  describe('never alerts for non-root actors', () => {
    const base = () => clone(shared('12-root-sns-createtopic-us-east-2.json'));
    it.each([
      ['IAMUser', { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/root', userName: 'root' }],
      ['AssumedRole named root', { type: 'AssumedRole', arn: 'arn:aws:sts::123456789012:assumed-role/root/root' }],
      ['FederatedUser', { type: 'FederatedUser', arn: 'arn:aws:sts::123456789012:federated-user/root' }],
      ['AWSService', { type: 'AWSService', invokedBy: 'root.amazonaws.com' }],
      ['lower-case root', { type: 'root', arn: 'arn:aws:iam::123456789012:root' }],
      ['no type, root ARN', { arn: 'arn:aws:iam::123456789012:root' }],
    ])('%s', (_name, identity) => {
      const e = base();
      e.detail.userIdentity = identity;
      e.detail.requestParameters = { note: 'Root', principal: 'arn:aws:iam::123456789012:root' };
      expect(classify(e).matched).toBe(false);
    });
  });

  it('alerts at low severity on an AWS service event that names Root (the rules deliver it: never silently dropped)', () => {
    const e = clone(shared('38-kms-rotatekey-awsserviceevent.json'));
    e.detail.userIdentity.type = 'Root';
    const c = classify(e);
    expect(c.kind).toBe('root');
    expect(c.alertType).toBe('activity');
    expect(c.severity).toBe('low');
    expect(c.reason).toMatch(/AWS service event/);
    // as delivered in practice it never reaches the hub rules
    expect(classify({ ...e, 'detail-type': 'AWS Service Event via CloudTrail' }).matched).toBe(false);
  });

  it('is not fooled by a sign-in detail-type on an API record', () => {
    const e = clone(shared('12-root-sns-createtopic-us-east-2.json'));
    e['detail-type'] = 'AWS Service Event via CloudTrail';
    expect(classify(e).matched).toBe(false);
  });
});

describeShared('critical changes of root credentials', () => {
  const call = (eventSource: string, eventName: string, requestParameters: unknown = null) => {
    const e = clone(shared('12-root-sns-createtopic-us-east-2.json'));
    Object.assign(e.detail, { eventSource, eventName, requestParameters });
    return classify(e);
  };

  it.each(
    Object.entries(CRITICAL_CALLS)
      .filter(([source]) => source !== 'signin.amazonaws.com')
      .flatMap(([source, names]) => Object.keys(names).map((name) => [`${source} ${name}`, source, name])),
  )('%s is critical', (_label, source, name) => {
    expect(call(source, name).severity).toBe('critical');
  });

  it('includes MFA removal, password and e-mail changes', () => {
    for (const name of ['DeactivateMFADevice', 'DeleteVirtualMFADevice', 'ChangePassword', 'UpdateLoginProfile']) {
      expect(call('iam.amazonaws.com', name).severity).toBe('critical');
    }
    const signin = clone(shared('06-root-signin-passwordupdated.json'));
    signin.detail.eventName = 'PasswordRecoveryCompleted';
    signin.detail.responseElements = { PasswordRecoveryCompleted: 'Success' };
    expect(classify(signin).severity).toBe('critical');
  });

  it('an access key that root creates for an IAM user is high, not critical', () => {
    expect(call('iam.amazonaws.com', 'CreateAccessKey', { userName: 'deploy-bot' }).severity).toBe('high');
  });

  it('the same name from another service is not critical', () => {
    expect(call('sns.amazonaws.com', 'CreateAccessKey').severity).toBe('high');
  });

  it('a failed MFA check during sign-in is critical', () => {
    const e = clone(shared('07-root-signin-checkmfa-synth.json'));
    e.detail.responseElements = { CheckMfa: 'Failure' };
    const c = classify(e);
    expect(c.severity).toBe('critical');
    expect(c.facts?.outcome).toBe('failure');
  });
});

describe('own synthesized fixtures', () => {
  it('MFA deactivation by root is a critical activity alert', () => {
    const c = classify(own('root-iam-deactivatemfadevice-synth.json'));
    expect(c).toMatchObject({ matched: true, kind: 'root', alertType: 'activity', severity: 'critical', assumedRoot: false });
    expect(c.summary).toBe('Root called iam:DeactivateMFADevice in 111122223333 (us-east-1) from 192.0.2.0, MFA used — Success');
  });

  it('the sts:AssumeRoot call is an activity alert marked assumedRoot', () => {
    const c = classify(own('sts-assumeroot-call-synth.json'));
    expect(c).toMatchObject({ matched: true, kind: 'root', alertType: 'activity', severity: 'high', assumedRoot: true, muted: false });
    expect(c.summary).toBe(
      'arn:aws:sts::111111111111:assumed-role/John/JohnRole1 called sts:AssumeRoot in 111111111111 (us-west-2) for 222222222222 (task S3UnlockBucketPolicy) from 192.0.2.1 — Success',
    );
  });

  it('an action inside an AssumeRoot session is marked assumedRoot, with its normal severity by default', () => {
    const c = classify(own('assumedroot-s3-deletebucketpolicy-synth.json'));
    expect(c).toMatchObject({ matched: true, kind: 'root', alertType: 'activity', severity: 'high', assumedRoot: true, muted: false });
    expect(c.summary).toContain('Root (AssumeRoot session) called s3:DeleteBucketPolicy in 222222222222 (us-west-2)');
    expect(classify(own('assumedroot-s3-deletebucketpolicy-synth.json'), { assumedRoot: 'alert' }).severity).toBe('high');
  });

  it('assumedRoot may be a boolean', () => {
    const e = own('assumedroot-s3-deletebucketpolicy-synth.json');
    e.detail.userIdentity.sessionContext.assumedRoot = true;
    expect(classify(e).assumedRoot).toBe(true);
    e.detail.userIdentity.sessionContext.assumedRoot = 'false';
    expect(classify(e).assumedRoot).toBe(false);
  });

  it.each(['sts-assumeroot-call-synth.json', 'assumedroot-s3-deletebucketpolicy-synth.json'])(
    'policy low lowers %s to low, policy mute mutes it',
    (file) => {
      const low = classify(own(file), { assumedRoot: 'low' });
      expect(low).toMatchObject({ matched: true, severity: 'low', muted: false, assumedRoot: true });
      const mute = classify(own(file), { assumedRoot: 'mute' });
      expect(mute).toMatchObject({ matched: true, severity: null, muted: true, assumedRoot: true, alertType: 'activity' });
      expect(mute.reason).toContain('muted');
    },
  );

  it('the AssumeRoot policy does not touch ordinary root events', () => {
    const c = classify(own('root-iam-deactivatemfadevice-synth.json'), { assumedRoot: 'mute' });
    expect(c).toMatchObject({ severity: 'critical', muted: false });
  });

  it('the heartbeat matches but is not an alert', () => {
    const c = classify(own('heartbeat-tagqueue-synth.json'));
    expect(c).toMatchObject({ matched: true, kind: 'heartbeat', alertType: null, severity: null, assumedRoot: false, muted: false });
    expect(c.summary).toContain('heartbeat');
    expect(c.facts?.account).toBe('222222222222');
    expect(c.facts?.region).toBe('eu-west-1');
  });

  it('the former custom heartbeat event (forgeable by any PutEvents principal) is nothing now', () => {
    expect(classify(own('heartbeat-synth.json')).matched).toBe(false);
  });

  it("another deployment's heartbeat does not match", () => {
    expect(classify(own('heartbeat-tagqueue-synth.json'), { namePrefix: 'acme' }).matched).toBe(false);
  });

  it('a forwarding dead-letter queue alarm (any region) is a high activity alert; its OK state is not forwarded', () => {
    const e = own('cis-alarm-synth.json') as any;
    e.detail.alarmName = 'rootwatch-forward-dlq-not-empty';
    e.region = 'ap-south-1';
    const c = classify(e);
    expect(c).toMatchObject({ matched: true, kind: 'dlq-alarm', alertType: 'activity', severity: 'high' });
    expect(c.summary).toContain('rootwatch-forward-dlq holds events');
    expect(c.summary).toContain(`replay them with rootwatch redrive --account ${e.account} --region ap-south-1`);
    expect(toAlert(e, c)?.cisPath).toBe(false);
    e.detail.state.value = 'OK';
    expect(classify(e).matched).toBe(false);
    e.detail.state.value = 'ALARM';
    expect(classify(e, { namePrefix: 'acme' }).matched).toBe(false);
  });

  it('the CIS alarm is a high activity alert linking to the alarm', () => {
    const c = classify(own('cis-alarm-synth.json'));
    expect(c).toMatchObject({ matched: true, kind: 'cis-alarm', alertType: 'activity', severity: 'high', assumedRoot: false });
    expect(c.summary).toMatch(/^CIS CloudWatch\.1 root-usage alarm rootwatch-cis-root-usage is ALARM in 444455556666 \(eu-west-1\)/);
    expect(c.facts?.consoleUrl).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/rootwatch-cis-root-usage',
    );
  });

  it('the CIS alarm only matches in state ALARM and for this deployment', () => {
    const ok = own('cis-alarm-synth.json');
    ok.detail.state.value = 'OK';
    expect(classify(ok).matched).toBe(false);
    expect(classify(own('cis-alarm-synth.json'), { namePrefix: 'other' }).matched).toBe(false);
    expect(classify(own('cis-alarm-synth.json'), { namePrefix: 'rootwatch' }).matched).toBe(true);
  });
});

describe('hostile content', () => {
  const base = () => own('root-iam-deactivatemfadevice-synth.json');

  it('strips control characters and bidi overrides from the summary and facts', () => {
    const e = base();
    e.detail.sourceIPAddress = '1.2.3.4\n\u001b[31mALL CLEAR\u202e';
    e.detail.userAgent = 'curl\r\nX-Injected: yes';
    const c = classify(e);
    expect(c.summary).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
    expect(c.summary).toContain('from 1.2.3.4 [31mALL CLEAR');
    expect(c.facts?.userAgent).toBe('curl X-Injected: yes');
  });

  it('bounds the summary and every fact', () => {
    const e = base();
    const huge = 'x'.repeat(100_000);
    Object.assign(e.detail, { sourceIPAddress: huge, eventName: huge, userAgent: huge, eventID: huge, errorCode: huge });
    e.detail.userIdentity.arn = huge;
    const c = classify(e);
    expect(c.summary!.length).toBeLessThanOrEqual(300);
    for (const [k, v] of Object.entries(c.facts!)) {
      if (typeof v === 'string') expect([k, v.length <= 400]).toEqual([k, true]);
    }
  });

  it('returns the non-matching shape for non-events', () => {
    for (const v of [null, undefined, 42, 'Root', [], [own('heartbeat-tagqueue-synth.json')], true]) {
      expect(classify(v)).toMatchObject({ matched: false, kind: 'none', facts: null });
    }
  });

  it('still alerts on a delivered root event whose record cannot be read in full', () => {
    const e = base();
    Object.defineProperty(e.detail, 'userAgent', { enumerable: true, get: () => { throw new Error('boom'); } });
    const c = classify(e);
    expect(c).toMatchObject({ matched: true, kind: 'root', alertType: 'activity', severity: 'high' });
    expect(c.summary).toBe('Root activity in 111122223333 (us-east-1); the record could not be read in full');
    expect(c.facts?.sessionKey).toMatch(/^rootwatch:111122223333:/);
  });

  it('ignores unknown option values', () => {
    const c = classify(own('sts-assumeroot-call-synth.json'), { assumedRoot: 'bogus' as never, namePrefix: 42 as never });
    expect(c.severity).toBe('high');
    expect(SEVERITIES).toContain(c.severity);
  });
});
