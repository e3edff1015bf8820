/**
 * `spokeDelivery: "stackset"` through the real CLI (issue 15): bad input is one line naming the
 * field, exit 2, nothing written; the example stackset config synthesizes a stackset root holding
 * the service-managed stack set, with the example's own terraform-out untouched by this mode.
 */
import * as fs from 'fs';
import * as path from 'path';
import { REPO, writeConfig, Json } from '../helpers/configs';
import { CliResult, ensureDist, inPool, runCli, stderrLines } from '../helpers/cli';
import { rmrf, tempDir } from '../helpers/tree';
import { rulePatterns } from '../../core/patterns';

const EXAMPLE = path.join(REPO, 'examples', 'stackset', 'rootwatch.config.json');
const example = (): Json => JSON.parse(fs.readFileSync(EXAMPLE, 'utf8'));
let tmp: string;
beforeAll(() => {
  ensureDist();
  tmp = tempDir('stackset');
});
afterAll(() => rmrf(tmp));

const BAD: Array<[string, string, RegExp, (c: Json) => void]> = [
  ['stackset without a stackSet section', 'stackSet', /is required with "spokeDelivery": "stackset"/, (c) => { delete c.stackSet; }],
  ['stackset without OUs', 'stackSet.organizationalUnitIds', /is required/, (c) => { delete c.stackSet.organizationalUnitIds; }],
  ['stackset with an empty OU list', 'stackSet.organizationalUnitIds', /must list at least 1 item/, (c) => { c.stackSet.organizationalUnitIds = []; }],
  ['an OU ID of the wrong shape', 'stackSet.organizationalUnitIds[1]', /must be an OU ID \(ou-xxxx-xxxxxxxx\) or the organization root ID \(r-xxxx\) \(got "ou-12"\)/, (c) => { c.stackSet.organizationalUnitIds[1] = 'ou-12'; }],
  ['an account ID given as an OU', 'stackSet.organizationalUnitIds[0]', /must be an OU ID/, (c) => { c.stackSet.organizationalUnitIds = ['222222222222']; }],
  ['a delegated admin without its account', 'stackSet.delegatedAdmin.accountId', /is required/, (c) => { c.stackSet.delegatedAdmin = { assumeRoleArn: 'arn:aws:iam::555555555555:role/x' }; }],
  ['a delegated admin role in another account', 'stackSet.delegatedAdmin.assumeRoleArn', /must be a role in account 555555555555, not 666666666666/, (c) => { c.stackSet.delegatedAdmin = { accountId: '555555555555', assumeRoleArn: 'arn:aws:iam::666666666666:role/x' }; }],
  ['the management account as delegated admin', 'stackSet.delegatedAdmin.accountId', /is the management account/, (c) => { c.stackSet.delegatedAdmin = { accountId: '444444444444' }; }],
  ['no deploying account at all', 'stackSet.managementAccount', /is required: a service-managed stack set is deployed from the management account/, (c) => { delete c.stackSet.managementAccount; }],
  ['stackset without hub.organizationId', 'hub.organizationId', /is required with "spokeDelivery": "stackset"/, (c) => { delete c.hub.organizationId; }],
  ['a stackSet section in stacks mode', 'stackSet', /is only read with "spokeDelivery": "stackset"/, (c) => { c.spokeDelivery = 'stacks'; c.spokes = [{ accountId: '222222222222', assumeRoleArn: 'arn:aws:iam::222222222222:role/x' }]; }],
  ['an unknown delivery', 'spokeDelivery', /must be "stacks" or "stackset" \(got "cloudformation"\)/, (c) => { c.spokeDelivery = 'cloudformation'; }],
  ['an operation preference out of range', 'stackSet.operationPreferences.maxConcurrentPercentage', /must be <= 100|must be/, (c) => { c.stackSet.operationPreferences = { maxConcurrentPercentage: 150 }; }],
];

describe('rootwatch synth: stackset bad input', () => {
  let results: CliResult[];
  const outs: string[] = [];
  beforeAll(async () => {
    results = await inPool(BAD.map(([, , , change], i) => () => {
      const dir = path.join(tmp, `bad-${i}`);
      const c = example();
      change(c);
      c.$schema = undefined;
      const out = path.join(dir, 'out');
      outs[i] = out;
      return runCli(['synth', '--config', writeConfig(dir, 'config.json', c), '--out', out], { cwd: dir });
    }), 4);
  }, 120_000);

  it.each(BAD.map(([name], i) => [name, i] as const))('%s: one line naming the field, exit 2, nothing written', (_name, i) => {
    const [, field, problem] = BAD[i];
    const r = results[i];
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
    const lines = stderrLines(r);
    expect(lines).toHaveLength(1);
    expect(lines[0].startsWith(`rootwatch: ${field}: `)).toBe(true);
    expect(lines[0].slice(`rootwatch: ${field}: `.length)).toMatch(problem);
    expect(fs.existsSync(outs[i])).toBe(false);
  });
});

describe('rootwatch synth: the stackset example', () => {
  let out: string;
  let tf: Json;
  beforeAll(async () => {
    out = path.join(tmp, 'good');
    const r = await runCli(['synth', '--config', EXAMPLE, '--out', out]);
    if (r.code !== 0) throw new Error(r.stderr);
    tf = JSON.parse(fs.readFileSync(path.join(out, 'stacks', 'stackset', 'cdk.tf.json'), 'utf8'));
  }, 120_000);

  it('writes the hub and the stackset root, and no per-account spoke stack', () => {
    expect(fs.readdirSync(path.join(out, 'stacks')).sort()).toEqual(['hub', 'stackset']);
    expect(fs.readdirSync(path.join(out, 'plain-terraform')).sort()).toEqual(['hub', 'stackset']);
  });

  it('holds one service-managed stack set with auto-deployment, managed execution and the administration_role_arn diff ignored', () => {
    const sets = Object.values<Json>(tf.resource.aws_cloudformation_stack_set);
    expect(sets).toHaveLength(1);
    const s = sets[0];
    expect(s).toMatchObject({
      name: 'rootwatch-spokes',
      permission_model: 'SERVICE_MANAGED',
      call_as: 'SELF',
      auto_deployment: { enabled: true, retain_stacks_on_account_removal: false },
      managed_execution: { active: true },
      capabilities: ['CAPABILITY_NAMED_IAM'],
      operation_preferences: { max_concurrent_percentage: 25, failure_tolerance_percentage: 10, region_concurrency_type: 'PARALLEL' },
      lifecycle: { ignore_changes: ['administration_role_arn'] },
      parameters: { HubAccountId: '${var.hub_account_id}' },
    });
    // Terraform JSON: CloudFormation's own ${...} is escaped so Terraform leaves it alone
    const body = s.template_body.replace(/\$\$\{/g, '${');
    expect(s.template_body).not.toMatch(/(^|[^$])\$\{AWS::/);
    expect(JSON.stringify(JSON.parse(body).Resources.RootRule.Properties.EventPattern)).toBe(JSON.stringify(rulePatterns('rootwatch').spokeRoot));
  });

  it('has an instance per configured region over the OUs, the hub excluded, chained one after another', () => {
    const instances = Object.entries<Json>(tf.resource.aws_cloudformation_stack_set_instance);
    expect(instances.map(([, i]) => i.region).sort()).toEqual(['eu-west-1', 'us-east-1', 'us-east-2']);
    for (const [, i] of instances) {
      expect(i.deployment_targets).toEqual({ organizational_unit_ids: ['ou-ab12-workload1', 'ou-ab12-sandbox01'], account_filter_type: 'DIFFERENCE', accounts: ['111111111111'] });
      expect(i.call_as).toBe('SELF');
    }
    const chained = instances.filter(([, i]) => i.depends_on).length;
    expect(chained).toBe(instances.length - 1);
  });

  it('monitors the management account with Terraform (stack sets never deploy there) and grants the hub an org-read role', () => {
    expect(Object.keys(tf.module)).toEqual(['spoke']);
    expect(Object.keys(tf.module.spoke.providers).sort()).toEqual(['aws.eu_west_1', 'aws.us_east_1', 'aws.us_east_2']);
    expect(tf.provider.aws[0].allowed_account_ids).toBe('${local.accounts}');
    expect(tf.locals.accounts).toEqual(['${var.stackset_account_id}']);
    const role = Object.values<Json>(tf.resource.aws_iam_role)[0];
    expect(role.name).toBe('rootwatch-org-read');
    expect(JSON.parse(role.assume_role_policy).Statement[0].Condition.ArnLike['aws:PrincipalArn']).toMatch(/:role\/rootwatch-notifier-\*$/);
  });

  it('with a delegated administrator: call_as DELEGATED_ADMIN everywhere, Terraform spokes excluded too', async () => {
    const c = example();
    c.$schema = undefined;
    c.stackSet.delegatedAdmin = { accountId: '555555555555' };
    c.spokes = [{ name: 'legacy', accountId: '222222222222', assumeRoleArn: 'arn:aws:iam::222222222222:role/x' }];
    const dir = path.join(tmp, 'delegated');
    const o = path.join(dir, 'out');
    const r = await runCli(['synth', '--config', writeConfig(dir, 'config.json', c), '--out', o]);
    expect(r.code).toBe(0);
    const t = JSON.parse(fs.readFileSync(path.join(o, 'stacks', 'stackset', 'cdk.tf.json'), 'utf8'));
    expect(Object.values<Json>(t.resource.aws_cloudformation_stack_set)[0].call_as).toBe('DELEGATED_ADMIN');
    for (const i of Object.values<Json>(t.resource.aws_cloudformation_stack_set_instance)) {
      expect(i.call_as).toBe('DELEGATED_ADMIN');
      expect(i.deployment_targets.accounts).toEqual(['111111111111', '222222222222']);
    }
    expect(t.variable.stackset_account_id.default).toBe('555555555555');
    expect(t.module).toBeUndefined(); // the management account is not reachable from the delegated admin
    expect(fs.readdirSync(path.join(o, 'stacks')).sort()).toEqual(['hub', 'spoke-legacy', 'stackset']);
  }, 120_000);
});
