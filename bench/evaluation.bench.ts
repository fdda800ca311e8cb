/**
 * Quarterly evaluation at scale: the facts of 100,000 cases of one quarter written into dynalite (in memory,
 * BatchWriteItem), then the time to build the art. 20 / art. 17 report from that quarter's partition.
 * `npm run bench -- evaluation` (EVAL_BENCH_CASES overrides the number of cases).
 */
import type { CaseRecord, Finding, Satisfaction } from '../shared/domain/case';
import { CHANNELS } from '../shared/domain/intake';
import { deriveFacts, renderCsv, renderHtml } from '../shared/domain/evaluation';
import type { EvaluationFact } from '../shared/domain/evaluation';
import { RulesRegistry } from '../shared/domain/rules';
import { DynamoEvaluationFactStore } from '../shared/adapters/aws/dynamo-evaluation-facts';
import { buildQuarterReport } from '../shared/services/evaluation';
import { documentClient, ensureTable, localDynamoClient, startDynalite } from '../infra/local/dynalite';

const JUR = '510903';
const DEPARTMENTS = Array.from({ length: 40 }, (_, i) => `D${String(i).padStart(2, '0')}`);
const MATTERS = ['窗口工作人员态度恶劣', '办理营业执照要求重复提交材料，来回跑了三次', '网上办事平台系统故障无法提交', '审批拖延推诿，迟迟不办', '收费标准不清楚', '其他问题'];

/** Deterministic pseudo-random numbers, so that every run builds the same quarter. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const SH = (ms: number) => `${new Date(ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;

function syntheticCase(i: number, rand: () => number): { before: CaseRecord; after: CaseRecord } {
  const q1 = Date.parse('2024-01-01T00:00:00+08:00');
  const received = q1 + Math.floor(rand() * 80 * 86_400_000);
  const dept = DEPARTMENTS[Math.floor(rand() * rand() * DEPARTMENTS.length)]!;
  const channel = CHANNELS[Math.floor(rand() * CHANNELS.length)]!;
  const caseId = `${JUR}-2024Q1-${String(i).padStart(6, '0')}`;
  const accepted = rand() < 0.9;
  const concluded = accepted && rand() < 0.9;
  const overdue = accepted && rand() < 0.03;
  const extended = accepted && rand() < 0.05;
  const r = rand();
  const finding: Finding = r < 0.25 ? 'substantiated' : r < 0.35 ? 'partial' : 'unfounded';
  const s = rand();
  const satisfaction: Satisfaction = s < 0.7 ? 'satisfied' : s < 0.9 ? 'basically_satisfied' : 'dissatisfied';
  const at = (days: number) => SH(received + days * 86_400_000);
  const after = {
    caseId,
    jurisdiction: JUR,
    trackingNo: caseId,
    queryCodeHash: 'a'.repeat(64),
    rulesVersion: 'suining-2023',
    receivedAt: at(0),
    createdAt: at(0),
    updatedAt: at(6),
    version: 7,
    phase: accepted ? 'archived' : 'archived',
    intake: {
      channel,
      sourceKey: `${channel}:${caseId}`,
      receivedAt: at(0),
      receivedBy: 'agency',
      complainant: { anonymous: true, wantsReply: false, confidential: false },
      respondent: { unitCode: dept, ...(rand() < 0.3 ? { person: `工作人员${Math.floor(rand() * 2000)}` } : {}) },
      matter: MATTERS[Math.floor(rand() * MATTERS.length)]!,
      evidence: [],
    },
    sources: [],
    department: dept,
    assignments: [],
    classification: accepted ? 'transfer' : undefined,
    deadlines: [
      { clock: 'acceptance', startedAt: at(0.1), dueAt: at(2), metAt: at(1) },
      ...(accepted
        ? [
            {
              clock: 'result',
              startedAt: at(1),
              dueAt: at(4),
              ...(extended ? { extended: true, originalDueAt: at(3) } : {}),
              ...(overdue ? { overdueAt: at(4.1) } : {}),
              ...(concluded ? { metAt: at(overdue ? 5 : 3) } : {}),
            },
          ]
        : []),
    ],
    flags: { confidential: false, anonymous: true, ...(overdue ? { overdue: true } : {}) },
    ...(concluded ? { conclusion: { finding, summary: '已处理', at: at(overdue ? 5 : 3), by: { role: 'department', id: 'x' } } } : {}),
    ...(concluded && rand() < 0.8 ? { followUp: { satisfaction, at: at(6), by: { role: 'agency', id: 'y' } } } : {}),
    ...(!accepted ? { outcome: { kind: 'not_accepted', reason: 'art8-1', at: at(1) } } : {}),
    timelineLength: 7,
  } as unknown as CaseRecord;
  // The transition out of classification, so that classified facts are written too.
  const before = { ...after, classification: undefined, phase: 'classification' } as unknown as CaseRecord;
  return { before, after };
}

export async function run(): Promise<{ name: string; results: Record<string, number | string>; notes?: string }> {
  const cases = Number(process.env.EVAL_BENCH_CASES ?? 100_000);
  const dynalite = await startDynalite();
  const client = localDynamoClient(dynalite);
  try {
    await ensureTable(client, 'tousu');
    const store = new DynamoEvaluationFactStore({ doc: documentClient(client), tableName: 'tousu', concurrency: 16 });
    const rand = rng(20240101);

    let t0 = performance.now();
    const facts: EvaluationFact[] = [];
    for (let i = 0; i < cases; i += 1) {
      const { before, after } = syntheticCase(i, rand);
      facts.push(...deriveFacts(before, after));
    }
    const deriveMs = performance.now() - t0;
    const inQuarter = facts.filter((f) => f.quarter === '2024Q1').length;

    t0 = performance.now();
    const CHUNK = 5000;
    for (let i = 0; i < facts.length; i += CHUNK) await store.put(facts.slice(i, i + CHUNK));
    const writeMs = performance.now() - t0;

    const deps = { facts: store, rules: new RulesRegistry(), clock: { now: () => new Date() } };
    t0 = performance.now();
    const report = await buildQuarterReport(deps, { code: JUR }, '2024Q1');
    const reportMs = performance.now() - t0;

    t0 = performance.now();
    const csv = renderCsv(report);
    const html = renderHtml(report);
    const renderMs = performance.now() - t0;

    return {
      name: 'Quarterly evaluation report (art. 20 / art. 17) from one quarter partition in dynalite',
      results: {
        cases,
        'facts written': facts.length,
        'facts in 2024Q1': inQuarter,
        'derive facts (s)': deriveMs / 1000,
        'BatchWrite facts (s)': writeMs / 1000,
        'build report (s)': reportMs / 1000,
        'items read by the report': report.itemsRead ?? 0,
        'items read per second': Math.round((report.itemsRead ?? 0) / (reportMs / 1000)),
        'render CSV + HTML (s)': renderMs / 1000,
        'CSV / HTML size (KiB)': `${Math.round(csv.length / 1024)} / ${Math.round(html.length / 1024)}`,
        'respondent units / persons': `${report.respondents.units.length} / ${report.respondents.persons.length}`,
        'units losing eligibility': report.respondents.units.filter((u) => !u.eligible).length,
        'heap used (MiB)': Math.round(process.memoryUsage().heapUsed / 2 ** 20),
      },
      notes:
        'The report is one paginated Query of the partition `EVAL#510903#2024Q1` (no Scan), validation of each item with zod, and an in-memory aggregation. dynalite keeps the table in memory here; on disk (LevelDB) reads are slower.',
    };
  } finally {
    client.destroy();
    await dynalite.close();
  }
}
