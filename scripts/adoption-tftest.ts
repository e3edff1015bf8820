/**
 * A `terraform test` file proving that a root module adopts (imports) what its `import` blocks
 * name instead of creating it. An offline plan cannot import (the provider would read the real
 * resource), so every provider is mocked (`mock_provider`, Terraform >= 1.7) and each imported
 * resource gets an `override_resource` standing for the resource AWS already has.
 *
 * Why the assertions prove adoption: in a `command = plan` run an override applies, by default,
 * only once a resource exists; a resource that is imported exists at plan time (its ID is the
 * override's), while one that would be created has an ID unknown until apply, and the assertion
 * cannot be evaluated. So `<address>.id == "<override>"` holds only for an import.
 *
 * The import targets sit in modules (`module.guardrails.aws_guardduty_detector.org_guardduty[0]`);
 * the modules' own data sources are mocked too, and the root's partition is given a real value.
 */

interface TfJson {
  provider?: { aws?: Array<{ alias?: string; region?: string }> };
  import?: Array<{ to: string; id: string; provider?: string }>;
}

/** Key of each imported resource type in the guardrails module's `singleton_ids` output. */
const SINGLETON_KEYS: Record<string, string> = {
  aws_guardduty_detector: 'guardduty_detector',
  aws_guardduty_organization_admin_account: 'guardduty_admin',
  aws_securityhub_account: 'securityhub_account',
  aws_securityhub_standards_subscription: 'securityhub_standards',
  aws_securityhub_organization_admin_account: 'securityhub_admin',
  aws_guardduty_organization_configuration: 'guardduty_organization_configuration',
  aws_securityhub_organization_configuration: 'securityhub_organization_configuration',
};

/**
 * What a run block can read of an imported resource: assertions see the root module only (module
 * outputs, not resources inside modules), so a module resource is read through the module's
 * `singleton_ids` output; a root resource directly.
 */
function importedIdExpression(to: string): string {
  const m = /^module\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\.[A-Za-z0-9_-]+(?:\[(.+)\])?$/.exec(to);
  if (!m) return `${to}.id`;
  const key = SINGLETON_KEYS[m[2]];
  if (!key) throw new Error(`${to}: no singleton_ids key for ${m[2]}`);
  return m[2] === 'aws_securityhub_standards_subscription' ? `module.${m[1]}.singleton_ids.${key}[${m[3]}]` : `module.${m[1]}.singleton_ids.${key}`;
}

/** The `.tftest.hcl` text for a synthesized root module (`cdk.tf.json`); throws when it imports nothing. */
export function adoptionTestFile(tf: TfJson, runName = 'adopts_existing_services'): string {
  const imports = tf.import ?? [];
  if (imports.length === 0) throw new Error('the configuration has no import blocks');
  const lines: string[] = [];
  for (const p of tf.provider?.aws ?? []) {
    // Mocked data sources return random strings, but the provider still validates ARNs built from
    // them: the partition and each provider's region get real values.
    const data = [
      '  mock_data "aws_partition" {\n    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }\n  }',
      ...(p.region ? [`  mock_data "aws_region" {\n    defaults = { name = ${JSON.stringify(p.region)}, id = ${JSON.stringify(p.region)} }\n  }`] : []),
    ];
    lines.push(`mock_provider "aws" {\n${p.alias ? `  alias = ${JSON.stringify(p.alias)}\n` : ''}${data.join('\n')}\n}`);
  }
  imports.forEach((imp, i) => lines.push(`override_resource {\n  target = ${imp.to}\n  values = { id = "existing-${i}" }\n}`));
  lines.push(`run ${JSON.stringify(runName)} {\n  command = plan`);
  imports.forEach((imp, i) => lines.push(`  assert {\n    condition     = ${importedIdExpression(imp.to)} == "existing-${i}"\n    error_message = ${JSON.stringify(`${imp.to} is not adopted (import ${imp.id})`)}\n  }`));
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
