/**
 * `rootwatch simulate` tells coverage honestly, through the real CLI (yargs, dist/main.js) and the
 * example config: a root event of prod in a region no rule watches is matched by the patterns but
 * NOT COVERED, and --json says so in `covered`/`coverage`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ensureDist, runCli } from '../helpers/cli';
import { EXAMPLE_CONFIG, REPO } from '../helpers/configs';
import { rmrf, tempDir } from '../helpers/tree';

let tmp: string;
beforeAll(() => {
  ensureDist();
  tmp = tempDir('simulate-coverage');
});
afterAll(() => rmrf(tmp));

function eventIn(account: string, region: string): string {
  const event = JSON.parse(fs.readFileSync(path.join(REPO, '__tests__', 'fixtures', 'events', 'root-iam-deactivatemfadevice-synth.json'), 'utf8'));
  event.account = account;
  event.region = region;
  event.detail.recipientAccountId = account;
  event.detail.awsRegion = region;
  const file = path.join(tmp, `${account}-${region}.json`);
  fs.writeFileSync(file, JSON.stringify(event));
  return file;
}

describe('simulate coverage (CLI)', () => {
  it('prod in ap-southeast-2: Result leads with NOT COVERED; --json matched true, covered false', async () => {
    const file = eventIn('222222222222', 'ap-southeast-2');
    const human = await runCli(['simulate', file, '--config', EXAMPLE_CONFIG]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^Result: NOT COVERED: region ap-southeast-2 is not monitored for prod \(222222222222\)/m);
    expect(human.stdout).not.toMatch(/^Result: MATCHED/m);
    const json = await runCli(['simulate', file, '--config', EXAMPLE_CONFIG, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      matched: true,
      covered: false,
      coverage: 'region ap-southeast-2 is not monitored for prod (222222222222)',
    });
  });

  it('an account the config does not monitor: NOT COVERED naming the account', async () => {
    const r = await runCli(['simulate', eventIn('999999999999', 'us-east-1'), '--config', EXAMPLE_CONFIG, '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ matched: true, covered: false, coverage: expect.stringMatching(/^account 999999999999 is not monitored/) });
  });

  it('prod in eu-west-1 and the management account (guardrails.managementAccount) in us-east-1 are covered', async () => {
    for (const [account, region] of [['222222222222', 'eu-west-1'], ['444444444444', 'us-east-1'], ['111111111111', 'eu-central-1']]) {
      const r = await runCli(['simulate', eventIn(account, region), '--config', EXAMPLE_CONFIG, '--json']);
      expect(JSON.parse(r.stdout)).toMatchObject({ matched: true, covered: true, coverage: null });
      const human = await runCli(['simulate', eventIn(account, region), '--config', EXAMPLE_CONFIG]);
      expect(human.stdout).toMatch(/^Result: MATCHED: activity alert/m);
    }
  });
});
