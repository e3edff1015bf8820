/**
 * Build step (after tsc and the Lambda zips): the module folders of terraform-out/modules, which do
 * not depend on the config, built once into dist/prebuilt-modules for synth to copy
 * (cli/prebuilt-modules.ts says when it may).
 */
import { LAMBDA_BUNDLES } from '../core/lambda-contract';
import type { LambdaCodeSet } from '../stacks/lambda-code';
import { prebuildModules } from '../cli/prebuilt-modules';
import { builtZips } from './paths';

function main(): void {
  const zips = builtZips();
  prebuildModules(Object.fromEntries(LAMBDA_BUNDLES.map((name) => [name, zips[name]])) as unknown as LambdaCodeSet);
}

if (require.main === module) main();
