/**
 * Child process: time `require()` of one Lambda bundle (dist/lambda-bundles/<name>/index.js) in a
 * fresh process, as the Lambda runtime does at init. Prints {"ms": n} on stdout.
 *   mode `full`: the bundle and the @aws-sdk clients it requires (what a cold start pays)
 *   mode `own`:  the @aws-sdk clients are required first, untimed: the bundle's own code only
 *   mode `sdk`:  only the @aws-sdk clients the bundle names: what its first invocations pay, since
 *                the bundles load each client on first use
 */
import * as fs from 'fs';
import { createRequire } from 'module';

function main(): void {
  const [bundle, mode = 'full'] = process.argv.slice(2);
  if (!bundle || !['full', 'own', 'sdk'].includes(mode)) throw new Error('usage: lambda-load-child <bundle.js> [full|own|sdk]');
  const req = createRequire(bundle);
  const sdk = new Set([...fs.readFileSync(bundle, 'utf8').matchAll(/require\("(@aws-sdk\/[^"]+)"\)/g)].map((m) => m[1]));
  if (mode === 'own') for (const id of sdk) req(id);
  const start = process.hrtime.bigint();
  if (mode === 'sdk') for (const id of sdk) req(id);
  else req(bundle);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  process.stdout.write(`${JSON.stringify({ ms })}\n`);
}

main();
