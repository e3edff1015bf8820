/**
 * Terraform JSON (what cdktf writes) -> HCL native syntax, for the generated plain-Terraform roots
 * and examples. Covers the block types rootwatch's roots use: terraform, provider, variable, data,
 * module, output, moved, import, removed, locals. String values keep their template meaning (`${...}` is the same
 * in both syntaxes); a string that is exactly one interpolation is written as the bare expression.
 */

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** Nested blocks (not attributes) inside provider/variable blocks. */
const BLOCK_KEYS = new Set(['assume_role', 'default_tags', 'validation', 'lifecycle', 'precondition', 'postcondition']);

const NEEDS_ESCAPE = /[\\"\n\r\t]/;

export function hclString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

/** `${expr}` -> `expr` when the whole string is one interpolation; else undefined. */
export function bareExpression(s: string): string | undefined {
  if (!s.startsWith('${') || !s.endsWith('}')) return undefined;
  let depth = 1;
  for (let i = 2; i < s.length; i++) {
    if (s[i] === '{') depth++;
    else if (s[i] === '}') {
      depth--;
      if (depth === 0 && i !== s.length - 1) return undefined;
    }
  }
  const inner = s.slice(2, -1);
  return depth === 0 && !inner.includes('${') ? inner : undefined;
}

function key(k: string): string {
  return IDENT.test(k) ? k : hclString(k);
}

const scalar = (x: unknown) => typeof x !== 'object' || x === null;
/** An object whose values are scalars or lists of scalars. */
const flatObject = (x: unknown) => typeof x === 'object' && x !== null && !Array.isArray(x) && Object.values(x).every((y) => scalar(y) || (Array.isArray(y) && y.every(scalar)));

function hclValue(v: unknown, indent: string): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return bareExpression(v) ?? hclString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (v.every((x) => typeof x !== 'object' || x === null)) return `[${v.map((x) => hclValue(x, inner)).join(', ')}]`;
    // A list of flat objects (e.g. the coverage set's accounts): one object per line.
    if (v.every(flatObject)) return `[\n${v.map((x) => `${inner}{ ${Object.entries(x as Record<string, unknown>).map(([k, y]) => `${key(k)} = ${hclValue(y, inner)}`).join(', ')} },`).join('\n')}\n${indent}]`;
    return `[\n${v.map((x) => `${inner}${hclValue(x, inner)},`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(v as Record<string, unknown>).filter(([k]) => k !== '//');
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, x]) => `${inner}${key(k)} = ${hclValue(x, inner)}`).join('\n')}\n${indent}}`;
}

/** The body of a block: attributes, then nested blocks (arrays of objects under BLOCK_KEYS). */
const NONE: ReadonlySet<string> = new Set();
/** Nested blocks of the resources a root may declare (aws_cloudformation_stack_set and its instances). */
const RESOURCE_BLOCK_KEYS = new Set([...BLOCK_KEYS, 'auto_deployment', 'managed_execution', 'operation_preferences', 'deployment_targets']);

function body(obj: Record<string, unknown>, indent: string, bare: ReadonlySet<string> = NONE, blocks: ReadonlySet<string> = BLOCK_KEYS): string {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (k === '//') continue;
    if (blocks.has(k) && (Array.isArray(v) || (typeof v === 'object' && v !== null))) {
      for (const b of Array.isArray(v) ? v : [v]) lines.push(`${indent}${k} {\n${body(b as Record<string, unknown>, `${indent}  `, NONE, k === 'lifecycle' ? NONE : blocks)}\n${indent}}`);
    } else if (k === 'depends_on' && Array.isArray(v)) {
      lines.push(`${indent}depends_on = [${v.map((x) => bareExpression(String(x)) ?? String(x)).join(', ')}]`);
    } else if (k === 'ignore_changes' && Array.isArray(v)) {
      lines.push(`${indent}${k} = [${v.join(', ')}]`); // attribute names, bare in HCL
    } else if (bare.has(k) && typeof v === 'string') {
      lines.push(`${indent}${k} = ${v}`);
    } else if (k === 'providers' && typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const ps = Object.entries(v as Record<string, string>).map(([a, p]) => `${indent}  ${a} = ${p}`);
      lines.push(`${indent}providers = {\n${ps.join('\n')}\n${indent}}`);
    } else {
      lines.push(`${indent}${k} = ${hclValue(v, indent)}`);
    }
  }
  return lines.join('\n');
}

/** A whole Terraform JSON document as HCL. */
export function toHcl(tf: Record<string, any>, header?: string): string {
  const out: string[] = header ? [header.split('\n').map((l) => `# ${l}`.trimEnd()).join('\n')] : [];
  const t = tf.terraform;
  if (t) {
    const parts: string[] = [];
    if (t.required_version) parts.push(`  required_version = ${hclString(t.required_version)}`);
    if (t.required_providers) {
      parts.push(`  required_providers {\n${Object.entries(t.required_providers).map(([n, p]) => `    ${n} = ${hclValue(p, '    ')}`).join('\n')}\n  }`);
    }
    for (const [type, cfg] of Object.entries<Record<string, unknown>>(t.backend ?? {})) {
      const b = body(cfg, '    ');
      parts.push(b === '' ? `  backend ${hclString(type)} {}` : `  backend ${hclString(type)} {\n${b}\n  }`);
    }
    out.push(`terraform {\n${parts.join('\n')}\n}`);
  }
  for (const [name, list] of Object.entries<any>(tf.provider ?? {})) {
    for (const p of Array.isArray(list) ? list : [list]) out.push(`provider ${hclString(name)} {\n${body(p, '  ')}\n}`);
  }
  for (const [name, v] of Object.entries<any>(tf.variable ?? {})) out.push(`variable ${hclString(name)} {\n${body(v, '  ', new Set(['type']))}\n}`);
  if (tf.locals) out.push(`locals {\n${body(tf.locals, '  ')}\n}`);
  for (const [type, byName] of Object.entries<any>(tf.data ?? {})) {
    for (const [name, d] of Object.entries<any>(byName)) out.push(`data ${hclString(type)} ${hclString(name)} {\n${body(d, '  ', new Set(['provider']))}\n}`);
  }
  // Resources (the stackset root's stack set, issue 15): nested blocks by name, references bare.
  for (const [type, byName] of Object.entries<any>(tf.resource ?? {})) {
    for (const [name, r] of Object.entries<any>(byName)) {
      const refs = { ...r, ...(Array.isArray(r.depends_on) ? { depends_on: `[${r.depends_on.map((d: string) => bareExpression(`\${${d}}`) ?? d).join(', ')}]` } : {}) };
      out.push(`resource ${hclString(type)} ${hclString(name)} {\n${body(refs, '  ', new Set(['provider', 'depends_on']), RESOURCE_BLOCK_KEYS)}\n}`);
    }
  }
  for (const [name, m] of Object.entries<any>(tf.module ?? {})) out.push(`module ${hclString(name)} {\n${body(m, '  ')}\n}`);
  for (const [name, o] of Object.entries<any>(tf.output ?? {})) out.push(`output ${hclString(name)} {\n${body(o, '  ')}\n}`);
  for (const m of tf.moved ?? []) out.push(`moved {\n  from = ${m.from}\n  to   = ${m.to}\n}`);
  for (const i of tf.import ?? []) {
    out.push(`import {\n  to = ${i.to}\n  id = ${hclValue(i.id, '  ')}${i.provider ? `\n  provider = ${i.provider}` : ''}\n}`);
  }
  for (const r of tf.removed ?? []) {
    const lifecycle = r.lifecycle ? `\n  lifecycle {\n${body(r.lifecycle, '    ')}\n  }` : '';
    out.push(`removed {\n  from = ${r.from}${lifecycle}\n}`);
  }
  return `${out.join('\n\n')}\n`;
}
