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

  it('forwards the CIS and dead-letter alarms from every region (the heartbeat travels the root rule)', () => {
    const rules = resourceList(synth, 'aws_cloudwatch_event_rule').filter((r) => r.name === 'rootwatch-forward-pipeline');
    expect(rules.map((r) => regionOf(synth, r)).sort()).toEqual([...prod.regions].sort());
    expect(doc(rules[0].event_pattern)).toEqual(patterns.spokePipeline);
  });

  it('targets the hub bus in the hub region from every region, with retries and that region\'s dead-letter queue', () => {
    const queues = resources(synth, 'aws_sqs_queue');
    expect(Object.values(queues).map((q) => regionOf(synth, q)).sort()).toEqual([...prod.regions].sort());
    const targets = resourceList(synth, 'aws_cloudwatch_event_target');
    expect(targets).toHaveLength(prod.regions.length * 2);
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
  it('adds the CIS CloudWatch.1 alarm only with a log group', () => {
    const withCis = spoke(prod).synth;
    const [filter] = resourceList(withCis, 'aws_cloudwatch_log_metric_filter');
    expect(filter).toMatchObject({ log_group_name: 'aws-cloudtrail-logs-222222222222', pattern: CIS_ROOT_USAGE_FILTER });
    expect(withCis.output).toHaveProperty('cis_alarm_arn');
    const without = spoke(staging).synth;
    expect(without.resource).not.toHaveProperty('aws_cloudwatch_log_metric_filter');
    expect(without.output).not.toHaveProperty('cis_alarm_arn');
  });

  it('only covers the regions of a spoke that overrides them', () => {
    const { synth } = spoke(staging);
    expect(resourceList(synth, 'aws_cloudwatch_event_rule').filter((r) => r.name === 'rootwatch-forward-root').map((r) => regionOf(synth, r)).sort()).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('has exactly one heartbeat per monitored region, tagging that region\'s forwarding DLQ through a universal target', () => {
    const { synth } = spoke(prod);
    const schedules = resourceList(synth, 'aws_scheduler_schedule');
    const queues = resourceList(synth, 'aws_sqs_queue');
    const ruleRegions = resourceList(synth, 'aws_cloudwatch_event_rule').filter((r) => r.name === 'rootwatch-forward-root').map((r) => regionOf(synth, r)).sort();
    expect(schedules.map((s) => regionOf(synth, s)).sort()).toEqual(ruleRegions);
    for (const s of schedules) {
      expect(s.target.arn).toBe(`arn:${PARTITION}:scheduler:::aws-sdk:sqs:tagQueue`);
      const input = JSON.parse(s.target.input);
      expect(input.Tags).toEqual({ 'rootwatch-heartbeat': 'path' });
      // the queue tagged is that region's forwarding DLQ, which carries the same tag (no drift)
      const [, address] = /^\$\{aws_sqs_queue\.([^.]+)\.url\}$/.exec(input.QueueUrl)!;
      const queue = synth.resource.aws_sqs_queue[address];
      expect(queue.name).toBe('rootwatch-forward-dlq');
      expect(queue.tags).toEqual({ 'rootwatch-heartbeat': 'path' });
      expect(regionOf(synth, queue)).toBe(regionOf(synth, s));
    }
    expect(queues).toHaveLength(schedules.length);
  });
});
