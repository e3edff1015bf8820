import { sharedFixturesDir } from '../helpers/shared-fixtures';
import * as fs from 'fs';
import * as path from 'path';
import { fnv1a64, sessionKey, SESSION_KEY_MAX } from '../../core/session';

const SHARED = sharedFixturesDir();
const OWN = path.resolve(__dirname, '../fixtures/events');
const haveShared = fs.existsSync(path.join(SHARED, 'INDEX.tsv'));
if (!haveShared) console.log(`shared fixtures not found at ${SHARED}: skipping the shared-fixture cases`);
const describeShared = haveShared ? describe : describe.skip;
const load = (dir: string, file: string) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
const shared = (file: string) => load(SHARED, file);
const own = (file: string) => load(OWN, file);

const KEY = /^rootwatch:[A-Za-z0-9_-]{1,64}:[a-z-]+:[0-9a-f]{16}$/;
const kindOf = (key: string) => key.split(':')[2];

describe('fnv1a64', () => {
  it('matches the published FNV-1a 64-bit test vectors', () => {
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('foobar')).toBe('85944171f73967e8');
  });

  it('hashes non-ASCII text by its UTF-8 bytes (values computed independently over the bytes)', () => {
    expect(fnv1a64('é')).toBe('0ac21707b7181e01'); // C3 A9
    expect(fnv1a64('😀')).toBe('feff073875020288'); // F0 9F 98 80 (a surrogate pair in JS)
  });
});

describeShared('sessionKey on real records', () => {
  it('has the documented format and bound for every fixture', () => {
    for (const file of fs.readdirSync(SHARED).filter((f) => f.endsWith('.json'))) {
      const key = sessionKey(shared(file));
      expect(key).toMatch(KEY);
      expect(key.length).toBeLessThanOrEqual(SESSION_KEY_MAX);
    }
  });

  it('is stable: same event, same key', () => {
    const e = shared('12-root-sns-createtopic-us-east-2.json');
    expect(sessionKey(e)).toBe(sessionKey(JSON.parse(JSON.stringify(e))));
  });

  it('names the account', () => {
    expect(sessionKey(shared('01-root-consolelogin-success-nomfa.json'))).toMatch(/^rootwatch:111122223333:/);
  });

  it('a console sign-in and the console calls that follow on the same day share the key', () => {
    const login = shared('02-root-consolelogin-success-mfa.json');
    const call = shared('09-root-iam-enablemfadevice.json');
    // make the call belong to that sign-in: creationDate = sign-in time
    call.detail.userIdentity.sessionContext.attributes.creationDate = login.detail.eventTime;
    call.detail.eventTime = '2022-11-10T16:40:00Z';
    expect(kindOf(sessionKey(login))).toBe('console');
    expect(sessionKey(call)).toBe(sessionKey(login));
    // a failed attempt of the same day folds in too
    expect(sessionKey(shared('03-root-consolelogin-failure.json'))).toBe(sessionKey(login));
  });

  it('different days or different accounts give different keys', () => {
    const login = shared('01-root-consolelogin-success-nomfa.json');
    const nextDay = JSON.parse(JSON.stringify(login));
    nextDay.detail.eventTime = '2022-11-11T09:00:00Z';
    expect(sessionKey(nextDay)).not.toBe(sessionKey(login));
    const otherAccount = JSON.parse(JSON.stringify(login));
    otherAccount.account = '999988887777';
    expect(sessionKey(otherAccount)).not.toBe(sessionKey(login));
  });

  it('a long-term access key is its own session, per key and day', () => {
    const a = shared('16-root-pinpoint-getcampaigns-readonly.json'); // AKIA key
    expect(kindOf(sessionKey(a))).toBe('key');
    const sameKeyLater = JSON.parse(JSON.stringify(a));
    sameKeyLater.detail.eventTime = '2018-02-03T09:00:00Z';
    sameKeyLater.detail.eventName = 'GetSegments';
    expect(sessionKey(sameKeyLater)).toBe(sessionKey(a));
    const otherKey = JSON.parse(JSON.stringify(a));
    otherKey.detail.userIdentity.accessKeyId = 'AKIAI44QH8DHBEXAMPLE';
    expect(sessionKey(otherKey)).not.toBe(sessionKey(a));
  });

  it('falls back to the event id, then to source IP and day', () => {
    const e = shared('19-root-iam-listaccesskeys-readonly.json');
    delete e.detail.userIdentity.accessKeyId;
    delete e.detail.userIdentity.sessionContext;
    expect(kindOf(sessionKey(e))).toBe('event');
    delete e.detail.eventID;
    expect(kindOf(sessionKey(e))).toBe('ip');
  });
});

describe('sessionKey on AssumeRoot and pipeline events', () => {
  it('the AssumeRoot call and actions of the session have their own kinds', () => {
    expect(kindOf(sessionKey(own('sts-assumeroot-call-synth.json')))).toBe('assume-root');
    expect(kindOf(sessionKey(own('assumedroot-s3-deletebucketpolicy-synth.json')))).toBe('assumed-root');
  });

  it('actions of one AssumeRoot session share a key; another session does not', () => {
    const a = own('assumedroot-s3-deletebucketpolicy-synth.json');
    const b = own('assumedroot-s3-deletebucketpolicy-synth.json');
    b.detail.eventName = 'GetBucketPolicy';
    b.detail.eventTime = '2024-10-25T20:58:00Z';
    expect(sessionKey(b)).toBe(sessionKey(a));
    const other = own('assumedroot-s3-deletebucketpolicy-synth.json');
    other.detail.userIdentity.accessKeyId = 'ASIAOTHERSESSIONKEY1';
    expect(sessionKey(other)).not.toBe(sessionKey(a));
  });

  it('heartbeat and CIS alarm keys', () => {
    expect(kindOf(sessionKey(own('heartbeat-synth.json')))).toBe('heartbeat');
    expect(kindOf(sessionKey(own('cis-alarm-synth.json')))).toBe('cis-alarm');
  });
});

describe('sessionKey robustness', () => {
  it('never throws and keeps the format for odd input', () => {
    const odd: unknown[] = [
      null, undefined, 1, 'x', [], {}, { account: 42 }, { account: 'a:b:c' }, { account: 'x'.repeat(1000) },
      { detail: null }, { detail: { userIdentity: 'Root' } }, { account: '123', detail: { eventTime: 12 } },
      { account: '123456789012', detail: { userIdentity: { accessKeyId: 'k'.repeat(100_000) } } },
    ];
    for (const e of odd) {
      const key = sessionKey(e);
      expect(key).toMatch(KEY);
    }
  });

  it('does not let a hostile account string into the key', () => {
    expect(sessionKey({ account: 'evil\n:key', detail: {} })).toMatch(/^rootwatch:unknown:/);
  });
});
