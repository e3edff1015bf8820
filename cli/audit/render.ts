/** Output of `rootwatch audit`: a plain-text table or one JSON object (pure). */
import type { AuditReport, CheckResult, CheckStatus } from './types';

const STATUS_LABEL: Record<CheckStatus, string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', error: 'ERROR' };

export function auditPassed(checks: CheckResult[]): boolean {
  return checks.every((c) => c.status === 'pass' || c.status === 'warn');
}

export function buildReport(account: string, checks: CheckResult[]): AuditReport {
  return { account, checks, passed: auditPassed(checks) };
}

export function renderJson(report: AuditReport): string {
  return JSON.stringify(report, null, 2);
}

/** Splits `text` into lines of at most `width` characters, at spaces when possible. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let rest = text.trim();
  while (rest.length > width) {
    let cut = rest.lastIndexOf(' ', width);
    if (cut <= 0) cut = width;
    lines.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  lines.push(rest);
  return lines;
}

function summaryLine(report: AuditReport): string {
  const count = (s: CheckStatus) => report.checks.filter((c) => c.status === s).length;
  return (
    `${report.checks.length} checks: ${count('pass')} passed, ${count('fail')} failed, ` +
    `${count('warn')} warning(s), ${count('error')} error(s): ${report.passed ? 'PASSED' : 'FAILED'}`
  );
}

/**
 * ```
 * rootwatch audit of account 123456789012 (arn:...)
 *
 * CHECK                  STATUS  DETAIL
 * Root MFA enabled       PASS    root MFA enabled (...)
 * ...
 * 7 checks: 6 passed, 1 failed, 0 warning(s), 0 error(s): FAILED
 * ```
 */
export function renderTable(report: AuditReport, opts: { principal?: string; detailWidth?: number } = {}): string {
  const detailWidth = opts.detailWidth ?? 72;
  const headers = ['CHECK', 'STATUS', 'DETAIL'];
  const checkWidth = Math.max(headers[0].length, ...report.checks.map((c) => c.title.length));
  const statusWidth = Math.max(headers[1].length, ...Object.values(STATUS_LABEL).map((s) => s.length));
  const indent = ' '.repeat(checkWidth + 2 + statusWidth + 2);
  const row = (a: string, b: string, c: string) => `${a.padEnd(checkWidth)}  ${b.padEnd(statusWidth)}  ${c}`.trimEnd();

  const out: string[] = [];
  out.push(`rootwatch audit of account ${report.account}${opts.principal ? ` (as ${opts.principal})` : ''}`);
  out.push('');
  out.push(row(headers[0], headers[1], headers[2]));
  out.push(row('-'.repeat(checkWidth), '-'.repeat(statusWidth), '-'.repeat(Math.min(detailWidth, 40))));
  for (const c of report.checks) {
    const [first, ...more] = wrap(c.detail, detailWidth);
    out.push(row(c.title, STATUS_LABEL[c.status], first));
    for (const line of more) out.push(`${indent}${line}`);
  }
  out.push('');
  out.push(summaryLine(report));
  return out.join('\n');
}
