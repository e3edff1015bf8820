import { checkBusPolicy, checkEncryption, checkLambdaLogGroups, checkNoWildcardActions, Plan, plannedResources, statementsOf } from '../../scripts/plan-checks';

type R = { address: string; type: string; values: Record<string, unknown> };
/** A hand-made `terraform show -json` plan: resources in the root and one child module. */
function plan(resources: R[], child: R[] = [], afterUnknown: Record<string, Record<string, unknown>> = {}): Plan {
  return {
    planned_values: { root_module: { resources, child_modules: [{ resources: child }] } },
    resource_changes: Object.entries(afterUnknown).map(([address, after_unknown]) => ({ address, change: { after_unknown } })),
  };
}
const policy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const role = (address: string, p: string): R => ({ address, type: 'aws_iam_role_policy', values: { policy: p } });

describe('plannedResources / statementsOf', () => {
  it('walks child modules', () => {
    expect(plannedResources(plan([role('a', policy())], [role('module.m.b', policy())])).map((r) => r.address)).toEqual(['a', 'module.m.b']);
  });
  it('accepts a single statement object', () => {
    expect(statementsOf(JSON.stringify({ Statement: { Effect: 'Allow', Action: 's3:GetObject' } }))).toHaveLength(1);
    expect(statementsOf(undefined)).toEqual([]);
  });
});

describe('checkNoWildcardActions', () => {
  it('passes scoped Allows and wildcard Denies (SCPs)', () => {
    expect(
      checkNoWildcardActions(
        plan([
          role('aws_iam_role_policy.ok', policy({ Effect: 'Allow', Action: ['events:PutEvents'], Resource: '*' })),
          { address: 'aws_organizations_policy.scp', type: 'aws_organizations_policy', values: { content: policy({ Effect: 'Deny', Action: '*', Resource: '*' }) } },
        ]),
      ),
    ).toEqual([]);
  });

  it.each([
    ['Action "*"', { Effect: 'Allow', Action: '*', Resource: '*' }],
    ['Action "*:*" in a list', { Effect: 'Allow', Action: ['s3:GetObject', '*:*'], Resource: '*' }],
    ['NotAction', { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }],
  ])('catches an Allow with %s, in a child module too', (_name, statement) => {
    const problems = checkNoWildcardActions(plan([], [role('module.m.aws_iam_role_policy.bad', policy(statement))]));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^module\.m\.aws_iam_role_policy\.bad\.policy: /);
  });

  it('catches a policy hidden from review (unknown at plan time)', () => {
    const p = plan([{ address: 'aws_sns_topic_policy.t', type: 'aws_sns_topic_policy', values: {} }], [], { 'aws_sns_topic_policy.t': { policy: true } });
    expect(checkNoWildcardActions(p)).toEqual(['aws_sns_topic_policy.t.policy: unknown at plan time, cannot be reviewed']);
  });

  it('checks trust policies and KMS key policies as well', () => {
    const p = plan([
      { address: 'aws_iam_role.r', type: 'aws_iam_role', values: { assume_role_policy: policy({ Effect: 'Allow', Action: '*', Principal: '*' }) } },
      { address: 'aws_kms_key.k', type: 'aws_kms_key', values: { policy: policy({ Effect: 'Allow', Action: '*', Resource: '*' }) } },
    ]);
    expect(checkNoWildcardActions(p).map((x) => x.split(':')[0])).toEqual(['aws_iam_role.r.assume_role_policy', 'aws_kms_key.k.policy']);
  });
});

describe('checkBusPolicy', () => {
  const bus = (statement: object): R => ({ address: 'aws_cloudwatch_event_bus_policy.p', type: 'aws_cloudwatch_event_bus_policy', values: { policy: policy(statement) } });
  const listed = { Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::222222222222:root', '333333333333'] }, Action: 'events:PutEvents', Resource: 'arn:aws:events:eu-west-1:111111111111:event-bus/b' };
  const org = { Effect: 'Allow', Principal: '*', Action: 'events:PutEvents', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } } };

  it('passes the configured accounts, or the configured organization', () => {
    expect(checkBusPolicy(plan([bus(listed)]), { accounts: ['222222222222', '333333333333'] })).toEqual([]);
    expect(checkBusPolicy(plan([bus(org)]), { accounts: [], organizationId: 'o-abcdefghij' })).toEqual([]);
  });

  it('catches an account that is not configured', () => {
    expect(checkBusPolicy(plan([bus(listed)]), { accounts: ['222222222222'] })).toEqual(['aws_cloudwatch_event_bus_policy.p: admits 333333333333, which is not a configured account']);
  });

  it('catches any other action than PutEvents', () => {
    expect(checkBusPolicy(plan([bus({ ...listed, Action: ['events:PutEvents', 'events:PutRule'] })]), { accounts: ['222222222222', '333333333333'] })).toEqual([
      'aws_cloudwatch_event_bus_policy.p: allows events:PutEvents, events:PutRule (only events:PutEvents expected)',
    ]);
  });

  it('catches an open bus, and an organization other than the configured one', () => {
    expect(checkBusPolicy(plan([bus({ ...org, Condition: undefined })]), { accounts: ['222222222222'] })).toEqual(['aws_cloudwatch_event_bus_policy.p: admits any principal but no organization is configured']);
    expect(checkBusPolicy(plan([bus(org)]), { accounts: [], organizationId: 'o-zzzzzzzzzz' })[0]).toMatch(/organization o-abcdefghij \(expected o-zzzzzzzzzz\)/);
    expect(checkBusPolicy(plan([bus({ ...org, Principal: { AWS: '*' }, Condition: { StringEquals: {} } })]), { accounts: [], organizationId: 'o-abcdefghij' })).toHaveLength(1);
  });
});

describe('checkEncryption', () => {
  it('passes encrypted topics and queues (a key known only after apply counts)', () => {
    const p = plan(
      [
        { address: 'aws_sns_topic.a', type: 'aws_sns_topic', values: { kms_master_key_id: 'alias/x' } },
        { address: 'aws_sns_topic.b', type: 'aws_sns_topic', values: {} },
        { address: 'aws_sqs_queue.c', type: 'aws_sqs_queue', values: { sqs_managed_sse_enabled: true } },
      ],
      [],
      { 'aws_sns_topic.b': { kms_master_key_id: true } },
    );
    expect(checkEncryption(p)).toEqual([]);
  });

  it('catches an unencrypted topic and queue', () => {
    const p = plan([
      { address: 'aws_sns_topic.a', type: 'aws_sns_topic', values: { kms_master_key_id: '' } },
      { address: 'aws_sqs_queue.c', type: 'aws_sqs_queue', values: { sqs_managed_sse_enabled: false } },
    ]);
    expect(checkEncryption(p)).toEqual([
      'aws_sns_topic.a: SNS topic is not encrypted (kms_master_key_id)',
      'aws_sqs_queue.c: SQS queue is not encrypted (sqs_managed_sse_enabled or kms_master_key_id)',
    ]);
  });
});

describe('checkLambdaLogGroups', () => {
  const fn: R = { address: 'aws_lambda_function.f', type: 'aws_lambda_function', values: { function_name: 'p-notifier' } };
  const logs = (retention: unknown): R => ({ address: 'aws_cloudwatch_log_group.l', type: 'aws_cloudwatch_log_group', values: { name: '/aws/lambda/p-notifier', retention_in_days: retention } });

  it('passes a function with its own log group and a retention', () => {
    expect(checkLambdaLogGroups(plan([fn, logs(365)]))).toEqual([]);
  });
  it('catches a missing log group', () => {
    expect(checkLambdaLogGroups(plan([fn]))).toEqual(['aws_lambda_function.f: no log group /aws/lambda/p-notifier']);
  });
  it.each([0, null])('catches retention %p (logs kept forever)', (retention) => {
    expect(checkLambdaLogGroups(plan([fn, logs(retention)]))[0]).toMatch(/keeps logs forever/);
  });
});
