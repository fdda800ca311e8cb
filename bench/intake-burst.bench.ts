/**
 * A burst of web intakes on the embedded runtime (issue 26, item 3: nothing dropped under load). BENCH_BURST
 * complaints (default 10,000) are POSTed with BENCH_BURST_CONNECTIONS at once (default 32), as fast as the
 * runtime answers; then the bench waits until the engine is idle and checks every case: an acknowledged intake
 * must be a case in a waiting state with its waiting task (a running execution parked in a callback task), and
 * no execution may have failed; a refused intake (503 with Retry-After) must have stored nothing (cases stored =
 * acknowledged). RSS is sampled when the 1,000th and the 5,000th intake is acknowledged, and after the engine is
 * idle (with a GC first when node runs with --expose-gc). The HTTP abuse limits are raised for the bench (the
 * burst comes from one address). The client (fetch) runs in the same process: its memory is in the RSS.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRuntime } from '../infra/local/runtime';
import type { CaseRecord } from '../shared/domain/case';
import { distinctComplaint } from './http-intake.bench';

export async function run() {
  const total = Number(process.env.BENCH_BURST ?? 10_000);
  const connections = Number(process.env.BENCH_BURST_CONNECTIONS ?? 32);
  const dataDir = mkdtempSync(join(tmpdir(), 'tousu-burst-'));
  writeFileSync(join(dataDir, 'tousu.config.json'), JSON.stringify({ limits: { complaints: { perMinute: 10_000_000 } } }));
  let failed = 0;
  const failures = new Map<string, number>();
  const rt = await startRuntime({ dataDir, port: 0, smtpPort: 0, quiet: true, logFormat: 'json' });
  const unsubscribe = watchFailures(rt, (name) => {
    failed++;
    failures.set(name, (failures.get(name) ?? 0) + 1);
  });
  try {
    const departments = rt.jurisdiction.departments;
    let next = 0;
    const answers = new Map<number | string, number>();
    const rssAt = new Map<number, number>();
    let acknowledged = 0;
    const loadStart = os.loadavg()[0]!.toFixed(1);
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: connections }, async () => {
        for (let i = next++; i < total; i = next++) {
          let status: number | string;
          try {
            const res = await fetch(`${rt.httpUrl}/api/complaints`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'idempotency-key': `burst-${process.pid}-${i}` },
              body: JSON.stringify(distinctComplaint(i, departments)),
            });
            await res.arrayBuffer();
            status = res.status;
          } catch (err) {
            // A refused or reset connection is an answer too: counted, not retried (the client would retry).
            status = ((err as { cause?: { code?: string } }).cause?.code ?? 'fetch_failed') as string;
          }
          answers.set(status, (answers.get(status) ?? 0) + 1);
          if (typeof status === 'number' && status >= 200 && status < 300) {
            acknowledged += 1;
            if (acknowledged === 1000 || acknowledged === 5000) rssAt.set(acknowledged, process.memoryUsage().rss);
          }
        }
      }),
    );
    const intakeSeconds = (performance.now() - t0) / 1000;
    await rt.workflow.idle();
    const drainedSeconds = (performance.now() - t0) / 1000;
    const rssIdle = process.memoryUsage().rss;
    (globalThis as { gc?: () => void }).gc?.();
    const afterGc = process.memoryUsage();
    const cases: CaseRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await rt.store.query({ jurisdiction: rt.jurisdiction.code, limit: 500, ...(cursor ? { cursor } : {}) });
      cases.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
    const accepted = [...answers].filter(([s]) => typeof s === 'number' && s >= 200 && s < 300).reduce((a, [, n]) => a + n, 0);
    const parkedIds = new Set(
      rt.workflow.engine
        .running()
        .filter((e) => e.parked)
        .map((e) => String((e.input as { caseId?: unknown }).caseId)),
    );
    const notWaiting = cases.filter((c) => !c.waiting || !parkedIds.has(c.caseId)).length;
    return {
      name: `Burst of ${total} web intakes (issue 26)`,
      results: {
        'intakes sent': total,
        'answers by status': [...answers].map(([s, n]) => `${s}: ${n}`).join(', '),
        'acknowledged (2xx)': accepted,
        'cases stored (open and merged)': cases.length,
        'cases without a waiting task': notWaiting,
        'failed executions': failed,
        'failed by error': [...failures].map(([k, v]) => `${k}: ${v}`).join(', ') || 'none',
        'intake seconds': intakeSeconds,
        'seconds until the engine is idle': drainedSeconds,
        'refused by back-pressure (503)': rt.workflow.intakeBacklog().refused,
        'back-pressure bound (executions not yet waiting)': rt.workflow.intakeBacklog().bound ?? 'none',
        'ended executions retained (summaries / names)': `${rt.workflow.retained().summaries} / ${rt.workflow.retained().names}`,
        'refused intakes that stored something (cases stored − acknowledged)': cases.length - accepted,
        'RSS MiB when the 1,000th / 5,000th intake was acknowledged': [1000, 5000].map((k) => (rssAt.has(k) ? (rssAt.get(k)! / 2 ** 20).toFixed(0) : 'not reached')).join(' / '),
        'RSS MiB after, engine idle': rssIdle / 2 ** 20,
        [`RSS / heap used MiB after${(globalThis as { gc?: unknown }).gc ? ' a full GC' : ' (no --expose-gc)'}`]: `${(afterGc.rss / 2 ** 20).toFixed(0)} / ${(afterGc.heapUsed / 2 ** 20).toFixed(0)}`,
        'executions parked (waiting cases held by the engine)': parkedIds.size,
        'load average (1 min) start → end': `${loadStart} → ${os.loadavg()[0]!.toFixed(1)}`,
      },
      notes:
        'Runs on the runtime as `tousu start` does (SQLite). Past the back-pressure bound an intake is answered 503 with Retry-After and nothing is stored (the client would retry later; the bench does not). A merged duplicate is a case without its own execution and is counted under "without a waiting task"; distinct complaints avoid merges.',
    };
  } finally {
    unsubscribe();
    await rt.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Polls the engine's executions for failures (the runtime logs them; the bench counts them by error name). */
function watchFailures(rt: Awaited<ReturnType<typeof startRuntime>>, onFailed: (name: string) => void): () => void {
  const seen = new Set<string>();
  const tick = setInterval(() => {
    for (const e of rt.workflow.engine.running()) {
      if (seen.has(e.name)) continue;
      seen.add(e.name);
      void e.done.then((s) => {
        if (s.status === 'failed') onFailed(s.error?.name ?? 'unknown');
      });
    }
  }, 20);
  return () => clearInterval(tick);
}
