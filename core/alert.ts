/**
 * The message the notifier publishes (JSON on the login or activity SNS topic) for one
 * classified event. Pure: the notifier Lambda, `rootwatch simulate --render` and tests share it.
 */
import { boundedJson } from './json';
import { printableLine } from './printable';
import type { Classification, EventBridgeEvent, RootwatchAlert } from './types';

export const ALERT_SCHEMA = 'rootwatch.alert/v1' as const;
/** Cap on the account display name taken from the config. */
const ACCOUNT_NAME_MAX = 64;


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
    // bounded depth and size: a hostile event (e.g. 5,000 nested levels) must not make the alert
    // unserializable; the alert is degraded, never dropped
    event: boundedJson(event).value as EventBridgeEvent,
  };
  if (c.rootTask) alert.rootTask = c.rootTask;
  const name = accountName(accountNames, c.facts.account);
  if (name) alert.accountName = name;
  return alert;
}

function accountName(names: Record<string, string> | undefined, account: string): string | undefined {
  if (!names || typeof names !== 'object' || !Object.prototype.hasOwnProperty.call(names, account)) return undefined;
  const raw = names[account];
  if (typeof raw !== 'string') return undefined;
  const line = printableLine(raw);
  return line === '' ? undefined : line.slice(0, ACCOUNT_NAME_MAX);
}
