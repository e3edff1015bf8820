/**
 * Coverage of accounts nobody listed (issue 15): in stackset mode the hub learns the expected
 * accounts from AWS Organizations, not from the config. The accounts of the stack set's target OUs
 * AND of every OU nested below them (auto-deployment covers nested OUs, while
 * ListAccountsForParent returns direct children only:
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccountsForParent.html), so
 * the OU tree is walked with ListOrganizationalUnitsForParent
 * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListOrganizationalUnitsForParent.html).
 * Only ACTIVE accounts are expected (`State`; `Status` before AWS retires it on 2026-09-09).
 * Pure: the two list calls come in as functions (lambdas/org-accounts.ts calls AWS; tests and
 * `simulate` pass exports).
 */
import type { ExpectedAccount } from './coverage';

/** What the hub module writes into the ledger for the sweep (pk `#organization`). */
export interface OrgSource {
  /** role in the management account or delegated admin that may list the OUs' accounts */
  readonly roleArn: string;
  readonly ouIds: readonly string[];
  /** regions every stack set account is expected to heartbeat from */
  readonly regions: readonly string[];
}

export interface OrgLister {
  /** direct child OUs of a root or OU (all pages) */
  childOus(parentId: string): Promise<string[]>;
  /** direct child accounts of a root or OU (all pages), with State/Status */
  accounts(parentId: string): Promise<Array<{ Id?: string; Name?: string; State?: string; Status?: string }>>;
}

/** Organizations nests OUs at most five levels below the root (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html). */
const MAX_OU_DEPTH = 5;
/** An upper bound on OUs walked per sweep (a loop in a broken lister must end). */
const MAX_OUS = 2000;

const OU_OR_ROOT = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;
const ACCOUNT = /^[0-9]{12}$/;

/** Parse the stored source (JSON text); a one-line problem when it is not one. */
export function parseOrgSource(text: unknown): OrgSource | string {
  let o: unknown;
  try {
    o = typeof text === 'string' ? JSON.parse(text) : undefined;
  } catch {
    o = undefined;
  }
  const s = (o ?? {}) as Record<string, unknown>;
  if (typeof s.roleArn !== 'string' || !/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/.+$/.test(s.roleArn)) return 'roleArn: must be an IAM role ARN';
  if (!Array.isArray(s.ouIds) || s.ouIds.length === 0 || !s.ouIds.every((x) => typeof x === 'string' && OU_OR_ROOT.test(x))) return 'ouIds: must list OU or root IDs';
  if (!Array.isArray(s.regions) || s.regions.length === 0 || !s.regions.every((x) => typeof x === 'string')) return 'regions: must list regions';
  return { roleArn: s.roleArn, ouIds: s.ouIds as string[], regions: s.regions as string[] };
}

/** The ACTIVE accounts below the source's OUs (nested OUs included), each with the source's regions. */
export async function organizationAccounts(source: OrgSource, lister: OrgLister): Promise<ExpectedAccount[]> {
  const found = new Map<string, ExpectedAccount>();
  const seen = new Set<string>();
  let level = [...source.ouIds];
  for (let depth = 0; level.length > 0 && depth <= MAX_OU_DEPTH; depth++) {
    const next: string[] = [];
    for (const ou of level) {
      if (seen.has(ou)) continue;
      seen.add(ou);
      if (seen.size > MAX_OUS) throw new Error(`organization walk: more than ${MAX_OUS} OUs below ${source.ouIds.join(', ')}`);
      for (const a of await lister.accounts(ou)) {
        const state = a.State ?? a.Status;
        if (typeof a.Id !== 'string' || !ACCOUNT.test(a.Id) || state !== 'ACTIVE' || found.has(a.Id)) continue;
        found.set(a.Id, { account: a.Id, regions: [...source.regions], ...(typeof a.Name === 'string' ? { name: a.Name } : {}) });
      }
      next.push(...(await lister.childOus(ou)));
    }
    level = next;
  }
  return [...found.values()];
}

/** The expected set plus the organization's accounts not already in it (a listed account keeps its own regions and name). */
export function withOrganizationAccounts(expected: readonly ExpectedAccount[], org: readonly ExpectedAccount[]): { accounts: ExpectedAccount[]; discovered: Set<string> } {
  const have = new Set(expected.map((a) => a.account));
  const discovered = new Set<string>();
  const accounts = [...expected];
  for (const a of org) {
    if (have.has(a.account)) continue;
    have.add(a.account);
    discovered.add(a.account);
    accounts.push(a);
  }
  return { accounts, discovered };
}
