/**
 * Expected-use windows (modules/expected-use-table.ts) proven over `terraform show -json`: the
 * declarer's write permission is bound to `${aws:userid}` as IAM sees it (Terraform renders the
 * escaped `$${aws:userid}` to the literal variable), and the table denies writes to everyone else.
 */
import { Plan, plannedResources, statementsOf } from './plan-checks';

export function checkExpectedUseBinding(plan: Plan): string[] {
  const tables = plannedResources(plan, 'aws_dynamodb_table').filter((t) => String(t.values.name ?? '').endsWith('-expected-use'));
  if (tables.length === 0) return [];
  const problems: string[] = [];
  const policies = plannedResources(plan, 'aws_iam_role_policy').filter((p) => p.values.name === 'declare-expected-use');
  if (policies.length !== tables.length) problems.push(`expected-use: ${tables.length} table(s) but ${policies.length} declarer policies`);
  for (const p of policies) {
    const writes = statementsOf(p.values.policy).filter((s) => s.Effect === 'Allow' && [s.Action].flat().some((a) => a === 'dynamodb:PutItem' || a === 'dynamodb:UpdateItem'));
    if (writes.length === 0) problems.push(`${p.address}: the declarer cannot write windows`);
    for (const s of writes) {
      const keys = s.Condition?.['ForAllValues:StringEquals']?.['dynamodb:LeadingKeys'];
      if (JSON.stringify(keys) !== JSON.stringify(['${aws:userid}'])) problems.push(`${p.address}: writes are not bound to the caller (dynamodb:LeadingKeys is ${JSON.stringify(keys)})`);
    }
  }
  const resourcePolicies = plannedResources(plan, 'aws_dynamodb_resource_policy');
  if (resourcePolicies.length < tables.length) problems.push('expected-use: the table has no resource policy denying other writers');
  for (const rp of resourcePolicies) {
    const deny = statementsOf(rp.values.policy).find((s) => s.Effect === 'Deny' && [s.Action].flat().includes('dynamodb:PutItem'));
    const allowedWriter = deny?.Condition?.ArnNotLike?.['aws:PrincipalArn'];
    if (typeof allowedWriter !== 'string' || !/:role\/[^/*]+-expect-declarer-\*$/.test(allowedWriter)) problems.push(`${rp.address}: writes are not limited to the declarer role`);
  }
  return problems;
}
