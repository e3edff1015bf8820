/**
 * The IAM credential report: decoding its content and reading its CSV (pure, no SDK).
 * Columns as documented in "Generate credential reports for your AWS account" (IAM User Guide).
 */

export const CREDENTIAL_REPORT_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_1_last_used_region',
  'access_key_1_last_used_service',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'access_key_2_last_used_region',
  'access_key_2_last_used_service',
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated',
] as const;

export type CredentialReportColumn = (typeof CREDENTIAL_REPORT_COLUMNS)[number];
/** One row; columns the report lacks are absent, extra (future) columns are kept. */
export type CredentialReportRow = Partial<Record<CredentialReportColumn, string>> & Record<string, string>;

/** The user name the report gives the account root user. */
export const ROOT_USER = '<root_account>';

/**
 * The report text. The SDK hands `Content` over as bytes (already base64-decoded); a raw API answer
 * carries base64 text. Both are accepted.
 */
export function decodeReportContent(content: Uint8Array | string | undefined | null): string {
  if (content === undefined || content === null) throw new Error('credential report has no Content');
  let text = typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
  const compact = text.replace(/\s+/g, '');
  if (!text.includes(',') && compact.length > 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    text = Buffer.from(compact, 'base64').toString('utf8');
  }
  return text.replace(/^\uFEFF/, '');
}

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF line ends. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field.length > 0 || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

export function parseCredentialReport(text: string): CredentialReportRow[] {
  const [header, ...rows] = parseCsv(text);
  if (!header || !header.includes('user') || !header.includes('arn')) {
    throw new Error('credential report is not the documented CSV (no user/arn header)');
  }
  return rows.map((cells) => {
    const row: Record<string, string> = {};
    header.forEach((name, i) => {
      row[name] = cells[i] ?? '';
    });
    return row as CredentialReportRow;
  });
}

export function findRootRow(rows: CredentialReportRow[]): CredentialReportRow | undefined {
  return rows.find((r) => r.user === ROOT_USER) ?? rows.find((r) => /^arn:aws[a-z-]*:iam::\d{12}:root$/.test(r.arn ?? ''));
}

/** `true`/`false` columns; anything else (not_supported, N/A, missing) is `undefined`. */
export function reportBool(value: string | undefined): boolean | undefined {
  const v = (value ?? '').trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

/** Date columns; `N/A`, `no_information`, `not_supported`, empty or unparseable give `undefined`. */
export function reportDate(value: string | undefined): Date | undefined {
  const v = (value ?? '').trim();
  if (!v || /^(n\/a|no_information|not_supported)$/i.test(v)) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** A report date column value that is neither a date nor one of the documented placeholders. */
export function isUnparseableDate(value: string | undefined): boolean {
  const v = (value ?? '').trim();
  return v !== '' && !/^(n\/a|no_information|not_supported)$/i.test(v) && reportDate(v) === undefined;
}
