/**
 * The `spokeDelivery: "stackset"` part of the config (issue 15): spokes delivered by one
 * service-managed CloudFormation StackSet over organizational units instead of a Terraform stack
 * per account. Pure: core/config.ts calls `resolveStackSet` with the raw section.
 */
/** An account Terraform reaches (the same shape as core/config.ts's AccountTarget; kept here to avoid an import cycle). */
export interface AccountTarget { accountId: string; assumeRoleArn?: string; externalId?: string }

export type SpokeDelivery = 'stacks' | 'stackset';

export interface RawStackSet {
  organizationalUnitIds: string[];
  managementAccount?: { accountId: string; assumeRoleArn?: string; externalId?: string };
  delegatedAdmin?: { accountId: string; assumeRoleArn?: string; externalId?: string };
  operationPreferences?: { maxConcurrentPercentage?: number; failureTolerancePercentage?: number; regionConcurrencyType?: 'SEQUENTIAL' | 'PARALLEL' };
}

export interface StackSetConfig {
  /** OUs (or the root) the instances target; nested OUs are covered by StackSets itself. */
  readonly organizationalUnitIds: readonly string[];
  /**
   * SELF: the management account deploys; DELEGATED_ADMIN: a registered delegated administrator
   * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-delegated-admin.html).
   */
  readonly callAs: 'SELF' | 'DELEGATED_ADMIN';
  /** The account whose Terraform stack holds the stack set (management account or delegated admin). */
  readonly deployer: AccountTarget;
  /** The management account, when known (never receives instances of a service-managed set). */
  readonly managementAccountId?: string;
  readonly operationPreferences: { readonly maxConcurrentPercentage: number; readonly failureTolerancePercentage: number; readonly regionConcurrencyType: 'SEQUENTIAL' | 'PARALLEL' };
}

/** Defaults: a quarter of the accounts of a region at a time, a tenth may fail, regions in parallel. */
const DEFAULT_OPERATION_PREFERENCES = { maxConcurrentPercentage: 25, failureTolerancePercentage: 10, regionConcurrencyType: 'PARALLEL' } as const;

/** The stack name of the deploying account's root (`cdktf deploy stackset`). */
export const STACKSET_STACK_NAME = 'stackset';

/** The stack set's name: one per deployment (name prefix). */
export function stackSetName(namePrefix: string): string {
  return `${namePrefix}-spokes`;
}

/** The read-only role the hub's coverage sweep assumes in the deploying account to list the OUs' accounts. */
export function orgReadRoleName(namePrefix: string): string {
  return `${namePrefix}-org-read`;
}

export type ProblemAt = (field: string, problem: string) => Error;

/**
 * The resolved section, or an error naming the field. `managementFallback` is
 * guardrails.managementAccount when set.
 */
export function resolveStackSet(
  delivery: SpokeDelivery,
  raw: RawStackSet | undefined,
  ctx: { organizationId?: string; managementFallback?: AccountTarget; problem: ProblemAt },
): StackSetConfig | undefined {
  if (delivery === 'stacks') {
    if (raw !== undefined) throw ctx.problem('stackSet', 'is only read with "spokeDelivery": "stackset" (remove it, or set spokeDelivery)');
    return undefined;
  }
  if (raw === undefined) throw ctx.problem('stackSet', 'is required with "spokeDelivery": "stackset" (list stackSet.organizationalUnitIds)');
  if (!ctx.organizationId) {
    throw ctx.problem('hub.organizationId', 'is required with "spokeDelivery": "stackset": the hub bus must admit accounts nobody listed (aws:PrincipalOrgID)');
  }
  const management = raw.managementAccount ?? ctx.managementFallback;
  if (raw.managementAccount && ctx.managementFallback && raw.managementAccount.accountId !== ctx.managementFallback.accountId) {
    throw ctx.problem('stackSet.managementAccount.accountId', `differs from guardrails.managementAccount.accountId (${ctx.managementFallback.accountId}): an organization has one management account`);
  }
  const deployer = raw.delegatedAdmin ?? management;
  if (!deployer) {
    throw ctx.problem('stackSet.managementAccount', 'is required: a service-managed stack set is deployed from the management account (or set stackSet.delegatedAdmin, or guardrails.managementAccount)');
  }
  if (raw.delegatedAdmin && management && raw.delegatedAdmin.accountId === management.accountId) {
    throw ctx.problem('stackSet.delegatedAdmin.accountId', 'is the management account; a delegated administrator is a member account (leave delegatedAdmin out to deploy from the management account)');
  }
  const op = raw.operationPreferences ?? {};
  const target: AccountTarget = { accountId: deployer.accountId };
  if (deployer.assumeRoleArn !== undefined) target.assumeRoleArn = deployer.assumeRoleArn;
  if (deployer.externalId !== undefined) target.externalId = deployer.externalId;
  return {
    organizationalUnitIds: [...raw.organizationalUnitIds],
    callAs: raw.delegatedAdmin ? 'DELEGATED_ADMIN' : 'SELF',
    deployer: target,
    ...(management ? { managementAccountId: management.accountId } : {}),
    operationPreferences: {
      maxConcurrentPercentage: op.maxConcurrentPercentage ?? DEFAULT_OPERATION_PREFERENCES.maxConcurrentPercentage,
      failureTolerancePercentage: op.failureTolerancePercentage ?? DEFAULT_OPERATION_PREFERENCES.failureTolerancePercentage,
      regionConcurrencyType: op.regionConcurrencyType ?? DEFAULT_OPERATION_PREFERENCES.regionConcurrencyType,
    },
  };
}
