/**
 * Security properties proven over `terraform show -json` of real plans. Pure functions: each
 * returns the problems it found (empty: the property holds).
 */

/** The parts of `terraform show -json` the checks read (loose on purpose). */
export interface PlannedResource {
  address: string;
  type: string;
  name?: string;
  /** `managed` (default) or `data` */
  mode?: string;
  values: Record<string, unknown>;
}
export interface PlanModule {
  address?: string;
  resources?: PlannedResource[];
  child_modules?: PlanModule[];
}
export interface ResourceChange { address: string; type?: string; change?: { actions?: string[]; importing?: { id?: string }; after_unknown?: Record<string, unknown> } }
export interface ConfigResource {
  address: string;
  type?: string;
  provider_config_key?: string;
  expressions?: Record<string, unknown>;
}
export interface ConfigModule {
  resources?: ConfigResource[];
  module_calls?: Record<string, { module?: ConfigModule }>;
}
export interface Plan {
  planned_values?: { root_module?: PlanModule };
  resource_changes?: ResourceChange[];
  configuration?: {
    provider_config?: Record<string, { expressions?: { region?: { constant_value?: unknown } } }>;
    root_module?: ConfigModule;
  };
}

/** Every managed resource in the plan (root and child modules), optionally of one type. */
export function plannedResources(plan: Plan, type?: string): PlannedResource[] {
  const out: PlannedResource[] = [];
  const walk = (m: PlanModule | undefined) => {
    if (!m) return;
    for (const r of m.resources ?? []) {
      if ((r.mode ?? 'managed') === 'managed' && (type === undefined || r.type === type)) out.push(r);
    }
    (m.child_modules ?? []).forEach(walk);
  };
  walk(plan.planned_values?.root_module);
  return out;
}

/** Is `attr` of the resource set to a value only known after apply (a reference)? */
function unknownAfterApply(plan: Plan, address: string, attr: string): boolean {
  const rc = plan.resource_changes?.find((c) => c.address === address);
  return rc?.change?.after_unknown?.[attr] === true;
}

/** Attributes that hold IAM-style policy documents, per resource type. */
const POLICY_ATTRIBUTES: Record<string, string[]> = {
  aws_iam_role: ['assume_role_policy'],
  aws_iam_role_policy: ['policy'],
  aws_iam_policy: ['policy'],
  aws_sns_topic_policy: ['policy'],
  aws_sqs_queue_policy: ['policy'],
  aws_cloudwatch_event_bus_policy: ['policy'],
  aws_s3_bucket_policy: ['policy'],
  aws_kms_key: ['policy'],
  aws_organizations_policy: ['content'],
};

interface Statement { Sid?: string; Effect?: string; Action?: unknown; NotAction?: unknown; Principal?: unknown; Condition?: Record<string, Record<string, unknown>> }

export function statementsOf(policy: unknown): Statement[] {
  if (typeof policy !== 'string') return [];
  const doc = JSON.parse(policy) as { Statement?: Statement | Statement[] };
  return Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/**
 * No Allow statement grants every action (`*`), and no policy is hidden from review (unknown at
 * plan time). Deny statements with `*` (SCPs) are fine.
 */
export function checkNoWildcardActions(plan: Plan): string[] {
  const problems: string[] = [];
  for (const r of plannedResources(plan)) {
    for (const attr of POLICY_ATTRIBUTES[r.type] ?? []) {
      const policy = r.values[attr];
      if (policy === undefined || policy === null) {
        if (unknownAfterApply(plan, r.address, attr)) problems.push(`${r.address}.${attr}: unknown at plan time, cannot be reviewed`);
        continue;
      }
      for (const s of statementsOf(policy)) {
        if (s.Effect !== 'Allow') continue;
        if (list(s.Action).some((a) => a === '*' || a === '*:*')) problems.push(`${r.address}.${attr}: statement ${s.Sid ?? '(no Sid)'} allows Action "*"`);
        if (s.NotAction !== undefined) problems.push(`${r.address}.${attr}: statement ${s.Sid ?? '(no Sid)'} allows NotAction`);
      }
    }
  }
  return problems;
}

/** The hub bus admits only the configured accounts, or only the configured organization. */
export function checkBusPolicy(plan: Plan, expected: { accounts: string[]; organizationId?: string }): string[] {
  const problems: string[] = [];
  const allowed = new Set(expected.accounts);
  for (const r of plannedResources(plan).filter((x) => x.type === 'aws_cloudwatch_event_bus_policy')) {
    for (const s of statementsOf(r.values.policy)) {
      if (s.Effect !== 'Allow') continue;
      const actions = list(s.Action);
      if (actions.some((a) => a !== 'events:PutEvents')) problems.push(`${r.address}: allows ${actions.join(', ')} (only events:PutEvents expected)`);
      if (s.Principal === '*' || (s.Principal as { AWS?: unknown })?.AWS === '*') {
        const org = s.Condition?.StringEquals?.['aws:PrincipalOrgID'];
        if (!expected.organizationId) problems.push(`${r.address}: admits any principal but no organization is configured`);
        else if (org !== expected.organizationId) problems.push(`${r.address}: admits any principal of organization ${String(org)} (expected ${expected.organizationId})`);
        continue;
      }
      for (const p of list((s.Principal as { AWS?: unknown })?.AWS)) {
        const account = /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(String(p))?.[1] ?? (/^\d{12}$/.test(String(p)) ? String(p) : undefined);
        if (!account || !allowed.has(account)) problems.push(`${r.address}: admits ${String(p)}, which is not a configured account`);
      }
    }
  }
  return problems;
}

/** Every SNS topic and SQS queue is encrypted at rest. */
export function checkEncryption(plan: Plan): string[] {
  const problems: string[] = [];
  for (const r of plannedResources(plan)) {
    const set = (attr: string) => (typeof r.values[attr] === 'string' && r.values[attr] !== '') || unknownAfterApply(plan, r.address, attr);
    if (r.type === 'aws_sns_topic' && !set('kms_master_key_id')) problems.push(`${r.address}: SNS topic is not encrypted (kms_master_key_id)`);
    if (r.type === 'aws_sqs_queue' && r.values.sqs_managed_sse_enabled !== true && !set('kms_master_key_id')) {
      problems.push(`${r.address}: SQS queue is not encrypted (sqs_managed_sse_enabled or kms_master_key_id)`);
    }
  }
  return problems;
}

/** Every Lambda function has its log group `/aws/lambda/<name>` with a retention. */
export function checkLambdaLogGroups(plan: Plan): string[] {
  const resources = plannedResources(plan);
  const retention = new Map<string, unknown>();
  for (const r of resources.filter((x) => x.type === 'aws_cloudwatch_log_group')) retention.set(String(r.values.name), r.values.retention_in_days);
  const problems: string[] = [];
  for (const fn of resources.filter((x) => x.type === 'aws_lambda_function')) {
    const name = `/aws/lambda/${String(fn.values.function_name)}`;
    const days = retention.get(name);
    if (days === undefined) problems.push(`${fn.address}: no log group ${name}`);
    else if (typeof days !== 'number' || days <= 0) problems.push(`${fn.address}: log group ${name} keeps logs forever (no retention)`);
  }
  return problems;
}


const ALL_MANAGEMENT_EVENTS = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

/** Does an event pattern (JSON text) select the root user, at any depth or inside `$or`? */
export function selectsRoot(patternText: unknown): boolean {
  if (typeof patternText !== 'string') return false;
  const walk = (node: unknown): boolean => {
    if (Array.isArray(node)) return node.some(walk);
    if (!node || typeof node !== 'object') return false;
    const o = node as Record<string, unknown>;
    const type = (o.userIdentity as Record<string, unknown> | undefined)?.type;
    if (Array.isArray(type) && type.includes('Root')) return true;
    return Object.values(o).some(walk);
  };
  return walk(JSON.parse(patternText));
}

/**
 * Every rule that selects root events also receives read-only management events: a rule in plain
 * ENABLED state misses root Describe/List/Get calls (a bug seen in peer tools).
 */
export function checkRootRuleState(plan: Plan): string[] {
  return plannedResources(plan)
    .filter((r) => r.type === 'aws_cloudwatch_event_rule' && selectsRoot(r.values.event_pattern))
    .filter((r) => r.values.state !== ALL_MANAGEMENT_EVENTS)
    .map((r) => `${r.address}: selects root events in state ${String(r.values.state)}, so read-only root calls are missed (${ALL_MANAGEMENT_EVENTS} expected)`);
}

/** Every EventBridge target retries and has a dead-letter queue: no event is dropped silently. */
export function checkTargetsResilient(plan: Plan): string[] {
  const problems: string[] = [];
  for (const t of plannedResources(plan).filter((r) => r.type === 'aws_cloudwatch_event_target')) {
    if (list(t.values.retry_policy).length !== 1) problems.push(`${t.address}: no retry policy`);
    if (list(t.values.dead_letter_config).length !== 1) problems.push(`${t.address}: no dead-letter queue`);
  }
  return problems;
}

/**
 * Every target that is an event bus is THE hub bus, in the hub's region, whatever region the rule
 * runs in (peers forward to "the hub bus in my own region" and lose us-east-1 sign-ins).
 */
export function checkForwardingToHub(plan: Plan, hub: { region: string; busName: string }): string[] {
  const expected = new RegExp(`^arn:aws[a-z-]*:events:${hub.region}:\\d{12}:event-bus/${hub.busName}$`);
  return plannedResources(plan)
    .filter((r) => r.type === 'aws_cloudwatch_event_target' && /:event-bus\//.test(String(r.values.arn ?? '')))
    .filter((r) => !expected.test(String(r.values.arn)))
    .map((r) => `${r.address}: forwards to ${String(r.values.arn)}, not the hub bus ${hub.busName} in ${hub.region}`);
}

/** Regions whose default bus has a root-selecting rule, from the plan's provider configuration. */
export function rootRuleRegions(plan: Plan): string[] {
  const config = plan.configuration;
  const regionOf = (key: string | undefined) => config?.provider_config?.[key ?? 'aws']?.expressions?.region?.constant_value;
  // Resource address (module path included) -> provider configuration; in a plan, module resources
  // name the root's provider configuration they resolve to.
  const keyOf = new Map<string, string | undefined>();
  const walk = (m: ConfigModule | undefined, prefix: string) => {
    for (const r of m?.resources ?? []) keyOf.set(`${prefix}${r.address}`, r.provider_config_key);
    for (const [name, call] of Object.entries(m?.module_calls ?? {})) walk(call.module, `${prefix}module.${name}.`);
  };
  walk(config?.root_module, '');
  const regions = plannedResources(plan)
    .filter((r) => r.type === 'aws_cloudwatch_event_rule' && selectsRoot(r.values.event_pattern) && (r.values.event_bus_name ?? 'default') === 'default')
    .map((r) => String(regionOf(keyOf.get(r.address.replace(/\[[^\]]*\]$/, "")))));
  return [...new Set(regions)].sort();
}

/** Root events are watched in every expected region, us-east-1 (sign-ins, global services) always. */
export function checkRootCoverage(plan: Plan, expectedRegions: readonly string[]): string[] {
  const covered = new Set(rootRuleRegions(plan));
  return [...new Set(['us-east-1', ...expectedRegions])].filter((r) => !covered.has(r)).map((r) => `no root rule on the default bus of ${r}`);
}

/**
 * The region of the provider each planned resource uses (root and child modules), read from the
 * plan's configuration; undefined when it is not a constant. Addresses may carry instance keys.
 */
export function providerRegionOf(plan: Plan): (address: string) => unknown {
  const config = plan.configuration;
  const keys = new Map<string, string | undefined>();
  const walk = (m: ConfigModule | undefined, prefix: string) => {
    for (const r of m?.resources ?? []) keys.set(prefix + r.address, r.provider_config_key);
    for (const [name, call] of Object.entries(m?.module_calls ?? {})) walk(call.module, `${prefix}module.${name}.`);
  };
  walk(config?.root_module, '');
  return (address) => config?.provider_config?.[keys.get(address.replace(/\[[^\]]*\]/g, '')) ?? 'aws']?.expressions?.region?.constant_value;
}
