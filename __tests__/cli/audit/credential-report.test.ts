import {
  CREDENTIAL_REPORT_COLUMNS,
  decodeReportContent,
  findRootRow,
  isUnparseableDate,
  parseCredentialReport,
  parseCsv,
  reportBool,
  reportDate,
} from '../../../cli/audit/credential-report';
import { credentialReportCsv, rootRowGood, userRowAlice } from './aws-fixtures';

describe('credential report CSV', () => {
  const csv = credentialReportCsv([userRowAlice, rootRowGood]);

  it('maps every documented column of every row', () => {
    const rows = parseCredentialReport(csv);
    expect(rows).toHaveLength(2);
    for (const c of CREDENTIAL_REPORT_COLUMNS) expect(rows[1][c]).toBe(rootRowGood[c]);
    expect(rows[0].access_key_1_last_used_service).toBe('s3');
  });

  it('finds the <root_account> row wherever it is', () => {
    const root = findRootRow(parseCredentialReport(csv));
    expect(root?.arn).toBe('arn:aws:iam::444444444444:root');
    expect(root?.password_enabled).toBe('not_supported');
  });

  it('has no root row in a report of IAM users only', () => {
    expect(findRootRow(parseCredentialReport(credentialReportCsv([userRowAlice])))).toBeUndefined();
  });

  it('reads bytes, base64 text and base64 bytes alike', () => {
    const b64 = Buffer.from(csv).toString('base64');
    expect(decodeReportContent(new TextEncoder().encode(csv))).toBe(csv);
    expect(decodeReportContent(b64)).toBe(csv);
    expect(decodeReportContent(new TextEncoder().encode(b64))).toBe(csv);
    expect(() => decodeReportContent(undefined)).toThrow('no Content');
  });

  it('parses quoted fields, doubled quotes and CRLF', () => {
    expect(parseCsv('a,"b,c","d ""e"""\r\n1,2,3\r\n')).toEqual([
      ['a', 'b,c', 'd "e"'],
      ['1', '2', '3'],
    ]);
  });

  it('keeps columns added after the documented ones', () => {
    const rows = parseCredentialReport('user,arn,newcol\n<root_account>,arn:aws:iam::444444444444:root,x\n');
    expect(rows[0].newcol).toBe('x');
  });

  it('rejects text that is not the report', () => {
    expect(() => parseCredentialReport('hello\nworld\n')).toThrow('not the documented CSV');
  });

  it('reads the documented placeholders', () => {
    expect(reportBool('true')).toBe(true);
    expect(reportBool('FALSE')).toBe(false);
    expect(reportBool('not_supported')).toBeUndefined();
    expect(reportDate('N/A')).toBeUndefined();
    expect(reportDate('no_information')).toBeUndefined();
    expect(reportDate('not_supported')).toBeUndefined();
    expect(reportDate('2015-06-16T18:20:10+00:00')?.toISOString()).toBe('2015-06-16T18:20:10.000Z');
    expect(isUnparseableDate('N/A')).toBe(false);
    expect(isUnparseableDate('soon')).toBe(true);
  });
});
