import { Construct } from 'constructs';
import { TerraformProvider } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';

/**
 * IAM policy documents as plain data. Values may be cdktf tokens (ARNs of other resources);
 * JSON.stringify keeps them as tokens inside the string and cdktf resolves them at synth.
 */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** A statement's `Action` from a list of core/lambda-contract.ts: one action as a string, several as a list. */
export function actionsOf(list: readonly string[]): string | string[] {
  return list.length === 1 ? list[0] : [...list];
}

export function policyDocument(statements: PolicyStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** Deny `action` on `resource` to everyone over plain HTTP (aws:SecureTransport false). */
export function denyInsecureTransport(sid: string, action: string, resource: string | string[]): PolicyStatement {
  return { Sid: sid, Effect: 'Deny', Principal: '*', Action: action, Resource: resource, Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
}

/**
 * An AWS service (principal) allowed `action` on `resource` only under `condition`: its
 * confused-deputy guard (source account, source ARN or encryption context).
 */
export function serviceAllows(sid: string, service: string | string[], action: string | string[], resource: string | string[], condition: Record<string, Record<string, unknown>>): PolicyStatement {
  return { Sid: sid, Effect: 'Allow', Principal: { Service: service }, Action: action, Resource: resource, Condition: condition };
}

/** CloudWatch alarms of `sourceAccount` may publish to the topic (the alarm topics' policies). */
export function alarmsPublish(topicArn: string, sourceAccount: string): PolicyStatement {
  return serviceAllows('AlarmsPublish', 'cloudwatch.amazonaws.com', 'sns:Publish', topicArn, { StringEquals: { 'aws:SourceAccount': sourceAccount } });
}

/** Trust policy for an AWS service, pinned to one source account (confused-deputy guard). */
export function serviceTrustPolicy(service: string, sourceAccount: string): string {
  return policyDocument([
    {
      Effect: 'Allow',
      Principal: { Service: service },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': sourceAccount } },
    },
  ]);
}

/** A name AWS accepts for a role prefix (max 38 characters for name_prefix). */
export function rolePrefix(namePrefix: string, purpose: string): string {
  return `${namePrefix}-${purpose}-`.slice(0, 38);
}

/** Where a resource lives: enough to write its ARN before it exists (known at plan time). */
export interface ArnScope {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

/**
 * `arn:<partition>:<service>:<region>:<account>:<resource>`. Policies built from these stay fully
 * known in `terraform plan`, so reviewers (and the plan checks) see every statement.
 */
export function arnOf(scope: ArnScope, service: string, resource: string): string {
  return `arn:${scope.partition}:${service}:${scope.region}:${scope.accountId}:${resource}`;
}

/** An IAM ARN (global: no region), `accountId` `*` for any account: `arn:<partition>:iam::<account>:<resource>`. */
export function iamArn(partition: string, accountId: string, resource: string): string {
  return arnOf({ partition, region: '', accountId }, 'iam', resource);
}

/** The account principal `arn:<partition>:iam::<account>:root` (the account itself in a policy, not the root user's session). */
export function accountRootArn(partition: string, accountId: string): string {
  return iamArn(partition, accountId, 'root');
}

export interface ServiceRoleProps {
  readonly provider?: TerraformProvider;
  readonly namePrefix: string;
  readonly description?: string;
  /** The service principal that assumes the role, e.g. `events.amazonaws.com`. */
  readonly service: string;
  /** The only account whose service may assume it (confused-deputy guard). */
  readonly sourceAccount: string;
  /** Name of the inline policy. */
  readonly policyName: string;
  readonly statements: PolicyStatement[];
}

/**
 * A role an AWS service of one account assumes, with one inline policy: children `role` and
 * `policy` of `scope`.
 */
export function serviceRole(scope: Construct, props: ServiceRoleProps): IamRole {
  const role = new IamRole(scope, 'role', {
    provider: props.provider,
    namePrefix: props.namePrefix,
    ...(props.description === undefined ? {} : { description: props.description }),
    assumeRolePolicy: serviceTrustPolicy(props.service, props.sourceAccount),
  });
  new IamRolePolicy(scope, 'policy', {
    provider: props.provider,
    name: props.policyName,
    role: role.id,
    policy: policyDocument(props.statements),
  });
  return role;
}
