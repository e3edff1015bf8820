/**
 * Where the build puts things, and the zips it made. Cheap to import (no zip library): synth reads
 * the zip manifest, it never zips.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface LambdaZip {
  /** absolute path of the zip file */
  readonly path: string;
  /** base64 SHA-256 of the zip, as Terraform's filebase64sha256() would give */
  readonly base64Sha256: string;
  readonly bytes: number;
}

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

/** Written by the build next to the zips: name -> { file, base64Sha256, bytes }. */
export const ZIP_MANIFEST = path.join(BUNDLE_DIR, 'zips.json');

/** The zips the build made, by bundle name (absolute paths). */
export function builtZips(): Record<string, LambdaZip> {
  let manifest: Record<string, { file: string; base64Sha256: string; bytes: number }>;
  try {
    manifest = JSON.parse(fs.readFileSync(ZIP_MANIFEST, 'utf8'));
  } catch {
    throw new Error('Lambda zips are missing (dist/lambda-bundles/zips.json): run `npm run build` first');
  }
  return Object.fromEntries(
    Object.entries(manifest).map(([name, z]) => [name, { path: path.join(BUNDLE_DIR, z.file), base64Sha256: z.base64Sha256, bytes: z.bytes }]),
  );
}


/** The config validator precompiled by build/compile-schema.ts. */
export const STANDALONE_VALIDATOR = path.join(REPO_ROOT, 'dist', 'config-validator.js');
