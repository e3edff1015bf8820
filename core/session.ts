/**
 * One stable key per account and root session: the notifier folds the events of a session
 * into one alert plus a digest, and PagerDuty uses the key as `dedup_key` (one incident per
 * root session). Pure JS (no node `crypto`): core/ is also bundled into the Lambdas.
 *
 * Format: `rootwatch:<account>:<kind>:<16 hex digits>`, at most 255 characters (PagerDuty's
 * `dedup_key` limit). The hash is FNV-1a 64-bit over the UTF-8 bytes of the chosen parts.
 *
 * Which parts identify a session (first rule that applies wins):
 * 1. `assume-root` — the sts:AssumeRoot call itself (logged in the calling, management account):
 *    the access key id of the credentials it issued, else caller ARN + target + call time.
 * 2. `assumed-root` — an action inside a session started by AssumeRoot
 *    (`sessionContext.assumedRoot` true): its access key id plus the session's issuer/source
 *    identity and creation date. These sessions last at most 900 s and use one key.
 * 3. `console` — root console sign-in events (ConsoleLogin, CheckMfa, PasswordUpdated, ...) and
 *    API calls made with temporary session credentials (a `sessionContext.attributes.creationDate`
 *    and no long-term `AKIA` key): the UTC day of the sign-in (the sign-in record's `eventTime`,
 *    the calls' `creationDate`, which is the sign-in time). This deliberately does NOT prefer the
 *    access key id for console sessions: a sign-in record has `accessKeyId: ""` and nothing else
 *    linking it to the calls that follow, the console uses several temporary keys per session
 *    (one per service console), and `sourceIPAddress` of console-made calls is often an AWS
 *    address or "AWS Internal" rather than the user's IP, so neither key id nor source IP would
 *    let a ConsoleLogin and its API calls share a key. The cost: two root console sessions of
 *    one account on the same UTC day fold together (root use is rare, every alert still names
 *    the first event, and the digest counts the rest).
 * 4. `key` — calls signed with a long-term root access key: the key id plus the UTC day of the
 *    call (programmatic use has no session; one incident per key and day).
 * 5. `event` — no key and no session data: the record's `eventID`.
 * 6. `ip` — no event id either: source IP plus the UTC day.
 * Pipeline events get their own kinds: `heartbeat` (region + day) and `cis-alarm`
 * (alarm name + day of the state change).
 */
import { get } from './json';
import { DETAIL_TYPE_ALARM, DETAIL_TYPE_SIGN_IN, HEARTBEAT_SOURCE } from './patterns';

export const SESSION_KEY_MAX = 255;
/** Each hashed part is cut to this many characters (bounds the work on hostile input). */
const PART_MAX = 512;

function str(v: unknown): string {
  return typeof v === 'string' ? v.slice(0, PART_MAX) : '';
}
/** `"true"`, `"TRUE"` or `true`. */
export function isTrueFlag(v: unknown): boolean {
  return v === true || (typeof v === 'string' && v.trim().toLowerCase() === 'true');
}
/** The `YYYY-MM-DD` of an ISO-8601 time, or '' */
function dayOf(time: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(time);
  return m ? m[1] : '';
}

/** FNV-1a 64-bit of the UTF-8 encoding of `text`, as 16 lower-case hex digits. */
export function fnv1a64(text: string): string {
  // two 32-bit halves; multiply by the 64-bit FNV prime 0x100000001b3 = 2^40 + 0x1b3
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  const step = (byte: number) => {
    lo ^= byte;
    // (hi:lo) * 0x1b3
    const loMul = (lo & 0xffff) * 0x1b3;
    const loMulHigh = (lo >>> 16) * 0x1b3 + (loMul >>> 16);
    const newLo = ((loMulHigh & 0xffff) << 16) | (loMul & 0xffff);
    let newHi = Math.imul(hi, 0x1b3) + (loMulHigh >>> 16);
    // + (lo << 40): contributes lo << 8 to the high half
    newHi = (newHi + (lo << 8)) >>> 0;
    hi = newHi;
    lo = newLo >>> 0;
  };
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x80) step(cp);
    else if (cp < 0x800) {
      step(0xc0 | (cp >> 6));
      step(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      step(0xe0 | (cp >> 12));
      step(0x80 | ((cp >> 6) & 0x3f));
      step(0x80 | (cp & 0x3f));
    } else {
      step(0xf0 | (cp >> 18));
      step(0x80 | ((cp >> 12) & 0x3f));
      step(0x80 | ((cp >> 6) & 0x3f));
      step(0x80 | (cp & 0x3f));
    }
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

/** The account an event belongs to, safe for keys and labels ('unknown' when absent/odd). */
export function eventAccount(event: unknown): string {
  const detail = get(event, 'detail');
  const candidates = [get(event, 'account'), get(detail, 'recipientAccountId'), get(get(detail, 'userIdentity'), 'accountId')];
  for (const c of candidates) {
    if (typeof c === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(c)) return c;
  }
  return 'unknown';
}

function key(account: string, kind: string, parts: string[]): string {
  return `rootwatch:${account}:${kind}:${fnv1a64(parts.join('\u001f'))}`.slice(0, SESSION_KEY_MAX);
}

/** The session key of an event (never throws; see the module comment for the rules). */
export function sessionKey(event: unknown): string {
  let account = 'unknown';
  try {
    account = eventAccount(event);
    const detail = get(event, 'detail');
    const source = str(get(event, 'source'));
    const detailType = str(get(event, 'detail-type'));
    const envelopeTime = str(get(event, 'time'));

    if (source === HEARTBEAT_SOURCE) {
      return key(account, 'heartbeat', [str(get(event, 'region')), dayOf(envelopeTime)]);
    }
    if (detailType === DETAIL_TYPE_ALARM) {
      const state = get(detail, 'state');
      return key(account, 'cis-alarm', [str(get(detail, 'alarmName')), dayOf(str(get(state, 'timestamp')) || envelopeTime)]);
    }

    const identity = get(detail, 'userIdentity');
    const context = get(identity, 'sessionContext');
    const attributes = get(context, 'attributes');
    const accessKeyId = str(get(identity, 'accessKeyId'));
    const creationDate = str(get(attributes, 'creationDate'));
    const eventTime = str(get(detail, 'eventTime')) || envelopeTime;
    const eventSource = str(get(detail, 'eventSource'));
    const eventName = str(get(detail, 'eventName'));

    if (eventSource === 'sts.amazonaws.com' && eventName === 'AssumeRoot') {
      const issued = str(get(get(get(detail, 'responseElements'), 'credentials'), 'accessKeyId'));
      const target = str(get(get(detail, 'requestParameters'), 'targetPrincipal'));
      return key(account, 'assume-root', issued ? [issued] : [str(get(identity, 'arn')), target, eventTime]);
    }
    if (isTrueFlag(get(context, 'assumedRoot'))) {
      return key(account, 'assumed-root', [
        accessKeyId,
        str(get(get(context, 'sessionIssuer'), 'arn')),
        str(get(context, 'sourceIdentity')),
        creationDate,
      ]);
    }
    const signIn = eventSource === 'signin.amazonaws.com' || detailType === DETAIL_TYPE_SIGN_IN;
    if (signIn && dayOf(eventTime)) return key(account, 'console', [dayOf(eventTime)]);
    if (dayOf(creationDate) && !accessKeyId.startsWith('AKIA')) return key(account, 'console', [dayOf(creationDate)]);
    if (accessKeyId) return key(account, 'key', [accessKeyId, dayOf(eventTime)]);
    const eventId = str(get(detail, 'eventID'));
    if (eventId) return key(account, 'event', [eventId]);
    const ip = str(get(detail, 'sourceIPAddress'));
    if (ip) return key(account, 'ip', [ip, dayOf(eventTime)]);
    return key(account, 'unknown', [dayOf(eventTime)]);
  } catch {
    return key(account, 'unknown', []);
  }
}
