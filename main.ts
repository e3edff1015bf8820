#!/usr/bin/env node
/**
 * rootwatch CLI. Each command lives in cli/; this file only parses flags and maps errors to
 * exit codes: 2 with one line on stderr for bad input (config, flags, events), 1 otherwise.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';

const DEFAULT_CONFIG = 'rootwatch.config.json';

function fail(err: unknown): never {
  const e = err as { message?: string; exitCode?: number; name?: string };
  const badInput = e?.name === 'ConfigError' || e?.name === 'UsageError' || e?.exitCode === 2;
  const message = (e?.message ?? String(err)).split('\n')[0];
  process.stderr.write(`rootwatch: ${message}\n`);
  process.exit(badInput ? 2 : (e?.exitCode ?? 1));
}

async function main(argv: string[]): Promise<void> {
  await yargs(argv)
    .scriptName('rootwatch')
    .usage('$0 <command> [options]\n\nGenerates the Terraform that watches and locks down the AWS root user.')
    .command(
      'synth',
      'Synthesize deploy stacks and reusable modules into the output folder',
      (y) =>
        y
          .option('config', { alias: 'c', type: 'string', default: DEFAULT_CONFIG, describe: 'rootwatch config file' })
          .option('out', { alias: 'o', type: 'string', default: process.env.CDKTF_OUTDIR || 'terraform-out', describe: 'output folder' }),
      async (args) => {
        const { loadConfig } = await import('./cli/load-config');
        const { synthesize } = await import('./cli/synth');
        const result = synthesize(loadConfig(args.config), args.out);
        process.stdout.write(`rootwatch: synthesized ${result.stacks.length} stacks (${result.stacks.join(', ')}) and modules ${result.modules.join(', ')} into ${args.out}\n`);
      },
    )
    .demandCommand(1, 'name a command (see --help)')
    .strict()
    .help()
    .version(false)
    .fail((msg, err) => {
      if (err) throw err;
      const usage = new Error(msg.split('\n')[0]);
      usage.name = 'UsageError';
      throw usage;
    })
    .parseAsync();
}

main(hideBin(process.argv)).catch(fail);
