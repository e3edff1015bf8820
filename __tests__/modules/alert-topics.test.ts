import { alertKeyAlias, alertTopicName, AlertTopics } from '../../modules/alert-topics';
import { doc, resourceList, synthScope } from '../helpers/stacks';

const scope = { partition: 'aws', region: 'ap-south-1', accountId: '111111111111' };
const synth = synthScope((s) => new AlertTopics(s, 'topics', { namePrefix: 'acme', scope }));

describe('AlertTopics', () => {
  it('names topics and key alias from the prefix', () => {
    expect(alertTopicName('acme', 'login')).toBe('acme-root-login');
    expect(alertTopicName('acme', 'activity')).toBe('acme-root-activity');
    expect(alertKeyAlias('acme')).toBe('alias/acme-alerts');
    expect(resourceList(synth, 'aws_sns_topic').map((t) => t.name).sort()).toEqual(['acme-root-activity', 'acme-root-login']);
    expect(resourceList(synth, 'aws_kms_alias')[0].name).toBe('alias/acme-alerts');
  });

  it('encrypts both topics with a rotating customer managed key that alarms and EventBridge may use', () => {
    const [key] = resourceList(synth, 'aws_kms_key');
    expect(key.enable_key_rotation).toBe(true);
    for (const t of resourceList(synth, 'aws_sns_topic')) expect(t.kms_master_key_id).toMatch(/^\$\{aws_kms_key\.[^.]+\.arn\}$/);
    const publish = doc(key.policy).Statement.find((s: { Sid: string }) => s.Sid === 'AlarmsAndEventsPublish');
    expect(publish.Principal.Service).toEqual(['cloudwatch.amazonaws.com', 'events.amazonaws.com']);
    expect(publish.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': '111111111111' } });
  });

  it('lets alarms of the account publish, over TLS only, on the topic of its own region', () => {
    const policies = resourceList(synth, 'aws_sns_topic_policy');
    expect(policies).toHaveLength(2);
    for (const p of policies) {
      const st = doc(p.policy).Statement;
      const arn = st[0].Resource;
      expect(arn).toMatch(/^arn:aws:sns:ap-south-1:111111111111:acme-root-(login|activity)$/);
      expect(st.find((s: { Sid: string }) => s.Sid === 'AlarmsPublish')).toMatchObject({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } } });
      expect(st.find((s: { Sid: string }) => s.Sid === 'TlsOnly')).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
      for (const s of st) expect(s.Resource).toBe(arn);
    }
  });
});
