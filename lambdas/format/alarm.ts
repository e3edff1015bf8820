/**
 * CloudWatch alarm notifications: the JSON message CloudWatch publishes to an SNS topic when an
 * alarm changes state. rootwatch's own pipeline-health alarms (missing heartbeats, notifier errors,
 * failed deliveries) publish to the activity topic, so the Slack and PagerDuty alerters see these
 * next to RootwatchAlert messages.
 */
import { boundedJson, get, isObj } from '../../core/json';
import { oneLine, toWellFormed } from './text';

export type AlarmState = 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';

/** The fields rootwatch reads from a CloudWatch alarm SNS message (others are ignored). */
export interface CloudWatchAlarmMessage {
  AlarmName: string;
  AlarmDescription?: string | null;
  AWSAccountId?: string;
  NewStateValue: AlarmState | string;
  NewStateReason?: string;
  OldStateValue?: string;
  StateChangeTime?: string;
  /** Long region name as CloudWatch writes it, e.g. "US East (N. Virginia)" */
  Region?: string;
  AlarmArn?: string;
  Trigger?: { MetricName?: string; Namespace?: string; Dimensions?: Array<{ name?: string; value?: string }> } & Record<string, unknown>;
}

/**
 * The message when it is a CloudWatch alarm notification, else null. The fields rootwatch reads
 * are coerced to their types (a hostile message renders, never crashes the alerter).
 */
export function asAlarmMessage(value: unknown): CloudWatchAlarmMessage | null {
  if (!isObj(value)) return null;
  const own = (k: string): unknown => get(value, k);
  if (typeof own('AlarmName') !== 'string' || typeof own('NewStateValue') !== 'string') return null;
  const opt = (k: string): string | undefined => {
    const x = own(k);
    return typeof x === 'string' ? x : typeof x === 'number' || typeof x === 'boolean' ? String(x) : undefined;
  };
  const trigger = own('Trigger');
  const bounded = boundedJson(trigger, 8, 2000).value;
  return {
    AlarmName: own('AlarmName') as string,
    NewStateValue: own('NewStateValue') as string,
    AlarmDescription: opt('AlarmDescription') ?? null,
    AWSAccountId: opt('AWSAccountId'),
    NewStateReason: opt('NewStateReason'),
    OldStateValue: opt('OldStateValue'),
    StateChangeTime: opt('StateChangeTime'),
    Region: opt('Region'),
    AlarmArn: opt('AlarmArn'),
    Trigger: typeof bounded === 'object' && bounded !== null && !Array.isArray(bounded) ? (bounded as CloudWatchAlarmMessage['Trigger']) : undefined,
  };
}

/** The region code from an alarm ARN (`arn:aws:cloudwatch:<region>:<account>:alarm:<name>`). */
function alarmRegion(alarm: CloudWatchAlarmMessage): string | null {
  const parts = typeof alarm.AlarmArn === 'string' ? alarm.AlarmArn.split(':') : [];
  return parts.length >= 7 && parts[3] ? parts[3] : null;
}

/** Link to the alarm in the CloudWatch console, when the region is known. */
export function alarmConsoleUrl(alarm: CloudWatchAlarmMessage): string | null {
  const region = alarmRegion(alarm);
  if (!region || !/^[a-z0-9-]+$/.test(region)) return null;
  return (
    `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}` +
    `#alarmsV2:alarm/${encodeURIComponent(toWellFormed(alarm.AlarmName))}`
  );
}

/** `ALARM: rootwatch-heartbeat-missing (was OK)`. */
export function alarmTitle(alarm: CloudWatchAlarmMessage): string {
  const was = alarm.OldStateValue ? ` (was ${oneLine(String(alarm.OldStateValue))})` : '';
  return `${oneLine(alarm.NewStateValue)}: ${oneLine(alarm.AlarmName)}${was}`;
}
