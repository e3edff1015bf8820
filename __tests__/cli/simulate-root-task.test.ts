/**
 * `rootwatch simulate --json` through the real CLI (yargs, child process) carries the root-only
 * task verdict (core/root-tasks.ts): `rootOnly` true|false|null and `rootOnlyTask`.
 */
import * as path from 'path';
import { ensureDist, runCli } from '../helpers/cli';
import { REPO } from '../helpers/configs';

const own = (f: string) => path.join(REPO, '__tests__', 'fixtures', 'events', f);

beforeAll(() => ensureDist());

it.each([
  [own('sts-assumeroot-call-synth.json'), true, 'edit or delete an S3 bucket policy that denies all principals'],
  [own('root-iam-deactivatemfadevice-synth.json'), true, "manage the root user's own MFA device"],
  [path.join(REPO, 'examples', 'events', 'root-console-login-no-mfa.json'), null, null],
])('%s -> rootOnly %s', async (file, rootOnly, task) => {
  const r = await runCli(['simulate', file, '--json', '--config', path.join(REPO, 'rootwatch.config.json')]);
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(out).toMatchObject({ matched: true, rootOnly, rootOnlyTask: task });
}, 30_000);

it('the explanation names the verdict and its reason', async () => {
  const r = await runCli(['simulate', own('root-iam-deactivatemfadevice-synth.json'), '--config', path.join(REPO, 'rootwatch.config.json')]);
  expect(r.stdout).toMatch(/^Root task: a task only root can do: manage the root user's own MFA device \(a legitimate reason to use root: check it was planned\) \[/m);
}, 30_000);
