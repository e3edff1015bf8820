/**
 * Coverage properties proven over `terraform show -json` of real plans (issue "Coverage you can
 * prove"). Pure functions: each returns the problems it found (empty: the property holds).
 */
import { matchesPattern } from '../core/matcher';
import { heartbeatRolePrefix } from '../core/patterns';
import { ConfigModule, Plan, PlannedResource, plannedResources, selectsRoot, statementsOf } from './plan-checks';

/** The region a planned resource is created in (from its provider configuration, module calls included). */
function regionsByAddress(plan: Plan): (r: PlannedResource) => string {
  const config = plan.configuration;
  const keyOf = new Map<string, string | undefined>();
  const walk = (m: ConfigModule | undefined, prefix: string) => {
    for (const r of m?.resources ?? []) keyOf.set(`${prefix}${r.address}`, r.provider_config_key);
    for (const [name, call] of Object.entries(m?.module_calls ?? {})) walk(call.module, `${prefix}module.${name}.`);
  };
  walk(config?.root_module, '');
  return (r) => String(config?.provider_config?.[keyOf.get(r.address.replace(/\[[^\]]*\]$/, '')) ?? 'aws']?.expressions?.region?.constant_value);
}

/**
 * The hub bus admits only rootwatch's forwarding roles: every Allow statement of a bus policy
 * carries `ArnLike aws:PrincipalArn` = `arn:<partition>:iam::*:role/<prefix>-forward-*`.
 */
export function checkBusForwardersOnly(plan: Plan, namePrefix: string): string[] {
  const expected = new RegExp(`^arn:aws[a-z-]*:iam::\\*:role/${namePrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-forward-\\*$`);
  const problems: string[] = [];
  for (const r of plannedResources(plan, 'aws_cloudwatch_event_bus_policy')) {
    for (const s of statementsOf(r.values.policy)) {
      if (s.Effect !== 'Allow') continue;
      const arn = s.Condition?.ArnLike?.['aws:PrincipalArn'];
      if (typeof arn !== 'string' || !expected.test(arn)) {
        problems.push(`${r.address}: statement ${s.Sid ?? '(no Sid)'} admits principals other than the forwarding roles (aws:PrincipalArn ${JSON.stringify(arn)})`);
      }
    }
  }
  return problems;
}

/**
 * Exactly one heartbeat schedule in every region that has a root-forwarding rule, calling the
 * universal target sqs:tagQueue; and that call, as CloudTrail records it (`record`: the cited
 * fixture, moved to the region and the planned heartbeat role), matches that region's root rule.
 */
export function checkHeartbeatPerRegion(plan: Plan, namePrefix: string, record: Record<string, unknown>): string[] {
  const regionOf = regionsByAddress(plan);
  const problems: string[] = [];
  const rules = plannedResources(plan, 'aws_cloudwatch_event_rule').filter((r) => selectsRoot(r.values.event_pattern) && (r.values.event_bus_name ?? 'default') === 'default');
  const schedules = plannedResources(plan, 'aws_scheduler_schedule');
  const roles = plannedResources(plan, 'aws_iam_role').filter((r) => r.values.name_prefix === heartbeatRolePrefix(namePrefix));
  if (rules.length > 0 && roles.length !== 1) problems.push(`expected one heartbeat role (name_prefix ${heartbeatRolePrefix(namePrefix)}), found ${roles.length}`);
  for (const rule of rules) {
    const region = regionOf(rule);
    const here = schedules.filter((s) => regionOf(s) === region);
    if (here.length !== 1) {
      problems.push(`${region}: ${here.length} heartbeat schedules (exactly one expected)`);
      continue;
    }
    const target = (here[0].values.target as Array<Record<string, unknown>> | undefined)?.[0];
    if (!/^arn:aws[a-z-]*:scheduler:::aws-sdk:sqs:tagQueue$/.test(String(target?.arn))) {
      problems.push(`${here[0].address}: target ${String(target?.arn)} is not the universal target sqs:tagQueue`);
    }
    const event = JSON.parse(JSON.stringify(record)) as { region: string; detail: Record<string, any> };
    event.region = region;
    event.detail.awsRegion = region;
    event.detail.userIdentity.sessionContext.sessionIssuer.userName = `${heartbeatRolePrefix(namePrefix)}20261130060000000000000001`;
    if (!matchesPattern(JSON.parse(String(rule.values.event_pattern)), event)) {
      problems.push(`${rule.address}: the heartbeat's CloudTrail record in ${region} does not match the root-forwarding rule`);
    }
  }
  return problems;
}

/** The hub watches coverage with ONE stale-path alarm (missing data breaching), never one alarm per account. */
export function checkOneStalePathAlarm(plan: Plan): string[] {
  const alarms = plannedResources(plan, 'aws_cloudwatch_metric_alarm');
  const stale = alarms.filter((a) => a.values.metric_name === 'StalePaths');
  const problems: string[] = [];
  if (stale.length !== 1) problems.push(`${stale.length} StalePaths alarms (exactly one expected)`);
  for (const a of stale) if (a.values.treat_missing_data !== 'breaching') problems.push(`${a.address}: missing data is not breaching (a dead sweep would page no one)`);
  for (const a of alarms.filter((x) => x.values.metric_name === 'Heartbeat')) problems.push(`${a.address}: a per-account heartbeat alarm (the coverage ledger replaces them)`);
  return problems;
}
