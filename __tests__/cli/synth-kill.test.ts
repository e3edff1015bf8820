/**
 * Kill test: a synth of 300 spokes (one process) is killed with SIGKILL at
 * random moments, 20 times (seeded, bounded in time). After each kill the next rootwatch command
 * (`diagram`, which repairs the default output folder first) must find exactly the old or exactly
 * the new tree, with the users' files in the stack folders, no staging folder and no synth
 * process left; it then succeeds. A last synth must give exactly the new tree.
 */
import { spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { FIXTURES, manySpokes, minimalRaw, writeConfig } from '../helpers/configs';
import { ensureDist, MAIN_JS, processesMentioning, runCli } from '../helpers/cli';
import { firstDifference, hashTree, rmrf, tempDir } from '../helpers/tree';
import { prng } from '../helpers/fuzz';

const KILLS = 20;
/** 300-spoke synths take 4-5 s on an idle 2-core machine, up to 18 s on a busy one. */
const BUDGET_MS = 420_000;

let tmp: string;
beforeAll(() => {
  ensureDist();
  tmp = tempDir('kill');
});
afterAll(() => rmrf(tmp));


const ENV = { CI: '', CDKTF_OUTDIR: 'terraform-out', ROOTWATCH_TEST_KILL_AT: '', ROOTWATCH_SYNTH_WORKERS: '' };
const USER_FILES = ['.terraform.lock.hcl', '.terraform/providers/marker', 'terraform.tfvars', 'x_override.tf.json'];
const sha = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

/** `tree` plus the user files in the hub and the first spoke (both stacks exist in both configs). */
function withUserFiles(tree: Record<string, string>): Record<string, string> {
  const out = { ...tree };
  for (const stack of ['hub', 'spoke-s0']) {
    out[`stacks/${stack}/.terraform/`] = 'dir';
    out[`stacks/${stack}/.terraform/providers/`] = 'dir';
    for (const f of USER_FILES) out[`stacks/${stack}/${f}`] = sha(`${stack} ${f}\n`);
  }
  return out;
}

function synthChild(config: string, cwd: string) {
  const child = spawn(process.execPath, [MAIN_JS, 'synth', '--config', config, '--quiet'], { cwd, env: { ...process.env, ...ENV }, stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited };
}

it(`synth of 300 spokes killed ${KILLS} times at random moments: the next command always finds exactly the old or the new tree, then succeeds`, async () => {
  const started = Date.now();
  const org = { ...minimalRaw().hub, organizationId: 'o-exampleorgid' };
  const configs = {
    A: writeConfig(tmp, 'a.json', { ...minimalRaw(), regions: ['us-east-1'], hub: org, spokes: manySpokes(300) }),
    B: writeConfig(tmp, 'b.json', { ...minimalRaw(), namePrefix: 'rootwatch-b', regions: ['us-east-1'], hub: org, spokes: manySpokes(300) }),
  };
  // The project's first output is A (users then add their files); a fresh tree of B for comparisons;
  // and how long one synth takes here.
  const parent = path.join(tmp, 'project');
  fs.mkdirSync(parent);
  const out = path.join(parent, 'terraform-out');
  const trees: Record<'A' | 'B', Record<string, string>> = { A: {}, B: {} };
  let t0 = Date.now();
  expect(await synthChild(configs.A, parent).exited).toBe(0);
  let duration = Date.now() - t0;
  trees.A = withUserFiles(hashTree(out));
  const freshB = path.join(tmp, 'fresh-B');
  fs.mkdirSync(freshB);
  t0 = Date.now();
  expect(await synthChild(configs.B, freshB).exited).toBe(0);
  duration = Math.max(duration, Date.now() - t0);
  trees.B = withUserFiles(hashTree(path.join(freshB, 'terraform-out')));
  rmrf(freshB);
  expect(Object.keys(trees.A).filter((f) => f.endsWith('cdk.tf.json')).length).toBe(301);
  for (const stack of ['hub', 'spoke-s0']) {
    for (const f of USER_FILES) {
      const file = path.join(out, 'stacks', stack, f);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `${stack} ${f}\n`);
    }
  }
  let current: 'A' | 'B' = 'A';
  expect(firstDifference(hashTree(out), trees.A)).toBeUndefined();

  const random = prng(20261130); // seeded, so a failure can be replayed
  const outcomes: string[] = [];
  for (let i = 0; i < KILLS; i++) {
    const target: 'A' | 'B' = current === 'A' ? 'B' : 'A';
    // Random moments; the last two runs make sure both outcomes are exercised whatever the machine's
    // load did to the timing: a kill at once (old tree) and a kill after the synth ended (new tree).
    const forceOld = i === KILLS - 2 && !outcomes.some((o) => o.includes('->old'));
    const forceNew = i === KILLS - 1 && !outcomes.some((o) => o.includes('->new'));
    const delay = forceOld ? 0 : Math.floor(random() * duration * 1.1);
    const { child, exited } = synthChild(configs[target], parent);
    if (forceNew) await exited;
    else await new Promise((r) => setTimeout(r, delay));
    child.kill('SIGKILL');
    const code = await exited;

    // the next rootwatch command repairs first, then does its job
    const next = await runCli(['diagram', '--config', path.join(FIXTURES, 'minimal.json')], { cwd: parent, env: ENV });
    expect({ i, delay, code: next.code }).toEqual({ i, delay, code: 0 });
    const now = hashTree(out);
    const isOld = firstDifference(now, trees[current]) === undefined;
    const isNew = firstDifference(now, trees[target]) === undefined;
    expect({ i, delay, oldOrNew: isOld || isNew, diff: isOld || isNew ? undefined : firstDifference(now, trees[target], ['now', 'new']) }).toEqual({ i, delay, oldOrNew: true, diff: undefined });
    outcomes.push(`${delay}ms:${code === 0 ? 'finished' : 'killed'}->${isNew ? 'new' : 'old'}${next.stderr ? ' (repaired)' : ''}`);
    if (isNew) current = target;

    // nothing left behind: no staging folder, journal or lock, no synth process
    expect({ i, left: fs.readdirSync(parent) }).toEqual({ i, left: ['terraform-out'] });
    const gone = Date.now() + 2_000;
    while (processesMentioning(parent).length > 0 && Date.now() < gone) await new Promise((r) => setTimeout(r, 25));
    expect({ i, processes: processesMentioning(parent) }).toEqual({ i, processes: [] });
    expect(Date.now() - started).toBeLessThan(BUDGET_MS);
  }
  // Both outcomes were hit: some kills came before the swap, some after (or the synth finished).
  expect(outcomes.some((o) => o.includes('->old'))).toBe(true);
  expect(outcomes.some((o) => o.includes('->new'))).toBe(true);

  // and a synth after all that succeeds with exactly the new tree
  const last: 'A' | 'B' = current === 'A' ? 'B' : 'A';
  expect(await synthChild(configs[last], parent).exited).toBe(0);
  expect(firstDifference(hashTree(out), trees[last])).toBeUndefined();
  expect(fs.readdirSync(parent)).toEqual(['terraform-out']);
}, BUDGET_MS + 120_000);
