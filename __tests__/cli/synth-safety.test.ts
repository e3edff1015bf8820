/**
 * The output folder under faults, through the real CLI: a crash inside the swap (fault injected
 * between and after the two renames), concurrent synths (a lock), leftovers of killed synths,
 * the umask, user files in stack folders, and every odd `--out`.
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FIXTURES, minimalRaw, REPO, writeConfig } from '../helpers/configs';
import { CliResult, ensureDist, MAIN_JS, runCli, stderrLines } from '../helpers/cli';
import { firstDifference, hashTree, rmrf, stagingLeftovers, tempDir } from '../helpers/tree';

let tmp: string;
let configA: string;
let configB: string;
/** fresh trees of A and B, for exact comparisons */
let treeA: Record<string, string>;
let treeB: Record<string, string>;

beforeAll(async () => {
  ensureDist();
  tmp = tempDir('safety');
  configA = path.join(FIXTURES, 'minimal.json');
  configB = writeConfig(tmp, 'b.json', { ...minimalRaw(), namePrefix: 'rootwatch-b' });
  const [a, b] = await Promise.all([synth(configA, path.join(tmp, 'fresh-a', 'out')), synth(configB, path.join(tmp, 'fresh-b', 'out'))]);
  expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, '', '']);
  treeA = hashTree(path.join(tmp, 'fresh-a', 'out'));
  treeB = hashTree(path.join(tmp, 'fresh-b', 'out'));
});
afterAll(() => rmrf(tmp));

const QUIET_ENV = { CI: '', ROOTWATCH_TEST_KILL_AT: '' };
function synth(config: string, out: string, env: NodeJS.ProcessEnv = {}, extra: string[] = []): Promise<CliResult> {
  return runCli(['synth', '--config', config, '--out', out, ...extra], { env: { ...QUIET_ENV, ...env } });
}

/** Files `terraform init` and a user leave in stack folders, all of which must survive a synth. */
const USER_FILES = ['.terraform.lock.hcl', '.terraform/providers/marker', 'terraform.tfvars', 'prod.auto.tfvars.json', 'local_override.tf.json', 'override.tf'];
function addUserFiles(out: string, stack = 'spoke-prod'): void {
  for (const f of USER_FILES) {
    const file = path.join(out, 'stacks', stack, f);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `user file ${f}\n`);
  }
}
/** `tree` plus the user files addUserFiles() writes into `stack` (computed, not read back: lost files must show). */
const withUserFiles = (tree: Record<string, string>, _out: string, stack = 'spoke-prod'): Record<string, string> => {
  const sha = (text: string) => crypto.createHash('sha256').update(text).digest('hex');
  const user: Record<string, string> = { [`stacks/${stack}/.terraform/`]: 'dir', [`stacks/${stack}/.terraform/providers/`]: 'dir' };
  for (const f of USER_FILES) user[`stacks/${stack}/${f}`] = sha(`user file ${f}\n`);
  return { ...tree, ...user };
};

function expectOneLine(r: CliResult, pattern: RegExp): void {
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
  expect(stderrLines(r)).toHaveLength(1);
  expect(stderrLines(r)[0]).toMatch(pattern);
}

describe('a crash inside the swap', () => {
  it.each([
    ['between the two renames', 'between-renames', 'restored', 'A'],
    ['after the renames, before the user files moved and the old tree went', 'after-renames', 'completed', 'B'],
  ])('%s: the output is never missing, and the next rootwatch command restores or completes it', async (_when, step, verb, expected) => {
    const parent = path.join(tmp, `crash-${step}`);
    const out = path.join(parent, 'terraform-out');
    expect((await synth(configA, out)).code).toBe(0);
    addUserFiles(out);
    const before = hashTree(out);

    const killed = await synth(configB, out, { ROOTWATCH_TEST_KILL_AT: step });
    expect(killed.code).toBeNull(); // died of SIGKILL in the middle of the swap
    if (step === 'between-renames') expect(fs.existsSync(out)).toBe(false); // the window the journal covers

    // the next command (here one that does not synthesize) repairs the folder first
    const next = await runCli(['diagram', '--config', configA], { cwd: parent, env: { ...QUIET_ENV, CDKTF_OUTDIR: 'terraform-out' } });
    expect(next.code).toBe(0);
    expect(stderrLines(next)).toEqual([expect.stringMatching(new RegExp(`^rootwatch: ${verb} `))]);
    expect(before).toEqual(withUserFiles(treeA, out));
    const want = expected === 'A' ? withUserFiles(treeA, out) : withUserFiles(treeB, out);
    expect(firstDifference(hashTree(out), want, ['after recovery', expected === 'A' ? 'old tree' : 'new tree'])).toBeUndefined();
    expect(stagingLeftovers(parent)).toEqual([]);
    expect(fs.readdirSync(parent).filter((n) => n !== 'terraform-out')).toEqual([]);

    // and a synth then succeeds with the user files kept
    expect((await synth(configB, out)).code).toBe(0);
    expect(firstDifference(hashTree(out), withUserFiles(treeB, out), ['after synth', 'new tree'])).toBeUndefined();
    expect(fs.readFileSync(path.join(out, 'stacks/spoke-prod/terraform.tfvars'), 'utf8')).toBe('user file terraform.tfvars\n');
  });

  it('a synth is also the next command that repairs: it restores, then writes the new tree', async () => {
    const parent = path.join(tmp, 'crash-then-synth');
    const out = path.join(parent, 'terraform-out');
    expect((await synth(configA, out)).code).toBe(0);
    addUserFiles(out);
    expect((await synth(configB, out, { ROOTWATCH_TEST_KILL_AT: 'between-renames' })).code).toBeNull();
    const r = await synth(configB, out);
    expect(r.code).toBe(0);
    expect(stderrLines(r)).toEqual([expect.stringMatching(/^rootwatch: restored .*terraform-out/)]);
    expect(firstDifference(hashTree(out), withUserFiles(treeB, out), ['after synth', 'new tree'])).toBeUndefined();
    expect(fs.readdirSync(parent)).toEqual(['terraform-out']);
  });
});

describe('one synth at a time per output folder', () => {
  it('a second synth exits 2 with one line while another holds the lock, and touches nothing', async () => {
    const parent = path.join(tmp, 'locked');
    const out = path.join(parent, 'out');
    expect((await synth(configA, out)).code).toBe(0);
    const before = hashTree(out);
    // a live process holds it (this test process)
    fs.writeFileSync(path.join(parent, '.out.lock'), JSON.stringify({ pid: process.pid, host: os.hostname() }));
    try {
      expectOneLine(await synth(configB, out, { ROOTWATCH_LOCK_WAIT_SECONDS: '0' }), new RegExp(`^rootwatch: --out: .*out is being written by another rootwatch synth \\(pid ${process.pid}\\); run again when it has finished`));
      expect(hashTree(out)).toEqual(before);
      expect(stagingLeftovers(parent)).toEqual([]);
    } finally {
      fs.rmSync(path.join(parent, '.out.lock'), { force: true });
    }
  });

  it('waits for the lock when allowed to, then writes', async () => {
    const parent = path.join(tmp, 'wait');
    const out = path.join(parent, 'out');
    fs.mkdirSync(parent, { recursive: true });
    const lock = path.join(parent, '.out.lock');
    fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, host: os.hostname() }));
    setTimeout(() => fs.rmSync(lock, { force: true }), 1500);
    const t0 = Date.now();
    const r = await synth(configB, out, { ROOTWATCH_LOCK_WAIT_SECONDS: '30' });
    expect(r.code).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1400);
    expect(hashTree(out)).toEqual(treeB);
  });

  it('takes over the lock of a synth that died (stale pid)', async () => {
    const parent = path.join(tmp, 'stale-lock');
    const out = path.join(parent, 'out');
    fs.mkdirSync(parent, { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    fs.writeFileSync(path.join(parent, '.out.lock'), JSON.stringify({ pid: Number(dead.stdout), host: os.hostname() }));
    const r = await synth(configA, out, { ROOTWATCH_LOCK_WAIT_SECONDS: '0' });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(hashTree(out)).toEqual(treeA);
    expect(fs.readdirSync(parent)).toEqual(['out']);
  });

  it('two synths of different configs started together: both succeed, one after the other, and the tree is exactly one of them', async () => {
    const parent = path.join(tmp, 'concurrent');
    const out = path.join(parent, 'out');
    expect((await synth(configA, out)).code).toBe(0);
    addUserFiles(out);
    for (let round = 0; round < 3; round++) {
      const [a, b] = await Promise.all([synth(configA, out), synth(configB, out)]);
      expect([a.code, a.stderr, b.code, b.stderr]).toEqual([0, '', 0, '']);
      const now = hashTree(out);
      const isA = !firstDifference(now, withUserFiles(treeA, out));
      const isB = !firstDifference(now, withUserFiles(treeB, out));
      expect({ round, isA, isB, diff: firstDifference(now, withUserFiles(isA ? treeA : treeB, out)) }).toEqual({ round, isA: !isB, isB: !isA, diff: undefined });
      expect(fs.readdirSync(parent)).toEqual(['out']);
    }
  });
});

describe('leftovers of interrupted synths', () => {
  it('the next synth removes stale staging folders and temp files; git ignores them meanwhile', async () => {
    const parent = path.join(tmp, 'leftovers');
    const out = path.join(parent, 'out');
    expect((await synth(configA, out)).code).toBe(0);
    for (const d of ['.out.staging-deadbeef/stacks/hub', '.out.staging-cafe0001.old/stacks', '.out.staging-12345678/.worker-1']) fs.mkdirSync(path.join(parent, d), { recursive: true });
    fs.writeFileSync(path.join(parent, '.out.staging-deadbeef/stacks/hub/cdk.tf.json'), '{}');
    fs.writeFileSync(path.join(parent, '.out.swap.json.99999-abcdef.tmp'), '{');
    fs.writeFileSync(path.join(parent, 'unrelated.txt'), 'mine');
    const r = await synth(configB, out);
    expect(r.code).toBe(0);
    expect(stderrLines(r)).toEqual([expect.stringMatching(/^rootwatch: removed 4 staging folder\(s\) of interrupted syntheses next to /)]);
    expect(fs.readdirSync(parent).sort()).toEqual(['out', 'unrelated.txt']);
    expect(hashTree(out)).toEqual(treeB);

    const ignored = spawnSync('git', ['check-ignore', '.terraform-out.staging-ab12cd34/', '.terraform-out.staging-ab12cd34.old/', '.terraform-out.lock', '.terraform-out.swap.json'], { cwd: REPO, encoding: 'utf8' });
    expect(ignored.stdout.trim().split('\n')).toHaveLength(4);
  });
});

describe('files and modes', () => {
  it.each([
    ['022', '755'],
    ['027', '750'],
  ])('with umask %s the output folders get mode %s (not 0700)', async (umask, mode) => {
    const out = path.join(tmp, `umask-${umask}`, 'out');
    const r = spawnSync('sh', ['-c', `umask ${umask} && exec "$0" "$@"`, process.execPath, MAIN_JS, 'synth', '--config', configA, '--out', out], { env: { ...process.env, ...QUIET_ENV, CDKTF_OUTDIR: '' }, encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([0, '']);
    for (const dir of [out, path.join(out, 'stacks'), path.join(out, 'stacks', 'hub'), path.join(out, 'modules', 'hub')]) {
      expect({ dir, mode: (fs.statSync(dir).mode & 0o777).toString(8) }).toEqual({ dir, mode });
    }
  });

  it('user files in stack folders (*.tfvars, *_override.tf*, .terraform*) survive re-synthesis; a removed stack\'s go with it', async () => {
    const parent = path.join(tmp, 'user-files');
    const out = path.join(parent, 'out');
    expect((await synth(configA, out)).code).toBe(0);
    addUserFiles(out, 'spoke-prod');
    addUserFiles(out, 'hub');
    fs.mkdirSync(path.join(out, 'stacks', 'spoke-gone'), { recursive: true });
    fs.writeFileSync(path.join(out, 'stacks', 'spoke-gone', 'terraform.tfvars'), 'x');
    expect((await synth(configB, out)).code).toBe(0);
    for (const stack of ['spoke-prod', 'hub']) {
      for (const f of USER_FILES) expect({ f: `${stack}/${f}`, text: fs.readFileSync(path.join(out, 'stacks', stack, f), 'utf8') }).toEqual({ f: `${stack}/${f}`, text: `user file ${f}\n` });
    }
    expect(fs.existsSync(path.join(out, 'stacks', 'spoke-gone'))).toBe(false);
    expect(firstDifference(hashTree(out), withUserFiles(withUserFiles(treeB, out, 'hub'), out), ['after', 'new tree with user files'])).toBeUndefined();
  });

  it('user files in the plain-Terraform roots survive re-synthesis too', async () => {
    const out = path.join(tmp, 'user-files-plain', 'out');
    expect((await synth(configA, out)).code).toBe(0);
    // the spoke shape root holding prod (plain-terraform/spoke-<N>r-<hash>/accounts/prod.tfvars)
    const shape = fs.readdirSync(path.join(out, 'plain-terraform')).find((d) => fs.existsSync(path.join(out, 'plain-terraform', d, 'accounts', 'prod.tfvars')))!;
    const root = path.join(out, 'plain-terraform', shape);
    expect(fs.existsSync(path.join(root, 'main.tf'))).toBe(true);
    for (const f of ['terraform.tfvars', '.terraform.lock.hcl', 'backend_override.tf']) fs.writeFileSync(path.join(root, f), `mine ${f}`);
    // accounts/ is generated as a whole: an account gone from the config leaves no tfvars behind
    fs.writeFileSync(path.join(root, 'accounts', 'gone.tfvars'), 'spoke_account_id = "999999999999"\n');
    expect((await synth(configB, out)).code).toBe(0);
    for (const f of ['terraform.tfvars', '.terraform.lock.hcl', 'backend_override.tf']) expect(fs.readFileSync(path.join(root, f), 'utf8')).toBe(`mine ${f}`);
    expect(fs.existsSync(path.join(root, 'accounts', 'gone.tfvars'))).toBe(false);
    expect(fs.existsSync(path.join(root, 'accounts', 'prod.tfvars'))).toBe(true);
  });
});

describe('odd --out values: one line, exit 2, nothing written', () => {
  let parent: string;
  let prev: string;
  let before: Record<string, string>;
  let listing: string[];
  beforeAll(async () => {
    parent = path.join(tmp, 'odd');
    prev = path.join(parent, 'terraform-out');
    expect((await synth(configA, prev)).code).toBe(0);
    fs.writeFileSync(path.join(parent, 'README.md'), '# a file\n');
    fs.mkdirSync(path.join(parent, 'real-target'));
    fs.symlinkSync(path.join(parent, 'real-target'), path.join(parent, 'linked-out'));
    before = hashTree(prev);
    listing = fs.readdirSync(parent).sort();
  });
  afterEach(() => {
    expect(hashTree(prev)).toEqual(before);
    expect(fs.readdirSync(path.join(parent, 'real-target'))).toEqual([]);
    expect(fs.readFileSync(path.join(parent, 'README.md'), 'utf8')).toBe('# a file\n');
    expect(fs.readdirSync(parent).sort()).toEqual(listing);
  });

  const cases: Array<[string, () => string[], RegExp]> = [
    ['below a file (README.md/out)', () => ['--out', 'README.md/out'], /^rootwatch: --out: .*README\.md is a file, not a folder$/],
    ['deeper below a file', () => ['--out', 'README.md/a/b'], /^rootwatch: --out: .*README\.md is a file, not a folder$/],
    ['given twice', () => ['--out', 'x', '--out', 'y'], /^rootwatch: --out: given 2 times; give it once$/],
    ['inside the current output', () => ['--out', 'terraform-out/nested'], /^rootwatch: --out: .*terraform-out\/nested is inside the synth output .*terraform-out, which synth replaces as a whole; choose a folder outside it$/],
    ['deep inside the current output', () => ['--out', 'terraform-out/stacks/hub/x'], /^rootwatch: --out: .* is inside the synth output .*terraform-out,/],
    ['a symbolic link', () => ['--out', 'linked-out'], /^rootwatch: --out: .*linked-out is a symbolic link to .*real-target; give the real folder instead/],
    ['on a read-only file system (sysfs)', () => ['--out', '/sys/rootwatch-test-out'], /^rootwatch: --out: cannot write in \/sys \(E[A-Z]+\)$/],
    ['below a folder that cannot be created', () => ['--out', '/sys/rootwatch-test/out'], /^rootwatch: --out: cannot create \/sys\/rootwatch-test \(E[A-Z]+\)$/],
    ['--config given twice', () => ['--config', configA, '--out', 'fresh'], /^rootwatch: --config: given 2 times; give it once$/],
  ];
  it.each(cases.map(([name, args, pattern], i) => [name, i, args, pattern] as const))('%s', async (_name, i, args, pattern) => {
    const argv = ['synth', '--config', configA, ...args()];
    const r = await runCli(argv, { cwd: parent, env: QUIET_ENV });
    expectOneLine(r, pattern);
    expect(fs.existsSync('/sys/rootwatch-test-out')).toBe(false);
    expect(i).toBeGreaterThanOrEqual(0);
  });
});

describe('an old output that cannot be removed', () => {
  // Root ignores permissions; an immutable folder (chattr +i) is refused even to root.
  const chattr = (flag: string, dir: string) => spawnSync('chattr', [flag, dir]).status === 0;
  it('is refused before anything is written (one line, exit 2), not after the new tree was swapped in', async () => {
    const parent = path.join(tmp, 'immutable');
    const out = path.join(parent, 'out');
    expect((await synth(configA, out)).code).toBe(0);
    const locked = path.join(out, 'stacks', 'spoke-prod');
    if (!chattr('+i', locked)) {
      console.log('chattr +i is not available here: skipping the immutable-folder case');
      return;
    }
    try {
      const before = hashTree(out);
      expectOneLine(await synth(configB, out), new RegExp(`^rootwatch: --out: cannot replace ${out}: no write permission in ${locked}$`));
      expect(hashTree(out)).toEqual(before);
      expect(fs.readdirSync(parent)).toEqual(['out']);
    } finally {
      chattr('-i', locked);
    }
  });
});

describe('tags', () => {
  it('a tag named __proto__ is kept in every provider\'s default_tags (cdktf\'s JSON mapping would drop it)', async () => {
    const raw = JSON.stringify(minimalRaw()).replace(/^\{/, '{"tags":{"team":"security","__proto__":"kept"},');
    const config = writeConfig(tmp, 'proto.json', raw);
    const out = path.join(tmp, 'proto', 'out');
    const r = await synth(config, out);
    expect([r.code, r.stderr]).toEqual([0, '']);
    for (const stack of ['hub', 'spoke-prod', 'spoke-dev']) {
      const tf = JSON.parse(fs.readFileSync(path.join(out, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
      const providers = tf.provider.aws as Array<{ default_tags: Array<{ tags: Record<string, string> }> }>;
      expect(providers.length).toBeGreaterThan(1);
      for (const p of providers) {
        // a root's providers share their tags as a local (stacks/base.ts shareProviderSettings)
        const tags = (p.default_tags[0].tags as unknown) === '${local.tags}' ? tf.locals.tags : p.default_tags[0].tags;
        expect({ stack, own: Object.prototype.hasOwnProperty.call(tags, '__proto__'), value: Object.getOwnPropertyDescriptor(tags, '__proto__')?.value, team: tags.team }).toEqual({ stack, own: true, value: 'kept', team: 'security' });
      }
    }
  });
});
