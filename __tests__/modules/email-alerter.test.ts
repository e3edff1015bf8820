import { EmailAlerter } from '../../modules/email-alerter';
import { resourceList, synthScope } from '../helpers/stacks';

const topics = { loginTopicArn: 'arn:aws:sns:eu-west-1:111111111111:p-root-login', activityTopicArn: 'arn:aws:sns:eu-west-1:111111111111:p-root-activity' };

describe('EmailAlerter', () => {
  it.each([
    [{ loginAddresses: ['ok@example.com', 'not-an-address'] }, /^EmailAlerter\.loginAddresses\[1\]: /],
    [{ activityAddresses: [''] }, /^EmailAlerter\.activityAddresses\[0\]: /],
    [{ activityAddresses: ['two@@example.com'] }, /^EmailAlerter\.activityAddresses\[0\]: /],
  ])('rejects %p', (addresses, error) => {
    expect(() => synthScope((s) => new EmailAlerter(s, 'email', { ...topics, ...addresses }))).toThrow(error);
  });

  it('subscribes login addresses to the login topic and activity addresses to the activity topic', () => {
    let count = -1;
    const synth = synthScope((s) => {
      count = new EmailAlerter(s, 'email', { ...topics, loginAddresses: ['b@example.com', 'a@example.com'], activityAddresses: ['c@example.com'] }).subscriptionCount;
    });
    expect(count).toBe(3);
    expect(resourceList(synth, 'aws_sns_topic_subscription').map((x) => [x.protocol, x.endpoint, x.topic_arn]).sort()).toEqual([
      ['email', 'a@example.com', topics.loginTopicArn],
      ['email', 'b@example.com', topics.loginTopicArn],
      ['email', 'c@example.com', topics.activityTopicArn],
    ]);
  });

  it('subscribes nobody by default', () => {
    expect(synthScope((s) => new EmailAlerter(s, 'email', topics)).resource ?? {}).toEqual({});
  });
});
