import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Readable } from 'stream';
import { runSimulate, PAGERDUTY_KEY_PLACEHOLDER, SimulateArgs } from '../../cli/simulate';
import { UsageError } from '../../cli/errors';
import { classify } from '../../core/classify';
import { resolveConfig, RawConfig } from '../../core/config';
import { sharedFixturesDir } from '../helpers/shared-fixtures';

const SHARED = sharedFixturesDir();
const OWN = path.resolve(__dirname, '../fixtures/events');
const haveShared = fs.existsSync(path.join(SHARED, 'INDEX.tsv'));
if (!haveShared) console.log(`shared fixtures not found at ${SHARED}: skipping the shared-fixture cases`);
const describeShared = haveShared ? describe : describe.skip;
const sharedFile = (f: string) => path.join(SHARED, f);
const ownFile = (f: string) => path.join(OWN, f);

const raw: RawConfig = {
  namePrefix: 'acme',
  hub: { accountId: '999999999999', region: 'eu-central-1' },
  regions: ['eu-west-1'],
  spokes: [{ name: 'prod', accountId: '111122223333', assumeRoleArn: 'arn:aws:iam::111122223333:role/rootwatch' }],
  detection: { assumedRoot: 'mute' },
  alerts: { email: { login: ['sec@example.com', 'ops@example.com'] }, pagerduty: { routingKeyParameterName: '/rootwatch/pd' } },
};
const config = resolveConfig(raw);

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rootwatch-simulate-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const writeTmp = (name: string, content: string) => {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, content);
  return p;
};

const run = (args: Partial<SimulateArgs> & { input: string }) => runSimulate({ json: false, ...args });
async function usageError(args: Partial<SimulateArgs> & { input: string }): Promise<UsageError> {
  try {
    await run(args);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return e as UsageError;
  }
  throw new Error('expected a UsageError');
}

describeShared('--json', () => {
  it('prints exactly one JSON object with exactly the documented keys', async () => {
    const r = await run({ input: sharedFile('01-root-consolelogin-success-nomfa.json'), json: true });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(r.stdout)).toEqual({
      matched: true,
      covered: null,
      coverage: 'no config: which accounts and regions are monitored is unknown',
      alertType: 'login',
      severity: 'critical',
      assumedRoot: false,
      summary: 'Root console sign-in WITHOUT MFA to 111122223333 (us-east-1) from 192.0.2.0 — Success',
      rootOnly: null,
      rootOnlyTask: null,
    });
  });

  it('agrees with classify for every shared fixture, and exits 1 when not matched', async () => {
    for (const f of fs.readdirSync(SHARED).filter((x) => x.endsWith('.json'))) {
      const r = await run({ input: sharedFile(f), json: true });
      const c = classify(JSON.parse(fs.readFileSync(sharedFile(f), 'utf8')));
      expect([f, JSON.parse(r.stdout)]).toEqual([f, { matched: c.matched, covered: null, coverage: expect.any(String), alertType: c.alertType, severity: c.severity, assumedRoot: c.assumedRoot, summary: c.summary, rootOnly: c.rootTask?.rootOnly ?? null, rootOnlyTask: c.rootTask?.task ?? null }]);
      expect([f, r.exitCode]).toEqual([f, 0]); // exit 0 whether or not it matched
    }
  });

  it('a non-root event: matched false and nulls', async () => {
    const r = await run({ input: sharedFile('30-assumedrole-role-named-root.json'), json: true });
    expect(JSON.parse(r.stdout)).toEqual({ matched: false, covered: null, coverage: expect.stringMatching(/^no config/), alertType: null, severity: null, assumedRoot: false, summary: null, rootOnly: null, rootOnlyTask: null });
    expect(r.exitCode).toBe(0);
  });
});

describe('--json with own fixtures and config', () => {
  it('applies detection.assumedRoot from the config (mute)', async () => {
    const r = await run({ input: ownFile('sts-assumeroot-call-synth.json'), json: true, config });
    expect(JSON.parse(r.stdout)).toMatchObject({ matched: true, alertType: 'activity', severity: null, assumedRoot: true });
    const d = await run({ input: ownFile('sts-assumeroot-call-synth.json'), json: true });
    expect(JSON.parse(d.stdout)).toMatchObject({ matched: true, severity: 'high', assumedRoot: true });
  });

  it('the heartbeat record simulates as covered, not matched (no alert), and says it is a heartbeat', async () => {
    const r = await run({ input: ownFile('heartbeat-tagqueue-synth.json'), json: true, config: resolveConfig({ hub: { accountId: '111111111111', region: 'eu-west-1' }, regions: ['eu-west-1'], spokes: [{ accountId: '222222222222', assumeRoleArn: 'arn:aws:iam::222222222222:role/d' }] }) });
    expect(JSON.parse(r.stdout)).toMatchObject({ matched: false, covered: true, coverage: null, alertType: null, severity: null, assumedRoot: false, summary: expect.stringContaining('rootwatch heartbeat from 222222222222 (eu-west-1)') });
    expect(r.exitCode).toBe(0);
  });

  it("uses the config's name prefix for pipeline events", async () => {
    const r = await run({ input: ownFile('cis-alarm-synth.json'), json: true, config });
    expect(JSON.parse(r.stdout).matched).toBe(false);
    expect(r.exitCode).toBe(0);
  });

  it('reads the event from stdin with -', async () => {
    const text = fs.readFileSync(ownFile('root-iam-deactivatemfadevice-synth.json'), 'utf8');
    const r = await run({ input: '-', json: true, stdin: Readable.from([text.slice(0, 100), text.slice(100)]) });
    expect(JSON.parse(r.stdout)).toMatchObject({ matched: true, alertType: 'activity', severity: 'critical' });
  });
});

describe('readable explanation', () => {
  it('follows the path of a root event through the deployed rules', async () => {
    const r = await run({ input: ownFile('root-iam-deactivatemfadevice-synth.json'), config });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Result: MATCHED: activity alert, severity critical');
    expect(r.stdout).toContain('spoke rule acme-forward-root in us-east-1 on the default event bus of 111122223333');
    expect(r.stdout).toContain('-> hub event bus in eu-central-1 (account 999999999999)');
    expect(r.stdout).toContain('-> hub rule acme-root-activity');
    expect(r.stdout).toContain('-> notifier');
    expect(r.stdout).toContain('-> SNS activity topic -> PagerDuty alerter');
    expect(r.stdout).not.toContain('Note:');
  });

  it('names the login rule and the login subscribers for a sign-in', async () => {
    const event = JSON.parse(fs.readFileSync(ownFile('root-iam-deactivatemfadevice-synth.json'), 'utf8'));
    Object.assign(event, { 'detail-type': 'AWS Console Sign In via CloudTrail', source: 'aws.signin' });
    Object.assign(event.detail, { eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { MFAUsed: 'Yes' } });
    const r = await run({ input: writeTmp('login.json', JSON.stringify(event)), config });
    expect(r.stdout).toContain('-> hub rule acme-root-login');
    expect(r.stdout).toContain('-> SNS login topic -> email (2 addresses), PagerDuty alerter');
  });

  it('leads the Result line with NOT COVERED when no deployed rule watches the account or region', async () => {
    const event = JSON.parse(fs.readFileSync(ownFile('root-iam-deactivatemfadevice-synth.json'), 'utf8'));
    event.region = 'ap-south-1';
    const r = await run({ input: writeTmp('uncovered.json', JSON.stringify(event)), config });
    expect(r.stdout).toMatch(/^Result: NOT COVERED: region ap-south-1 is not monitored for prod \(111122223333\) /m);
    expect(r.stdout).not.toContain('Result: MATCHED');
    const other = await run({ input: ownFile('assumedroot-s3-deletebucketpolicy-synth.json'), config });
    expect(other.stdout).toMatch(/^Result: NOT COVERED: account 222222222222 is not monitored/m);
  });

  it('says a heartbeat is a canary', async () => {
    const r = await run({ input: ownFile('heartbeat-tagqueue-synth.json') });
    expect(r.stdout).toMatch(/^Result: HEARTBEAT: this is rootwatch's heartbeat for 222222222222 in eu-west-1, not an alert/m);
    expect(r.stdout).toContain('spoke rule rootwatch-forward-root in eu-west-1');
    expect(r.stdout).toContain('hub rule rootwatch-pipeline');
  });

  it('says a muted AssumeRoot event is muted', async () => {
    const event = JSON.parse(fs.readFileSync(ownFile('assumedroot-s3-deletebucketpolicy-synth.json'), 'utf8'));
    Object.assign(event, { account: '111122223333', region: 'eu-west-1' }); // monitored: an unmonitored path is NOT COVERED first
    const r = await run({ input: writeTmp('muted.json', JSON.stringify(event)), config });
    expect(r.stdout).toContain('MUTED');
    expect(r.stdout).not.toContain('SNS activity topic');
  });

  it('explains why a non-root event does not match', async () => {
    const event = JSON.parse(fs.readFileSync(ownFile('root-iam-deactivatemfadevice-synth.json'), 'utf8'));
    event.detail.userIdentity = { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/root/me' };
    const r = await run({ input: writeTmp('role.json', JSON.stringify(event)) });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('NOT MATCHED');
    expect(r.stdout).toContain('detail.userIdentity.type is "AssumedRole"');
    expect(r.stdout).toContain('only userIdentity.type identifies the root user');
  });

  it('explains a wrong detail-type and a CIS alarm that is not in ALARM', async () => {
    const event = JSON.parse(fs.readFileSync(ownFile('root-iam-deactivatemfadevice-synth.json'), 'utf8'));
    event['detail-type'] = 'AWS Service Event via CloudTrail';
    const r = await run({ input: writeTmp('svc.json', JSON.stringify(event)) });
    expect(r.stdout).toContain('detail-type "AWS Service Event via CloudTrail" is neither');
    const alarm = JSON.parse(fs.readFileSync(ownFile('cis-alarm-synth.json'), 'utf8'));
    alarm.detail.state.value = 'OK';
    const a = await run({ input: writeTmp('ok.json', JSON.stringify(alarm)) });
    expect(a.stdout).toContain('changed to state "OK"; only ALARM is forwarded');
  });

  it('keeps hostile event text on one printable line', async () => {
    const event = JSON.parse(fs.readFileSync(ownFile('heartbeat-tagqueue-synth.json'), 'utf8'));
    event.source = 'evil\n\u001b[2Jsource';
    const r = await run({ input: writeTmp('evil.json', JSON.stringify(event)) });
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(r.stdout.split('\n')[0]).toContain('evil [2Jsource');
  });
});

describe('--render', () => {
  it.each(['slack', 'pagerduty', 'email'] as const)('%s prints what the alerter sends, produced by lambdas/format', async (target) => {
    const format = await import('../../lambdas/format');
    const r = await run({ input: ownFile('root-iam-deactivatemfadevice-synth.json'), render: target, config });
    expect(r.exitCode).toBe(0);
    const event = JSON.parse(fs.readFileSync(ownFile('root-iam-deactivatemfadevice-synth.json'), 'utf8'));
    const c = classify(event, { namePrefix: 'acme', assumedRoot: 'mute' });
    const { toAlert } = await import('../../core/alert');
    const alert = toAlert(event, c, config.accountNames)!;
    if (target === 'slack') {
      expect(JSON.parse(r.stdout)).toEqual(format.renderSlack(alert));
      expect(r.stdout.trim().split('\n')).toHaveLength(1);
    } else if (target === 'pagerduty') {
      const body = JSON.parse(r.stdout);
      expect(body).toEqual(format.renderPagerDuty(alert, PAGERDUTY_KEY_PLACEHOLDER));
      expect(body.routing_key).toBe('<routing-key from SSM>');
    } else {
      const email = format.renderEmail(alert);
      expect(JSON.parse(r.stdout)).toEqual({ subject: email.subject, body: email.body });
    }
  });

  it('says nothing would be sent for a non-alert', async () => {
    const r = await run({ input: ownFile('heartbeat-tagqueue-synth.json'), render: 'slack' });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('Nothing would be sent to slack: the event is a heartbeat, which is not an alert.\n');
    const m = await run({ input: ownFile('sts-assumeroot-call-synth.json'), render: 'pagerduty', config });
    expect(m.stdout).toContain('muted by detection.assumedRoot = mute');
  });
});

describe('usage errors (exit code 2, one line naming the field)', () => {
  it('unreadable file', async () => {
    const e = await usageError({ input: path.join(tmp, 'nope.json') });
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/^input: cannot read .*nope\.json: ENOENT$/);
  });

  it('a directory', async () => {
    expect((await usageError({ input: tmp })).message).toMatch(/is a directory/);
  });

  it('not JSON', async () => {
    const e = await usageError({ input: writeTmp('bad.json', '{"detail-type": ') });
    expect(e.message).toMatch(/^input: .*bad\.json is not valid JSON \(/);
    expect(e.message).not.toContain('\n');
  });

  it.each([
    ['array', '[]', /^event: must be a JSON object/],
    ['string', '"x"', /^event: must be a JSON object/],
    ['missing detail-type', JSON.stringify({ source: 'aws.s3', account: '1', region: 'us-east-1', detail: {} }), /^event\.detail-type: missing$/],
    ['missing source', JSON.stringify({ 'detail-type': 'x', account: '1', region: 'us-east-1', detail: {} }), /^event\.source: missing$/],
    ['numeric account', JSON.stringify({ 'detail-type': 'x', source: 's', account: 1, region: 'us-east-1', detail: {} }), /^event\.account: must be a non-empty string$/],
    ['missing region', JSON.stringify({ 'detail-type': 'x', source: 's', account: '1', detail: {} }), /^event\.region: missing$/],
    ['missing detail', JSON.stringify({ 'detail-type': 'x', source: 's', account: '1', region: 'r' }), /^event\.detail: missing$/],
    ['detail not an object', JSON.stringify({ 'detail-type': 'x', source: 's', account: '1', region: 'r', detail: [1] }), /^event\.detail: must be an object$/],
    ['bare CloudTrail record', JSON.stringify({ eventVersion: '1.08', userIdentity: { type: 'Root' } }), /^event\.detail-type: missing \(this looks like a bare CloudTrail record/],
    ['CloudTrail log file', JSON.stringify({ Records: [] }), /^event\.detail-type: missing \(this looks like a CloudTrail log file/],
  ])('%s', async (_name, content, message) => {
    const e = await usageError({ input: writeTmp('e.json', content), json: true });
    expect(e.message).toMatch(message);
    expect(e.exitCode).toBe(2);
  });

  it('not JSON on stdin', async () => {
    const e = await usageError({ input: '-', stdin: Readable.from(['nope']) });
    expect(e.message).toMatch(/^input: stdin is not valid JSON/);
  });

  it('conflicting or unknown options', async () => {
    const input = ownFile('heartbeat-tagqueue-synth.json');
    expect((await usageError({ input, json: true, render: 'slack' })).message).toBe('--json and --render cannot be used together');
    expect((await usageError({ input, render: 'teams' as never })).message).toMatch(/^--render: must be one of slack, pagerduty, email/);
    expect((await usageError({ input: '' })).message).toMatch(/^input: missing/);
  });

  it('oversized stdin', async () => {
    const big = Buffer.alloc(1024 * 1024 + 10, 0x20);
    const e = await usageError({ input: '-', stdin: Readable.from([big]) });
    expect(e.message).toMatch(/^input: stdin is larger than/);
  });
});
