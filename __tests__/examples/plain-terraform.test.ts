/**
 * examples/plain-terraform is hand-written, as a Terraform user would write it. Without terraform
 * installed, still check that it passes every provider alias each module declares and sets every
 * variable the modules require (the validation lane proves the rest with real terraform).
 */
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');
const mainTf = fs.readFileSync(path.join(root, 'examples', 'plain-terraform', 'main.tf'), 'utf8');

function moduleBlock(name: string): string {
  const start = mainTf.indexOf(`module "${name}" {`);
  if (start < 0) throw new Error(`no module "${name}" in main.tf`);
  let depth = 0;
  for (let i = mainTf.indexOf('{', start); i < mainTf.length; i++) {
    if (mainTf[i] === '{') depth++;
    if (mainTf[i] === '}' && --depth === 0) return mainTf.slice(start, i + 1);
  }
  throw new Error(`unterminated module "${name}"`);
}

describe.each(['hub', 'spoke', 'guardrails'])('examples/plain-terraform module "%s"', (name) => {
  const tf = JSON.parse(fs.readFileSync(path.join(root, 'terraform-out', 'modules', name, 'main.tf.json'), 'utf8'));
  const block = moduleBlock(name);

  it('uses the generated module by its relative path', () => {
    expect(block).toContain(`source = "../../terraform-out/modules/${name}"`);
  });

  it('passes the default provider and every configuration alias', () => {
    const passed = [...block.matchAll(/^\s*(aws(?:\.[a-z0-9_]+)?)\s*=\s*aws\.[a-z0-9_]+\s*$/gm)].map((m) => m[1]);
    const declared: string[] = tf.terraform.required_providers.aws.configuration_aliases;
    expect(passed.sort()).toEqual(['aws', ...declared].sort());
  });

  it('sets every variable without a default', () => {
    const required = Object.entries<{ default?: unknown }>(tf.variable).filter(([, v]) => !('default' in v)).map(([k]) => k);
    for (const v of required) expect([v, new RegExp(`^\\s*${v}\\s*=`, 'm').test(block)]).toEqual([v, true]);
  });
});

it('declares the four identity variables with their exact names', () => {
  for (const v of ['hub_account_id', 'spoke_account_id', 'spoke_account_assume_role_arn', 'spoke_account_external_id']) {
    expect(mainTf).toContain(`variable "${v}" {`);
  }
});
