/**
 * The apply-time limits of core/limits.ts over `terraform show -json` of a real plan: the same
 * table synth checks, on the values Terraform will send. Values unknown at plan time are absent
 * from `planned_values` (a plan omits whole maps that hold one, e.g. a Lambda environment with a
 * topic ARN), so the validation lane also measures the synthesized configuration beside the plan
 * (`checkPlanLimits(plan, tfJson)`), where such values are references measured at their estimate.
 */
import { flattenCompositions } from '../cli/check-limits';
import { checkLimits, describeViolation, LimitViolation, resourcesOfRoot, resourcesOfTerraformJson, TfResource } from '../core/limits';
import { Plan, plannedResources, providerRegionOf } from './plan-checks';

/** Planned resources with the region of their provider (root and child modules). */
export function resourcesOfPlan(plan: Plan): TfResource[] {
  const regionOf = providerRegionOf(plan);
  return plannedResources(plan).map((r) => {
    const region = regionOf(r.address);
    return { address: r.address, type: r.type, values: r.values ?? {}, ...(typeof region === 'string' ? { region } : {}) };
  });
}

/**
 * Every limit over the plan, plus (when given) the synthesized configuration the plan came from,
 * for the values the plan cannot show. A violation found in both is reported once.
 */
export function checkPlanLimits(plan: Plan, tfJson?: unknown, loadModule?: (source: string) => unknown): string[] {
  const found: LimitViolation[] = checkLimits(resourcesOfPlan(plan));
  if (tfJson !== undefined) {
    const seen = new Set(found.map((v) => v.limitId));
    // A root's module calls are measured with their inputs put in when the modules can be read.
    const resources = loadModule ? resourcesOfRoot(flattenCompositions(tfJson, loadModule), loadModule) : resourcesOfTerraformJson(tfJson);
    found.push(...checkLimits(resources).filter((v) => !seen.has(v.limitId)));
  }
  return found.map((v) => `${v.field}: ${describeViolation(v)}`);
}

/** CLI: `node plan-checks-limits.js plan.json [cdk.tf.json]`, exit 1 on problems. */
if (require.main === module) {
  const fs = require('fs') as typeof import('fs');
  const [file, tf] = process.argv.slice(2);
  if (!file) {
    console.error('usage: plan-checks-limits <plan.json> [configuration.tf.json]');
    process.exit(2);
  }
  const problems = checkPlanLimits(JSON.parse(fs.readFileSync(file, 'utf8')) as Plan, tf ? JSON.parse(fs.readFileSync(tf, 'utf8')) : undefined);
  problems.forEach((p) => console.log(`FAIL ${p}`));
  if (problems.length === 0) console.log('ok (limits)');
  process.exit(problems.length ? 1 : 0);
}
