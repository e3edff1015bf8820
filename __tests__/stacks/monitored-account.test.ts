/**
 * Account-level guardrails follow the config's switches, the same way in every spoke stack and in
 * the hub stack (the hub account is a monitored account too).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdktf';
import { SpokeStack } from '../../stacks/spoke-stack';
import { HubStack } from '../../stacks/hub-stack';
import { checkConfig } from '../../cli/load-config';
import { RootwatchConfig } from '../../core/config';
import { exampleRaw, FIXTURES, Json } from '../helpers/configs';
import { fakeCode, regionOf, resourceList, Synth } from '../helpers/stacks';

const codeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootwatch-monitored-'));
afterAll(() => fs.rmSync(codeDir, { recursive: true, force: true }));
const code = fakeCode(codeDir);

function configWith(change: (raw: Json) => void): RootwatchConfig {
  const raw = exampleRaw();
  change(raw);
  return checkConfig(raw, FIXTURES);
}

function spokeSynth(config: RootwatchConfig): Synth {
  const spoke = config.spokes[0];
  return JSON.parse(Testing.synth(new SpokeStack(Testing.app(), 'spoke-x', 'deploy', config, spoke)));
}

function hubSynth(config: RootwatchConfig): Synth {
  return JSON.parse(Testing.synth(new HubStack(Testing.app(), 'hub', 'deploy', config, code)));
}

const GUARDRAIL_TYPES = ['aws_account_alternate_contact', 'aws_iam_account_password_policy', 'aws_s3_account_public_access_block', 'aws_cloudtrail'];
const count = (s: Synth, type: string) => resourceList(s, type).length;

describe.each([
  ['spoke stack', spokeSynth],
  ['hub stack', hubSynth],
] as const)('account guardrails in the %s', (_name, synth) => {
  it('the example config switches every part on, in the account\'s home region (us-east-1)', () => {
    const s = synth(configWith(() => undefined));
    expect(count(s, 'aws_account_alternate_contact')).toBe(3);
    expect(resourceList(s, 'aws_iam_account_password_policy')[0]).toMatchObject({ minimum_password_length: 16, password_reuse_prevention: 24 });
    expect(count(s, 'aws_s3_account_public_access_block')).toBe(1);
    const [trail] = resourceList(s, 'aws_cloudtrail');
    expect(trail).toMatchObject({ is_multi_region_trail: true, enable_log_file_validation: true, include_global_service_events: true });
    expect(regionOf(s, trail)).toBe('us-east-1');
  });

  it('each part disappears with its switch', () => {
    const s = synth(
      configWith((raw) => {
        raw.guardrails.passwordPolicy.enabled = false;
        raw.guardrails.s3PublicAccessBlock.enabled = false;
        raw.guardrails.trail.enabled = false;
        delete raw.guardrails.alternateContacts.operations;
      }),
    );
    expect(count(s, 'aws_account_alternate_contact')).toBe(2);
    expect(count(s, 'aws_iam_account_password_policy')).toBe(0);
    expect(count(s, 'aws_s3_account_public_access_block')).toBe(0);
    expect(count(s, 'aws_cloudtrail')).toBe(0);
  });

  it('without a guardrails section, the safe defaults remain: password policy only (the S3 account block is opt-in), no trail, no contacts', () => {
    const s = synth(configWith((raw) => delete raw.guardrails));
    expect(GUARDRAIL_TYPES.map((t) => [t, count(s, t)])).toEqual([
      ['aws_account_alternate_contact', 0],
      ['aws_iam_account_password_policy', 1],
      ['aws_s3_account_public_access_block', 0],
      ['aws_cloudtrail', 0],
    ]);
  });

  it('with manageAccountSettings false, the stack owns none of the account-wide singletons (the trail stays)', () => {
    const s = synth(configWith((raw) => {
      raw.hub.manageAccountSettings = false;
      raw.spokes[0].manageAccountSettings = false;
    }));
    expect(GUARDRAIL_TYPES.map((t) => [t, count(s, t)])).toEqual([
      ['aws_account_alternate_contact', 0],
      ['aws_iam_account_password_policy', 0],
      ['aws_s3_account_public_access_block', 0],
      ['aws_cloudtrail', 1],
    ]);
  });
});

describe('the CIS CloudWatch.1 path in the hub account', () => {
  it('appears with hub.cisLogGroupName, with the exact filter on that log group, and not without it', () => {
    const off = hubSynth(configWith((raw) => (raw.guardrails.trail.enabled = false)));
    expect(count(off, 'aws_cloudwatch_log_metric_filter')).toBe(0);
    const on = hubSynth(configWith((raw) => (raw.hub.cisLogGroupName = 'aws-cloudtrail-logs-hub')));
    const [filter] = resourceList(on, 'aws_cloudwatch_log_metric_filter');
    expect(filter).toMatchObject({
      log_group_name: 'aws-cloudtrail-logs-hub',
      pattern: '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
    });
    expect(Object.keys(on.output)).toEqual(expect.arrayContaining(['cis_alarm_arn', 'cis_topic_arn']));
  });
});
