import * as fs from 'fs';
import * as path from 'path';
import { checkConfig, fieldPath, loadConfig } from '../../cli/load-config';
import { ConfigError } from '../../core/config';
import { BAD_INPUTS, EXAMPLE_CONFIG, FIXTURES, minimalRaw, writeConfig } from '../helpers/configs';
import { rmrf, tempDir } from '../helpers/tree';

let tmp: string;
beforeAll(() => {
  tmp = tempDir('load-config');
});
afterAll(() => rmrf(tmp));

function loadError(file: string): ConfigError {
  try {
    loadConfig(file);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(e)}`);
    return e;
  }
  throw new Error(`expected ${file} to be rejected`);
}

describe('bad input: one ConfigError naming the field', () => {
  it('has at least 25 cases', () => expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(25));

  it.each(BAD_INPUTS.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    const c = BAD_INPUTS[i];
    const dir = path.join(tmp, `case-${i}`);
    fs.mkdirSync(dir, { recursive: true });
    const e = loadError(c.write(dir));
    expect(e.field).toBe(c.field);
    expect(e.message.startsWith(`${c.field}: `)).toBe(true);
    expect(e.message.slice(c.field.length + 2)).toMatch(c.problem);
    expect(e.message).not.toMatch(/[\r\n]/);
  });
});

describe('messages', () => {
  it('uses the schema hint instead of the raw pattern', () => {
    const raw = minimalRaw();
    raw.spokes[1].accountId = '12345';
    expect(() => checkConfig(raw, tmp)).toThrow('spokes[1].accountId: must be 12 digits (got "12345")');
  });

  it('picks the backend variant by its type and names its missing field', () => {
    const raw = minimalRaw();
    raw.backend = { type: 's3', bucket: 'state-bucket' };
    expect(() => checkConfig(raw, tmp)).toThrow('backend.region: is required');
  });

  it('rejects a non-object backend', () => {
    const raw = minimalRaw();
    raw.backend = 'local';
    expect(() => checkConfig(raw, tmp)).toThrow(/^backend: /);
  });

  it.each([null, 42, 'text', []])('rejects %p as the whole config', (data) => {
    expect(() => checkConfig(data, tmp)).toThrow('(config): must be a JSON object');
  });
});

describe('good input', () => {
  it('loads the example config', () => {
    const c = loadConfig(EXAMPLE_CONFIG);
    expect(c.hub).toMatchObject({ name: 'security', accountId: '111111111111', region: 'eu-west-1', organizationId: 'o-exampleorgid' });
    expect(c.hub.regions).toEqual(['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1']);
    expect(c.spokes.map((s) => [s.name, s.regions])).toEqual([
      ['prod', ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1']],
      ['staging', ['us-east-1', 'eu-west-1']],
    ]);
    expect(c.orgGuardrails?.managementAccount).toEqual({ accountId: '444444444444', region: 'us-east-1', manageAccountSettings: false });
  });

  it('resolves an OU accounts file relative to the config file, whatever the cwd', () => {
    const cwd = process.cwd();
    try {
      process.chdir(tmp);
      const c = loadConfig(path.relative(tmp, path.join(FIXTURES, 'with-ou.json')));
      expect(c.spokes.map((s) => s.accountId)).toEqual(['222222222222', '555555555555', '777777777777']);
      expect(c.accountNames).toMatchObject({ '555555555555': 'Sandbox', '777777777777': 'Data' });
    } finally {
      process.chdir(cwd);
    }
  });

  it('reads a current-shape OU export (State, every state present): only ACTIVE accounts become spokes; State wins over Status', () => {
    const c = minimalRaw();
    c.organizationalUnits = [{ ouId: 'ou-ab12-34cd56ef', accountsFile: 'org/current-shape.json', assumeRoleName: 'rootwatch-deployer' }];
    const dir = path.join(tmp, 'current-shape');
    writeConfig(dir, 'org/current-shape.json', fs.readFileSync(path.join(FIXTURES, 'org', 'current-shape.json'), 'utf8'));
    const loaded = loadConfig(writeConfig(dir, 'config.json', c));
    const fromOu = loaded.spokes.filter((s) => s.assumeRoleArn.endsWith(':role/rootwatch-deployer') && s.name === s.accountId).map((s) => s.accountId);
    // PENDING_ACTIVATION, SUSPENDED, PENDING_CLOSURE and CLOSED (even with a stale Status ACTIVE) are left out
    expect(fromOu).toEqual(['999999999999']);
    expect(loaded.spokes.map((s) => s.accountId)).toContain('222222222222');
    expect(loaded.accountNames).toMatchObject({ '999999999999': 'Data' });
    expect(Object.keys(loaded.accountNames)).not.toEqual(expect.arrayContaining(['555555555555', '666666666666', '777777777777', '888888888888']));
  });

  it('accepts a config and an OU export saved with a UTF-8 byte order mark (as editors on Windows write them)', () => {
    const dir = path.join(tmp, 'bom');
    const bom = '\uFEFF';
    writeConfig(dir, 'org/accounts.json', bom + fs.readFileSync(path.join(FIXTURES, 'org', 'ou-ab12-34cd56ef.json'), 'utf8'));
    const raw = { ...minimalRaw(), organizationalUnits: [{ ouId: 'ou-ab12-34cd56ef', accountsFile: 'org/accounts.json', assumeRoleName: 'rootwatch-deployer' }] };
    const file = writeConfig(dir, 'config.json', bom + JSON.stringify(raw));
    expect(fs.readFileSync(file).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(loadConfig(file).spokes.map((s) => s.accountId)).toEqual(['222222222222', '333333333333', '555555555555', '777777777777']);
  });

  it('accepts valid bucket names, role ARNs in every real partition, 64-character role names and ordinary tags', () => {
    for (const bucket of ['state-bucket', 'a.b.c', 'my-state.example.com', 'abc', 'x'.repeat(63)]) {
      expect(checkConfig({ ...minimalRaw(), backend: { type: 's3', bucket, region: 'eu-west-1' } }, tmp).backend).toMatchObject({ bucket });
    }
    for (const partition of ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b']) {
      const raw = minimalRaw();
      raw.spokes[0].assumeRoleArn = `arn:${partition}:iam::222222222222:role/team/${'r'.repeat(64)}`;
      expect(checkConfig(raw, tmp).spokes[0].assumeRoleArn).toBe(raw.spokes[0].assumeRoleArn);
    }
    expect(checkConfig({ ...minimalRaw(), tags: { owner: 'sec', 'awsome:team': 'x', 'cost-center': '42' } }, tmp).tags).toEqual({ owner: 'sec', 'awsome:team': 'x', 'cost-center': '42' });
  });

  it('checks 20,000 spokes in linear time (duplicate detection included)', () => {
    const spokes = (n: number) => Array.from({ length: n }, (_, i) => {
      const id = String(100000000000 + i);
      return { accountId: id, assumeRoleArn: `arn:aws:iam::${id}:role/deployer` };
    });
    const time = (n: number) => {
      const raw = { ...minimalRaw(), spokes: spokes(n), hub: { ...minimalRaw().hub, organizationId: 'o-exampleorgid' } };
      const t0 = process.hrtime.bigint();
      expect(checkConfig(raw, tmp).spokes).toHaveLength(n);
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
    time(2_000); // warm up
    const small = time(5_000);
    const large = time(20_000);
    // quadratic checking took 17 s for 20,000 spokes (4 x the spokes gave 16 x the time)
    expect(large).toBeLessThan(3_000);
    expect(large / Math.max(small, 1)).toBeLessThan(10);
    // and a duplicate at the very end is still found
    const raw = { ...minimalRaw(), spokes: [...spokes(20_000), spokes(1)[0]], hub: { ...minimalRaw().hub, organizationId: 'o-exampleorgid' } };
    expect(() => checkConfig(raw, tmp)).toThrow('spokes[20000].accountId: duplicates spokes[0].accountId (100000000000)');
  });

  it('accepts $schema and an s3 backend', () => {
    const raw = { ...minimalRaw(), $schema: './rootwatch.schema.json', backend: { type: 's3', bucket: 'state-bucket', region: 'eu-west-1', kmsKeyId: 'alias/state' } };
    expect(loadConfig(writeConfig(tmp, 'ok.json', raw)).backend).toEqual({ type: 's3', bucket: 'state-bucket', region: 'eu-west-1', keyPrefix: 'rootwatch', kmsKeyId: 'alias/state' });
  });
});

describe('fieldPath', () => {
  it.each([
    ['', ''],
    ['/hub', 'hub'],
    ['/spokes/1/accountId', 'spokes[1].accountId'],
    ['/spokes/0/regions/2', 'spokes[0].regions[2]'],
    ['/tags/a~1b', 'tags["a/b"]'],
    ['/tags/x~0y', 'tags["x~y"]'],
    ['/tags/a\nb', 'tags["a\\nb"]'],
  ])('%p -> %p', (pointer, field) => expect(fieldPath(pointer)).toBe(field));
});
