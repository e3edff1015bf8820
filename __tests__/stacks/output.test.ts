/**
 * The synthesized tree as a whole: the reusable modules (terraform-out/modules/*) and the names of
 * every resource in every stack.
 */
import * as fs from 'fs';
import * as path from 'path';
import { synthesize } from '../../cli/synth';
import { checkConfig } from '../../cli/load-config';
import { AWS_PROVIDER_RANGE } from '../../stacks/base';
import { regionId } from '../../core/regions';
import { exampleRaw, FIXTURES, Json } from '../helpers/configs';
import { allResources, resourceList, Synth } from '../helpers/stacks';
import { rmrf, tempDir } from '../helpers/tree';

let tmp: string;
const outs: Record<string, string> = {};
const config = (prefix: string) => checkConfig({ ...exampleRaw(), namePrefix: prefix }, FIXTURES);
const read = (file: string): Synth => JSON.parse(fs.readFileSync(file, 'utf8'));

beforeAll(async () => {
  tmp = tempDir('output');
  for (const prefix of ['rootwatch', 'acme-sec']) outs[prefix] = path.join(tmp, prefix);
  for (const [prefix, out] of Object.entries(outs)) await synthesize(config(prefix), out);
});
afterAll(() => rmrf(tmp));

const stackFiles = (out: string) => [
  ...fs.readdirSync(path.join(out, 'stacks')).map((s) => path.join(out, 'stacks', s, 'cdk.tf.json')),
  ...fs.readdirSync(path.join(out, 'modules')).map((m) => path.join(out, 'modules', m, 'main.tf.json')),
];

describe('modules/{hub,spoke}', () => {
  const example = config('rootwatch');

  it.each(['hub', 'spoke', 'guardrails'])('%s: no provider blocks, no backend, a provider range with one alias per region', (name) => {
    const m = read(path.join(outs.rootwatch, 'modules', name, 'main.tf.json'));
    expect(m).not.toHaveProperty('provider');
    expect(m.terraform).not.toHaveProperty('backend');
    expect(m).not.toHaveProperty('//');
    const aws = m.terraform.required_providers.aws;
    expect(aws.source).toBe('hashicorp/aws');
    expect(aws.version).toBe('>= 5.100.0, < 7.0.0');
    expect(AWS_PROVIDER_RANGE).toBe(aws.version);
    // the guardrails module also monitors the management account in every configured region
    const regions = name === 'hub' ? [example.hub.region, ...example.hub.regions] : name === 'spoke' ? example.hub.regions : [example.orgGuardrails!.managementAccount.region, ...example.hub.regions];
    expect([...aws.configuration_aliases].sort()).toEqual([...new Set(regions)].map((r) => `aws.${regionId(r)}`).sort());
    // every resource that names a provider names a declared alias
    for (const [, , body] of allResources(m)) if (body.provider) expect(aws.configuration_aliases).toContain(body.provider);
  });

  it('declares the identity variables without defaults', () => {
    const hub = read(path.join(outs.rootwatch, 'modules', 'hub', 'main.tf.json'));
    const spoke = read(path.join(outs.rootwatch, 'modules', 'spoke', 'main.tf.json'));
    expect(Object.keys(hub.variable)).toEqual(['hub_account_id']);
    expect(Object.keys(spoke.variable).sort()).toEqual(['hub_account_id', 'spoke_account_id']);
    for (const v of [...Object.values(hub.variable), ...Object.values(spoke.variable)] as Json[]) {
      expect(v).not.toHaveProperty('default');
      expect(v.validation).toHaveLength(1);
    }
    // and the spoke module holds no account of the example config
    expect(JSON.stringify(spoke)).not.toMatch(/222222222222|333333333333|rootwatch-deployer/);
  });

  it('addresses Lambda code through ${path.module}/, and the files are inside the module', () => {
    const dir = path.join(outs.rootwatch, 'modules', 'hub');
    const fns = resourceList(read(path.join(dir, 'main.tf.json')), 'aws_lambda_function');
    expect(fns).toHaveLength(3);
    for (const f of fns) {
      expect(f.filename.startsWith('${path.module}/')).toBe(true);
      const file = path.join(dir, f.filename.slice('${path.module}/'.length));
      expect(fs.existsSync(file)).toBe(true);
      expect(fs.readFileSync(file).subarray(0, 4).readUInt32LE(0)).toBe(0x04034b50);
    }
  });

  it('addresses Lambda code the same way in the deploy stack', () => {
    for (const f of resourceList(read(path.join(outs.rootwatch, 'stacks', 'hub', 'cdk.tf.json')), 'aws_lambda_function')) {
      expect(f.filename).toMatch(/^\$\{path\.module\}\/assets\//);
      expect(fs.existsSync(path.join(outs.rootwatch, 'stacks', 'hub', f.filename.slice('${path.module}/'.length)))).toBe(true);
    }
  });
});

/** [address, value] of every attribute that names an AWS resource (account- or region-wide names). */
function namesOf(synth: Synth): [string, string][] {
  const out: [string, string][] = [];
  const skip: Record<string, string[]> = {
    aws_account_alternate_contact: ['name'], // a person
    aws_iam_role_policy: ['name', 'name_prefix'], // inline, scoped to its role
  };
  for (const [type, id, body] of allResources(synth)) {
    for (const attr of ['name', 'name_prefix', 'function_name', 'alarm_name', 'bucket', 'bucket_prefix']) {
      if (skip[type]?.includes(attr) || typeof body[attr] !== 'string') continue;
      if (attr === 'bucket' && type !== 'aws_s3_bucket') continue; // a reference to the bucket
      if (attr === 'function_name' && type !== 'aws_lambda_function') continue;
      out.push([`${type}.${id}.${attr}`, body[attr]]);
    }
  }
  return out;
}

describe('resource names', () => {
  it.each(['rootwatch', 'acme-sec'])('all start with the name prefix %p', (prefix) => {
    const bad: string[] = [];
    let count = 0;
    for (const file of stackFiles(outs[prefix])) {
      for (const [address, value] of namesOf(read(file))) {
        count++;
        // a name built from another resource's name (e.g. an alarm named after its rule) inherits it
        if (value.startsWith('${aws_')) continue;
        const bare = value.replace(/^\/aws\/lambda\//, '').replace(/^alias\//, '');
        if (!bare.startsWith(`${prefix}-`)) bad.push(`${path.relative(tmp, file)}: ${address} = ${value}`);
      }
    }
    expect(count).toBeGreaterThan(50);
    expect(bad).toEqual([]);
  });

  it('two prefixes give disjoint names', () => {
    const names = (prefix: string) => new Set(stackFiles(outs[prefix]).flatMap((f) => namesOf(read(f)).map(([, v]) => v)).filter((v) => !v.startsWith('${aws_')));
    const a = names('rootwatch');
    const shared = [...names('acme-sec')].filter((n) => a.has(n));
    expect(shared).toEqual([]);
  });

  it('never fixes an IAM role name (name_prefix only)', () => {
    let roles = 0;
    for (const file of stackFiles(outs.rootwatch)) {
      for (const role of resourceList(read(file), 'aws_iam_role')) {
        roles++;
        expect(role).not.toHaveProperty('name');
        expect(role.name_prefix).toMatch(/^rootwatch-[a-z-]+-$/);
        expect(role.name_prefix.length).toBeLessThanOrEqual(38);
      }
    }
    expect(roles).toBeGreaterThan(5);
  });
});
