/**
 * Child process: time the coverage sweep's own code over 1,000 accounts x 17 regions (17,000
 * paths) in a fresh process: DynamoDB items -> plain rows (lambdas/coverage-store.ts), the
 * expected-set chunks parsed, every path decided (core/coverage.ts). DynamoDB, SNS and CloudWatch
 * time is not ours and not included. Prints {"ms": <first sweep>, "cpuMs": <its CPU time>, "warmMs": <median of 5 more>, "paths": n}.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { expectedChunks, parseExpectedChunks, sweepAccounts } from '../core/coverage';
import { DEFAULT_REGIONS } from '../core/regions';
import { ledgerItem } from '../lambdas/coverage-store';

const ACCOUNTS = 1000;
const NOW = Date.parse('2026-11-30T12:00:00Z');
const H = 3600_000;

function data(): { chunks: string[]; items: Array<Record<string, AttributeValue>> } {
  const accounts = Array.from({ length: ACCOUNTS }, (_, i) => ({
    account: String(100000000000 + i),
    regions: [...DEFAULT_REGIONS],
    name: `workload-team${String(i).padStart(4, '0')}-prod`,
  }));
  const items: Array<Record<string, AttributeValue>> = [];
  accounts.forEach((a, i) =>
    a.regions.forEach((region, j) => {
      const state = (i * 17 + j) % 50; // 2 % stale, the rest fresh; every tenth with a root event
      items.push({
        pk: { S: a.account },
        sk: { S: region },
        account: { S: a.account },
        region: { S: region },
        expectedSince: { N: String(NOW - 30 * 24 * H) },
        lastHeartbeat: { N: String(state === 0 ? NOW - 20 * H : NOW - 2 * H) },
        ...(state % 10 === 0 ? { lastRootEvent: { N: String(NOW - 5 * H) } } : {}),
        ...(state === 0 && (i + j) % 2 === 0 ? { alerted: { S: 'stale' } } : {}),
      });
    }),
  );
  return { chunks: expectedChunks(accounts), items };
}

function sweepOnce(chunks: string[], items: Array<Record<string, AttributeValue>>): { ms: number; cpuMs: number; paths: number; stale: number } {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const rows = items.map(ledgerItem);
  // what the notifier's sweep does (lambdas/coverage.ts sweepCoverage)
  const r = sweepAccounts(parseExpectedChunks(chunks), rows, NOW, { intervalSeconds: 6 * 3600 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, paths: r.fresh + r.pending + r.stale, stale: r.stale };
}

function main(): void {
  const { chunks, items } = data();
  const first = sweepOnce(chunks, items);
  const warm = Array.from({ length: 5 }, () => sweepOnce(chunks, items).ms).sort((a, b) => a - b);
  if (first.paths !== ACCOUNTS * DEFAULT_REGIONS.length) throw new Error(`expected ${ACCOUNTS * DEFAULT_REGIONS.length} paths, got ${first.paths}`);
  // cpuMs: CPU time of the process (all threads, GC included) during the first sweep: less sensitive
  // than wall time to other processes competing for the cores
  process.stdout.write(`${JSON.stringify({ ms: first.ms, cpuMs: first.cpuMs, warmMs: warm[2], paths: first.paths, stale: first.stale })}\n`);
}

main();
