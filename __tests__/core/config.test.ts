import { ConfigError, RawConfig, resolveConfig, withSigninRegion } from '../../core/config';
import { DEFAULT_REGIONS } from '../../core/regions';
import { manySpokes } from '../helpers/configs';

const hub = { accountId: '111111111111', region: 'eu-west-1' };
const spoke = (id: string, extra: Partial<NonNullable<RawConfig['spokes']>[number]> = {}) => ({
  accountId: id,
  assumeRoleArn: `arn:aws:iam::${id}:role/deployer`,
  ...extra,
});
const base = (extra: Partial<RawConfig> = {}): RawConfig => ({ hub, spokes: [spoke('222222222222', { name: 'prod' })], ...extra });

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveConfig defaults', () => {
  const c = resolveConfig(base());

  it('fills every documented default', () => {
    expect(c.namePrefix).toBe('rootwatch');
    expect(c.tags).toEqual({});
    expect(c.backend).toEqual({ type: 'local' });
    expect(c.detection.assumedRoot).toBe('alert');
    expect(c.alerts).toEqual({
      email: { login: [], activity: [] },
      foldWindowMinutes: 15,
      heartbeat: { enabled: true, scheduleExpression: 'rate(6 hours)' },
      deadLetterAlarms: true,
      logRetentionDays: 365,
    });
    expect(c.accountGuardrails).toEqual({
      alternateContacts: {},
      passwordPolicy: { enabled: true, minimumLength: 14, reusePrevention: 24, maxAgeDays: 0 },
      s3PublicAccessBlock: false, // opt-in: it breaks intentionally public buckets
      trail: { enabled: false, logRetentionDays: 365, transitionToGlacierDays: 90 },
    });
    expect(c.orgGuardrails).toBeUndefined();
    expect(c.hub.name).toBe('hub');
  });

  it('monitors the 17 default regions, us-east-1 first', () => {
    expect(c.hub.regions).toHaveLength(17);
    expect(c.hub.regions[0]).toBe('us-east-1');
    expect([...c.hub.regions].sort()).toEqual([...DEFAULT_REGIONS].sort());
    expect(c.spokes[0].regions).toEqual(c.hub.regions);
  });

  it('adds us-east-1 (first) to configured regions that omit it, keeping the rest in order', () => {
    const r = resolveConfig(base({ regions: ['eu-west-1', 'ap-south-1'] }));
    expect(r.hub.regions).toEqual(['us-east-1', 'eu-west-1', 'ap-south-1']);
    expect(withSigninRegion(['eu-west-1', 'us-east-1', 'eu-central-1'])).toEqual(['us-east-1', 'eu-west-1', 'eu-central-1']);
  });

  it('gives a spoke its own regions (with us-east-1) when it overrides them', () => {
    const r = resolveConfig(base({ regions: ['eu-west-1'], spokes: [spoke('222222222222', { regions: ['ap-northeast-1'] }), spoke('333333333333')] }));
    expect(r.spokes[0].regions).toEqual(['us-east-1', 'ap-northeast-1']);
    expect(r.spokes[1].regions).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('names unnamed spokes by account id and maps account ids to display names', () => {
    const r = resolveConfig({ hub: { ...hub, name: 'security' }, spokes: [spoke('222222222222', { name: 'prod' }), spoke('333333333333')] });
    expect(r.spokes.map((s) => s.name)).toEqual(['prod', '333333333333']);
    expect(r.accountNames).toEqual({ '111111111111': 'security', '222222222222': 'prod' });
  });

  it('keeps optional spoke fields only when given', () => {
    const r = resolveConfig(base({ spokes: [spoke('222222222222', { externalId: 'ext-id', cisLogGroupName: 'trail-logs' }), spoke('333333333333')] }));
    expect(r.spokes[0]).toMatchObject({ externalId: 'ext-id', cisLogGroupName: 'trail-logs', cisLogGroupRegion: 'us-east-1' });
    expect(r.spokes[1]).not.toHaveProperty('externalId');
    expect(r.spokes[1]).not.toHaveProperty('cisLogGroupName');
  });

  it('defaults the s3 backend key prefix', () => {
    expect(resolveConfig(base({ backend: { type: 's3', bucket: 'state', region: 'eu-west-1' } })).backend).toEqual({ type: 's3', bucket: 'state', region: 'eu-west-1', keyPrefix: 'rootwatch' });
  });

  it('enables the org guardrails defaults only with a management account', () => {
    const r = resolveConfig(base({ guardrails: { managementAccount: { accountId: '444444444444' }, denyRootScp: { targetIds: ['r-ab12'] } } }));
    expect(r.orgGuardrails).toEqual({
      managementAccount: { accountId: '444444444444', region: 'us-east-1', manageAccountSettings: false },
      regions: r.hub.regions,
      denyRootScp: { enabled: true, targetIds: ['r-ab12'] },
      denyRootAccessKeysScp: { enabled: false, targetIds: [] },
      centralizedRootAccess: true,
      guardDuty: { enabled: false, existingDetectorIds: {}, existingDelegatedAdmin: false, delegatedAdminDetectorIds: {}, autoEnable: 'ALL' },
      securityHub: {
        enabled: false,
        standards: ['cis-aws-foundations-benchmark/v/1.4.0'],
        adoptExisting: false,
        existingStandards: [],
        existingDelegatedAdmin: false,
        autoEnable: true,
        autoEnableStandards: 'DEFAULT',
      },
    });
  });
});

describe('CIS log group region', () => {
  it('defaults to the account\'s home (first) region; another of its regions is kept (the filter goes there)', () => {
    const r = resolveConfig(base({
      regions: ['eu-west-1'],
      spokes: [spoke('222222222222', { cisLogGroupName: 'a' }), spoke('333333333333', { regions: ['ap-south-1'], cisLogGroupName: 'b', cisLogGroupRegion: 'ap-south-1' })],
    }));
    expect(r.spokes.map((x) => x.cisLogGroupRegion)).toEqual(['us-east-1', 'ap-south-1']);
  });

  it('refuses a region the account is not watched in (no provider there to create the filter with)', () => {
    const e = configError(() => resolveConfig(base({ regions: ['eu-west-1'], spokes: [spoke('222222222222', { cisLogGroupName: 'a', cisLogGroupRegion: 'us-west-2' })] })));
    expect(e.field).toBe('spokes[0].cisLogGroupRegion');
    expect(e.problem).toMatch(/must be one of the account's regions \(us-east-1, eu-west-1\)/);
    expect(configError(() => resolveConfig(base({ regions: ['eu-west-1'], hub: { ...hub, cisLogGroupName: 'h', cisLogGroupRegion: 'ap-south-1' } }))).field).toBe('hub.cisLogGroupRegion');
  });

  it('refuses a region without a log group', () => {
    expect(configError(() => resolveConfig(base({ hub: { ...hub, cisLogGroupRegion: 'eu-west-1' } }))).field).toBe('hub.cisLogGroupRegion');
  });
});

describe('account-wide singletons: one owner per account', () => {
  const mgmt = (extra: object = {}) => ({ managementAccount: { accountId: '222222222222', manageAccountSettings: true, ...extra }, denyRootScp: { targetIds: ['r-ab12'] } });

  it('refuses the guardrails stack managing the settings of a management account whose spoke stack manages them', () => {
    const e = configError(() => resolveConfig(base({ guardrails: mgmt() })));
    expect(e.field).toBe('guardrails.managementAccount.manageAccountSettings');
    expect(e.problem).toMatch(/account 222222222222 is also spokes\[0\], whose stack manages its account-wide settings/);
  });

  it('refuses it for a management account that is the hub', () => {
    const e = configError(() => resolveConfig(base({ guardrails: mgmt({ accountId: '111111111111' }) })));
    expect(e.problem).toMatch(/is also hub/);
  });

  it('accepts one owner: the spoke opts out, or the guardrails stack does', () => {
    const r = resolveConfig(base({ spokes: [spoke('222222222222', { manageAccountSettings: false })], guardrails: mgmt() }));
    expect(r.spokes[0].manageAccountSettings).toBe(false);
    expect(r.orgGuardrails!.managementAccount.manageAccountSettings).toBe(true);
    expect(resolveConfig(base({ guardrails: mgmt({ manageAccountSettings: false }) })).orgGuardrails!.managementAccount.manageAccountSettings).toBe(false);
  });

  it('refuses two entries for one account that disagree on the owner (spoke and OU, or two OUs)', () => {
    const ou = (extra: object = {}) => ({ ouId: 'ou-ab12-34cd56ef', accountsFile: 'x.json', assumeRoleName: 'r', ...extra });
    const accounts = [{ Id: '222222222222' }];
    const e = configError(() => resolveConfig(base({ organizationalUnits: [ou({ manageAccountSettings: false })] }), [accounts]));
    expect(e.field).toBe('organizationalUnits[0].manageAccountSettings');
    expect(e.problem).toMatch(/account 222222222222 is also listed by spokes\[0\], which says manageAccountSettings true/);
    const two = configError(() => resolveConfig(base({ spokes: [], hub: { ...hub, organizationId: 'o-abcdefghij' }, organizationalUnits: [ou(), ou({ manageAccountSettings: false })] }), [accounts, accounts]));
    expect(two.field).toBe('organizationalUnits[1].manageAccountSettings');
    // agreeing entries are fine
    expect(resolveConfig(base({ organizationalUnits: [ou()] }), [accounts]).spokes).toHaveLength(1);
  });
});

describe('GuardDuty and Security Hub adoption', () => {
  const g = (guardDuty: object, securityHub: object = {}) => base({ regions: ['eu-west-1'], guardrails: { managementAccount: { accountId: '444444444444' }, denyRootScp: { targetIds: ['r-ab12'] }, guardDuty: { enabled: true, ...guardDuty }, securityHub: { enabled: true, ...securityHub } } });

  it('enables the services in the management region and every configured region', () => {
    expect(resolveConfig(g({})).orgGuardrails!.regions).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('keeps the existing detectors and standards it is told about', () => {
    const r = resolveConfig(g({ existingDetectorIds: { 'eu-west-1': 'a'.repeat(32) } }, { adoptExisting: true, standards: ['cis-aws-foundations-benchmark/v/1.2.0'], existingStandards: ['cis-aws-foundations-benchmark/v/1.2.0'] }));
    expect(r.orgGuardrails!.guardDuty.existingDetectorIds).toEqual({ 'eu-west-1': 'a'.repeat(32) });
    expect(r.orgGuardrails!.securityHub).toMatchObject({ adoptExisting: true, existingStandards: ['cis-aws-foundations-benchmark/v/1.2.0'] });
  });

  it.each([
    ['a detector outside the configured regions', g({ existingDetectorIds: { 'ap-south-1': 'a'.repeat(32) } }), 'guardrails.guardDuty.existingDetectorIds.ap-south-1'],
    ['administrator detectors without an administrator', g({ delegatedAdminDetectorIds: { 'eu-west-1': 'a'.repeat(32) } }), 'guardrails.guardDuty.delegatedAdminDetectorIds'],
    ['an existing administrator without an administrator', g({}, { existingDelegatedAdmin: true }), 'guardrails.securityHub.existingDelegatedAdmin'],
    ['an existing standard that is not subscribed', g({}, { existingStandards: ['pci-dss/v/3.2.1'] }), 'guardrails.securityHub.existingStandards[0]'],
    ['two administrators where one account makes the organization configurations',
      g({ delegatedAdminAccountId: '555555555555', delegatedAdminDetectorIds: { 'eu-west-1': 'a'.repeat(32) } }, { delegatedAdminAccountId: '666666666666' }), 'guardrails.guardDuty.delegatedAdminAccountId'],
  ])('refuses %s', (_name, raw, field) => {
    expect(configError(() => resolveConfig(raw)).field).toBe(field);
  });
});

describe('the guardrails stack reaches the delegated administrator', () => {
  const cfg = (opts: { admin: string; hubRole?: boolean; delegatedAdmin?: { assumeRoleArn?: string }; managementRole?: boolean }): RawConfig => base({
    hub: { ...hub, ...(opts.hubRole ? { assumeRoleArn: 'arn:aws:iam::111111111111:role/deployer' } : {}) },
    guardrails: {
      managementAccount: { accountId: '444444444444', ...(opts.managementRole ? { assumeRoleArn: 'arn:aws:iam::444444444444:role/deployer' } : {}) },
      denyRootScp: { targetIds: ['r-ab12'] },
      securityHub: { enabled: true, delegatedAdminAccountId: opts.admin },
      ...(opts.delegatedAdmin ? { delegatedAdmin: opts.delegatedAdmin } : {}),
    },
  });

  it('refuses ambient credentials for both the management account and the administrator (plan would fail on allowed_account_ids)', () => {
    const hubAdmin = configError(() => resolveConfig(cfg({ admin: '111111111111' })));
    expect(hubAdmin.field).toBe('hub.assumeRoleArn');
    expect(hubAdmin.message).toContain('management account 444444444444');
    expect(hubAdmin.message).toContain('delegated administrator 111111111111');
    expect(configError(() => resolveConfig(cfg({ admin: '555555555555' }))).field).toBe('guardrails.delegatedAdmin.assumeRoleArn');
  });

  it('refuses a role in another account than the administrator', () => {
    const e = configError(() => resolveConfig(cfg({ admin: '555555555555', delegatedAdmin: { assumeRoleArn: 'arn:aws:iam::111111111111:role/deployer' } })));
    expect(e.field).toBe('guardrails.delegatedAdmin.assumeRoleArn');
    expect(e.message).toContain('must be a role in account 555555555555');
  });

  it.each([
    ['the hub role, when the administrator is the hub', { admin: '111111111111', hubRole: true }],
    ['guardrails.delegatedAdmin', { admin: '555555555555', delegatedAdmin: { assumeRoleArn: 'arn:aws:iam::555555555555:role/deployer' } }],
    ['a management role (ambient credentials left to the administrator)', { admin: '555555555555', managementRole: true }],
    ['nothing when the administrator is the management account', { admin: '444444444444' }],
  ])('accepts %s', (_name, opts) => {
    expect(resolveConfig(cfg(opts)).orgGuardrails!.securityHub.delegatedAdminAccountId).toBe(opts.admin);
  });
});

describe('organizational units', () => {
  const ou = { ouId: 'ou-ab12-34cd56ef', accountsFile: 'x.json', assumeRoleName: 'rootwatch-deployer', externalId: 'ou-ext' };
  const accounts = [
    { Id: '222222222222', Name: 'Production', Status: 'ACTIVE' },
    { Id: '555555555555', Name: 'Sandbox', Status: 'ACTIVE' },
    { Id: '111111111111', Name: 'Security', Status: 'ACTIVE' },
    { Id: '666666666666', Name: 'Closed', Status: 'SUSPENDED' },
    { Id: '777777777777' },
  ];
  const r = resolveConfig(base({ spokes: [spoke('222222222222', { name: 'prod', regions: ['eu-west-1'] })], organizationalUnits: [ou] }), [accounts]);

  it('adds every active account except the hub; suspended accounts are skipped', () => {
    expect(r.spokes.map((s) => s.accountId)).toEqual(['222222222222', '555555555555', '777777777777']);
  });

  it('keeps the explicit entry of an account listed both ways', () => {
    expect(r.spokes[0]).toMatchObject({ name: 'prod', assumeRoleArn: 'arn:aws:iam::222222222222:role/deployer', regions: ['us-east-1', 'eu-west-1'] });
    expect(r.spokes[0]).not.toHaveProperty('externalId');
    expect(r.accountNames['222222222222']).toBe('prod');
  });

  it('builds the role ARN from assumeRoleName and carries the OU external id', () => {
    expect(r.spokes[1]).toEqual({
      name: '555555555555',
      accountId: '555555555555',
      assumeRoleArn: 'arn:aws:iam::555555555555:role/rootwatch-deployer',
      externalId: 'ou-ext',
      regions: r.hub.regions,
    });
    expect(r.accountNames['555555555555']).toBe('Sandbox');
    expect(r.accountNames['777777777777']).toBeUndefined();
  });

  it('counts OU accounts as spokes for the no-spoke rule', () => {
    expect(() => resolveConfig({ hub, organizationalUnits: [ou] }, [[{ Id: '555555555555' }]])).not.toThrow();
  });
});

describe('cross-field rules', () => {
  it.each([
    ['spoke equal to the hub', base({ spokes: [spoke('111111111111')] }), 'spokes[0].accountId', /hub account/],
    ['duplicate account', base({ spokes: [spoke('222222222222', { name: 'a' }), spoke('222222222222', { name: 'b' })] }), 'spokes[1].accountId', /duplicates spokes\[0\]\.accountId/],
    ['duplicate name', base({ spokes: [spoke('222222222222', { name: 'a' }), spoke('333333333333', { name: 'a' })] }), 'spokes[1].name', /duplicates spokes\[0\]\.name/],
    ['spoke role in another account', base({ spokes: [spoke('222222222222', { assumeRoleArn: 'arn:aws:iam::333333333333:role/x' })] }), 'spokes[0].assumeRoleArn', /in account 222222222222, not 333333333333/],
    ['hub role in another account', base({ hub: { ...hub, assumeRoleArn: 'arn:aws:iam::222222222222:role/x' } }), 'hub.assumeRoleArn', /in account 111111111111/],
    ['management role in another account', base({ guardrails: { managementAccount: { accountId: '444444444444', assumeRoleArn: 'arn:aws:iam::111111111111:role/x' }, denyRootScp: { targetIds: ['r-ab12'] } } }), 'guardrails.managementAccount.assumeRoleArn', /444444444444/],
    ['deny-root SCP (on by default) without targets', base({ guardrails: { managementAccount: { accountId: '444444444444' } } }), 'guardrails.denyRootScp.targetIds', /at least one/],
    ['access-key SCP enabled without targets', base({ guardrails: { managementAccount: { accountId: '444444444444' }, denyRootScp: { enabled: false }, denyRootAccessKeysScp: { enabled: true } } }), 'guardrails.denyRootAccessKeysScp.targetIds', /at least one/],
    ['Security Hub without management account', base({ guardrails: { securityHub: { enabled: true } } }), 'guardrails.securityHub', /needs guardrails\.managementAccount/],
    ['deny-root SCP targets without management account', base({ guardrails: { denyRootScp: { targetIds: ['r-ab12'] } } }), 'guardrails.denyRootScp', /needs guardrails\.managementAccount/],
    ['centralized root access (on by default) without management account', base({ guardrails: { centralizedRootAccess: {} } }), 'guardrails.centralizedRootAccess', /needs guardrails\.managementAccount/],
    ['no spokes and no organization', { hub }, 'spokes', /organizationId/],
    ['201 listed spokes', base({ spokes: manySpokes(201) }), 'hub.organizationId', /200/],
    ['heartbeat every 0 hours', base({ alerts: { heartbeat: { scheduleExpression: 'rate(0 hours)' } } }), 'alerts.heartbeat.scheduleExpression', /rate\(0 hours\)/],
    ['heartbeat "rate(1 hours)"', base({ alerts: { heartbeat: { scheduleExpression: 'rate(1 hours)' } } }), 'alerts.heartbeat.scheduleExpression', /rate\(1 hours\)/],
    ['heartbeat "rate(5 hour)"', base({ alerts: { heartbeat: { scheduleExpression: 'rate(5 hour)' } } }), 'alerts.heartbeat.scheduleExpression', /rate\(5 hour\)/],
    ['heartbeat every 25 hours', base({ alerts: { heartbeat: { scheduleExpression: 'rate(25 hours)' } } }), 'alerts.heartbeat.scheduleExpression', /rate\(25 hours\)/],
  ])('%s -> ConfigError naming the field', (_name, raw, field, problem) => {
    const e = configError(() => resolveConfig(raw as RawConfig));
    expect(e.field).toBe(field);
    expect(e.message.startsWith(`${field}: `)).toBe(true);
    expect(e.problem).toMatch(problem);
    expect(e.message).not.toContain('\n');
  });

  it('accepts 200 listed spokes, and any number with an organization', () => {
    expect(resolveConfig(base({ spokes: manySpokes(200) })).spokes).toHaveLength(200);
    expect(resolveConfig(base({ hub: { ...hub, organizationId: 'o-abcdefghij' }, spokes: manySpokes(250) })).spokes).toHaveLength(250);
  });

  it('accepts a hub without spokes when the organization is admitted', () => {
    expect(resolveConfig({ hub: { ...hub, organizationId: 'o-abcdefghij' } }).spokes).toEqual([]);
  });

  it.each(['rate(1 day)', 'rate(1 hour)', 'rate(2 hours)', 'rate(24 hours)'])('accepts heartbeat %s', (s) => {
    expect(resolveConfig(base({ alerts: { heartbeat: { scheduleExpression: s } } })).alerts.heartbeat.scheduleExpression).toBe(s);
  });

  it('does not complain about disabled org guardrails without a management account', () => {
    expect(() => resolveConfig(base({ guardrails: { denyRootScp: { enabled: false }, guardDuty: { enabled: false } } }))).not.toThrow();
  });
});

describe('ConfigError', () => {
  it('formats "<field>: <problem>" and keeps both parts', () => {
    const e = new ConfigError('spokes[1].accountId', 'must be 12 digits');
    expect(e.message).toBe('spokes[1].accountId: must be 12 digits');
    expect(e.name).toBe('ConfigError');
    expect(e.field).toBe('spokes[1].accountId');
    expect(e.problem).toBe('must be 12 digits');
  });
});
