/**
 * Building stacks and constructs in memory (cdktf Testing), and reading the synthesized JSON.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdktf';
import { zipBundle } from '../../build/lambda-zip';
import { LAMBDA_BUNDLES } from '../../core/lambda-contract';
import type { LambdaCodeSet } from '../../stacks/lambda-code';
import { Json } from './configs';

/** Deterministic zips of tiny stand-in handlers (the stacks only need a file and its hash). */
export function fakeCode(dir: string): LambdaCodeSet {
  const code: Record<string, { path: string; base64Sha256: string }> = {};
  for (const name of LAMBDA_BUNDLES) {
    const src = path.join(dir, 'src', name, 'index.js');
    fs.mkdirSync(path.dirname(src), { recursive: true });
    fs.writeFileSync(src, `exports.handler = async () => ${JSON.stringify(name)};\n`);
    const zip = zipBundle(src, name, path.join(dir, 'zips'));
    code[name] = { path: zip.path, base64Sha256: zip.base64Sha256 };
  }
  return code as unknown as LambdaCodeSet;
}

export type Synth = Json;

/** The resources of one type: logical id -> body. */
function resources(synth: Synth, type: string): Record<string, Json> {
  return synth.resource?.[type] ?? {};
}

export function resourceList(synth: Synth, type: string): Json[] {
  return Object.values(resources(synth, type));
}

/** Providers of a synthesized stack (cdktf writes `provider.aws` as a list). */
function awsProviders(synth: Synth): Json[] {
  const p = synth.provider?.aws;
  return Array.isArray(p) ? p : p ? [p] : [];
}

/** The region of a resource: its provider alias resolved against the stack's providers. */
export function regionOf(synth: Synth, body: Json): string {
  const providers = awsProviders(synth);
  const ref = body.provider as string | undefined;
  const alias = ref?.replace(/^aws\./, '');
  const p = alias ? providers.find((x) => x.alias === alias) : providers.find((x) => !x.alias);
  if (!p) throw new Error(`no provider ${ref ?? 'aws'}`);
  return p.region;
}

/** `Testing.synthScope` parsed. */
export function synthScope(fn: Parameters<typeof Testing.synthScope>[0]): Synth {
  return JSON.parse(Testing.synthScope(fn));
}

/** JSON-encoded policy or pattern attribute -> object. */
export const doc = (s: string): Json => JSON.parse(s);
