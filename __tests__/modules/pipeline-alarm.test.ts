import { Testing } from 'cdktf';
import { pipelineAlarm, PipelineAlarmProps } from '../../modules/pipeline-alarm';

function alarm(props: Partial<PipelineAlarmProps>) {
  const json = JSON.parse(
    Testing.synthScope((scope) => {
      pipelineAlarm(scope, 'a', {
        alarmName: 'x',
        description: 'd',
        namespace: 'AWS/Lambda',
        metricName: 'Errors',
        when: 'atLeast',
        threshold: 1,
        ...props,
      });
    }),
  );
  return Object.values<Record<string, unknown>>(json.resource.aws_cloudwatch_metric_alarm)[0];
}

describe('pipelineAlarm', () => {
  it.each([
    ['above', 'GreaterThanThreshold'],
    ['atLeast', 'GreaterThanOrEqualToThreshold'],
    ['below', 'LessThanThreshold'],
  ] as const)('when %s -> %s', (when, operator) => {
    expect(alarm({ when }).comparison_operator).toBe(operator);
  });

  it('defaults: Sum over one 5-minute period, missing data is not a failure', () => {
    expect(alarm({})).toMatchObject({ statistic: 'Sum', period: 300, evaluation_periods: 1, treat_missing_data: 'notBreaching' });
  });

  it('a heartbeat alarm treats silence as the failure', () => {
    expect(alarm({ when: 'below', treatMissingData: 'breaching', periodSeconds: 86400 })).toMatchObject({
      treat_missing_data: 'breaching',
      period: 86400,
    });
  });
});
