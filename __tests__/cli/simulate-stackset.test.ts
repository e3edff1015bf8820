/**
 * `rootwatch simulate --ou-export` (issue 15): an account of a targeted OU (ACTIVE in the export)
 * reads exactly as covered as a listed spoke; without the export, or SUSPENDED, it is not.
 */
import * as fs from 'fs';
import * as path from 'path';
import { REPO, writeConfig, Json } from '../helpers/configs';
import { ensureDist, runCli, stderrLines } from '../helpers/cli';
import { rmrf, tempDir } from '../helpers/tree';

const EXAMPLE = path.join(REPO, 'examples', 'stackset', 'rootwatch.config.json');
const EVENT = path.join(REPO, 'examples', 'events', 'root-console-login-no-mfa.json'); // account 222222222222, us-east-1
let tmp: string;
let exportFile: string;
let eventIn: (region: string) => string;
beforeAll(() => {
  ensureDist();
  tmp = tempDir('simulate-stackset');
  exportFile = writeConfig(tmp, 'ou-ab12-workload1.json', { Accounts: [
    { Id: '222222222222', Name: 'prod', State: 'ACTIVE' },
    { Id: '333333333333', Name: 'closing', State: 'SUSPENDED' },
  ] });
  eventIn = (region: string) => {
    const e = JSON.parse(fs.readFileSync(EVENT, 'utf8'));
    e.region = region;
    e.detail.awsRegion = region;
    return writeConfig(tmp, `event-${region}.json`, e);
  };
});
afterAll(() => rmrf(tmp));

const json = async (args: string[]) => {
  const r = await runCli(['simulate', '--json', ...args]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Json;
};

describe('simulate in stackset mode', () => {
  it('an account of a targeted OU has the same coverage as a listed spoke, region by region', async () => {
    // the same organization in stacks mode, the account listed as a spoke
    const listed: Json = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8'));
    delete listed.spokeDelivery;
    delete listed.stackSet;
    delete listed.$schema;
    listed.spokes = [{ name: 'prod', accountId: '222222222222', assumeRoleArn: 'arn:aws:iam::222222222222:role/x' }];
    const listedConfig = writeConfig(tmp, 'listed.json', listed);
    for (const region of ['us-east-1', 'eu-west-1', 'ap-south-1']) {
      const viaOu = await json([eventIn(region), '--config', EXAMPLE, '--ou-export', exportFile]);
      const viaSpoke = await json([eventIn(region), '--config', listedConfig]);
      expect(viaOu).toEqual(viaSpoke);
      expect(viaOu.covered).toBe(region !== 'ap-south-1');
    }
  }, 120_000);

  it('without the export the account is not covered, and the reason says how to tell simulate', async () => {
    const out = await json([eventIn('us-east-1'), '--config', EXAMPLE]);
    expect(out.covered).toBe(false);
    expect(out.coverage).toMatch(/in stackset mode give --ou-export/);
  });

  it('a SUSPENDED account of the export is not covered (stack sets keep ACTIVE accounts only)', async () => {
    const e = JSON.parse(fs.readFileSync(EVENT, 'utf8'));
    e.account = '333333333333';
    e.detail.recipientAccountId = '333333333333';
    const out = await json([writeConfig(tmp, 'event-suspended.json', e), '--config', EXAMPLE, '--ou-export', exportFile]);
    expect(out.covered).toBe(false);
  });

  it('--ou-export without a stackset config: one line naming the flag, exit 2', async () => {
    const r = await runCli(['simulate', '--json', EVENT, '--config', path.join(REPO, 'rootwatch.config.json'), '--ou-export', exportFile]);
    expect(r.code).toBe(2);
    expect(stderrLines(r)).toEqual([expect.stringMatching(/^rootwatch: --ou-export: needs a config with "spokeDelivery": "stackset"/)]);
  });
});
