import { Construct } from 'constructs';
import { TerraformAsset, AssetType, Token } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { pipelineAlarm, queueNotEmptyAlarm } from './pipeline-alarm';
import { LAMBDA_IMPLICIT_ACTIONS } from '../core/lambda-contract';
import { ArnScope, actionsOf, arnOf, PolicyStatement, policyDocument, rolePrefix, serviceTrustPolicy } from './iam';
import { propChecks } from '../core/validation';

/** A deterministic Lambda zip (see build/lambda-zip.ts). */
export interface LambdaCode {
  /** absolute path of the zip at synth time */
  readonly path: string;
  /** base64 SHA-256 of the zip */
  readonly base64Sha256: string;
}

/** The retention the config schema states too (__tests__/core/schema-owners.test.ts proves them equal). */
export const DEFAULT_LOG_RETENTION_DAYS = 365;

export interface AlertFunctionProps {
  /** Prefix of every name. */
  readonly namePrefix: string;
  /** Purpose, e.g. `notifier`; the function is `${namePrefix}-${purpose}`. */
  readonly purpose: string;
  readonly code: LambdaCode;
  /** Partition, region and account of the function (ARNs in its policy are written from names). */
  readonly scope: ArnScope;
  /** What the function may do besides writing its own logs and failure queue. */
  readonly statements: PolicyStatement[];
  readonly environment: Record<string, string>;
  /** SNS topic that alarms on this function's errors and failed events. */
  readonly alarmTopicArn: string;
  /** @default 365 */
  readonly logRetentionDays?: number;
  /** @default 30 (seconds) */
  readonly timeoutSeconds?: number;
  /** @default 256 (MB) */
  readonly memoryMb?: number;
  /** Async retries before an event goes to the on-failure queue. @default 2 */
  readonly maxRetryAttempts?: number;
}

/**
 * A Lambda function that cannot lose events silently: its own log group with retention,
 * a least-privilege role, async retries with an SQS on-failure destination, and alarms on
 * errors and on anything waiting in the failure queue.
 */
export class AlertFunction extends Construct {
  public readonly functionName: string;
  public readonly functionArn: string;
  public readonly roleArn: string;
  public readonly failureQueueArn: string;
  public readonly logGroupName: string;

  constructor(scope: Construct, id: string, props: AlertFunctionProps) {
    super(scope, id);
    check.pattern('purpose', props.purpose, PURPOSE, 'lowercase words with dashes');
    const timeout = props.timeoutSeconds ?? 30;
    check.int('timeoutSeconds', timeout, 1, 900);
    const retention = props.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
    check.logRetention('logRetentionDays', retention);
    const name = `${props.namePrefix}-${props.purpose}`;

    const logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/aws/lambda/${name}`,
      retentionInDays: retention,
    });
    const failures = new SqsQueue(this, 'failures', {
      name: `${name}-failures`,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 1209600,
    });
    const role = this.role(props, name);
    const fn = this.lambda(props, name, role, logGroup, timeout);
    new LambdaFunctionEventInvokeConfig(this, 'async', {
      functionName: fn.functionName,
      maximumRetryAttempts: props.maxRetryAttempts ?? 2,
      maximumEventAgeInSeconds: 21600,
      destinationConfig: { onFailure: { destination: failures.arn } },
    });
    this.alarms(props, name, fn, failures);

    this.functionName = fn.functionName;
    this.functionArn = fn.arn;
    this.roleArn = role.arn;
    this.failureQueueArn = failures.arn;
    this.logGroupName = logGroup.name;
  }

  /** The least-privilege role: own logs, own failure queue, and the caller's statements. */
  private role(props: AlertFunctionProps, name: string): IamRole {
    const role = new IamRole(this, 'role', {
      namePrefix: rolePrefix(props.namePrefix, props.purpose),
      assumeRolePolicy: serviceTrustPolicy('lambda.amazonaws.com', props.scope.accountId),
    });
    new IamRolePolicy(this, 'policy', {
      name: 'least-privilege',
      role: role.id,
      policy: policyDocument([
        { Sid: 'OwnLogs', Effect: 'Allow', Action: actionsOf(LAMBDA_IMPLICIT_ACTIONS.ownLogs), Resource: arnOf(props.scope, 'logs', `log-group:/aws/lambda/${name}:*`) },
        { Sid: 'FailureDestination', Effect: 'Allow', Action: actionsOf(LAMBDA_IMPLICIT_ACTIONS.failureDestination), Resource: arnOf(props.scope, 'sqs', `${name}-failures`) },
        ...props.statements,
      ]),
    });
    return role;
  }

  private lambda(props: AlertFunctionProps, name: string, role: IamRole, logGroup: CloudwatchLogGroup, timeout: number): LambdaFunction {
    return new LambdaFunction(this, 'function', {
      functionName: name,
      role: role.arn,
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      filename: lambdaFilename(new TerraformAsset(this, 'code', {
        path: props.code.path,
        type: AssetType.FILE,
        assetHash: hexOf(props.code.base64Sha256),
      })),
      sourceCodeHash: props.code.base64Sha256,
      timeout,
      memorySize: props.memoryMb ?? 256,
      environment: { variables: { NODE_OPTIONS: '--enable-source-maps', ...props.environment } },
      loggingConfig: { logFormat: 'JSON', logGroup: logGroup.name },
      dependsOn: [logGroup],
    });
  }

  /** Alarms on the function's errors and on anything waiting in its failure queue. */
  private alarms(props: AlertFunctionProps, name: string, fn: LambdaFunction, failures: SqsQueue): void {
    pipelineAlarm(this, 'errors', {
      alarmName: `${name}-errors`,
      description: `rootwatch: ${name} failed; root alerts may be delayed or lost`,
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      dimensions: { FunctionName: fn.functionName },
      when: 'atLeast',
      threshold: 1,
      alarmActions: [props.alarmTopicArn],
    });
    queueNotEmptyAlarm(this, 'failed-events', {
      alarmName: `${name}-failed-events`,
      description: `rootwatch: events that ${name} could not handle are waiting in ${name}-failures`,
      queueName: failures.name,
      alarmTopicArn: props.alarmTopicArn,
    });
  }
}

const check = propChecks('AlertFunction', (v) => Token.isUnresolved(v));
const PURPOSE = /^[a-z][a-z0-9-]*$/;

/** `${path.module}/<asset>`: resolves from the module's folder in a plain-Terraform module and in a root stack alike. */
function lambdaFilename(asset: TerraformAsset): string {
  return '${path.module}/' + asset.path;
}

function hexOf(base64: string): string {
  return Buffer.from(base64, 'base64').toString('hex').slice(0, 32).toUpperCase();
}
