/**
 * The JSON of the deploy roots (cdk.tf.json): compact but reviewable. The top levels are indented
 * as cdktf writes them (block type, block name, argument: one per line), and every value below
 * them (a provider entry, a variable's validation, a module input, an output value, a moved block)
 * sits on one line of compact JSON, so a change to one provider or argument is a one-line diff.
 * Keys are sorted as cdktf sorts them. Written for issue 10's per-account size: on a spoke root of
 * 17 regions this is about half of cdktf's fully indented form (numbers in README "Output size").
 */

/** Objects above this depth are written one key per line (root = 0); `resource` blocks one level more. */
const EXPANDED_DEPTH = 3;

function inline(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : inline(x))).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${inline(o[k])}`).join(',')}}`;
}

function render(v: unknown, depth: number, indent: string, underResource: boolean, expanded: number, underModule = false): string {
  if (v === null || typeof v !== 'object') return inline(v);
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    // An array of blocks (providers, moved blocks) or a module input's list of objects is one element
    // per line; a list of values, or of a block's nested blocks (a variable's validation), is one line.
    if (depth > expanded - (underModule ? 0 : 1) || v.length === 0 || v.every((x) => x === null || typeof x !== 'object')) return inline(v);
    return `[\n${v.map((x) => `${inner}${inline(x)}`).join(',\n')}\n${indent}]`;
  }
  if (depth >= expanded + (underResource ? 1 : 0)) return inline(v);
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort().filter((k) => o[k] !== undefined);
  if (keys.length === 0) return '{}';
  return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${render(o[k], depth + 1, inner, underResource || (depth === 0 && k === 'resource'), expanded, underModule || (depth === 0 && k === 'module'))}`).join(',\n')}\n${indent}}`;
}

/** A Terraform JSON document in the reviewable compact form (no final newline, as cdktf writes). `expanded`: depths written one key per line. */
export function reviewableJson(tf: unknown, expanded = EXPANDED_DEPTH): string {
  return render(tf, 0, '', false, expanded);
}
