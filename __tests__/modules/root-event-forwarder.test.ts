import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Construct } from 'constructs';
import { RootEventForwarder, RootEventForwarderProps } from '../../modules/root-event-forwarder';
import { rulePatterns, RULE_STATE_ALL_MANAGEMENT_EVENTS } from '../../core/patterns';
import { doc, regionOf, resourceList, synthScope } from '../helpers/stacks';

const patterns = rulePatterns('p');
const HUB_BUS = 'arn:aws:events:eu-west-1:111111111111:event-bus/p-root-events';

function build(regions: string[], extra: Partial<RootEventForwarderProps> = {}) {
  return synthScope((s: Construct) => {
    new AwsProvider(s, 'aws', { region: regions[0] ?? 'us-east-1' });
    const providers = regions.map((region, i) => ({ region, provider: new AwsProvider(s, `aws-${i}`, { region, alias: region.replace(/-/g, '_') }) }));
    new RootEventForwarder(s, 'fwd', {
      namePrefix: 'p',
      accountId: '222222222222',
      partition: 'aws',
      hubBusArn: HUB_BUS,
      regions: providers,
      rootPattern: patterns.spokeRoot,
      pipelinePattern: patterns.spokePipeline,
      ...extra,
    });
  });
}

describe('RootEventForwarder props', () => {
  it('needs a region', () => expect(() => build([])).toThrow(/^RootEventForwarder\.regions: /));
  it('refuses a region listed twice', () => expect(() => build(['us-east-1', 'eu-west-1', 'us-east-1'])).toThrow(/^RootEventForwarder\.regions: us-east-1 is listed twice/));
});

describe('RootEventForwarder resources', () => {
  const synth = build(['us-east-1', 'eu-west-1', 'ap-south-1']);

  it('puts a root rule (read-only events included) and a pipeline rule (CIS and dead-letter alarms) in every region', () => {
    const rules = resourceList(synth, 'aws_cloudwatch_event_rule');
    const root = rules.filter((r) => r.name === 'p-forward-root');
    expect(root.map((r) => regionOf(synth, r)).sort()).toEqual(['ap-south-1', 'eu-west-1', 'us-east-1']);
    for (const r of root) expect([doc(r.event_pattern), r.state]).toEqual([patterns.spokeRoot, RULE_STATE_ALL_MANAGEMENT_EVENTS]);
    const pipeline = rules.filter((r) => r.name === 'p-forward-pipeline');
    expect(pipeline.map((r) => [regionOf(synth, r), r.state]).sort()).toEqual([['ap-south-1', 'ENABLED'], ['eu-west-1', 'ENABLED'], ['us-east-1', 'ENABLED']]);
    expect(doc(pipeline[0].event_pattern)).toEqual(patterns.spokePipeline);
  });

  it('sends everything to the hub bus through one role, with retries and a same-region dead-letter queue', () => {
    const [role] = resourceList(synth, 'aws_iam_role');
    expect(regionOf(synth, role)).toBe('us-east-1');
    expect(role.name_prefix).toBe('p-forward-');
    expect(doc(role.assume_role_policy).Statement[0]).toMatchObject({ Principal: { Service: 'events.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '222222222222' } } });
    const queues = Object.entries(synth.resource.aws_sqs_queue as Record<string, { provider: string; sqs_managed_sse_enabled: boolean }>);
    expect(queues.map(([, q]) => regionOf(synth, q)).sort()).toEqual(['ap-south-1', 'eu-west-1', 'us-east-1']);
    for (const t of resourceList(synth, 'aws_cloudwatch_event_target')) {
      expect(t.arn).toBe(HUB_BUS);
      expect(t.role_arn).toMatch(/^\$\{aws_iam_role\./);
      expect(t.retry_policy).toEqual({ maximum_event_age_in_seconds: 86400, maximum_retry_attempts: 185 });
      const [, q] = queues.find(([id]) => t.dead_letter_config.arn === `\${aws_sqs_queue.${id}.arn}`)!;
      expect(regionOf(synth, q)).toBe(regionOf(synth, t));
      expect(q.sqs_managed_sse_enabled).toBe(true);
    }
  });

  it('lets only the rules of a region dead-letter into its queue', () => {
    const policies = resourceList(synth, 'aws_sqs_queue_policy');
    const home = policies.find((p) => regionOf(synth, p) === 'us-east-1');
    expect(doc(home.policy).Statement[0].Condition.ArnEquals['aws:SourceArn']).toEqual([
      'arn:aws:events:us-east-1:222222222222:rule/p-forward-root',
      'arn:aws:events:us-east-1:222222222222:rule/p-forward-pipeline',
    ]);
    const other = policies.find((p) => regionOf(synth, p) === 'ap-south-1');
    expect(doc(other.policy).Statement[0]).toMatchObject({
      Resource: 'arn:aws:sqs:ap-south-1:222222222222:p-forward-dlq',
      Condition: { ArnEquals: { 'aws:SourceArn': ['arn:aws:events:ap-south-1:222222222222:rule/p-forward-root', 'arn:aws:events:ap-south-1:222222222222:rule/p-forward-pipeline'] } },
    });
  });

  it('alarms on each region\'s dead-letter queue depth, without an action: the state change travels through that region\'s pipeline rule', () => {
    const alarms = resourceList(synth, 'aws_cloudwatch_metric_alarm');
    expect(alarms.map((a) => regionOf(synth, a)).sort()).toEqual(['ap-south-1', 'eu-west-1', 'us-east-1']);
    for (const a of alarms) {
      expect(a).toMatchObject({ alarm_name: 'p-forward-dlq-not-empty', namespace: 'AWS/SQS', metric_name: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: 'p-forward-dlq' } });
      expect(a.alarm_actions).toBeUndefined();
    }
    expect(resourceList(build(['us-east-1'], { deadLetterAlarms: false }), 'aws_cloudwatch_metric_alarm')).toEqual([]);
  });

  it('forwards root events only when no pipeline pattern is given', () => {
    const s = build(['us-east-1'], { pipelinePattern: undefined });
    expect(resourceList(s, 'aws_cloudwatch_event_rule').map((r) => r.name)).toEqual(['p-forward-root']);
  });
});
