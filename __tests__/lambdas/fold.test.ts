import type { RootwatchAlert, Severity } from '../../core/types';
import {
  FoldState,
  MemoryFoldStore,
  TEMPLATE_EVENT_MAX,
  decide,
  digestAlert,
  dueDigests,
  expiresAt,
  markDigestSent,
  alertId,
  archiveKey,
} from '../../lambdas/fold';
import { alertOf, rootCall } from './helpers';

const WINDOW = 900; // seconds
const T0 = Date.parse('2024-05-01T10:00:00Z');
const base = alertOf(rootCall());

let seq = 0;
function alert(eventName: string, severity: Severity = 'high', eventTime = '2024-05-01T10:00:00Z'): RootwatchAlert {
  seq++;
  return { ...base, severity, facts: { ...base.facts, eventName, eventTime }, event: { ...base.event, id: `event-${seq}` } };
}

/** Feed alerts at the given times (ms after T0) through decide; returns actions and final state. */
function run(items: Array<[number, RootwatchAlert]>, windowSeconds = WINDOW) {
  let state: FoldState | undefined;
  const actions: string[] = [];
  const overdue: FoldState[] = [];
  for (const [at, a] of items) {
    const d = decide(state, a, T0 + at, windowSeconds);
    actions.push(d.action);
    if (d.overdue) overdue.push(d.overdue);
    state = d.next;
  }
  return { actions, state: state!, overdue };
}

describe('decide', () => {
  it('publishes the first event of a session and folds the later ones in the window', () => {
    const { actions, state } = run([
      [0, alert('ConsoleLogin')],
      [1000, alert('PutBucketPolicy')],
      [2000, alert('PutBucketPolicy')],
      [3000, alert('DeleteBucket', 'medium')],
    ]);
    expect(actions).toEqual(['publish', 'fold', 'fold', 'fold']);
    expect(state.pending).toBe(3);
    expect(state.eventNames).toEqual({ PutBucketPolicy: 2, DeleteBucket: 1 });
    expect(state.windowEnd - state.windowStart).toBe(WINDOW * 1000);
  });

  it('publishes critical events at once and still counts them in the session', () => {
    const { actions, state } = run([
      [0, alert('ConsoleLogin')],
      [1000, alert('PutBucketPolicy')],
      [2000, alert('CreateAccessKey', 'critical')],
      [3000, alert('PutBucketPolicy')],
    ]);
    expect(actions).toEqual(['publish', 'fold', 'publish', 'fold']);
    expect(state.published).toBe(2);
    // the digest reports only what was not sent
    expect(state.pending).toBe(2);
    expect(state.eventNames).toEqual({ PutBucketPolicy: 2 });
  });

  it('opens a new window after the old one ended and hands back the digest it owes', () => {
    const { actions, overdue, state } = run([
      [0, alert('A')],
      [10_000, alert('B')],
      [WINDOW * 1000, alert('C')], // exactly at the end: new window
      [WINDOW * 1000 + 1, alert('D')],
    ]);
    expect(actions).toEqual(['publish', 'fold', 'publish', 'fold']);
    expect(overdue).toHaveLength(1);
    expect(overdue[0].pending).toBe(1);
    expect(overdue[0].eventNames).toEqual({ B: 1 });
    expect(state.windowStart).toBe(T0 + WINDOW * 1000);
    expect(state.eventNames).toEqual({ D: 1 });
  });

  it('hands back nothing when the old window folded nothing or its digest was sent', () => {
    expect(run([[0, alert('A')], [WINDOW * 1000 + 5, alert('B')]]).overdue).toEqual([]);
    const first = run([[0, alert('A')], [5, alert('B')]]).state;
    const d = decide(markDigestSent(first), alert('C'), T0 + WINDOW * 1000 + 5, WINDOW);
    expect(d.action).toBe('publish');
    expect(d.overdue).toBeNull();
  });

  it('does not fold when the window is 0', () => {
    const { actions } = run(
      [
        [0, alert('A')],
        [0, alert('B')],
        [1, alert('C')],
      ],
      0,
    );
    expect(actions).toEqual(['publish', 'publish', 'publish']);
  });

  it('tracks the earliest and latest folded event times, whatever the arrival order', () => {
    const { state } = run([
      [0, alert('A', 'high', '2024-05-01T10:00:00Z')],
      [1, alert('B', 'high', '2024-05-01T10:05:00Z')],
      [2, alert('B', 'high', '2024-05-01T10:01:00Z')],
      [3, alert('B', 'high', '2024-05-01T10:03:00Z')],
    ]);
    expect(state.firstEventTime).toBe('2024-05-01T10:01:00Z');
    expect(state.lastEventTime).toBe('2024-05-01T10:05:00Z');
  });

  it('publishes a retried event again (same envelope id) without counting it twice', () => {
    const first = alert('ConsoleLogin');
    const critical = alert('CreateAccessKey', 'critical');
    const { state } = run([[0, first], [1, alert('A')], [2, critical]]);
    const again = decide(state, first, T0 + 3, WINDOW);
    expect(again.action).toBe('publish');
    expect(again.next).toEqual(state);
    const criticalAgain = decide(state, critical, T0 + 4, WINDOW);
    expect(criticalAgain.action).toBe('publish');
    expect(criticalAgain.next.published).toBe(2);
    // a different event with the same content is a new event
    expect(decide(state, alert('ConsoleLogin'), T0 + 5, WINDOW).action).toBe('fold');
    expect(alertId(first)).toBe(first.event.id);
  });
});

describe('digests', () => {
  it('are due once the window ended with folded events and no digest sent', () => {
    const folded = run([[0, alert('A')], [1, alert('B')]]).state;
    const quiet = run([[0, alert('A')]]).state;
    const entries = [
      { key: 'folded', state: folded },
      { key: 'quiet', state: quiet },
      { key: 'sent', state: markDigestSent(folded) },
    ];
    expect(dueDigests(entries, T0 + WINDOW * 1000 - 1)).toEqual([]);
    expect(dueDigests(entries, T0 + WINDOW * 1000).map((e) => e.key)).toEqual(['folded']);
  });

  it('carry count, times, names and the highest folded severity', () => {
    const { state } = run([
      [0, alert('ConsoleLogin', 'high', '2024-05-01T10:00:00Z')],
      [1, alert('GetObject', 'medium', '2024-05-01T10:00:01Z')],
      [2, alert('PutObject', 'high', '2024-05-01T10:00:02Z')],
      [3, alert('GetObject', 'low', '2024-05-01T10:00:03Z')],
    ]);
    const d = digestAlert(state)!;
    expect(d.digest).toEqual({
      count: 3,
      firstEventTime: '2024-05-01T10:00:01Z',
      lastEventTime: '2024-05-01T10:00:03Z',
      eventNames: { GetObject: 2, PutObject: 1 },
    });
    expect(d.severity).toBe('high');
    expect(d.schema).toBe('rootwatch.alert/v1');
    expect(d.facts.sessionKey).toBe(base.facts.sessionKey);
    expect(digestAlert(run([[0, alert('A')]]).state)).toBeNull();
  });

  it('go to the activity topic when any folded event was activity', () => {
    const login = () => ({ ...alert('CheckMfa'), alertType: 'login' as const });
    const s1 = run([[0, login()], [1, login()]]).state;
    expect(digestAlert(s1)!.alertType).toBe('login');
    const s2 = run([[0, login()], [1, login()], [2, alert('PutObject')], [3, login()]]).state;
    expect(digestAlert(s2)!.alertType).toBe('activity');
  });

  it('keep a bounded template when the raw event is huge', () => {
    const huge = { ...alert('PutObject'), event: { ...base.event, detail: { ...base.event.detail, blob: 'x'.repeat(TEMPLATE_EVENT_MAX + 10) } } };
    const { state } = run([[0, alert('A')], [1, huge]]);
    expect(JSON.stringify(state).length).toBeLessThan(TEMPLATE_EVENT_MAX);
  });

  it('state rows expire after their window', () => {
    const { state } = run([[0, alert('A')]]);
    expect(expiresAt(state)).toBeGreaterThan(Math.ceil(state.windowEnd / 1000));
  });
});

describe('MemoryFoldStore', () => {
  it('stores an archived window atomically with the new state', async () => {
    const store = new MemoryFoldStore();
    const old = run([[0, alert('A')], [1, alert('B')]]).state;
    await store.put('k', old, undefined);
    const d = decide(old, alert('C'), T0 + WINDOW * 1000 + 1, WINDOW);
    const archive = { key: archiveKey('k', d.overdue!), state: d.overdue! };
    expect(await store.put('k', d.next, 1, archive)).toBe(true);
    expect(archive.key).not.toBe('k');
    // the archived window owes its digest; the new one does not yet
    const due = (await store.listDue(T0 + WINDOW * 1000 + 2)).rows;
    expect(due.map((e) => e.key)).toEqual([archive.key]);
    // a stale writer loses and writes nothing
    expect(await store.put('k', d.next, 1, { key: 'other', state: d.overdue! })).toBe(false);
    expect(await store.get('other')).toBeUndefined();
  });

  it('writes conditionally on the version', async () => {
    const store = new MemoryFoldStore();
    const s = run([[0, alert('A')]]).state;
    expect(await store.put('k', s, undefined)).toBe(true);
    expect(await store.put('k', s, undefined)).toBe(false);
    const got = await store.get('k');
    expect(got?.version).toBe(1);
    expect(await store.put('k', { ...s, pending: 5 }, 2)).toBe(false);
    expect(await store.put('k', { ...s, pending: 5 }, 1)).toBe(true);
    expect((await store.get('k'))?.state.pending).toBe(5);
    expect((await store.listDue(T0 + WINDOW * 1000)).rows).toHaveLength(1);
    expect((await store.listDue(T0)).rows).toHaveLength(0);
  });
});
