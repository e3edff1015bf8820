/**
 * The AWS side of core/org-accounts.ts (issue 15): assume the org-read role the stackset root
 * creates in the management account or delegated administrator, then page through
 * ListOrganizationalUnitsForParent and ListAccountsForParent. Both calls are allowed from the
 * management account and from a member account that is a delegated administrator
 * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccountsForParent.html).
 * The clients are injected (tests use aws-sdk-client-mock); `call` bounds each request.
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import {
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  OrganizationsClient,
  type OrganizationsClientConfig,
} from '@aws-sdk/client-organizations';
import { ExpectedAccount } from '../core/coverage';
import { OrgSource, organizationAccounts } from '../core/org-accounts';

/** Pages per list call (20 accounts a page: 10,000 accounts below one OU). */
const MAX_PAGES = 500;

export interface OrgClients {
  readonly sts: STSClient;
  /** an Organizations client with the assumed role's credentials */
  organizations(config: OrganizationsClientConfig): OrganizationsClient;
  /** bounds one AWS call @default no bound */
  call?<T>(what: string, fn: (abortSignal?: AbortSignal) => Promise<T>): Promise<T>;
}

export async function listOrganizationAccounts(source: OrgSource, clients: OrgClients): Promise<ExpectedAccount[]> {
  const call = clients.call ?? (<T>(_what: string, fn: (s?: AbortSignal) => Promise<T>) => fn());
  const assumed = await call('STS AssumeRole', (abortSignal) =>
    clients.sts.send(new AssumeRoleCommand({ RoleArn: source.roleArn, RoleSessionName: 'rootwatch-coverage', DurationSeconds: 900 }), { abortSignal }),
  );
  const c = assumed.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole ${source.roleArn}: no credentials returned`);
  // Organizations has one endpoint (us-east-1) in the aws partition
  const org = clients.organizations({ region: 'us-east-1', credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken } });
  const pages = async <T>(what: string, page: (token: string | undefined, s?: AbortSignal) => Promise<{ items: T[]; next?: string }>): Promise<T[]> => {
    const out: T[] = [];
    let token: string | undefined;
    for (let i = 0; i < MAX_PAGES; i++) {
      const r = await call(what, (s) => page(token, s));
      out.push(...r.items);
      token = r.next;
      if (!token) return out;
    }
    throw new Error(`${what}: more than ${MAX_PAGES} pages`);
  };
  return organizationAccounts(source, {
    childOus: (parentId) =>
      pages('Organizations ListOrganizationalUnitsForParent', async (token, abortSignal) => {
        const r = await org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: parentId, NextToken: token }), { abortSignal });
        return { items: (r.OrganizationalUnits ?? []).map((u) => u.Id).filter((id): id is string => typeof id === 'string'), next: r.NextToken };
      }),
    accounts: (parentId) =>
      pages('Organizations ListAccountsForParent', async (token, abortSignal) => {
        const r = await org.send(new ListAccountsForParentCommand({ ParentId: parentId, NextToken: token }), { abortSignal });
        // State replaces Status (retired 2026-09-09); read both, State wins
        return { items: (r.Accounts ?? []).map((a) => ({ Id: a.Id, Name: a.Name, State: (a as { State?: string }).State, Status: a.Status })), next: r.NextToken };
      }),
  });
}
