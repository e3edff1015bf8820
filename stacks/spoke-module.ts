/**
 * The generated composition module of one monitored account: `terraform-out/modules/spoke-<N>r-<hash>`
 * per distinct region set of the config (hub, spokes, management account). Terraform 1.11 cannot
 * iterate providers or module calls, so a region set is structure, not input: the module declares
 * one provider alias per region (`configuration_aliases`), calls `../account` once with the home
 * region's provider and `../spoke-region` once per region, and aggregates their outputs. A root then
 * holds its providers and one `module "spoke"` call instead of a call per region (issue 10: the
 * per-account output size).
 *
 * Name: `spoke-<number of regions>r-<8 hex of sha256(home region, then the others sorted)>`: the
 * same set gives the same folder whatever the configured order (only the home region, which holds
 * the account-wide resources, is structural); a 17-region list would be an unreadable folder name,
 * and the module's README lists the regions. No identity defaults: every account value is an input.
 */
import * as crypto from 'crypto';
import { regionId } from '../core/regions';

/** What the composition module is built for: the home region first, then the others sorted. */
export function spokeRegionKey(regions: readonly string[]): string[] {
  const [home, ...rest] = regions;
  return [home, ...[...new Set(rest.filter((r) => r !== home))].sort()];
}

/** Folder name under terraform-out/modules of the composition module for `regions` (home first). */
export function spokeModuleName(regions: readonly string[]): string {
  const list = regions.join(',');
  let name = names.get(list);
  if (name === undefined) {
    const key = spokeRegionKey(regions);
    name = `spoke-${key.length}r-${crypto.createHash('sha256').update(key.join(',')).digest('hex').slice(0, 8)}`;
    names.set(list, name);
  }
  return name;
}
/** Names by region list: a 1,000-account config has a handful of lists. */
const names = new Map<string, string>();

type VariableBlock = Record<string, unknown> & { description?: string };

/** Variables of the composition module, from the account and spoke-region modules' own (types, validation). */
function compositionVariables(account: Record<string, VariableBlock>, region: Record<string, VariableBlock>, key: readonly string[]): Record<string, VariableBlock> {
  const from = (vars: Record<string, VariableBlock>, name: string, over: Partial<VariableBlock> = {}): VariableBlock => ({ ...vars[name], ...over });
  const list = key.map((r) => `"${r}"`).join(', ');
  return {
    account_id: from(account, 'account_id', { description: 'AWS account ID of the monitored account.' }),
    alternate_contacts: from(account, 'alternate_contacts', { default: {} }),
    cis_log_group_name: from(account, 'cis_log_group_name', { default: null, description: 'Existing CloudTrail log group of the account, in cis_log_group_region: adds the CIS CloudWatch.1 root-usage alarm there. null: the hardened trail\'s log group when trail is set, else no alarm.' }),
    cis_log_group_region: {
      type: 'string',
      description: `Region of cis_log_group_name, one of this module's regions (null: the home region ${key[0]}). The CIS filter and alarm are created there.`,
      nullable: true,
      default: null,
      validation: [{ condition: `\${var.cis_log_group_region == null ? true : contains([${list}], var.cis_log_group_region)}`, error_message: `cis_log_group_region must be one of ${key.join(', ')}.` }],
    },
    dead_letter_alarm: from(region, 'dead_letter_alarm'),
    heartbeat_schedule: from(region, 'heartbeat_schedule', { description: 'Schedule of the heartbeat canary in every region (null: no heartbeat).' }),
    hub_bus_arn: from(account, 'hub_bus_arn'),
    manage_account_settings: {
      type: 'bool',
      description: 'Whether this call owns the account-wide settings (alternate contacts, password policy, S3 public access block); one owner per account.',
      nullable: false,
      default: true,
    },
    name_prefix: from(account, 'name_prefix'),
    password_policy: from(account, 'password_policy'),
    s3_public_access_block: from(account, 's3_public_access_block'),
    trail: from(account, 'trail'),
  };
}

/** Outputs of each region, as a map by region. */
const byRegion = (key: readonly string[], output: string) => `\${{ ${key.map((r) => `"${r}" = module.region_${regionId(r)}.${output}`).join(', ')} }}`;

/**
 * The composition module for `regions` (home first) as Terraform JSON (versions, variables,
 * locals, module calls, outputs), given the variables of the account and spoke-region modules.
 */
export function spokeModuleTf(regions: readonly string[], accountVariables: Record<string, VariableBlock>, regionVariables: Record<string, VariableBlock>, versions: Record<string, any>): Record<string, any> {
  const key = spokeRegionKey(regions);
  const home = key[0];
  const provider = (r: string) => ({ aws: `aws.${regionId(r)}` });
  const common = { name_prefix: '${var.name_prefix}', hub_bus_arn: '${var.hub_bus_arn}' };
  const module: Record<string, any> = {
    account: {
      source: '../account',
      providers: provider(home),
      ...common,
      account_id: '${var.account_id}',
      cis_log_group_name: '${local.cis_home ? var.cis_log_group_name : null}',
      cis_alarm: '${local.cis_home}',
      alternate_contacts: '${var.manage_account_settings ? var.alternate_contacts : {}}',
      password_policy: '${var.manage_account_settings ? var.password_policy : null}',
      s3_public_access_block: '${var.manage_account_settings && var.s3_public_access_block}',
      trail: '${var.trail}',
      heartbeat: '${var.heartbeat_schedule != null}',
    },
  };
  for (const r of key) {
    module[`region_${regionId(r)}`] = {
      source: '../spoke-region',
      providers: provider(r),
      ...common,
      spoke_account_id: '${var.account_id}',
      forwarder_role_arn: '${module.account.forwarder_role_arn}',
      heartbeat_schedule: '${var.heartbeat_schedule}',
      heartbeat_role_arn: '${module.account.heartbeat_role_arn}',
      dead_letter_alarm: '${var.dead_letter_alarm}',
      // The CIS filter and alarm beside a log group outside the home region.
      ...(r === home ? {} : { cis_log_group_name: `\${var.cis_log_group_region == "${r}" ? var.cis_log_group_name : null}` }),
    };
  }
  const cis = (o: string) => `\${try(coalesce(${['account', ...key.slice(1).map((r) => `region_${regionId(r)}`)].map((m) => `module.${m}.${o}`).join(', ')}), null)}`;
  const terraform = JSON.parse(JSON.stringify(versions));
  terraform.required_providers.aws.configuration_aliases = key.map((r) => `aws.${regionId(r)}`);
  return {
    terraform,
    variable: compositionVariables(accountVariables, regionVariables, key),
    locals: { cis_home: `\${var.cis_log_group_region == null || var.cis_log_group_region == "${home}"}` },
    module,
    output: {
      forwarder_role_arn: { value: '${module.account.forwarder_role_arn}', description: 'ARN of the role EventBridge uses to forward root events to the hub.' },
      trail_arn: { value: '${module.account.trail_arn}', description: 'ARN of the hardened trail (null without one).' },
      rule_arns: { value: byRegion(key, 'rule_arn'), description: 'Region -> ARN of the root-event forwarding rule.' },
      dead_letter_queue_arns: { value: byRegion(key, 'dead_letter_queue_arn'), description: 'Region -> ARN of the forwarding dead-letter queue.' },
      cis_alarm_arn: { value: cis('cis_alarm_arn'), description: 'ARN of the CIS CloudWatch.1 root-usage alarm (null without one).' },
      cis_topic_arn: { value: cis('cis_topic_arn'), description: 'SNS topic of the CIS alarm (null without one).' },
    },
  };
}

/** The description of a composition module (its README). */
export function spokeModuleDescription(regions: readonly string[]): string {
  const key = spokeRegionKey(regions);
  return [
    `Root-event forwarding of one monitored account in ${key.length} region${key.length === 1 ? '' : 's'}: ${key.join(', ')} (home region ${key[0]}).`,
    `Calls \`../account\` once with the home region's provider and \`../spoke-region\` once per region. Generated by \`rootwatch synth\` for each distinct region set of the config;`,
    `regions are provider aliases, so pass one per region: \`providers = { ${key.map((r) => `aws.${regionId(r)} = aws.${regionId(r)}`).join(', ')} }\`.`,
  ].join('\n');
}
