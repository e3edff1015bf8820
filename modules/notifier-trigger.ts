/**
 * An EventBridge rule that invokes the notifier: the rule, its target (retries, dead-letter queue)
 * and the permission for EventBridge to invoke the function from that rule only. The hub's root
 * rules, the digest sweep and the coverage sweep are all built by it (a helper, like
 * pipeline-alarm.ts; the construct ids are the callers', so addresses stay put).
 */
import { Construct } from 'constructs';
import { CloudwatchEventRule, CloudwatchEventRuleConfig } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';

export interface NotifierTriggerProps {
  /** construct ids of the rule, its target and the invoke permission */
  readonly ids: { readonly rule: string; readonly target: string; readonly permission: string };
  /** the rule: name, description, and a schedule or an event pattern (on a bus) */
  readonly rule: CloudwatchEventRuleConfig;
  /** statement id of the invoke permission */
  readonly statementId: string;
  readonly notifier: { readonly functionArn: string; readonly functionName: string };
  /** constant input (the scheduled sweeps); the matched event when absent */
  readonly input?: string;
  readonly retryPolicy: { readonly maximumEventAgeInSeconds: number; readonly maximumRetryAttempts: number };
  readonly deadLetterQueueArn: string;
}

export function notifierTrigger(scope: Construct, p: NotifierTriggerProps): CloudwatchEventRule {
  const rule = new CloudwatchEventRule(scope, p.ids.rule, p.rule);
  new CloudwatchEventTarget(scope, p.ids.target, {
    rule: rule.name,
    ...(p.rule.eventBusName === undefined ? {} : { eventBusName: p.rule.eventBusName }),
    targetId: 'notifier',
    arn: p.notifier.functionArn,
    ...(p.input === undefined ? {} : { input: p.input }),
    retryPolicy: { ...p.retryPolicy },
    deadLetterConfig: { arn: p.deadLetterQueueArn },
  });
  new LambdaPermission(scope, p.ids.permission, {
    statementId: p.statementId,
    action: 'lambda:InvokeFunction',
    functionName: p.notifier.functionName,
    principal: 'events.amazonaws.com',
    sourceArn: rule.arn,
  });
  return rule;
}
