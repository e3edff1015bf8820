/**
 * Static checks on the sources, run by `npm test` (__tests__/scripts/code-checks.test.ts) and by hand
 * (`node dist/scripts/code-checks.js`):
 * - dead exports: a non-type export that no other file imports (tests included) is either used
 *   within its file only (drop `export`) or not at all (drop it);
 * - long functions: no function, method or constructor outside tests spans more than MAX_FUNCTION_LINES;
 * - one error style in modules/: every `throw` of a construct is `check.error(…)` (`check` made by
 *   core/validation.ts `propChecks('<Construct>')`, whose other checks throw the same way), never a
 *   bare `new Error`, so each message reads `Construct.prop: message`.
 * Both read the TypeScript syntax trees only (no type checking), so they take well under a second.
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';
import * as ts from 'typescript';

/** Folders (and files) of the project's TypeScript, relative to the repository root. */
const SOURCE_ROOTS = ['main.ts', 'cli', 'core', 'stacks', 'modules', 'lambdas', 'build', 'scripts', 'bench', '__tests__'] as const;

/**
 * Exports used from outside TypeScript imports: the Lambda runtime calls each handler's `handler`
 * (build/bundle-lambdas.ts names the files). Anything else must be imported.
 */
const EXTERNAL_ENTRY_EXPORTS: Readonly<Record<string, readonly string[]>> = {
  'lambdas/handlers/notifier.ts': ['handler'],
  'lambdas/handlers/slack.ts': ['handler'],
  'lambdas/handlers/pagerduty.ts': ['handler'],
  // read from the built file by __tests__/cli/prebuilt-modules.test.ts in a child node
  'cli/prebuilt-modules.ts': ['modulesKey', 'buildModules'],
};

const MAX_FUNCTION_LINES = 60;

function listTs(root: string, rel: string): string[] {
  const abs = join(root, rel);
  let st;
  try {
    st = statSync(abs);
  } catch {
    return [];
  }
  if (st.isFile()) return rel.endsWith('.ts') && !rel.endsWith('.d.ts') ? [rel] : [];
  return readdirSync(abs)
    .filter((n) => n !== 'node_modules' && n !== 'fixtures')
    .sort()
    .flatMap((n) => listTs(root, join(rel, n)));
}

function parse(root: string, rel: string): ts.SourceFile {
  return ts.createSourceFile(rel, readFileSync(join(root, rel), 'utf8'), ts.ScriptTarget.ES2022, true);
}

/** The project file a relative specifier names, or null (a package, or nothing there). */
function resolveSpecifier(root: string, fromRel: string, spec: string, known: ReadonlySet<string>): string | null {
  if (!spec.startsWith('.')) return null;
  const base = relative(root, resolve(root, dirname(fromRel), spec));
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) if (known.has(candidate)) return candidate;
  return null;
}

const hasModifier = (node: ts.Node, kind: ts.SyntaxKind): boolean =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);

/** The value (non-type) names a file exports by declaration or by `export { … }`. */
function valueExports(sf: ts.SourceFile): Map<string, number> {
  const out = new Map<string, number>();
  const line = (n: ts.Node): number => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  for (const st of sf.statements) {
    if (ts.isExportDeclaration(st)) {
      if (st.isTypeOnly || !st.exportClause || !ts.isNamedExports(st.exportClause)) continue;
      for (const el of st.exportClause.elements) if (!el.isTypeOnly) out.set(el.name.text, line(el));
      continue;
    }
    if (ts.isExportAssignment(st)) {
      out.set('default', line(st));
      continue;
    }
    if (!hasModifier(st, ts.SyntaxKind.ExportKeyword)) continue;
    const name = hasModifier(st, ts.SyntaxKind.DefaultKeyword) ? 'default' : undefined;
    if (ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isEnumDeclaration(st)) {
      out.set(name ?? st.name?.text ?? 'default', line(st));
    } else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) out.set(d.name.text, line(d));
    }
  }
  return out;
}

interface Use {
  target: string;
  /** null: every export of the target (namespace import, unanalysable dynamic import) */
  names: string[] | null;
}

function bindingNames(name: ts.BindingName): string[] | null {
  if (!ts.isObjectBindingPattern(name)) return null;
  return name.elements.map((e) => {
    const key = e.propertyName ?? e.name;
    return ts.isIdentifier(key) || ts.isStringLiteral(key) ? key.text : '';
  });
}

/** Names taken from `await import('x')` / `require('x')`: from a destructuring or `.name`, else all. */
function dynamicNames(call: ts.CallExpression): string[] | null {
  let node: ts.Node = call;
  while (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent)) node = node.parent;
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent)) return bindingNames(parent.name);
  if (ts.isPropertyAccessExpression(parent)) return [parent.name.text];
  return null;
}

function uses(root: string, rel: string, sf: ts.SourceFile, known: ReadonlySet<string>): Use[] {
  const out: Use[] = [];
  const add = (spec: ts.Expression | undefined, names: string[] | null): void => {
    if (!spec || !ts.isStringLiteralLike(spec)) return;
    const target = resolveSpecifier(root, rel, spec.text, known);
    if (target) out.push({ target, names });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) {
      const clause = node.importClause;
      const names: string[] = [];
      let all = false;
      if (clause?.name) names.push('default');
      const nb = clause?.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) all = true;
      if (nb && ts.isNamedImports(nb)) for (const el of nb.elements) if (!el.isTypeOnly) names.push((el.propertyName ?? el.name).text);
      if (!clause) all = true; // side-effect import
      add(node.moduleSpecifier, all ? null : names);
    } else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier) {
      const clause = node.exportClause;
      add(node.moduleSpecifier, clause && ts.isNamedExports(clause) ? clause.elements.map((e) => (e.propertyName ?? e.name).text) : null);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1) {
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (isImport || isRequire) add(node.arguments[0], dynamicNames(node));
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

export interface DeadExport {
  file: string;
  line: number;
  name: string;
}

/** Non-type exports no other file imports (tests included), minus EXTERNAL_ENTRY_EXPORTS. */
export function findDeadExports(root: string): DeadExport[] {
  const files = SOURCE_ROOTS.flatMap((r) => listTs(root, r));
  const known = new Set(files);
  const parsed = new Map(files.map((f) => [f, parse(root, f)]));
  const used = new Map<string, Set<string> | 'all'>();
  for (const [file, sf] of parsed) {
    for (const u of uses(root, file, sf, known)) {
      if (u.target === file) continue;
      const prev = used.get(u.target);
      if (prev === 'all') continue;
      if (u.names === null) used.set(u.target, 'all');
      else used.set(u.target, new Set([...(prev ?? []), ...u.names]));
    }
  }
  const dead: DeadExport[] = [];
  for (const [file, sf] of parsed) {
    const u = used.get(file);
    if (u === 'all') continue;
    const external = EXTERNAL_ENTRY_EXPORTS[file] ?? [];
    for (const [name, line] of valueExports(sf)) {
      if (!u?.has(name) && !external.includes(name)) dead.push({ file, line, name });
    }
  }
  return dead;
}

export interface LongFunction {
  file: string;
  line: number;
  name: string;
  lines: number;
}

function functionName(node: ts.FunctionLikeDeclaration, sf: ts.SourceFile): string {
  if (ts.isConstructorDeclaration(node)) return `${(node.parent as ts.ClassLikeDeclaration).name?.text ?? 'class'} constructor`;
  if (node.name) return node.name.getText(sf);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return parent.name.getText(sf);
  return '(anonymous)';
}

/** Functions (any kind) outside __tests__ whose body spans more than `max` lines, longest first. */
export function findLongFunctions(root: string, max = MAX_FUNCTION_LINES): LongFunction[] {
  const files = SOURCE_ROOTS.filter((r) => r !== '__tests__').flatMap((r) => listTs(root, r));
  const out: LongFunction[] = [];
  for (const file of files) {
    const sf = parse(root, file);
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const fn = node as ts.FunctionLikeDeclaration;
        const start = sf.getLineAndCharacterOfPosition(fn.getStart(sf)).line;
        const end = sf.getLineAndCharacterOfPosition(fn.getEnd()).line;
        const lines = end - start + 1;
        if (lines > max) out.push({ file, line: start + 1, name: functionName(fn, sf), lines });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out.sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file));
}

export interface UnstyledThrow {
  file: string;
  line: number;
  text: string;
}

/**
 * Throws in modules/ that bypass core/validation.ts: a `throw` of anything but `check.error(…)`,
 * a `new …Error(…)` anywhere, and `check.error` in a file whose `check` is not `propChecks(…)`.
 */
export function findUnstyledThrows(root: string): UnstyledThrow[] {
  const out: UnstyledThrow[] = [];
  for (const file of listTs(root, 'modules')) {
    const sf = parse(root, file);
    const at = (n: ts.Node, text: string) => out.push({ file, line: sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1, text });
    let checkIsPropChecks = false;
    const styledThrows: ts.Node[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === 'check') {
        checkIsPropChecks = !!node.initializer && ts.isCallExpression(node.initializer) && node.initializer.expression.getText(sf) === 'propChecks';
      }
      if (ts.isThrowStatement(node) && node.expression) {
        const e = node.expression;
        const callee = ts.isCallExpression(e) ? e.expression.getText(sf) : '';
        if (callee === 'check.error') styledThrows.push(node);
        else at(node, node.getText(sf).slice(0, 80));
      }
      if (ts.isNewExpression(node) && /Error$/.test(node.expression.getText(sf))) at(node, node.getText(sf).slice(0, 80));
      ts.forEachChild(node, visit);
    };
    visit(sf);
    if (!checkIsPropChecks) for (const t of styledThrows) at(t, 'check.error without `const check = propChecks(…)`');
  }
  return out;
}

/** An ARN written by hand in a construct: a template string starting `arn:` outside modules/iam.ts. */
export interface HandWrittenArn { readonly file: string; readonly line: number; readonly text: string }

/**
 * One construct style for ARNs: constructs build them with modules/iam.ts (`arnOf`, `iamArn`,
 * `accountRootArn`), so partition, region and account always sit in the same places. Plain string
 * constants (a pattern such as `arn:*:iam::*:root`) are not built and pass.
 */
export function findHandWrittenArns(root: string): HandWrittenArn[] {
  const out: HandWrittenArn[] = [];
  for (const file of listTs(root, 'modules')) {
    if (file === 'modules/iam.ts') continue;
    const sf = parse(root, file);
    const visit = (node: ts.Node): void => {
      if (ts.isTemplateExpression(node) && node.head.text.startsWith('arn:')) {
        out.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, text: node.getText(sf).slice(0, 80) });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

if (require.main === module) {
  const root = process.argv[2] ?? process.cwd();
  const dead = findDeadExports(root);
  const long = findLongFunctions(root);
  for (const d of dead) console.log(`dead export: ${d.file}:${d.line} ${d.name}`);
  const unstyled = findUnstyledThrows(root);
  for (const l of long) console.log(`long function: ${l.file}:${l.line} ${l.name} (${l.lines} lines)`);
  for (const u of unstyled) console.log(`error outside core/validation: ${u.file}:${u.line} ${u.text}`);
  const arns = findHandWrittenArns(root);
  for (const a of arns) console.log(`ARN outside modules/iam.ts: ${a.file}:${a.line} ${a.text}`);
  process.exitCode = dead.length + long.length + unstyled.length + arns.length > 0 ? 1 : 0;
}
