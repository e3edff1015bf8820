/**
 * `npx cdktf synth` runs the app of cdktf.json (`node dist/main.js synth`), which writes where the
 * cdktf CLI asks (CDKTF_OUTDIR): the result must be exactly what `rootwatch synth` writes.
 * ROOTWATCH_CONFIG picks the config for every cdktf command, and the org-scale example's README
 * commands run as written (the deploy up to the first AWS call when ROOTWATCH_SLOW_TESTS=1: about
 * 2 minutes here, 54 provider instances).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ensureDist } from '../helpers/cli';
import { hashTree } from '../helpers/tree';

const root = path.resolve(__dirname, '..', '..');
const cdktf = path.join(root, 'node_modules', '.bin', 'cdktf');
const env = { ...process.env, CHECKPOINT_DISABLE: '1', CDKTF_DISABLE_TELEMETRY: 'true', CI: 'true' };

describe('cdktf CLI', () => {
  if (!fs.existsSync(cdktf) || !fs.existsSync(path.join(root, 'dist', 'main.js'))) {
    it.skip('cdktf-cli or dist/ missing: run `npm ci`', () => undefined);
    return;
  }
  beforeAll(() => ensureDist()); // the cdktf app is dist/main.js: never a stale one

  it('cdktf.json runs the compiled app into terraform-out', () => {
    const cfg = JSON.parse(fs.readFileSync(path.join(root, 'cdktf.json'), 'utf8'));
    expect(cfg).toMatchObject({ language: 'typescript', app: 'node dist/main.js synth', output: 'terraform-out' });
  });

  it('`cdktf synth --output DIR` gives the same tree as `rootwatch synth --out DIR`', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootwatch-cdktf-'));
    try {
      const viaCdktf = path.join(dir, 'cdktf');
      const viaRootwatch = path.join(dir, 'rootwatch');
      const a = spawnSync(cdktf, ['synth', '--output', viaCdktf], { cwd: root, env, encoding: 'utf8' });
      expect([a.status, a.stderr.trim().split('\n').pop() ?? '']).toEqual([0, expect.anything()]);
      const b = spawnSync(process.execPath, ['dist/main.js', 'synth', '--out', viaRootwatch], { cwd: root, env, encoding: 'utf8' });
      expect(b.status).toBe(0);
      expect(hashTree(viaCdktf)).toEqual(hashTree(viaRootwatch));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ROOTWATCH_CONFIG selects the config: `cdktf synth` writes the org-scale stacks, the same tree as `rootwatch synth --config`', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootwatch-cdktf-env-'));
    try {
      const viaCdktf = path.join(dir, 'cdktf');
      const viaRootwatch = path.join(dir, 'rootwatch');
      const a = spawnSync(cdktf, ['synth', '--output', viaCdktf], { cwd: root, env: { ...env, ROOTWATCH_CONFIG: 'examples/org-scale/rootwatch.config.json' }, encoding: 'utf8' });
      expect(a.status).toBe(0);
      expect(fs.readdirSync(path.join(viaCdktf, 'stacks')).sort()).toEqual(['hub', 'spoke-666666666666', 'spoke-payments-prod']);
      const b = spawnSync(process.execPath, ['dist/main.js', 'synth', '--config', 'examples/org-scale/rootwatch.config.json', '--out', viaRootwatch], { cwd: root, env, encoding: 'utf8' });
      expect(b.status).toBe(0);
      expect(hashTree(viaCdktf)).toEqual(hashTree(viaRootwatch));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('`cdktf synth --hcl` is refused with one line naming --hcl (the app exits 2), and leaves no output', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootwatch-cdktf-hcl-'));
    try {
      const out = path.join(dir, 'out');
      const r = spawnSync(cdktf, ['synth', '--hcl', '--output', out], { cwd: root, env, encoding: 'utf8' });
      expect(r.status).not.toBe(0);
      expect(`${r.stdout}${r.stderr}`).toContain('--hcl: not supported; every root is already written as HCL in terraform-out/plain-terraform/');
      expect(`${r.stdout}${r.stderr}`).not.toMatch(/ENOENT|at .*\.js:\d+/);
      expect(fs.existsSync(path.join(out, 'manifest.json'))).toBe(false);
      // The app itself: exit 2 and one line on stderr.
      const app = spawnSync(process.execPath, ['dist/main.js', 'synth', '--out', out], { cwd: root, env: { ...env, SYNTH_HCL_OUTPUT: 'true' }, encoding: 'utf8' });
      expect(app.status).toBe(2);
      expect(app.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('examples/org-scale/README.md, its commands as written', () => {
    const readme = fs.readFileSync(path.join(root, 'examples', 'org-scale', 'README.md'), 'utf8');
    const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const lines = block.split('\n').filter((l) => l.trim() !== '');
    let work: string;
    beforeAll(() => {
      // a copy of the parts of the repository the commands use (dist and node_modules linked)
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'rootwatch-org-scale-'));
      for (const f of ['cdktf.json', 'package.json']) fs.copyFileSync(path.join(root, f), path.join(work, f));
      for (const d of ['dist', 'node_modules']) fs.symlinkSync(path.join(root, d), path.join(work, d));
      fs.cpSync(path.join(root, 'examples', 'org-scale'), path.join(work, 'examples', 'org-scale'), { recursive: true });
      fs.writeFileSync(path.join(work, 'tfrc'), 'provider_installation {\n  filesystem_mirror {\n    path = "/opt/tf-plugins"\n  }\n}\n');
    });
    afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

    /** Run README lines as one shell script; the AWS export (no AWS here) is left out, the export file is the example's. */
    const run = (picked: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
      spawnSync('sh', ['-ec', picked.join('\n')], { cwd: work, env: { ...env, PATH: `${path.join(root, 'node_modules', '.bin')}:${process.env.PATH}`, ...extraEnv }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 280_000 });

    it('the block is the expected sequence (export, ROOTWATCH_CONFIG, synth, list, deploy with --auto-approve)', () => {
      expect(lines[0]).toMatch(/^aws organizations list-accounts-for-parent /);
      expect(lines[1]).toBe('export ROOTWATCH_CONFIG=examples/org-scale/rootwatch.config.json CHECKPOINT_DISABLE=1');
      expect(lines.slice(2).every((l) => l.startsWith('npx cdktf '))).toBe(true);
      expect(lines[lines.length - 1]).toMatch(/^npx cdktf deploy hub 'spoke-\*' .*--auto-approve$/);
    });

    it('synth and list show the org-scale stacks, not the default config\'s', () => {
      const r = run(lines.slice(1).filter((l) => !l.startsWith('npx cdktf deploy')));
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/hub\s+org-scale-out\/stacks\/hub/);
      expect(r.stdout).toMatch(/spoke-payments-prod\s+org-scale-out\/stacks\/spoke-payments-prod/);
      expect(r.stdout).not.toMatch(/spoke-prod\b|guardrails\s/);
      expect(fs.readdirSync(path.join(work, 'org-scale-out', 'stacks')).sort()).toEqual(['hub', 'spoke-666666666666', 'spoke-payments-prod']);
    });

    const slow = process.env.ROOTWATCH_SLOW_TESTS === '1' && fs.existsSync('/opt/tf-plugins') ? it : it.skip;
    slow('deploy (no terminal) runs every stack up to its first AWS call', () => {
      // offline: providers from the local mirror, and no registry call for the lock file
      const deploy = lines.filter((l, i) => i > 0).map((l) => (l.startsWith('npx cdktf deploy') ? `${l} --skip-provider-lock` : l));
      const r = run(deploy, { TF_CLI_CONFIG_FILE: path.join(work, 'tfrc'), AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'dummy', AWS_EC2_METADATA_DISABLED: 'true' });
      const out = `${r.stdout}${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
      expect(out).not.toMatch(/Raw mode is not supported/);
      expect(out).toMatch(/https:\/\/sts\.[a-z0-9-]+\.amazonaws\.com\/": dial tcp/); // the first AWS call, refused by the network here
      for (const stack of ['hub', 'spoke-666666666666', 'spoke-payments-prod']) {
        expect({ stack, reachedAws: new RegExp(`^${stack}\\s+╷\\n[^\\n]*Error: (Cannot assume IAM Role|Retrieving AWS account details)`, 'm').test(out) }).toEqual({ stack, reachedAws: true });
      }
    }, 300_000);
  });
});
