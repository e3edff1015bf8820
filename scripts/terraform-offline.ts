/**
 * Runs real Terraform offline: `init` from a local plugin folder, `validate`, `plan` with dummy
 * credentials (an override file neutralizes credentials, assume_role, allowed_account_ids and the
 * backend), and `show -json`. Works on a temporary copy, never inside terraform-out/.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const PLUGIN_DIR = process.env.TF_PLUGIN_DIR || '/opt/tf-plugins';

export function terraformAvailable(): boolean {
  return spawnSync('terraform', ['version'], { stdio: 'ignore' }).status === 0;
}

/** A CLI config that installs providers only from the plugin folder (no registry). */
export function offlineEnv(workRoot: string): NodeJS.ProcessEnv {
  const cli = path.join(workRoot, 'terraformrc');
  if (!fs.existsSync(cli)) {
    fs.writeFileSync(cli, `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(PLUGIN_DIR)}\n  }\n}\n`);
  }
  return { ...process.env, TF_CLI_CONFIG_FILE: cli, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0' };
}

function terraformFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.tf') || f.endsWith('.tf.json')).sort();
}

/**
 * What the override file must neutralize in a root module (JSON stacks and HCL examples alike):
 * its aws provider aliases, and whether any provider assumes a role. One read of each file.
 */
export function providerSettings(dir: string): { aliases: string[]; assumesRole: boolean; hasDefault: boolean } {
  const aliases = new Set<string>();
  let assumesRole = false;
  let hasDefault = false;
  for (const f of terraformFiles(dir)) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    assumesRole ||= /assume_role/.test(text);
    if (f.endsWith('.tf.json')) {
      const providers = JSON.parse(text)?.provider?.aws;
      for (const p of Array.isArray(providers) ? providers : providers ? [providers] : []) {
        if (p.alias) aliases.add(p.alias);
        else hasDefault = true;
      }
    } else if (f.endsWith('.tf')) {
      const found = [...text.matchAll(/provider\s+"aws"\s*\{[^}]*?alias\s*=\s*"([^"]+)"/gs)].map((m) => m[1]);
      for (const a of found) aliases.add(a);
      if ((text.match(/provider\s+"aws"\s*\{/g) ?? []).length > found.length) hasDefault = true;
    }
  }
  return { aliases: [...aliases].sort(), assumesRole, hasDefault };
}

/** The override file: dummy keys, no STS, no account check, local state in the work copy. */
/** `hasDefault`: the root configures an unaliased aws provider (an override must not add one: it would lack a region). */
export function offlineOverride(aliases: string[], assumesRole: boolean, hasDefault = true): string {
  const base = {
    access_key: 'mock-access-key',
    secret_key: 'mock-secret-key',
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
    allowed_account_ids: [],
    ...(assumesRole ? { assume_role: [{ role_arn: '' }] } : {}),
  };
  return JSON.stringify(
    {
      provider: { aws: [...(hasDefault ? [base] : []), ...aliases.map((alias) => ({ ...base, alias }))] },
      terraform: { backend: { local: { path: 'terraform.tfstate' } } },
    },
    null,
    2,
  );
}

export interface RunResult { code: number; stdout: string; stderr: string }

export function run(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn('terraform', args, { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

export interface PlanOutcome {
  dir: string;
  ok: boolean;
  step: 'init' | 'validate' | 'plan' | 'show' | 'done';
  message: string;
  plan?: unknown;
  resourceCount?: number;
}

/**
 * init + validate + plan + show -json in `workDir` (a prepared copy). The caller decides what the
 * copy holds; this writes the override file into it. `varFile`: a plain-Terraform spoke shape root's
 * accounts/<name>.tfvars (the backend is the override's local state, so no -backend-config).
 */
export async function validateAndPlan(workDir: string, env: NodeJS.ProcessEnv, opts: { varFile?: string } = {}): Promise<PlanOutcome> {
  const { aliases, assumesRole, hasDefault } = providerSettings(workDir);
  fs.writeFileSync(path.join(workDir, 'zz_rootwatch_offline_override.tf.json'), offlineOverride(aliases, assumesRole, hasDefault));
  const fail = (step: PlanOutcome['step'], r: RunResult): PlanOutcome => ({
    dir: workDir,
    ok: false,
    step,
    message: firstError(r.stderr || r.stdout),
  });
  let r = await run(['init', '-input=false', '-no-color', `-plugin-dir=${PLUGIN_DIR}`], workDir, env);
  if (r.code !== 0) return fail('init', r);
  r = await run(['validate', '-no-color'], workDir, env);
  if (r.code !== 0) return fail('validate', r);
  r = await run(['plan', '-input=false', '-lock=false', '-refresh=false', '-no-color', ...(opts.varFile ? [`-var-file=${opts.varFile}`] : []), '-out=plan.bin'], workDir, env);
  if (r.code !== 0) return fail('plan', r);
  r = await run(['show', '-json', 'plan.bin'], workDir, env);
  if (r.code !== 0) return fail('show', r);
  const plan = JSON.parse(r.stdout) as { resource_changes?: unknown[] };
  return { dir: workDir, ok: true, step: 'done', message: 'ok', plan, resourceCount: plan.resource_changes?.length ?? 0 };
}

function firstError(text: string): string {
  const lines = text.split('\n').map((l) => l.replace(/^[│╷╵ ]+/, '').trim()).filter(Boolean);
  const i = lines.findIndex((l) => l.startsWith('Error:'));
  return (i >= 0 ? lines.slice(i, i + 4) : lines.slice(-4)).join(' | ');
}

export function tempRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'rootwatch-tf-'));
}
