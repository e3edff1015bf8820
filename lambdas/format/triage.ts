/**
 * The two lines that help a responder decide (issue 14): is this a task only root can do
 * (core/root-tasks.ts), and did it fall into a declared expected-use window (core/expected-use.ts).
 * Shared by the Slack, PagerDuty and e-mail renderers. Pure.
 */
import { verdictLine } from '../../core/root-tasks';
import type { RootwatchAlert } from '../../core/types';
import { field } from './text';

/**
 * `Root task: ...` and `Expected: ...` lines (none for alerts without a verdict or window). A digest
 * carries the verdict of its latest folded event, and says so.
 */
export function triageLines(alert: RootwatchAlert): Array<{ label: string; value: string }> {
  const out: Array<{ label: string; value: string }> = [];
  const latest = alert.digest ? ' (latest event)' : '';
  if (alert.rootTask && typeof alert.rootTask === 'object' && typeof alert.rootTask.label === 'string') {
    out.push({ label: 'Root task', value: field(`${verdictLine(alert.rootTask)}${latest}`, 400) });
  }
  const e = alert.expected;
  if (e && typeof e === 'object' && typeof e.reason === 'string') {
    const more = e.overlapping > 0 ? `; ${e.overlapping} more overlapping ${e.overlapping === 1 ? 'window' : 'windows'}` : '';
    out.push({
      label: 'Expected',
      value: field(`expected: ${e.reason} (by ${e.by}); window ends ${e.endsAt}; severity outside the window: ${e.originalSeverity}${more}${latest}`, 600),
    });
  }
  return out;
}

/** Custom details for PagerDuty. */
export function triageDetails(alert: RootwatchAlert): Record<string, unknown> {
  const v = alert.rootTask;
  return {
    rootOnly: v ? v.rootOnly : null,
    rootOnlyTask: v ? v.task : null,
    rootTaskVerdict: v ? verdictLine(v) : null,
    expected: alert.expected ?? null,
  };
}
