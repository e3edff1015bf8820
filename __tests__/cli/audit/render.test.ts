import { auditPassed, buildReport, renderTable, wrap } from '../../../cli/audit/render';
import type { CheckResult } from '../../../cli/audit/types';

const checks = (statuses: CheckResult['status'][]): CheckResult[] =>
  statuses.map((status, i) => ({ id: 'root-mfa', title: `Check ${i}`, status, detail: `detail ${i}` }));

describe('render', () => {
  it('passes with warnings, not with failures or errors', () => {
    expect(auditPassed(checks(['pass', 'warn']))).toBe(true);
    expect(auditPassed(checks(['pass', 'fail']))).toBe(false);
    expect(auditPassed(checks(['pass', 'error']))).toBe(false);
  });

  it('wraps long details under the DETAIL column', () => {
    const long = checks(['fail']);
    long[0].detail = 'word '.repeat(30).trim();
    const lines = renderTable(buildReport('123456789012', long), { detailWidth: 40 }).split('\n');
    const detailCol = lines.find((l) => l.startsWith('CHECK'))!.indexOf('DETAIL');
    const rows = lines.filter((l) => l.includes('word'));
    expect(rows.length).toBe(4); // 30 words of 4 letters wrap at 40 columns into 8 + 8 + 8 + 6
    for (const r of rows) {
      expect(r.slice(detailCol).length).toBeLessThanOrEqual(40);
      expect(r.slice(detailCol, detailCol + 4)).toBe('word');
    }
    expect(rows.slice(1).every((r) => r.slice(0, detailCol).trim() === '')).toBe(true);
  });

  it('cuts a word longer than the width', () => {
    expect(wrap('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });
});
