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
      const resources = kind === 'stacks' ? resourcesOfRoot(tf, load, calls) : resourcesOfTerraformJson(tf);
      for (const v of checkLimits(resources)) found.push({ ...v, where: `${kind}/${name}` });
    }
  }
  return found;
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
