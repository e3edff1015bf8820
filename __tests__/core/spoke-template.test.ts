/**
 * The StackSet spoke template (issue 15) against the Terraform spoke it replaces: the rule patterns
 * byte-equal to the synthesized spoke-region module's `event_pattern`, the same rule states,
 * targets, retries, dead-letter queue, queue policy and heartbeat; and the offline template check.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdktf';
import { SpokeRegionModule } from '../../stacks/module-stacks';
import { spokeTemplate, stackSetRoleNames } from '../../core/spoke-template';
import { checkTemplate } from '../../scripts/cfn-template-check';
import { rulePatterns } from '../../core/patterns';
import { NAME_PREFIX_MAX_LENGTH } from '../../core/limits';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The spoke-region module as Terraform JSON, with its name_prefix variable put in. */
function terraformSpoke(prefix: string): Record<string, Record<string, Json>> {
  const stack = new SpokeRegionModule(new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'rw-ss-')) }), 'spoke-region');
  const text = Testing.synth(stack).split('${var.name_prefix}').join(prefix);
  return JSON.parse(text).resource;
}
const only = (byName: Record<string, Json>, key: string): Json => Object.entries(byName).find(([k]) => k.includes(key))![1];

describe('spoke template = Terraform spoke', () => {
  for (const prefix of ['rootwatch', 'acme-sec']) {
    const tf = terraformSpoke(prefix);
    const t = spokeTemplate({ namePrefix: prefix, hubRegion: 'eu-west-1', heartbeatSchedule: 'rate(6 hours)', deadLetterAlarm: true }) as Json;
    const R = t.Resources;

    it(`${prefix}: rule patterns are byte-equal to the Terraform rules' event_pattern, with the same names and states`, () => {
      for (const [key, id] of [['root-region', 'RootRule'], ['pipeline-region', 'PipelineRule']] as const) {
        const rule = only(tf.aws_cloudwatch_event_rule, key);
        expect(JSON.stringify(R[id].Properties.EventPattern)).toBe(rule.event_pattern);
        expect(R[id].Properties.Name).toBe(rule.name);
        expect(R[id].Properties.State).toBe(rule.state);
        expect(R[id].Properties.EventBusName).toBe('default');
      }
      expect(R.RootRule.Properties.State).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
      expect(JSON.stringify(R.RootRule.Properties.EventPattern)).toBe(JSON.stringify(rulePatterns(prefix).spokeRoot));
    });

    it(`${prefix}: targets forward to the hub bus in the hub region with the forwarding role, the same retries and dead-letter queue`, () => {
      for (const [key, id] of [['root-region-target', 'RootRule'], ['pipeline-region-target', 'PipelineRule']] as const) {
        const target = only(tf.aws_cloudwatch_event_target, key);
        const [c] = R[id].Properties.Targets;
        expect(c.Id).toBe(target.target_id);
        expect(c.Arn).toEqual({ 'Fn::Sub': `arn:\${AWS::Partition}:events:eu-west-1:\${HubAccountId}:event-bus/${prefix}-root-events` });
        expect(c.RoleArn).toEqual({ 'Fn::GetAtt': ['ForwarderRole', 'Arn'] });
        expect(c.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: target.retry_policy.maximum_event_age_in_seconds, MaximumRetryAttempts: target.retry_policy.maximum_retry_attempts });
        expect(c.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } });
      }
    });

    it(`${prefix}: dead-letter queue, its policy and alarm match`, () => {
      const q = only(tf.aws_sqs_queue, 'dlq');
      expect(R.DeadLetterQueue.Properties).toEqual({ QueueName: q.name, SqsManagedSseEnabled: q.sqs_managed_sse_enabled, MessageRetentionPeriod: q.message_retention_seconds, Tags: Object.entries(q.tags).map(([Key, Value]) => ({ Key, Value })) });
      const tfPolicy = JSON.parse(only(tf.aws_sqs_queue_policy, 'dlq').policy).Statement[0];
      const cfnPolicy = R.DeadLetterQueuePolicy.Properties.PolicyDocument.Statement[0];
      expect({ ...cfnPolicy, Resource: undefined, Condition: undefined }).toEqual({ ...tfPolicy, Resource: undefined, Condition: undefined });
      const sub = (s: string) => s.replace('${data.aws_partition.partition.partition}', '${AWS::Partition}').replace('${data.aws_region.current.name}', '${AWS::Region}').replace('${var.spoke_account_id}', '${AWS::AccountId}');
      expect(cfnPolicy.Condition.ArnEquals['aws:SourceArn'].map((x: Json) => x['Fn::Sub'])).toEqual(tfPolicy.Condition.ArnEquals['aws:SourceArn'].map(sub));
      const alarm = only(tf.aws_cloudwatch_metric_alarm, 'dlq');
      const a = R.DeadLetterAlarm.Properties;
      expect([a.AlarmName, a.Namespace, a.MetricName, a.Statistic, a.Period, a.EvaluationPeriods, a.Threshold, a.ComparisonOperator, a.TreatMissingData])
        .toEqual([alarm.alarm_name, alarm.namespace, alarm.metric_name, alarm.statistic, alarm.period, alarm.evaluation_periods, alarm.threshold, alarm.comparison_operator, alarm.treat_missing_data]);
    });

    it(`${prefix}: the heartbeat makes the same call with the same input and retries`, () => {
      const s = tf.aws_scheduler_schedule.heartbeat;
      const h = R.Heartbeat.Properties;
      expect(h.Name).toBe(s.name);
      expect(h.FlexibleTimeWindow).toEqual({ Mode: s.flexible_time_window.mode });
      expect(h.Target.Arn['Fn::Sub']).toBe(s.target.arn.replace('${data.aws_partition.partition.partition}', '${AWS::Partition}'));
      expect(h.Target.Input['Fn::Sub']).toBe(s.target.input.replace('${aws_sqs_queue.forwarder_dlq-region_queue.url}', '${DeadLetterQueue}'));
      expect(h.Target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: s.target.retry_policy.maximum_event_age_in_seconds, MaximumRetryAttempts: s.target.retry_policy.maximum_retry_attempts });
      expect(h.Target.RoleArn).toEqual({ 'Fn::GetAtt': ['HeartbeatRole', 'Arn'] });
    });
  }

  it('role names are region-suffixed (IAM is global) and start with the prefixes the bus policy and heartbeat pattern admit', () => {
    const roles = stackSetRoleNames('rootwatch');
    expect(roles).toEqual({ forwarder: 'rootwatch-forward-${AWS::Region}', heartbeat: 'rootwatch-heartbeat-${AWS::Region}' });
    // the hub bus admits arn:...:role/<substr("<prefix>-forward-", 0, 38)>*
    const long = 'a'.repeat(NAME_PREFIX_MAX_LENGTH);
    const { forwarder, heartbeat } = stackSetRoleNames(long);
    const region = 'ap-southeast-5';
    expect(forwarder.replace('${AWS::Region}', region).startsWith(`${long}-forward-`.slice(0, 38))).toBe(true);
    expect(forwarder.replace('${AWS::Region}', region).length).toBeLessThanOrEqual(64);
    expect(heartbeat.replace('${AWS::Region}', region).length).toBeLessThanOrEqual(64);
  });

  it('without heartbeat or dead-letter alarm the template leaves them out', () => {
    const t = spokeTemplate({ namePrefix: 'rootwatch', hubRegion: 'us-east-1', deadLetterAlarm: false }) as Json;
    expect(Object.keys(t.Resources).sort()).toEqual(['DeadLetterQueue', 'DeadLetterQueuePolicy', 'ForwarderRole', 'PipelineRule', 'RootRule']);
    expect(checkTemplate(t)).toEqual([]);
  });
});

describe('checkTemplate (offline CloudFormation check)', () => {
  const good = () => spokeTemplate({ namePrefix: 'rootwatch', hubRegion: 'eu-west-1', heartbeatSchedule: 'rate(6 hours)', deadLetterAlarm: true }) as Json;

  it('passes the generated template', () => expect(checkTemplate(good())).toEqual([]));

  it.each([
    ['a wrong property', (t: Json) => { t.Resources.DeadLetterQueue.Properties.Bogus = 1; }, /DeadLetterQueue\.Properties: must NOT have additional properties \(Bogus\)/],
    ['a bad Ref', (t: Json) => { t.Resources.DeadLetterQueuePolicy.Properties.Queues = [{ Ref: 'NoSuchQueue' }]; }, /Ref names nothing: NoSuchQueue/],
    ['a wrong type', (t: Json) => { t.Resources.DeadLetterQueue.Properties.MessageRetentionPeriod = 'two weeks'; }, /MessageRetentionPeriod: must be integer/],
    ['a value out of range', (t: Json) => { t.Resources.RootRule.Properties.Targets[0].RetryPolicy.MaximumRetryAttempts = 200; }, /MaximumRetryAttempts: must be <= 185/],
    ['a wrong rule state', (t: Json) => { t.Resources.RootRule.Properties.State = 'ENABLED_ALL'; }, /RootRule\.Properties\.State: must be equal to one of the allowed values/],
    ['a bad Fn::GetAtt attribute', (t: Json) => { t.Resources.RootRule.Properties.Targets[0].RoleArn = { 'Fn::GetAtt': ['ForwarderRole', 'Nope'] }; }, /Fn::GetAtt AWS::IAM::Role has no attribute Nope/],
    ['a Fn::Sub variable that names nothing', (t: Json) => { t.Resources.Heartbeat.Properties.Target.Input = { 'Fn::Sub': '${DeadLetterQ}' }; }, /Fn::Sub \$\{DeadLetterQ\} names nothing/],
    ['a missing required property', (t: Json) => { delete t.Resources.Heartbeat.Properties.ScheduleExpression; }, /Heartbeat\.Properties: must have required property 'ScheduleExpression'/],
    ['an unknown resource type', (t: Json) => { t.Resources.X = { Type: 'AWS::Nope::Thing', Properties: {} }; }, /Resources\.X\.Type: AWS::Nope::Thing/],
    ['a template body over 51,200 bytes', (t: Json) => { t.Description = 'x'.repeat(60_000); }, /bytes, more than the 51200 a TemplateBody may hold/],
  ])('catches %s', (_name, change, message) => {
    const t = good();
    change(t);
    const problems = checkTemplate(t);
    expect(problems.some((p) => message.test(p))).toBe(true);
  });

  // AWS's own cfn-lint is a Python tool (not on npm; the npm package of that name is another, older one): a cross-check where it is installed.
  const PY_CFN_LINT = ['-c', 'import sys; from cfnlint.runner import main; sys.exit(main())'];
  const cfnLint = spawnSync('python3', [...PY_CFN_LINT, '--version'], { encoding: 'utf8' });
  const haveCfnLint = cfnLint.status === 0;
  if (!haveCfnLint) console.log('spoke-template: AWS cfn-lint (Python) not on PATH; the cross-check is skipped');
  (haveCfnLint ? it : it.skip)('AWS cfn-lint agrees: the template is clean and a wrong property is reported', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-cfn-'));
    const file = path.join(dir, 'spoke.json');
    fs.writeFileSync(file, JSON.stringify(good()));
    const clean = spawnSync('python3', [...PY_CFN_LINT, '--regions', 'us-east-1', 'eu-west-1', '--', file], { encoding: 'utf8' });
    expect(clean.stdout + clean.stderr).toBe('');
    expect(clean.status).toBe(0);
    const t = good();
    t.Resources.DeadLetterQueue.Properties.Bogus = 1;
    fs.writeFileSync(file, JSON.stringify(t));
    const bad = spawnSync('python3', [...PY_CFN_LINT, '--', file], { encoding: 'utf8' });
    expect(bad.stdout).toMatch(/E3002.*Bogus/);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
