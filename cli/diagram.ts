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
  const lines = [
    'flowchart LR',
    ...hubLines(config),
    ...alerterLines(config),
    ...accountLines(config, 'hubself', 'hub account itself', config.hub.accountId, config.hub.regions, false),
    ...spokeLines(config),
    ...managementLines(config),
  ];
  return `${lines.join('\n')}\n`;
}

/** The hub: bus, rules, notifier, topics, ledger. */
function hubLines(config: RootwatchConfig): string[] {
  const p = config.namePrefix;
  const names = ruleNames(p);
  const hub = config.hub;
  return [
    `  subgraph hub["hub ${label(hub.name)} ${hub.accountId} (${hub.region})"]`,
    `    bus[["bus ${hubBusName(p)}<br/>admits ${hub.organizationId ? `organization ${hub.organizationId}` : `${config.spokes.length} listed accounts`}"]]`,
    `    login{{"rule ${names.hubLogin}"}}`,
    `    activity{{"rule ${names.hubActivity}"}}`,
    `    pipeline{{"rule ${names.hubPipeline}"}}`,
    `    notifier["notifier Lambda<br/>classify, fold ${config.alerts.foldWindowMinutes} min"]`,
    `    topicLogin(["topic ${p}-root-login"])`,
    `    topicActivity(["topic ${p}-root-activity"])`,
    '  end',
    '  bus --> login & activity & pipeline',
    '  login & activity & pipeline --> notifier',
    '  notifier --> topicLogin & topicActivity',
    '  notifier <--> ledger',
  ];
}

/** What the topics deliver to: e-mail, Slack, PagerDuty, your own subscriptions. */
function alerterLines(config: RootwatchConfig): string[] {
  const alerters: string[] = [];
  const email = config.alerts.email;
  if (email.login.length + email.activity.length > 0) alerters.push(`email["Email: ${email.login.length + email.activity.length} subscriptions"]`);
  if (config.alerts.slack) alerters.push('slack["Slack alerter Lambda"]');
  if (config.alerts.pagerduty) alerters.push('pagerduty["PagerDuty alerter Lambda"]');
  alerters.push('custom["your SQS / Lambda subscriptions"]');
  return alerters.flatMap((a) => [`  ${a}`, `  topicLogin & topicActivity -.-> ${a.split('[')[0]}`]);
}

/** One monitored account: its rules, heartbeat and CIS alarm, forwarding to the hub bus. */
function accountLines(config: RootwatchConfig, key: string, title: string, accountId: string, regions: readonly string[], cis: boolean): string[] {
  const heartbeat = config.alerts.heartbeat;
  return [
    `  subgraph ${key}["${label(title)} ${accountId}"]`,
    `    ${key}_rules["default bus in ${regions.length} regions<br/>${regions.join(', ')}<br/>rule ${ruleNames(config.namePrefix).spokeForwardRoot} (all management events)"]`,
    `    ${key}_hb(["heartbeat per region ${heartbeat.enabled ? heartbeat.scheduleExpression : 'off'}<br/>TagQueue on the DLQ, via CloudTrail"])`,
    ...(cis ? [`    ${key}_cis(["CIS CloudWatch.1 alarm"])`] : []),
    '  end',
    `  ${key}_rules -- "root events, cross-region" --> bus`,
    `  ${key}_hb --> ${key}_rules`,
    ...(cis ? [`  ${key}_cis --> ${key}_rules`] : []),
  ];
}

/** The first MAX_SPOKES spokes, then one box for the rest. */
function spokeLines(config: RootwatchConfig): string[] {
  const shown: SpokeConfig[] = config.spokes.slice(0, MAX_SPOKES);
  const lines = shown.flatMap((s) => accountLines(config, `spoke_${id(s.name)}`, `spoke ${s.name}`, s.accountId, s.regions, Boolean(s.cisLogGroupName)));
  const rest = config.spokes.length - shown.length;
  if (rest > 0) lines.push(`  more["… ${rest} more spoke accounts, same shape"]`, '  more -- "root events" --> bus');
  return lines;
}

/** The management account with its organization guardrails (monitored when no hub or spoke stack covers it). */
function managementLines(config: RootwatchConfig): string[] {
  const g = config.orgGuardrails;
  if (!g) return [];
  const hub = config.hub;
  const parts = [
    g.denyRootScp.enabled ? 'SCP deny root (AssumeRoot exempt)' : '',
    g.denyRootAccessKeysScp.enabled ? 'SCP deny root access keys' : '',
    g.centralizedRootAccess ? 'centralized root access' : '',
    g.guardDuty.enabled ? 'GuardDuty' : '',
    g.securityHub.enabled ? 'Security Hub CIS' : '',
  ].filter(Boolean);
  const mgmtMonitored = g.managementAccount.accountId !== hub.accountId && !config.spokes.some((s) => s.accountId === g.managementAccount.accountId);
  return [
    `  mgmt["management ${g.managementAccount.accountId}<br/>${parts.join('<br/>')}${mgmtMonitored ? `<br/>monitored: rule ${ruleNames(config.namePrefix).spokeForwardRoot} + heartbeat in ${hub.regions.length} regions` : ''}"]`,
    ...(mgmtMonitored ? ['  mgmt -- "root events, cross-region" --> bus'] : []),
  ];
}
