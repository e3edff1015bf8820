/**
 * modules/expected-use-table.ts: the table, the declarer role bound by `dynamodb:LeadingKeys` on
 * `${aws:userid}`, the resource policy that lets only that role write, and the stream that makes the
 * notifier announce declarations. The policies are evaluated offline with @cloud-copilot/iam-simulate.
 */
import { Testing, TerraformStack } from 'cdktf';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { ExpectedUseTable, expectedUseNotifierStatements } from '../../modules/expected-use-table';

const at = { partition: 'aws', region: 'eu-west-1', accountId: '111111111111' };
const TABLE = 'arn:aws:dynamodb:eu-west-1:111111111111:table/acme-expected-use';
type Res = Record<string, Record<string, Record<string, unknown>>>;

const res: Res = JSON.parse(
  Testing.synthScope((scope) => {
    new ExpectedUseTable(scope as TerraformStack, 'eu', { namePrefix: 'acme', scope: at, notifierFunctionName: 'acme-notifier', failureQueueArn: 'arn:aws:sqs:eu-west-1:111111111111:acme-notifier-failures' });
  }),
).resource;
const one = (type: string) => Object.values(res[type])[0];
/** What Terraform renders: `$${` is a literal `${`. */
const rendered = (policy: unknown) => JSON.parse(String(policy).replace(/\$\$\{/g, '${'));
const declarerPolicy = rendered(one('aws_iam_role_policy').policy);
const resourcePolicy = rendered(one('aws_dynamodb_resource_policy').policy);

async function decide(principal: string, userId: string, action: string, leadingKey: string, identityPolicy: unknown = declarerPolicy): Promise<string> {
  const principalArn = principal.startsWith('arn:aws:sts::') ? principal.replace(/^arn:aws:sts::(\d+):assumed-role\/([^/]+)\/.*$/, 'arn:aws:iam::$1:role/$2') : principal;
  const r = await runSimulation(
    {
      request: {
        principal,
        action,
        resource: { resource: TABLE, accountId: '111111111111' },
        contextVariables: { 'aws:userid': userId, 'aws:PrincipalArn': principalArn, 'dynamodb:LeadingKeys': [leadingKey] },
      },
      identityPolicies: [{ name: 'p', policy: identityPolicy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy,
    },
    {},
  );
  if (r.resultType !== 'single') throw new Error(`simulation: ${JSON.stringify(r).slice(0, 300)}`);
  return r.result.analysis.result;
}

describe('ExpectedUseTable', () => {
  it('a table keyed by declarer and window, an account index, a stream and TTL', () => {
    expect(one('aws_dynamodb_table')).toMatchObject({
      name: 'acme-expected-use',
      hash_key: 'declaredBy',
      range_key: 'windowId',
      stream_enabled: true,
      stream_view_type: 'NEW_AND_OLD_IMAGES',
      ttl: { attribute_name: 'expiresAt', enabled: true },
      global_secondary_index: [{ name: 'by-account', hash_key: 'account', range_key: 'endsAt', projection_type: 'ALL' }],
    });
    expect(one('aws_lambda_event_source_mapping')).toMatchObject({
      function_name: 'acme-notifier',
      starting_position: 'LATEST',
      bisect_batch_on_function_error: true,
      destination_config: { on_failure: { destination_arn: 'arn:aws:sqs:eu-west-1:111111111111:acme-notifier-failures' } },
    });
    expect(one('aws_iam_role')).not.toHaveProperty('name');
    expect(one('aws_iam_role').name_prefix).toBe('acme-expect-declarer-');
    expect(String(one('aws_iam_role_policy').policy)).toContain('"$${aws:userid}"');
  });

  it('the declarer writes items keyed by its own aws:userid only', async () => {
    const alice = 'arn:aws:sts::111111111111:assumed-role/acme-expect-declarer-20261130abcdef/alice';
    expect(await decide(alice, 'AROAEXAMPLE:alice', 'dynamodb:PutItem', 'AROAEXAMPLE:alice')).toBe('Allowed');
    expect(await decide(alice, 'AROAEXAMPLE:alice', 'dynamodb:UpdateItem', 'AROAEXAMPLE:alice')).toBe('Allowed');
    expect(await decide(alice, 'AROAEXAMPLE:alice', 'dynamodb:PutItem', 'AROAEXAMPLE:bob')).toBe('ImplicitlyDenied');
    expect(await decide(alice, 'AROAEXAMPLE:alice', 'dynamodb:UpdateItem', 'AROAEXAMPLE:bob')).toBe('ImplicitlyDenied');
    expect(await decide(alice, 'AROAEXAMPLE:alice', 'dynamodb:DeleteItem', 'AROAEXAMPLE:alice')).toBe('ImplicitlyDenied');
  });

  it('nobody else writes, not even an administrator; reading stays possible', async () => {
    const admin = 'arn:aws:sts::111111111111:assumed-role/Admin/mallory';
    const everything = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }] };
    expect(await decide(admin, 'AROAADMIN:mallory', 'dynamodb:PutItem', 'AROAADMIN:mallory', everything)).toBe('ExplicitlyDenied');
    expect(await decide(admin, 'AROAADMIN:mallory', 'dynamodb:DeleteItem', 'AROAEXAMPLE:alice', everything)).toBe('ExplicitlyDenied');
    expect(await decide(admin, 'AROAADMIN:mallory', 'dynamodb:Scan', 'x', everything)).toBe('Allowed');
  });

  it('the notifier may query the index and read the stream, nothing more', () => {
    const s = expectedUseNotifierStatements('acme', at);
    expect(s.flatMap((x) => x.Action).sort()).toEqual(['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams', 'dynamodb:Query']);
    expect(s[0].Resource).toBe(`${TABLE}/index/by-account`);
  });
});

describe('checkExpectedUseBinding (plan check)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { checkExpectedUseBinding } = require('../../scripts/plan-checks-expected-use') as typeof import('../../scripts/plan-checks-expected-use');
  const planned = (policyText: string, resourcePolicyText: string) => ({
    planned_values: {
      root_module: {
        resources: [
          { address: 'aws_dynamodb_table.t', type: 'aws_dynamodb_table', values: { name: 'acme-expected-use' } },
          { address: 'aws_iam_role_policy.p', type: 'aws_iam_role_policy', values: { name: 'declare-expected-use', policy: policyText } },
          { address: 'aws_dynamodb_resource_policy.r', type: 'aws_dynamodb_resource_policy', values: { policy: resourcePolicyText } },
        ],
      },
    },
  });
  const good = JSON.stringify(declarerPolicy);
  const goodResource = JSON.stringify(resourcePolicy);
  it('passes on what Terraform renders from the construct', () => {
    expect(checkExpectedUseBinding(planned(good, goodResource))).toEqual([]);
  });
  it('catches an unescaped or missing binding and a missing write guard', () => {
    expect(checkExpectedUseBinding(planned(good.replace('${aws:userid}', ''), goodResource))[0]).toMatch(/not bound to the caller/);
    expect(checkExpectedUseBinding(planned(good, goodResource.replace('acme-expect-declarer-*', 'Admin')))[0]).toMatch(/not limited to the declarer role/);
  });
});
