#!/usr/bin/env node
/**
 * rootwatch CLI. Each command lives in cli/; this file only parses flags and maps errors to
 * exit codes: 2 with one line on stderr for bad input (config, flags, events), 1 otherwise.
 */
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';

/** ROOTWATCH_CONFIG picks the config when --config is not given (how `cdktf synth/diff/deploy`, which run `node dist/main.js synth`, get another config). */
const DEFAULT_CONFIG = process.env.ROOTWATCH_CONFIG || 'rootwatch.config.json';
/** cdktf passes its output folder in CDKTF_OUTDIR. */
const DEFAULT_OUT = process.env.CDKTF_OUTDIR || 'terraform-out';

/** A flag given twice arrives as an array: refuse it rather than pick one. */
function single(flag: string, value: unknown): string | undefined {
  if (Array.isArray(value)) {
    const e = new Error(`--${flag}: given ${value.length} times; give it once`);
    e.name = 'UsageError';
    throw e;
  }
  return value as string | undefined;
}

/** If a synth into the default output folder was interrupted, repair it first (quick when nothing is left over). */
async function recoverDefaultOutput(): Promise<void> {
  const { recoverQuietly } = await import('./cli/output-swap');
  const done = recoverQuietly(DEFAULT_OUT);
  if (done) process.stderr.write(`rootwatch: ${done}\n`);
}

/** The config for commands that can run without one: the named file, else the default file if present. */
async function optionalConfig(file: string | undefined) {
  const { existsSync } = await import('fs');
  if (!file && !process.env.ROOTWATCH_CONFIG && !existsSync(DEFAULT_CONFIG)) return undefined;
  const { loadConfig } = await import('./cli/load-config');
  return loadConfig(file ?? DEFAULT_CONFIG);
}

/** Print a command's output and take its exit code. */
function print(r: { exitCode: number; stdout: string }): void {
  process.stdout.write(r.stdout);
  process.exitCode = r.exitCode;
}

/** Print a command's result: a usage or credential error (exit 2) as one line on stderr, else its output. */
function report(r: { exitCode: number; stdout: string; error?: string }, fallback: string): void {
  if (r.exitCode !== 2) return print(r);
  process.stderr.write(`rootwatch: ${(r.error ?? fallback).trim()}\n`);
  process.exitCode = r.exitCode;
}

function fail(err: unknown): never {
  const e = err as { message?: string; exitCode?: number; name?: string };
  const badInput = e?.name === 'ConfigError' || e?.name === 'UsageError' || e?.exitCode === 2;
  const { oneLine } = require('./cli/errors') as typeof import('./cli/errors');
  process.stderr.write(`rootwatch: ${oneLine(e?.message ?? String(err))}\n`);
  process.exit(badInput ? 2 : (e?.exitCode ?? 1));
}

/** The flags among `keys` that were given, as strings; an absent flag stays absent (not `undefined`). */
function givenStrings<K extends string>(args: { readonly [P in K]?: unknown }, keys: readonly K[]): { [P in K]?: string } {
  const out: { [P in K]?: string } = {};
  for (const key of keys) if (args[key] !== undefined) out[key] = String(args[key]);
  return out;
}

/** `synth`: stacks and modules into the output folder (bad config fails before cdktf is loaded). */
function synthCommand(cli: Argv): Argv {
  return cli.command('synth', 'Synthesize deploy stacks and reusable modules into the output folder',
    (y) =>
      y
        .option('config', { requiresArg: true, alias: 'c', type: 'string', default: DEFAULT_CONFIG, describe: 'rootwatch config file (default: $ROOTWATCH_CONFIG, else rootwatch.config.json)' })
        .option('out', { requiresArg: true, alias: 'o', type: 'string', default: DEFAULT_OUT, describe: 'output folder (also CDKTF_OUTDIR)' })
        .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print nothing but errors (no progress, no summary)' }),
    async (args) => {
      const configFile = single('config', args.config) ?? DEFAULT_CONFIG;
      const out = single('out', args.out) ?? DEFAULT_OUT;
      const { loadConfig } = await import('./cli/load-config');
      const config = loadConfig(configFile); // bad input fails before cdktf is even loaded
      const { checkOutPath } = await import('./cli/synth');
      checkOutPath(out);
      const { synthesize } = await import('./cli/synth');
      const { progressLine } = await import('./cli/synth-progress');
      const progress = progressLine({ quiet: args.quiet });
      const result = await synthesize(config, out, {
        ...(progress ? { progress } : {}),
        onNotice: (m) => process.stderr.write(`rootwatch: ${m}\n`),
      });
      if (args.quiet) return;
      const shown = result.stacks.slice(0, 6).join(', ') + (result.stacks.length > 6 ? `, … ${result.stacks.length - 6} more` : '');
      process.stdout.write(`rootwatch: synthesized ${result.stacks.length} stacks (${shown}) and modules ${result.modules.join(', ')} into ${out}\n`);
    },
  );
}

/** `simulate <event>`: would the rules match this event, and what alert would it give. */
function simulateCommand(cli: Argv, argv: readonly string[]): Argv {
  return cli.command('simulate <event>', 'Would the generated rules match this EventBridge event, and what alert would it give?',
    (y) =>
      y
        .positional('event', { type: 'string', demandOption: true, describe: 'JSON file with one EventBridge event, or - for stdin' })
        .option('config', { requiresArg: true, alias: 'c', type: 'string', describe: `rootwatch config file (default: ${DEFAULT_CONFIG} when present)` })
        .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' })
        .option('render', { requiresArg: true, choices: ['slack', 'pagerduty', 'email'] as const, describe: 'print the exact body that alerter would send' })
        .option('ou-export', { requiresArg: true, type: 'string', describe: 'stackset mode: list-accounts-for-parent export of a target OU; its ACTIVE accounts count as monitored' }),
    async (args) => {
      await recoverDefaultOutput();
      const { runSimulate } = await import('./cli/simulate');
      const loaded = await optionalConfig(single('config', args.config));
      const ouExport = single('ou-export', args['ou-export']);
      const config = ouExport === undefined ? loaded : (await import('./cli/simulate-ou')).withOuExport(loaded, ouExport);
      // yargs turns a lone `-` positional into "": give stdin its documented name back.
      const event = args.event === '' && argv.includes('-') ? '-' : single('event', args.event) ?? '';
      print(await runSimulate({ input: event, json: args.json, ...(config ? { config } : {}), ...(args.render ? { render: args.render } : {}) }));
    },
  );
}

/** `expect`: declare, list or cancel expected root use. */
function expectCommand(cli: Argv): Argv {
  return cli.command('expect', 'Declare (--account --for --reason), list (--list) or cancel (--cancel) expected root use; the hub marks root events in the window',
    (y) =>
      y
        .option('account', { requiresArg: true, type: 'string', describe: '12-digit account where root will be used' })
        .option('for', { requiresArg: true, type: 'string', describe: 'window length, e.g. 2h, 90m (at most detection.expectedUse.maxHours)' })
        .option('reason', { requiresArg: true, type: 'string', describe: 'why, e.g. "close account, CHG-123"' })
        .option('list', { type: 'boolean', default: false, describe: 'list current and future windows' })
        .option('cancel', { requiresArg: true, type: 'string', describe: 'cancel one of your windows by id' })
        .option('profile', { requiresArg: true, type: 'string', describe: 'AWS profile (one that assumes the declarer role)' })
        .option('region', { requiresArg: true, type: 'string', describe: 'region of the hub table (default: hub.region)' })
        .option('config', { requiresArg: true, alias: 'c', type: 'string', default: DEFAULT_CONFIG, describe: 'rootwatch config file' }),
    async (args) => {
      const { loadConfig } = await import('./cli/load-config');
      const config = loadConfig(args.config);
      const { runExpect } = await import('./cli/expect');
      print(await runExpect({ list: args.list, ...givenStrings(args, ['account', 'for', 'reason', 'cancel', 'profile', 'region']) }, config));
    },
  );
}

/** `diagram`: a Mermaid diagram of the config. */
function diagramCommand(cli: Argv): Argv {
  return cli.command('diagram', 'Print a Mermaid diagram of what the config generates',
    (y) => y.option('config', { requiresArg: true, alias: 'c', type: 'string', default: DEFAULT_CONFIG, describe: 'rootwatch config file (default: $ROOTWATCH_CONFIG, else rootwatch.config.json)' }),
    async (args) => {
      await recoverDefaultOutput();
      const { loadConfig } = await import('./cli/load-config');
      const { renderDiagram } = await import('./cli/diagram');
      process.stdout.write(renderDiagram(loadConfig(single('config', args.config) ?? DEFAULT_CONFIG)));
    },
  );
}

/** `audit`: read-only root posture of one account. */
function auditCommand(cli: Argv): Argv {
  return cli.command('audit', 'Read-only root-user posture check of one AWS account (credentials from the usual chain)',
    (y) =>
      y
        .option('profile', { requiresArg: true, type: 'string', describe: 'AWS profile to use' })
        .option('region', { requiresArg: true, type: 'string', describe: 'AWS region for the API calls' })
        .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' })
        .option('scp-policy-name', { requiresArg: true, type: 'string', describe: 'name of the deny-root SCP (default rootwatch-deny-root)' })
        .option('config', { requiresArg: true, alias: 'c', type: 'string', describe: 'rootwatch config: also prove a logging trail covers every region it monitors for this account' }),
    async (args) => {
      await recoverDefaultOutput();
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      const { runAudit } = await import('./cli/audit');
      let monitoredRegions: Record<string, string[]> | undefined;
      if (args.config) {
        const { loadConfig } = await import('./cli/load-config');
        const { expectedAccounts } = await import('./core/coverage');
        monitoredRegions = Object.fromEntries(expectedAccounts(loadConfig(args.config)).map((a) => [a.account, [...a.regions]]));
      }
      const r = await runAudit({
        ...(monitoredRegions ? { monitoredRegions } : {}),
        json: args.json,
        ...(args.profile ? { profile: args.profile } : {}),
        ...(args.region ? { region: args.region } : {}),
        ...(args['scp-policy-name'] ? { scpPolicyName: args['scp-policy-name'] } : {}),
      });
      report(r, r.stdout);
    },
  );
}

/** `coverage`: the hub's coverage ledger. */
function coverageCommand(cli: Argv): Argv {
  return cli.command('coverage', "Read the hub's coverage ledger: every account x region with its last heartbeat, last root event and status",
    (y) =>
      y
        .option('config', { requiresArg: true, alias: 'c', type: 'string', describe: `rootwatch config file (default: ${DEFAULT_CONFIG} when present)` })
        .option('profile', { requiresArg: true, type: 'string', describe: 'AWS profile of the hub account' })
        .option('region', { requiresArg: true, type: 'string', describe: "the hub's region (default: hub.region of the config)" })
        .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' }),
    async (args) => {
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      const config = await optionalConfig(args.config);
      const { runCoverage } = await import('./cli/coverage');
      const r = await runCoverage({
        json: args.json,
        ...(config ? { config } : {}),
        ...(args.profile ? { profile: args.profile } : {}),
        ...(args.region ? { region: args.region } : {}),
      });
      report(r, 'coverage failed');
    },
  );
}

/** `redrive`: replay one path's forwarding dead-letter queue into the notifier. */
function redriveCommand(cli: Argv): Argv {
  return cli.command('redrive', "Hand the events waiting in one path's forwarding dead-letter queue to the hub's notifier; delete each once accepted",
    (y) =>
      y
        .option('account', { requiresArg: true, type: 'string', demandOption: true, describe: 'the monitored account of the path (12 digits)' })
        .option('region', { requiresArg: true, type: 'string', demandOption: true, describe: 'the region of the path' })
        .option('profile', { requiresArg: true, type: 'string', describe: 'AWS profile of the monitored account (reads and deletes its queue)' })
        .option('hub-profile', { requiresArg: true, type: 'string', describe: 'AWS profile of the hub account (invokes the notifier)' })
        .option('dry-run', { type: 'boolean', default: false, describe: 'read and show the messages; invoke and delete nothing' })
        .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' })
        .option('config', { requiresArg: true, alias: 'c', type: 'string', default: DEFAULT_CONFIG, describe: 'rootwatch config file (default: $ROOTWATCH_CONFIG, else rootwatch.config.json)' }),
    async (args) => {
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      const { loadConfig } = await import('./cli/load-config');
      const config = loadConfig(single('config', args.config) ?? DEFAULT_CONFIG);
      const { runRedrive } = await import('./cli/redrive');
      const profile = single('profile', args.profile);
      const hubProfile = single('hub-profile', args['hub-profile']);
      const r = await runRedrive({
        account: String(single('account', args.account)),
        region: String(single('region', args.region)),
        dryRun: args['dry-run'],
        json: args.json,
        config,
        ...(profile !== undefined ? { profile } : {}),
        ...(hubProfile !== undefined ? { hubProfile } : {}),
      });
      report(r, 'redrive failed');
    },
  );
}

/** yargs' own parsing errors are usage errors (exit 2, one line); a command's own error passes through. */
function usageError(msg: string | undefined, err: Error | undefined): never {
  if (err && err.name !== 'YError') throw err;
  const text = msg ?? err?.message ?? 'bad arguments';
  // yargs spreads some messages over lines ("Invalid values:\n  Argument: ..."): keep one line.
  const usage = new Error(text.split('\n').map((l) => l.trim()).filter(Boolean).join(' '));
  usage.name = 'UsageError';
  throw usage;
}

/** The command table, in the order `--help` lists it. */
const COMMANDS: ReadonlyArray<(cli: Argv, argv: readonly string[]) => Argv> = [
  synthCommand,
  simulateCommand,
  expectCommand,
  diagramCommand,
  auditCommand,
  coverageCommand,
  redriveCommand,
];

async function main(argv: string[]): Promise<void> {
  const cli = yargs(argv)
    .scriptName('rootwatch')
    .usage('$0 <command> [options]\n\nGenerates the Terraform that watches and locks down the AWS root user.');
  await COMMANDS.reduce((y, command) => command(y, argv), cli)
    .demandCommand(1, 'name a command (see --help)')
    .strict()
    .help()
    .version(false)
    .fail(usageError)
    .parseAsync();
}

main(hideBin(process.argv)).catch(fail);
