/**
 * Small text helpers shared by the formatters. Pure: no I/O.
 *
 * Everything an attacker can influence (user agent, source IP field, account names from config,
 * request parameters in the raw event) passes through one of these before it reaches a channel.
 */
import { printableLine, toWellFormed, truncate } from '../../core/printable';
import { fnv1a64 } from '../../core/session';
import { RootwatchAlert, Severity } from '../../core/types';

/** Severity in upper case, for subjects and headers. */
export const SEVERITY_LABEL: Record<Severity, string> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
};

/** `truncate`: cut to `max` characters marked with `...` (one copy, core/printable.ts). */
export { isWellFormed as wellFormed, toWellFormed, truncate } from '../../core/printable';

/**
 * One printable, well-formed line (core/printable.ts: controls, bidi and zero-width characters
 * become spaces; lone surrogates become U+FFFD).
 */
export function oneLine(value: string): string {
  return printableLine(toWellFormed(value));
}


/**
 * Printable ASCII only: letters with diacritics lose them (é -> e), anything else that is not
 * printable ASCII becomes `?`, control characters and line breaks become spaces.
 */
export function toAscii(value: string): string {
  const decomposed = oneLine(value).normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  let out = '';
  for (const ch of decomposed) {
    const code = ch.codePointAt(0) ?? 0;
    out += code >= 0x20 && code <= 0x7e ? ch : '?';
  }
  return out.replace(/\s+/g, ' ').trim();
}

/** A value for a one-line field: bounded, printable, `-` when unknown. */
export function field(value: string | null | undefined, max = 512): string {
  if (value === null || value === undefined) return '-';
  const line = oneLine(String(value));
  return line === '' ? '-' : truncate(line, max);
}

export function yesNo(value: boolean | null | undefined): string {
  if (value === true) return 'yes';
  if (value === false) return 'no';
  return 'unknown';
}

/** `Prod (111122223333)` or `111122223333`. */
export function accountLabel(alert: Pick<RootwatchAlert, 'accountName' | 'facts'>): string {
  const name = alert.accountName ? oneLine(alert.accountName) : '';
  const account = field(alert.facts.account, 64);
  return name ? `${name} (${account})` : account;
}

/** `CreateBucket x5, PutObject x2` sorted by count (desc) then name; at most `limit` names. */
export function eventNameCounts(counts: Record<string, number>, limit = 10): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = entries.slice(0, limit).map(([name, n]) => `${oneLine(name)} x${n}`);
  if (entries.length > limit) shown.push(`${entries.length - limit} more names`);
  return shown.join(', ');
}

/** The one-line digest statement, e.g. `12 more root events in this session: CreateBucket x7, ...`. */
export function digestLine(digest: NonNullable<RootwatchAlert['digest']>): string {
  const noun = digest.count === 1 ? 'event' : 'events';
  const names = eventNameCounts(digest.eventNames);
  return `${digest.count} more root ${noun} in this session${names ? `: ${names}` : ''}`;
}

/** Keep a key within `max` characters; longer keys keep a prefix and a hash of the whole. */
export function boundedKey(key: string, max: number): string {
  if (key.length <= max) return key;
  const hash = fnv1a64(key);
  return `${key.slice(0, max - hash.length - 1)}#${hash}`;
}

/** Pretty JSON, cut to `maxChars` with a note when longer. */
export function prettyJson(value: unknown, maxChars: number): string {
  let text: string;
  try {
    text = JSON.stringify(value, null, 2) ?? 'null';
  } catch {
    text = '"<not serializable>"';
  }
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}\n... (truncated: ${text.length - maxChars} more characters)`;
}
