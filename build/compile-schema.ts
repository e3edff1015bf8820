/**
 * Build step: compile rootwatch.schema.json into a standalone validator module
 * (dist/config-validator.js), so `rootwatch synth` does not load and compile ajv on every run
 * (~80 ms of a ~380 ms synth). The module carries the hash of the schema it was built from;
 * cli/load-config.ts uses it only when that hash matches the schema in hand.
 */
import * as fs from 'fs';
import standaloneCode from 'ajv/dist/standalone';
import schema from '../rootwatch.schema.json';
import { STANDALONE_VALIDATOR } from './paths';
import { newConfigAjv, schemaHash } from '../cli/config-schema';

function main(): void {
  const ajv = newConfigAjv({ code: { source: true } });
  const validate = ajv.compile(schema);
  const code = standaloneCode(ajv, validate);
  fs.writeFileSync(STANDALONE_VALIDATOR, `${code}\nmodule.exports.schemaHash = ${JSON.stringify(schemaHash())};\n`);
}

if (require.main === module) main();
