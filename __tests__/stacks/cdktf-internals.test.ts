/**
 * stacks/cdktf-internals.ts: the quick toTerraform gives what cdktf's own TerraformStack.toTerraform
 * gives, on every deploy root and module stack of the example config (the gain: the two resolve
 * passes it skips were over half of a 1,000-account synth, README "Speed").
 */
import * as path from 'path';
import { TerraformStack } from 'cdktf';
import { stackToTerraform } from '../../stacks/cdktf-internals';
import { buildDeployApp, buildModulesApp } from '../../stacks/app';
import { moduleCatalog } from '../../cli/module-output';
import { checkConfig } from '../../cli/load-config';
import { exampleRaw, FIXTURES } from '../helpers/configs';
import { fakeCode } from '../helpers/stacks';
import { rmrf, tempDir } from '../helpers/tree';

const tmp = tempDir('cdktf-internals');
afterAll(() => rmrf(tmp));

const cdktfOwn = (stack: TerraformStack): unknown => {
  (stack as unknown as { prepareStack(): void }).prepareStack();
  return TerraformStack.prototype.toTerraform.call(stack);
};

describe('stackToTerraform', () => {
  const modules = buildModulesApp(path.join(tmp, 'modules'), fakeCode(tmp)).modules;
  const deploy = buildDeployApp(path.join(tmp, 'deploy'), checkConfig({ ...exampleRaw(), migrateFrom: '0.1.0' }, FIXTURES), moduleCatalog(modules));
  const stacks = [...deploy.node.children, ...Object.values(modules)].filter((c): c is TerraformStack => TerraformStack.isStack(c));

  it('covers the example\'s deploy roots and module stacks', () => {
    expect(stacks.map((s) => s.node.id).sort()).toEqual(['account', 'guardrails', 'guardrails', 'hub', 'hub', 'spoke-prod', 'spoke-region', 'spoke-staging']);
  });

  it.each(['guardrails', 'hub', 'spoke-prod', 'spoke-staging', 'account', 'spoke-region'])('equals cdktf\'s own toTerraform on %s', (id) => {
    const ofId = stacks.filter((s) => s.node.id === id);
    expect(ofId.length).toBeGreaterThanOrEqual(1);
    for (const stack of ofId) expect(stackToTerraform(stack)).toEqual(cdktfOwn(stack));
  });
});
