import { CisRootAlarm } from '../../modules/cis-root-alarm';
import { CIS_ROOT_USAGE_FILTER, cisAlarmName } from '../../core/patterns';
import { doc, resourceList, synthScope } from '../helpers/stacks';

const build = (logGroupName = 'aws-cloudtrail-logs-222222222222') =>
  synthScope((s) => new CisRootAlarm(s, 'cis', { namePrefix: 'p', accountId: '222222222222', partition: 'aws', region: 'us-east-1', logGroupName }));

describe('CisRootAlarm props', () => {
  it.each(['', 'bad name with spaces', 'x'.repeat(513)])('rejects log group %p', (name) => {
    expect(() => build(name)).toThrow(/^CisRootAlarm\.logGroupName: /);
  });
});

describe('CisRootAlarm resources', () => {
  const synth = build();

  it('uses the exact CIS CloudWatch.1 filter on the trail log group', () => {
    expect(resourceList(synth, 'aws_cloudwatch_log_metric_filter')).toEqual([
      expect.objectContaining({
        log_group_name: 'aws-cloudtrail-logs-222222222222',
        pattern: '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
        metric_transformation: { name: 'RootAccountUsage', namespace: 'p/CIS', value: '1', default_value: '0' },
      }),
    ]);
    expect(CIS_ROOT_USAGE_FILTER).toBe(resourceList(synth, 'aws_cloudwatch_log_metric_filter')[0].pattern);
  });

  it('alarms on any use within 5 minutes, under the name the pipeline pattern matches, to an encrypted topic', () => {
    const [alarm] = resourceList(synth, 'aws_cloudwatch_metric_alarm');
    expect(alarm).toMatchObject({ alarm_name: cisAlarmName('p'), namespace: 'p/CIS', metric_name: 'RootAccountUsage', statistic: 'Sum', period: 300, threshold: 1, comparison_operator: 'GreaterThanOrEqualToThreshold' });
    expect(alarm.alarm_actions).toEqual([expect.stringMatching(/^\$\{aws_sns_topic\.[^.]+\.arn\}$/)]);
    const [topic] = resourceList(synth, 'aws_sns_topic');
    expect(topic.kms_master_key_id).toMatch(/^\$\{aws_kms_key\./);
    const st = doc(resourceList(synth, 'aws_sns_topic_policy')[0].policy).Statement;
    expect(st.find((s: { Sid: string }) => s.Sid === 'AlarmsPublish')).toMatchObject({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Resource: 'arn:aws:sns:us-east-1:222222222222:p-cis-root-usage' });
  });
});

describe('CisRootAlarm with a log group reference', () => {
  it('accepts a token (e.g. the hardened trail\'s log group) and still refuses a bad literal', () => {
    const { Testing, TerraformVariable } = jest.requireActual('cdktf') as typeof import('cdktf');
    const { CisRootAlarm } = jest.requireActual('../../modules/cis-root-alarm') as typeof import('../../modules/cis-root-alarm');
    const props = { namePrefix: 'p', accountId: '222222222222', partition: 'aws', region: 'eu-west-1' };
    const out = Testing.synthScope((scope) => {
      const v = new TerraformVariable(scope, 'lg', { type: 'string' });
      new CisRootAlarm(scope, 'cis', { ...props, logGroupName: v.stringValue });
    });
    expect(Object.values(JSON.parse(out).resource.aws_cloudwatch_log_metric_filter).map((f) => (f as { log_group_name: string }).log_group_name)).toEqual(['${var.lg}']);
    expect(() => Testing.synthScope((scope) => new CisRootAlarm(scope, 'cis', { ...props, logGroupName: 'bad name!' }))).toThrow(/logGroupName/);
  });
});
