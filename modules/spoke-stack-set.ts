import { Construct } from 'constructs';
import { TerraformProvider } from 'cdktf';
import { CloudformationStackSet } from '@cdktf/provider-aws/lib/cloudformation-stack-set';
import { CloudformationStackSetInstance } from '@cdktf/provider-aws/lib/cloudformation-stack-set-instance';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { accountRootArn, iamArn, policyDocument, rolePrefix } from './iam';
import { HUB_ACCOUNT_PARAMETER, spokeTemplate } from '../core/spoke-template';
import { orgReadRoleName, stackSetName } from '../core/stackset-config';
import { propChecks } from '../core/validation';

export interface SpokeStackSetProps {
  readonly namePrefix: string;
  readonly partition: string;
  /** Hub account (template parameter, and excluded from the instances). */
  readonly hubAccountId: string;
  readonly hubRegion: string;
  /** Every region that gets an instance (us-east-1 first). */
  readonly regions: readonly string[];
  readonly organizationalUnitIds: readonly string[];
  /** Accounts of those OUs that must not get the spoke (the hub, Terraform-managed spokes): account_filter_type DIFFERENCE. */
  readonly excludedAccountIds: readonly string[];
  /** SELF (management account) or DELEGATED_ADMIN. */
  readonly callAs: 'SELF' | 'DELEGATED_ADMIN';
  readonly operationPreferences: { readonly maxConcurrentPercentage: number; readonly failureTolerancePercentage: number; readonly regionConcurrencyType: 'SEQUENTIAL' | 'PARALLEL' };
  /** Heartbeat schedule; undefined: no heartbeat in the template. */
  readonly heartbeatSchedule?: string;
  readonly deadLetterAlarm: boolean;
  readonly provider?: TerraformProvider;
}

/**
 * The spokes as ONE service-managed CloudFormation StackSet (issue 15), in the management account
 * or a delegated administrator: the template of core/spoke-template.ts, auto-deployment on (an
 * account that joins a target OU, or a nested OU of one, gets the spoke; one that leaves loses it),
 * and a stack instance group per configured region over the target OUs, minus the accounts that
 * Terraform already covers (account_filter_type DIFFERENCE). Also the read-only role the hub's
 * coverage sweep assumes to list the accounts of those OUs.
 *
 * AWS and provider behaviour this handles:
 * - service-managed sets never deploy to the management account, and DIFFERENCE excludes the listed
 *   accounts from the OUs' (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeploymentTargets.html);
 * - auto-deployment adds instances for accounts that join a target OU and removes them for accounts
 *   that leave (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_AutoDeployment.html);
 * - the provider plans a permanent diff on administration_role_arn for service-managed sets:
 *   ignored;
 * - parallel operations on one set fail with OperationInProgressException: managed execution
 *   queues conflicting operations
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ManagedExecution.html),
 *   and the instance resources are chained with depends_on besides, so Terraform never starts two.
 */
export class SpokeStackSet extends Construct {
  public readonly stackSetName: string;
  public readonly orgReadRoleArn: string;
  /** region -> instance resource */
  public readonly instances: Record<string, CloudformationStackSetInstance> = {};

  constructor(scope: Construct, id: string, props: SpokeStackSetProps) {
    super(scope, id);
    if (props.regions.length === 0) throw check.error('regions', 'at least one region');
    if (props.organizationalUnitIds.length === 0) throw check.error('organizationalUnitIds', 'at least one OU');
    const set = this.stackSet(props);
    this.stackInstances(props, set);
    const readRole = this.orgReadRole(props);
    this.stackSetName = set.name;
    this.orgReadRoleArn = readRole.arn;
  }

  /** The set: the spoke template, service-managed, auto-deployed to the target OUs. */
  private stackSet(props: SpokeStackSetProps): CloudformationStackSet {
    const template = spokeTemplate({
      namePrefix: props.namePrefix,
      hubRegion: props.hubRegion,
      deadLetterAlarm: props.deadLetterAlarm,
      ...(props.heartbeatSchedule !== undefined ? { heartbeatSchedule: props.heartbeatSchedule } : {}),
    });
    return new CloudformationStackSet(this, 'set', {
      provider: props.provider,
      name: stackSetName(props.namePrefix),
      description: 'rootwatch spokes: forward root CloudTrail events of every account of the target OUs, in every configured region, to the hub bus',
      permissionModel: 'SERVICE_MANAGED',
      callAs: props.callAs,
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      managedExecution: { active: true },
      capabilities: ['CAPABILITY_NAMED_IAM'],
      operationPreferences: operationPreferences(props),
      parameters: { [HUB_ACCOUNT_PARAMETER]: props.hubAccountId },
      // `${AWS::Region}` of Fn::Sub is CloudFormation's, not Terraform's: `$${` keeps it literal
      templateBody: JSON.stringify(template).replace(/\$\{/g, () => '$${'),
      lifecycle: { ignoreChanges: ['administration_role_arn'] },
    });
  }

  /** An instance group per region over the target OUs minus the excluded accounts, chained so Terraform never starts two. */
  private stackInstances(props: SpokeStackSetProps, set: CloudformationStackSet): void {
    let previous: CloudformationStackSetInstance | undefined;
    for (const region of props.regions) {
      const instance: CloudformationStackSetInstance = new CloudformationStackSetInstance(this, `instance-${region}`, {
        provider: props.provider,
        stackSetName: set.name,
        callAs: props.callAs,
        region,
        deploymentTargets: {
          organizationalUnitIds: [...props.organizationalUnitIds],
          accountFilterType: 'DIFFERENCE',
          accounts: [...props.excludedAccountIds],
        },
        retainStack: false,
        operationPreferences: operationPreferences(props),
        ...(previous ? { dependsOn: [previous] } : {}),
      });
      this.instances[region] = instance;
      previous = instance;
    }
  }

  /** The role the hub's coverage sweep assumes to list the accounts of the target OUs (and nested OUs). */
  private orgReadRole(props: SpokeStackSetProps): IamRole {
    const { partition, hubAccountId } = props;
    const readRole = new IamRole(this, 'org-read-role', {
      provider: props.provider,
      name: orgReadRoleName(props.namePrefix),
      description: 'rootwatch: lets the hub notifier list the accounts of the stack set target OUs (coverage of accounts nobody listed)',
      assumeRolePolicy: policyDocument([{
        Sid: 'HubNotifierOnly',
        Effect: 'Allow',
        Principal: { AWS: accountRootArn(partition, hubAccountId) },
        Action: 'sts:AssumeRole',
        Condition: { ArnLike: { 'aws:PrincipalArn': iamArn(partition, hubAccountId, `role/${rolePrefix(props.namePrefix, 'notifier')}*`) } },
      }]),
    });
    new IamRolePolicy(this, 'org-read-policy', {
      provider: props.provider,
      name: 'list-target-ou-accounts',
      role: readRole.id,
      // Organizations list actions support no resource-level scoping for these calls beyond the parent;
      // read-only, no write action.
      policy: policyDocument([{
        Sid: 'ListOuAccounts',
        Effect: 'Allow',
        Action: ['organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent', 'organizations:ListChildren'],
        Resource: '*',
      }]),
    });
    return readRole;
  }
}

const check = propChecks('SpokeStackSet');

function operationPreferences(props: SpokeStackSetProps) {
  const op = props.operationPreferences;
  return {
    maxConcurrentPercentage: op.maxConcurrentPercentage,
    failureTolerancePercentage: op.failureTolerancePercentage,
    regionConcurrencyType: op.regionConcurrencyType,
  };
}
