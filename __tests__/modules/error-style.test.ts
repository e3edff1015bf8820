/**
 * One error style for every construct in modules/: `Construct.prop: message`, made by
 * core/validation.ts (scripts/code-checks.ts `findUnstyledThrows` proves no module throws another way).
 * Each construct is built with one bad prop and the whole message is compared.
 */
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { AccountRootGuardrails } from '../../modules/account-guardrails';
import { AlertFunction } from '../../modules/alert-function';
import { CisRootAlarm } from '../../modules/cis-root-alarm';
import { EmailAlerter } from '../../modules/email-alerter';
import { EventsDeadLetterQueue } from '../../modules/events-dead-letter-queue';
import { HardenedTrail } from '../../modules/hardened-trail';
import { HttpAlerter } from '../../modules/http-alerter';
import { HubEventBus } from '../../modules/hub-event-bus';
import { OrgRootGuardrails } from '../../modules/org-guardrails';
import { PathHeartbeats } from '../../modules/path-heartbeats';
import { PipelineDashboard } from '../../modules/pipeline-dashboard';
import { RootEventForwarder } from '../../modules/root-event-forwarder';
import { RootwatchHub } from '../../modules/rootwatch-hub';
import { SpokeStackSet } from '../../modules/spoke-stack-set';
import { rulePatterns } from '../../core/patterns';
import { LOG_RETENTION_DAYS } from '../../core/validation';
import { NAME_PREFIX_MAX_LENGTH } from '../../core/limits';
import { fakeCode, synthScope } from '../helpers/stacks';
import { rmrf, tempDir } from '../helpers/tree';

const tmp = tempDir('error-style');
const code = fakeCode(tmp);
afterAll(() => rmrf(tmp));

const at = { partition: 'aws', region: 'eu-west-1', accountId: '111111111111' };
const topic = 'arn:aws:sns:eu-west-1:111111111111:t';
const RETENTIONS = LOG_RETENTION_DAYS.join(', ');

/** The message of what `build` throws inside a fresh stack (fails the test if nothing is thrown). */
function messageOf(build: (s: Construct) => void): string {
  try {
    synthScope(build);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('nothing was thrown');
}

const cases: Array<[string, (s: Construct) => void, string]> = [
  ['AccountRootGuardrails', (s) => new AccountRootGuardrails(s, 'g', { namePrefix: 'rw', passwordPolicy: { minimumLength: 8 } }),
    'AccountRootGuardrails.passwordPolicy.minimumLength: must be an integer from 14 to 128, not 8'],
  ['AccountRootGuardrails', (s) => new AccountRootGuardrails(s, 'g', { namePrefix: 'Rw' }),
    `AccountRootGuardrails.namePrefix: must be 1-${NAME_PREFIX_MAX_LENGTH} lowercase letters, digits and dashes, starting with a letter, not "Rw"`],
  ['HardenedTrail', (s) => new HardenedTrail(s, 't', { namePrefix: 'a'.repeat(NAME_PREFIX_MAX_LENGTH + 1), accountId: at.accountId, region: 'eu-west-1', partition: 'aws' }),
    `HardenedTrail.namePrefix: must be 1-${NAME_PREFIX_MAX_LENGTH} lowercase letters, digits and dashes, starting with a letter, not "${'a'.repeat(NAME_PREFIX_MAX_LENGTH + 1)}"`],
  ['AlertFunction', (s) => new AlertFunction(s, 'f', { namePrefix: 'rw', purpose: 'notifier', code: code.notifier, scope: at, statements: [], environment: {}, alarmTopicArn: topic, logRetentionDays: 2 }),
    `AlertFunction.logRetentionDays: must be one of ${RETENTIONS}, not 2`],
  ['AlertFunction', (s) => new AlertFunction(s, 'f', { namePrefix: 'rw', purpose: 'Notifier', code: code.notifier, scope: at, statements: [], environment: {}, alarmTopicArn: topic }),
    'AlertFunction.purpose: must be lowercase words with dashes, not "Notifier"'],
  ['CisRootAlarm', (s) => new CisRootAlarm(s, 'c', { namePrefix: 'rw', accountId: at.accountId, partition: 'aws', region: 'eu-west-1', logGroupName: 'a b' }),
    'CisRootAlarm.logGroupName: not a log group name (got "a b")'],
  ['EmailAlerter', (s) => new EmailAlerter(s, 'e', { loginTopicArn: topic, activityTopicArn: topic, loginAddresses: ['nobody'] }),
    'EmailAlerter.loginAddresses[0]: must be an email address, not "nobody"'],
  ['EventsDeadLetterQueue', (s) => new EventsDeadLetterQueue(s, 'q', { name: 'q', scope: at, sourceRuleArns: [] }),
    'EventsDeadLetterQueue.sourceRuleArns: name at least one rule'],
  ['HardenedTrail', (s) => new HardenedTrail(s, 't', { namePrefix: 'rw', accountId: '1234', region: 'eu-west-1', partition: 'aws' }),
    'HardenedTrail.accountId: must be a 12-digit account ID, not "1234"'],
  ['HardenedTrail', (s) => new HardenedTrail(s, 't', { namePrefix: 'rw', accountId: at.accountId, region: 'Europe', partition: 'aws' }),
    'HardenedTrail.region: must be a region code such as us-east-1, not "Europe"'],
  ['HardenedTrail', (s) => new HardenedTrail(s, 't', { namePrefix: 'rw', accountId: at.accountId, region: 'eu-west-1', partition: 'aws', objectLockDays: 1, objectLockMode: 'LEGAL' as 'GOVERNANCE' }),
    'HardenedTrail.objectLockMode: must be one of GOVERNANCE, COMPLIANCE, not LEGAL'],
  ['HardenedTrail', (s) => new HardenedTrail(s, 't', { namePrefix: 'rw', accountId: at.accountId, region: 'eu-west-1', partition: ' ' }),
    'HardenedTrail.partition: must not be empty'],
  ['HttpAlerter', (s) => new HttpAlerter(s, 'h', { namePrefix: 'rw', channel: 'slack', code: code.slack, scope: at, secretParameterName: 'https://hooks.slack.com/x', topicArns: [topic], alarmTopicArn: topic }),
    'HttpAlerter.secretParameterName: must be an SSM parameter name starting with /, not "https://hooks.slack.com/x"'],
  ['HubEventBus', (s) => new HubEventBus(s, 'b', { namePrefix: 'rw', scope: at }),
    'HubEventBus.monitoredAccountIds: name at least one account, or set organizationId'],
  ['OrgRootGuardrails', (s) => new OrgRootGuardrails(s, 'o', { namePrefix: 'rw', partition: 'aws', denyRootScp: { targetIds: ['r-ab12'] }, guardDuty: { enabled: true, autoEnable: 'SOME' as 'ALL' } }),
    'OrgRootGuardrails.guardDuty.autoEnable: must be one of ALL, NEW, NONE, not SOME'],
  ['OrgRootGuardrails', (s) => {
    const p = new AwsProvider(s, 'aws', { region: 'us-east-1' });
    new OrgRootGuardrails(s, 'o', { namePrefix: 'rw', partition: 'aws', denyRootScp: { targetIds: ['r-ab12'] }, regions: [{ region: 'us-east-1', provider: p }, { region: 'us-east-1', provider: p }] });
  }, 'OrgRootGuardrails.regions: us-east-1 is listed twice'],
  ['OrgRootGuardrails', (s) => new OrgRootGuardrails(s, 'o', { namePrefix: 'rw', partition: 'aws', organizationConfiguration: { guardDutyDetectorId: 'abc' }, denyRootScp: { targetIds: ['r-ab12'] } }),
    'OrgRootGuardrails.organizationConfiguration.guardDutyDetectorId: must be a 32-character detector ID, not "abc"'],
  ['PathHeartbeats', (s) => new PathHeartbeats(s, 'h', { namePrefix: 'rw', accountId: at.accountId, partition: 'aws', paths: [] }),
    'PathHeartbeats.paths: at least one region'],
  ['PipelineDashboard', (s) => new PipelineDashboard(s, 'd', { namePrefix: 'rw', region: 'eu-west-1', notifierLogGroupName: '/aws/lambda/rw-notifier', functions: [], queues: [{ name: 'q' }], busName: 'b', ruleNames: [] }),
    'PipelineDashboard.functions: name at least the notifier'],
  ['RootEventForwarder', (s) => new RootEventForwarder(s, 'f', { namePrefix: 'rw', accountId: at.accountId, partition: 'aws', hubBusArn: topic, regions: [{ region: 'us-east-1' }, { region: 'us-east-1' }], rootPattern: rulePatterns('rw').spokeRoot }),
    'RootEventForwarder.regions: us-east-1 is listed twice'],
  ['RootwatchHub', (s) => new RootwatchHub(s, 'hub', { namePrefix: 'rw', hubAccountId: at.accountId, region: 'eu-west-1', partition: 'aws', spokeAccountIds: ['222222222222'], code: { notifier: code.notifier }, foldWindowMinutes: 1441 }),
    'RootwatchHub.foldWindowMinutes: must be an integer from 0 to 1440, not 1441'],
  ['RootwatchHub', (s) => new RootwatchHub(s, 'hub', { namePrefix: 'rw', hubAccountId: at.accountId, region: 'eu-west-1', partition: 'aws', spokeAccountIds: ['222222222222'], code: { notifier: code.notifier }, slackWebhookParameter: '/rw/slack' }),
    'RootwatchHub.code.slack: required when the slack alerter is configured'],
  ['SpokeStackSet', (s) => new SpokeStackSet(s, 'set', {
    namePrefix: 'rw', partition: 'aws', hubAccountId: at.accountId, hubRegion: 'eu-west-1', regions: ['us-east-1'], organizationalUnitIds: [], excludedAccountIds: [],
    callAs: 'SELF', operationPreferences: { maxConcurrentPercentage: 10, failureTolerancePercentage: 0, regionConcurrencyType: 'PARALLEL' }, deadLetterAlarm: true,
  }), 'SpokeStackSet.organizationalUnitIds: at least one OU'],
];

describe('every construct error reads Construct.prop: message', () => {
  it.each(cases.map(([construct, build, message]) => [message, construct, build] as const))('%s', (message, construct, build) => {
    const got = messageOf(build);
    expect(got).toBe(message);
    expect(got.startsWith(`${construct}.`)).toBe(true);
  });
});
