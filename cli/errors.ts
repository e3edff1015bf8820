/**
 * Errors the CLI reports as one line and an exit code (no stack trace).
 */

/** Bad invocation or unusable input; the message names the offending field or argument. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message.replace(/[\r\n]+/g, ' ').trim());
    this.name = 'UsageError';
  }
}
