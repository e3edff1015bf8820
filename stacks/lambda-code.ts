import { LambdaCode } from '../modules/alert-function';
import { LambdaBundleName } from '../core/lambda-contract';

/** The deterministic zips of every Lambda bundle, built once per synth and shared by all stacks. */
export type LambdaCodeSet = Record<LambdaBundleName, LambdaCode>;
