/**
 * core/limits.ts: every limit of the table is crossed by a resource built to cross it, and kept by
 * one just inside it (so no check is a test that cannot fail).
 */
import { checkLimits, estimatedLength, LIMITS, NAME_LIMITS, NAME_PREFIX_MAX_LENGTH, resourcesOfTerraformJson, ROLE_NAME_PREFIX_SUFFIXES, TfResource } from '../../core/limits';
import * as fs from 'fs';
import * as path from 'path';
import schema from '../../rootwatch.schema.json';

const res = (type: string, values: Record<string, unknown>, extra: Partial<TfResource> = {}): TfResource => ({ address: `${type}.x`, type, values, ...extra });
const ids = (rs: TfResource[]) => checkLimits(rs).map((v) => v.limitId);
const policyOfSize = (n: number) => {
  const base = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'x:Y', Resource: '' }] });
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'x:Y', Resource: 'r'.repeat(n - base.length) }] });
};

describe('every documented limit has a number and a source', () => {
  it.each(Object.values(LIMITS))('$id', (l) => {
    expect(l.max).toBeGreaterThan(0);
    expect(l.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  });
  it('every name limit cites the API that creates the resource', () => {
    for (const list of Object.values(NAME_LIMITS)) for (const n of list) expect(n.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  });
});

describe('the longest name prefix', () => {
  it('is what IAM leaves for the longest role name_prefix suffix (38 characters), in the config schema too', () => {
    expect(NAME_PREFIX_MAX_LENGTH).toBe(38 - '-expect-declarer-'.length);
    const re = new RegExp((schema as { properties: { namePrefix: { pattern: string } } }).properties.namePrefix.pattern);
    expect(re.test('a'.repeat(NAME_PREFIX_MAX_LENGTH))).toBe(true);
    expect(re.test('a'.repeat(NAME_PREFIX_MAX_LENGTH + 1))).toBe(false);
  });

  it('leaves every role name_prefix of the generated modules within 38 characters (each suffix is listed)', () => {
    const modules = path.join(__dirname, '..', '..', 'terraform-out', 'modules');
    const suffixes: string[] = [];
    for (const m of fs.readdirSync(modules)) {
      const main = path.join(modules, m, 'main.tf.json');
      if (!fs.existsSync(main)) continue;
      const roles = (JSON.parse(fs.readFileSync(main, 'utf8')).resource?.aws_iam_role ?? {}) as Record<string, { name_prefix?: string }>;
      for (const r of Object.values(roles)) {
        if (r.name_prefix === undefined) continue;
        expect(r.name_prefix.startsWith('${var.name_prefix}')).toBe(true);
        suffixes.push(r.name_prefix.slice('${var.name_prefix}'.length));
      }
    }
    expect(suffixes.length).toBeGreaterThanOrEqual(7);
    expect([...new Set(suffixes)].sort()).toEqual([...ROLE_NAME_PREFIX_SUFFIXES].sort());
    for (const s of suffixes) expect(NAME_PREFIX_MAX_LENGTH + s.length).toBeLessThanOrEqual(38);
  });
});

describe('sizes', () => {
  it('Lambda environment: 4,096 bytes in aggregate, the account-name map included', () => {
    const env = (names: number) => ({ environment: [{ variables: { ROOTWATCH_ACCOUNT_NAMES: JSON.stringify(Object.fromEntries(Array.from({ length: names }, (_, i) => [String(100000000000 + i), `workload-team${i}-prod`]))) } }] });
    expect(ids([res('aws_lambda_function', env(60))])).toEqual([]);
    const v = checkLimits([res('aws_lambda_function', env(150))]);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ limitId: 'lambda-environment', max: 4096, field: 'spokes' });
    expect(v[0].actual).toBeGreaterThan(4096);
  });

  it('references are measured at their upper estimate, never at the length of the expression', () => {
    expect(estimatedLength('arn:${data.aws_partition.partition.partition}:sns')).toBe('arn:'.length + 10 + ':sns'.length);
    expect(estimatedLength('${var.hub_account_id}')).toBe(12);
    expect(estimatedLength('${aws_sns_topic.t.arn}')).toBe(128);
    // 31 references to topic ARNs are 31 * 128 bytes: over 4 KB although the text is short.
    const vars = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`T${i}`, '${aws_sns_topic.t.arn}']));
    expect(ids([res('aws_lambda_function', { environment: { variables: vars } })])).toEqual(['lambda-environment']);
  });

  it.each([
    ['aws_cloudwatch_event_bus_policy', 'policy', 10240, 'event-bus-policy'],
    ['aws_organizations_policy', 'content', 5120, 'scp-size'],
    ['aws_iam_role', 'assume_role_policy', 2048, 'role-trust-policy'],
    ['aws_iam_policy', 'policy', 6144, 'managed-policy'],
    ['aws_iam_role_policy', 'policy', 10240, 'role-inline-policies'],
    ['aws_kms_key', 'policy', 32768, 'kms-key-policy'],
    ['aws_s3_bucket_policy', 'policy', 20480, 's3-bucket-policy'],
  ])('%s.%s: at most %i', (type, attr, max, id) => {
    expect(ids([res(type, { [attr]: policyOfSize(max) })])).toEqual([]);
    expect(ids([res(type, { [attr]: policyOfSize(max + 1) })])).toEqual([id]);
  });

  it('IAM policy sizes do not count white space', () => {
    const pretty = JSON.stringify(JSON.parse(policyOfSize(2048)), null, 8);
    expect(pretty.length).toBeGreaterThan(2048);
    expect(ids([res('aws_iam_role', { assume_role_policy: pretty })])).toEqual([]);
  });

  it('inline policies add up per role', () => {
    const half = policyOfSize(5200);
    const a = res('aws_iam_role_policy', { role: '${aws_iam_role.r.id}', policy: half }, { address: 'aws_iam_role_policy.a' });
    const b = res('aws_iam_role_policy', { role: '${aws_iam_role.r.id}', policy: half }, { address: 'aws_iam_role_policy.b' });
    const c = res('aws_iam_role_policy', { role: '${aws_iam_role.other.id}', policy: half }, { address: 'aws_iam_role_policy.c' });
    expect(checkLimits([a, c])).toEqual([]);
    expect(checkLimits([a, b, c]).map((v) => v.address)).toEqual(['aws_iam_role_policy.a, aws_iam_role_policy.b']);
  });

  it('event patterns: 2,048 characters', () => {
    expect(ids([res('aws_cloudwatch_event_rule', { event_pattern: JSON.stringify({ source: ['a'.repeat(2040)] }) })])).toEqual(['event-pattern']);
    expect(ids([res('aws_cloudwatch_event_rule', { event_pattern: JSON.stringify({ source: ['a'.repeat(2000)] }) })])).toEqual([]);
  });
});

describe('counts', () => {
  it('tags: 50 per resource, provider default tags included, aws: tags not counted', () => {
    const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
    expect(ids([res('aws_sns_topic', { name: 'x', tags: tags(25) }, { defaultTags: { ...tags(50), 'aws:x': 'y' } })])).toEqual([]);
    expect(ids([res('aws_sns_topic', { name: 'x', tags: { extra: 'v' } }, { defaultTags: tags(50) })])).toEqual(['tags-per-resource']);
    expect(ids([res('aws_sns_topic', { name: 'x', tags_all: tags(51) })])).toEqual(['tags-per-resource']);
  });

  it('targets per rule: 5', () => {
    const target = (i: number, rule = '${aws_cloudwatch_event_rule.r.name}') => res('aws_cloudwatch_event_target', { rule, target_id: `t${i}` }, { address: `t${i}`, region: 'eu-west-1' });
    expect(checkLimits([1, 2, 3, 4, 5].map((i) => target(i)))).toEqual([]);
    expect(ids([1, 2, 3, 4, 5, 6].map((i) => target(i)))).toEqual(['targets-per-rule']);
    expect(ids([...[1, 2, 3].map((i) => target(i)), ...[4, 5, 6].map((i) => target(i, 'other'))])).toEqual([]);
  });

  it('rules per bus: 300 per region, 100 in af-south-1', () => {
    const rules = (n: number, region: string) => Array.from({ length: n }, (_, i) => res('aws_cloudwatch_event_rule', { name: `r${i}` }, { address: `${region}-${i}`, region }));
    expect(checkLimits([...rules(300, 'eu-west-1'), ...rules(300, 'us-east-1')])).toEqual([]);
    expect(ids(rules(301, 'eu-west-1'))).toEqual(['rules-per-bus']);
    expect(ids(rules(101, 'af-south-1'))).toEqual(['rules-per-bus']);
  });

  it('alarm dimensions: 30', () => {
    const dims = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`D${i}`, 'v']));
    expect(ids([res('aws_cloudwatch_metric_alarm', { alarm_name: 'a', dimensions: dims(30) })])).toEqual([]);
    expect(ids([res('aws_cloudwatch_metric_alarm', { alarm_name: 'a', dimensions: dims(31) })])).toEqual(['alarm-dimensions']);
  });
});

describe('names', () => {
  it.each(Object.entries(NAME_LIMITS).flatMap(([type, list]) => list.map((n) => [type, n.attribute, n.max] as const)))('%s.%s: at most %i characters, naming namePrefix', (type, attribute, max) => {
    expect(checkLimits([res(type, { [attribute]: 'n'.repeat(max) })])).toEqual([]);
    const [v] = checkLimits([res(type, { [attribute]: 'n'.repeat(max + 1) })]);
    expect(v).toMatchObject({ limitId: `name:${type}.${attribute}`, field: 'namePrefix', actual: max + 1 });
  });
});

describe('resourcesOfTerraformJson', () => {
  it('gives each resource its provider region and default tags', () => {
    const [r] = resourcesOfTerraformJson({
      provider: { aws: [{ region: 'eu-west-1' }, { alias: 'us_east_1', region: 'us-east-1', default_tags: [{ tags: { a: 'b' } }] }] },
      resource: { aws_sns_topic: { t: { name: 'x', provider: 'aws.us_east_1' } } },
    });
    expect(r).toMatchObject({ address: 'aws_sns_topic.t', region: 'us-east-1', defaultTags: { a: 'b' } });
  });
});

describe('the README table', () => {
  it('shows every limit with its number and source', () => {
    const readme = require('fs').readFileSync(require('path').join(__dirname, '..', '..', 'README.md'), 'utf8') as string;
    const table = readme.slice(readme.indexOf('### Apply-time limits'));
    for (const l of Object.values(LIMITS)) {
      const row = table.split('\n').find((line) => line.includes(l.source) && line.includes(l.max.toLocaleString('en-US')));
      expect({ id: l.id, row: row !== undefined }).toEqual({ id: l.id, row: true });
    }
  });
});
