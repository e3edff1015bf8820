/**
 * The one definition of "unprintable" shared by the classifier (facts, summaries), the alert
 * (account names) and every channel formatter (Slack, PagerDuty, e-mail): C0/C1 control
 * characters, DEL, the Arabic letter mark, zero-width characters, line/paragraph separators, the
 * bidi embeddings and overrides (U+202A–202E), the invisible operators (U+2060–2064) and the bidi
 * isolates (U+2066–2069: LRI, RLI, FSI, PDI, which can reorder a line as the "Trojan Source"
 * characters do), and the BOM. Each becomes a space, so a hostile value cannot break a line,
 * hide text or flip the reading order of an alert.
 */

// eslint-disable-next-line no-control-regex
const UNPRINTABLE_SOURCE = '[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2069\\ufeff]';

/** A fresh global regex each call: a shared /g regex carries `lastIndex` between callers. */
export function unprintablePattern(): RegExp {
  return new RegExp(UNPRINTABLE_SOURCE, 'g');
}

const UNPRINTABLE = unprintablePattern();

/** `value` with every unprintable character replaced by a space (nothing else changed). */
function unprintableToSpace(value: string): string {
  return value.replace(UNPRINTABLE, ' ');
}

/** Does `value` hold any unprintable character? */
export function hasUnprintable(value: string): boolean {
  return unprintablePattern().test(value);
}

/** One printable line: unprintable characters become spaces, runs of whitespace collapse, trimmed. */
export function printableLine(value: string): string {
  return unprintableToSpace(value).replace(/\s+/g, ' ').trim();
}

/**
 * `value` cut to at most `max` characters with `marker` at the end; never leaves half a surrogate
 * pair behind. Callers decide whether a cut is due (`truncate` when too long; the classifier also
 * when it read only a window of a huge input).
 */
export function cutMarked(value: string, max: number, marker: string): string {
  let cut = value.slice(0, Math.max(0, max - marker.length));
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut}${marker}`;
}

/** Cut to at most `max` characters (code points kept whole), marking the cut with `marker`. */
export function truncate(value: string, max: number, marker = '...'): string {
  if (value.length <= max) return value;
  if (max <= marker.length) return value.slice(0, max);
  return cutMarked(value, max, marker);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Does `value` hold no lone surrogate (so it encodes to valid UTF-8)? */
export function isWellFormed(value: string): boolean {
  return value.match(LONE_SURROGATE) === null;
}

/** `value` with each lone surrogate replaced by U+FFFD. */
export function toWellFormed(value: string): string {
  return value.replace(LONE_SURROGATE, '\ufffd');
}
