/**
 * Plan checks of the stackset root (issue 15), over `terraform show -json`: the spoke stack set is
 * service-managed with auto-deployment on, every configured region has a stack instance over the
 * target OUs with the hub excluded, and every target of the template points at the hub bus in the
 * hub region; the template passes scripts/cfn-template-check.ts.
 */
import { Plan, plannedResources } from './plan-checks';
import { checkTemplate } from './cfn-template-check';

export interface StackSetExpectation {
  readonly regions: readonly string[];
  readonly hubRegion: string;
  readonly hubAccountId: string;
  readonly busName: string;
  readonly organizationalUnitIds: readonly string[];
}

export function checkStackSet(plan: Plan, e: StackSetExpectation): string[] {
  const problems: string[] = [];
  const sets = plannedResources(plan, 'aws_cloudformation_stack_set');
  if (sets.length !== 1) return [`stackset: expected one aws_cloudformation_stack_set, found ${sets.length}`];
  const set = sets[0];
  const v = set.values;
  if (v.permission_model !== 'SERVICE_MANAGED') problems.push(`${set.address}: permission_model is ${String(v.permission_model)}, not SERVICE_MANAGED`);
  const auto = (v.auto_deployment as Array<{ enabled?: boolean }> | undefined)?.[0];
  if (auto?.enabled !== true) problems.push(`${set.address}: auto_deployment is not enabled (new accounts of the OUs would stay unwatched)`);
  let template: { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>; Parameters?: unknown } | undefined;
  try {
    template = JSON.parse(String(v.template_body));
  } catch {
    problems.push(`${set.address}: template_body is not JSON`);
  }
  if (template) {
    problems.push(...checkTemplate(template).map((p) => `${set.address}: template ${p}`));
    const hubAccount = (v.parameters as Record<string, string> | undefined)?.HubAccountId;
    if (hubAccount !== e.hubAccountId) problems.push(`${set.address}: parameter HubAccountId is ${String(hubAccount)}, not the hub ${e.hubAccountId}`);
    const want = `arn:\${AWS::Partition}:events:${e.hubRegion}:\${HubAccountId}:event-bus/${e.busName}`;
    let targets = 0;
    for (const [id, r] of Object.entries(template.Resources ?? {})) {
      if (r.Type !== 'AWS::Events::Rule') continue;
      for (const t of (r.Properties?.Targets as Array<{ Arn?: unknown }> | undefined) ?? []) {
        targets++;
        const arn = (t.Arn as { 'Fn::Sub'?: string } | undefined)?.['Fn::Sub'];
        if (arn !== want) problems.push(`${set.address}: template ${id} targets ${JSON.stringify(t.Arn)}, not the hub bus ${want}`);
      }
    }
    if (targets === 0) problems.push(`${set.address}: the template has no rule target`);
  }
  const instances = plannedResources(plan, 'aws_cloudformation_stack_set_instance');
  for (const region of e.regions) {
    const here = instances.filter((i) => i.values.region === region);
    if (here.length !== 1) {
      problems.push(`stackset: ${here.length} stack set instances in ${region} (expected 1)`);
      continue;
    }
    const dt = (here[0].values.deployment_targets as Array<{ organizational_unit_ids?: string[]; account_filter_type?: string; accounts?: string[] }> | undefined)?.[0];
    const ous = [...(dt?.organizational_unit_ids ?? [])].sort();
    if (JSON.stringify(ous) !== JSON.stringify([...e.organizationalUnitIds].sort())) problems.push(`${here[0].address}: targets ${ous.join(', ')}, not ${e.organizationalUnitIds.join(', ')}`);
    if (dt?.account_filter_type !== 'DIFFERENCE' || !(dt.accounts ?? []).includes(e.hubAccountId)) {
      problems.push(`${here[0].address}: the hub account ${e.hubAccountId} is not excluded (account_filter_type DIFFERENCE): it would get a second set of rules`);
    }
  }
  const extra = instances.filter((i) => !e.regions.includes(String(i.values.region)));
  for (const i of extra) problems.push(`${i.address}: instance in ${String(i.values.region)}, which is not a configured region`);
  return problems;
}
