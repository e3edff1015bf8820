import { Construct } from 'constructs';
import { TerraformProvider } from 'cdktf';
import { RootwatchConfig } from '../core/config';
import { rulePatterns } from '../core/patterns';
import { AccountRootGuardrails } from '../modules/account-guardrails';
import { CisRootAlarm } from '../modules/cis-root-alarm';
import { HardenedTrail } from '../modules/hardened-trail';
import { HeartbeatCanary } from '../modules/heartbeat-canary';
import { hubBusArnOf } from '../modules/hub-event-bus';
import { RootEventForwarder } from '../modules/root-event-forwarder';

export interface MonitoredAccountProps {
  readonly config: RootwatchConfig;
  /** The monitored account (a variable token in stacks). */
  readonly accountId: string;
  readonly hubAccountId: string;
  /** Regions to watch, us-east-1 first: the first also holds the heartbeat, CIS alarm, guardrails and trail. */
  readonly regions: readonly string[];
  readonly providers: ReadonlyMap<string, TerraformProvider>;
  readonly partition: string;
  /** Existing CloudTrail log group: adds the CIS CloudWatch.1 alarm. */
  readonly cisLogGroupName?: string;
  /** Region of cisLogGroupName, one of `regions`. @default the first region */
  readonly cisLogGroupRegion?: string;
  /** This stack owns the account-wide settings (password policy, S3 block, contacts). @default true */
  readonly manageAccountSettings?: boolean;
}

/**
 * Everything one monitored account gets, the same for a spoke and for the hub account itself:
 * per-region forwarding to the hub bus, the heartbeat canary, the optional CIS alarm, and the
 * account-level guardrails (and hardened trail) the config switches on.
 */
export function monitorAccount(scope: Construct, props: MonitoredAccountProps): { forwarder: RootEventForwarder; cis?: CisRootAlarm } {
  const { config, accountId, partition } = props;
  const p = config.namePrefix;
  const home = props.regions[0];
  const homeProvider = props.providers.get(home)!;
  const patterns = rulePatterns(p);
  const g = config.accountGuardrails;
  // The CIS source: the given log group in its region, else the hardened trail's own log group.
  const cisRegion = props.cisLogGroupName ? props.cisLogGroupRegion ?? home : g.trail.enabled ? home : undefined;

  const forwarder = new RootEventForwarder(scope, 'forwarder', {
    namePrefix: p,
    accountId,
    partition,
    // The hub bus in the hub's region, whatever region the rule is in (EventBridge forwards across regions).
    hubBusArn: hubBusArnOf(p, { partition, region: config.hub.region, accountId: props.hubAccountId }),
    regions: props.regions.map((region) => ({ region, provider: props.providers.get(region)! })),
    rootPattern: patterns.spokeRoot,
    pipelinePattern: patterns.spokePipeline,
    // The CIS alarm's state changes land on the default bus of its own region.
    ...(cisRegion && cisRegion !== home ? { pipelineRegions: [cisRegion] } : {}),
  });
  const heartbeat = config.alerts.heartbeat;
  if (heartbeat.enabled) {
    new HeartbeatCanary(scope, 'heartbeat', {
      namePrefix: p,
      accountId,
      region: home,
      partition,
      scheduleExpression: heartbeat.scheduleExpression,
      provider: homeProvider,
    });
  }

  if (props.manageAccountSettings ?? true) {
    new AccountRootGuardrails(scope, 'guardrails', {
      namePrefix: p,
      provider: homeProvider,
      alternateContacts: g.alternateContacts,
      passwordPolicy: g.passwordPolicy,
      s3PublicAccessBlock: g.s3PublicAccessBlock,
    });
  }
  const trail = g.trail.enabled
    ? new HardenedTrail(scope, 'trail', {
        namePrefix: p,
        provider: homeProvider,
        accountId,
        region: home,
        partition,
        logRetentionDays: g.trail.logRetentionDays,
        transitionToGlacierDays: g.trail.transitionToGlacierDays,
        ...(g.trail.objectLockDays === undefined ? {} : { objectLockDays: g.trail.objectLockDays }),
      })
    : undefined;
  const logGroupName = props.cisLogGroupName ?? trail?.logGroupName;
  const cis = cisRegion && logGroupName
    ? new CisRootAlarm(scope, 'cis', {
        namePrefix: p,
        accountId,
        partition,
        region: cisRegion,
        logGroupName,
        provider: props.providers.get(cisRegion)!,
      })
    : undefined;
  return cis ? { forwarder, cis } : { forwarder };
}
