/**
 * The embedded runtime's store adapters side by side (issue 26): the SQLite adapters (shared/adapters/local/sqlite)
 * against the DynamoDB adapters on dynalite (in-process transport, as `tousu start` uses them today), through the
 * same access pattern per case: at intake a claim, a tracking number, the case with two events, the bind, one
 * duplicate look-up of 35 keys and the 3 identity keys filed; at screening a read, a case write and the 32 band
 * keys filed; then two more case changes (dispatch, acceptance), each a read and a write. Evaluation facts are
 * recorded with each case write on both (EvaluationRecordingStore around the DynamoDB adapter; in the same
 * transaction on SQLite).
 *
 * This measures the store layer only, not the intake over HTTP or SMTP: the runtime is not switched to SQLite
 * yet (see docs/BENCHMARKS.md). Counted: port calls and, on DynamoDB, SDK calls (each a request to dynalite),
 * on SQLite write transactions; CPU per case (this process: dynalite runs in it here, without its thread).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { openEmbeddedStorage } from '../infra/local/composition';
import { makeCase as testCase } from '../test/integration/case-store-helpers';
import type { CaseRecord } from '../shared/domain/case';
import type { CaseStore, NewEvent } from '../shared/ports';
import type { DuplicateIndex, IndexKey } from '../shared/ports/duplicate-index';
import { ensureTable, localDynamoClient, startDynalite } from '../infra/local/dynalite';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const CONCURRENCY = 16;

/** The integration tests' case record (test/integration/case-store-helpers.ts), numbered for the bench. */
const makeCase = (i: number): CaseRecord => testCase({ caseId: `510903-20261127-${String(i).padStart(5, '0')}` });

const event = (type: string, phase = 'received'): NewEvent => ({ type, at: '2026-11-27T09:30:00+08:00', actor: { role: 'system', id: 'tousu' }, phase, summary: `事件：${type}` }) as NewEvent;

function keys(i: number): { identity: IndexKey[]; bands: IndexKey[] } {
  const h = (s: string) => `${s}${i}`.padEnd(16, 'x');
  return {
    identity: [
      { kind: 'phone', hash: h('p') },
      { kind: 'mail', hash: h('m') },
      { kind: 'name', hash: h('n') },
    ],
    bands: Array.from({ length: 32 }, (_, b) => ({ kind: 'band' as const, band: b, hash: h(`b${b}-`) })),
  };
}

async function oneCase(store: CaseStore, index: DuplicateIndex, i: number): Promise<void> {
  const c = makeCase(i);
  const k = keys(i);
  await store.claimSource(c.intake.sourceKey, '2026-11-27T01:30:00.000Z');
  await store.allocateTrackingNo('510903', '2026-11-27');
  await index.lookup('510903', [...k.identity, ...k.bands]);
  let rec = await store.create(c, [event('received'), event('acknowledged')]);
  await store.bindSource(c.intake.sourceKey, c.caseId);
  await index.add('510903', { caseId: c.caseId, day: '20261127' }, k.identity);
  for (const phase of ['screening', 'dispatch', 'acceptance'] as const) {
    const read = (await store.get(c.caseId))!;
    rec = await store.update({ ...read, phase, updatedAt: '2026-11-27T10:00:00+08:00' } as CaseRecord, read.version, [event(`${phase}_started`, phase)]);
    if (phase === 'screening') await index.add('510903', { caseId: c.caseId, day: '20261127' }, k.bands);
  }
  void rec;
}

async function drive(n: number, store: CaseStore, index: DuplicateIndex): Promise<{ seconds: number; cpuMs: number }> {
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < n; i = next++) await oneCase(store, index, i);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { seconds, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const countingCalls = (client: DynamoDBClient): { calls: number } => {
  const counter = { calls: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      counter.calls++;
      return next(args);
    },
    { step: 'initialize', name: 'benchCallCounter' },
  );
  return counter;
};

export async function run() {
  const nSqlite = Number(process.env.BENCH_CASES_SQLITE ?? 5000);
  const nDynamo = Number(process.env.BENCH_CASES_DYNAMO ?? 500);
  const results: Record<string, number | string> = {};

  // SQLite on disk (WAL), as the runtime would open it.
  const dir = mkdtempSync(join(tmpdir(), 'tousu-bench-sqlite-'));
  const opened = openEmbeddedStorage({ databaseFile: join(dir, 'tousu.db') });
  const sq = opened.sqlite!;
  const rss0 = process.memoryUsage().rss;
  const s = await drive(nSqlite, sq.store, sq.duplicateIndex);
  results['SQLite: cases'] = nSqlite;
  results['SQLite: cases/s (intake + 3 changes each)'] = nSqlite / s.seconds;
  results['SQLite: CPU ms per case'] = s.cpuMs / nSqlite;
  results['SQLite: port calls per case'] = sq.stats.calls / nSqlite;
  results['SQLite: write transactions per case'] = sq.stats.transactions / nSqlite;
  results['SQLite: RSS growth MiB'] = (process.memoryUsage().rss - rss0) / 2 ** 20;
  opened.close();
  rmSync(dir, { recursive: true, force: true });

  // DynamoDB adapters on dynalite (on disk, in this thread).
  const ddir = mkdtempSync(join(tmpdir(), 'tousu-bench-dynalite-'));
  const dynalite = await startDynalite({ path: ddir });
  const client = localDynamoClient(dynalite);
  const counter = countingCalls(client);
  await ensureTable(client, 'tousu');
  // The same adapters the embedded composition root composes on DynamoDB (the case store as deployed).
  const onDynamo = openEmbeddedStorage({ dynamo: { client, tableName: 'tousu' } });
  counter.calls = 0;
  const d = await drive(nDynamo, onDynamo.store, onDynamo.duplicateIndex);
  results['DynamoDB/dynalite: cases'] = nDynamo;
  results['DynamoDB/dynalite: cases/s (intake + 3 changes each)'] = nDynamo / d.seconds;
  results['DynamoDB/dynalite: CPU ms per case'] = d.cpuMs / nDynamo;
  results['DynamoDB/dynalite: SDK calls per case'] = counter.calls / nDynamo;
  client.destroy();
  await dynalite.close();
  rmSync(ddir, { recursive: true, force: true });

  results['load average (1 min) at the end'] = loadavg()[0]!;
  return {
    name: 'Store adapters: SQLite against DynamoDB on dynalite (issue 26)',
    results,
    notes:
      'Same access pattern per case on both (see bench/store-adapters.bench.ts). On SQLite each case change (create, update) is one write transaction including its events, department links and evaluation facts; the other transactions are the claim, the tracking number, the bind and the two duplicate-index filings. The runtime still runs on dynalite: these figures are for the adapters, not for intake over HTTP or SMTP. Wall-clock rates depend on the load of the shared machine (the load average is recorded); CPU per case and calls per case do not.',
  };
}
