/** The one asynchronous pause (the notifier's store retries, HTTP delivery back-off, the audit's throttling back-off); callers let tests inject their own. */
export function sleep(ms: number): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}
