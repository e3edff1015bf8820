/**
 * `rootwatch synth` as a whole: deterministic (byte-identical across runs, folders, time zones and
 * working directories; no absolute paths or timestamps), atomic (a failing synth leaves the previous
 * output as it was), and the committed terraform-out/ is what a fresh synth gives.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { unzipSync } from 'fflate';
import { synthesize } from '../../cli/synth';
import { checkConfig, loadConfig } from '../../cli/load-config';
import { EXAMPLE_CONFIG, FIXTURES, minimalRaw, REPO } from '../helpers/configs';
import { ensureDist, runCli } from '../helpers/cli';
import { firstDifference, hashTree, listFiles, rmrf, stagingLeftovers, tempDir } from '../helpers/tree';

let tmp: string;
let outA: string;

beforeAll(async () => {
  ensureDist();
  tmp = tempDir('synth');
  outA = path.join(tmp, 'a', 'terraform-out');
  const r = await runCli(['synth', '--config', 'rootwatch.config.json', '--out', path.relative(REPO, outA)], { cwd: REPO, env: { TZ: 'UTC' } });
  if (r.code !== 0) throw new Error(`synth failed: ${r.stderr}`);
});
afterAll(() => rmrf(tmp));

describe('deterministic', () => {
  it('gives byte-identical trees (Lambda zips included) in another folder, time zone and working directory', async () => {
    const outB = path.join(tmp, 'b', 'out');
    const elsewhere = path.join(tmp, 'cwd');
    fs.mkdirSync(elsewhere, { recursive: true });
    const outC = path.join(tmp, 'c', 'terraform-out');
    const [b, c] = await Promise.all([
      runCli(['synth', '--config', EXAMPLE_CONFIG, '--out', outB], { env: { TZ: 'UTC' } }),
      runCli(['synth', '--config', EXAMPLE_CONFIG, '--out', outC], { cwd: elsewhere, env: { TZ: 'Pacific/Kiritimati', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' } }),
    ]);
    expect([b.code, c.code]).toEqual([0, 0]);
    const a = hashTree(outA);
    expect(Object.keys(a).filter((f) => f.endsWith('.zip')).length).toBeGreaterThanOrEqual(3); // the hub module's Lambdas
    expect(firstDifference(a, hashTree(outB), ['first run', 'second run'])).toBeUndefined();
    expect(firstDifference(a, hashTree(outC), ['UTC run', 'Kiritimati run in another cwd'])).toBeUndefined();
  });

  it('writes zips with the fixed 1980-01-01 entry time', () => {
    for (const f of listFiles(outA).filter((x) => x.endsWith('.zip'))) {
      const zip = fs.readFileSync(path.join(outA, f));
      expect(zip.readUInt32LE(0)).toBe(0x04034b50); // local file header
      expect({ f, time: zip.readUInt16LE(10), date: zip.readUInt16LE(12) }).toEqual({ f, time: 0, date: (0 << 9) | (1 << 5) | 1 });
      expect(Object.keys(unzipSync(zip))).toEqual(['index.js']);
    }
  });

  it('holds no absolute path, host or user name, and no timestamp of today', () => {
    const forbidden: string[] = [tmp, REPO, os.tmpdir(), fs.realpathSync(os.tmpdir()), process.cwd()];
    if (os.homedir() !== '/') forbidden.push(`${os.homedir()}/`);
    // Short or everyday names (a host called "vm", the user "root") are covered by the path checks.
    for (const name of [os.hostname(), os.userInfo().username]) if (name.length >= 5 && name !== 'root') forbidden.push(name);
    const now = new Date();
    const dates = [now.toISOString().slice(0, 10), `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`];
    const absolute = /(^|["'\s=(,])\/(tmp|work|root|home|Users|private|var\/folders)\//m;

    const texts: [string, string][] = [];
    for (const f of listFiles(outA)) {
      const bytes = fs.readFileSync(path.join(outA, f));
      if (f.endsWith('.zip')) for (const [entry, data] of Object.entries(unzipSync(bytes))) texts.push([`${f}!${entry}`, Buffer.from(data).toString('utf8')]);
      else texts.push([f, bytes.toString('utf8')]);
    }
    expect(texts.length).toBeGreaterThan(8);
    const problems: string[] = [];
    for (const [f, text] of texts) {
      for (const s of forbidden) if (text.includes(s)) problems.push(`${f} contains ${s}`);
      for (const d of dates) if (text.includes(d)) problems.push(`${f} contains today's date ${d}`);
      const m = absolute.exec(text);
      if (m) problems.push(`${f} contains an absolute path near ${JSON.stringify(text.slice(Math.max(0, m.index - 30), m.index + 40))}`);
    }
    expect(problems).toEqual([]);
  });
});

describe('atomic', () => {
  /** A config that passes every config check but makes a construct throw mid-way (after the zips). */
  function brokenConfig() {
    const c = checkConfig(minimalRaw(), FIXTURES);
    return { ...c, alerts: { ...c.alerts, heartbeat: { enabled: true, scheduleExpression: 'rate(0 hours)' } } };
  }

  it('leaves the previous output byte for byte as it was when a construct throws', async () => {
    const parent = path.join(tmp, 'atomic');
    const out = path.join(parent, 'terraform-out');
    await synthesize(checkConfig(minimalRaw(), FIXTURES), out);
    const before = hashTree(out);
    await expect(synthesize(brokenConfig(), out)).rejects.toThrow(/heartbeat/i);
    expect(hashTree(out)).toEqual(before);
    expect(stagingLeftovers(parent)).toEqual([]);
  });

  it('creates nothing when there was no previous output', async () => {
    const parent = path.join(tmp, 'atomic-fresh');
    fs.mkdirSync(parent, { recursive: true });
    await expect(synthesize(brokenConfig(), path.join(parent, 'out'))).rejects.toThrow();
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  it('accepts an empty existing folder', async () => {
    const out = path.join(tmp, 'empty-out');
    fs.mkdirSync(out, { recursive: true });
    expect((await synthesize(checkConfig(minimalRaw(), FIXTURES), out)).stacks).toEqual(['hub', 'spoke-dev', 'spoke-prod']);
  });

  it('refuses to replace a file', async () => {
    const file = path.join(tmp, 'a-file');
    fs.writeFileSync(file, 'x');
    await expect(synthesize(checkConfig(minimalRaw(), FIXTURES), file)).rejects.toThrow(/^--out: /);
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
  });

  it('refuses to replace an output that holds Terraform state (the layout of earlier versions)', async () => {
    const out = path.join(tmp, 'old-layout', 'terraform-out');
    await synthesize(checkConfig(minimalRaw(), FIXTURES), out);
    fs.writeFileSync(path.join(out, 'stacks', 'spoke-prod', 'terraform.tfstate'), '{"version":4}');
    const before = hashTree(out);
    await expect(synthesize(checkConfig(minimalRaw(), FIXTURES), out)).rejects.toThrow(/^--out: .*spoke-prod\/terraform\.tfstate is Terraform state .*terraform\.spoke-prod\.tfstate first$/);
    expect(hashTree(out)).toEqual(before);
  });

  it('keeps local Terraform state across re-syntheses (it lives outside the output folder)', async () => {
    const parent = path.join(tmp, 'state');
    const out = path.join(parent, 'terraform-out');
    const config = checkConfig(minimalRaw(), FIXTURES);
    const result = await synthesize(config, out);
    const written: string[] = [];
    for (const stack of result.stacks) {
      const stackDir = path.join(out, 'stacks', stack);
      const local = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')).terraform.backend.local;
      expect(path.isAbsolute(local.path)).toBe(false);
      // where `terraform apply` in the stack folder would write the state
      const state = path.resolve(stackDir, local.path);
      fs.mkdirSync(path.dirname(state), { recursive: true });
      fs.writeFileSync(state, `{"stack":"${stack}"}`);
      written.push(state);
    }
    expect(new Set(written).size).toBe(result.stacks.length);
    await synthesize(config, out);
    for (const state of written) expect(fs.existsSync(state) ? fs.readFileSync(state, 'utf8') : `${state} was deleted`).toMatch(/^\{"stack"/);
  });
});

describe('Terraform working files', () => {
  it('the provider lock and .terraform/ of a stack survive a new synth; a removed stack\'s go with it', async () => {
    const parent = path.join(tmp, 'working');
    const out = path.join(parent, 'terraform-out');
    const config = checkConfig(minimalRaw(), FIXTURES);
    const { stacks } = await synthesize(config, out);
    const kept = path.join(out, 'stacks', stacks[0]);
    fs.writeFileSync(path.join(kept, '.terraform.lock.hcl'), '# lock\n');
    fs.mkdirSync(path.join(kept, '.terraform', 'providers'), { recursive: true });
    fs.writeFileSync(path.join(kept, '.terraform', 'providers', 'marker'), 'x');
    fs.mkdirSync(path.join(out, 'stacks', 'spoke-gone', '.terraform'), { recursive: true });
    fs.writeFileSync(path.join(out, 'stacks', 'spoke-gone', '.terraform.lock.hcl'), '# gone\n');

    await synthesize(config, out);
    expect(fs.readFileSync(path.join(kept, '.terraform.lock.hcl'), 'utf8')).toBe('# lock\n');
    expect(fs.readFileSync(path.join(kept, '.terraform', 'providers', 'marker'), 'utf8')).toBe('x');
    expect(fs.existsSync(path.join(out, 'stacks', 'spoke-gone'))).toBe(false);
    expect(stagingLeftovers(parent)).toEqual([]);
  });
});

describe('terraform-out/', () => {
  const committed = path.join(REPO, 'terraform-out');
  /** What git ignores in it (local state, provider caches). */
  const ignored = (f: string) => /(^|\/)(\.terraform\/|\.terraform\.lock\.hcl$|[^/]*\.tfstate)/.test(f);

  it('equals a fresh synth of rootwatch.config.json (run `npm run synth` if not)', async () => {
    expect(fs.existsSync(committed)).toBe(true);
    const fresh = hashTree(outA);
    const current = Object.fromEntries(Object.entries(hashTree(committed)).filter(([f]) => !ignored(f)));
    const diff = firstDifference(current, fresh, ['terraform-out', 'a fresh synth']);
    if (diff) throw new Error(`terraform-out/ is stale: run \`npm run synth\` and commit the result (${diff})`);
    // the example config is also what loadConfig reads by default
    expect(loadConfig(EXAMPLE_CONFIG).spokes.map((s) => `spoke-${s.name}`)).toEqual(fs.readdirSync(path.join(committed, 'stacks')).filter((s) => s.startsWith('spoke-')).sort());
  });
});
