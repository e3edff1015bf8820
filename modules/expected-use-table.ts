import { Construct } from 'constructs';
import { rootwatchTable } from './rootwatch-table';
import { DynamodbResourcePolicy } from '@cdktf/provider-aws/lib/dynamodb-resource-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { LAMBDA_ACTIONS, LAMBDA_IMPLICIT_ACTIONS } from '../core/lambda-contract';
import { accountRootArn, actionsOf, arnOf, ArnScope, iamArn, policyDocument, PolicyStatement } from './iam';
import { EXPECTED_USE_ACCOUNT_INDEX, expectedUseDeclarerRoleName, expectedUseTableName } from '../core/expected-use';

export interface ExpectedUseTableProps {
  readonly namePrefix: string;
  /** The hub account, region and partition (ARNs are written from names: known at plan time). */
  readonly scope: ArnScope;
  /** The function that reads windows and announces them (the notifier). */
  readonly notifierFunctionName: string;
  /** Where stream batches go after the retries fail (the notifier's failure queue). */
  readonly failureQueueArn: string;
}

/**
 * Declared expected-use windows (`rootwatch expect`, core/expected-use.ts): a DynamoDB table in the
 * hub, the only role allowed to write it, and the stream that makes the notifier announce every
 * declaration on the activity topic.
 *
 * - Partition key `declaredBy` must equal the writer's `aws:userid` (`dynamodb:LeadingKeys`), so a
 *   declaration always names who made it and nobody can cancel another person's window.
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html
 * - A resource-based policy denies item writes to every principal but the declarer role.
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/access-control-resource-based.html
 * - The stream (NEW_AND_OLD_IMAGES) feeds the notifier through an event source mapping with
 *   retries, bisecting and an on-failure queue: the announcement is made server-side.
 */
export class ExpectedUseTable extends Construct {
  public readonly tableName: string;
  public readonly declarerRoleArn: string;

  constructor(scope: Construct, id: string, props: ExpectedUseTableProps) {
    super(scope, id);
    const name = expectedUseTableName(props.namePrefix);
    const tableArn = arnOf(props.scope, 'dynamodb', `table/${name}`);
    const table = rootwatchTable(this, 'table', {
      name,
      hashKey: 'declaredBy',
      rangeKey: 'windowId',
      attribute: [
        { name: 'declaredBy', type: 'S' },
        { name: 'windowId', type: 'S' },
        { name: 'account', type: 'S' },
        { name: 'endsAt', type: 'N' },
      ],
      globalSecondaryIndex: [{ name: EXPECTED_USE_ACCOUNT_INDEX, hashKey: 'account', rangeKey: 'endsAt', projectionType: 'ALL' }],
      ttl: { attributeName: 'expiresAt', enabled: true },
      streamEnabled: true,
      streamViewType: 'NEW_AND_OLD_IMAGES',
    });
    const role = this.declarer(props, tableArn);
    this.onlyTheDeclarerWrites(props, table.arn, tableArn);
    this.announce(props, table.streamArn);
    this.tableName = table.name;
    this.declarerRoleArn = role.arn;
  }

  /** The only role that may declare windows: its own (LeadingKeys = aws:userid), and list them all. */
  private declarer(props: ExpectedUseTableProps, tableArn: string): IamRole {
    const at = props.scope;
    const role = new IamRole(this, 'declarer', {
      namePrefix: expectedUseDeclarerRoleName(props.namePrefix),
      description: 'rootwatch: the only role that may declare expected root use (rootwatch expect)',
      maxSessionDuration: 3600,
      assumeRolePolicy: policyDocument([
        { Effect: 'Allow', Principal: { AWS: accountRootArn(at.partition, at.accountId) }, Action: 'sts:AssumeRole' },
      ]),
    });
    new IamRolePolicy(this, 'declarer-policy', {
      name: 'declare-expected-use',
      role: role.id,
      policy: policyDocument([
        {
          Sid: 'OwnWindowsOnly',
          Effect: 'Allow',
          Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
          Resource: tableArn,
          // `$${...}`: a literal ${aws:userid} for IAM, not a Terraform interpolation
          Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['$${aws:userid}'] } },
        },
        { Sid: 'ListWindows', Effect: 'Allow', Action: ['dynamodb:Scan', 'dynamodb:Query'], Resource: [tableArn, `${tableArn}/index/${EXPECTED_USE_ACCOUNT_INDEX}`] },
      ]),
    });
    return role;
  }

  /** The table's resource policy: item writes denied to every principal but the declarer role. */
  private onlyTheDeclarerWrites(props: ExpectedUseTableProps, resourceArn: string, tableArn: string): void {
    const at = props.scope;
    // the role's name is <prefix><random suffix>: the resource policy admits that pattern only
    const roleArnPattern = iamArn(at.partition, at.accountId, `role/${expectedUseDeclarerRoleName(props.namePrefix)}*`);
    new DynamodbResourcePolicy(this, 'resource-policy', {
      resourceArn,
      policy: policyDocument([
        {
          Sid: 'OnlyTheDeclarerRoleWrites',
          Effect: 'Deny',
          Principal: '*',
          Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
          Resource: tableArn,
          Condition: { ArnNotLike: { 'aws:PrincipalArn': roleArnPattern } },
        },
      ]),
    });
  }

  /** The stream feeds the notifier (retries, bisecting, on-failure queue): the announcement is server-side. */
  private announce(props: ExpectedUseTableProps, streamArn: string): void {
    new LambdaEventSourceMapping(this, 'announce', {
      eventSourceArn: streamArn,
      functionName: props.notifierFunctionName,
      startingPosition: 'LATEST',
      batchSize: 10,
      maximumRetryAttempts: 10,
      bisectBatchOnFunctionError: true,
      maximumRecordAgeInSeconds: 86400,
      filterCriteria: { filter: [{ pattern: JSON.stringify({ eventName: ['INSERT', 'MODIFY'] }) }] },
      destinationConfig: { onFailure: { destinationArn: props.failureQueueArn } },
    });
  }
}

/**
 * What the notifier's role needs for expected use: Query the account index, and read the table's
 * stream (Lambda's event source mapping polls it with the function's role; ListStreams has no
 * resource-level permissions).
 * https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-eventsourcemapping.html
 */
export function expectedUseNotifierStatements(namePrefix: string, at: ArnScope): PolicyStatement[] {
  const tableArn = arnOf(at, 'dynamodb', `table/${expectedUseTableName(namePrefix)}`);
  return [
    { Sid: 'ReadExpectedUse', Effect: 'Allow', Action: actionsOf(LAMBDA_ACTIONS.notifier.expectedUseIndex), Resource: `${tableArn}/index/${EXPECTED_USE_ACCOUNT_INDEX}` },
    { Sid: 'AnnounceExpectedUse', Effect: 'Allow', Action: actionsOf(LAMBDA_IMPLICIT_ACTIONS.expectedUseStream), Resource: `${tableArn}/stream/*` },
    { Sid: 'ListExpectedUseStreams', Effect: 'Allow', Action: actionsOf(LAMBDA_IMPLICIT_ACTIONS.listStreams), Resource: '*' },
  ];
}
