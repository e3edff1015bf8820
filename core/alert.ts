/**
 * The message the notifier publishes (JSON on the login or activity SNS topic) for one
 * classified event. Pure: the notifier Lambda, `rootwatch simulate --render` and tests share it.
 */
import type { Classification, EventBridgeEvent, RootwatchAlert } from './types';

export const ALERT_SCHEMA = 'rootwatch.alert/v1' as const;
/** Cap on the account display name taken from the config. */
const ACCOUNT_NAME_MAX = 64;

// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/**
 * The alert to publish, or null when there is nothing to notify: not matched, muted by
 * config, a heartbeat, or an incomplete classification.
 */
export function toAlert(
  event: EventBridgeEvent,
  c: Classification,
  accountNames?: Record<string, string>,
): RootwatchAlert | null {
  if (!c || !c.matched || c.muted) return null;
  if (c.kind !== 'root' && c.kind !== 'cis-alarm' && c.kind !== 'dlq-alarm') return null;
  if (!c.alertType || !c.severity || !c.summary || !c.reason || !c.facts) return null;
  const alert: RootwatchAlert = {
    schema: ALERT_SCHEMA,
    alertType: c.alertType,
    severity: c.severity,
    assumedRoot: c.assumedRoot,
    cisPath: c.kind === 'cis-alarm',
    summary: c.summary,
    reason: c.reason,
    facts: c.facts,
    event,
  };
  const name = accountName(accountNames, c.facts.account);
  if (name) alert.accountName = name;
  return alert;
}

function accountName(names: Record<string, string> | undefined, account: string): string | undefined {
  if (!names || typeof names !== 'object' || !Object.prototype.hasOwnProperty.call(names, account)) return undefined;
  const raw = names[account];
  if (typeof raw !== 'string') return undefined;
  const line = raw.replace(UNPRINTABLE, ' ').replace(/\s+/g, ' ').trim();
  return line === '' ? undefined : line.slice(0, ACCOUNT_NAME_MAX);
}
