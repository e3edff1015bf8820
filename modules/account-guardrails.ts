/**
 * Account-level root guardrails for one monitored account (applied through that account's
 * provider): alternate contacts (so AWS can reach someone other than the root email), the IAM
 * account password policy, and the S3 account-level public access block. Each part is switchable.
 */
import { Construct } from 'constructs';
import { TerraformProvider, Token } from 'cdktf';
import { AccountAlternateContact } from '@cdktf/provider-aws/lib/account-alternate-contact';
import { IamAccountPasswordPolicy } from '@cdktf/provider-aws/lib/iam-account-password-policy';
import { S3AccountPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-account-public-access-block';
import type { ContactConfig } from '../core/config';
import { propChecks } from '../core/validation';

export type AlternateContactType = 'billing' | 'operations' | 'security';
const CONTACT_TYPES: readonly AlternateContactType[] = ['billing', 'operations', 'security'];

export interface PasswordPolicyProps {
  /** Manage the account password policy. @default true */
  readonly enabled?: boolean;
  /** Minimum password length, 14 to 128 (CIS asks for at least 14). @default 14 */
  readonly minimumLength?: number;
  /** Number of previous passwords that cannot be reused, 1 to 24. @default 24 */
  readonly reusePrevention?: number;
  /** Password expiry in days, 1 to 1095; 0 means passwords never expire. @default 0 */
  readonly maxAgeDays?: number;
  /** Let IAM users change their own password. @default true */
  readonly allowUsersToChangePassword?: boolean;
}

export interface AccountRootGuardrailsProps {
  /** rootwatch's name prefix (core/validation.ts NAME_PREFIX_PATTERN; the parts here are account singletons and carry no name). */
  readonly namePrefix: string;
  /** Provider reaching the monitored account. @default the stack's default aws provider */
  readonly provider?: TerraformProvider;
  /** Alternate contacts; each one given is managed, the others are left alone. @default {} */
  readonly alternateContacts?: { readonly [K in AlternateContactType]?: ContactConfig };
  /**
   * IAM account password policy: lowercase, uppercase, numbers and symbols are always required.
   * @default { enabled: true, minimumLength: 14, reusePrevention: 24, maxAgeDays: 0 }
   */
  readonly passwordPolicy?: PasswordPolicyProps;
  /** Account-level S3 public access block with all four settings on. @default true */
  readonly s3PublicAccessBlock?: boolean;
}

// Patterns and limits of the Account Management API (PutAlternateContact).
const EMAIL = /^[\s]*[\w+=.#|!&-]+@[\w.-]+\.[\w]+[\s]*$/;
const PHONE = /^[\s0-9()+-]+$/;

const check = propChecks('AccountRootGuardrails', (v) => Token.isUnresolved(v));

type PasswordSettings = Required<PasswordPolicyProps>;

export class AccountRootGuardrails extends Construct {
  /** IDs of the managed alternate contacts, by type. */
  public readonly alternateContactIds: { readonly [K in AlternateContactType]?: string };
  /** ID of the password policy (undefined when disabled). */
  public readonly passwordPolicyId?: string;
  /** ID of the S3 account public access block (undefined when disabled). */
  public readonly s3PublicAccessBlockId?: string;

  constructor(scope: Construct, id: string, props: AccountRootGuardrailsProps) {
    super(scope, id);
    const contacts = props.alternateContacts ?? {};
    const pw = passwordSettings(props.passwordPolicy);
    check.namePrefix('namePrefix', props.namePrefix);
    checkContacts(contacts);
    if (pw.enabled) checkPasswordPolicy(pw);

    this.alternateContactIds = this.alternateContacts(contacts, props.provider);
    if (pw.enabled) this.passwordPolicyId = this.passwordPolicy(pw, props.provider).id;
    if (props.s3PublicAccessBlock ?? true) {
      this.s3PublicAccessBlockId = new S3AccountPublicAccessBlock(this, 's3-public-access-block', {
        provider: props.provider,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      }).id;
    }
  }

  private alternateContacts(contacts: NonNullable<AccountRootGuardrailsProps['alternateContacts']>, provider: TerraformProvider | undefined): { [K in AlternateContactType]?: string } {
    const ids: { [K in AlternateContactType]?: string } = {};
    for (const type of CONTACT_TYPES) {
      const c = contacts[type];
      if (!c) continue;
      ids[type] = new AccountAlternateContact(this, `alternate-contact-${type}`, {
        provider,
        alternateContactType: type.toUpperCase(),
        name: c.name,
        title: c.title,
        emailAddress: c.email,
        phoneNumber: c.phone,
      }).id;
    }
    return ids;
  }

  /** Lowercase, uppercase, numbers and symbols always required. */
  private passwordPolicy(pw: PasswordSettings, provider: TerraformProvider | undefined): IamAccountPasswordPolicy {
    return new IamAccountPasswordPolicy(this, 'password-policy', {
      provider,
      minimumPasswordLength: pw.minimumLength,
      passwordReusePrevention: pw.reusePrevention,
      requireLowercaseCharacters: true,
      requireUppercaseCharacters: true,
      requireNumbers: true,
      requireSymbols: true,
      allowUsersToChangePassword: pw.allowUsersToChangePassword,
      ...(pw.maxAgeDays > 0 ? { maxPasswordAge: pw.maxAgeDays } : {}),
    });
  }
}

function passwordSettings(pw: PasswordPolicyProps | undefined): PasswordSettings {
  return {
    enabled: pw?.enabled ?? true,
    minimumLength: pw?.minimumLength ?? 14,
    reusePrevention: pw?.reusePrevention ?? 24,
    maxAgeDays: pw?.maxAgeDays ?? 0,
    allowUsersToChangePassword: pw?.allowUsersToChangePassword ?? true,
  };
}

function checkPasswordPolicy(pw: PasswordSettings): void {
  check.int('passwordPolicy.minimumLength', pw.minimumLength, 14, 128);
  check.int('passwordPolicy.reusePrevention', pw.reusePrevention, 1, 24);
  if (pw.maxAgeDays !== 0) check.int('passwordPolicy.maxAgeDays', pw.maxAgeDays, 1, 1095, ' (or 0 for no expiry)');
}

function checkContacts(contacts: NonNullable<AccountRootGuardrailsProps['alternateContacts']>): void {
  for (const key of Object.keys(contacts)) {
    if (!CONTACT_TYPES.includes(key as AlternateContactType)) {
      throw check.error(`alternateContacts.${key}`, `unknown contact type (use ${CONTACT_TYPES.join(', ')})`);
    }
  }
  for (const type of CONTACT_TYPES) {
    const c = contacts[type];
    if (c) checkContact(`alternateContacts.${type}`, c);
  }
}

function checkContact(prop: string, c: ContactConfig): void {
  const field = (name: keyof ContactConfig, max: number, pattern?: RegExp) => {
    const v = c[name];
    if (typeof v === 'string' && Token.isUnresolved(v)) return; // a module variable
    if (typeof v !== 'string' || v.trim() === '') throw check.error(`${prop}.${name}`, 'must not be empty');
    if (v.length > max) throw check.error(`${prop}.${name}`, `at most ${max} characters, not ${v.length}`);
    if (pattern && !pattern.test(v)) throw check.error(`${prop}.${name}`, `${JSON.stringify(v)} is not a valid ${name}`);
  };
  field('name', 64);
  field('title', 50);
  field('email', 254, EMAIL);
  field('phone', 25, PHONE);
}
