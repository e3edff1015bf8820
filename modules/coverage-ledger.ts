import { Construct } from 'constructs';
import { notifierTrigger } from './notifier-trigger';
import { rootwatchTable } from './rootwatch-table';
import { DynamodbTableItem } from '@cdktf/provider-aws/lib/dynamodb-table-item';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { COVERAGE_SWEEP_SOURCE, LAMBDA_ACTIONS, STALE_PATHS_METRIC, heartbeatNamespace } from '../core/lambda-contract';
import { ArnScope, actionsOf, arnOf, PolicyStatement } from './iam';
import { coverageTableName } from '../core/coverage';

export { coverageTableName };

/** How often the notifier sweeps the ledger. */
const COVERAGE_SWEEP_SCHEDULE = 'rate(15 minutes)';

/** What the notifier needs to use the ledger (its policy statement). */
export function coverageLedgerStatement(namePrefix: string, at: ArnScope): PolicyStatement {
  return {
    Sid: 'CoverageLedger',
    Effect: 'Allow',
    Action: actionsOf(LAMBDA_ACTIONS.notifier.coverageLedger),
    Resource: arnOf(at, 'dynamodb', `table/${coverageTableName(namePrefix)}`),
  };
}

export interface CoverageLedgerProps {
  readonly namePrefix: string;
  readonly scope: ArnScope;
  /**
   * The expected set as JSON chunks (core/coverage.ts expectedChunks): every monitored account with
   * its regions and display name. Written as DynamoDB items, so 1,000 named accounts x 17 regions
   * fit (the Lambda environment holds 4 KB in all).
   */
  readonly expectedChunks: readonly string[];
  /** The notifier, which sweeps the ledger. */
  readonly notifierFunctionArn: string;
  readonly notifierFunctionName: string;
  /** Sweep and alarm only when heartbeats are on. @default true */
  readonly sweep?: boolean;
  /** Topic of the stale-path alarm. */
  readonly alarmTopicArn: string;
  /** Dead-letter queue of the sweep rule's target. */
  readonly deadLetterQueueArn: string;
}

/**
 * The coverage ledger in the hub: a DynamoDB table holding, per (account, region), the last
 * heartbeat and last root event seen (written by the notifier) and the expected set with the
 * account names (written here, from the config); a rule that has the notifier sweep it every 15
 * minutes; and ONE alarm on the StalePaths metric the sweep writes, with missing data breaching
 * so a dead sweep pages too. The alarm count does not grow with the number of accounts.
 */
export class CoverageLedger extends Construct {
  public readonly tableName: string;
  public readonly tableArn: string;
  public readonly alarmArn?: string;

  constructor(scope: Construct, id: string, props: CoverageLedgerProps) {
    super(scope, id);
    const p = props.namePrefix;
    const table = rootwatchTable(this, 'table', {
      name: coverageTableName(p),
      hashKey: 'pk',
      rangeKey: 'sk',
      attribute: [
        { name: 'pk', type: 'S' },
        { name: 'sk', type: 'S' },
      ],
    });
    props.expectedChunks.forEach((chunk, i) => {
      const sk = String(i).padStart(3, '0');
      new DynamodbTableItem(this, `expected-${sk}`, {
        tableName: table.name,
        hashKey: 'pk',
        rangeKey: 'sk',
        item: JSON.stringify({ pk: { S: '#expected' }, sk: { S: sk }, accounts: { S: chunk } }),
      });
    });
    if (props.sweep ?? true) {
      notifierTrigger(this, {
        ids: { rule: 'sweep', target: 'sweep-target', permission: 'invoke-sweep' },
        rule: {
          name: `${p}-coverage-sweep`,
          description: 'rootwatch: has the notifier sweep the coverage ledger (stale and recovered paths, StalePaths metric)',
          scheduleExpression: COVERAGE_SWEEP_SCHEDULE,
          state: 'ENABLED',
        },
        statementId: 'events-coverage-sweep',
        notifier: { functionArn: props.notifierFunctionArn, functionName: props.notifierFunctionName },
        input: JSON.stringify({ source: COVERAGE_SWEEP_SOURCE, 'detail-type': 'rootwatch coverage sweep', detail: {} }),
        retryPolicy: { maximumEventAgeInSeconds: 900, maximumRetryAttempts: 3 },
        deadLetterQueueArn: props.deadLetterQueueArn,
      });
      const alarm = new CloudwatchMetricAlarm(this, 'stale-paths', {
        alarmName: `${p}-coverage-stale-paths`,
        alarmDescription:
          'rootwatch: at least one monitored account x region sent no heartbeat for two intervals (its root events may not reach the hub), or the coverage sweep stopped reporting. See the coverage alerts or run `rootwatch coverage`.',
        namespace: heartbeatNamespace(p),
        metricName: STALE_PATHS_METRIC,
        statistic: 'Maximum',
        period: 3600,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        treatMissingData: 'breaching',
        alarmActions: [props.alarmTopicArn],
        okActions: [props.alarmTopicArn],
      });
      this.alarmArn = alarm.arn;
    }
    this.tableName = table.name;
    this.tableArn = table.arn;
  }
}
