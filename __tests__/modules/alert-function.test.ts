import { Testing } from 'cdktf';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { AlertFunction, AlertFunctionProps } from '../../modules/alert-function';
import { doc, fakeCode, resourceList, synthScope } from '../helpers/stacks';
import { rmrf, tempDir } from '../helpers/tree';

const tmp = tempDir('alert-function');
const code = fakeCode(tmp).notifier;
afterAll(() => rmrf(tmp));

const props = (extra: Partial<AlertFunctionProps> = {}): AlertFunctionProps => ({
  namePrefix: 'acme',
  purpose: 'notifier',
  code,
  scope: { partition: 'aws', region: 'eu-west-1', accountId: '111111111111' },
  statements: [{ Sid: 'Extra', Effect: 'Allow', Action: 'sns:Publish', Resource: 'arn:aws:sns:eu-west-1:111111111111:t' }],
  environment: { ROOTWATCH_NAME_PREFIX: 'acme' },
  alarmTopicArn: 'arn:aws:sns:eu-west-1:111111111111:alarms',
  ...extra,
});
const build = (extra: Partial<AlertFunctionProps> = {}) => synthScope((s) => new AlertFunction(s, 'fn', props(extra)));

describe('AlertFunction props', () => {
  it.each([['Notifier'], ['notifier_2'], ['']])('rejects purpose %p', (purpose) => {
    expect(() => build({ purpose })).toThrow(/^AlertFunction\.purpose: /);
  });
  it.each([0, 901])('rejects timeoutSeconds %p', (timeoutSeconds) => {
    expect(() => build({ timeoutSeconds })).toThrow(/^AlertFunction\.timeoutSeconds: /);
  });
  it.each([2, -1, 366])('rejects logRetentionDays %p (not a CloudWatch Logs retention)', (logRetentionDays) => {
    expect(() => build({ logRetentionDays })).toThrow(`AlertFunction.logRetentionDays: must be one of 0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, not ${logRetentionDays}`);
  });
  it('accepts 0 (never expire), as the config and the hardened trail do', () => {
    const fn = build({ logRetentionDays: 0 });
    expect(Object.values(fn.resource.aws_cloudwatch_log_group as Record<string, { retention_in_days: number }>)[0].retention_in_days).toBe(0);
  });
});

describe('AlertFunction resources', () => {
  const synth = build();

  it('runs the zip on nodejs22.x/arm64, addressed through ${path.module}, with its hash', () => {
    const [fn] = resourceList(synth, 'aws_lambda_function');
    expect(fn).toMatchObject({ function_name: 'acme-notifier', runtime: 'nodejs22.x', architectures: ['arm64'], handler: 'index.handler', source_code_hash: code.base64Sha256, timeout: 30, memory_size: 256 });
    expect(fn.filename).toMatch(/^\$\{path\.module\}\/assets\/.+\/notifier\.zip$/);
    expect(fn.environment.variables).toEqual({ NODE_OPTIONS: '--enable-source-maps', ROOTWATCH_NAME_PREFIX: 'acme' });
    expect(fn.logging_config).toEqual({ log_format: 'JSON', log_group: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\./) });
    expect(Testing.synthScope((s) => new AlertFunction(s, 'fn', props({ timeoutSeconds: 60, memoryMb: 128 })))).toHaveResourceWithProperties(LambdaFunction, { timeout: 60, memory_size: 128 });
  });

  it('owns its log group with a retention', () => {
    expect(resourceList(synth, 'aws_cloudwatch_log_group')).toEqual([expect.objectContaining({ name: '/aws/lambda/acme-notifier', retention_in_days: 365 })]);
    expect(resourceList(build({ logRetentionDays: 30 }), 'aws_cloudwatch_log_group')[0].retention_in_days).toBe(30);
  });

  it('retries async invocations and sends failures to an encrypted queue', () => {
    const [queue] = resourceList(synth, 'aws_sqs_queue');
    expect(queue).toMatchObject({ name: 'acme-notifier-failures', sqs_managed_sse_enabled: true });
    const [invoke] = resourceList(synth, 'aws_lambda_function_event_invoke_config');
    expect(invoke.maximum_retry_attempts).toBe(2);
    expect(invoke.destination_config.on_failure.destination).toMatch(/^\$\{aws_sqs_queue\.[^.]+\.arn\}$/);
  });

  it('has a least-privilege role with a name prefix (never a fixed name)', () => {
    const [role] = resourceList(synth, 'aws_iam_role');
    expect(role).not.toHaveProperty('name');
    expect(role.name_prefix).toBe('acme-notifier-');
    expect(doc(role.assume_role_policy).Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } } },
    ]);
    const statements = doc(resourceList(synth, 'aws_iam_role_policy')[0].policy).Statement;
    expect(statements.map((s: { Sid: string }) => s.Sid)).toEqual(['OwnLogs', 'FailureDestination', 'Extra']);
    expect(statements[0].Resource).toBe('arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/acme-notifier:*');
    expect(statements[1]).toMatchObject({ Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:eu-west-1:111111111111:acme-notifier-failures' });
  });

  it('alarms on errors and on failed events', () => {
    const alarms = resourceList(synth, 'aws_cloudwatch_metric_alarm');
    expect(alarms.map((a) => [a.alarm_name, a.namespace, a.metric_name]).sort()).toEqual([
      ['acme-notifier-errors', 'AWS/Lambda', 'Errors'],
      ['acme-notifier-failed-events', 'AWS/SQS', 'ApproximateNumberOfMessagesVisible'],
    ]);
    for (const a of alarms) expect(a.alarm_actions).toEqual(['arn:aws:sns:eu-west-1:111111111111:alarms']);
  });
});
