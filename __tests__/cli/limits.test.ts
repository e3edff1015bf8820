/**
 * Apply-time limits through the real entry points: `rootwatch synth` refuses a config that crosses
 * an AWS quota (one line naming the field, exit 2, nothing written), and a 1,000-named-account
 * organization synthesizes within every limit of core/limits.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { checkConfig } from '../../cli/load-config';
import { limitViolations } from '../../cli/check-limits';
import { LAMBDA_BUNDLES } from '../../core/lambda-contract';
import { builtZips } from '../../build/paths';
import { App } from 'cdktf';
import { GuardrailsStack, HubStack, SpokeStack, spokeStackName } from '../../stacks/roots';
import { buildModulesApp } from '../../stacks/module-stacks';
import { moduleCatalog, writeModules, writeSpokeModules } from '../../cli/module-output';
import { LambdaCodeSet } from '../../stacks/lambda-code';
import { exampleRaw, manySpokes, minimalRaw, writeConfig } from '../helpers/configs';
import { ensureDist, runCli } from '../helpers/cli';
import { hashTree, rmrf, tempDir } from '../helpers/tree';

let tmp: string;
beforeAll(() => {
  ensureDist();
  tmp = tempDir('limits');
});
afterAll(() => rmrf(tmp));

describe('rootwatch synth refuses a config that crosses a quota', () => {
  it('51 tags: one line naming tags, exit 2, no output folder', async () => {
    const c = minimalRaw();
    c.tags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`tag${i}`, 'v']));
    const file = writeConfig(tmp, 'tags.json', c);
    const out = path.join(tmp, 'tags-out');
    const r = await runCli(['synth', '--config', file, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^rootwatch: tags: user tags on one resource \(default_tags included\) would be 51 items, over AWS's limit of 50 \(https:\/\/docs\.aws\.amazon\.com\/[^)]+\); at stacks\//);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(tmp).filter((f) => f.includes('staging'))).toEqual([]);
  });

  it('leaves a previous output byte for byte as it was', async () => {
    const out = path.join(tmp, 'kept-out');
    const ok = await runCli(['synth', '--config', writeConfig(tmp, 'ok.json', minimalRaw()), '--out', out]);
    expect(ok.code).toBe(0);
    const before = hashTree(out);
    const c = minimalRaw();
    c.tags = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`tag${i}`, 'v']));
    const r = await runCli(['synth', '--config', writeConfig(tmp, 'bad.json', c), '--out', out]);
    expect(r.code).toBe(2);
    expect(hashTree(out)).toEqual(before);
  });
});

describe('1,000 named accounts', () => {
  // The hub stack holds everything that grows with the number of accounts (notifier environment, bus
  // policy, heartbeat alarms); spokes are the same for every account, so the first and last suffice.
  let violations: ReturnType<typeof limitViolations>;
  beforeAll(() => {
    const raw = exampleRaw();
    raw.hub.organizationId = 'o-exampleorgid';
    raw.spokes = manySpokes(1000).map((s, i) => ({ ...s, name: `workload-team${String(i).padStart(4, '0')}-prod` }));
    const config = checkConfig(raw, tmp);
    expect(Object.keys(config.accountNames)).toHaveLength(1001);
    const zips = builtZips();
    const code = Object.fromEntries(LAMBDA_BUNDLES.map((n) => [n, zips[n]])) as unknown as LambdaCodeSet;
    const out = path.join(tmp, 'thousand');
    const spokes = [config.spokes[0], config.spokes[999]];
    // As cli/synth.ts builds it: the modules, then the roots that call them with the config's inputs.
    fs.mkdirSync(out, { recursive: true });
    const moduleStage = path.join(out, '.module-build');
    const modules = buildModulesApp(moduleStage, code);
    // the hub (which lists all 1,000), two of the spokes and the guardrails
    const catalog = moduleCatalog(modules.modules);
    const app = new App({ outdir: out });
    new HubStack(app, 'hub', config, catalog);
    for (const s of spokes) new SpokeStack(app, spokeStackName(s), config, s, catalog);
    if (config.orgGuardrails) new GuardrailsStack(app, 'guardrails', config, config.orgGuardrails, catalog);
    app.synth();
    modules.app.synth();
    writeModules(moduleStage, path.join(out, 'modules'), modules.modules);
    writeSpokeModules(path.join(out, 'modules'), [config.hub.regions, ...spokes.map((s) => s.regions)]);
    violations = limitViolations(out);
    if (process.env.ROOTWATCH_PRINT_LIMITS) console.log(JSON.stringify(violations.map((v) => [v.limitId, v.where, v.actual])));
  }, 120_000);

  // The account names live in the coverage ledger, not the notifier environment (4 KB in all).
  it('every limit holds, the notifier environment included', () => {
    expect(violations).toEqual([]);
  });
});
