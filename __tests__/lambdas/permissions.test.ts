/**
 * Each Lambda's role grants exactly what its code sends plus a short named list of actions AWS takes
 * with the role on its behalf: core/lambda-contract.ts LAMBDA_ACTIONS / LAMBDA_IMPLICIT_ACTIONS.
 * The commands are read from bundles built now with the build's own options (never a stale dist/).
 */
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LAMBDA_ACTIONS, LAMBDA_ASSUMED_ROLE_ACTIONS, LAMBDA_BUNDLES, LAMBDA_GRANTED_ELSEWHERE, LAMBDA_IMPLICIT, LAMBDA_IMPLICIT_ACTIONS, LambdaBundleName } from '../../core/lambda-contract';
import { lambdaBuildOptions } from '../../build/bundle-lambdas';
import { RootwatchHub } from '../../modules/rootwatch-hub';
import { rolePrefix } from '../../modules/iam';
import { doc, fakeCode, resourceList, synthScope } from '../helpers/stacks';
import { rmrf, tempDir } from '../helpers/tree';

const ROOT = path.resolve(__dirname, '../..');
/** A transaction is authorized by the item actions inside it. */
const TRANSACTION_ITEM_ACTIONS: Record<string, string> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem' };

const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

/** IAM actions of the SDK commands a bundle sends: each `XCommand` exported by a client package it requires. */
function sentActions(code: string): string[] {
  const clients = sorted([...code.matchAll(/require\("(@aws-sdk\/client-[a-z0-9-]+)"\)/g)].map((m) => m[1]));
  const commands = sorted([...code.matchAll(/\b([A-Z][A-Za-z0-9]*)Command\b/g)].map((m) => m[1]));
  const actions: string[] = [];
  for (const client of clients) {
    const exported = require(require.resolve(client, { paths: [ROOT] })) as Record<string, unknown>;
    const service = client.replace('@aws-sdk/client-', '');
    for (const command of commands) {
      if (typeof exported[`${command}Command`] !== 'function') continue;
      if (command === 'TransactWriteItems') {
        for (const tx of code.matchAll(/TransactItems:\s*\[([\s\S]*?)\]\s*\}/g)) {
          for (const item of tx[1].matchAll(/\{\s*(Put|Update|Delete|ConditionCheck):/g)) actions.push(`${service}:${TRANSACTION_ITEM_ACTIONS[item[1]]}`);
        }
      } else actions.push(`${service}:${command}`);
    }
  }
  return sorted(actions);
}

const declared = (name: LambdaBundleName): string[] =>
  sorted([...Object.values<readonly string[]>(LAMBDA_ACTIONS[name]), ...Object.values(LAMBDA_ASSUMED_ROLE_ACTIONS[name] ?? {})].flat());

const bundles: Partial<Record<LambdaBundleName, string>> = {};
beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootwatch-permissions-'));
  await esbuild.build({ ...lambdaBuildOptions(dir), logLevel: 'silent' });
  for (const name of LAMBDA_BUNDLES) bundles[name] = fs.readFileSync(path.join(dir, name, 'index.js'), 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the contract lists what each bundle sends', () => {
  it('notifier: SNS publish, the fold table, the coverage ledger, the expected-use index, one metric', () => {
    expect(sentActions(bundles.notifier!)).toEqual([
      'cloudwatch:PutMetricData',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:Scan',
      'dynamodb:UpdateItem',
      'organizations:ListAccountsForParent',
      'organizations:ListOrganizationalUnitsForParent',
      'sns:Publish',
      'sts:AssumeRole',
    ]);
  });
  it.each(LAMBDA_BUNDLES.map((n) => [n]))('%s: LAMBDA_ACTIONS equals the commands its bundle sends', (name) => {
    expect(declared(name)).toEqual(sentActions(bundles[name]!));
  });
  it('a transaction counts as the item actions inside it', () => {
    const code = 'require("@aws-sdk/client-dynamodb"); new TransactWriteItemsCommand({ TransactItems: [{ Put: {} }, { ConditionCheck: {} }] })';
    expect(sentActions(code)).toEqual(['dynamodb:ConditionCheckItem', 'dynamodb:PutItem']);
  });
});

describe('the synthesized roles grant the contract and nothing else', () => {
  const tmp = tempDir('permissions');
  const code = fakeCode(tmp);
  afterAll(() => rmrf(tmp));
  const synth = synthScope(
    (s) =>
      new RootwatchHub(s, 'hub', {
        namePrefix: 'p',
        hubAccountId: '111111111111',
        region: 'eu-west-1',
        partition: 'aws',
        spokeAccountIds: ['222222222222'],
        code,
        slackWebhookParameter: '/s',
        pagerDutyRoutingKeyParameter: '/p',
        expectedUse: { severity: 'one-lower' },
      }),
  );
  const roleIdOf = (purpose: string): string => {
    const roles = synth.resource.aws_iam_role as Record<string, { name_prefix?: string }>;
    const ids = Object.keys(roles).filter((id) => roles[id].name_prefix === rolePrefix('p', purpose));
    expect(ids).toHaveLength(1);
    return ids[0];
  };
  /** Each statement's actions, one sorted line per statement: an extra action on any resource shows. */
  const granted = (purpose: string): string[] =>
    resourceList(synth, 'aws_iam_role_policy')
      .filter((p) => p.role === `\${aws_iam_role.${roleIdOf(purpose)}.id}`)
      .flatMap((p) => doc(p.policy).Statement.map((st: { Action: string | string[] }) => sorted([st.Action].flat()).join(' ')))
      .sort();

  it.each(LAMBDA_BUNDLES.map((n) => [n]))('%s: one statement per contract entry, with exactly its actions', (name) => {
    const own = Object.entries<readonly string[]>(LAMBDA_ACTIONS[name]).filter(([k]) => !LAMBDA_GRANTED_ELSEWHERE.includes(k)).map(([, v]) => v);
    const lists = [...own, ...LAMBDA_IMPLICIT[name].map((k) => LAMBDA_IMPLICIT_ACTIONS[k])];
    expect(granted(name)).toEqual(lists.map((l) => sorted(l).join(' ')).sort());
  });
});
