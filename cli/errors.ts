/**
 * Errors the CLI reports as one line and an exit code (no stack trace), and the helpers that keep
 * that line readable whatever the input holds.
 */
import { unprintablePattern } from '../core/printable';

/** Longest value shown in a message, in characters (the rest is counted, not echoed). */
const MAX_SHOWN = 80;
/** Longest message line printed. */
const MAX_LINE = 600;

/**
 * A value as messages show it: JSON-quoted (control characters, ESC sequences and newlines
 * escaped, so they never reach the terminal raw), cut to MAX_SHOWN characters with the full length.
 */
export function quote(value: unknown, max = MAX_SHOWN): string {
  const escapeRest = (t: string) => t.replace(unprintablePattern(), (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (typeof value !== 'string') {
    let json: string;
    try {
      json = JSON.stringify(value) ?? String(value);
    } catch {
      json = String(value);
    }
    return escapeRest(json.length > max ? `${json.slice(0, max)}… (${json.length} characters)` : json);
  }
  const cut = value.length > max ? `${value.slice(0, max)}…` : value;
  const quoted = escapeRest(JSON.stringify(cut));
  return value.length > max ? `${quoted} (${value.length} characters)` : quoted;
}

/**
 * One printable line of an error message: the first line only (fields and values are quoted where
 * the message is made, see quote()), remaining control characters escaped, cut to MAX_LINE.
 */
export function oneLine(message: string): string {
  const line = message.split('\n')[0].replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}… (${line.length} characters)` : line;
}

/** Bad invocation or unusable input; the message names the offending field or argument. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message.replace(/[\r\n]+/g, ' ').trim());
    this.name = 'UsageError';
  }
}
