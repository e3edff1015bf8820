import { Construct } from 'constructs';
import { CloudwatchEventBus } from '@cdktf/provider-aws/lib/cloudwatch-event-bus';
import { CloudwatchEventBusPolicy } from '@cdktf/provider-aws/lib/cloudwatch-event-bus-policy';
import { accountRootArn, arnOf, ArnScope, iamArn, policyDocument, rolePrefix } from './iam';
import { hubBusName } from '../core/patterns';
import { MAX_LISTED_SPOKES } from '../core/config';
import { propChecks } from '../core/validation';

export interface HubEventBusProps {
  readonly namePrefix: string;
  /** Accounts allowed to put events (ignored when `organizationId` is set). @default [] */
  readonly monitoredAccountIds?: readonly string[];
  /** When set, every account of this organization may put events (aws:PrincipalOrgID). */
  readonly organizationId?: string;
  readonly scope: ArnScope;
}

/** EventBridge bus policies are limited to 10 KB; beyond this many accounts use the organization. */
export const MAX_LISTED_ACCOUNTS = MAX_LISTED_SPOKES;

export { hubBusName };

/** The hub bus ARN from its parts: spokes can target it before (and without) reading hub state. */
export function hubBusArnOf(namePrefix: string, hub: ArnScope): string {
  return arnOf(hub, 'events', `event-bus/${hubBusName(namePrefix)}`);
}

/** `aws:PrincipalArn` pattern of rootwatch's forwarding roles (any account; the org/account condition narrows it). */
function forwarderRoleArnPattern(namePrefix: string, partition: string): string {
  return iamArn(partition, '*', `role/${rolePrefix(namePrefix, 'forward')}*`);
}

const check = propChecks('HubEventBus');

/**
 * The central bus in the hub account. Its resource policy admits only events:PutEvents, only from
 * the monitored accounts (or the organization), and only by rootwatch's forwarding roles
 * (`aws:PrincipalArn`, which for an assumed-role session is the role's ARN:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn):
 * another role of a monitored account cannot put forged events on the hub bus.
 */
export class HubEventBus extends Construct {
  public readonly busName: string;
  public readonly busArn: string;

  constructor(scope: Construct, id: string, props: HubEventBusProps) {
    super(scope, id);
    const accounts = [...new Set(props.monitoredAccountIds ?? [])].sort();
    if (!props.organizationId && accounts.length === 0) {
      throw check.error('monitoredAccountIds', 'name at least one account, or set organizationId');
    }
    if (!props.organizationId && accounts.length > MAX_LISTED_ACCOUNTS) {
      throw check.error('monitoredAccountIds', `more than ${MAX_LISTED_ACCOUNTS} accounts do not fit an event bus policy; set organizationId`);
    }
    const bus = new CloudwatchEventBus(this, 'bus', { name: hubBusName(props.namePrefix) });
    const busArn = hubBusArnOf(props.namePrefix, props.scope);
    const forwarders = { ArnLike: { 'aws:PrincipalArn': forwarderRoleArnPattern(props.namePrefix, props.scope.partition) } };
    const statement = props.organizationId
      ? {
          Sid: 'OrganizationForwardersPutEvents',
          Effect: 'Allow' as const,
          Principal: '*',
          Action: 'events:PutEvents',
          Resource: busArn,
          Condition: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId }, ...forwarders },
        }
      : {
          Sid: 'MonitoredForwardersPutEvents',
          Effect: 'Allow' as const,
          Principal: { AWS: accounts.map((a) => accountRootArn(props.scope.partition, a)) },
          Action: 'events:PutEvents',
          Resource: busArn,
          Condition: forwarders,
        };
    new CloudwatchEventBusPolicy(this, 'policy', { eventBusName: bus.name, policy: policyDocument([statement]) });
    this.busName = bus.name;
    this.busArn = bus.arn;
  }
}
