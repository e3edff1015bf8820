import { Construct } from 'constructs';
import { TerraformProvider } from 'cdktf';
import { RootwatchConfig } from '../core/config';
import { AccountRootGuardrails } from '../modules/account-guardrails';
import { HardenedTrail } from '../modules/hardened-trail';

/** Account-level guardrails, shared by hub and spoke stacks (same config for every account). */
export function accountGuardrails(
  stack: Construct,
  config: RootwatchConfig,
  accountId: string,
  region: string,
  partition: string,
  provider: TerraformProvider,
): void {
  const g = config.accountGuardrails;
  new AccountRootGuardrails(stack, 'guardrails', {
    namePrefix: config.namePrefix,
    provider,
    alternateContacts: g.alternateContacts,
    passwordPolicy: g.passwordPolicy,
    s3PublicAccessBlock: g.s3PublicAccessBlock,
  });
  if (g.trail.enabled) {
    new HardenedTrail(stack, 'trail', {
      namePrefix: config.namePrefix,
      provider,
      accountId,
      region,
      partition,
      logRetentionDays: g.trail.logRetentionDays,
      transitionToGlacierDays: g.trail.transitionToGlacierDays,
      ...(g.trail.objectLockDays === undefined ? {} : { objectLockDays: g.trail.objectLockDays }),
    });
  }
}
