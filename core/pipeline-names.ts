/**
 * Names of the hub's pipeline dashboard and saved CloudWatch Logs Insights queries
 * (modules/pipeline-dashboard.ts), shared with the generated runbook (cli/runbook.ts).
 */
export function pipelineDashboardName(namePrefix: string): string {
  return `${namePrefix}-pipeline`;
}

/** Saved queries (every name starts with the deployment's prefix, like all its resources). */
export function savedQueryNames(namePrefix: string): { rootEventsOfAccount: string; alertsLast24h: string; expectedUseWindows: string } {
  return {
    rootEventsOfAccount: `${namePrefix}-all-root-events-of-an-account`,
    alertsLast24h: `${namePrefix}-alerts-of-the-last-24h`,
    expectedUseWindows: `${namePrefix}-expected-use-windows`,
  };
}
