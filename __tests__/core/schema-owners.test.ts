/**
 * The JSON Schema states defaults, enums and patterns that code owns too. This test proves them
 * equal field by field: every schema `default` against what resolveConfig fills in (and, where a
 * construct has its own default, against the construct's constant), the retention enums against
 * the one list the constructs check, and the ID/region/prefix patterns against core/validation.ts.
 */
import schema from '../../rootwatch.schema.json';
import { DEFAULT_MANAGE_ACCOUNT_SETTINGS, RawConfig, resolveConfig } from '../../core/config';
import { NAME_PREFIX_MAX_LENGTH } from '../../core/limits';
import { ACCOUNT_ID_PATTERN, LOG_RETENTION_DAYS, NAME_PREFIX_PATTERN } from '../../core/validation';
import { DEFAULT_FOLD_WINDOW_MINUTES } from '../../modules/rootwatch-hub';
import { DEFAULT_LOG_RETENTION_DAYS } from '../../modules/alert-function';
import { TRAIL_DEFAULTS } from '../../modules/hardened-trail';
import { DEFAULT_HEARTBEAT_SCHEDULE } from '../../core/config';

interface Node {
  default?: unknown;
  enum?: unknown[];
  pattern?: string;
  properties?: Record<string, Node>;
  items?: Node;
  additionalProperties?: Node | boolean;
  oneOf?: Node[];
  anyOf?: Node[];
}

/** [path, node] of every schema node, `[]` marking array items. */
function nodes(n: Node, at = ''): Array<[string, Node]> {
  const out: Array<[string, Node]> = [[at, n]];
  for (const [k, v] of Object.entries(n.properties ?? {})) out.push(...nodes(v, at ? `${at}.${k}` : k));
  if (n.items) out.push(...nodes(n.items, `${at}[]`));
  if (typeof n.additionalProperties === 'object') out.push(...nodes(n.additionalProperties, `${at}.*`));
  for (const alt of [...(n.oneOf ?? []), ...(n.anyOf ?? [])]) out.push(...nodes(alt, at).slice(1));
  return out;
}
const all = nodes(schema as Node);

const ACCOUNT = '111111111111';
/** Every optional section present but empty, so resolveConfig fills each default in. */
const raw = {
  hub: { accountId: ACCOUNT, region: 'eu-west-1', organizationId: 'o-abcdefghij' },
  spokes: [{ accountId: '222222222222' }],
  organizationalUnits: [{ id: 'ou-abcd-12345678' }],
  backend: { type: 's3', bucket: 'state-bucket', region: 'eu-west-1' },
  spokeDelivery: 'stackset',
  stackSet: { organizationalUnitIds: ['ou-abcd-87654321'], operationPreferences: {} },
  detection: { expectedUse: {} },
  alerts: { heartbeat: {} },
  guardrails: {
    managementAccount: { accountId: '333333333333' },
    denyRootScp: { targetIds: ['r-abcd'] },
    denyRootAccessKeysScp: {},
    centralizedRootAccess: {},
    guardDuty: {},
    securityHub: {},
    passwordPolicy: {},
    s3PublicAccessBlock: {},
    trail: {},
  },
} as unknown as RawConfig;
const OU_ACCOUNT = { Id: '444444444444', Name: 'ou-member', Status: 'ACTIVE' };
const resolved = resolveConfig(raw, [[OU_ACCOUNT]]);

/**
 * Where resolveConfig puts a schema field (the resolved shape differs for these): account and org
 * guardrails split, on/off objects become booleans, spokes and OU members become spokes.
 */
const RESOLVED_AT: Record<string, (c: typeof resolved) => unknown> = {
  // this test's config sets stackset to read the stackSet defaults: the default is read without it
  spokeDelivery: () => resolveConfig({ hub: { accountId: ACCOUNT, region: 'eu-west-1' }, spokes: [{ accountId: '222222222222' }] } as RawConfig).spokeDelivery,
  spokes: () => [], // the raw default; resolveConfig expands spokes (checked by the item defaults)
  organizationalUnits: () => [],
  // left unset when not configured; every reader applies DEFAULT_MANAGE_ACCOUNT_SETTINGS
  'hub.manageAccountSettings': (c) => c.hub.manageAccountSettings ?? DEFAULT_MANAGE_ACCOUNT_SETTINGS,
  'spokes[].manageAccountSettings': (c) => c.spokes.find((s) => s.accountId === '222222222222')?.manageAccountSettings ?? DEFAULT_MANAGE_ACCOUNT_SETTINGS,
  'organizationalUnits[].manageAccountSettings': (c) => c.spokes.find((s) => s.accountId === OU_ACCOUNT.Id)?.manageAccountSettings ?? DEFAULT_MANAGE_ACCOUNT_SETTINGS,
  'guardrails.centralizedRootAccess.enabled': (c) => c.orgGuardrails?.centralizedRootAccess,
  'guardrails.passwordPolicy.enabled': (c) => c.accountGuardrails.passwordPolicy.enabled,
  'guardrails.passwordPolicy.minimumLength': (c) => c.accountGuardrails.passwordPolicy.minimumLength,
  'guardrails.passwordPolicy.reusePrevention': (c) => c.accountGuardrails.passwordPolicy.reusePrevention,
  'guardrails.passwordPolicy.maxAgeDays': (c) => c.accountGuardrails.passwordPolicy.maxAgeDays,
  'guardrails.s3PublicAccessBlock.enabled': (c) => c.accountGuardrails.s3PublicAccessBlock,
};

function resolvedAt(path: string): unknown {
  if (RESOLVED_AT[path]) return RESOLVED_AT[path](resolved);
  const parts = path.replace(/^guardrails\./, '').split('.');
  const roots: unknown[] = path.startsWith('guardrails.') ? [resolved.orgGuardrails, resolved.accountGuardrails] : [resolved];
  for (const root of roots) {
    let v: unknown = root;
    for (const p of parts) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
    if (v !== undefined) return v;
  }
  return undefined;
}

describe('schema defaults equal what resolveConfig fills in, field by field', () => {
  const withDefault = all.filter(([, n]) => n.default !== undefined);
  it('the schema has the defaults this test walks', () => {
    expect(withDefault.length).toBe(45);
  });
  it.each(withDefault.map(([p, n]) => [p, n.default]))('%s = %j', (path, value) => {
    expect(resolvedAt(path)).toEqual(value);
  });
});

describe('construct defaults equal the schema defaults', () => {
  const schemaDefault = (path: string): unknown => all.find(([p]) => p === path)?.[1].default;
  it.each([
    ['alerts.foldWindowMinutes', DEFAULT_FOLD_WINDOW_MINUTES],
    ['alerts.logRetentionDays', DEFAULT_LOG_RETENTION_DAYS],
    ['alerts.heartbeat.scheduleExpression', DEFAULT_HEARTBEAT_SCHEDULE],
    ['guardrails.trail.logRetentionDays', TRAIL_DEFAULTS.logRetentionDays],
    ['guardrails.trail.transitionToGlacierDays', TRAIL_DEFAULTS.transitionToGlacierDays],
  ])('%s = %j', (path, value) => {
    expect(schemaDefault(path)).toEqual(value);
  });
});

describe('schema enums and patterns equal core/validation.ts', () => {
  it.each(['alerts.logRetentionDays', 'guardrails.trail.logRetentionDays'])('%s lists LOG_RETENTION_DAYS', (path) => {
    expect(all.find(([p]) => p === path)?.[1].enum).toEqual([...LOG_RETENTION_DAYS]);
  });
  it('every 12-digit account pattern is ACCOUNT_ID_PATTERN', () => {
    const accountPatterns = all.filter(([, n]) => n.pattern?.includes('[0-9]{12}$') && n.pattern.startsWith('^[0-9]'));
    expect(accountPatterns.length).toBeGreaterThanOrEqual(5);
    for (const [, n] of accountPatterns) expect(n.pattern).toBe(ACCOUNT_ID_PATTERN.source);
  });
  it('NAME_PREFIX_PATTERN allows exactly NAME_PREFIX_MAX_LENGTH characters (core/limits.ts)', () => {
    expect(NAME_PREFIX_PATTERN.source).toBe(`^[a-z][a-z0-9-]{0,${NAME_PREFIX_MAX_LENGTH - 1}}$`);
  });
  it('every name prefix pattern is NAME_PREFIX_PATTERN', () => {
    const prefixes = all.filter(([p]) => p === 'namePrefix' || p.endsWith('.namePrefix'));
    expect(prefixes.map(([, n]) => n.pattern)).toEqual(prefixes.map(() => NAME_PREFIX_PATTERN.source));
  });
});
