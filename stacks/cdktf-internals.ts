/**
 * The synthesis-time seams into cdktf 0.21.0 internals, in one file (the load-time ones, which must
 * run before cdktf is loaded, are in cli/cdktf-seams.ts):
 * - `stackToTerraform`: cdktf's TerraformStack.toTerraform(), cheaper (below);
 * - `makeUniqueId`: cdktf's logical ID of a construct path, the resource addresses rootwatch 0.1.0
 *   deployed, which the opt-in `moved` blocks start from (stacks/base.ts, stacks/roots.ts).
 *
 * cdktf's TerraformStack.toTerraform(), cheaper, for the stacks rootwatch synthesizes (deploy roots
 * and module stacks). cdktf resolves each element, merges the results and then resolves the merged
 * whole a second time, although only the raw overrides can still hold tokens by then; and its
 * resolver visits every string and number with regular expressions. Here plain data is walked
 * directly and cdktf's resolver is called only where a token or an escape can be. Same output byte
 * for byte (checked on the example and on 100 accounts, with and without migration blocks); the
 * two resolve passes were over half of a 1,000-account synth (node --cpu-prof).
 */
import { IConstruct } from 'constructs';
import { TerraformElement, TerraformOutput, TerraformStack } from 'cdktf';
import { resolve } from 'cdktf/lib/_tokens';
import { deepMerge } from 'cdktf/lib/util';

export { makeUniqueId } from 'cdktf/lib/private/unique';

export function stackToTerraform(stack: TerraformStack): any {
  const self = stack as unknown as { rawOverrides: Record<string, unknown>; cdktfVersion: string };
  const elements = terraformElements(stack);
  const metadata: Record<string, unknown> = {
    version: self.cdktfVersion,
    stackName: stack.node.id,
    backend: 'local', // overwritten by the backend's metadata, as in cdktf
    ...(Object.keys(self.rawOverrides).length > 0 ? { overrides: { stack: Object.keys(self.rawOverrides) } } : {}),
  };
  for (const e of elements) deepMerge(metadata, quickResolve(stack, e.toMetadata()));
  const outputs: Record<string, unknown> = {};
  for (const e of elements) {
    if (!TerraformOutput.isTerraformOutput(e)) continue;
    deepMerge(outputs, e.node.path.split('/').reduceRight<Record<string, unknown>>((inner, part) => ({ [part]: Object.keys(inner).length === 0 ? e.friendlyUniqueId : inner }), {}));
  }
  const tf: Record<string, any> = { '//': { metadata, outputs } };
  for (const e of elements) deepMerge(tf, quickResolve(stack, e.toTerraform()));
  deepMerge(tf, quickResolve(stack, self.rawOverrides));
  return tf;
}

/** The Terraform elements of a stack, in construct order (cdktf's own walk, which it does not export). */
function terraformElements(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) if (!TerraformStack.isStack(child)) terraformElements(child, into);
  return into;
}

const mayHoldToken = (x: unknown): boolean => (typeof x === 'string' && (x.includes('{') || x.includes('e+'))) || (typeof x === 'number' && Math.abs(x) > 1e200);

/**
 * cdktf's resolve() for the data elements give: plain objects, arrays and literals are walked here
 * (undefined values dropped, as cdktf does), and cdktf's resolver is called for what may hold a
 * token: strings with `{` (token markers and `${` escapes) or `e+` (concatenated number tokens),
 * numbers beyond 1e200 (encoded number tokens), arrays holding either (list tokens), objects that
 * are not plain data (resolvables) and objects with such keys (map tokens).
 */
function quickResolve(scope: IConstruct, value: unknown): any {
  switch (typeof value) {
    case 'undefined':
      return undefined;
    case 'boolean':
      return value;
    case 'string':
    case 'number':
      return mayHoldToken(value) ? resolve(scope, value) : value;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        if (value.some(mayHoldToken)) return resolve(scope, value);
        return value.map((x) => quickResolve(scope, x)).filter((x) => x !== undefined);
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return resolve(scope, value);
      const keys = Object.keys(value);
      if (keys.some(mayHoldToken)) return resolve(scope, value);
      const out: Record<string, unknown> = {};
      for (const k of keys) {
        const v = quickResolve(scope, (value as Record<string, unknown>)[k]);
        if (v !== undefined) out[k] = v;
      }
      return out;
    }
    default:
      return resolve(scope, value);
  }
}
