/**
 * Through the real command line: `simulate -` reads stdin (yargs turns a lone `-` into ""), and
 * long synths show progress on stderr (a rewritten line on a terminal, one line in a log, nothing
 * under --quiet or in CI, nothing for small synths).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { manySpokes, minimalRaw, REPO, writeConfig } from '../helpers/configs';
import { CliResult, ensureDist, MAIN_JS, runCli, stderrLines } from '../helpers/cli';
import { rmrf, tempDir } from '../helpers/tree';
import { progressLine } from '../../cli/synth-progress';

let tmp: string;
beforeAll(() => {
  ensureDist();
  tmp = tempDir('progress');
});
afterAll(() => rmrf(tmp));

const EVENT = path.join(REPO, 'examples', 'events', 'root-console-login-no-mfa.json');

const withStdin = (args: string[], input: string): Promise<CliResult> => runCli(args, { cwd: tmp, stdin: input });

describe('simulate - (stdin) through the command line', () => {
  it('`cat event.json | rootwatch simulate - --json` prints the JSON object', async () => {
    const r = await withStdin(['simulate', '-', '--json'], fs.readFileSync(EVENT, 'utf8'));
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ matched: true, alertType: 'login', severity: 'critical' });
  });

  it('the same through a shell pipe, as the README writes it', () => {
    const r = spawnSync('sh', ['-c', `cat "$1" | "$0" "$2" simulate - --json`, process.execPath, EVENT, MAIN_JS], { cwd: tmp, encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(JSON.parse(r.stdout)).toMatchObject({ matched: true });
  });

  it('stdin with the text renderer and bad JSON on stdin gives one line, exit 2', async () => {
    const ok = await withStdin(['simulate', '-'], fs.readFileSync(EVENT, 'utf8'));
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^Event: "AWS Console Sign In via CloudTrail"/);
    const bad = await withStdin(['simulate', '-', '--json'], '{ not json');
    expect(bad.code).toBe(2);
    expect(stderrLines(bad)).toHaveLength(1);
  });

  it('an empty positional is still refused (not silently stdin)', async () => {
    const r = await runCli(['simulate', '', '--json'], { cwd: tmp });
    expect(r.code).toBe(2);
    expect(stderrLines(r)).toEqual([expect.stringMatching(/^rootwatch: input: missing/)]);
  });
});

describe('progress of long synths', () => {
  let big: string;
  let small: string;
  beforeAll(() => {
    const org = { ...minimalRaw().hub, organizationId: 'o-exampleorgid' };
    big = writeConfig(tmp, 'sixty.json', { ...minimalRaw(), regions: ['us-east-1'], hub: org, spokes: manySpokes(60) }); // 61 stacks
    small = writeConfig(tmp, 'fifty.json', { ...minimalRaw(), regions: ['us-east-1'], hub: org, spokes: manySpokes(49) }); // 50 stacks
  });

  it('in a log (not a terminal, not CI): one line on stderr when the synth starts', async () => {
    const r = await runCli(['synth', '--config', big, '--out', path.join(tmp, 'log-out')], { env: { CI: '' } });
    expect(r.code).toBe(0);
    expect(stderrLines(r)).toEqual(['rootwatch: synthesizing 61 stacks…']);
    expect(r.stdout).toMatch(/^rootwatch: synthesized 61 stacks /);
  });

  it.each([
    ['in CI', ['--config', 'BIG'], { CI: 'true' }],
    ['under --quiet', ['--config', 'BIG', '--quiet'], { CI: '' }],
    ['for 50 stacks or fewer', ['--config', 'SMALL'], { CI: '' }],
  ])('silent %s', async (name, args, env) => {
    const argv = ['synth', ...args.map((a) => (a === 'BIG' ? big : a === 'SMALL' ? small : a)), '--out', path.join(tmp, `silent-${name.replace(/\W+/g, '-')}`)];
    const r = await runCli(argv, { env });
    expect([r.code, r.stderr]).toEqual([0, '']);
    if (args.includes('--quiet')) expect(r.stdout).toBe('');
  });

  it('on a terminal: one line rewritten in place up to 61/61, then cleared before the summary', () => {
    const cmd = `"${process.execPath}" "${MAIN_JS}" synth --config "${big}" --out "${path.join(tmp, 'tty-out')}"`;
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: tmp, env: { ...process.env, CI: '', CDKTF_OUTDIR: '' }, encoding: 'utf8' });
    if (r.error) throw r.error;
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('\r\x1b[Krootwatch: synthesizing 61 stacks: 0/61');
    expect(r.stdout).toContain('\r\x1b[Krootwatch: synthesizing 61 stacks: 61/61');
    expect(r.stdout).toMatch(/\r\x1b\[K(\r\n)?rootwatch: synthesized 61 stacks/);
    expect(r.stdout).not.toContain('synthesizing 61 stacks…'); // not the log form
  });

  it('redraws at most every 100 ms, and always the last count', () => {
    const lines: string[] = [];
    let t = 0;
    const make = progressLine({ quiet: false, env: {}, stream: { isTTY: true, write: (x: string) => lines.push(x) }, now: () => t });
    const p = make!(60);
    for (let i = 0; i < 60; i++) {
      t += 30;
      p.tick();
    }
    p.done();
    const counts = lines.filter((l) => l.includes('/60')).map((l) => Number(/: (\d+)\/60$/.exec(l)?.[1]));
    expect(counts[0]).toBe(0);
    expect(counts[counts.length - 1]).toBe(60);
    expect(counts.length).toBeLessThan(25); // 60 ticks over 1.8 s
    expect(lines[lines.length - 1]).toBe('\r\x1b[K');
    expect(progressLine({ quiet: true, env: {} })).toBeUndefined();
    expect(progressLine({ quiet: false, env: { CI: 'true' } })).toBeUndefined();
    expect(typeof progressLine({ quiet: false, env: { CI: 'false' } })).toBe('function');
  });
});
