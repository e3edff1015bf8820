/**
 * `rootwatch simulate --ou-export <file>` (issue 15): in stackset mode the accounts of the target
 * OUs are monitored without being listed in the config. Given an `aws organizations
 * list-accounts-for-parent` export of a target OU (or of an OU below one), simulate treats its
 * ACTIVE accounts as the stack set delivers them: in every configured region, like a listed spoke,
 * so coverage reads the same for both. Nothing else of the config changes.
 */
import { ConfigError, RootwatchConfig, SpokeConfig } from '../core/config';
import { readOrgExport } from './load-config';

export function withOuExport(config: RootwatchConfig | undefined, file: string): RootwatchConfig {
  if (!config?.stackSet) throw new ConfigError('--ou-export', 'needs a config with "spokeDelivery": "stackset" (the export stands for an OU the stack set targets)');
  const listed = new Set([config.hub.accountId, ...config.spokes.map((s) => s.accountId)]);
  const extra: SpokeConfig[] = [];
  const names: Record<string, string> = {};
  for (const a of readOrgExport(file, '--ou-export')) {
    const state = a.State ?? a.Status;
    if (state !== 'ACTIVE' || listed.has(a.Id)) continue; // only ACTIVE accounts get (and keep) stack instances
    listed.add(a.Id);
    // the stack set deploys in the configured regions (config.hub.regions), as for a spoke without its own list
    extra.push({ name: a.Id, accountId: a.Id, assumeRoleArn: `arn:aws:iam::${a.Id}:role/(stack set)`, regions: config.hub.regions });
    if (a.Name) names[a.Id] = a.Name;
  }
  return { ...config, spokes: [...config.spokes, ...extra], accountNames: { ...names, ...config.accountNames } };
}
