/**
 * AWS quotas that `terraform validate` and `plan` cannot see: the provider accepts the value and the
 * AWS API refuses it at apply time. Each limit carries its documented number and the page that says
 * so, and the config field that makes the generated value grow (what a user changes when it is
 * crossed).
 *
 * Pure: the checks read Terraform resources as plain JSON, either the synthesized configuration
 * (`cdk.tf.json`, where values computed at apply time are `${...}` references) or the planned
 * values of `terraform show -json` (see scripts/plan-checks-limits.ts). A reference is measured at
 * an upper estimate of the value it stands for (see REFERENCE_ESTIMATE), so a synthesized size is
 * never smaller than the size AWS will see.
 */

export type LimitUnit = 'characters' | 'bytes' | 'items';

export interface AwsLimit {
  /** Stable identifier, e.g. `lambda-environment`. */
  readonly id: string;
  /** What is limited, as a reader says it. */
  readonly what: string;
  readonly max: number;
  readonly unit: LimitUnit;
  /** Can the quota be raised through Service Quotas (we check the default either way)? */
  readonly adjustable: boolean;
  /** The AWS documentation page that gives the number. */
  readonly source: string;
  /** Config field that makes the value grow; `(generated)` when nothing in the config does. */
  readonly field: string;
}

const IAM_QUOTAS = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html';
const EVENTBRIDGE_QUOTAS = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html';

/** The size and count limits (names are in NAME_LIMITS). */
export const LIMITS = {
  lambdaEnvironment: {
    id: 'lambda-environment', what: 'Lambda environment variables of one function (all of them, in aggregate)', max: 4096, unit: 'bytes', adjustable: false,
    source: 'https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html', field: 'spokes',
  },
  eventBusPolicy: {
    id: 'event-bus-policy', what: 'EventBridge event bus policy', max: 10240, unit: 'characters', adjustable: true,
    source: EVENTBRIDGE_QUOTAS, field: 'spokes',
  },
  eventPattern: {
    id: 'event-pattern', what: 'EventBridge event pattern', max: 2048, unit: 'characters', adjustable: false,
    source: EVENTBRIDGE_QUOTAS, field: '(generated)',
  },
  targetsPerRule: {
    id: 'targets-per-rule', what: 'targets of one EventBridge rule', max: 5, unit: 'items', adjustable: false,
    source: EVENTBRIDGE_QUOTAS, field: '(generated)',
  },
  rulesPerBus: {
    id: 'rules-per-bus', what: 'rules on one event bus (per account and region; 100 in af-south-1 and eu-south-1)', max: 300, unit: 'items', adjustable: true,
    source: EVENTBRIDGE_QUOTAS, field: '(generated)',
  },
  scpSize: {
    id: 'scp-size', what: 'service control policy document', max: 5120, unit: 'characters', adjustable: false,
    source: 'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html', field: 'guardrails.denyRootScp',
  },
  roleInlinePolicies: {
    id: 'role-inline-policies', what: 'inline policies of one IAM role (aggregate, white space not counted)', max: 10240, unit: 'characters', adjustable: false,
    source: IAM_QUOTAS, field: '(generated)',
  },
  managedPolicy: {
    id: 'managed-policy', what: 'IAM managed policy (white space not counted)', max: 6144, unit: 'characters', adjustable: false,
    source: IAM_QUOTAS, field: '(generated)',
  },
  roleTrustPolicy: {
    id: 'role-trust-policy', what: 'IAM role trust policy (white space not counted)', max: 2048, unit: 'characters', adjustable: true,
    source: IAM_QUOTAS, field: '(generated)',
  },
  kmsKeyPolicy: {
    id: 'kms-key-policy', what: 'KMS key policy', max: 32768, unit: 'bytes', adjustable: false,
    source: 'https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html', field: '(generated)',
  },
  s3BucketPolicy: {
    id: 's3-bucket-policy', what: 'S3 bucket policy', max: 20480, unit: 'bytes', adjustable: false,
    source: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html', field: '(generated)',
  },
  tagsPerResource: {
    id: 'tags-per-resource', what: 'user tags on one resource (default_tags included)', max: 50, unit: 'items', adjustable: false,
    source: 'https://docs.aws.amazon.com/tag-editor/latest/userguide/best-practices-and-strats.html', field: 'tags',
  },
  alarmDimensions: {
    id: 'alarm-dimensions', what: 'dimensions of one metric alarm', max: 30, unit: 'items', adjustable: false,
    source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html', field: '(generated)',
  },
} as const satisfies Record<string, AwsLimit>;

interface NameLimit { readonly attribute: string; readonly max: number; readonly source: string }

/**
 * Name lengths of every named resource kind rootwatch creates. `name_prefix` leaves room for the 26
 * characters Terraform appends (role names: 64 - 26 = 38).
 */
export const NAME_LIMITS: Readonly<Record<string, readonly NameLimit[]>> = {
  aws_iam_role: [
    { attribute: 'name', max: 64, source: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html' },
    { attribute: 'name_prefix', max: 38, source: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html' },
  ],
  aws_iam_role_policy: [{ attribute: 'name', max: 128, source: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html' }],
  aws_iam_policy: [{ attribute: 'name', max: 128, source: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html' }],
  aws_lambda_function: [{ attribute: 'function_name', max: 64, source: 'https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html' }],
  aws_lambda_permission: [{ attribute: 'statement_id', max: 100, source: 'https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html' }],
  aws_sns_topic: [{ attribute: 'name', max: 256, source: 'https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html' }],
  aws_sqs_queue: [{ attribute: 'name', max: 80, source: 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html' }],
  aws_cloudwatch_event_bus: [{ attribute: 'name', max: 256, source: 'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateEventBus.html' }],
  aws_cloudwatch_event_rule: [{ attribute: 'name', max: 64, source: 'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html' }],
  aws_cloudwatch_event_target: [{ attribute: 'target_id', max: 64, source: 'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html' }],
  aws_cloudwatch_log_group: [{ attribute: 'name', max: 512, source: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html' }],
  aws_cloudwatch_log_metric_filter: [{ attribute: 'name', max: 512, source: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html' }],
  aws_cloudwatch_metric_alarm: [{ attribute: 'alarm_name', max: 255, source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html' }],
  aws_scheduler_schedule: [{ attribute: 'name', max: 64, source: 'https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html' }],
  aws_kms_alias: [{ attribute: 'name', max: 256, source: 'https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html' }],
  aws_s3_bucket: [{ attribute: 'bucket', max: 63, source: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html' }],
  aws_cloudtrail: [{ attribute: 'name', max: 128, source: 'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html' }],
  aws_dynamodb_table: [{ attribute: 'name', max: 255, source: 'https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html' }],
  aws_organizations_policy: [{ attribute: 'name', max: 128, source: 'https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreatePolicy.html' }],
  aws_ssm_parameter: [{ attribute: 'name', max: 2048, source: 'https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html' }],
};

/**
 * The fixed parts rootwatch appends to the name prefix in an IAM role's `name_prefix` (forwarder,
 * heartbeat, trail, notifier, alerters, expected-use declarer). IAM allows 38 characters there (64
 * minus the 26 Terraform appends), so the longest of them decides the longest `namePrefix`.
 * __tests__/core/limits.test.ts reads every role `name_prefix` of the generated modules back and
 * fails on a suffix missing here.
 */
export const ROLE_NAME_PREFIX_SUFFIXES = ['-forward-', '-heartbeat-', '-trail-', '-notifier-', '-slack-', '-pagerduty-', '-expect-declarer-'] as const;

/**
 * Longest `namePrefix` (21): what every role `name_prefix` above still fits. The config schema and
 * every module's `name_prefix` validation use this number.
 */
export const NAME_PREFIX_MAX_LENGTH = NAME_LIMITS.aws_iam_role.find((l) => l.attribute === 'name_prefix')!.max - Math.max(...ROLE_NAME_PREFIX_SUFFIXES.map((s) => s.length));

/** S3 bucket names (the trail bucket `<prefix>-trail-<account>-<region>`). */
export const S3_BUCKET_NAME_MAX_LENGTH = NAME_LIMITS.aws_s3_bucket[0].max;

/** One resource as a check reads it: synthesized configuration or planned values. */
export interface TfResource {
  readonly address: string;
  readonly type: string;
  readonly values: Readonly<Record<string, unknown>>;
  /** Region of the resource's provider, when known. */
  readonly region?: string;
  /** Tags the provider adds (`default_tags`), when the values do not already hold `tags_all`. */
  readonly defaultTags?: Readonly<Record<string, unknown>>;
}

export interface LimitViolation {
  readonly limitId: string;
  readonly what: string;
  readonly max: number;
  readonly unit: LimitUnit;
  readonly actual: number;
  /** Resource address (or `a, b` for aggregates). */
  readonly address: string;
  readonly field: string;
  readonly source: string;
}

/**
 * Upper estimate of the value a `${...}` reference stands for: ARNs and names of rootwatch resources
 * are short (names are bounded by the 31-character prefix; the longest ARN prefix,
 * `arn:aws-us-gov:events:ap-southeast-5:123456789012:`, is 51 characters), so 128 is generous; the
 * partition and account IDs are known lengths.
 */
function referenceEstimate(expression: string): number {
  if (/partition(\.partition)?$/.test(expression)) return 'aws-us-gov'.length;
  if (/account_id$/.test(expression)) return 12;
  if (/\.region$|\.name$/.test(expression) && expression.startsWith('data.aws_region')) return 'ap-southeast-5'.length;
  return 128;
}

/** Length of a string with every `${...}` replaced by its estimate. */
export function estimatedLength(text: string, measure: (s: string) => number = (s) => s.length): number {
  let total = 0;
  let rest = text;
  for (;;) {
    const start = rest.indexOf('${');
    if (start < 0) break;
    const end = rest.indexOf('}', start);
    if (end < 0) break;
    total += measure(rest.slice(0, start)) + referenceEstimate(rest.slice(start + 2, end));
    rest = rest.slice(end + 1);
  }
  return total + measure(rest);
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const withoutWhiteSpace = (s: string) => s.replace(/\s+/g, '').length;

/** The text of a policy-like attribute, or undefined when it is not known. */
function text(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * Lambda counts the variables' keys and values; we measure the JSON object they form (keys, values,
 * quotes and separators), which is what the API payload carries and never less than AWS counts.
 */
function lambdaEnvironmentSize(fn: TfResource): number | undefined {
  const env = first(fn.values.environment);
  const vars = env && typeof env === 'object' ? (env as Record<string, unknown>).variables : undefined;
  if (!vars || typeof vars !== 'object') return undefined;
  return estimatedLength(JSON.stringify(vars), bytes);
}

function first(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

function violation(limit: AwsLimit, address: string, actual: number): LimitViolation {
  return { limitId: limit.id, what: limit.what, max: limit.max, unit: limit.unit, actual, address, field: limit.field, source: limit.source };
}

function sizeCheck(out: LimitViolation[], limit: AwsLimit, address: string, actual: number | undefined): void {
  if (actual !== undefined && actual > limit.max) out.push(violation(limit, address, actual));
}

/** Every limit of the table over a set of resources (one stack, module or plan). */
export function checkLimits(resources: readonly TfResource[]): LimitViolation[] {
  const out: LimitViolation[] = [];
  const groups: Groups = { inlineByRole: new Map(), targetsByRule: new Map(), rulesByBus: new Map() };
  for (const r of resources) {
    nameChecks(out, r);
    const tags = tagCount(r);
    if (tags !== undefined) sizeCheck(out, LIMITS.tagsPerResource, r.address, tags);
    const own = ownSize(r);
    if (own) sizeCheck(out, own.limit, r.address, own.size);
    addToGroups(groups, r);
  }
  groupChecks(out, groups);
  return out;
}

/** Limits over several resources together: inline policies of a role, targets of a rule, rules of a bus. */
interface Groups {
  inlineByRole: Map<string, { addresses: string[]; size: number }>;
  targetsByRule: Map<string, string[]>;
  rulesByBus: Map<string, string[]>;
}

function nameChecks(out: LimitViolation[], r: TfResource): void {
  for (const n of NAME_LIMITS[r.type] ?? []) {
    const name = text(r.values[n.attribute]);
    if (name === undefined) continue;
    const length = estimatedLength(name);
    if (length > n.max) {
      out.push({ limitId: `name:${r.type}.${n.attribute}`, what: `${r.type} ${n.attribute}`, max: n.max, unit: 'characters', actual: length, address: r.address, field: 'namePrefix', source: n.source });
    }
  }
}

/** The resource's own limited size (policy, pattern, environment, dimensions), if its type has one. */
function ownSize(r: TfResource): { limit: AwsLimit; size: number | undefined } | undefined {
  const v = r.values;
  switch (r.type) {
    case 'aws_lambda_function':
      return { limit: LIMITS.lambdaEnvironment, size: lambdaEnvironmentSize(r) };
    case 'aws_cloudwatch_event_bus_policy':
      return { limit: LIMITS.eventBusPolicy, size: measured(v.policy) };
    case 'aws_cloudwatch_event_rule':
      return { limit: LIMITS.eventPattern, size: measured(v.event_pattern) };
    case 'aws_organizations_policy':
      return (v.type ?? 'SERVICE_CONTROL_POLICY') === 'SERVICE_CONTROL_POLICY' ? { limit: LIMITS.scpSize, size: measured(v.content) } : undefined;
    case 'aws_iam_role':
      return { limit: LIMITS.roleTrustPolicy, size: measured(v.assume_role_policy, withoutWhiteSpace) };
    case 'aws_iam_policy':
      return { limit: LIMITS.managedPolicy, size: measured(v.policy, withoutWhiteSpace) };
    case 'aws_kms_key':
      return { limit: LIMITS.kmsKeyPolicy, size: measured(v.policy, bytes) };
    case 'aws_s3_bucket_policy':
      return { limit: LIMITS.s3BucketPolicy, size: measured(v.policy, bytes) };
    case 'aws_cloudwatch_metric_alarm': {
      const dims = first(v.dimensions);
      return dims && typeof dims === 'object' ? { limit: LIMITS.alarmDimensions, size: Object.keys(dims).length } : undefined;
    }
    default:
      return undefined;
  }
}

function addToGroups(groups: Groups, r: TfResource): void {
  const v = r.values;
  if (r.type === 'aws_cloudwatch_event_rule') {
    const bus = `${r.region ?? '?'}/${text(v.event_bus_name) ?? 'default'}`;
    groups.rulesByBus.set(bus, [...(groups.rulesByBus.get(bus) ?? []), r.address]);
  } else if (r.type === 'aws_cloudwatch_event_target') {
    const rule = `${r.region ?? '?'}/${text(v.event_bus_name) ?? 'default'}/${text(v.rule) ?? r.address}`;
    groups.targetsByRule.set(rule, [...(groups.targetsByRule.get(rule) ?? []), r.address]);
  } else if (r.type === 'aws_iam_role_policy') {
    const size = measured(v.policy, withoutWhiteSpace);
    if (size === undefined) return;
    const role = text(v.role) ?? r.address;
    const entry = groups.inlineByRole.get(role) ?? { addresses: [], size: 0 };
    entry.addresses.push(r.address);
    entry.size += size;
    groups.inlineByRole.set(role, entry);
  }
}

function groupChecks(out: LimitViolation[], groups: Groups): void {
  for (const { addresses, size } of groups.inlineByRole.values()) sizeCheck(out, LIMITS.roleInlinePolicies, addresses.join(', '), size);
  for (const addresses of groups.targetsByRule.values()) sizeCheck(out, LIMITS.targetsPerRule, addresses.join(', '), addresses.length);
  for (const [bus, addresses] of groups.rulesByBus) {
    const region = bus.split('/')[0];
    const max = region === 'af-south-1' || region === 'eu-south-1' ? 100 : LIMITS.rulesPerBus.max;
    if (addresses.length > max) out.push({ ...violation(LIMITS.rulesPerBus, `${bus}: ${addresses.length} rules`, addresses.length), max });
  }
}

function measured(v: unknown, measure?: (s: string) => number): number | undefined {
  const s = text(v);
  return s === undefined ? undefined : estimatedLength(s, measure);
}

/** User tags on a resource: `tags_all` when the values hold it (plans), else tags + provider default tags. */
function tagCount(r: TfResource): number | undefined {
  const all = r.values.tags_all;
  if (all && typeof all === 'object') return userTags(all as Record<string, unknown>).length;
  const own = r.values.tags && typeof r.values.tags === 'object' ? (r.values.tags as Record<string, unknown>) : {};
  const keys = new Set([...userTags(own), ...userTags(r.defaultTags ?? {})]);
  return keys.size === 0 ? undefined : keys.size;
}

/** Tags whose key starts with `aws:` are AWS's own and do not count. */
const userTags = (tags: Record<string, unknown>) => Object.keys(tags).filter((k) => !k.startsWith('aws:'));

/** The resources of a synthesized Terraform JSON configuration (`cdk.tf.json` / `main.tf.json`). */
export function resourcesOfTerraformJson(tf: unknown): TfResource[] {
  const doc = (tf && typeof tf === 'object' ? tf : {}) as {
    resource?: Record<string, Record<string, Record<string, unknown>>>;
    provider?: { aws?: Array<Record<string, unknown>> };
  };
  const providers = new Map<string, { region?: string; tags?: Record<string, unknown> }>();
  for (const p of doc.provider?.aws ?? []) {
    const key = typeof p.alias === 'string' ? `aws.${p.alias}` : 'aws';
    const tags = (first(p.default_tags) as { tags?: Record<string, unknown> } | undefined)?.tags;
    providers.set(key, { ...(typeof p.region === 'string' ? { region: p.region } : {}), ...(tags ? { tags } : {}) });
  }
  const out: TfResource[] = [];
  for (const [type, byName] of Object.entries(doc.resource ?? {})) {
    for (const [name, values] of Object.entries(byName)) {
      const provider = providers.get(typeof values.provider === 'string' ? values.provider : 'aws');
      out.push({
        address: `${type}.${name}`,
        type,
        values,
        ...(provider?.region ? { region: provider.region } : {}),
        ...(provider?.tags ? { defaultTags: provider.tags } : {}),
      });
    }
  }
  return out;
}

/**
 * The resources a root configuration creates through its module calls, with the inputs of each call
 * put in for the module's `${var.X}` and `${jsonencode(var.X)}` references (so the values the
 * config decides, such as the notifier's account-name map, are measured, not estimated), and the
 * region and default tags of the provider each call passes. `loadModule` returns the module's JSON
 * by its `source`, or undefined.
 */
/**
 * Module calls already measured, by module JSON, inputs and provider: roots of many accounts call
 * the same modules with the same inputs (the account IDs are variables), so each is measured once.
 */
export type RootMeasureCache = Map<unknown, Map<string, TfResource[]>>;

export function resourcesOfRoot(root: unknown, loadModule: (source: string) => unknown, cache?: RootMeasureCache): TfResource[] {
  const doc = (root && typeof root === 'object' ? root : {}) as { module?: Record<string, Record<string, unknown>> };
  const own = resourcesOfTerraformJson(root);
  const providers = providersOf(root);
  for (const [call, inputs] of Object.entries(doc.module ?? {})) {
    const source = typeof inputs.source === 'string' ? inputs.source : undefined;
    const mod = source === undefined ? undefined : loadModule(source);
    if (!mod) continue;
    const passed = (inputs.providers && typeof inputs.providers === 'object' ? inputs.providers : {}) as Record<string, string>;
    const provider = providers.get(passed.aws ?? 'aws');
    const byInputs = cache ? cache.get(mod) ?? cache.set(mod, new Map()).get(mod)! : undefined;
    const key = byInputs ? JSON.stringify([inputs, provider ?? null]) : '';
    const known = byInputs?.get(key);
    if (known) {
      for (const r of known) own.push({ ...r, address: `module.${call}.${r.address}` });
      continue;
    }
    const measured: TfResource[] = [];
    const substitute = (v: unknown): unknown => {
      if (typeof v === 'string') {
        return v
          .replace(/\$\{jsonencode\(var\.([A-Za-z0-9_]+)\)\}/g, (m, name: string) => (name in inputs && !JSON.stringify(inputs[name]).includes('${') ? JSON.stringify(inputs[name]) : m))
          .replace(/\$\{var\.([A-Za-z0-9_]+)\}/g, (m, name: string) => {
            const value = inputs[name];
            return (typeof value === 'string' && !value.includes('${')) || typeof value === 'number' ? String(value) : m;
          });
      }
      if (Array.isArray(v)) return v.map(substitute);
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x)]));
      return v;
    };
    for (const r of resourcesOfTerraformJson({ resource: (mod as { resource?: unknown }).resource })) {
      measured.push({
        address: r.address,
        type: r.type,
        values: substitute(r.values) as Record<string, unknown>,
        ...(provider?.region ? { region: provider.region } : {}),
        ...(provider?.tags ? { defaultTags: provider.tags } : {}),
      });
    }
    byInputs?.set(key, measured);
    for (const r of measured) own.push({ ...r, address: `module.${call}.${r.address}` });
  }
  return own;
}

function providersOf(tf: unknown): Map<string, { region?: string; tags?: Record<string, unknown> }> {
  const doc = (tf && typeof tf === 'object' ? tf : {}) as { provider?: { aws?: Array<Record<string, unknown>> } };
  const providers = new Map<string, { region?: string; tags?: Record<string, unknown> }>();
  for (const p of doc.provider?.aws ?? []) {
    const key = typeof p.alias === 'string' ? `aws.${p.alias}` : 'aws';
    const tags = (first(p.default_tags) as { tags?: Record<string, unknown> } | undefined)?.tags;
    providers.set(key, { ...(typeof p.region === 'string' ? { region: p.region } : {}), ...(tags ? { tags } : {}) });
  }
  return providers;
}

/** One line for a violation: the config field first, as every bad-input message. */
export function describeViolation(v: LimitViolation, where?: string): string {
  const at = where ? `${where}: ${v.address}` : v.address;
  return `${v.what} would be ${v.actual} ${v.unit}, over AWS's limit of ${v.max} (${v.source}); at ${at}`;
}
