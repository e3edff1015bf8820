import { HttpAlerter, HttpAlerterProps } from '../../modules/http-alerter';
import { ENV } from '../../core/lambda-contract';
import { doc, fakeCode, resourceList, synthScope } from '../helpers/stacks';
import { rmrf, tempDir } from '../helpers/tree';

const tmp = tempDir('http-alerter');
const code = fakeCode(tmp);
afterAll(() => rmrf(tmp));

const topicArns = ['arn:aws:sns:eu-west-1:111111111111:p-root-login', 'arn:aws:sns:eu-west-1:111111111111:p-root-activity'];
const props = (extra: Partial<HttpAlerterProps> = {}): HttpAlerterProps => ({
  namePrefix: 'p',
  channel: 'slack',
  code: code.slack,
  scope: { partition: 'aws', region: 'eu-west-1', accountId: '111111111111' },
  secretParameterName: '/rootwatch/slack/webhook-url',
  topicArns,
  alarmTopicArn: topicArns[1],
  ...extra,
});
const build = (extra: Partial<HttpAlerterProps> = {}) => synthScope((s) => new HttpAlerter(s, 'alerter', props(extra)));

describe('HttpAlerter props', () => {
  it('rejects a parameter name that is not a path (e.g. the webhook URL itself)', () => {
    expect(() => build({ secretParameterName: 'https://hooks.slack.com/services/T/B/X' })).toThrow(/^HttpAlerter\.secretParameterName: /);
  });
  it('needs a topic', () => {
    expect(() => build({ topicArns: [] })).toThrow(/^HttpAlerter\.topicArns: /);
  });
});

describe('HttpAlerter resources', () => {
  it.each([
    ['slack', ENV.SLACK_WEBHOOK_PARAMETER],
    ['pagerduty', ENV.PAGERDUTY_ROUTING_KEY_PARAMETER],
  ] as const)('%s: a function named after the channel that gets only the parameter name', (channel, envName) => {
    const synth = build({ channel, code: code[channel], secretParameterName: '/x/secret' });
    const [fn] = resourceList(synth, 'aws_lambda_function');
    expect(fn.function_name).toBe(`p-${channel}`);
    expect(fn.environment.variables).toEqual({ NODE_OPTIONS: '--enable-source-maps', [envName]: '/x/secret' });
    expect(fn).toMatchObject({ timeout: 60, memory_size: 128 });
  });

  it('may read that one parameter and decrypt it through SSM only', () => {
    const statements = doc(resourceList(build(), 'aws_iam_role_policy')[0].policy).Statement;
    expect(statements.find((s: { Sid: string }) => s.Sid === 'ReadSecret')).toEqual({ Sid: 'ReadSecret', Effect: 'Allow', Action: 'ssm:GetParameter', Resource: 'arn:aws:ssm:eu-west-1:111111111111:parameter/rootwatch/slack/webhook-url' });
    expect(statements.find((s: { Sid: string }) => s.Sid === 'DecryptSecret')).toMatchObject({ Action: 'kms:Decrypt', Condition: { StringEquals: { 'kms:ViaService': 'ssm.eu-west-1.amazonaws.com' } } });
  });

  it('subscribes to every topic, with an invoke permission limited to that topic', () => {
    const synth = build();
    const subs = resourceList(synth, 'aws_sns_topic_subscription');
    expect(subs.map((s) => [s.protocol, s.topic_arn])).toEqual(topicArns.map((t) => ['lambda', t]));
    for (const s of subs) expect(s.endpoint).toMatch(/^\$\{aws_lambda_function\.[^.]+\.arn\}$/);
    const perms = resourceList(synth, 'aws_lambda_permission');
    expect(perms.map((p) => [p.principal, p.source_arn, p.action])).toEqual(topicArns.map((t) => ['sns.amazonaws.com', t, 'lambda:InvokeFunction']));
  });
});
