import { Testing } from 'cdktf';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { SpokeStack } from '../../stacks/spoke-stack';
import { spokeStackName } from '../../stacks/app';
import { checkConfig } from '../../cli/load-config';
import { RootwatchConfig, SpokeConfig } from '../../core/config';
import { rulePatterns, RULE_STATE_ALL_MANAGEMENT_EVENTS, CIS_ROOT_USAGE_FILTER } from '../../core/patterns';
import { exampleRaw, FIXTURES } from '../helpers/configs';
import { awsProviders, doc, regionOf, resourceList, resources, Synth } from '../helpers/stacks';

const PARTITION = '${data.aws_partition.partition.partition}';
const example: RootwatchConfig = checkConfig(exampleRaw(), FIXTURES);
const prod = example.spokes.find((s) => s.name === 'prod')!;
const staging = example.spokes.find((s) => s.name === 'staging')!;

function spoke(s: SpokeConfig, c: RootwatchConfig = example): { text: string; synth: Synth } {
  const stack = new SpokeStack(Testing.app(), spokeStackName(s), 'deploy', c, s);
  const text = Testing.synth(stack);
  return { text, synth: JSON.parse(text) };
}

describe('forwarding rules', () => {
  const { text, synth } = spoke(prod);
  const patterns = rulePatterns('rootwatch');
  const hubBus = `arn:${PARTITION}:events:eu-west-1:\${var.hub_account_id}:event-bus/rootwatch-root-events`;

  it('has the root rule in every region of the spoke, with the root pattern and read-only events on', () => {
    const rules = resourceList(synth, 'aws_cloudwatch_event_rule').filter((r) => r.name === 'rootwatch-forward-root');
    expect(rules.map((r) => regionOf(synth, r)).sort()).toEqual([...prod.regions].sort());
    for (const r of rules) {
      expect(doc(r.event_pattern)).toEqual(patterns.spokeRoot);
      expect(r.state).toBe(RULE_STATE_ALL_MANAGEMENT_EVENTS);
      expect(r).not.toHaveProperty('event_bus_name'); // the default bus, where CloudTrail delivers
    }
  });

  it('forwards heartbeats and CIS alarms from us-east-1, and from the CIS alarm\'s own region', () => {
    const rules = resourceList(synth, 'aws_cloudwatch_event_rule').filter((r) => r.name === 'rootwatch-forward-pipeline');
    // prod's CIS log group is in the hub region (eu-west-1) by default.
    expect(rules.map((r) => regionOf(synth, r)).sort()).toEqual(['eu-west-1', 'us-east-1']);
    for (const r of rules) expect(doc(r.event_pattern)).toEqual(patterns.spokePipeline);
    const none = spoke(staging, example).synth;
    expect(resourceList(none, 'aws_cloudwatch_event_rule').filter((r) => r.name === 'rootwatch-forward-pipeline').map((r) => regionOf(none, r))).toEqual(['us-east-1']);
  });

  it('targets the hub bus in the hub region from every region, with retries and that region\'s dead-letter queue', () => {
    const queues = resources(synth, 'aws_sqs_queue');
    expect(Object.values(queues).map((q) => regionOf(synth, q)).sort()).toEqual([...prod.regions].sort());
    const targets = resourceList(synth, 'aws_cloudwatch_event_target');
    expect(targets).toHaveLength(prod.regions.length + 2); // root everywhere, pipeline in us-east-1 and the CIS region
    for (const t of targets) {
      expect(t.arn).toBe(hubBus);
      expect(t.retry_policy).toEqual({ maximum_event_age_in_seconds: 86400, maximum_retry_attempts: 185 });
      const dlqId = /^\$\{aws_sqs_queue\.([^.]+)\.arn\}$/.exec(t.dead_letter_config.arn)![1];
      expect(regionOf(synth, queues[dlqId])).toBe(regionOf(synth, t));
    }
    expect(text).toHaveResourceWithProperties(CloudwatchEventTarget, { target_id: 'hub-bus', arn: hubBus });
  });

  it('lets EventBridge put events on the hub bus only', () => {
    const [policy] = resourceList(synth, 'aws_iam_role_policy').filter((p) => p.name === 'put-events-to-hub');
    expect(doc(policy.policy).Statement).toEqual([{ Sid: 'HubBusOnly', Effect: 'Allow', Action: 'events:PutEvents', Resource: hubBus }]);
  });
});

describe('providers and variables', () => {
  const { synth } = spoke(prod);

  it('assumes var.spoke_account_assume_role_arn with var.spoke_account_external_id in every provider, pinned to the spoke account', () => {
    const providers = awsProviders(synth);
    expect(providers.filter((p) => p.alias).map((p) => p.region)).toEqual(prod.regions);
    for (const p of providers) {
      expect(p.assume_role).toEqual([{ role_arn: '${var.spoke_account_assume_role_arn}', external_id: '${var.spoke_account_external_id}', session_name: 'rootwatch' }]);
      expect(p.allowed_account_ids).toEqual(['${var.spoke_account_id}']);
    }
  });

  it('declares exactly the four identity variables, validated, with the config as defaults', () => {
    const v = synth.variable;
    expect(Object.keys(v).sort()).toEqual(['hub_account_id', 'spoke_account_assume_role_arn', 'spoke_account_external_id', 'spoke_account_id']);
    expect(v.hub_account_id.default).toBe('111111111111');
    expect(v.spoke_account_id.default).toBe('222222222222');
    expect(v.spoke_account_assume_role_arn.default).toBe('arn:aws:iam::222222222222:role/rootwatch-deployer');
    expect(v.spoke_account_external_id).toMatchObject({ default: 'rootwatch-example-external-id', sensitive: true, nullable: true });
    for (const [name, body] of Object.entries(v as Record<string, { validation: { condition: string; error_message: string }[] }>)) {
      expect(body.validation).toHaveLength(1);
      expect(body.validation[0].condition).toContain(`var.${name}`);
      expect(body.validation[0].error_message).toContain(name);
    }
    for (const name of ['hub_account_id', 'spoke_account_id', 'spoke_account_assume_role_arn']) expect(v[name].sensitive).toBeUndefined();
  });

  it('defaults the external id to null when the spoke has none', () => {
    const v = spoke(staging).synth.variable;
    expect(v.spoke_account_external_id).toEqual(expect.objectContaining({ default: null, nullable: true, sensitive: true }));
    expect(v.spoke_account_id.default).toBe('333333333333');
  });

  it('uses a local state file beside the output folder by default', () => {
    expect(synth.terraform.backend).toEqual({ local: { path: '../../../terraform.spoke-prod.tfstate' } });
  });
});

describe('per-spoke options', () => {
  it('adds the CIS CloudWatch.1 alarm on the given log group, in the hub region by default', () => {
    const withCis = spoke(prod).synth;
    const [filter] = resourceList(withCis, 'aws_cloudwatch_log_metric_filter');
    expect(filter).toMatchObject({ log_group_name: 'aws-cloudtrail-logs-222222222222', pattern: CIS_ROOT_USAGE_FILTER });
    expect(regionOf(withCis, filter)).toBe('eu-west-1');
    const [alarm] = resourceList(withCis, 'aws_cloudwatch_metric_alarm');
    expect(regionOf(withCis, alarm)).toBe('eu-west-1');
    expect(withCis.output).toHaveProperty('cis_alarm_arn');
  });

  it('puts the CIS filter, alarm and topic in cisLogGroupRegion when given', () => {
    const raw = exampleRaw();
    raw.spokes[0].cisLogGroupRegion = 'us-west-2';
    const c = checkConfig(raw, FIXTURES);
    const { synth: s } = spoke(c.spokes[0], c);
    for (const type of ['aws_cloudwatch_log_metric_filter', 'aws_cloudwatch_metric_alarm', 'aws_sns_topic']) {
      expect(resourceList(s, type).map((r) => regionOf(s, r))).toEqual(['us-west-2']);
    }
    expect(resourceList(s, 'aws_cloudwatch_event_rule').filter((r) => r.name === 'rootwatch-forward-pipeline').map((r) => regionOf(s, r)).sort()).toEqual(['us-east-1', 'us-west-2']);
  });

  it('uses the hardened trail\'s log group as the CIS source when no log group is given', () => {
    const { synth: s } = spoke(staging);
    const [filter] = resourceList(s, 'aws_cloudwatch_log_metric_filter');
    const [group] = Object.keys(resources(s, 'aws_cloudwatch_log_group'));
    expect(filter.log_group_name).toBe(`\${aws_cloudwatch_log_group.${group}.name}`);
    expect(regionOf(s, filter)).toBe(regionOf(s, resourceList(s, 'aws_cloudtrail')[0]));
    expect(s.output).toHaveProperty('cis_alarm_arn');
  });

  it('has no CIS alarm without a log group and without the hardened trail', () => {
    const raw = exampleRaw();
    raw.guardrails.trail.enabled = false;
    const c = checkConfig(raw, FIXTURES);
    const { synth: without } = spoke(c.spokes.find((x) => x.name === 'staging')!, c);
    expect(without.resource).not.toHaveProperty('aws_cloudwatch_log_metric_filter');
    expect(without.output).not.toHaveProperty('cis_alarm_arn');
  });

  it('only covers the regions of a spoke that overrides them', () => {
    const { synth } = spoke(staging);
    expect(resourceList(synth, 'aws_cloudwatch_event_rule').filter((r) => r.name === 'rootwatch-forward-root').map((r) => regionOf(synth, r)).sort()).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('puts the heartbeat canary on the default bus of us-east-1, where the pipeline rule forwards it', () => {
    const { synth } = spoke(prod);
    const [schedule] = resourceList(synth, 'aws_scheduler_schedule');
    expect(regionOf(synth, schedule)).toBe('us-east-1');
    expect(schedule.target.arn).toBe(`arn:${PARTITION}:events:us-east-1:\${var.spoke_account_id}:event-bus/default`);
  });
});
