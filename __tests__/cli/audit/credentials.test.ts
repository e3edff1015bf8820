/**
 * Real SDK clients created by the audit (no mocks): credential problems are found before any
 * request leaves the machine, and end the audit with exit 2 and one line.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runAudit } from '../../../cli/audit';

const VARS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
];
const saved: Record<string, string | undefined> = {};
let dir: string;

beforeAll(() => {
  for (const v of VARS) saved[v] = process.env[v];
  for (const v of VARS) delete process.env[v];
  dir = mkdtempSync(join(tmpdir(), 'rootwatch-audit-'));
  writeFileSync(join(dir, 'config'), '[profile other]\nregion = eu-west-1\n');
  writeFileSync(join(dir, 'credentials'), '');
  process.env.AWS_CONFIG_FILE = join(dir, 'config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const v of VARS) {
    if (saved[v] === undefined) delete process.env[v];
    else process.env[v] = saved[v];
  }
});

describe('credential errors with real clients', () => {
  it('an unknown --profile: exit 2, one line naming the profile', async () => {
    const out = await runAudit({ json: false, profile: 'does-not-exist', region: 'us-east-1', maxAttempts: 1 });
    expect(out.exitCode).toBe(2);
    expect(out.stdout.split('\n')).toHaveLength(1);
    expect(out.stdout).toMatch(/^audit: no usable AWS credentials \(CredentialsProviderError\): .*does-not-exist/);
  });

  it('no credentials anywhere: exit 2, one line', async () => {
    const out = await runAudit({ json: true, region: 'us-east-1', maxAttempts: 1 });
    expect(out.exitCode).toBe(2);
    expect(out.stdout).toBe(
      'audit: no usable AWS credentials (CredentialsProviderError): Could not load credentials from any providers',
    );
  });
});
