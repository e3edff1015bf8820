/**
 * Offline check of the spoke CloudFormation template (issue 15), with ajv: the resource types the
 * template uses, described from the CloudFormation resource reference (property names, types,
 * required properties, allowed values), plus the intrinsic functions (every Ref, Fn::GetAtt and
 * Fn::Sub variable names a parameter, a pseudo parameter or a resource and one of its attributes).
 *
 * Why not the npm `cfn-lint` (1.9.7, martysweet): measured on this template it reports 12 errors on
 * the valid template (its bundled resource specification is 2.29.0 of 2019: no
 * AWS::Scheduler::Schedule, no SqsManagedSseEnabled, EventBusName, RetryPolicy or DeadLetterConfig,
 * and it substitutes Fn::Sub variables into ARNs it then rejects), so its findings cannot tell a real
 * error from a missing spec entry. AWS's own cfn-lint is Python (not on npm); where it is on PATH,
 * __tests__/scripts/cfn-template-check.test.ts runs it over the same template as a cross-check.
 *
 * Sources (one per type):
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sqs-queue.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sqs-queuepolicy.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-rule.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudwatch-alarm.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-scheduler-schedule.html
 */
import Ajv, { type ValidateFunction } from 'ajv';

type Schema = Record<string, unknown>;
/** A value that may also be an intrinsic function (checked apart, see intrinsics()). */
const INTRINSIC: Schema = { type: 'object', minProperties: 1, maxProperties: 1, propertyNames: { enum: ['Ref', 'Fn::Sub', 'Fn::GetAtt', 'Fn::Join', 'Fn::If', 'Fn::Select'] } };
const str = (extra: Schema = {}): Schema => ({ anyOf: [{ type: 'string', ...extra }, INTRINSIC] });
const int = (min?: number, max?: number): Schema => ({ type: 'integer', ...(min === undefined ? {} : { minimum: min }), ...(max === undefined ? {} : { maximum: max }) });
const num: Schema = { type: 'number' };
const bool: Schema = { type: 'boolean' };
const json: Schema = { type: 'object' };
const obj = (properties: Record<string, Schema>, required: string[] = []): Schema => ({ type: 'object', additionalProperties: false, properties, required });
const list = (items: Schema, minItems = 0): Schema => ({ type: 'array', items, minItems });
const tags = list(obj({ Key: str(), Value: str() }, ['Key', 'Value']));

interface ResourceType { properties: Schema; attributes: readonly string[] }

const RESOURCE_TYPES: Record<string, ResourceType> = {
  'AWS::IAM::Role': {
    properties: obj({
      AssumeRolePolicyDocument: json,
      Description: str({ maxLength: 1000 }),
      ManagedPolicyArns: list(str()),
      MaxSessionDuration: int(3600, 43200),
      Path: str(),
      PermissionsBoundary: str(),
      Policies: list(obj({ PolicyDocument: json, PolicyName: str({ minLength: 1, maxLength: 128 }) }, ['PolicyDocument', 'PolicyName'])),
      RoleName: str({ maxLength: 64 }),
      Tags: tags,
    }, ['AssumeRolePolicyDocument']),
    attributes: ['Arn', 'RoleId'],
  },
  'AWS::SQS::Queue': {
    properties: obj({
      ContentBasedDeduplication: bool,
      DeduplicationScope: str(),
      DelaySeconds: int(0, 900),
      FifoQueue: bool,
      FifoThroughputLimit: str(),
      KmsDataKeyReusePeriodSeconds: int(60, 86400),
      KmsMasterKeyId: str(),
      MaximumMessageSize: int(1024, 1048576),
      MessageRetentionPeriod: int(60, 1209600),
      QueueName: str({ maxLength: 80 }),
      ReceiveMessageWaitTimeSeconds: int(0, 20),
      RedriveAllowPolicy: json,
      RedrivePolicy: json,
      SqsManagedSseEnabled: bool,
      Tags: tags,
      VisibilityTimeout: int(0, 43200),
    }),
    attributes: ['Arn', 'QueueName', 'QueueUrl'],
  },
  'AWS::SQS::QueuePolicy': {
    properties: obj({ PolicyDocument: json, Queues: list(str(), 1) }, ['PolicyDocument', 'Queues']),
    attributes: ['Id'],
  },
  'AWS::Events::Rule': {
    properties: obj({
      Description: str({ maxLength: 512 }),
      EventBusName: str(),
      EventPattern: { anyOf: [json, { type: 'string' }] },
      Name: str({ maxLength: 64 }),
      RoleArn: str(),
      ScheduleExpression: str(),
      State: { enum: ['DISABLED', 'ENABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'] },
      Targets: list(obj({
        Arn: str(),
        DeadLetterConfig: obj({ Arn: str() }),
        Id: str({ minLength: 1, maxLength: 64 }),
        Input: str(),
        InputPath: str(),
        RetryPolicy: obj({ MaximumEventAgeInSeconds: int(60, 86400), MaximumRetryAttempts: int(0, 185) }),
        RoleArn: str(),
      }, ['Arn', 'Id'])),
    }),
    attributes: ['Arn'],
  },
  'AWS::CloudWatch::Alarm': {
    properties: obj({
      ActionsEnabled: bool,
      AlarmActions: list(str()),
      AlarmDescription: str({ maxLength: 1024 }),
      AlarmName: str({ maxLength: 255 }),
      ComparisonOperator: { enum: ['GreaterThanOrEqualToThreshold', 'GreaterThanThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold', 'LessThanLowerOrGreaterThanUpperThreshold', 'LessThanLowerThreshold', 'GreaterThanUpperThreshold'] },
      DatapointsToAlarm: int(1),
      Dimensions: list(obj({ Name: str(), Value: str() }, ['Name', 'Value'])),
      EvaluationPeriods: int(1),
      MetricName: str(),
      Namespace: str(),
      OKActions: list(str()),
      Period: int(10),
      Statistic: { enum: ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] },
      Threshold: num,
      TreatMissingData: { enum: ['breaching', 'notBreaching', 'ignore', 'missing'] },
      Unit: str(),
    }, ['ComparisonOperator', 'EvaluationPeriods']),
    attributes: ['Arn'],
  },
  'AWS::Scheduler::Schedule': {
    properties: obj({
      Description: str({ maxLength: 512 }),
      EndDate: str(),
      FlexibleTimeWindow: obj({ MaximumWindowInMinutes: int(1, 1440), Mode: { enum: ['OFF', 'FLEXIBLE'] } }, ['Mode']),
      GroupName: str(),
      KmsKeyArn: str(),
      Name: str({ maxLength: 64 }),
      ScheduleExpression: str({ maxLength: 256 }),
      ScheduleExpressionTimezone: str(),
      StartDate: str(),
      State: { enum: ['ENABLED', 'DISABLED'] },
      Target: obj({
        Arn: str(),
        DeadLetterConfig: obj({ Arn: str() }),
        Input: str(),
        RetryPolicy: obj({ MaximumEventAgeInSeconds: int(60, 86400), MaximumRetryAttempts: int(0, 185) }),
        RoleArn: str(),
      }, ['Arn', 'RoleArn']),
    }, ['FlexibleTimeWindow', 'ScheduleExpression', 'Target']),
    attributes: ['Arn'],
  },
};

const PSEUDO = ['AWS::AccountId', 'AWS::NoValue', 'AWS::NotificationARNs', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix'];

const TEMPLATE: Schema = obj({
  AWSTemplateFormatVersion: { const: '2010-09-09' },
  Description: { type: 'string', maxLength: 1024 },
  Parameters: { type: 'object', additionalProperties: obj({ Type: { type: 'string' }, AllowedPattern: { type: 'string' }, Default: {}, Description: { type: 'string' } }, ['Type']) },
  Resources: { type: 'object', minProperties: 1, additionalProperties: obj({ Type: { type: 'string' }, Properties: json, DependsOn: {}, Condition: { type: 'string' } }, ['Type']) },
  Outputs: { type: 'object', additionalProperties: obj({ Description: { type: 'string' }, Value: {}, Export: json }, ['Value']) },
}, ['Resources']);

let compiled: { template: ValidateFunction; types: Record<string, ValidateFunction> } | undefined;
function validators(): NonNullable<typeof compiled> {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    compiled = { template: ajv.compile(TEMPLATE), types: Object.fromEntries(Object.entries(RESOURCE_TYPES).map(([t, d]) => [t, ajv.compile(d.properties)])) };
  }
  return compiled;
}

/** TemplateBody of CreateStackSet/UpdateStackSet: at most 51,200 bytes (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html). */
const MAX_TEMPLATE_BODY_BYTES = 51_200;

/** Every problem of a template (empty: valid), each naming where it is. */
export function checkTemplate(template: unknown): string[] {
  const v = validators();
  const problems: string[] = [];
  const bytes = Buffer.byteLength(JSON.stringify(template ?? null));
  if (bytes > MAX_TEMPLATE_BODY_BYTES) problems.push(`template: ${bytes} bytes, more than the ${MAX_TEMPLATE_BODY_BYTES} a TemplateBody may hold`);
  if (!v.template(template)) return [...problems, ...(v.template.errors ?? []).map((e) => `template${e.instancePath.replace(/\//g, '.')}: ${e.message}`)];
  const t = template as { Parameters?: Record<string, unknown>; Resources: Record<string, { Type: string; Properties?: unknown }>; Outputs?: Record<string, { Value: unknown }> };
  for (const [id, r] of Object.entries(t.Resources)) {
    const check = v.types[r.Type];
    if (!check) {
      problems.push(`Resources.${id}.Type: ${r.Type} is not a type this check knows (add it from the CloudFormation resource reference)`);
      continue;
    }
    if (!check(r.Properties ?? {})) {
      for (const e of check.errors ?? []) {
        if (e.keyword === 'anyOf' || e.keyword === 'propertyNames' || e.keyword === 'maxProperties' || (e.keyword === 'type' && e.params.type === 'object' && e.schemaPath.includes('anyOf'))) continue;
        const extra = e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : '';
        problems.push(`Resources.${id}.Properties${e.instancePath.replace(/\//g, '.')}: ${e.message}${extra}`);
      }
    }
  }
  problems.push(...intrinsics(t));
  return [...new Set(problems)];
}

/** Ref / Fn::GetAtt / Fn::Sub name something that exists. */
function intrinsics(t: { Parameters?: Record<string, unknown>; Resources: Record<string, { Type: string }>; Outputs?: Record<string, unknown> }): string[] {
  const problems: string[] = [];
  const params = new Set(Object.keys(t.Parameters ?? {}));
  const attrOk = (res: string, attr: string) => {
    const r = t.Resources[res];
    if (!r) return `names no resource ${res}`;
    const known = RESOURCE_TYPES[r.Type]?.attributes ?? [];
    return known.includes(attr) ? undefined : `${r.Type} has no attribute ${attr} (it has ${known.join(', ')})`;
  };
  const refOk = (name: string) => (params.has(name) || PSEUDO.includes(name) || name in t.Resources ? undefined : `names nothing: ${name} is no parameter, pseudo parameter or resource`);
  const walk = (v: unknown, where: string) => {
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${where}[${i}]`));
    if (v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o.Ref === 'string') {
      const p = refOk(o.Ref);
      if (p) problems.push(`${where}: Ref ${p}`);
    }
    const getAtt = o['Fn::GetAtt'];
    if (Array.isArray(getAtt)) {
      const p = attrOk(String(getAtt[0]), String(getAtt[1]));
      if (p) problems.push(`${where}: Fn::GetAtt ${p}`);
    }
    const subst = o['Fn::Sub'];
    if (typeof subst === 'string') {
      for (const m of subst.matchAll(/\$\{([^!}][^}]*)\}/g)) {
        const [res, attr] = m[1].split('.');
        const p = attr === undefined ? refOk(res) : attrOk(res, attr);
        if (p) problems.push(`${where}: Fn::Sub \${${m[1]}} ${p}`);
      }
    }
    for (const [k, x] of Object.entries(o)) walk(x, `${where}.${k}`);
  };
  walk(t.Resources, 'Resources');
  walk(t.Outputs ?? {}, 'Outputs');
  return problems;
}
