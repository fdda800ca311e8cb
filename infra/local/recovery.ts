/**
 * Dead letters and the reconciler of the embedded runtime (docs/runtime.md, "Dead letters" and "Reconciler").
 *
 * - `parkedSubmit`: the intake core wrapped by `parkingSubmit` (shared/services/dead-letters.ts). SMTP, the folder
 *   watch and the HTTP staff intake file through it: a failure other than bad input parks the canonical intake in
 *   the dead-letter store (the `dead_letters` table of the runtime's SQLite database) and throws IntakeParkedError, which each adapter
 *   turns into "accepted, kept" (SMTP 250, HTTP 202, a folder report line naming the dead letter).
 * - `listDeadLetters` / `replay` / `replayAll`: what `tousu dead-letters list|replay` calls through the loopback
 *   admin endpoint while the runtime runs (one process owns the data directory: its lock). `replayAll` also replays
 *   the raw mails of `<data-dir>/dead-letters/smtp/` (kept there only when even the store failed).
 * - `reconcile`: shared/services/reconcile.ts on the runtime's own store and engine, once after start (after the
 *   resume of open cases) and then every `everyMs` of wall time (default 10 minutes). Its Workflow asks the
 *   engine first: a case that already has a running execution (for instance one `resumeAll` just resumed) is
 *   answered `alreadyRunning` and never started twice.
 *
 * Logs carry ids, counts and error names only.
 */
import { readdir } from 'node:fs/promises';
import type { CanonicalIntake } from '../../shared/domain/intake';
import { submitIntake } from '../../shared/intake/core';
import type { IntakeDeps, IntakeOptions, IntakeResult } from '../../shared/intake/core';
import type { Workflow } from '../../shared/ports';
import { parkingSubmit, replayAll as replayAllInStore, replayDeadLetter } from '../../shared/services/dead-letters';
import type { DeadLetter, DeadLetterStore, ReplayOutcome } from '../../shared/services/dead-letters';
import { DEFAULT_RECONCILE_THRESHOLD_MS, reconcile } from '../../shared/services/reconcile';
import type { ClaimSource } from '../../shared/ports/claims';
import type { ReconcileReport } from '../../shared/services/reconcile';
import type { WorkingCalendar } from '../../shared/domain/calendar';
import type { RulesRegistry } from '../../shared/domain/rules';
import type { RuntimeLogger } from './log';
import { replayDeadLetters as replaySmtpFolder } from './smtp-intake';
import type { MailIngestOutcome, ReplayResult } from './smtp-intake';
import type { LocalWorkflow } from './workflow';
import { errorName } from '../../shared/domain/errors';

export const DEFAULT_RECONCILE_EVERY_MS = 10 * 60_000;

export interface RecoveryOptions {
  intake: IntakeDeps;
  /** Re-sends a parked hand-over (issue 15); see ReplayDeps.handOver. */
  handOver?: (caseId: string) => Promise<{ caseId: string; trackingNo: string }>;
  workflow: LocalWorkflow;
  /** The runtime's dead letters and source claims (infra/local/composition.ts). */
  deadLetters: DeadLetterStore;
  claims: ClaimSource;
  calendar: WorkingCalendar;
  rules: RulesRegistry;
  logger: RuntimeLogger;
  smtpDeadLetterDir: string;
  /** Raw mail → case (the runtime's SMTP ingest), for the raw-mail folder. */
  ingestSmtp: (raw: Uint8Array) => Promise<MailIngestOutcome>;
  /** Reconcile threshold in clock time (default 15 minutes; the runtime scales it with a virtual clock). */
  thresholdMs?: number;
  /** Wall time between scheduled reconciler runs (default 10 minutes; 0 = never on a timer). */
  everyMs?: number;
}

/** A dead letter as the CLI sees it: never the intake itself (personal data). */
export type DeadLetterView = Omit<DeadLetter, 'payload'>;

export interface DeadLetterListing {
  items: DeadLetterView[];
  /** Raw mails in `<data-dir>/dead-letters/smtp/` (file names). */
  smtp: string[];
}

export interface ReplayAllResult {
  store: ReplayOutcome[];
  smtp: ReplayResult[];
}

export interface Recovery {
  deadLetters: DeadLetterStore;
  /** The intake core that parks failures (SMTP, folder watch, HTTP staff intake). */
  parkedSubmit: (intake: CanonicalIntake, opts?: IntakeOptions) => Promise<IntakeResult>;
  /** The engine behind a guard: never a second execution for a case that has a running one. */
  guardedWorkflow: Workflow;
  listDeadLetters(status?: DeadLetter['status']): Promise<DeadLetterListing>;
  replay(id: string): Promise<ReplayOutcome>;
  /** Every open dead letter of the store, then the raw-mail folder. */
  replayAll(): Promise<ReplayAllResult>;
  /** One reconciler run (runs are serialised). */
  reconcile(opts?: { thresholdMs?: number; dryRun?: boolean; onlyCaseId?: string }): Promise<ReconcileReport>;
  /** Start-up: replays parked intakes and raw mails, then runs the reconciler once and every `everyMs`. */
  start(): void;
  stop(): Promise<void>;
}

export function createRecovery(opts: RecoveryOptions): Recovery {
  const { intake, workflow, logger } = opts;
  const code = intake.jurisdiction.code;
  const { deadLetters, claims } = opts;
  const core = (i: CanonicalIntake, o: IntakeOptions = {}) => submitIntake(intake, i, o);
  const parkedSubmit = parkingSubmit({ deadLetters, clock: intake.clock, jurisdiction: code, logger, ...(intake.metrics ? { metrics: intake.metrics } : {}) }, core);
  const replayDeps = { submit: core, deadLetters, store: intake.store, clock: intake.clock, logger, ...(opts.handOver ? { handOver: opts.handOver } : {}) };

  const guardedWorkflow: Workflow = {
    async start(caseId, input, executionName) {
      const running = workflow.executionsOf(caseId).find((e) => e.status === 'running');
      if (running) return { executionId: `local:${running.name}`, alreadyRunning: true };
      return workflow.start(caseId, input, executionName);
    },
    sendTaskSuccess: (token, output) => workflow.sendTaskSuccess(token, output),
    sendTaskFailure: (token, error, cause) => workflow.sendTaskFailure(token, error, cause),
  };

  let running: Promise<ReconcileReport> | undefined;
  const runReconcile = (o: { thresholdMs?: number; dryRun?: boolean; onlyCaseId?: string } = {}): Promise<ReconcileReport> => {
    const go = async (): Promise<ReconcileReport> => {
      const report = await reconcile(
        {
          store: intake.store,
          workflow: guardedWorkflow,
          clock: intake.clock,
          jurisdiction: code,
          claims,
          deadLetters,
          submit: core,
          lifecycle: { calendar: opts.calendar, rules: opts.rules, jurisdiction: intake.jurisdiction },
        },
        { thresholdMs: o.thresholdMs ?? opts.thresholdMs ?? DEFAULT_RECONCILE_THRESHOLD_MS, ...(o.dryRun ? { dryRun: true } : {}), ...(o.onlyCaseId ? { onlyCaseId: o.onlyCaseId } : {}) },
      );
      for (const f of report.findings) {
        logger.warn('reconcile finding', {
          kind: f.kind,
          action: f.action,
          ...('caseId' in f && f.caseId ? { caseId: f.caseId } : {}),
          ...(f.kind === 'orphan_claim' && f.deadLetterId ? { deadLetterId: f.deadLetterId } : {}),
        });
      }
      for (const p of report.problems) logger.error('reconcile problem', { ...(p.caseId ? { caseId: p.caseId } : {}), error: p.error });
      if (report.findings.length > 0 || report.problems.length > 0) {
        logger.say(`对账修复：发现 ${report.findings.length} 处，失败 ${report.problems.length} 处（tousu reconcile --json 查看详情）`, 'reconcile run', {
          casesChecked: report.casesChecked,
          claimsChecked: report.claimsChecked,
          findings: report.findings.length,
          problems: report.problems.length,
        });
      } else {
        logger.debug('reconcile run', { casesChecked: report.casesChecked, claimsChecked: report.claimsChecked, findings: 0 });
      }
      return report;
    };
    const next = (running ?? Promise.resolve(undefined)).catch(() => undefined).then(go);
    running = next;
    void next
      .finally(() => {
        if (running === next) running = undefined;
      })
      .catch(() => undefined);
    return next;
  };

  const replaySmtp = async (): Promise<ReplayResult[]> => {
    const results = await replaySmtpFolder(opts.smtpDeadLetterDir, opts.ingestSmtp);
    if (results.length > 0)
      logger.say(`死信邮件重放：${results.filter((r) => r.ok).length}/${results.length} 封成功`, 'dead letters replayed', {
        source: 'smtp',
        total: results.length,
        ok: results.filter((r) => r.ok).length,
      });
    return results;
  };

  const replayAll = async (): Promise<ReplayAllResult> => {
    const store = await replayAllInStore(replayDeps, code);
    if (store.length > 0)
      logger.say(`死信重放：${store.filter((r) => r.ok).length}/${store.length} 件成功`, 'dead letters replayed', { source: 'store', total: store.length, ok: store.filter((r) => r.ok).length });
    return { store, smtp: await replaySmtp() };
  };

  /** Start-up replay: parked intakes (not orphan claims: those wait for their source) and raw mails. */
  const replayOnStart = async (): Promise<void> => {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await deadLetters.list({ jurisdiction: code, status: 'open', limit: 100, ...(cursor ? { cursor } : {}) });
      ids.push(...page.items.filter((d) => d.kind === 'intake').map((d) => d.id));
      cursor = page.cursor;
    } while (cursor);
    const results: ReplayOutcome[] = [];
    for (const id of ids) results.push(await replayDeadLetter(replayDeps, id));
    if (results.length > 0)
      logger.say(`死信重放：${results.filter((r) => r.ok).length}/${results.length} 件成功`, 'dead letters replayed', {
        source: 'store',
        total: results.length,
        ok: results.filter((r) => r.ok).length,
      });
    await replaySmtp();
  };

  let timer: NodeJS.Timeout | undefined;
  let startup: Promise<void> | undefined;
  let stopped = false;
  const quietly = (what: string) => (err: unknown) => logger.error(what, { error: errorName(err) });

  return {
    deadLetters,
    parkedSubmit,
    guardedWorkflow,
    async listDeadLetters(status = 'open') {
      const items: DeadLetterView[] = [];
      let cursor: string | undefined;
      do {
        const page = await deadLetters.list({ jurisdiction: code, status, limit: 100, ...(cursor ? { cursor } : {}) });
        for (const { payload: _payload, ...view } of page.items) items.push(view);
        cursor = page.cursor;
      } while (cursor);
      const smtp = status === 'open' ? (await readdir(opts.smtpDeadLetterDir).catch(() => [] as string[])).filter((f) => f.endsWith('.eml')).sort() : [];
      return { items, smtp };
    },
    replay: (id) => replayDeadLetter(replayDeps, id),
    replayAll,
    reconcile: runReconcile,
    start() {
      startup = replayOnStart()
        .catch(quietly('dead letter replay failed'))
        .then(() => (stopped ? undefined : runReconcile().then(() => undefined)))
        .catch(quietly('reconcile failed'));
      const every = opts.everyMs ?? DEFAULT_RECONCILE_EVERY_MS;
      if (every > 0) {
        timer = setInterval(() => {
          if (!stopped) void runReconcile().catch(quietly('reconcile failed'));
        }, every);
        timer.unref();
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await startup;
      await running?.catch(() => undefined);
    },
  };
}
