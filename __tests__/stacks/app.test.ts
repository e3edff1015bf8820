/**
 * The structure of the generated Terraform (JSON level, no terraform binary): reusable modules that
 * carry no config value, and thin deploy roots that call them with the config's values.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdktf';
import { buildDeployApp, buildModulesApp, GuardrailsStack, HubStack, SpokeStack } from '../../stacks/app';
import { moduleCatalog, moduleReadme } from '../../cli/module-output';
import { spokeModuleName, spokeModuleTf } from '../../stacks/spoke-module';
import { checkConfig } from '../../cli/load-config';
import { exampleRaw, FIXTURES, minimalRaw, readJson, REPO } from '../helpers/configs';
import { fakeCode } from '../helpers/stacks';
import { rmrf, tempDir } from '../helpers/tree';

const tmp = tempDir('app');
const code = fakeCode(tmp);
afterAll(() => rmrf(tmp));
const modules = buildModulesApp(path.join(tmp, 'modules'), code).modules;
const catalog = moduleCatalog(modules);
const example = checkConfig(exampleRaw(), FIXTURES);

const stackNames = (app: { node: { children: { node: { id: string } }[] } }) => app.node.children.map((c) => c.node.id).sort();
const synth = (stack: Parameters<typeof Testing.synth>[0]) => JSON.parse(Testing.synth(stack));

describe('the apps', () => {
  it('deploy: the hub, one stack per spoke named spoke-<name>, and the guardrails with a management account', () => {
    expect(stackNames(buildDeployApp(tmp, example, catalog))).toEqual(['guardrails', 'hub', 'spoke-prod', 'spoke-staging']);
  });

  it('deploy: no guardrails stack without a management account; unnamed spokes are named by account', () => {
    const raw = minimalRaw();
    delete raw.spokes[1].name;
    expect(stackNames(buildDeployApp(tmp, checkConfig(raw, FIXTURES), catalog))).toEqual(['hub', 'spoke-333333333333', 'spoke-prod']);
  });

  it('modules: hub, account, spoke-region and guardrails, whatever the config', () => {
    expect(Object.keys(modules).sort()).toEqual(['account', 'guardrails', 'hub', 'spoke-region']);
  });
});

describe('the committed modules (terraform-out/modules)', () => {
  const dir = path.join(REPO, 'terraform-out', 'modules');
  const text = (m: string) => ['main.tf.json', 'variables.tf.json', 'outputs.tf.json'].map((f) => fs.readFileSync(path.join(dir, m, f), 'utf8')).join('\n');
  const names = ['account', 'guardrails', 'hub', 'spoke-region'];

  it('carry no value of the config: no account, organization, region, address, parameter or target', () => {
    const values = ['111111111111', '222222222222', '333333333333', '444444444444', 'o-exampleorgid', 'eu-west-1', 'us-east-1', 'example.com', '/rootwatch/', 'r-exmp', 'Finance Team'];
    for (const m of names) for (const v of values) expect([m, v, text(m).includes(v)]).toEqual([m, v, false]);
  });

  it('require identity and routing inputs (no default) and validate them', () => {
    const required: Record<string, string[]> = {
      hub: ['hub_account_id', 'hub_region', 'organization_id', 'admitted_account_ids', 'login_emails', 'activity_emails', 'slack_webhook_parameter_name', 'pagerduty_routing_key_parameter_name', 'expected_accounts', 'name_prefix'],
      account: ['account_id', 'hub_bus_arn', 'cis_log_group_name', 'name_prefix'],
      'spoke-region': ['spoke_account_id', 'hub_bus_arn', 'forwarder_role_arn', 'name_prefix'],
      guardrails: ['deny_root_target_ids', 'deny_root_access_keys_target_ids', 'name_prefix'],
    };
    for (const [m, vars] of Object.entries(required)) {
      const declared = readJson(path.join(dir, m, 'variables.tf.json')).variable;
      for (const v of vars) {
        expect([m, v, 'default' in declared[v]]).toEqual([m, v, false]);
        if (!['organization_id', 'cis_log_group_name'].includes(v)) expect([m, v, (declared[v].validation ?? []).length > 0]).toEqual([m, v, true]);
      }
    }
  });

  it('have stable addresses (the construct path, never a hash suffix) and no provider block', () => {
    for (const m of names) {
      const main = readJson(path.join(dir, m, 'main.tf.json'));
      expect(main.provider).toBeUndefined();
      for (const byId of Object.values<Record<string, unknown>>(main.resource)) for (const id of Object.keys(byId)) expect(id).not.toMatch(/_[0-9A-F]{8}$/);
    }
  });

  it('declare versions, a README with every input and output, and an example', () => {
    for (const m of names) {
      const versions = readJson(path.join(dir, m, 'versions.tf.json')).terraform;
      expect(versions.required_providers.aws).toEqual({ source: 'hashicorp/aws', version: '>= 5.100.0, < 6.0.0' });
      expect(versions.required_version).toBe('>= 1.5.0');
      const readme = fs.readFileSync(path.join(dir, m, 'README.md'), 'utf8');
      for (const v of Object.keys(readJson(path.join(dir, m, 'variables.tf.json')).variable)) expect(readme).toContain(`| \`${v}\` |`);
      for (const o of Object.keys(readJson(path.join(dir, m, 'outputs.tf.json')).output)) expect(readme).toContain(`| \`${o}\` |`);
      expect(fs.readFileSync(path.join(dir, m, 'examples', 'basic', 'main.tf'), 'utf8')).toContain('source = "../.."');
    }
  });

  it('READMEs are fresh: exactly what synth generates from the module\'s variables and outputs', () => {
    for (const m of names) {
      const expected = moduleReadme(m as keyof typeof modules, modules[m as keyof typeof modules].description,
        readJson(path.join(dir, m, 'variables.tf.json')).variable, readJson(path.join(dir, m, 'outputs.tf.json')).output);
      expect(fs.readFileSync(path.join(dir, m, 'README.md'), 'utf8')).toBe(expected);
    }
  });

  it('the hub module fails plan when its provider is not in hub_region (precondition, not a warning)', () => {
    const bus = readJson(path.join(dir, 'hub', 'main.tf.json')).resource.aws_cloudwatch_event_bus.hub_bus_bus;
    expect(bus.lifecycle.precondition[0].condition).toBe('${data.aws_region.current.name == var.hub_region}');
  });
});

describe('spoke roots', () => {
  const staging = example.spokes.find((s) => s.name === 'staging')!;
  const root = synth(new SpokeStack(Testing.app(), 'spoke-staging', example, staging, catalog));

  it('declare no resource: one call of the composition module of its region set, each region\'s provider behind its alias', () => {
    expect(root.resource).toBeUndefined();
    expect(Object.keys(root.module)).toEqual(['spoke']);
    const spoke = root.module.spoke;
    expect(spoke.source).toBe(`../../modules/${spokeModuleName(['us-east-1', 'eu-west-1'])}`);
    expect(spokeModuleName(['us-east-1', 'eu-west-1'])).toMatch(/^spoke-2r-[0-9a-f]{8}$/);
    const regionOf = Object.fromEntries(root.provider.aws.map((p: { alias: string; region: string }) => [`aws.${p.alias}`, p.region]));
    expect(Object.keys(spoke.providers).sort()).toEqual(['aws.eu_west_1', 'aws.us_east_1']);
    for (const [alias, provider] of Object.entries<string>(spoke.providers)) expect(regionOf[provider]).toBe(alias.replace('aws.', '').replace(/_/g, '-'));
    expect(spoke.hub_bus_arn).toBe('arn:aws:events:eu-west-1:${var.hub_account_id}:event-bus/rootwatch-root-events');
    expect(spoke.account_id).toBe('${var.spoke_account_id}');
  });

  it('the composition module calls the account module once (home region) and spoke-region once per region', () => {
    const vars = (m: string) => readJson(path.join(REPO, 'terraform-out', 'modules', m, 'variables.tf.json')).variable;
    const versions = readJson(path.join(REPO, 'terraform-out', 'modules', 'account', 'versions.tf.json')).terraform;
    const tf = spokeModuleTf(['us-east-1', 'eu-west-1', 'ap-south-1'], vars('account'), vars('spoke-region'), versions);
    expect(Object.keys(tf.module).sort()).toEqual(['account', 'region_ap_south_1', 'region_eu_west_1', 'region_us_east_1']);
    expect(tf.module.account).toMatchObject({ source: '../account', providers: { aws: 'aws.us_east_1' }, account_id: '${var.account_id}' });
    for (const r of ['ap_south_1', 'eu_west_1', 'us_east_1']) {
      expect(tf.module[`region_${r}`]).toMatchObject({ source: '../spoke-region', providers: { aws: `aws.${r}` }, forwarder_role_arn: '${module.account.forwarder_role_arn}', hub_bus_arn: '${var.hub_bus_arn}' });
    }
    expect(tf.terraform.required_providers.aws.configuration_aliases).toEqual(['aws.us_east_1', 'aws.ap_south_1', 'aws.eu_west_1']);
    // regions are structure, not input: no identity default
    for (const v of ['account_id', 'hub_bus_arn', 'name_prefix']) expect(tf.variable[v].default).toBeUndefined();
    // the same set in another order is the same module; another home region is another one
    expect(spokeModuleName(['us-east-1', 'ap-south-1', 'eu-west-1'])).toBe(spokeModuleName(['us-east-1', 'eu-west-1', 'ap-south-1']));
    expect(spokeModuleName(['eu-west-1', 'us-east-1', 'ap-south-1'])).not.toBe(spokeModuleName(['us-east-1', 'eu-west-1', 'ap-south-1']));
  });

  it('declare exactly the four documented variables, the config as defaults; the external ID is not sensitive', () => {
    expect(Object.keys(root.variable).sort()).toEqual(['hub_account_id', 'spoke_account_assume_role_arn', 'spoke_account_external_id', 'spoke_account_id']);
    expect(root.variable.spoke_account_id.default).toBe('333333333333');
    expect(root.variable.spoke_account_external_id).toMatchObject({ default: null, nullable: true });
    expect(root.variable.spoke_account_external_id.sensitive).toBeUndefined();
    // every provider refers to the settings they share, written once as locals
    expect(root.locals).toMatchObject({ role_arn: '${var.spoke_account_assume_role_arn}', external_id: '${var.spoke_account_external_id}', accounts: ['${var.spoke_account_id}'] });
    for (const p of root.provider.aws) {
      expect(p.assume_role[0]).toEqual({ role_arn: '${local.role_arn}', external_id: '${local.external_id}', session_name: 'rootwatch' });
      expect(p.allowed_account_ids).toBe('${local.accounts}');
      expect(p.default_tags[0].tags).toBe('${local.tags}');
    }
  });
});

describe('hub root', () => {
  const root = synth(new HubStack(Testing.app(), 'hub', example, catalog));

  it('calls the hub module with the hub region\'s provider and the config\'s choices', () => {
    const hub = root.module.hub;
    const regionOf = Object.fromEntries(root.provider.aws.map((p: { alias: string; region: string }) => [`aws.${p.alias}`, p.region]));
    expect(regionOf[hub.providers.aws]).toBe('eu-west-1');
    expect(hub).toMatchObject({
      hub_region: 'eu-west-1',
      organization_id: 'o-exampleorgid',
      admitted_account_ids: [], // the organization is admitted: the list would be unused
      login_emails: ['security-oncall@example.com'],
      slack_webhook_parameter_name: '/rootwatch/slack/webhook-url',
    });
    // the coverage set with the names (ledger items, not the notifier environment): hub, spokes, management account
    // a region list used twice or more is written once, as a local
    const regions = (r: string | string[]) => (typeof r === 'string' ? root.locals[/^\$\{local\.(\w+)\}$/.exec(r)![1]] : r);
    expect(hub.expected_accounts.map((e: { account_id: string; name: string | null; regions: string | string[] }) => [e.account_id, e.name, regions(e.regions).length])).toEqual([
      ['${var.hub_account_id}', 'security', 5],
      ['222222222222', 'prod', 5],
      ['333333333333', 'staging', 2],
      ['444444444444', null, 5],
    ]);
    expect(hub).not.toHaveProperty('account_names');
    expect(typeof hub.expected_accounts[0].regions).toBe('string');
    expect(root.module.spoke.hub_bus_arn).toBe('${module.hub.bus_arn}');
  });

  it('disables an alerter with null', () => {
    const raw = exampleRaw();
    delete raw.alerts.slack;
    const r = synth(new HubStack(Testing.app(), 'hub', checkConfig(raw, FIXTURES), catalog));
    expect(r.module.hub.slack_webhook_parameter_name).toBeNull();
  });
});

describe('account-wide singletons: one owner per account', () => {
  it('a spoke that does not own its account settings says so (the composition module then passes none to the account module; the trail stays)', () => {
    const raw = exampleRaw();
    raw.spokes[1].manageAccountSettings = false;
    const c = checkConfig(raw, FIXTURES);
    const owned = synth(new SpokeStack(Testing.app(), 'spoke-prod', c, c.spokes[0], catalog)).module.spoke;
    const notOwned = synth(new SpokeStack(Testing.app(), 'spoke-staging', c, c.spokes[1], catalog)).module.spoke;
    expect(Object.keys(owned.alternate_contacts)).toEqual(['billing', 'operations', 'security']);
    expect(owned.password_policy).toEqual({ minimum_length: 16, reuse_prevention: 24, max_age_days: 0 }); // the example sets 16
    expect(owned.s3_public_access_block).toBe(true); // the example opts in explicitly
    expect(owned.manage_account_settings).toBeUndefined(); // the module's default: true
    expect(notOwned.manage_account_settings).toBe(false);
    expect(notOwned.trail).toEqual({ log_retention_days: 365, object_lock_days: 365, transition_to_glacier_days: 90 });
    const vars = (m: string) => readJson(path.join(REPO, 'terraform-out', 'modules', m, 'variables.tf.json')).variable;
    const account = spokeModuleTf(['us-east-1'], vars('account'), vars('spoke-region'), readJson(path.join(REPO, 'terraform-out', 'modules', 'account', 'versions.tf.json')).terraform).module.account;
    expect(account).toMatchObject({
      alternate_contacts: '${var.manage_account_settings ? var.alternate_contacts : {}}',
      password_policy: '${var.manage_account_settings ? var.password_policy : null}',
      s3_public_access_block: '${var.manage_account_settings && var.s3_public_access_block}',
      trail: '${var.trail}',
    });
  });

  it('the S3 account public access block is off unless the config opts in', () => {
    const raw = exampleRaw();
    delete raw.guardrails.s3PublicAccessBlock;
    const c = checkConfig(raw, FIXTURES);
    expect(synth(new SpokeStack(Testing.app(), 'spoke-prod', c, c.spokes[0], catalog)).module.spoke.s3_public_access_block).toBe(false);
  });

  it('the guardrails stack manages the management account\'s settings when the config makes it their owner, else leaves them alone', () => {
    const raw = exampleRaw();
    const off = checkConfig(raw, FIXTURES);
    expect(synth(new GuardrailsStack(Testing.app(), 'guardrails', off, off.orgGuardrails!, catalog)).module.spoke)
      .toMatchObject({ manage_account_settings: false, trail: null });
    raw.guardrails.managementAccount.manageAccountSettings = true;
    const on = checkConfig(raw, FIXTURES);
    const account = synth(new GuardrailsStack(Testing.app(), 'guardrails', on, on.orgGuardrails!, catalog)).module.spoke;
    expect(Object.keys(account.alternate_contacts)).toEqual(['billing', 'operations', 'security']);
    expect(account.password_policy).toEqual({ minimum_length: 16, reuse_prevention: 24, max_age_days: 0 });
    expect(account.s3_public_access_block).toBe(true);
    expect(account.manage_account_settings).toBeUndefined(); // the module's default: true
    expect(account).toMatchObject({ trail: null }); // forwarding and settings only
    expect(account.cis_log_group_name).toBeUndefined();
  });

  it('refuses it for a management account that is also a spoke (that entry\'s stack holds the account module)', () => {
    const raw = exampleRaw();
    raw.guardrails.managementAccount = { accountId: raw.spokes[1].accountId, manageAccountSettings: true };
    raw.spokes[1].manageAccountSettings = false;
    const c = checkConfig(raw, FIXTURES);
    expect(() => new GuardrailsStack(Testing.app(), 'guardrails', c, c.orgGuardrails!, catalog)).toThrow(/^guardrails\.managementAccount\.manageAccountSettings: account \d{12} is also the hub or a spoke/);
  });
});

describe('the CIS path', () => {
  const account = readJson(path.join(REPO, 'terraform-out', 'modules', 'account', 'main.tf.json'));
  const filter = Object.values(account.resource.aws_cloudwatch_log_metric_filter)[0] as { count: string; log_group_name: string; depends_on: string[] };

  it('watches the given log group, else the hardened trail\'s own log group (created first)', () => {
    expect(filter.count).toMatch(/var\.cis_log_group_name != null \|\| var\.trail != null/);
    expect(filter.log_group_name).toBe('${var.cis_log_group_name != null ? var.cis_log_group_name : "${var.name_prefix}-trail-${var.account_id}-${data.aws_region.current.name}"}');
    const [group] = Object.entries(account.resource.aws_cloudwatch_log_group as Record<string, { name: string }>).find(([, g]) => g.name.includes('-trail-'))!;
    expect(filter.depends_on).toEqual([`aws_cloudwatch_log_group.${group}`]);
    expect((account.resource.aws_cloudwatch_log_group as Record<string, { name: string }>)[group].name).toBe('${var.name_prefix}-trail-${var.account_id}-${data.aws_region.current.name}');
  });

  it('a spoke with the trail and no log group outputs its CIS alarm', () => {
    const staging = example.spokes.find((x) => x.name === 'staging')!;
    const root = synth(new SpokeStack(Testing.app(), 'spoke-staging', example, staging, catalog));
    expect(root.module.spoke.cis_log_group_name).toBeUndefined(); // the module's default: null
    expect(root.module.spoke.trail).toEqual({ log_retention_days: 365, object_lock_days: 365, transition_to_glacier_days: 90 });
    expect(Object.keys(root.output)).toEqual(expect.arrayContaining(['cis_alarm_arn', 'cis_topic_arn']));
  });
});

const REPLACED_BY_COVERAGE = /^aws_cloudwatch_metric_alarm\.hub_heartbeat-|^aws_(iam_role|iam_role_policy|scheduler_schedule)\.heartbeat_/;

describe('migration blocks only with migrateFrom', () => {
  const raw = exampleRaw();
  delete raw.migrateFrom;
  const fresh = checkConfig(raw, FIXTURES);
  const app = buildDeployApp(path.join(tmp, 'fresh'), fresh, catalog);
  it.each(['hub', 'spoke-prod', 'spoke-staging', 'guardrails'])('%s of a new installation has no moved or removed block', (name) => {
    const root = synth(app.node.findChild(name) as GuardrailsStack);
    expect(root.moved).toBeUndefined();
    expect(root.removed).toBeUndefined();
  });
  it('the hub keeps no default provider (it was there only for the removed heartbeat alarms)', () => {
    const root = synth(app.node.findChild('hub') as HubStack);
    expect((root.provider.aws as { alias?: string }[]).every((p) => p.alias)).toBe(true);
    const migrating = synth(buildDeployApp(path.join(tmp, 'migrating'), example, catalog).node.findChild('hub') as HubStack);
    expect((migrating.provider.aws as { alias?: string }[]).some((p) => !p.alias)).toBe(true);
  });
  it('without migration blocks the module calls are the same', () => {
    const migrating = synth(buildDeployApp(path.join(tmp, 'migrating2'), example, catalog).node.findChild('spoke-prod') as SpokeStack);
    expect(synth(app.node.findChild('spoke-prod') as SpokeStack).module).toEqual(migrating.module);
  });
});

describe('moved blocks from the pre-module stacks (rootwatch 0.1.0)', () => {
  const old = readJson(path.join(FIXTURES, '..', 'pre-module-addresses.json')).stacks as Record<string, { address: string }[]>;
  const app = buildDeployApp(path.join(tmp, 'deploy'), example, catalog);
  it.each(Object.keys(old))('%s: every address of the old stack moves into a module, and nothing else moves', (name) => {
    const root = synth(app.node.findChild(name) as GuardrailsStack);
    const from = (root.moved as { from: string; to: string }[]).map((m) => m.from).sort();
    // replaced, not moved: the per-account heartbeat alarms (one stale-path alarm now) and the
    // custom-event heartbeat canary (a CloudTrail heartbeat per region now)
    expect(from).toEqual(old[name].map((a) => a.address).filter((a) => !REPLACED_BY_COVERAGE.test(a)).sort());
    for (const m of root.moved) expect(m.to).toMatch(/^module\.[a-z_0-9]+\./);
  });
});
