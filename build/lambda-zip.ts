/**
 * Deterministic Lambda zips: the same bundle gives the same bytes on every machine and checkout
 * (fixed entry time, fixed file mode, one entry), so terraform-out/ is reproducible and
 * `source_code_hash` only changes when the code does.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as crypto from 'crypto';
import { zipSync } from 'fflate';

/** The repository root: the nearest folder above this file holding package.json (works from dist/ and from sources). */
export const REPO_ROOT = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();

/** Where `npm run build` puts the bundled handlers. */
export const BUNDLE_DIR = path.join(REPO_ROOT, 'dist', 'lambda-bundles');

export function bundleFile(name: string): string {
  return path.join(BUNDLE_DIR, name, 'index.js');
}

/** DOS time has no zone: build the date from local components so every TZ writes the same bytes. */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);

export interface LambdaZip {
  /** absolute path of the zip file */
  readonly path: string;
  /** base64 SHA-256 of the zip, as Terraform's filebase64sha256() would give */
  readonly base64Sha256: string;
  readonly bytes: number;
}

/** Zip one bundle file as `index.js` into `outDir/<name>.zip`. */
export function zipBundle(bundleFile: string, name: string, outDir: string): LambdaZip {
  let code: Buffer;
  try {
    code = fs.readFileSync(bundleFile);
  } catch {
    throw new Error(`Lambda bundle ${path.basename(path.dirname(bundleFile))}/index.js is missing: run \`npm run build\` first`);
  }
  const zip = zipSync(
    { 'index.js': [new Uint8Array(code), { mtime: FIXED_MTIME, level: 9, os: 3, attrs: 0o100644 << 16 }] },
    {},
  );
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${name}.zip`);
  fs.writeFileSync(file, zip);
  return {
    path: file,
    base64Sha256: crypto.createHash('sha256').update(zip).digest('base64'),
    bytes: zip.length,
  };
}
