/**
 * Provisional deadlines (暂定) and the year-end cliff (SPEC.md, Deadlines): while next year's State Council
 * holiday notice is not loaded, case deadlines that reach into that year are counted provisionally (see
 * WorkingCalendar.forDeadlines). This service
 *
 * - counts the open cases that run on provisional dates, for the warnings of the start banner, the admin
 *   console and the CloudWatch metric (`provisionalStatus`);
 * - recomputes them once the notice is loaded (`recomputeProvisional`): each affected case gets the official
 *   due times and a timeline event saying what moved; overdue marks stay (art. 20); the waiting step is woken so
 *   that its reminder and overdue wake-ups follow the new dates. The complainant gets no new notice: the
 *   regulation requires none for a recomputed (later or equal) date.
 *
 * The same functions run on AWS (admin API, scheduled check) and in the embedded runtime.
 */
import type { WorkingCalendar } from '../domain/calendar';
import { shanghaiDate } from '../domain/calendar';
import { SYSTEM_ACTOR } from '../domain/case';
import type { CaseRecord, Phase } from '../domain/case';
import type { JurisdictionConfig } from '../domain/jurisdiction';
import type { RulesRegistry } from '../domain/rules';
import { CLOCK_LABELS, WAITING_PHASES, nextWakeUp, recomputeProvisionalDeadlines } from '../domain/lifecycle/deadlines';
import type { DeadlineChange } from '../domain/lifecycle/deadlines';
import type { LifecycleContext } from '../domain/lifecycle/context';
import { cnDate } from '../domain/notices/format';
import type { CaseStore, Clock, Logger, Workflow } from '../ports';
import { mutateCase } from './case-mutation';
import { casesInPhases } from './case-queries';
import { errorName } from '../domain/errors';

export interface CalendarRecomputeDeps {
  store: CaseStore;
  clock: Clock;
  /** The calendar as loaded now (with the new year). */
  calendar: WorkingCalendar;
  rules: RulesRegistry;
  jurisdiction: JurisdictionConfig;
  /** Wakes a waiting step so that it plans its wake-up from the new dates (optional: without it the step wakes at its old time, which is never later). */
  workflow?: Pick<Workflow, 'sendTaskSuccess'>;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

export interface ProvisionalStatus {
  /** Years after today's whose notice is not loaded, from 1 November of the year before (when it is usually published). */
  missingYears: number[];
  /** Open cases with at least one open provisional deadline. */
  openProvisionalCases: number;
  /** The years those deadlines count without their notice. */
  provisionalYears: number[];
  /** One Chinese sentence for banners and logs; undefined when nothing needs saying. */
  warning?: string;
}

export interface RecomputeReport {
  /** The calendar status after the recompute, from the same walk over the open cases. */
  status: ProvisionalStatus;
  casesChecked: number;
  casesRecomputed: number;
  deadlinesRecomputed: number;
  /** Cases that still have provisional deadlines (a later year is missing as well). */
  stillProvisional: number;
  problems: { caseId: string; error: string }[];
}

const openCases = (store: CaseStore, jurisdiction: string) => casesInPhases(store, jurisdiction, WAITING_PHASES as readonly Phase[]);

const hasOpenProvisional = (c: CaseRecord): boolean => c.deadlines.some((d) => d.provisional !== undefined && d.metAt === undefined);

/** Whether a notice counted without has been loaded since: only then can a recompute change anything. */
const canRecompute = (c: CaseRecord, calendar: WorkingCalendar): boolean => c.deadlines.some((d) => d.metAt === undefined && (d.provisional?.years ?? []).some((y) => calendar.hasYear(y)));

/**
 * Which years are missing and how many open cases run on provisional dates. The next year counts as missing
 * from 1 November (the notice is usually published in November or December).
 */
export async function provisionalStatus(deps: Pick<CalendarRecomputeDeps, 'store' | 'clock' | 'calendar' | 'jurisdiction'>): Promise<ProvisionalStatus> {
  const tally = new ProvisionalTally();
  for await (const c of openCases(deps.store, deps.jurisdiction.code)) tally.add(c);
  return statusOf(deps, tally);
}

/** Open cases on provisional dates and the years they count without a notice, gathered while walking them. */
class ProvisionalTally {
  cases = 0;
  readonly years = new Set<number>();
  add(c: CaseRecord): void {
    if (!hasOpenProvisional(c)) return;
    this.cases += 1;
    for (const d of c.deadlines) if (d.metAt === undefined) for (const y of d.provisional?.years ?? []) this.years.add(y);
  }
}

function statusOf(deps: Pick<CalendarRecomputeDeps, 'clock' | 'calendar'>, tally: ProvisionalTally): ProvisionalStatus {
  const today = shanghaiDate(deps.clock.now());
  const year = Number(today.slice(0, 4));
  const missing = new Set<number>();
  if (!deps.calendar.hasYear(year)) missing.add(year);
  if (today.slice(5) >= '11-01' && !deps.calendar.hasYear(year + 1)) missing.add(year + 1);
  const openProvisionalCases = tally.cases;
  const years = tally.years;
  for (const y of years) missing.add(y);
  const missingYears = [...missing].sort((a, b) => a - b);
  const provisionalYears = [...years].sort((a, b) => a - b);
  const status: ProvisionalStatus = { missingYears, openProvisionalCases, provisionalYears };
  if (missingYears.length > 0) {
    const list = missingYears.map((y) => `${y} 年`).join('、');
    status.warning =
      `工作日历缺少 ${list}的国务院办公厅节假日安排通知；${openProvisionalCases} 件在办投诉的期限为暂定（按法定节假日计算，不晚于正式期限）。` +
      `通知公布后请导入：npx tousu calendar import 通知全文.txt，在办投诉的期限将自动重新计算。`;
  }
  return status;
}

function summaryOf(changes: DeadlineChange[], years: number[]): string {
  const parts = changes.map((ch) =>
    ch.from === ch.to
      ? `${CLOCK_LABELS[ch.clock]}仍为${cnDate(ch.to)}${ch.stillProvisional ? '（仍为暂定）' : '（已确定）'}`
      : `${CLOCK_LABELS[ch.clock]}由${cnDate(ch.from)}（暂定）调整为${cnDate(ch.to)}${ch.stillProvisional ? '（仍为暂定）' : ''}`,
  );
  return `${years.map((y) => `${y} 年`).join('、')}节假日安排已导入，暂定期限按正式安排重新计算：${parts.join('；')}。已记录的超期标记不变。`;
}

/** Recomputes every open case with provisional deadlines against the calendar in `deps`. Idempotent. */
export async function recomputeProvisional(deps: CalendarRecomputeDeps): Promise<RecomputeReport> {
  const report: Omit<RecomputeReport, 'status'> = { casesChecked: 0, casesRecomputed: 0, deadlinesRecomputed: 0, stillProvisional: 0, problems: [] };
  const tally = new ProvisionalTally();
  const loadedYears = deps.calendar.years();
  for await (const snapshot of openCases(deps.store, deps.jurisdiction.code)) {
    report.casesChecked += 1;
    if (!hasOpenProvisional(snapshot)) continue;
    // Counted as it stands unless the recompute below leaves it official (a failed write keeps it counted).
    let counted: CaseRecord = snapshot;
    // Still waiting for its notice: nothing to read again or write (start-up and every reconciler run pass here).
    if (!canRecompute(snapshot, deps.calendar)) {
      tally.add(counted);
      continue;
    }
    try {
      let changes: DeadlineChange[] = [];
      const stored = await mutateCase(deps.store, snapshot.caseId, (c) => {
        changes = [];
        if (!hasOpenProvisional(c)) return null;
        const ctx: LifecycleContext = { now: deps.clock.now(), calendar: deps.calendar.forDeadlines(), rules: deps.rules.byId(c.rulesVersion), jurisdiction: deps.jurisdiction };
        const result = recomputeProvisionalDeadlines(c, ctx);
        if (result.changes.length === 0) return null;
        changes = result.changes;
        const record: CaseRecord = { ...c, deadlines: result.deadlines, updatedAt: ctx.now.toISOString() };
        if (record.waiting) {
          const open = result.deadlines.find((d) => d.metAt === undefined && d.dueAt === c.waiting?.dueAt) ?? result.deadlines.find((d) => d.metAt === undefined);
          const wake = nextWakeUp(record, ctx);
          const { dueProvisional: _p, remindAt: _r, ...waiting } = record.waiting;
          const dueAt = open?.dueAt ?? waiting.dueAt;
          record.waiting = {
            ...waiting,
            ...(dueAt ? { dueAt } : {}),
            ...(open?.provisional ? { dueProvisional: true } : {}),
            ...(wake !== undefined && dueAt !== undefined && Date.parse(wake) < Date.parse(dueAt) ? { remindAt: wake } : {}),
          };
        }
        const years = [...new Set(c.deadlines.flatMap((d) => d.provisional?.years ?? []))].filter((y) => loadedYears.includes(y)).sort((a, b) => a - b);
        return {
          record,
          events: [
            {
              at: ctx.now.toISOString(),
              type: 'deadlines_recomputed',
              actor: SYSTEM_ACTOR,
              phase: c.phase,
              summary: summaryOf(changes, years.length > 0 ? years : loadedYears.slice(-1)),
              data: { changes },
            },
          ],
        };
      });
      counted = stored;
      if (changes.length === 0) continue;
      report.casesRecomputed += 1;
      report.deadlinesRecomputed += changes.length;
      if (hasOpenProvisional(stored)) report.stillProvisional += 1;
      // Wake the waiting step: it plans its reminder and overdue wake-ups again from the new dates. A stale
      // token (an action landed meanwhile) is harmless: the next step sees the case as it is.
      const token = stored.waiting?.taskToken;
      if (token && deps.workflow) {
        await deps.workflow.sendTaskSuccess(token, { phase: stored.phase }).catch((err: unknown) => {
          deps.logger?.warn('task token not accepted after recompute', { caseId: stored.caseId, error: errorName(err) });
        });
      }
    } catch (err) {
      report.problems.push({ caseId: snapshot.caseId, error: errorName(err) });
    } finally {
      tally.add(counted);
    }
  }
  deps.logger?.info('provisional deadlines recomputed', { ...report, problems: report.problems.length });
  return { ...report, status: statusOf(deps, tally) };
}
