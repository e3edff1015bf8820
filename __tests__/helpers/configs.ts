/**
 * Config fixtures for the generator tests: the example config, the minimal fixture, and the table
 * of bad inputs shared by the loadConfig tests and the CLI tests (same cases, two entry points).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const REPO = path.resolve(__dirname, '../..');
export const FIXTURES = path.resolve(__dirname, '../fixtures/configs');
export const EXAMPLE_CONFIG = path.join(REPO, 'rootwatch.config.json');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export const readJson = (file: string): Json => JSON.parse(fs.readFileSync(file, 'utf8'));
export const exampleRaw = (): Json => readJson(EXAMPLE_CONFIG);
export const minimalRaw = (): Json => readJson(path.join(FIXTURES, 'minimal.json'));

/** Write `data` (object or raw text) as `<dir>/<name>` and return the path. */
export function writeConfig(dir: string, name: string, data: Json | string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data, null, 2));
  return file;
}

/** `n` distinct spoke entries (account ids 100000000000 + i). */
export function manySpokes(n: number): Json[] {
  return Array.from({ length: n }, (_, i) => {
    const id = String(100000000000 + i);
    return { name: `s${i}`, accountId: id, assumeRoleArn: `arn:aws:iam::${id}:role/rootwatch-deployer` };
  });
}

/** A named pipe at `file` (returns its path). */
function mkfifo(file: string): string {
  const r = spawnSync('mkfifo', [file]);
  if (r.status !== 0) throw new Error(`mkfifo ${file} failed: ${String(r.stderr)}`);
  return file;
}

export interface BadInput {
  /** what is wrong */
  readonly name: string;
  /** the field path the one-line message must start with */
  readonly field: string;
  /** what the rest of the message must say */
  readonly problem: RegExp;
  /** writes the config (and whatever it refers to) into `dir`; returns the --config path */
  readonly write: (dir: string) => string;
}

const mutate = (base: () => Json, change: (c: Json) => Json | void) => (dir: string) => {
  const c = base();
  const replaced = change(c);
  return writeConfig(dir, 'config.json', replaced === undefined ? c : replaced);
};
const fromMinimal = (change: (c: Json) => Json | void) => mutate(minimalRaw, change);
const fromExample = (change: (c: Json) => Json | void) => mutate(exampleRaw, change);
/** An OU config next to a copy of the given export (accountsFile is relative to the config). */
const withOuFile = (exportFixture: string | undefined, ouChange: (ou: Json) => void = () => undefined, writeExport?: (dir: string) => void) => (dir: string) => {
  const c = minimalRaw();
  const ou: Json = { ouId: 'ou-ab12-34cd56ef', accountsFile: 'org/accounts.json', assumeRoleName: 'rootwatch-deployer' };
  ouChange(ou);
  c.organizationalUnits = [ou];
  if (exportFixture) writeConfig(dir, 'org/accounts.json', fs.readFileSync(path.join(FIXTURES, 'org', exportFixture), 'utf8'));
  writeExport?.(dir);
  return writeConfig(dir, 'config.json', c);
};

export const BAD_INPUTS: readonly BadInput[] = [
  // account ids
  { name: 'spoke account id of 11 digits', field: 'spokes[1].accountId', problem: /^must be 12 digits \(got "33333333333"\)$/, write: fromMinimal((c) => { c.spokes[1].accountId = '33333333333'; }) },
  { name: 'hub account id with letters', field: 'hub.accountId', problem: /^must be 12 digits/, write: fromMinimal((c) => { c.hub.accountId = '11111111111x'; }) },
  { name: 'management account id too long', field: 'guardrails.managementAccount.accountId', problem: /^must be 12 digits/, write: fromExample((c) => { c.guardrails.managementAccount.accountId = '4444444444445'; }) },
  // role ARNs
  { name: 'malformed role ARN (a user)', field: 'spokes[0].assumeRoleArn', problem: /^must be an IAM role ARN/, write: fromMinimal((c) => { c.spokes[0].assumeRoleArn = 'arn:aws:iam::222222222222:user/deployer'; }) },
  { name: 'role ARN without account', field: 'spokes[0].assumeRoleArn', problem: /^must be an IAM role ARN/, write: fromMinimal((c) => { c.spokes[0].assumeRoleArn = 'arn:aws:iam:::role/deployer'; }) },
  { name: 'spoke role ARN in another account', field: 'spokes[1].assumeRoleArn', problem: /must be a role in account 333333333333, not 222222222222/, write: fromMinimal((c) => { c.spokes[1].assumeRoleArn = 'arn:aws:iam::222222222222:role/rootwatch-deployer'; }) },
  { name: 'hub role ARN in another account', field: 'hub.assumeRoleArn', problem: /must be a role in account 111111111111/, write: fromMinimal((c) => { c.hub.assumeRoleArn = 'arn:aws:iam::999999999999:role/x'; }) },
  { name: 'role ARN in a partition that does not exist', field: 'spokes[0].assumeRoleArn', problem: /^has partition "aws-bogus", which is not an AWS partition \(aws, aws-cn, aws-us-gov/, write: fromMinimal((c) => { c.spokes[0].assumeRoleArn = 'arn:aws-bogus:iam::222222222222:role/deployer'; }) },
  { name: 'role name over 64 characters', field: 'spokes[1].assumeRoleArn', problem: /^names a role of 100 characters; IAM role names have at most 64$/, write: fromMinimal((c) => { c.spokes[1].assumeRoleArn = `arn:aws:iam::333333333333:role/path/${'r'.repeat(100)}`; }) },
  { name: 'hub role ARN in a made-up partition', field: 'hub.assumeRoleArn', problem: /not an AWS partition/, write: fromMinimal((c) => { c.hub.assumeRoleArn = 'arn:aws-moon:iam::111111111111:role/x'; }) },
  { name: 'guardrails reach the delegated administrator (the hub) with no role', field: 'hub.assumeRoleArn', problem: /^required: the guardrails stack runs as the management account 444444444444 \(ambient credentials\) and turns on organization auto-enable from the delegated administrator 111111111111/, write: fromExample((c) => { delete c.hub.assumeRoleArn; }) },
  { name: 'management role ARN in another account', field: 'guardrails.managementAccount.assumeRoleArn', problem: /must be a role in account 444444444444/, write: fromExample((c) => { c.guardrails.managementAccount.assumeRoleArn = 'arn:aws:iam::111111111111:role/x'; }) },
  // regions
  { name: 'unknown region in regions', field: 'regions[1]', problem: /^must be a known AWS region.*"eu-west-9"/, write: fromMinimal((c) => { c.regions = ['us-east-1', 'eu-west-9']; }) },
  { name: 'unknown region of one spoke', field: 'spokes[0].regions[0]', problem: /^must be a known AWS region/, write: fromMinimal((c) => { c.spokes[0].regions = ['mars-north-1']; }) },
  { name: 'unknown hub region', field: 'hub.region', problem: /^must be a known AWS region/, write: fromMinimal((c) => { c.hub.region = 'EU-WEST-1'; }) },
  { name: 'region listed twice', field: 'regions', problem: /same value twice/, write: fromMinimal((c) => { c.regions = ['eu-west-1', 'eu-west-1']; }) },
  // duplicates and the hub
  { name: 'duplicate spoke account', field: 'spokes[1].accountId', problem: /^duplicates spokes\[0\]\.accountId \(222222222222\)$/, write: fromMinimal((c) => { c.spokes[1].accountId = '222222222222'; c.spokes[1].assumeRoleArn = 'arn:aws:iam::222222222222:role/other'; }) },
  { name: 'duplicate spoke name', field: 'spokes[1].name', problem: /^duplicates spokes\[0\]\.name \(prod\)$/, write: fromMinimal((c) => { c.spokes[1].name = 'prod'; }) },
  { name: 'spoke equal to the hub', field: 'spokes[0].accountId', problem: /is the hub account/, write: fromMinimal((c) => { c.spokes[0].accountId = '111111111111'; c.spokes[0].assumeRoleArn = 'arn:aws:iam::111111111111:role/x'; }) },
  { name: 'migrateFrom names no earlier release', field: 'migrateFrom', problem: /^must be "0\.1\.0"/, write: fromExample((c) => { c.migrateFrom = '0.2.0'; }) },
  // unknown keys
  { name: 'unknown top-level key close to a known one', field: 'spoke', problem: /^unknown key \(did you mean "spokes"\?\)$/, write: fromMinimal((c) => { c.spoke = []; }) },
  { name: 'a Slack webhook URL next to its parameter name (refused on purpose)', field: 'alerts.slack.webhookUrl', problem: /^a Slack webhook URL is refused in the config on purpose .*SSM SecureString .*alerts\.slack\.webhookParameterName/, write: fromExample((c) => { c.alerts.slack.webhookUrl = 'https://hooks.slack.com/services/T0/B0/XXXX'; }) },
  { name: 'a Slack webhook URL instead of its parameter name', field: 'alerts.slack.webhookUrl', problem: /^a Slack webhook URL is refused in the config on purpose/, write: fromMinimal((c) => { c.alerts = { slack: { webhookUrl: 'https://hooks.slack.com/services/T0/B0/XXXX' } }; }) },
  { name: 'a PagerDuty routing key given inline', field: 'alerts.pagerduty.routingKey', problem: /^a PagerDuty routing key is refused in the config on purpose .*alerts\.pagerduty\.routingKeyParameterName/, write: fromMinimal((c) => { c.alerts = { pagerduty: { routingKey: '0123456789abcdef0123456789abcdef' } }; }) },
  { name: 'a misspelt parameter name is a typo, not a secret', field: 'alerts.pagerduty.routingKeyParamName', problem: /^unknown key \(did you mean "routingKeyParameterName"\?\)$/, write: fromMinimal((c) => { c.alerts = { pagerduty: { routingKeyParameterName: '/rootwatch/pd', routingKeyParamName: '/rootwatch/pd' } }; }) },
  { name: 'a misspelt top-level key gets a suggestion', field: 'alert', problem: /^unknown key \(did you mean "alerts"\?\)$/, write: fromMinimal((c) => { c.alert = {}; }) },
  { name: 'a misspelt nested key gets a suggestion (case)', field: 'alerts.foldwindowminutes', problem: /^unknown key \(did you mean "foldWindowMinutes"\?\)$/, write: fromMinimal((c) => { c.alerts = { foldwindowminutes: 5 }; }) },
  { name: 'a key with a newline and ESC is quoted, not echoed raw', field: 'alerts["col\\nour\\u001b[31m"]', problem: /^unknown key$/, write: fromMinimal((c) => { c.alerts = { 'col\nour\u001b[31m': 1 }; }) },
  { name: 'a 1 MB value is cut in the message', field: 'namePrefix', problem: /^must be lowercase .*\(got "x{80}…" \(1000000 characters\)\)$/, write: fromMinimal((c) => { c.namePrefix = 'x'.repeat(1_000_000); }) },
  { name: 'unknown top-level key like no known one (no suggestion)', field: 'colour', problem: /^unknown key$/, write: fromMinimal((c) => { c.colour = 'blue'; }) },
  { name: 'unknown key in a spoke', field: 'spokes[1].region', problem: /^unknown key \(did you mean "regions"\?\)$/, write: fromMinimal((c) => { c.spokes[1].region = 'eu-west-1'; }) },
  // wrong types
  { name: 'fold window as a string', field: 'alerts.foldWindowMinutes', problem: /integer/, write: fromExample((c) => { c.alerts.foldWindowMinutes = '15'; }) },
  { name: 'regions as a string', field: 'regions', problem: /array/, write: fromMinimal((c) => { c.regions = 'us-east-1'; }) },
  { name: 'regions empty', field: 'regions', problem: /^must list at least 1 region \(us-east-1 is always added; leave the key out for the default regions\)$/, write: fromMinimal((c) => { c.regions = []; }) },
  { name: 'account id as a number', field: 'spokes[0].accountId', problem: /string/, write: fromMinimal((c) => { c.spokes[0].accountId = 222222222222; }) },
  { name: 'heartbeat enabled as a string', field: 'alerts.heartbeat.enabled', problem: /boolean/, write: fromExample((c) => { c.alerts.heartbeat.enabled = 'yes'; }) },
  { name: 'config is a JSON array', field: '(config)', problem: /must be a JSON object/, write: fromMinimal((c) => [c]) },
  // email
  { name: 'empty email address', field: 'alerts.email.login[0]', problem: /^must be an email address/, write: fromExample((c) => { c.alerts.email.login = ['']; }) },
  { name: 'email address without domain', field: 'alerts.email.activity[1]', problem: /^must be an email address.*"security-team"/, write: fromExample((c) => { c.alerts.email.activity = ['ok@example.com', 'security-team']; }) },
  // files
  { name: 'missing config file', field: '--config', problem: /^file not found: .*does-not-exist\.json$/, write: (dir) => path.join(dir, 'does-not-exist.json') },
  { name: 'config file is not JSON', field: '--config', problem: /is not valid JSON/, write: (dir) => writeConfig(dir, 'config.json', fs.readFileSync(path.join(FIXTURES, 'not-json.json'), 'utf8')) },
  { name: 'config path is a folder', field: '--config', problem: /folder\.json is a folder, not a regular file$/, write: (dir) => { fs.mkdirSync(path.join(dir, 'folder.json'), { recursive: true }); return path.join(dir, 'folder.json'); } },
  { name: 'config is /dev/zero (endless)', field: '--config', problem: /^\/dev\/zero is a device, not a regular file$/, write: () => '/dev/zero' },
  { name: 'config is a symbolic link to /dev/zero', field: '--config', problem: /zero\.json is a device, not a regular file$/, write: (dir) => { fs.symlinkSync('/dev/zero', path.join(dir, 'zero.json')); return path.join(dir, 'zero.json'); } },
  { name: 'config is a FIFO (would hang)', field: '--config', problem: /fifo\.json is a FIFO, not a regular file$/, write: (dir) => mkfifo(path.join(dir, 'fifo.json')) },
  { name: 'config larger than 32 MB', field: '--config', problem: /big\.json is larger than 32 MB \(33554433 bytes\); refusing to read it$/, write: (dir) => { fs.writeFileSync(path.join(dir, 'big.json'), Buffer.alloc(32 * 1024 * 1024 + 1, 0x20)); return path.join(dir, 'big.json'); } },
  // required hub fields
  { name: 'no hub', field: 'hub', problem: /^is required$/, write: fromMinimal((c) => { delete c.hub; }) },
  { name: 'hub without region', field: 'hub.region', problem: /^is required$/, write: fromMinimal((c) => { delete c.hub.region; }) },
  { name: 'hub without account id', field: 'hub.accountId', problem: /^is required$/, write: fromMinimal((c) => { delete c.hub.accountId; }) },
  // backend
  { name: 'unknown backend type', field: 'backend.type', problem: /must be \{"type":"local"\} or \{"type":"s3"/, write: fromMinimal((c) => { c.backend = { type: 'gcs', bucket: 'state' }; }) },
  { name: 's3 backend without bucket', field: 'backend.bucket', problem: /^is required$/, write: fromMinimal((c) => { c.backend = { type: 's3', region: 'eu-west-1' }; }) },
  { name: 's3 backend with a bad bucket name', field: 'backend.bucket', problem: /^must be an S3 bucket name/, write: fromMinimal((c) => { c.backend = { type: 's3', bucket: 'My_State', region: 'eu-west-1' }; }) },
  { name: 's3 bucket formatted as an IP address', field: 'backend.bucket', problem: /^must not be formatted as an IP address \(got "192\.168\.1\.1"\)$/, write: fromMinimal((c) => { c.backend = { type: 's3', bucket: '192.168.1.1', region: 'eu-west-1' }; }) },
  { name: 's3 bucket with adjacent periods', field: 'backend.bucket', problem: /^must not contain two adjacent periods/, write: fromMinimal((c) => { c.backend = { type: 's3', bucket: 'my..bucket', region: 'eu-west-1' }; }) },
  { name: 's3 bucket with the reserved prefix xn--', field: 'backend.bucket', problem: /^must not start with xn--/, write: fromMinimal((c) => { c.backend = { type: 's3', bucket: 'xn--bucket', region: 'eu-west-1' }; }) },
  { name: 's3 bucket with the reserved suffix -s3alias', field: 'backend.bucket', problem: /^must not end with -s3alias/, write: fromMinimal((c) => { c.backend = { type: 's3', bucket: 'bucket-s3alias', region: 'eu-west-1' }; }) },
  { name: 's3 bucket with a period next to a hyphen', field: 'backend.bucket', problem: /^must not have a period next to a hyphen/, write: fromMinimal((c) => { c.backend = { type: 's3', bucket: 'my.-bucket', region: 'eu-west-1' }; }) },
  { name: 's3 backend with an unknown key', field: 'backend.dynamodbTable', problem: /^unknown key$/, write: fromMinimal((c) => { c.backend = { type: 's3', bucket: 'state-bucket', region: 'eu-west-1', dynamodbTable: 'locks' }; }) },
  // organizational units
  { name: 'bad OU id', field: 'organizationalUnits[0].ouId', problem: /^must look like ou-/, write: withOuFile('ou-ab12-34cd56ef.json', (ou) => { ou.ouId = 'ou-AB12'; }) },
  { name: 'OU accounts file missing', field: 'organizationalUnits[0].accountsFile', problem: /^file not found: .*accounts\.json$/, write: withOuFile(undefined) },
  { name: 'OU accounts file not JSON', field: 'organizationalUnits[0].accountsFile', problem: /cannot read .* as JSON/, write: withOuFile('truncated.json') },
  { name: 'OU accounts file without Accounts', field: 'organizationalUnits[0].accountsFile', problem: /has no "Accounts" list/, write: withOuFile('no-accounts-list.json') },
  { name: 'OU export in neither shape (no State, no Status)', field: 'organizationalUnits[0].accountsFile: Accounts[1].State', problem: /^missing \(list-accounts-for-parent output carries State/, write: withOuFile('neither-shape.json') },
  { name: 'OU accounts file is /dev/zero', field: 'organizationalUnits[0].accountsFile', problem: /accounts\.json is a device, not a regular file$/, write: withOuFile(undefined, (ou) => { ou.accountsFile = 'org/accounts.json'; }, (dir) => { fs.mkdirSync(path.join(dir, 'org'), { recursive: true }); fs.symlinkSync('/dev/zero', path.join(dir, 'org/accounts.json')); }) },
  { name: 'OU accounts file is a FIFO', field: 'organizationalUnits[0].accountsFile', problem: /accounts\.json is a FIFO, not a regular file$/, write: withOuFile(undefined, undefined, (dir) => { fs.mkdirSync(path.join(dir, 'org'), { recursive: true }); mkfifo(path.join(dir, 'org/accounts.json')); }) },
  { name: 'OU accounts file with an 8 KB account name', field: 'organizationalUnits[0].accountsFile: Accounts[0].Name', problem: /^must be at most 50 characters, as AWS account names are \(got "n{80}…" \(8192 characters\)\)$/, write: withOuFile(undefined, undefined, (dir) => writeConfig(dir, 'org/accounts.json', { Accounts: [{ Id: '555555555555', Name: 'n'.repeat(8192), Status: 'ACTIVE' }] })) },
  { name: 'OU accounts file with a bad account id', field: 'organizationalUnits[0].accountsFile: Accounts[1].Id', problem: /^must be 12 digits$/, write: withOuFile('bad-id.json') },
  // guardrails
  { name: 'deny-root SCP enabled without targets', field: 'guardrails.denyRootScp.targetIds', problem: /at least one/, write: fromExample((c) => { delete c.guardrails.denyRootScp.targetIds; }) },
  { name: 'access-key SCP enabled without targets', field: 'guardrails.denyRootAccessKeysScp.targetIds', problem: /at least one/, write: fromExample((c) => { c.guardrails.denyRootAccessKeysScp = { enabled: true }; }) },
  { name: 'GuardDuty without a management account', field: 'guardrails.guardDuty', problem: /needs guardrails\.managementAccount/, write: fromMinimal((c) => { c.guardrails = { guardDuty: { enabled: true } }; }) },
  { name: 'deny-root SCP (enabled by default) without a management account', field: 'guardrails.denyRootScp', problem: /needs guardrails\.managementAccount/, write: fromMinimal((c) => { c.guardrails = { denyRootScp: { targetIds: ['r-ab12'] } }; }) },
  { name: 'management account settings owned twice (it is also a spoke)', field: 'guardrails.managementAccount.manageAccountSettings', problem: /account 222222222222 is also spokes\[0\]/, write: fromExample((c) => { c.guardrails.managementAccount = { accountId: '222222222222', manageAccountSettings: true }; }) },
  { name: 'existing Security Hub standard that is not subscribed', field: 'guardrails.securityHub.existingStandards[0]', problem: /is not in guardrails\.securityHub\.standards/, write: fromExample((c) => { c.guardrails.securityHub.existingStandards = ['pci-dss/v/3.2.1']; }) },
  { name: 'existing GuardDuty detector with a bad ID', field: 'guardrails.guardDuty.existingDetectorIds.us-east-1', problem: /^must be a 32-character GuardDuty detector ID/, write: fromExample((c) => { c.guardrails.guardDuty.existingDetectorIds = { 'us-east-1': 'abc' }; }) },
  { name: 'unknown Security Hub standard', field: 'guardrails.securityHub.standards[0]', problem: /^must be a known Security Hub standard/, write: fromExample((c) => { c.guardrails.securityHub.standards = ['cis-aws-foundations-benchmark/v/9.9.9']; }) },
  // CIS path
  { name: 'CIS log group in a region the account is not watched in', field: 'spokes[1].cisLogGroupRegion', problem: /must be one of the account's regions \(us-east-1, eu-west-1\)/, write: fromExample((c) => { Object.assign(c.spokes[1], { cisLogGroupName: 'trail-logs', cisLogGroupRegion: 'ap-south-1' }); }) },
  // limits and schedules
  { name: 'more than 200 spokes without organizationId', field: 'hub.organizationId', problem: /200/, write: fromMinimal((c) => { c.spokes = manySpokes(201); }) },
  { name: 'heartbeat every 0 hours', field: 'alerts.heartbeat.scheduleExpression', problem: /rate\(0 hours\)/, write: fromExample((c) => { c.alerts.heartbeat.scheduleExpression = 'rate(0 hours)'; }) },
  { name: 'heartbeat "rate(1 hours)" (AWS wants the singular)', field: 'alerts.heartbeat.scheduleExpression', problem: /rate\(1 hours\)/, write: fromExample((c) => { c.alerts.heartbeat.scheduleExpression = 'rate(1 hours)'; }) },
  { name: 'heartbeat every 48 hours (a blind path would go unnoticed for days)', field: 'alerts.heartbeat.scheduleExpression', problem: /rate\(48 hours\)/, write: fromExample((c) => { c.alerts.heartbeat.scheduleExpression = 'rate(48 hours)'; }) },
  { name: 'heartbeat every 2 days', field: 'alerts.heartbeat.scheduleExpression', problem: /rate\(2 days\)/, write: fromExample((c) => { c.alerts.heartbeat.scheduleExpression = 'rate(2 days)'; }) },
  { name: 'heartbeat every 30 minutes (below rate(1 hour))', field: 'alerts.heartbeat.scheduleExpression', problem: /rate\(30 minutes\)/, write: fromExample((c) => { c.alerts.heartbeat.scheduleExpression = 'rate(30 minutes)'; }) },
  { name: 'deadLetterAlarms as a string', field: 'alerts.deadLetterAlarms', problem: /boolean/, write: fromExample((c) => { c.alerts.deadLetterAlarms = 'no'; }) },
  { name: 'hub without spokes or organization', field: 'spokes', problem: /organizationId/, write: fromMinimal((c) => { delete c.spokes; }) },
  // misc fields
  { name: 'tag key with the reserved aws: prefix', field: 'tags["aws:owner"]', problem: /^tag keys starting with "aws:" are reserved for AWS$/, write: fromMinimal((c) => { c.tags = { 'aws:owner': 'security' }; }) },
  { name: 'tag key with the reserved prefix in capitals', field: 'tags["AWS:cost"]', problem: /reserved for AWS/, write: fromMinimal((c) => { c.tags = { team: 'sec', 'AWS:cost': 'x' }; }) },
  { name: 'name prefix with capitals', field: 'namePrefix', problem: /^must be lowercase letters/, write: fromMinimal((c) => { c.namePrefix = 'Root_Watch'; }) },
  { name: 'external id of one character', field: 'spokes[0].externalId', problem: /^must be 2-1224 characters/, write: fromMinimal((c) => { c.spokes[0].externalId = 'x'; }) },
  { name: 'alternate contact without phone', field: 'guardrails.alternateContacts.security.phone', problem: /^is required$/, write: fromExample((c) => { delete c.guardrails.alternateContacts.security.phone; }) },
];
