/**
 * Deterministic Lambda zips: the same bundle gives the same bytes on every machine and checkout
 * (fixed entry time, fixed file mode, one entry), so terraform-out/ is reproducible and
 * `source_code_hash` only changes when the code does. Zipped once at build time; every synth, of
 * any number of stacks, reuses them through the manifest.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as crypto from 'crypto';
import { zipSync } from 'fflate';
import type { LambdaZip } from './paths';

/** DOS time has no zone: build the date from local components so every TZ writes the same bytes. */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);

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
