/**
 * The pieces of the output folder's safety net that the CLI tests reach only indirectly: which
 * files count as the user's, that generated files win over them, and that a damaged journal or a
 * lock of another host never makes a synth touch what it does not own.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { carryUserFiles, isUserFile, lockFile, OutputLock, recover, recoverQuietly } from '../../cli/output-swap';
import { spawnSync } from 'child_process';
import { rmrf, tempDir } from '../helpers/tree';

let tmp: string;
beforeAll(() => {
  tmp = tempDir('swap');
});
afterAll(() => rmrf(tmp));

describe('isUserFile', () => {
  it.each(['.terraform', '.terraform.lock.hcl', '.terraform.tfstate.lock.info', 'terraform.tfvars', 'prod.auto.tfvars', 'x.tfvars.json', 'override.tf', 'override.tf.json', 'local_override.tf', 'a_override.tf.json'])('%s is the user\'s', (f) => expect(isUserFile(f)).toBe(true));
  it.each(['cdk.tf.json', 'main.tf.json', 'assets', 'manifest.json', 'plan', 'overrides.tf', 'tfvars.md', 'my-override.tf'])('%s is generated', (f) => expect(isUserFile(f)).toBe(false));
});

describe('carryUserFiles', () => {
  it('moves user files into folders that still exist, never over a generated file of the same name', () => {
    const oldOut = path.join(tmp, 'carry-old');
    const newOut = path.join(tmp, 'carry-new');
    for (const [f, text] of [['stacks/a/terraform.tfvars', 'mine'], ['stacks/a/override.tf', 'user'], ['stacks/gone/terraform.tfvars', 'gone'], ['root/prod.auto.tfvars', 'deep']]) {
      fs.mkdirSync(path.dirname(path.join(oldOut, f)), { recursive: true });
      fs.writeFileSync(path.join(oldOut, f), text);
    }
    fs.mkdirSync(path.join(newOut, 'stacks', 'a'), { recursive: true });
    fs.mkdirSync(path.join(newOut, 'root'), { recursive: true });
    fs.writeFileSync(path.join(newOut, 'stacks', 'a', 'override.tf'), 'generated');
    carryUserFiles(oldOut, newOut);
    expect(fs.readFileSync(path.join(newOut, 'stacks/a/terraform.tfvars'), 'utf8')).toBe('mine');
    expect(fs.readFileSync(path.join(newOut, 'stacks/a/override.tf'), 'utf8')).toBe('generated');
    expect(fs.readFileSync(path.join(newOut, 'root/prod.auto.tfvars'), 'utf8')).toBe('deep');
    expect(fs.existsSync(path.join(newOut, 'stacks', 'gone'))).toBe(false);
  });
});

describe('recover', () => {
  it('ignores a journal that names folders outside its own staging names', () => {
    const parent = path.join(tmp, 'bad-journal');
    const out = path.join(parent, 'out');
    fs.mkdirSync(path.join(parent, 'keep'), { recursive: true });
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(parent, '.out.swap.json'), JSON.stringify({ stage: '../keep', old: 'keep', hadOld: true }));
    expect(recover(out)).toBeUndefined();
    expect(fs.readdirSync(parent).sort()).toEqual(['keep', 'out']);
  });

  it('does nothing when there is nothing to repair', () => {
    const parent = path.join(tmp, 'clean');
    fs.mkdirSync(path.join(parent, 'out'), { recursive: true });
    expect(recover(path.join(parent, 'out'))).toBeUndefined();
  });
});

describe('OutputLock', () => {
  it('a lock held on another host counts as alive (exit 2 after the wait), and is released only by its owner', () => {
    const parent = path.join(tmp, 'lock');
    fs.mkdirSync(parent, { recursive: true });
    const out = path.join(parent, 'out');
    fs.writeFileSync(path.join(parent, '.out.lock'), JSON.stringify({ pid: 1, host: `not-${os.hostname()}` }));
    expect(() => OutputLock.acquire(out, 0)).toThrow(/^--out: .* is being written by another rootwatch synth \(pid 1 on not-/);
    fs.rmSync(path.join(parent, '.out.lock'));
    const lock = OutputLock.acquire(out, 0);
    expect(OutputLock.tryAcquire(out)).toBeUndefined();
    expect(JSON.parse(fs.readFileSync(path.join(parent, '.out.lock'), 'utf8'))).toEqual({ pid: process.pid, host: os.hostname() });
    lock.release();
    expect(fs.readdirSync(parent)).toEqual([]);
  });
});

describe('a lock left by a killed synth', () => {
  it('is removed by the next command\'s quick recovery, even with nothing else left behind', () => {
    const out = path.join(tmp, 'stale-lock', 'terraform-out');
    fs.mkdirSync(out, { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // a process that has exited
    fs.writeFileSync(lockFile(out), JSON.stringify({ pid: dead, host: os.hostname() }));
    recoverQuietly(out);
    expect(fs.readdirSync(path.dirname(out))).toEqual(['terraform-out']);
  });

  it('is left alone while its holder is alive', () => {
    const out = path.join(tmp, 'live-lock', 'terraform-out');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(lockFile(out), JSON.stringify({ pid: process.pid, host: os.hostname() }));
    recoverQuietly(out);
    expect(fs.readdirSync(path.dirname(out)).sort()).toEqual(['.terraform-out.lock', 'terraform-out']);
  });
});
