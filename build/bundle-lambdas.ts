/**
 * Build step (npm run build): bundle each Lambda handler in lambdas/handlers/<name>.ts into one
 * self-contained CommonJS file, dist/lambda-bundles/<name>/index.js. The AWS SDK v3 stays external
 * (the nodejs22.x runtime ships it); nothing else is needed at run time.
 * Synthesis only zips these files (build/lambda-zip.ts), so `rootwatch synth` never runs a bundler.
 */
import { LAMBDA_BUNDLES } from '../core/lambda-contract';

import { BUNDLE_DIR, REPO_ROOT } from './lambda-zip';

async function main(): Promise<void> {
  // esbuild is a dev dependency: required here only, never by synth.
  const esbuild = await import('esbuild');
  await esbuild.build({
    absWorkingDir: REPO_ROOT,
    entryPoints: LAMBDA_BUNDLES.map((name) => ({ in: `lambdas/handlers/${name}.ts`, out: `${name}/index` })),
    outdir: BUNDLE_DIR,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    external: ['@aws-sdk/*'],
    minifySyntax: true,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'warning',
  });
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`bundle-lambdas: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
