/**
 * The real CLI on bad input: `node dist/main.js synth --config <file> --out <dir>` must print exactly
 * one line naming the field, exit 2, and leave the previous output folder byte for byte as it was.
 */
import * as fs from 'fs';
import * as path from 'path';
import { BAD_INPUTS, FIXTURES, REPO } from '../helpers/configs';
import { CliResult, ensureDist, inPool, runCli, stderrLines } from '../helpers/cli';
import { hashTree, rmrf, stagingLeftovers, tempDir } from '../helpers/tree';

let tmp: string;
let prev: string;
let before: Record<string, string>;

beforeAll(async () => {
  ensureDist();
  tmp = tempDir('cli');
  prev = path.join(tmp, 'out', 'previous');
  const r = await runCli(['synth', '--config', path.join(FIXTURES, 'minimal.json'), '--out', prev]);
  if (r.code !== 0) throw new Error(`could not synthesize the previous output: ${r.stderr}`);
  before = hashTree(prev);
});
afterAll(() => rmrf(tmp));

function expectUntouched(): void {
  expect(hashTree(prev)).toEqual(before);
  expect(stagingLeftovers(path.dirname(prev))).toEqual([]);
}

function expectOneLine(r: CliResult, pattern: RegExp): void {
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
  const lines = stderrLines(r);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('synth on bad config input', () => {
  let results: CliResult[] = [];
  beforeAll(async () => {
    results = await inPool(
      BAD_INPUTS.map((c, i) => () => {
        const dir = path.join(tmp, `case-${i}`);
        fs.mkdirSync(dir, { recursive: true });
        return runCli(['synth', '--config', c.write(dir), '--out', prev], { cwd: dir });
      }),
      4,
    );
  });

  it('covers at least 25 cases', () => expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(25));

  it.each(BAD_INPUTS.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    const c = BAD_INPUTS[i];
    const r = results[i];
    expectOneLine(r, new RegExp(`^rootwatch: ${escape(c.field)}: `));
    expect(stderrLines(r)[0].slice(`rootwatch: ${c.field}: `.length)).toMatch(c.problem);
  });

  it('left the previous output byte for byte as it was, with no staging folders', expectUntouched);
});

describe('bad invocations', () => {
  it('rejects an unknown flag', async () => {
    expectOneLine(await runCli(['synth', '--bogus', '--config', path.join(FIXTURES, 'minimal.json'), '--out', prev]), /^rootwatch: .*bogus/);
    expectUntouched();
  });

  it.each([
    ['--config', ['synth', '--out', 'OUT', '--config']],
    ['--out', ['synth', '--config', 'CONFIG', '--out']],
  ])('rejects %s given without a value (yargs would fall back to the default)', async (flag, args) => {
    const argv = args.map((a) => (a === 'OUT' ? prev : a === 'CONFIG' ? path.join(FIXTURES, 'minimal.json') : a));
    expectOneLine(await runCli(argv), new RegExp(`^rootwatch: Not enough arguments following: ${flag.slice(2)}$`));
    expectUntouched();
  });

  it('names the allowed values of a bad choice on one line', async () => {
    expectOneLine(
      await runCli(['simulate', path.join(REPO, 'examples', 'events', 'root-console-login-no-mfa.json'), '--render', 'bogus']),
      /^rootwatch: Invalid values: Argument: render, Given: "bogus", Choices: "slack", "pagerduty", "email"$/,
    );
  });

  it('asks for a command when none is given', async () => {
    expectOneLine(await runCli([]), /^rootwatch: .*command/);
  });

  it('rejects an unknown command', async () => {
    expectOneLine(await runCli(['synthesize', '--out', prev]), /^rootwatch: .*synthesize/);
    expectUntouched();
  });

  it('refuses to replace a folder that is not a synth output', async () => {
    const precious = path.join(tmp, 'precious');
    fs.mkdirSync(path.join(precious, 'src'), { recursive: true });
    fs.writeFileSync(path.join(precious, 'src', 'keep.txt'), 'do not delete');
    const snapshot = hashTree(precious);
    expectOneLine(await runCli(['synth', '--config', path.join(FIXTURES, 'minimal.json'), '--out', precious]), /^rootwatch: --out: /);
    expect(hashTree(precious)).toEqual(snapshot);
    expect(stagingLeftovers(tmp)).toEqual([]);
  });

  it('refuses to replace the current folder', async () => {
    const project = path.join(tmp, 'project');
    fs.mkdirSync(project, { recursive: true });
    fs.copyFileSync(path.join(FIXTURES, 'minimal.json'), path.join(project, 'rootwatch.config.json'));
    const snapshot = hashTree(project);
    expectOneLine(await runCli(['synth', '--out', '.'], { cwd: project }), /^rootwatch: --out: /);
    expect(hashTree(project)).toEqual(snapshot);
  });
});

describe('good input', () => {
  it('synthesizes, reports the stacks on one stdout line, and replaces the previous output', async () => {
    const out = path.join(tmp, 'good');
    const r = await runCli(['synth', '--config', path.join(REPO, 'rootwatch.config.json'), '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toMatch(/4 stacks \(guardrails, hub, spoke-prod, spoke-staging\) and modules account, guardrails, hub, spoke-2r-[0-9a-f]{8}, spoke-5r-[0-9a-f]{8}, spoke-region/);
    expect(fs.readdirSync(out).sort()).toEqual(['RUNBOOK.md', 'manifest.json', 'modules', 'plain-terraform', 'stacks']);

    const again = await runCli(['synth', '--config', path.join(FIXTURES, 'minimal.json'), '--out', out]);
    expect(again.code).toBe(0);
    expect(fs.readdirSync(path.join(out, 'stacks')).sort()).toEqual(['hub', 'spoke-dev', 'spoke-prod']);
    expect(stagingLeftovers(tmp)).toEqual([]);
  });
});
