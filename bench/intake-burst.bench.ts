/**
 * A burst of web intakes on the embedded runtime (issue 26, items 3 and 4: nothing dropped under load, memory that
 * follows the work). BENCH_BURST complaints (default 10,000, each distinct) are POSTed over BENCH_BURST_CONNECTIONS
 * (default 32) as fast as the runtime answers, by a load client in a CHILD process (bench/load-client.ts, `burst`),
 * so the runtime's RSS and CPU are its own. Each complaint is sent once; with BENCH_BURST_RETRY=1 a refused one is
 * sent again after its Retry-After until acknowledged (then every complaint ends as a case).
 *
 * Progress goes to stderr as it happens: the client's answers every BENCH_BURST_PROGRESS_MS (default 5 s), then the
 * drain (executions not yet waiting, RSS) every 5 s. When the engine is idle the bench checks every acknowledged
 * intake (by the case id in its answer): it must be a case in a waiting state held by a parked execution (a waiting
 * task), no execution may have failed, and no case may exist that was not acknowledged (a refusal stores nothing).
 * Any check that fails is listed and the process exits 1. RSS is sampled when the 1,000th and 5,000th intake is
 * answered and acknowledged, after the engine is idle, and after a full GC when node runs with --expose-gc.
 * BENCH_BURST_LIMIT_S (default 1,500) bounds the whole run: past it the bench reports what it has, as failed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRuntime } from '../infra/local/runtime';
import type { BurstProgress } from './load-client';
import { cpuMs, mib, runLoadClient } from './load';

type Runtime = Awaited<ReturnType<typeof startRuntime>>;

const load1 = (): string => os.loadavg()[0]!.toFixed(1);
const say = (line: string) => process.stderr.write(`[burst ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

export async function run() {
  const total = Number(process.env.BENCH_BURST ?? 10_000);
  const connections = Number(process.env.BENCH_BURST_CONNECTIONS ?? 32);
  const retry = process.env.BENCH_BURST_RETRY === '1';
  const limitS = Number(process.env.BENCH_BURST_LIMIT_S ?? 1500);
  const dataDir = mkdtempSync(join(tmpdir(), 'tousu-burst-'));
  // BENCH_BURST_BOUND: the back-pressure bound (intakeBacklog.maxBusyExecutions, default 1,000), e.g. to see refusals in a small burst.
  const bound = process.env.BENCH_BURST_BOUND ? { intakeBacklog: { maxBusyExecutions: Number(process.env.BENCH_BURST_BOUND) } } : {};
  writeFileSync(join(dataDir, 'tousu.config.json'), JSON.stringify({ limits: { complaints: { perMinute: 10_000_000 } }, ...bound }));
  const failures = new Map<string, number>();
  let failed = 0;
  const rt = await startRuntime({ dataDir, port: 0, smtpPort: 0, quiet: true, logFormat: 'json' });
  const unsubscribe = watchFailures(rt, (name) => {
    failed++;
    failures.set(name, (failures.get(name) ?? 0) + 1);
  });
  const rssAt = new Map<string, number>();
  const loadAt: string[] = [load1()];
  try {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const deadline = Date.now() + limitS * 1000;
    say(`${total} intakes over ${connections} connections${retry ? ', refused ones retried after Retry-After' : ', each sent once'}; load ${load1()}`);
    const onProgress = (p: BurstProgress) => {
      if (p.mark) rssAt.set(p.mark, process.memoryUsage().rss);
      const by = Object.entries(p.progress.byStatus)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ');
      say(
        `${p.mark ? `${p.mark} · ` : ''}answered ${p.progress.answered}/${total}${p.progress.retries ? ` (+${p.progress.retries} retries)` : ''} [${by}] · not yet waiting ${rt.workflow.engine.busyCount()} · RSS ${mib(process.memoryUsage().rss)} MiB · load ${load1()}`,
      );
    };
    const r = await runLoadClient(
      { kind: 'burst', url: rt.httpUrl, departments: rt.jurisdiction.departments, total, connections, offset: 0, retry, progressEveryMs: Number(process.env.BENCH_BURST_PROGRESS_MS ?? 5000) },
      onProgress,
    );
    const intakeSeconds = (performance.now() - t0) / 1000;
    loadAt.push(load1());
    say(`intake done in ${intakeSeconds.toFixed(1)} s: ${r.acknowledged} acknowledged; draining (${rt.workflow.engine.busyCount()} not yet waiting)`);
    // Drained: every execution parked or ended (no countCases poll: it would read every case 10 times a second).
    let drained = false;
    let lastSay = 0;
    while (Date.now() < deadline) {
      if (rt.workflow.engine.busyCount() === 0) {
        await rt.workflow.idle();
        drained = true;
        break;
      }
      if (Date.now() - lastSay > 5000) {
        lastSay = Date.now();
        say(`draining: not yet waiting ${rt.workflow.engine.busyCount()} · RSS ${mib(process.memoryUsage().rss)} MiB · load ${load1()}`);
      }
      await new Promise((res) => setTimeout(res, 200));
    }
    const drainedSeconds = (performance.now() - t0) / 1000;
    const cpu = cpuMs(cpu0);
    loadAt.push(load1());
    const rssIdle = process.memoryUsage().rss;
    (globalThis as { gc?: () => void }).gc?.();
    const afterGc = process.memoryUsage();

    // Every acknowledged intake a case waiting in a parked execution; no case that was not acknowledged.
    const parked = new Set(
      rt.workflow.engine
        .running()
        .filter((e) => e.parked)
        .map((e) => String((e.input as { caseId?: unknown }).caseId)),
    );
    const acknowledged = new Set(r.caseIds);
    let lost = 0;
    let notWaiting = 0;
    for (const id of acknowledged) {
      const c = await rt.store.get(id);
      if (!c) lost++;
      else if (!c.waiting || !parked.has(id)) notWaiting++;
    }
    let stored = 0;
    let cursor: string | undefined;
    do {
      const page = await rt.store.query({ jurisdiction: rt.jurisdiction.code, limit: 500, ...(cursor ? { cursor } : {}) });
      stored += page.items.length;
      cursor = page.cursor;
    } while (cursor);
    const refused503 = r.byStatus['503'] ?? 0;
    const otherAnswers = Object.entries(r.byStatus).filter(([s]) => !/^2\d\d$/.test(s) && s !== '503');
    const problems = [
      ...(drained ? [] : [`not drained within ${limitS} s`]),
      ...(failed > 0 ? [`${failed} failed executions`] : []),
      ...(lost > 0 ? [`${lost} acknowledged intakes without a case (lost)`] : []),
      ...(notWaiting > 0 ? [`${notWaiting} acknowledged cases without a waiting task`] : []),
      ...(stored !== acknowledged.size ? [`cases stored ${stored} ≠ acknowledged ${acknowledged.size} (a refusal stored something, or an answer was lost)`] : []),
      ...(otherAnswers.length > 0 ? [`answers other than 2xx/503: ${otherAnswers.map(([s, n]) => `${s}: ${n}`).join(', ')}`] : []),
      ...(r.acknowledged + (retry ? 0 : refused503) + otherAnswers.reduce((a, [, n]) => a + n, 0) !== total ? ['answers do not add up to the intakes sent'] : []),
    ];
    if (problems.length > 0) process.exitCode = 1;
    say(problems.length === 0 ? 'all checks passed' : `FAILED: ${problems.join('; ')}`);
    const rss = (k: string) => (rssAt.has(k) ? `${mib(rssAt.get(k)!)}` : 'not reached');
    return {
      name: `Burst of ${total} web intakes on the embedded runtime (issue 26 items 3-4)`,
      results: {
        'intakes (distinct complaints) / connections': `${total} / ${connections}${retry ? ' (refused ones retried after Retry-After)' : ' (each sent once)'}`,
        'answers by status': Object.entries(r.byStatus)
          .map(([s, n]) => `${s}: ${n}`)
          .join(', '),
        'acknowledged (2xx) / refused 503': `${r.acknowledged} / ${refused503}${retry ? ` (${r.retries} retries)` : ''}`,
        'answer p50 / p99 / max ms (refusals included)': `${r.latency.p50} / ${r.latency.p99} / ${r.latency.max}`,
        'cases stored (must equal acknowledged)': stored,
        'acknowledged intakes without a case (lost)': lost,
        'acknowledged cases without a waiting task': notWaiting,
        'failed executions': `${failed}${failed ? ` (${[...failures].map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''}`,
        checks: problems.length === 0 ? 'PASS' : `FAIL: ${problems.join('; ')}`,
        'intake seconds / until the engine is idle': `${intakeSeconds.toFixed(1)} / ${drainedSeconds.toFixed(1)}`,
        'acknowledged per second until idle': Number((r.acknowledged / drainedSeconds).toFixed(1)),
        'runtime CPU ms per acknowledged intake (refusals included in the CPU)': Number((cpu / Math.max(1, r.acknowledged)).toFixed(1)),
        'back-pressure bound (executions not yet waiting) / refused by the gate': `${rt.workflow.intakeBacklog().bound ?? 'none'} / ${rt.workflow.intakeBacklog().refused}`,
        'executions parked (cases waiting)': parked.size,
        'ended executions retained (summaries / names)': `${rt.workflow.retained().summaries} / ${rt.workflow.retained().names}`,
        'RSS MiB at the 1,000th / 5,000th answer': `${rss('answered:1000')} / ${rss('answered:5000')}`,
        'RSS MiB at the 1,000th / 5,000th acknowledged intake': `${rss('acknowledged:1000')} / ${rss('acknowledged:5000')}`,
        'RSS MiB after, engine idle': mib(rssIdle),
        [`RSS / heap total / heap used / external MiB after${(globalThis as { gc?: unknown }).gc ? ' a full GC' : ' (no --expose-gc)'}`]: `${mib(afterGc.rss)} / ${mib(afterGc.heapTotal)} / ${mib(afterGc.heapUsed)} / ${mib(afterGc.external)}`,
        'load average (1 min) start → intake done → idle': loadAt.join(' → '),
      },
      notes: `Runs on the runtime as \`tousu start\` does (SQLite, the real ASL on the in-process engine), the load client in a child process (its memory and CPU are not in the figures). Past the back-pressure bound an intake is answered 503 with Retry-After and nothing is stored; ${retry ? 'the client sent it again after the Retry-After' : 'the client does not retry (BENCH_BURST_RETRY=1 does)'}. "Lost" = an acknowledged intake (its case id from the answer) with no case; every acknowledged case must wait in a parked execution. The machine is shared (2 cores): the load average is beside the figures.`,
    };
  } finally {
    unsubscribe();
    await rt.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Counts failed executions by error name: every execution the engine starts is watched from its start (no polling). */
function watchFailures(rt: Runtime, onFailed: (name: string) => void): () => void {
  const engine = rt.workflow.engine;
  const original = engine.run.bind(engine);
  let on = true;
  engine.run = (name, input) => {
    const e = original(name, input);
    void e.done.then((s) => {
      if (on && s.status === 'failed') onFailed(s.error?.name ?? 'unknown');
    });
    return e;
  };
  return () => {
    on = false;
  };
}
