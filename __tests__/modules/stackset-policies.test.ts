/**
 * The stackset mode's policies (issue 15) with @cloud-copilot/iam-simulate: the hub bus (organization
 * mode) admits the template's region-suffixed forwarding roles; only the hub's notifier role may
 * assume the org-read role, and that role may list the OUs' accounts and change nothing.
 */
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { HubEventBus } from '../../modules/hub-event-bus';
import { SpokeStackSet } from '../../modules/spoke-stack-set';
import { spokeTemplate } from '../../core/spoke-template';
import { resourceList, synthScope } from '../helpers/stacks';

const HUB = '111111111111';
const MEMBER = '555555555555';
const MGMT = '444444444444';
const ORG = 'o-exampleorgid';
const BUS = `arn:aws:events:eu-west-1:${HUB}:event-bus/rootwatch-root-events`;
const NOTIFIER = `arn:aws:iam::${HUB}:role/rootwatch-notifier-20261130000000000000000001`;
const ORG_READ = `arn:aws:iam::${MGMT}:role/rootwatch-org-read`;
const admin = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

async function decide(sim: Partial<Simulation> & { request: Simulation['request'] }): Promise<string> {
  const r = await runSimulation({ identityPolicies: [], serviceControlPolicies: [], resourceControlPolicies: [], ...sim } as Simulation, {});
  if (r.resultType === 'error') throw new Error(JSON.stringify(r.errors));
  return r.overallResult;
}

const busPolicy = JSON.parse(resourceList(synthScope((sc) => new HubEventBus(sc, 'bus', { namePrefix: 'rootwatch', scope: { partition: 'aws', region: 'eu-west-1', accountId: HUB }, organizationId: ORG })), 'aws_cloudwatch_event_bus_policy')[0].policy);
const synth = synthScope((sc) => new SpokeStackSet(sc, 'spokes', {
  namePrefix: 'rootwatch', partition: 'aws', hubAccountId: HUB, hubRegion: 'eu-west-1', regions: ['us-east-1', 'eu-west-1'],
  organizationalUnitIds: ['ou-ab12-workload1'], excludedAccountIds: [HUB], callAs: 'SELF',
  operationPreferences: { maxConcurrentPercentage: 25, failureTolerancePercentage: 10, regionConcurrencyType: 'PARALLEL' },
  heartbeatSchedule: 'rate(6 hours)', deadLetterAlarm: true,
}));
const trust = JSON.parse(resourceList(synth, 'aws_iam_role')[0].assume_role_policy);
const readPolicy = JSON.parse(resourceList(synth, 'aws_iam_role_policy')[0].policy);
// the hub module grants the notifier exactly this (stacks/module-stacks.ts organizationAccounts)
const notifierGrant = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ORG_READ }] };

/** The template's forwarding role of one region, with its inline policy (Fn::Sub resolved for the member account). */
function templateForwarder(region: string): { arn: string; policy: object } {
  const t = spokeTemplate({ namePrefix: 'rootwatch', hubRegion: 'eu-west-1', deadLetterAlarm: true }) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  const p = t.Resources.ForwarderRole.Properties;
  const sub = (s: string) => s.replace('${AWS::Region}', region).replace('${AWS::Partition}', 'aws').replace('${HubAccountId}', HUB);
  const policy = JSON.parse(JSON.stringify(p.Policies[0].PolicyDocument).replace(/\{"Fn::Sub":"([^"]*)"\}/g, (_m, s: string) => JSON.stringify(sub(s))));
  return { arn: `arn:aws:iam::${MEMBER}:role/${sub(p.RoleName['Fn::Sub'])}`, policy };
}

describe('hub bus admits the stack set forwarding roles (region-suffixed names)', () => {
  it.each(['us-east-1', 'eu-west-1', 'ap-southeast-5'])('role of %s in a member account may PutEvents on the hub bus', async (region) => {
    const { arn, policy } = templateForwarder(region);
    expect(arn).toBe(`arn:aws:iam::${MEMBER}:role/rootwatch-forward-${region}`);
    await expect(decide({
      identityPolicies: [{ name: 'p', policy }],
      resourcePolicy: busPolicy,
      request: { principal: arn, action: 'events:PutEvents', resource: { resource: BUS, accountId: HUB }, contextVariables: { 'aws:PrincipalOrgID': ORG, 'aws:PrincipalArn': arn, 'aws:PrincipalAccount': MEMBER } },
    } as never)).resolves.toBe('Allowed');
  });

  it('another role of that member account may not', async () => {
    const other = `arn:aws:iam::${MEMBER}:role/Admin`;
    await expect(decide({
      identityPolicies: [{ name: 'admin', policy: admin }],
      resourcePolicy: busPolicy,
      request: { principal: other, action: 'events:PutEvents', resource: { resource: BUS, accountId: HUB }, contextVariables: { 'aws:PrincipalOrgID': ORG, 'aws:PrincipalArn': other, 'aws:PrincipalAccount': MEMBER } },
    } as never)).resolves.not.toBe('Allowed');
  });
});

describe('org-read role', () => {
  const assume = (principal: string, identity: object) => decide({
    identityPolicies: [{ name: 'p', policy: identity }],
    resourcePolicy: trust,
    request: { principal, action: 'sts:AssumeRole', resource: { resource: ORG_READ, accountId: MGMT }, contextVariables: { 'aws:PrincipalArn': principal, 'aws:PrincipalAccount': principal.split(':')[4] } },
  } as never);

  it('the hub notifier may assume it', () => expect(assume(NOTIFIER, notifierGrant)).resolves.toBe('Allowed'));
  it('another hub role, even an administrator, may not', () => expect(assume(`arn:aws:iam::${HUB}:role/Admin`, admin)).resolves.not.toBe('Allowed'));
  it('a notifier-named role of another account may not', () => expect(assume(`arn:aws:iam::${MEMBER}:role/rootwatch-notifier-x`, admin)).resolves.not.toBe('Allowed'));

  const can = (action: string) => decide({
    identityPolicies: [{ name: 'p', policy: readPolicy }],
    request: { principal: ORG_READ, action, resource: { resource: '*', accountId: MGMT }, contextVariables: {} },
  } as never);
  it.each(['organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent', 'organizations:ListChildren'])('may %s', (a) => expect(can(a)).resolves.toBe('Allowed'));
  it.each(['organizations:MoveAccount', 'organizations:CreateAccount', 'organizations:DescribeAccount'])('may not %s', (a) => expect(can(a)).resolves.not.toBe('Allowed'));
});
