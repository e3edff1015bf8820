/**
 * npm run docs — regenerates the README sections that come from code, between
 * `<!-- BEGIN GENERATED: name -->` and `<!-- END GENERATED: name -->`: the config reference (from the
 * JSON Schema), module variables and outputs (from terraform-out/modules), the diagram of the
 * example config, and the alerts the example event gives (from the Lambdas' own formatting code).
 * `--check` exits 1 when README.md is stale instead of writing it.
 */
import * as fs from 'fs';
import * as path from 'path';
import schema from '../rootwatch.schema.json';
import { REPO_ROOT } from '../build/paths';
import { loadConfig } from '../cli/load-config';
import type { RootwatchConfig } from '../core/config';
import { renderDiagram } from '../cli/diagram';
import { runSimulate } from '../cli/simulate';
import { LAMBDA_ACTIONS, LAMBDA_BUNDLES, LAMBDA_IMPLICIT, LAMBDA_IMPLICIT_ACTIONS } from '../core/lambda-contract';

const README = path.join(REPO_ROOT, 'README.md');
const EXAMPLE_EVENT = path.join(REPO_ROOT, 'examples', 'events', 'root-console-login-no-mfa.json');

interface SchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  oneOf?: SchemaNode[];
  additionalProperties?: boolean | SchemaNode;
  errorHint?: string;
  required?: string[];
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function typeOf(n: SchemaNode): string {
  if (n.const !== undefined) return `\`${JSON.stringify(n.const)}\``;
  if (n.enum && n.enum.length <= 4) return n.enum.map((e) => `\`${JSON.stringify(e)}\``).join(' \\| ');
  if (n.type === 'array') return `${n.items ? typeOf(n.items) : 'any'}[]`;
  if (n.oneOf) return n.oneOf.map(typeOf).join(' \\| ');
  return String(n.type ?? 'object');
}

/** One row per documented field of the schema, depth first. */
export function configReference(): string {
  const rows: string[] = ['| field | type | default | description |', '|---|---|---|---|'];
  const walk = (node: SchemaNode, at: string, required: boolean) => {
    if (at && at !== '$schema') {
      const desc = [node.description, node.errorHint && !node.description?.includes(node.errorHint) ? `Value ${node.errorHint}.` : '']
        .filter(Boolean)
        .join(' ');
      const def = node.default !== undefined ? `\`${JSON.stringify(node.default)}\`` : required ? '**required**' : '';
      rows.push(`| \`${at}\` | ${typeOf(node)} | ${def} | ${cell(desc)} |`);
    }
    const props = node.properties ?? node.items?.properties;
    const req = node.required ?? node.items?.required ?? [];
    const base = node.items?.properties ? `${at}[]` : at;
    for (const [k, v] of Object.entries(props ?? {})) walk(v, base ? `${base}.${k}` : k, req.includes(k));
    // A oneOf picked by its `type` (backend): the selector gets its own row, then each variant's fields.
    const selectors = (node.oneOf ?? []).map((b) => b.properties?.type);
    if (node.oneOf && !props && selectors.every((t) => t?.const !== undefined)) {
      const choices = selectors.map((t) => `\`${JSON.stringify(t?.const)}\`${t?.description ? `: ${t.description}` : ''}`).join('; ');
      rows.push(`| \`${at}.type\` | ${selectors.map((t) => typeOf(t as SchemaNode)).join(' \\| ')} | **required** | ${cell(`Selects the kind: ${choices}.`)} |`);
    }
    if (node.oneOf && !props) node.oneOf.forEach((branch) => {
      for (const [k, v] of Object.entries(branch.properties ?? {})) if (k !== 'type') walk(v, `${at}.${k} (${JSON.stringify(branch.properties?.type?.const)})`, (branch.required ?? []).includes(k));
    });
  };
  walk(schema as SchemaNode, '', false);
  return rows.join('\n');
}

/** How a module takes its providers: the default `aws`, or (a composition module) one alias per region. */
function providerLine(versions: { terraform?: { required_providers?: { aws?: { configuration_aliases?: string[] } } } }): string {
  const aliases = versions.terraform?.required_providers?.aws?.configuration_aliases ?? [];
  if (aliases.length === 0) return 'Provider: `aws` (default; its region is the module\'s region).';
  return `Providers: one alias per region, ${aliases.map((a) => `\`${a}\``).join(', ')} (\`configuration_aliases\`; pass each in \`providers\`).`;
}

/** Variables and outputs of each generated module (variables.tf.json, outputs.tf.json); each module's README.md has the same. */
function moduleInterfaces(outDir: string): string {
  const parts: string[] = [];
  const modulesDir = path.join(outDir, 'modules');
  const read = (name: string, file: string) => JSON.parse(fs.readFileSync(path.join(modulesDir, name, file), 'utf8'));
  for (const name of fs.readdirSync(modulesDir).sort()) {
    const variables = read(name, 'variables.tf.json').variable ?? {};
    const outputs = read(name, 'outputs.tf.json').output ?? {};
    parts.push(`#### \`modules/${name}\``, '');
    parts.push(providerLine(read(name, 'versions.tf.json')), '');
    parts.push('| variable | type | default | description |', '|---|---|---|---|');
    for (const [v, spec] of Object.entries<{ type?: string; description?: string; default?: unknown; nullable?: boolean }>(variables)) {
      const def = spec.default === undefined ? (spec.nullable ? 'required (may be null)' : 'required') : `\`${JSON.stringify(spec.default)}\``;
      parts.push(`| \`${v}\` | ${cell(spec.type ?? 'any')} | ${def} | ${cell(spec.description ?? '')} |`);
    }
    parts.push('', '| output | description |', '|---|---|');
    for (const [o, spec] of Object.entries<{ description?: string }>(outputs)) parts.push(`| \`${o}\` | ${cell(spec.description ?? '')} |`);
    parts.push('');
  }
  return parts.join('\n').trimEnd();
}

/** Variables of the deploy stacks (one row per variable, with the stacks that declare it). */
function stackVariables(outDir: string): string {
  const stacksDir = path.join(outDir, 'stacks');
  const rows = new Map<string, { type: string; description: string; sensitive: boolean; stacks: string[] }>();
  for (const stack of fs.readdirSync(stacksDir).sort()) {
    const tf = JSON.parse(fs.readFileSync(path.join(stacksDir, stack, 'cdk.tf.json'), 'utf8'));
    for (const [v, spec] of Object.entries<{ type?: string; description?: string; sensitive?: boolean }>(tf.variable ?? {})) {
      const row = rows.get(v) ?? { type: spec.type ?? 'any', description: spec.description ?? '', sensitive: Boolean(spec.sensitive), stacks: [] };
      row.stacks.push(stack);
      rows.set(v, row);
    }
  }
  const lines = ['| variable | type | stacks | description |', '|---|---|---|---|'];
  for (const [v, r] of rows) {
    const stacks = r.stacks.map((x) => `\`${x}\``).join(', ');
    lines.push(`| \`${v}\` | ${r.type}${r.sensitive ? ' (sensitive)' : ''} | ${stacks} | ${cell(r.description)} |`);
  }
  return lines.join('\n');
}

async function alertExamples(config: RootwatchConfig): Promise<string> {
  const render = async (target: 'slack' | 'pagerduty' | 'email') =>
    JSON.parse((await runSimulate({ input: EXAMPLE_EVENT, json: false, render: target, config })).stdout);
  const email = await render('email');
  const rawAt = email.body.indexOf('\nRaw event:');
  const body = rawAt > 0 ? `${email.body.slice(0, rawAt)}\nRaw event:\n{ …the full EventBridge event, pretty-printed… }` : email.body;
  return [
    'Email (`subject`, then `body`):',
    '',
    '```text',
    email.subject,
    '',
    body.trimEnd(),
    '```',
    '',
    'Slack (incoming-webhook body):',
    '',
    '```json',
    JSON.stringify(await render('slack'), null, 2),
    '```',
    '',
    'PagerDuty (Events API v2 body; the routing key is read from SSM at run time):',
    '',
    '```json',
    JSON.stringify(await render('pagerduty'), null, 2),
    '```',
  ].join('\n');
}

export async function generatedSections(outDir = path.join(REPO_ROOT, 'terraform-out')): Promise<Record<string, string>> {
  const config = loadConfig(path.join(REPO_ROOT, 'rootwatch.config.json'));
  const explain = await runSimulate({ input: EXAMPLE_EVENT, json: false, config });
  return {
    'config-reference': configReference(),
    'module-interfaces': moduleInterfaces(outDir),
    'stack-variables': stackVariables(outDir),
    diagram: ['```mermaid', renderDiagram(config).trimEnd(), '```'].join('\n'),
    'simulate-example': ['```text', `$ npx rootwatch simulate examples/events/root-console-login-no-mfa.json`, explain.stdout.trimEnd(), '```'].join('\n'),
    'alert-examples': await alertExamples(config),
  };
}

const LAMBDAS_README = path.join(REPO_ROOT, 'lambdas', 'README.md');

/** lambdas/README.md's permissions table, from core/lambda-contract.ts (the list the roles are built from). */
export function lambdaPermissions(): string {
  const rows = ['| bundle | sent by its code (per resource) | implicit (AWS acts with the role) |', '|---|---|---|'];
  for (const name of LAMBDA_BUNDLES) {
    const sent = Object.entries<readonly string[]>(LAMBDA_ACTIONS[name]).map(([res, actions]) => `${res}: ${actions.map((a) => `\`${a}\``).join(', ')}`);
    const implicit = LAMBDA_IMPLICIT[name].map((k) => `${k}: ${LAMBDA_IMPLICIT_ACTIONS[k].map((a) => `\`${a}\``).join(', ')}`);
    rows.push(`| \`${name}\` | ${sent.join('<br>')} | ${implicit.join('<br>')} |`);
  }
  return rows.join('\n');
}

/** README text with every generated section replaced; throws when a marker is missing. */
export function fillSections(readme: string, sections: Record<string, string>): string {
  let out = readme;
  for (const [name, body] of Object.entries(sections)) {
    const re = new RegExp(`(<!-- BEGIN GENERATED: ${name} -->\\n)[\\s\\S]*?(<!-- END GENERATED: ${name} -->)`);
    if (!re.test(out)) throw new Error(`README.md has no generated section "${name}"`);
    out = out.replace(re, (_m, begin: string, end: string) => `${begin}${body}\n${end}`);
  }
  return out;
}

async function main(): Promise<void> {
  const files = [
    { file: README, sections: await generatedSections() },
    { file: LAMBDAS_README, sections: { permissions: lambdaPermissions() } },
  ];
  for (const { file, sections } of files) {
    const name = path.relative(REPO_ROOT, file);
    const current = fs.readFileSync(file, 'utf8');
    const next = fillSections(current, sections);
    if (process.argv.includes('--check')) {
      if (next !== current) {
        console.error(`docs: ${name} is stale; run \`npm run docs\``);
        process.exitCode = 1;
      } else console.log(`docs: ${name} is up to date`);
      continue;
    }
    fs.writeFileSync(file, next);
    console.log(next === current ? `docs: ${name} already up to date` : `docs: ${name} regenerated`);
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`docs: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
