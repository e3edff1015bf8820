/**
 * `npx cdktf synth` runs the app of cdktf.json (`node dist/main.js synth`), which writes where the
 * cdktf CLI asks (CDKTF_OUTDIR): the result must be exactly what `rootwatch synth` writes.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hashTree } from '../helpers/tree';

const root = path.resolve(__dirname, '..', '..');
const cdktf = path.join(root, 'node_modules', '.bin', 'cdktf');
const env = { ...process.env, CHECKPOINT_DISABLE: '1', CDKTF_DISABLE_TELEMETRY: 'true', CI: 'true' };

describe('cdktf CLI', () => {
  if (!fs.existsSync(cdktf) || !fs.existsSync(path.join(root, 'dist', 'main.js'))) {
    it.skip('cdktf-cli or dist/ missing: run `npm ci`', () => undefined);
    return;
  }

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
});
