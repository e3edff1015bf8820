import { Construct } from 'constructs';
import { TerraformProvider } from 'cdktf';
import { RootwatchConfig } from '../core/config';
import { rulePatterns } from '../core/patterns';
import { AccountRootGuardrails } from '../modules/account-guardrails';
import { CisRootAlarm } from '../modules/cis-root-alarm';
import { HardenedTrail } from '../modules/hardened-trail';
import { PathHeartbeats } from '../modules/path-heartbeats';
import { hubBusArnOf } from '../modules/hub-event-bus';
import { RootEventForwarder } from '../modules/root-event-forwarder';

export interface MonitoredAccountProps {
  readonly config: RootwatchConfig;
  /** The monitored account (a variable token in stacks). */
  readonly accountId: string;
  readonly hubAccountId: string;
  /** Regions to watch, us-east-1 first: the first also holds the IAM roles, CIS alarm, guardrails and trail. */
  readonly regions: readonly string[];
  readonly providers: ReadonlyMap<string, TerraformProvider>;
  readonly partition: string;
  /** Existing CloudTrail log group: adds the CIS CloudWatch.1 alarm. */
  readonly cisLogGroupName?: string;
}

/**
 * Everything one monitored account gets, the same for a spoke and for the hub account itself:
 * per-region forwarding to the hub bus, a heartbeat per region, the optional CIS alarm, and the
 * account-level guardrails (and hardened trail) the config switches on.
 */
export function monitorAccount(scope: Construct, props: MonitoredAccountProps): { forwarder: RootEventForwarder; cis?: CisRootAlarm } {
  const { config, accountId, partition } = props;
  const p = config.namePrefix;
  const home = props.regions[0];
  const homeProvider = props.providers.get(home)!;
  const patterns = rulePatterns(p);

  const forwarder = new RootEventForwarder(scope, 'forwarder', {
    namePrefix: p,
    accountId,
    partition,
    // The hub bus in the hub's region, whatever region the rule is in (EventBridge forwards across regions).
    hubBusArn: hubBusArnOf(p, { partition, region: config.hub.region, accountId: props.hubAccountId }),
    regions: props.regions.map((region) => ({ region, provider: props.providers.get(region)! })),
    rootPattern: patterns.spokeRoot,
    pipelinePattern: patterns.spokePipeline,
    deadLetterAlarms: config.alerts.deadLetterAlarms,
  });
  addHeartbeats(scope, config, accountId, partition, props.regions, props.providers, forwarder);
  const cis = props.cisLogGroupName
    ? new CisRootAlarm(scope, 'cis', {
        namePrefix: p,
        accountId,
        partition,
        region: home,
        logGroupName: props.cisLogGroupName,
        provider: homeProvider,
      })
    : undefined;

  const g = config.accountGuardrails;
  new AccountRootGuardrails(scope, 'guardrails', {
    namePrefix: p,
    provider: homeProvider,
    alternateContacts: g.alternateContacts,
    passwordPolicy: g.passwordPolicy,
    s3PublicAccessBlock: g.s3PublicAccessBlock,
  });
  if (g.trail.enabled) {
    new HardenedTrail(scope, 'trail', {
      namePrefix: p,
      provider: homeProvider,
      accountId,
      region: home,
      partition,
      logRetentionDays: g.trail.logRetentionDays,
      transitionToGlacierDays: g.trail.transitionToGlacierDays,
      ...(g.trail.objectLockDays === undefined ? {} : { objectLockDays: g.trail.objectLockDays }),
    });
  }
  return cis ? { forwarder, cis } : { forwarder };
}

/** A heartbeat per monitored region (when enabled), tagging that region's forwarding dead-letter queue. */
function addHeartbeats(
  scope: Construct,
  config: RootwatchConfig,
  accountId: string,
  partition: string,
  regions: readonly string[],
  providers: ReadonlyMap<string, TerraformProvider>,
  forwarder: RootEventForwarder,
): void {
  const heartbeat = config.alerts.heartbeat;
  if (!heartbeat.enabled) return;
  new PathHeartbeats(scope, 'heartbeats', {
    namePrefix: config.namePrefix,
    accountId,
    partition,
    scheduleExpression: heartbeat.scheduleExpression,
    paths: regions.map((region) => ({ region, provider: providers.get(region)!, queueUrl: forwarder.deadLetterQueueUrls[region] })),
  });
}

/**
 * Forwarding and heartbeats only, for an account whose other settings rootwatch leaves alone: the
 * management account (monitored whenever guardrails.managementAccount is set; no SCP restricts
 * its root).
 */
export function monitorForwardingOnly(
  scope: Construct,
  props: Pick<MonitoredAccountProps, 'config' | 'accountId' | 'hubAccountId' | 'regions' | 'providers' | 'partition'>,
): RootEventForwarder {
  const { config, accountId, partition } = props;
  const p = config.namePrefix;
  const patterns = rulePatterns(p);
  const forwarder = new RootEventForwarder(scope, 'forwarder', {
    namePrefix: p,
    accountId,
    partition,
    hubBusArn: hubBusArnOf(p, { partition, region: config.hub.region, accountId: props.hubAccountId }),
    regions: props.regions.map((region) => ({ region, provider: props.providers.get(region)! })),
    rootPattern: patterns.spokeRoot,
    pipelinePattern: patterns.spokePipeline,
    deadLetterAlarms: config.alerts.deadLetterAlarms,
  });
  addHeartbeats(scope, config, accountId, partition, props.regions, props.providers, forwarder);
  return forwarder;
}
