/**
 * Apply-time limits over a synthesized output folder (core/limits.ts): every deploy stack and every
 * module is read back and measured before synth swaps the output in, so a config that would break
 * at apply fails here with one line naming the field, and nothing is written.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from '../core/config';
import { checkLimits, describeViolation, LimitViolation, resourcesOfRoot, resourcesOfTerraformJson, RootMeasureCache } from '../core/limits';

export interface FolderViolation extends LimitViolation {
  /** `stacks/<name>` or `modules/<name>` */
  readonly where: string;
}

/** Every limit violation in an output folder (stacks/*\/cdk.tf.json, with the modules each calls). */
export function limitViolations(outDir: string): FolderViolation[] {
  const found: FolderViolation[] = [];
  // Each module is read once, and a module call measured once per distinct inputs and provider: a
  // 1,000-account output makes 18,000 calls of four modules (this check was a third of its synth).
  const modules = new Map<string, unknown>();
  const calls: RootMeasureCache = new Map();
  const byRoot = new Map<string, LimitViolation[]>();
  // The modules are measured through the deploy roots that call them, with the config's inputs put in
  // (alone, a module's variables could only be estimated).
  for (const [kind, file] of [['stacks', 'cdk.tf.json']] as const) {
    const dir = path.join(outDir, kind);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir).sort()) {
      const f = path.join(dir, name, file);
      if (!fs.existsSync(f)) continue;
      const tf = JSON.parse(fs.readFileSync(f, 'utf8')) as unknown;
      // A deploy root is measured with its module calls' inputs put in (the config's values live there).
      const load = (source: string) => {
        const file = path.join(dir, name, source, 'main.tf.json');
        if (!modules.has(file)) modules.set(file, fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as unknown) : undefined);
        return modules.get(file);
      };
      // Roots that differ only in what no limit reads (variables, outputs, backend, moved blocks: the
      // spoke roots of one region set) are measured once: 1,000 spokes were most of this check's time.
      const doc = tf as Record<string, unknown>;
      const key = JSON.stringify([doc.module, doc.provider, doc.locals, doc.resource, doc.data]);
      let violations = byRoot.get(key);
      if (!violations) {
        violations = checkLimits(kind === 'stacks' ? resourcesOfRoot(flattenCompositions(tf, load), load, calls) : resourcesOfTerraformJson(tf));
        byRoot.set(key, violations);
      }
      for (const v of violations) found.push({ ...v, where: `${kind}/${name}` });
    }
  }
  return found;
}

/**
 * A root whose calls of a composition module (stacks/spoke-module.ts: a module that only calls
 * modules) are replaced by the calls inside it, as the root would make them: call `spoke.module.x`
 * (so addresses read `module.spoke.module.x...`), source relative to the root, the root's provider
 * behind each alias, and each input that is exactly `${var.v}` replaced by the outer call's `v`.
 */
export function flattenCompositions(root: unknown, loadModule: (source: string) => unknown): unknown {
  const doc = withLocals((root && typeof root === 'object' ? root : {}) as { module?: Record<string, Record<string, unknown>>; locals?: Record<string, unknown> });
  if (!doc.module) return doc;
  const module: Record<string, Record<string, unknown>> = {};
  for (const [call, outer] of Object.entries(doc.module)) {
    const source = typeof outer.source === 'string' ? outer.source : undefined;
    const inner = (source === undefined ? undefined : loadModule(source)) as { module?: Record<string, Record<string, unknown>> } | undefined;
    if (!inner?.module) {
      module[call] = outer;
      continue;
    }
    const providers = (outer.providers ?? {}) as Record<string, string>;
    for (const [name, c] of Object.entries(inner.module)) {
      const inputs = Object.fromEntries(Object.entries(c).map(([k, v]) => {
        const m = typeof v === 'string' ? /^\$\{var\.([A-Za-z0-9_]+)\}$/.exec(v) : null;
        return [k, m && m[1] in outer ? outer[m[1]] : v];
      }));
      const passed = Object.fromEntries(Object.entries((c.providers ?? {}) as Record<string, string>).map(([k, p]) => [k, providers[p] ?? p]));
      module[`${call}.module.${name}`] = { ...inputs, source: `${source}/${String(c.source)}`, providers: passed };
    }
  }
  return { ...doc, module };
}


/** The root with each value that is exactly `${local.x}` (shared provider settings, region lists) replaced by the local's value. */
function withLocals<T extends { locals?: Record<string, unknown> }>(doc: T): T {
  const locals = doc.locals;
  if (!locals) return doc;
  const put = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const m = /^\$\{local\.([A-Za-z0-9_]+)\}$/.exec(v);
      return m && m[1] in locals ? locals[m[1]] : v;
    }
    if (Array.isArray(v)) return v.map(put);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, put(x)]));
    return v;
  };
  return put(doc) as T;
}

/** Throw a ConfigError naming the config field of the first violation (the field decides the fix). */
export function assertWithinLimits(outDir: string): void {
  const [v] = limitViolations(outDir);
  if (!v) return;
  const field = v.field === '(generated)' ? '(generated output)' : v.field;
  const hint = v.field === '(generated)' ? '; nothing in the config controls it, please report this as a rootwatch bug'
    : v.limitId === 'lambda-environment' ? '; the notifier environment holds the account-name map (spokes[].name, organizationalUnits account Names)'
    : v.limitId === 'event-bus-policy' ? '; set hub.organizationId to admit the organization instead of listing accounts'
    : '';
  throw new ConfigError(field, describeViolation(v, v.where) + hint);
}
