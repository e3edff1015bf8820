/**
 * terraform-out/modules/* depends on rootwatch's code and its Lambda zips, never on the config. So
 * `npm run build` writes the module folders (and their resource addresses, for the roots' moved
 * blocks) once into dist/prebuilt-modules, and synth copies them instead of building four module
 * stacks with cdktf on every run: about 300 ms of CPU (loading the constructs, building and
 * resolving them), 40% of the example config's synth.
 *
 * The copy is used only when it was built from exactly the compiled code and zips in hand (a hash
 * over dist/{build,cli,core,modules,stacks,lambda-bundles}), and only by compiled code (running from
 * TypeScript sources, e.g. under jest, always builds, so edited constructs are never masked).
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../build/paths';
import type { LambdaCodeSet } from '../stacks/lambda-code';
import type { ModuleCatalog } from '../stacks/roots';
import { withoutTokenStackTraces } from './cdktf-seams';

const PREBUILT_DIR = path.join(REPO_ROOT, 'dist', 'prebuilt-modules');
const KEY_FILE = 'key.txt';
const CATALOG_FILE = 'catalog.json';
/** What the modules are made of (folders under dist/). */
const INPUTS = ['build', 'cli', 'core', 'modules', 'stacks', 'lambda-bundles'];

/** Hash of the compiled code and zips the modules are built from. */
export function modulesKey(): string {
  const h = crypto.createHash('sha256');
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const file = path.join(dir, e.name);
      if (e.isDirectory()) walk(file);
      else if (/\.(js|json|zip)$/.test(e.name)) h.update(`${path.relative(REPO_ROOT, file)}\0`).update(fs.readFileSync(file)).update('\0');
    }
  };
  for (const d of INPUTS) walk(path.join(REPO_ROOT, 'dist', d));
  return h.digest('hex');
}

/** Build the module folders into `modulesDir` (cdktf in this process); returns their resource addresses. */
export function buildModules(modulesDir: string, code: LambdaCodeSet): ModuleCatalog {
  // Loaded here only: the module constructs are most of what a synth would otherwise load.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildModulesApp } = require('../stacks/module-stacks') as typeof import('../stacks/module-stacks');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { moduleCatalog, writeModules } = require('./module-output') as typeof import('./module-output');
  const stage = `${modulesDir}.build`;
  try {
    return withoutTokenStackTraces(() => {
      const built = buildModulesApp(stage, code);
      const catalog = moduleCatalog(built.modules);
      built.app.synth();
      writeModules(stage, modulesDir, built.modules);
      return catalog;
    });
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

/** The modules into `modulesDir`: copied from the build when it is current, else built here. */
export function modulesInto(modulesDir: string, code: LambdaCodeSet): ModuleCatalog {
  const fromCompiledCode = __filename.endsWith('.js');
  if (fromCompiledCode) {
    try {
      if (fs.readFileSync(path.join(PREBUILT_DIR, KEY_FILE), 'utf8') === modulesKey()) {
        const catalog = JSON.parse(fs.readFileSync(path.join(PREBUILT_DIR, CATALOG_FILE), 'utf8')) as ModuleCatalog;
        copyTree(path.join(PREBUILT_DIR, 'modules'), modulesDir);
        return catalog;
      }
    } catch {
      fs.rmSync(modulesDir, { recursive: true, force: true }); // missing or partial: build instead
    }
  }
  return buildModules(modulesDir, code);
}

/** Files and folders created anew (as synth writes them: modes from the umask, not from the build's). */
function copyTree(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    if (e.isDirectory()) copyTree(path.join(from, e.name), path.join(to, e.name));
    else fs.writeFileSync(path.join(to, e.name), fs.readFileSync(path.join(from, e.name)));
  }
}

/** Build step (after tsc and the Lambda zips): dist/prebuilt-modules/{modules/,catalog.json,key.txt}. */
export function prebuildModules(code: LambdaCodeSet): void {
  const key = modulesKey();
  const stage = `${PREBUILT_DIR}.tmp`;
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage, { recursive: true });
  const catalog = buildModules(path.join(stage, 'modules'), code);
  fs.writeFileSync(path.join(stage, CATALOG_FILE), JSON.stringify(catalog));
  fs.writeFileSync(path.join(stage, KEY_FILE), key);
  fs.rmSync(PREBUILT_DIR, { recursive: true, force: true });
  fs.renameSync(stage, PREBUILT_DIR);
}
