import { Testing } from 'cdktf';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventBusPolicy } from '@cdktf/provider-aws/lib/cloudwatch-event-bus-policy';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { HubStack } from '../../stacks/hub-stack';
import { checkConfig } from '../../cli/load-config';
import { RootwatchConfig } from '../../core/config';
import { rulePatterns, RULE_STATE_ALL_MANAGEMENT_EVENTS } from '../../core/patterns';
import { ENV } from '../../core/lambda-contract';
import { exampleRaw, FIXTURES, Json, minimalRaw } from '../helpers/configs';
import { awsProviders, doc, fakeCode, regionOf, resourceList, resources, Synth } from '../helpers/stacks';
import { rmrf, tempDir } from '../helpers/tree';
import type { LambdaCodeSet } from '../../stacks/lambda-code';

// built at load time: describe bodies below synthesize while the tests are collected
const tmp = tempDir('hub-stack');
const code: LambdaCodeSet = fakeCode(tmp);
afterAll(() => rmrf(tmp));

const config = (raw: Json): RootwatchConfig => checkConfig(raw, FIXTURES);
function hub(c: RootwatchConfig): { text: string; synth: Synth } {
  const stack = new HubStack(Testing.app(), 'hub', 'deploy', c, code);
  const text = Testing.synth(stack);
  return { text, synth: JSON.parse(text) };
}
const PARTITION = '${data.aws_partition.partition.partition}';
const BUS_ARN = (region: string, prefix = 'rootwatch') => `arn:${PARTITION}:events:${region}:\${var.hub_account_id}:event-bus/${prefix}-root-events`;
const hubRules = (s: Synth) => resourceList(s, 'aws_cloudwatch_event_rule').filter((r) => r.event_bus_name);

describe('hub bus policy', () => {
  it('lists exactly the configured spoke accounts when no organization is set', () => {
    const { text, synth } = hub(config(minimalRaw()));
    expect(text).toHaveResourceWithProperties(CloudwatchEventBusPolicy, {});
    const [policy] = resourceList(synth, 'aws_cloudwatch_event_bus_policy');
    expect(doc(policy.policy).Statement).toEqual([
      {
        Sid: 'MonitoredForwardersPutEvents',
        Effect: 'Allow',
        Principal: { AWS: [`arn:${PARTITION}:iam::222222222222:root`, `arn:${PARTITION}:iam::333333333333:root`] },
        Action: 'events:PutEvents',
        Resource: BUS_ARN('eu-west-1'),
        Condition: { ArnLike: { 'aws:PrincipalArn': `arn:${PARTITION}:iam::*:role/rootwatch-forward-*` } },
      },
    ]);
  });

  it('admits the organization (aws:PrincipalOrgID) instead when organizationId is set', () => {
    const { synth } = hub(config(exampleRaw()));
    const [statement] = doc(resourceList(synth, 'aws_cloudwatch_event_bus_policy')[0].policy).Statement;
    expect(statement).toMatchObject({
      Principal: '*',
      Action: 'events:PutEvents',
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-exampleorgid' }, ArnLike: { 'aws:PrincipalArn': `arn:${PARTITION}:iam::*:role/rootwatch-forward-*` } },
    });
    expect(JSON.stringify(statement)).not.toContain('222222222222');
  });
});

describe('hub bus rules', () => {
  const c = config(exampleRaw());
  const { text, synth } = hub(c);
  const patterns = rulePatterns('rootwatch');

  it('has the login, activity and pipeline rules on the hub bus with the patterns of core/patterns.ts', () => {
    const byName: Record<string, Json> = Object.fromEntries(hubRules(synth).map((r) => [r.name, r]));
    expect(Object.keys(byName).sort()).toEqual(['rootwatch-pipeline', 'rootwatch-root-activity', 'rootwatch-root-login']);
    expect(doc(byName['rootwatch-root-login'].event_pattern)).toEqual(patterns.hubLogin);
    expect(doc(byName['rootwatch-root-activity'].event_pattern)).toEqual(patterns.hubActivity);
    expect(doc(byName['rootwatch-pipeline'].event_pattern)).toEqual(patterns.hubPipeline);
    for (const r of Object.values(byName)) {
      expect(r.state).toBe(RULE_STATE_ALL_MANAGEMENT_EVENTS);
      expect(r.event_bus_name).toMatch(/^\$\{aws_cloudwatch_event_bus\.[^.]+\.name\}$/);
      expect(r).not.toHaveProperty('is_enabled');
    }
    expect(text).toHaveResourceWithProperties(CloudwatchEventRule, { name: 'rootwatch-root-login', state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' });
  });

  it('targets the notifier from each rule with a retry policy and the dead-letter queue', () => {
    const rules = resources(synth, 'aws_cloudwatch_event_rule');
    const hubRuleIds = Object.entries(rules).filter(([, r]) => r.event_bus_name).map(([id]) => id);
    const targets = resourceList(synth, 'aws_cloudwatch_event_target').filter((t) => hubRuleIds.some((id) => t.rule === `\${aws_cloudwatch_event_rule.${id}.name}`));
    expect(targets).toHaveLength(3);
    const dlqIds = Object.entries(resources(synth, 'aws_sqs_queue')).filter(([, q]) => q.name === 'rootwatch-hub-rules-dlq').map(([id]) => id);
    expect(dlqIds).toHaveLength(1);
    for (const t of targets) {
      expect(t.arn).toMatch(/^\$\{aws_lambda_function\.hub_notifier_function_[^.]+\.arn\}$/);
      expect(t.retry_policy.maximum_retry_attempts).toBeGreaterThan(0);
      expect(t.retry_policy.maximum_event_age_in_seconds).toBe(86400);
      expect(t.dead_letter_config).toEqual({ arn: `\${aws_sqs_queue.${dlqIds[0]}.arn}` });
    }
  });
});

describe('the hub account forwards its own root events', () => {
  it('has a forwarding rule in every configured region, us-east-1 included when the config omits it, aimed at the hub bus in the hub region', () => {
    const raw = minimalRaw();
    raw.regions = ['eu-west-1', 'eu-central-1'];
    const { synth } = hub(config(raw));
    const forward = resourceList(synth, 'aws_cloudwatch_event_rule').filter((r) => r.name === 'rootwatch-forward-root');
    expect(forward.map((r) => regionOf(synth, r)).sort()).toEqual(['eu-central-1', 'eu-west-1', 'us-east-1']);
    for (const r of forward) {
      expect(doc(r.event_pattern)).toEqual(rulePatterns('rootwatch').spokeRoot);
      expect(r.state).toBe(RULE_STATE_ALL_MANAGEMENT_EVENTS);
    }
    const targets = resourceList(synth, 'aws_cloudwatch_event_target').filter((t) => t.target_id === 'hub-bus');
    expect(targets.map((t) => regionOf(synth, t)).sort()).toEqual(['eu-central-1', 'eu-central-1', 'eu-west-1', 'eu-west-1', 'us-east-1', 'us-east-1']);
    for (const t of targets) {
      // cross-region: always the hub region's bus, never "the bus in my region"
      expect(t.arn).toBe(BUS_ARN('eu-west-1'));
      expect(t.role_arn).toMatch(/^\$\{aws_iam_role\.forwarder_role_[^.]+\.arn\}$/);
      expect(t.dead_letter_config.arn).toMatch(/^\$\{aws_sqs_queue\.forwarder_dlq-/);
    }
  });
});

describe('coverage: heartbeats and the one stale-path alarm', () => {
  const withSpokes = (n: number): Json => {
    const raw = minimalRaw();
    raw.spokes = Array.from({ length: n }, (_, i) => {
      const id = String(100000000000 + i);
      return { name: `s${i}`, accountId: id, assumeRoleArn: `arn:aws:iam::${id}:role/rootwatch-deployer` };
    });
    raw.hub.organizationId = 'o-exampleorgid';
    return raw;
  };

  it('the hub alarm count is the same for 2 spokes and for 200 (no alarm per account)', () => {
    const alarms = (n: number) => resourceList(hub(config(withSpokes(n))).synth, 'aws_cloudwatch_metric_alarm');
    const two = alarms(2);
    const twoHundred = alarms(200);
    expect(twoHundred.length).toBe(two.length);
    expect(twoHundred.map((a) => a.alarm_name).sort()).toEqual(two.map((a) => a.alarm_name).sort());
    expect(two.filter((a) => a.metric_name === 'StalePaths')).toHaveLength(1);
    expect(two.filter((a) => a.metric_name === 'Heartbeat')).toEqual([]);
  });

  it('a heartbeat per monitored region of the hub account, each tagging that region\'s forwarding DLQ', () => {
    const { synth } = hub(config(minimalRaw()));
    const schedules = resourceList(synth, 'aws_scheduler_schedule');
    expect(schedules.map((s) => regionOf(synth, s)).sort()).toEqual(['eu-west-1', 'us-east-1']);
    for (const s of schedules) {
      expect(s.target.arn).toBe(`arn:${PARTITION}:scheduler:::aws-sdk:sqs:tagQueue`);
      expect(s.schedule_expression).toBe('rate(6 hours)');
    }
  });

  it('1,000 named accounts: names live in ledger items (each < 400 KB), the notifier environment stays far below 4 KB', () => {
    const raw = withSpokes(1000);
    raw.spokes.forEach((sp: Json, i: number) => (sp.name = `workload-team${String(i).padStart(4, '0')}-production-eu`));
    const { synth } = hub(config(raw));
    const items = resourceList(synth, 'aws_dynamodb_table_item');
    expect(items).toHaveLength(11); // 1,001 accounts (the hub too) in chunks of 100
    for (const it of items) expect(Buffer.byteLength(it.item)).toBeLessThan(400 * 1024);
    expect(items.map((it) => doc(doc(it.item).accounts.S)).flat()).toHaveLength(1001);
    const [fn] = resourceList(synth, 'aws_lambda_function').filter((f) => f.function_name === 'rootwatch-notifier');
    const env = fn.environment.variables as Record<string, string>;
    expect(env[ENV.ACCOUNT_NAMES]).toBeUndefined();
    expect(Object.entries(env).reduce((n, [k, v]) => n + k.length + v.length, 0)).toBeLessThan(1024);
  });

  it('has neither heartbeats nor sweep nor stale-path alarm when the heartbeat is off', () => {
    const raw = minimalRaw();
    raw.alerts = { heartbeat: { enabled: false } };
    const { synth } = hub(config(raw));
    expect(resourceList(synth, 'aws_cloudwatch_metric_alarm').filter((a) => a.metric_name === 'StalePaths')).toEqual([]);
    expect(resourceList(synth, 'aws_scheduler_schedule')).toEqual([]);
  });
});

describe('alerters follow the config', () => {
  const functionNames = (s: Synth) => resourceList(s, 'aws_lambda_function').map((f) => f.function_name).sort();
  const emails = (s: Synth) => resourceList(s, 'aws_sns_topic_subscription').filter((x) => x.protocol === 'email');

  it('has notifier, Slack, PagerDuty and email subscriptions when all are configured', () => {
    const { synth } = hub(config(exampleRaw()));
    expect(functionNames(synth)).toEqual(['rootwatch-notifier', 'rootwatch-pagerduty', 'rootwatch-slack']);
    expect(emails(synth).map((e) => [e.endpoint, e.topic_arn.includes('login') ? 'login' : 'activity']).sort()).toEqual([
      ['security-oncall@example.com', 'login'],
      ['security-team@example.com', 'activity'],
    ]);
    expect(resourceList(synth, 'aws_sns_topic_subscription').filter((x) => x.protocol === 'lambda')).toHaveLength(4);
  });

  it('has only the notifier when no alerter is configured', () => {
    const { synth } = hub(config(minimalRaw()));
    expect(functionNames(synth)).toEqual(['rootwatch-notifier']);
    expect(resourceList(synth, 'aws_sns_topic_subscription')).toEqual([]);
  });

  it('adds Slack alone when only Slack is configured', () => {
    const raw = minimalRaw();
    raw.alerts = { slack: { webhookParameterName: '/team/slack' } };
    const { synth } = hub(config(raw));
    expect(functionNames(synth)).toEqual(['rootwatch-notifier', 'rootwatch-slack']);
    const slack = resourceList(synth, 'aws_lambda_function').find((f) => f.function_name === 'rootwatch-slack');
    expect(slack.environment.variables[ENV.SLACK_WEBHOOK_PARAMETER]).toBe('/team/slack');
  });

  it('never holds a secret: only SSM parameter names, no parameters, no secret variables', () => {
    const { text, synth } = hub(config(exampleRaw()));
    expect(text).not.toMatch(/hooks\.slack\.com|events\.pagerduty\.com|https?:\/\//);
    expect(synth.resource).not.toHaveProperty('aws_ssm_parameter');
    expect(Object.keys(synth.variable)).toEqual(['hub_account_id']);
    for (const f of resourceList(synth, 'aws_lambda_function')) {
      for (const [k, v] of Object.entries(f.environment.variables as Record<string, string>)) {
        expect(`${k}=${v}`).not.toMatch(/WEBHOOK_URL=|ROUTING_KEY=|https?:/);
      }
    }
    const slack = resourceList(synth, 'aws_lambda_function').find((f) => f.function_name === 'rootwatch-slack');
    expect(slack.environment.variables).toEqual({ NODE_OPTIONS: '--enable-source-maps', [ENV.SLACK_WEBHOOK_PARAMETER]: '/rootwatch/slack/webhook-url' });
  });
});

describe('providers, variables and backend', () => {
  it('pins the hub account, uses the hub region by default and has an alias per region', () => {
    const raw = minimalRaw();
    raw.hub.assumeRoleArn = 'arn:aws:iam::111111111111:role/hub-deployer';
    raw.hub.externalId = 'hub-ext';
    raw.tags = { team: 'security' };
    const { text, synth } = hub(config(raw));
    const providers = awsProviders(synth);
    expect(providers.find((p) => !p.alias).region).toBe('eu-west-1');
    expect(providers.filter((p) => p.alias).map((p) => [p.alias, p.region])).toEqual([
      ['eu_west_1', 'eu-west-1'],
      ['us_east_1', 'us-east-1'],
    ]);
    for (const p of providers) {
      expect(p.allowed_account_ids).toEqual(['${var.hub_account_id}']);
      expect(p.assume_role).toEqual([{ role_arn: 'arn:aws:iam::111111111111:role/hub-deployer', external_id: 'hub-ext', session_name: 'rootwatch' }]);
      expect(p.default_tags).toEqual([{ tags: { team: 'security' } }]);
    }
    expect(text).toHaveProviderWithProperties(AwsProvider, { region: 'us-east-1', alias: 'us_east_1' });
    expect(synth.variable.hub_account_id).toMatchObject({ default: '111111111111', type: 'string', nullable: false });
    expect(synth.variable.hub_account_id.validation[0].condition).toContain('var.hub_account_id');
  });

  it('uses ambient credentials without hub.assumeRoleArn', () => {
    const { synth } = hub(config(minimalRaw()));
    for (const p of awsProviders(synth)) expect(p).not.toHaveProperty('assume_role');
  });

  it('keeps state in S3 with a lock file when configured', () => {
    const raw = minimalRaw();
    raw.backend = { type: 's3', bucket: 'tf-state', region: 'eu-west-1', keyPrefix: 'security/rootwatch' };
    const { synth } = hub(config(raw));
    expect(synth.terraform.backend).toEqual({ s3: { bucket: 'tf-state', key: 'security/rootwatch/hub.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true } });
    expect(synth.terraform.required_providers.aws).toEqual({ source: 'hashicorp/aws', version: '>= 5.100.0, < 7.0.0' });
  });
});
