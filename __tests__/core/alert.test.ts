import * as fs from 'fs';
import * as path from 'path';
import { toAlert } from '../../core/alert';
import { classify } from '../../core/classify';
import type { EventBridgeEvent } from '../../core/types';

const OWN = path.resolve(__dirname, '../fixtures/events');
const own = (file: string): EventBridgeEvent => JSON.parse(fs.readFileSync(path.join(OWN, file), 'utf8'));

describe('toAlert', () => {
  it('builds the published message of a root alert', () => {
    const event = own('root-iam-deactivatemfadevice-synth.json');
    const c = classify(event);
    const alert = toAlert(event, c, { '111122223333': 'Production' });
    expect(alert).toEqual({
      schema: 'rootwatch.alert/v1',
      alertType: 'activity',
      severity: 'critical',
      assumedRoot: false,
      cisPath: false,
      summary: c.summary,
      reason: c.reason,
      facts: c.facts,
      rootTask: c.rootTask,
      accountName: 'Production',
      event,
    });
    expect(alert!.rootTask).toMatchObject({ rootOnly: true, taskId: 'root-mfa' });
    // it survives the JSON trip through SNS unchanged
    expect(JSON.parse(JSON.stringify(alert))).toEqual(alert);
  });

  it('marks the CIS alarm path', () => {
    const event = own('cis-alarm-synth.json');
    const alert = toAlert(event, classify(event));
    expect(alert).toMatchObject({ cisPath: true, alertType: 'activity', severity: 'high' });
    expect(alert).not.toHaveProperty('accountName');
  });

  it('carries assumedRoot and the lowered severity', () => {
    const event = own('assumedroot-s3-deletebucketpolicy-synth.json');
    expect(toAlert(event, classify(event, { assumedRoot: 'low' }))).toMatchObject({ assumedRoot: true, severity: 'low' });
  });

  it('returns null when there is nothing to notify', () => {
    const hb = own('heartbeat-synth.json');
    expect(toAlert(hb, classify(hb))).toBeNull();
    const muted = own('sts-assumeroot-call-synth.json');
    expect(toAlert(muted, classify(muted, { assumedRoot: 'mute' }))).toBeNull();
    const notRoot = own('root-iam-deactivatemfadevice-synth.json');
    (notRoot.detail.userIdentity as Record<string, unknown>).type = 'IAMUser';
    expect(toAlert(notRoot, classify(notRoot))).toBeNull();
  });

  it('uses only a printable, bounded account name, and only for the own account', () => {
    const event = own('root-iam-deactivatemfadevice-synth.json');
    const c = classify(event);
    expect(toAlert(event, c, { '111122223333': 'Prod\n\u202eevil' + 'x'.repeat(500) })!.accountName).toMatch(/^Prod evilx{55}$/);
    expect(toAlert(event, c, { '999999999999': 'Other' })).not.toHaveProperty('accountName');
    expect(toAlert(event, c, { '111122223333': 42 as unknown as string })).not.toHaveProperty('accountName');
    expect(toAlert(event, c, Object.create({ '111122223333': 'inherited' }))).not.toHaveProperty('accountName');
  });
});
