/**
 * `rootwatch diagram`: a Mermaid flowchart of what the config generates (accounts, regions,
 * buses, rules, Lambda, topics, alerters), for reviewers who would rather look than read.
 * Pure: config in, text out. Large organizations are summarized after MAX_SPOKES accounts.
 */
import { RootwatchConfig, SpokeConfig } from '../core/config';
import { hubBusName, ruleNames } from '../core/patterns';

const MAX_SPOKES = 8;

const id = (s: string) => s.replace(/[^A-Za-z0-9]/g, '_');
const label = (s: string) => s.replace(/"/g, "'");

export function renderDiagram(config: RootwatchConfig): string {
  const p = config.namePrefix;
  const names = ruleNames(p);
  const hub = config.hub;
  const lines: string[] = ['flowchart LR'];
  const regionsLine = (regions: readonly string[]) => regions.join(', ');

  const account = (key: string, title: string, accountId: string, regions: readonly string[], cis: boolean) => {
    lines.push(`  subgraph ${key}["${label(title)} ${accountId}"]`);
    lines.push(`    ${key}_rules["default bus in ${regions.length} regions<br/>${regionsLine(regions)}<br/>rule ${names.spokeForwardRoot} (all management events)"]`);
    lines.push(`    ${key}_hb(["heartbeat per region ${config.alerts.heartbeat.enabled ? config.alerts.heartbeat.scheduleExpression : 'off'}<br/>TagQueue on the DLQ, via CloudTrail"])`);
    if (cis) lines.push(`    ${key}_cis(["CIS CloudWatch.1 alarm"])`);
    lines.push('  end');
    lines.push(`  ${key}_rules -- "root events, cross-region" --> bus`);
    lines.push(`  ${key}_hb --> ${key}_rules`);
    if (cis) lines.push(`  ${key}_cis --> ${key}_rules`);
  };

  lines.push(`  subgraph hub["hub ${label(hub.name)} ${hub.accountId} (${hub.region})"]`);
  lines.push(`    bus[["bus ${hubBusName(p)}<br/>admits ${hub.organizationId ? `organization ${hub.organizationId}` : `${config.spokes.length} listed accounts`}"]]`);
  lines.push(`    login{{"rule ${names.hubLogin}"}}`);
  lines.push(`    activity{{"rule ${names.hubActivity}"}}`);
  lines.push(`    pipeline{{"rule ${names.hubPipeline}"}}`);
  lines.push(`    notifier["notifier Lambda<br/>classify, fold ${config.alerts.foldWindowMinutes} min"]`);
  lines.push(`    topicLogin(["topic ${p}-root-login"])`);
  lines.push(`    topicActivity(["topic ${p}-root-activity"])`);
  lines.push('  end');
  lines.push('  bus --> login & activity & pipeline');
  lines.push('  login & activity & pipeline --> notifier');
  lines.push('  notifier --> topicLogin & topicActivity');
  lines.push('  notifier <--> ledger');

  const alerters: string[] = [];
  const email = config.alerts.email;
  if (email.login.length + email.activity.length > 0) alerters.push(`email["Email: ${email.login.length + email.activity.length} subscriptions"]`);
  if (config.alerts.slack) alerters.push('slack["Slack alerter Lambda"]');
  if (config.alerts.pagerduty) alerters.push('pagerduty["PagerDuty alerter Lambda"]');
  alerters.push('custom["your SQS / Lambda subscriptions"]');
  for (const a of alerters) {
    const key = a.split('[')[0];
    lines.push(`  ${a}`);
    lines.push(`  topicLogin & topicActivity -.-> ${key}`);
  }

  account('hubself', 'hub account itself', hub.accountId, hub.regions, false);
  const shown: SpokeConfig[] = config.spokes.slice(0, MAX_SPOKES);
  for (const s of shown) account(`spoke_${id(s.name)}`, `spoke ${s.name}`, s.accountId, s.regions, Boolean(s.cisLogGroupName));
  const rest = config.spokes.length - shown.length;
  if (rest > 0) {
    lines.push(`  more["… ${rest} more spoke accounts, same shape"]`);
    lines.push('  more -- "root events" --> bus');
  }
  if (config.orgGuardrails) {
    const g = config.orgGuardrails;
    const parts = [
      g.denyRootScp.enabled ? 'SCP deny root (AssumeRoot exempt)' : '',
      g.denyRootAccessKeysScp.enabled ? 'SCP deny root access keys' : '',
      g.centralizedRootAccess ? 'centralized root access' : '',
      g.guardDuty.enabled ? 'GuardDuty' : '',
      g.securityHub.enabled ? 'Security Hub CIS' : '',
    ].filter(Boolean);
    const mgmtMonitored = g.managementAccount.accountId !== hub.accountId && !config.spokes.some((s) => s.accountId === g.managementAccount.accountId);
    lines.push(`  mgmt["management ${g.managementAccount.accountId}<br/>${parts.join('<br/>')}${mgmtMonitored ? `<br/>monitored: rule ${names.spokeForwardRoot} + heartbeat in ${hub.regions.length} regions` : ''}"]`);
    if (mgmtMonitored) lines.push('  mgmt -- "root events, cross-region" --> bus');
  }
  return `${lines.join('\n')}\n`;
}
