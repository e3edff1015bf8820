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
 */

interface TfJson {
  provider?: { aws?: Array<{ alias?: string }> };
  data?: Record<string, Record<string, unknown>>;
  import?: Array<{ to: string; id: string; provider?: string }>;
}

/** The `.tftest.hcl` text for a synthesized root module (`cdk.tf.json`); throws when it imports nothing. */
export function adoptionTestFile(tf: TfJson, runName = 'adopts_existing_services'): string {
  const imports = tf.import ?? [];
  if (imports.length === 0) throw new Error('the configuration has no import blocks');
  const lines: string[] = [];
  for (const p of tf.provider?.aws ?? []) lines.push(p.alias ? `mock_provider "aws" {\n  alias = ${JSON.stringify(p.alias)}\n}` : 'mock_provider "aws" {}');
  // Mocked data sources return random strings: give the partition a real value (ARNs are validated).
  for (const name of Object.keys(tf.data?.aws_partition ?? {})) {
    lines.push(`override_data {\n  target = data.aws_partition.${name}\n  values = { partition = "aws" }\n}`);
  }
  imports.forEach((imp, i) => lines.push(`override_resource {\n  target = ${imp.to}\n  values = { id = "existing-${i}" }\n}`));
  lines.push(`run ${JSON.stringify(runName)} {\n  command = plan`);
  imports.forEach((imp, i) => lines.push(`  assert {\n    condition     = ${imp.to}.id == "existing-${i}"\n    error_message = ${JSON.stringify(`${imp.to} is not adopted (import ${imp.id})`)}\n  }`));
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
