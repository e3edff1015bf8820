// Brings the types of cdktf's jest matchers (registered at run time by __tests__/setup.ts).
import 'cdktf/lib/testing/adapters/jest';
import { Testing } from 'cdktf';
import { AccountAlternateContact } from '@cdktf/provider-aws/lib/account-alternate-contact';
import { IamAccountPasswordPolicy } from '@cdktf/provider-aws/lib/iam-account-password-policy';
import { S3AccountPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-account-public-access-block';
import { AccountRootGuardrails, AccountRootGuardrailsProps } from '../../modules/account-guardrails';

type Synth = { resource?: Record<string, Record<string, Record<string, unknown>>> };

function synth(props: AccountRootGuardrailsProps): string {
  return Testing.synthScope((scope) => {
    new AccountRootGuardrails(scope, 'acct', props);
  });
}
const resources = (s: string, type: string) => Object.values((JSON.parse(s) as Synth).resource?.[type] ?? {});

const security = { name: 'Sec Team', title: 'CISO', email: 'security@example.com', phone: '+1 (555) 010-0100' };
const billing = { name: 'Billing', title: 'Finance', email: 'billing@example.com', phone: '+44 20 7946 0000' };

describe('AccountRootGuardrails: defaults', () => {
  const out = synth({ namePrefix: 'rw' });

  it('sets a CIS-grade password policy', () => {
    const [policy] = resources(out, 'aws_iam_account_password_policy');
    expect(policy).toEqual({
      minimum_password_length: 14,
      password_reuse_prevention: 24,
      require_lowercase_characters: true,
      require_uppercase_characters: true,
      require_numbers: true,
      require_symbols: true,
      allow_users_to_change_password: true,
    });
  });

  it('blocks S3 public access account-wide', () => {
    expect(out).toHaveResourceWithProperties(S3AccountPublicAccessBlock, {
      block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true,
    });
  });

  it('manages no alternate contact unless given', () => {
    expect(out).not.toHaveResource(AccountAlternateContact);
  });
});

describe('AccountRootGuardrails: alternate contacts', () => {
  it('creates exactly the contacts given, typed in upper case', () => {
    const out = synth({ namePrefix: 'rw', alternateContacts: { security, billing } });
    const contacts = resources(out, 'aws_account_alternate_contact');
    expect(contacts).toHaveLength(2);
    expect(out).toHaveResourceWithProperties(AccountAlternateContact, {
      alternate_contact_type: 'SECURITY', name: 'Sec Team', title: 'CISO', email_address: 'security@example.com', phone_number: '+1 (555) 010-0100',
    });
    expect(out).toHaveResourceWithProperties(AccountAlternateContact, { alternate_contact_type: 'BILLING', email_address: 'billing@example.com' });
    expect(contacts.map((c) => c.alternate_contact_type)).not.toContain('OPERATIONS');
  });

  it('exposes the contact ids by type', () => {
    Testing.synthScope((scope) => {
      const g = new AccountRootGuardrails(scope, 'acct', { namePrefix: 'rw', alternateContacts: { operations: security } });
      expect(Object.keys(g.alternateContactIds)).toEqual(['operations']);
    });
  });
});

describe('AccountRootGuardrails: switches and options', () => {
  it('drops the password policy when disabled', () => {
    const out = synth({ namePrefix: 'rw', passwordPolicy: { enabled: false } });
    expect(out).not.toHaveResource(IamAccountPasswordPolicy);
    expect(out).toHaveResource(S3AccountPublicAccessBlock);
  });

  it('drops the S3 public access block when disabled', () => {
    const out = synth({ namePrefix: 'rw', s3PublicAccessBlock: false });
    expect(out).not.toHaveResource(S3AccountPublicAccessBlock);
    expect(out).toHaveResource(IamAccountPasswordPolicy);
  });

  it('applies a configured length, reuse window, expiry and self-service flag', () => {
    const out = synth({ namePrefix: 'rw', passwordPolicy: { minimumLength: 20, reusePrevention: 5, maxAgeDays: 90, allowUsersToChangePassword: false } });
    expect(out).toHaveResourceWithProperties(IamAccountPasswordPolicy, {
      minimum_password_length: 20, password_reuse_prevention: 5, max_password_age: 90, allow_users_to_change_password: false,
    });
  });

  it('exposes ids only for the parts it creates', () => {
    Testing.synthScope((scope) => {
      const off = new AccountRootGuardrails(scope, 'off', { namePrefix: 'rw', passwordPolicy: { enabled: false }, s3PublicAccessBlock: false });
      const on = new AccountRootGuardrails(scope, 'on', { namePrefix: 'rw' });
      expect(off.passwordPolicyId).toBeUndefined();
      expect(off.s3PublicAccessBlockId).toBeUndefined();
      expect(on.passwordPolicyId).toEqual(expect.any(String));
      expect(on.s3PublicAccessBlockId).toEqual(expect.any(String));
    });
  });

  it('is deterministic', () => {
    const props = { namePrefix: 'rw', alternateContacts: { security } };
    expect(synth(props)).toEqual(synth(props));
  });
});

describe('AccountRootGuardrails: validation', () => {
  it.each<[string, AccountRootGuardrailsProps, RegExp]>([
    ['an empty prefix', { namePrefix: '' }, /^AccountRootGuardrails\.namePrefix:/],
    ['a short minimum length', { namePrefix: 'rw', passwordPolicy: { minimumLength: 8 } }, /^AccountRootGuardrails\.passwordPolicy\.minimumLength:/],
    ['a fractional minimum length', { namePrefix: 'rw', passwordPolicy: { minimumLength: 14.5 } }, /^AccountRootGuardrails\.passwordPolicy\.minimumLength:/],
    ['no reuse prevention', { namePrefix: 'rw', passwordPolicy: { reusePrevention: 0 } }, /^AccountRootGuardrails\.passwordPolicy\.reusePrevention:/],
    ['too much reuse prevention', { namePrefix: 'rw', passwordPolicy: { reusePrevention: 25 } }, /^AccountRootGuardrails\.passwordPolicy\.reusePrevention:/],
    ['a too long max age', { namePrefix: 'rw', passwordPolicy: { maxAgeDays: 2000 } }, /^AccountRootGuardrails\.passwordPolicy\.maxAgeDays:/],
    ['a bad contact email', { namePrefix: 'rw', alternateContacts: { security: { ...security, email: 'not-an-email' } } }, /^AccountRootGuardrails\.alternateContacts\.security\.email:/],
    ['a bad contact phone', { namePrefix: 'rw', alternateContacts: { billing: { ...billing, phone: 'call me' } } }, /^AccountRootGuardrails\.alternateContacts\.billing\.phone:/],
    ['an empty contact name', { namePrefix: 'rw', alternateContacts: { operations: { ...security, name: ' ' } } }, /^AccountRootGuardrails\.alternateContacts\.operations\.name:/],
    ['a long contact title', { namePrefix: 'rw', alternateContacts: { security: { ...security, title: 'x'.repeat(51) } } }, /^AccountRootGuardrails\.alternateContacts\.security\.title:/],
    ['an unknown contact type', { namePrefix: 'rw', alternateContacts: { legal: security } as never }, /^AccountRootGuardrails\.alternateContacts\.legal:/],
  ])('rejects %s', (_label, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });

  it('ignores password settings when the policy is disabled', () => {
    expect(() => synth({ namePrefix: 'rw', passwordPolicy: { enabled: false, minimumLength: 8 } })).not.toThrow();
  });
});
