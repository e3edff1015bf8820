/**
 * The coverage wiring of the roots and modules: a heartbeat per account x region through the
 * spoke-region module, the hub's one stale-path alarm whatever the number of accounts, the expected
 * set (with 1,000 names) in ledger items rather than the notifier environment, and the management
 * account monitored from the guardrails root.
 */
import * as path from 'path';
import { Testing } from 'cdktf';
import { buildModulesApp, GuardrailsStack, HubStack, SpokeStack } from '../../stacks/app';
import { moduleCatalog } from '../../cli/module-output';
import { checkConfig } from '../../cli/load-config';
import { expectedChunks } from '../../core/coverage';
import { exampleRaw, FIXTURES, Json, readJson, REPO } from '../helpers/configs';
import { spokeModuleTf } from '../../stacks/spoke-module';
import { fakeCode } from '../helpers/stacks';
import { rmrf, tempDir } from '../helpers/tree';

/** A module's variables as synth wrote them (for the composition module of a region set). */
const vars = (m: string) => readJson(path.join(REPO, 'terraform-out', 'modules', m, 'variables.tf.json')).variable;

const tmp = tempDir('coverage-wiring');
afterAll(() => rmrf(tmp));
const modules = buildModulesApp(path.join(tmp, 'modules'), fakeCode(tmp)).modules;
const catalog = moduleCatalog(modules);
const example = checkConfig(exampleRaw(), FIXTURES);
const synth = (stack: Parameters<typeof Testing.synth>[0]) => JSON.parse(Testing.synth(stack));
const hubModule = synth(modules.hub);

function withSpokes(n: number): Json {
  const raw = exampleRaw();
  raw.spokes = Array.from({ length: n }, (_, i) => {
    const id = String(100000000000 + i);
    return { name: `workload-team${String(i).padStart(4, '0')}-production-eu`, accountId: id, assumeRoleArn: `arn:aws:iam::${id}:role/rootwatch-deployer` };
  });
  return raw;
}

describe('hub: one stale-path alarm, whatever the number of accounts', () => {
  it('the hub module holds exactly one StalePaths alarm (missing data breaching) and no alarm per account', () => {
    const alarms = Object.values<Json>(hubModule.resource.aws_cloudwatch_metric_alarm);
    const stale = alarms.filter((a) => a.metric_name === 'StalePaths');
    expect(stale).toHaveLength(1);
    expect(stale[0]).toMatchObject({ treat_missing_data: 'breaching', statistic: 'Maximum', threshold: 1 });
    expect(alarms.filter((a) => a.for_each !== undefined)).toEqual([]);
    expect(alarms.filter((a) => a.metric_name === 'Heartbeat')).toEqual([]);
  });

  it('2 spokes and 200 spokes give the hub root the same module call but for the account lists (alarm count equal)', () => {
    const call = (n: number) => synth(new HubStack(Testing.app(), 'hub', checkConfig(withSpokes(n), FIXTURES), catalog)).module.hub;
    const two = call(2);
    const twoHundred = call(200);
    const strip = (m: Json) => ({ ...m, admitted_account_ids: undefined, expected_accounts: undefined });
    expect(strip(twoHundred)).toEqual(strip(two));
    expect(twoHundred.expected_accounts).toHaveLength(202); // hub + 200 spokes + management
  });

  it('1,000 named accounts: names travel in expected_accounts (ledger items of 100 accounts), never in the notifier environment', () => {
    const call = synth(new HubStack(Testing.app(), 'hub', checkConfig(withSpokes(1000), FIXTURES), catalog)).module.hub;
    expect(call).not.toHaveProperty('account_names');
    expect(call.expected_accounts).toHaveLength(1002);
    const chunks = expectedChunks(call.expected_accounts.map((e: Json) => ({ account: e.account_id, regions: e.regions, ...(e.name ? { name: e.name } : {}) })));
    for (const c of chunks) expect(Buffer.byteLength(c)).toBeLessThan(400 * 1024);
    const [fn] = Object.values<Json>(hubModule.resource.aws_lambda_function).filter((f) => String(f.function_name).endsWith('-notifier'));
    const env = JSON.stringify(fn.environment.variables);
    expect(env).not.toContain('ACCOUNT_NAMES');
    expect(Buffer.byteLength(env)).toBeLessThan(1024);
    const item = Object.values<Json>(hubModule.resource.aws_dynamodb_table_item)[0];
    expect(item.for_each).toContain('chunklist(var.expected_accounts, 100)');
  });
});

describe('a heartbeat per monitored account x region', () => {
  it('every spoke-region call of a spoke gets the schedule and the account module\'s heartbeat role', () => {
    const prod = example.spokes.find((s) => s.name === 'prod')!;
    const root = synth(new SpokeStack(Testing.app(), 'spoke-prod', example, prod, catalog));
    // one call of the composition module of prod's regions, with the schedule ...
    expect(Object.keys(root.module.spoke.providers)).toHaveLength(prod.regions.length);
    expect(root.module.spoke.heartbeat_schedule).toBe('rate(6 hours)');
    expect(root.module.spoke.dead_letter_alarm).toBeUndefined(); // the module's default: true
    // ... which passes it to every region's call, with the account module's heartbeat role
    const composition = spokeModuleTf(prod.regions, vars('account'), vars('spoke-region'), readJson(path.join(REPO, 'terraform-out', 'modules', 'account', 'versions.tf.json')).terraform);
    const regions = Object.keys(composition.module).filter((k) => k.startsWith('region_'));
    expect(regions).toHaveLength(prod.regions.length);
    for (const r of regions) {
      expect(composition.module[r]).toMatchObject({ heartbeat_schedule: '${var.heartbeat_schedule}', heartbeat_role_arn: '${module.account.heartbeat_role_arn}', dead_letter_alarm: '${var.dead_letter_alarm}' });
    }
    expect(composition.module.account.heartbeat).toBe('${var.heartbeat_schedule != null}');
  });

  it('the spoke-region module: one schedule calling sqs:tagQueue on its own DLQ, which carries the same tag', () => {
    const m = synth(modules['spoke-region']);
    const [schedule] = Object.values<Json>(m.resource.aws_scheduler_schedule);
    expect(schedule.target.arn).toBe('arn:${data.aws_partition.partition.partition}:scheduler:::aws-sdk:sqs:tagQueue');
    const input = JSON.parse(schedule.target.input);
    const [, queue] = /^\$\{aws_sqs_queue\.([^.]+)\.url\}$/.exec(input.QueueUrl)!;
    expect(m.resource.aws_sqs_queue[queue].tags).toEqual(input.Tags);
    expect(schedule.count).toBe('${var.heartbeat_schedule != null ? 1 : 0}');
  });

  it('the management account (guardrails.managementAccount) is monitored in every configured region, forwarding only', () => {
    const root = synth(new GuardrailsStack(Testing.app(), 'guardrails', example, example.orgGuardrails!, catalog));
    expect(Object.keys(root.module.spoke.providers).sort()).toEqual(['aws.eu_central_1', 'aws.eu_west_1', 'aws.us_east_1', 'aws.us_east_2', 'aws.us_west_2']);
    expect(root.module.spoke).toMatchObject({ account_id: '${var.management_account_id}', trail: null, manage_account_settings: false });
    expect(root.module.spoke.hub_bus_arn).toMatch(/:events:eu-west-1:\$\{var\.hub_account_id\}:event-bus\/rootwatch-root-events$/);
  });
});
