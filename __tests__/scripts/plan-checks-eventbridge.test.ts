import {
  checkForwardingToHub,
  checkRootCoverage,
  checkRootRuleState,
  checkTargetsResilient,
  Plan,
  rootRuleRegions,
  selectsRoot,
} from '../../scripts/plan-checks';
import { rulePatterns } from '../../core/patterns';

type R = { address: string; type: string; values: Record<string, unknown> };
const patterns = rulePatterns('rootwatch');
const rule = (address: string, pattern: object, state: string, bus = 'default'): R => ({
  address,
  type: 'aws_cloudwatch_event_rule',
  values: { event_pattern: JSON.stringify(pattern), state, event_bus_name: bus },
});
const target = (address: string, arn: string, extra: Record<string, unknown> = {}): R => ({
  address,
  type: 'aws_cloudwatch_event_target',
  values: { arn, retry_policy: [{ maximum_retry_attempts: 185 }], dead_letter_config: [{}], ...extra },
});
/** A plan whose rules run under providers of the given regions (address -> provider key). */
function plan(resources: R[], providers: Record<string, string> = {}): Plan {
  const keys = Object.fromEntries(Object.entries(providers).map(([region]) => [region.replace(/-/g, '_'), region]));
  return {
    planned_values: { root_module: { resources } },
    configuration: {
      provider_config: Object.fromEntries(Object.entries(keys).map(([alias, region]) => [`aws.${alias}`, { expressions: { region: { constant_value: region } } }])),
      root_module: { resources: resources.map((r) => ({ address: r.address, type: r.type, provider_config_key: providers[r.address.split('@')[1] ?? ''] ? `aws.${(r.address.split('@')[1] ?? '').replace(/-/g, '_')}` : undefined })) },
    },
  } as Plan;
}

describe('selectsRoot', () => {
  it('finds root in the deployed patterns, $or branches included, and nowhere else', () => {
    expect(selectsRoot(JSON.stringify(patterns.spokeRoot))).toBe(true);
    expect(selectsRoot(JSON.stringify(patterns.hubLogin))).toBe(true);
    expect(selectsRoot(JSON.stringify(patterns.spokePipeline))).toBe(false);
    expect(selectsRoot(undefined)).toBe(false);
  });
});

describe('checkRootRuleState', () => {
  it('passes root rules that see read-only calls, and ignores rules that do not select root', () => {
    expect(checkRootRuleState(plan([rule('a', patterns.spokeRoot, 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'), rule('b', patterns.spokePipeline, 'ENABLED')]))).toEqual([]);
  });
  it('catches a root rule in plain ENABLED state (read-only root calls missed)', () => {
    expect(checkRootRuleState(plan([rule('r', patterns.hubActivity, 'ENABLED')]))).toEqual([
      'r: selects root events in state ENABLED, so read-only root calls are missed (ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS expected)',
    ]);
  });
});

describe('checkTargetsResilient', () => {
  it('passes targets with retries and a dead-letter queue', () => {
    expect(checkTargetsResilient(plan([target('t', 'arn:aws:lambda:eu-west-1:111111111111:function:f')]))).toEqual([]);
  });
  it('catches a target without either', () => {
    expect(checkTargetsResilient(plan([target('t', 'arn:x', { retry_policy: [], dead_letter_config: [] })]))).toEqual(['t: no retry policy', 't: no dead-letter queue']);
  });
});

describe('checkForwardingToHub', () => {
  const hub = { region: 'eu-west-1', busName: 'rootwatch-root-events' };
  it('passes every region forwarding to the hub bus in the hub region; other targets are not buses', () => {
    expect(
      checkForwardingToHub(
        plan([
          target('us', 'arn:aws:events:eu-west-1:111111111111:event-bus/rootwatch-root-events'),
          target('fn', 'arn:aws:lambda:eu-west-1:111111111111:function:notifier'),
        ]),
        hub,
      ),
    ).toEqual([]);
  });
  it('catches "the hub bus in my own region" and a wrong bus', () => {
    expect(
      checkForwardingToHub(
        plan([
          target('own-region', 'arn:aws:events:us-east-1:111111111111:event-bus/rootwatch-root-events'),
          target('other-bus', 'arn:aws:events:eu-west-1:111111111111:event-bus/default'),
        ]),
        hub,
      ).map((p) => p.split(':')[0]),
    ).toEqual(['own-region', 'other-bus']);
  });
});

describe('checkRootCoverage', () => {
  const all = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
  const p = plan(
    [rule('r@us-east-1', patterns.spokeRoot, all), rule('r@eu-west-1', patterns.spokeRoot, all), rule('hub@eu-west-1', patterns.hubLogin, all, 'rootwatch-root-events')],
    { 'us-east-1': 'us-east-1', 'eu-west-1': 'eu-west-1' },
  );
  it('reads the regions of the root rules on default buses from the provider configuration', () => {
    expect(rootRuleRegions(p)).toEqual(['eu-west-1', 'us-east-1']);
  });
  it('passes when every expected region is covered', () => {
    expect(checkRootCoverage(p, ['eu-west-1'])).toEqual([]);
  });
  it('catches a missing region, and us-east-1 is always expected', () => {
    expect(checkRootCoverage(p, ['ap-south-1'])).toEqual(['no root rule on the default bus of ap-south-1']);
    const noUsEast1 = plan([rule('r@eu-west-1', patterns.spokeRoot, all)], { 'eu-west-1': 'eu-west-1' });
    expect(checkRootCoverage(noUsEast1, ['eu-west-1'])).toEqual(['no root rule on the default bus of us-east-1']);
  });
});
