/**
 * The generated policies (terraform-out/modules with the example's values filled in; the hub bus
 * policy from its construct, since the module writes it as an HCL choice) evaluated with @cloud-copilot/iam-simulate,
 * an offline IAM evaluator: the hub bus admits the spoke forwarding role and nobody else of the
 * account or the world (organization and listed-accounts modes), the deny-root SCP denies root but
 * neither AssumeRoot sessions nor the heartbeat role, the topic key lets CloudWatch publish alarms,
 * and the notifier role can use the coverage ledger and nothing more.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { HubEventBus } from '../../modules/hub-event-bus';
import { REPO } from '../helpers/configs';
import { resourceList, synthScope } from '../helpers/stacks';

const HUB = '111111111111';
const SPOKE = '222222222222';
const MGMT = '444444444444';
const ORG = 'o-exampleorgid';
const BUS = `arn:aws:events:eu-west-1:${HUB}:event-bus/rootwatch-root-events`;
const FORWARDER = `arn:aws:iam::${SPOKE}:role/rootwatch-forward-20261130000000000000000001`;

/** A module's JSON with the example's plan-time values filled in (partition, identity and routing variables). */
function stack(name: string): any {
  const raw = fs.readFileSync(path.join(REPO, 'terraform-out', 'modules', name, 'main.tf.json'), 'utf8');
  return JSON.parse(
    raw
      .replace(/\$\{data\.aws_partition\.partition\.partition\}/g, 'aws')
      .replace(/\$\{var\.hub_account_id\}/g, HUB)
      .replace(/\$\{var\.account_id\}/g, SPOKE)
      .replace(/\$\{var\.hub_region\}/g, 'eu-west-1')
      .replace(/\$\{var\.name_prefix\}/g, 'rootwatch')
      .replace(/\$\{var\.hub_bus_arn\}/g, BUS)
      .replace(/\$\{var\.management_account_id\}/g, MGMT),
  );
}
/** The hub bus policy as HubEventBus writes it (the hub module chooses between these two at plan time). */
function busPolicy(mode: { organizationId?: string; monitoredAccountIds?: string[] }): any {
  const synth = synthScope((sc) => new HubEventBus(sc, 'bus', { namePrefix: 'rootwatch', scope: { partition: 'aws', region: 'eu-west-1', accountId: HUB }, ...mode }));
  return JSON.parse(resourceList(synth, 'aws_cloudwatch_event_bus_policy')[0].policy);
}
const one = (s: any, type: string, match: (k: string) => boolean, attr = 'policy') => {
  const [k] = Object.keys(s.resource[type]).filter(match);
  if (!k) throw new Error(`no ${type} matching`);
  return JSON.parse(s.resource[type][k][attr]);
};

async function decide(sim: Partial<Simulation> & { request: Simulation['request'] }): Promise<string> {
  const r = await runSimulation({ identityPolicies: [], serviceControlPolicies: [], resourceControlPolicies: [], ...sim } as Simulation, {});
  if (r.resultType === 'error') throw new Error(JSON.stringify(r.errors));
  return r.overallResult;
}

const hub = stack('hub');
const spoke = stack('account');
const guardrails = stack('guardrails');
const orgBusPolicy = busPolicy({ organizationId: ORG });
const forwarderPolicy = one(spoke, 'aws_iam_role_policy', (k) => k.startsWith('forwarder_policy'));
const adminPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

function putEvents(principal: string, account: string, identity: object, busPolicy: object, org = ORG) {
  return decide({
    identityPolicies: [{ name: 'p', policy: identity }],
    resourcePolicy: busPolicy,
    request: {
      principal,
      action: 'events:PutEvents',
      resource: { resource: BUS, accountId: HUB },
      contextVariables: { 'aws:PrincipalOrgID': org, 'aws:PrincipalArn': principal, 'aws:PrincipalAccount': account },
    },
  } as never);
}

describe('hub bus policy (organization mode, the example config)', () => {
  it('admits the spoke forwarding role', async () => {
    expect(await putEvents(FORWARDER, SPOKE, forwarderPolicy, orgBusPolicy)).toBe('Allowed');
  });
  it('denies another role of the same account, even an administrator', async () => {
    expect(await putEvents(`arn:aws:iam::${SPOKE}:role/Admin`, SPOKE, adminPolicy, orgBusPolicy)).not.toBe('Allowed');
  });
  it('the hub module writes the same forwarding-role condition in both of its choices', () => {
    const policy = fs.readFileSync(path.join(REPO, 'terraform-out', 'modules', 'hub', 'main.tf.json'), 'utf8');
    expect(policy.match(/ArnLike = \{ \\"aws:PrincipalArn\\" = \\"arn:\$\{data\.aws_partition\.partition\.partition\}:iam::\*:role\/\$\{substr\(\\"\$\{var\.name_prefix\}-forward-\\", 0, 38\)\}\*\\" \}/g)).toHaveLength(2);
  });
  it('(control) without the aws:PrincipalArn condition the same administrator role would be admitted', async () => {
    const open = JSON.parse(JSON.stringify(orgBusPolicy));
    delete open.Statement[0].Condition.ArnLike;
    expect(await putEvents(`arn:aws:iam::${SPOKE}:role/Admin`, SPOKE, adminPolicy, open)).toBe('Allowed');
  });
  it('denies a forwarding-named role of a stranger outside the organization', async () => {
    expect(await putEvents(`arn:aws:iam::999999999999:role/rootwatch-forward-x`, '999999999999', adminPolicy, orgBusPolicy, 'o-stranger')).not.toBe('Allowed');
  });
});

describe('hub bus policy (listed-accounts mode)', () => {
  const listed = busPolicy({ monitoredAccountIds: [SPOKE, '333333333333'] });
  it('admits the listed spoke forwarding role, denies another role of that account and a stranger', async () => {
    expect(await putEvents(FORWARDER, SPOKE, forwarderPolicy, listed, 'o-none')).toBe('Allowed');
    expect(await putEvents(`arn:aws:iam::${SPOKE}:role/Admin`, SPOKE, adminPolicy, listed, 'o-none')).not.toBe('Allowed');
    expect(await putEvents(`arn:aws:iam::999999999999:role/rootwatch-forward-x`, '999999999999', adminPolicy, listed, 'o-none')).not.toBe('Allowed');
  });
});

describe('deny-root SCP', () => {
  const scp = one(guardrails, 'aws_organizations_policy', (k) => k === 'org_deny-root', 'content');
  const full = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
  const run = (principal: string, action: string, resource: string, context: Record<string, string> = {}) =>
    decide({
      identityPolicies: [{ name: 'admin', policy: adminPolicy }],
      serviceControlPolicies: [{ orgIdentifier: ORG, policies: [{ name: 'FullAWSAccess', policy: full }, { name: 'deny-root', policy: scp }] }],
      request: { principal, action, resource: { resource, accountId: SPOKE }, contextVariables: { 'aws:PrincipalArn': principal, ...context } },
    } as never);
  it('denies the member root user', async () => {
    expect(await run(`arn:aws:iam::${SPOKE}:root`, 's3:ListAllMyBuckets', '*')).toBe('ExplicitlyDenied');
    expect(await run(`arn:aws:iam::${SPOKE}:root`, 'iam:CreateAccessKey', `arn:aws:iam::${SPOKE}:user/x`)).toBe('ExplicitlyDenied');
  });
  it('allows an AssumeRoot session (aws:AssumedRoot)', async () => {
    expect(await run(`arn:aws:iam::${SPOKE}:root`, 's3:DeleteBucketPolicy', 'arn:aws:s3:::locked-bucket', { 'aws:AssumedRoot': 'true' })).toBe('Allowed');
  });
  it('does not deny the heartbeat role its TagQueue (the heartbeat is not a root call)', async () => {
    const heartbeatPolicy = one(spoke, 'aws_iam_role_policy', (k) => k === 'heartbeat_policy');
    const queue = `arn:aws:sqs:eu-west-1:${SPOKE}:rootwatch-forward-dlq`;
    const principal = `arn:aws:iam::${SPOKE}:role/rootwatch-heartbeat-20261130000000000000000001`;
    const r = await decide({
      identityPolicies: [{ name: 'heartbeat', policy: heartbeatPolicy }],
      serviceControlPolicies: [{ orgIdentifier: ORG, policies: [{ name: 'FullAWSAccess', policy: full }, { name: 'deny-root', policy: scp }] }],
      request: { principal, action: 'sqs:TagQueue', resource: { resource: queue, accountId: SPOKE }, contextVariables: { 'aws:PrincipalArn': principal } },
    } as never);
    expect(r).toBe('Allowed');
  });
});

describe('topic key and notifier role', () => {
  const key = one(hub, 'aws_kms_key', (k) => k.startsWith('hub_topics_key'));
  it('lets CloudWatch (this account) encrypt alarm notifications, not a foreign source', async () => {
    const run = (source: string) =>
      decide({
        resourcePolicy: key,
        request: {
          principal: 'cloudwatch.amazonaws.com',
          action: 'kms:GenerateDataKey',
          resource: { resource: `arn:aws:kms:eu-west-1:${HUB}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, accountId: HUB },
          contextVariables: { 'aws:SourceAccount': source },
        },
      } as never);
    expect(await run(HUB)).toBe('Allowed');
    expect(await run('999999999999')).not.toBe('Allowed');
  });

  it('lets the notifier use the coverage ledger, not update the session table', async () => {
    const notifier = one(hub, 'aws_iam_role_policy', (k) => k.startsWith('hub_notifier_policy'));
    const principal = `arn:aws:iam::${HUB}:role/rootwatch-notifier-x`;
    const run = (action: string, table: string) =>
      decide({
        identityPolicies: [{ name: 'notifier', policy: notifier }],
        request: { principal, action, resource: { resource: `arn:aws:dynamodb:eu-west-1:${HUB}:table/${table}`, accountId: HUB }, contextVariables: {} },
      } as never);
    for (const action of ['dynamodb:UpdateItem', 'dynamodb:Scan', 'dynamodb:Query', 'dynamodb:DeleteItem']) expect([action, await run(action, 'rootwatch-coverage')]).toEqual([action, 'Allowed']);
    expect(await run('dynamodb:UpdateItem', 'rootwatch-sessions')).not.toBe('Allowed');
    expect(await run('dynamodb:DeleteTable', 'rootwatch-coverage')).not.toBe('Allowed');
  });
});
