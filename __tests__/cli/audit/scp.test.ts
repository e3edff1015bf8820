import { policyDeniesRoot } from '../../../cli/audit/scp';
import { DENY_ROOT_CONTENT, describePolicyDocExample } from './aws-fixtures';

const doc = (statement: object | object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statement });

describe('policyDeniesRoot', () => {
  it('recognises the deny-root SCP', () => {
    expect(policyDeniesRoot(DENY_ROOT_CONTENT)).toBe(true);
  });

  it('is false for the documented Allow * example', () => {
    expect(policyDeniesRoot(describePolicyDocExample.Policy.Content)).toBe(false);
  });

  it('accepts ArnLike with a single string, a single statement object and a concrete account', () => {
    expect(
      policyDeniesRoot(
        doc({ Effect: 'Deny', Action: '*', Resource: '*', Condition: { ArnLike: { 'aws:PrincipalARN': 'arn:aws:iam::111122223333:root' } } }),
      ),
    ).toBe(true);
  });

  it('is false for a negative operator (denies everyone but root)', () => {
    expect(
      policyDeniesRoot(doc([{ Effect: 'Deny', Action: '*', Resource: '*', Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' } } }])),
    ).toBe(false);
  });

  it('is false for an Allow on root, a deny on other principals, and garbage', () => {
    expect(policyDeniesRoot(doc([{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' } } }]))).toBe(false);
    expect(policyDeniesRoot(doc([{ Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/x' } } }]))).toBe(false);
    expect(policyDeniesRoot('not json')).toBe(false);
    expect(policyDeniesRoot(undefined)).toBe(false);
  });
});
