import { hubBusArnOf, hubBusName, HubEventBus, HubEventBusProps, MAX_LISTED_ACCOUNTS } from '../../modules/hub-event-bus';
import { doc, resourceList, synthScope } from '../helpers/stacks';

const scope = { partition: 'aws', region: 'eu-west-1', accountId: '111111111111' };
const build = (extra: Partial<HubEventBusProps>) => synthScope((s) => new HubEventBus(s, 'bus', { namePrefix: 'p', scope, ...extra }));
const ids = (n: number) => Array.from({ length: n }, (_, i) => String(200000000000 + i));

describe('HubEventBus props', () => {
  it('needs an organization or at least one account', () => {
    expect(() => build({})).toThrow(/^HubEventBus\.monitoredAccountIds: name at least one account, or set organizationId$/);
    expect(() => build({ monitoredAccountIds: [] })).toThrow(/organizationId/);
  });
  it('refuses more accounts than fit a bus policy', () => {
    expect(MAX_LISTED_ACCOUNTS).toBe(200);
    expect(() => build({ monitoredAccountIds: ids(201) })).toThrow(/^HubEventBus\.monitoredAccountIds: /);
    expect(() => build({ monitoredAccountIds: ids(200) })).not.toThrow();
    expect(() => build({ monitoredAccountIds: ids(201), organizationId: 'o-abcdefghij' })).not.toThrow();
  });
});

describe('HubEventBus resources', () => {
  it('names the bus from the prefix and can write its ARN before it exists', () => {
    expect(hubBusName('p')).toBe('p-root-events');
    expect(hubBusArnOf('p', scope)).toBe('arn:aws:events:eu-west-1:111111111111:event-bus/p-root-events');
    expect(resourceList(build({ monitoredAccountIds: ['222222222222'] }), 'aws_cloudwatch_event_bus')).toEqual([{ name: 'p-root-events' }]);
  });

  it('admits the listed accounts (deduplicated, sorted) to PutEvents only', () => {
    const policy = doc(resourceList(build({ monitoredAccountIds: ['333333333333', '222222222222', '333333333333'] }), 'aws_cloudwatch_event_bus_policy')[0].policy);
    expect(policy.Statement).toEqual([
      {
        Sid: 'MonitoredForwardersPutEvents',
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam::222222222222:root', 'arn:aws:iam::333333333333:root'] },
        Action: 'events:PutEvents',
        Resource: 'arn:aws:events:eu-west-1:111111111111:event-bus/p-root-events',
        // only rootwatch's forwarding roles, not any principal of a monitored account
        Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/p-forward-*' } },
      },
    ]);
    expect(JSON.stringify(policy).length).toBeLessThan(10240);
  });

  it('keeps 200 listed accounts under the 10 KB policy limit', () => {
    expect(resourceList(build({ monitoredAccountIds: ids(200) }), 'aws_cloudwatch_event_bus_policy')[0].policy.length).toBeLessThan(10240);
  });

  it('admits the organization instead of accounts when given', () => {
    const [statement] = doc(resourceList(build({ monitoredAccountIds: ['222222222222'], organizationId: 'o-abcdefghij' }), 'aws_cloudwatch_event_bus_policy')[0].policy).Statement;
    expect(statement).toEqual({
      Sid: 'OrganizationForwardersPutEvents',
      Effect: 'Allow',
      Principal: '*',
      Action: 'events:PutEvents',
      Resource: 'arn:aws:events:eu-west-1:111111111111:event-bus/p-root-events',
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' }, ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/p-forward-*' } },
    });
  });
});
