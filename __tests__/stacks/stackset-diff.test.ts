/**
 * What `cdktf diff stackset` / `terraform plan` shows when a rule pattern changes (issue 15, README):
 * real Terraform (offline) over the stackset root with a state holding the stack set as deployed
 * with an older pattern. Expected: one in-place update of the stack set whose template_body diff is
 * rendered as JSON down to the changed pattern value, the instances untouched, and no
 * administration_role_arn diff (ignored).
 */
import * as fs from 'fs';
import * as path from 'path';
import { synthesize } from '../../cli/synth';
import { loadConfig } from '../../cli/load-config';
import { offlineEnv, offlineOverride, PLUGIN_DIR, providerSettings, run, terraformAvailable } from '../../scripts/terraform-offline';
import { REPO } from '../helpers/configs';
import { rmrf, tempDir } from '../helpers/tree';

const missing = !terraformAvailable() ? 'terraform is not on PATH' : !fs.existsSync(PLUGIN_DIR) ? `${PLUGIN_DIR} is missing` : undefined;
if (missing) console.log(`stackset diff test skipped: ${missing}`);
const maybe = missing ? it.skip : it;

let tmp: string;
beforeAll(() => {
  tmp = tempDir('stackset-diff');
});
afterAll(() => rmrf(tmp));

maybe('a changed pattern is an in-place update of the stack set template, shown as a JSON diff', async () => {
  const out = path.join(tmp, 'out');
  await synthesize(loadConfig(path.join(REPO, 'examples', 'stackset', 'rootwatch.config.json')), out);
  const dir = path.join(out, 'stacks', 'stackset');
  const { aliases, assumesRole, hasDefault } = providerSettings(dir);
  fs.writeFileSync(path.join(dir, 'zz_offline_override.tf.json'), offlineOverride(aliases, assumesRole, hasDefault));
  const tf = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'));
  const [name, set] = Object.entries<any>(tf.resource.aws_cloudformation_stack_set)[0]; // eslint-disable-line @typescript-eslint/no-explicit-any
  // deployed earlier with one more (made-up) identity type in the root pattern
  const deployedBody = set.template_body.replace(/\$\$\{/g, '${').replace('"type":["Root"]', '"type":["Root","Removed-later"]');
  expect(deployedBody).toContain('Removed-later');
  const attributes = {
    id: set.name, name: set.name, arn: `arn:aws:cloudformation:eu-west-1:444444444444:stackset/${set.name}:x`, stack_set_id: `${set.name}:x`,
    permission_model: 'SERVICE_MANAGED', call_as: 'SELF', capabilities: set.capabilities, description: set.description,
    auto_deployment: [{ enabled: true, retain_stacks_on_account_removal: false }], managed_execution: [{ active: true }],
    operation_preferences: [{ failure_tolerance_count: 0, failure_tolerance_percentage: 10, max_concurrent_count: 0, max_concurrent_percentage: 25, region_concurrency_type: 'PARALLEL', region_order: [] }],
    parameters: { HubAccountId: '111111111111' }, template_body: deployedBody, template_url: '', tags: {}, tags_all: {}, execution_role_name: '',
    // set by AWS for service-managed sets: the permanent diff the lifecycle block ignores
    administration_role_arn: 'arn:aws:iam::444444444444:role/aws-service-role/stacksets.cloudformation.amazonaws.com/AWSServiceRoleForCloudFormationStackSetsOrgAdmin',
    timeouts: null,
  };
  fs.writeFileSync(path.join(dir, 'terraform.tfstate'), JSON.stringify({
    version: 4, terraform_version: '1.11.4', serial: 1, lineage: 'rootwatch-test', outputs: {},
    resources: [{ mode: 'managed', type: 'aws_cloudformation_stack_set', name, provider: `provider["registry.terraform.io/hashicorp/aws"].${set.provider.replace(/^aws\./, '')}`, instances: [{ schema_version: 0, attributes, sensitive_attributes: [] }] }],
  }));
  const env = offlineEnv(tmp);
  const init = await run(['init', '-input=false', '-no-color', `-plugin-dir=${PLUGIN_DIR}`], dir, env);
  expect(init.code).toBe(0);
  const plan = await run(['plan', '-input=false', '-lock=false', '-refresh=false', '-no-color', `-target=aws_cloudformation_stack_set.${name}`], dir, env);
  expect(plan.code).toBe(0);
  const text = plan.stdout;
  expect(text).toContain(`aws_cloudformation_stack_set.${name} will be updated in-place`);
  expect(text).toMatch(/~ template_body\s+= jsonencode\(/);
  expect(text).toMatch(/EventPattern = \{[\s\S]*- "Removed-later",/);
  expect(text).not.toMatch(/administration_role_arn/);
  expect(text).toContain('Plan: 0 to add, 1 to change, 0 to destroy.');
}, 300_000);
