import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join, resolve } from 'path';
import { findDeadExports, findHandWrittenArns, findLongFunctions, findUnstyledThrows } from '../../scripts/code-checks';

const ROOT = resolve(__dirname, '..', '..');

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rootwatch-code-checks-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

describe('dead exports', () => {
  it('every non-type export of the project is imported by another file (tests included)', () => {
    expect(findDeadExports(ROOT)).toEqual([]);
  });

  it('finds an export nobody imports and accepts named, namespace, dynamic and re-exported uses', () => {
    const dir = tree({
      'core/a.ts': [
        'export const used = 1;',
        'export function unused() { return used; }',
        'export type OnlyAType = number;',
        'export class Lazy {}',
        'export const viaReexport = 2;',
      ].join('\n'),
      'core/b.ts': 'import * as everything from "./b2";\nimport { used } from "./a";\nexport { viaReexport } from "./a";\nvoid everything; void used;\n',
      'core/b2.ts': 'export const anything = 1;\n',
      'cli/c.ts': 'export async function run() { const { Lazy } = await import("../core/a"); return new Lazy(); }\n',
      'main.ts': 'import { run } from "./cli/c";\nimport { viaReexport } from "./core/b";\nvoid run; void viaReexport;\n',
    });
    try {
      expect(findDeadExports(dir)).toEqual([{ file: 'core/a.ts', line: 2, name: 'unused' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('long functions', () => {
  it('no function outside tests is longer than 60 lines', () => {
    expect(findLongFunctions(ROOT)).toEqual([]);
  });

  it('counts the lines of functions, methods, arrows and constructors outside tests', () => {
    const body = (n: number) => Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const dir = tree({
      'core/x.ts': `export function long() {\n${body(60)}\n}\nexport const short = () => {\n${body(3)}\n};\nexport class K {\n  constructor() {\n${body(59)}\n  }\n}\n`,
      '__tests__/y.test.ts': `function inTest() {\n${body(100)}\n}\n`,
    });
    try {
      expect(findLongFunctions(dir, 60)).toEqual([
        { file: 'core/x.ts', line: 1, name: 'long', lines: 62 },
        { file: 'core/x.ts', line: 69, name: 'K constructor', lines: 61 },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('one error style in modules/', () => {
  it('every throw of a construct goes through core/validation (check.error of propChecks)', () => {
    expect(findUnstyledThrows(ROOT)).toEqual([]);
  });

  it('finds a bare Error, a thrown string and a check that is not propChecks', () => {
    const dir = tree({
      'modules/good.ts': "const check = propChecks('Good');\nexport function f(x: number) { if (x) throw check.error('x', 'no'); }\n",
      'modules/bare.ts': "export function f() {\n  throw new Error('x: no');\n}\n",
      'modules/text.ts': "export function f() { throw 'no'; }\n",
      'modules/fake.ts': "const check = { error: (p: string, m: string) => new RangeError(p + m) };\nexport function f() { throw check.error('x', 'no'); }\n",
      'core/elsewhere.ts': "export function f() { throw new Error('not a module'); }\n",
    });
    try {
      expect(findUnstyledThrows(dir)).toEqual([
        { file: 'modules/bare.ts', line: 2, text: "throw new Error('x: no');" },
        { file: 'modules/bare.ts', line: 2, text: "new Error('x: no')" },
        { file: 'modules/fake.ts', line: 1, text: 'new RangeError(p + m)' },
        { file: 'modules/fake.ts', line: 2, text: 'check.error without `const check = propChecks(…)`' },
        { file: 'modules/text.ts', line: 1, text: "throw 'no';" },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('one ARN style in modules/', () => {
  it('constructs build every ARN with modules/iam.ts (arnOf, iamArn, accountRootArn)', () => {
    expect(findHandWrittenArns(ROOT)).toEqual([]);
  });

  it('finds a template-string ARN in a construct, and lets iam.ts, constants and other folders be', () => {
    const dir = tree({
      'modules/iam.ts': 'export const arnOf = (p: string) => `arn:${p}:x:::y`;\n',
      'modules/bad.ts': "const ANY_ROOT = 'arn:*:iam::*:root';\nexport const f = (p: string, a: string) => `arn:${p}:iam::${a}:root` + ANY_ROOT;\n",
      'core/elsewhere.ts': 'export const g = (p: string) => `arn:${p}:s3:::b`;\n',
    });
    try {
      expect(findHandWrittenArns(dir)).toEqual([{ file: 'modules/bad.ts', line: 2, text: '`arn:${p}:iam::${a}:root`' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
