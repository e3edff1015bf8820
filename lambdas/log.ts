/**
 * One JSON line per log entry (CloudWatch Logs Insights can query the fields). Callers pass facts
 * only: never a secret, a webhook URL or a routing key.
 */
export function log(entry: Record<string, unknown>): void {
  const line = JSON.stringify({ level: 'info', ...entry });
  if (entry.level === 'error') console.error(line);
  else if (entry.level === 'warn') console.warn(line);
  else console.log(line);
}
