/**
 * SQLite store calls per intake and write transactions per case change (issue 26, items 2 and 6, the embedded
 * side). The life-cycle sandbox on the SQLite stores wired as deployed (evaluation facts in the case transaction,
 * duplicate matching), the real intake core, the real ASL on the in-process engine, the real task and action
 * services; the scenarios are those of test/statemachine and `tousu demo`.
 *
 * Counted by the adapters themselves (SqliteStores.stats: every port call, every committed write transaction). A
 * case change is one call of CaseStore.create or CaseStore.update; its transactions are those committed during that
 * call (the case row, its events, links and evaluation facts are meant to be one). Target: ≤ 1 per case change.
 */
import { ManualClock } from '../infra/local/clock';
import { openLifecycleSandbox } from '../infra/local/lifecycle-sandbox';
import { LIFECYCLE_SCENARIOS, runScenario } from '../infra/local/lifecycle-scenarios';
import { MemoryMailSender } from '../shared/adapters/memory/mail-sender';
import { complainantName, complainantPhone } from './http-intake.bench';

export async function run(): Promise<{ name: string; results: Record<string, number | string>; notes?: string }> {
  const clock = new ManualClock('2025-03-03T10:00:00+08:00');
  const sb = await openLifecycleSandbox({ clock, mail: new MemoryMailSender(), retryIntervalMs: 5, asDeployed: true });
  const stats = sb.sqlite!.stats;
  clock.setSettle(() => sb.workflow.idle());
  // Case changes and the transactions committed inside them.
  let changes = 0;
  let changeTx = 0;
  for (const m of ['create', 'update'] as const) {
    const original = sb.store[m].bind(sb.store) as (...a: unknown[]) => Promise<unknown>;
    (sb.store as unknown as Record<string, unknown>)[m] = async (...a: unknown[]) => {
      const t0 = stats.transactions;
      const out = await original(...a);
      changes++;
      changeTx += stats.transactions - t0;
      return out;
    };
  }
  let filed = 0;
  const file = sb.file.bind(sb);
  sb.file = (intake) => {
    const n = filed++;
    const i = intake as { complainant?: Record<string, unknown> };
    if (!i.complainant || i.complainant.anonymous) return file(intake);
    return file({
      ...i,
      complainant: { ...i.complainant, name: complainantName(n), ...(i.complainant.phone ? { phone: complainantPhone(n) } : {}), ...(i.complainant.email ? { email: `c${n}@example.com` } : {}) },
    });
  };
  const results: Record<string, number | string> = {};
  const rows: string[] = [];
  try {
    // The web intake alone (no execution), then with its execution to the first wait (screening → dispatch).
    const intake = {
      channel: 'web',
      sourceKey: 'web:bench-sqlite-intake',
      receivedAt: '2025-03-03T10:00:00+08:00',
      receivedBy: 'agency',
      complainant: { name: '张某某', phone: '13800000000', email: 'c@example.com', anonymous: false, wantsReply: true, confidential: false },
      respondent: { unit: '遂宁市船山区市场监督管理局' },
      matter: '办理营业执照变更时窗口要求重复提交材料。',
      evidence: [],
    };
    let c0 = stats.calls;
    let t0 = stats.transactions;
    const r = await sb.file(intake);
    const answerCalls = stats.calls - c0;
    const answerTx = stats.transactions - t0;
    await sb.workflow.idle();
    results['web intake, until the answer: store calls / write transactions'] = `${answerCalls} / ${answerTx}`;
    results['web intake, to the first wait (screening done): store calls / write transactions'] = `${stats.calls - c0} / ${stats.transactions - t0}`;
    results['web intake: phase at the first wait'] = (await sb.get(r.caseId)).phase;
    c0 = stats.calls;
    t0 = stats.transactions;
    await sb.file(intake);
    results['same delivery again (replay): store calls / write transactions'] = `${stats.calls - c0} / ${stats.transactions - t0}`;

    changes = 0;
    changeTx = 0;
    for (const s of LIFECYCLE_SCENARIOS) {
      const c1 = stats.calls;
      const t1 = stats.transactions;
      const ch = changes;
      const chTx = changeTx;
      const res = await runScenario(sb, s, { advanceTo: (at) => clock.advanceTo(at) });
      await sb.workflow.idle();
      if (!res.ok) throw new Error(`scenario ${s.id} did not run as the state-machine tests expect: no figure is written`);
      const n = changes - ch;
      rows.push(`| ${s.id} | ${stats.calls - c1} | ${stats.transactions - t1} | ${n} | ${((changeTx - chTx) / n).toFixed(2)} |`);
    }
    results['case changes over all scenarios'] = changes;
    results['write transactions per case change (target ≤ 1)'] = Number((changeTx / changes).toFixed(3));
  } finally {
    await sb.close();
  }
  return {
    name: 'SQLite store calls per intake and transactions per case change (embedded runtime)',
    results,
    notes: [
      '| path | store calls | write transactions | case changes | transactions per case change |',
      '|---|---|---|---|---|',
      ...rows,
      '',
      "Counted by the SQLite adapters (`SqliteStores.stats`): a store call is one port method call (a read or a write); a write transaction is one committed SQLite transaction (a single-statement write counts as one). Transactions other than case changes: the source claim and its binding, the tracking counter, audit entries, the duplicate index (identity keys at intake, bands at screening) and dead letters. The DynamoDB adapters' calls for the same paths are in the `dynamo-ops.bench.ts` section.",
    ].join('\n'),
  };
}
