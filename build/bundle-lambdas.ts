/**
 * Build step (npm run build): bundle each Lambda handler in lambdas/handlers/<name>.ts into one
 * self-contained CommonJS file, dist/lambda-bundles/<name>/index.js, and zip it deterministically
 * next to it (<name>.zip, listed in zips.json). The AWS SDK v3 stays external (the nodejs22.x
 * runtime ships it); nothing else is needed at run time. `rootwatch synth` never bundles or zips.
 */
import * as fs from 'fs';
import type { BuildOptions } from 'esbuild';
import { LAMBDA_BUNDLES } from '../core/lambda-contract';
import { BUNDLE_DIR, REPO_ROOT, ZIP_MANIFEST, bundleFile } from './paths';
import { zipBundle } from './lambda-zip';

/**
 * Size budget of each zipped Lambda bundle (checked by the bundle test and `npm run bench`). It was
 * 25 KB; the notifier grew past it (31 KB) when it gained the coverage ledger sweep, expected-use
 * windows and the hostile-input bounds. Well under any Lambda limit; the budget exists to notice a
 * dependency pulled in by accident, which would add hundreds of KB, not a few.
 */
export const LAMBDA_ZIP_BUDGET_BYTES = 40 * 1024;

/** The esbuild options of every Lambda bundle (tests bundle with the very same). */
export function lambdaBuildOptions(outdir: string): BuildOptions {
  return {
    absWorkingDir: REPO_ROOT,
    entryPoints: LAMBDA_BUNDLES.map((name) => ({ in: `lambdas/handlers/${name}.ts`, out: `${name}/index` })),
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    // Lazy SDK loads (`await import(...)`) become lazy require()s: one module system, the SDK's CJS build.
    supported: { 'dynamic-import': false },
    external: ['@aws-sdk/*'],
    minifySyntax: true,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'warning',
  };
}

async function main(): Promise<void> {
  // esbuild is a dev dependency: required here only, never by synth.
  const esbuild = await import('esbuild');
  await esbuild.build(lambdaBuildOptions(BUNDLE_DIR));
  const manifest = Object.fromEntries(
    LAMBDA_BUNDLES.map((name) => {
      const zip = zipBundle(bundleFile(name), name, BUNDLE_DIR);
      return [name, { file: `${name}.zip`, base64Sha256: zip.base64Sha256, bytes: zip.bytes }];
    }),
  );
  fs.writeFileSync(ZIP_MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`bundle-lambdas: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
