/**
 * Deadlines of the life cycle (SPEC.md, Deadlines): which clock a phase waits on, when to remind, when a
 * clock is overdue. Overdue marks are set once and never erased (art. 20 counts them).
 */
import type { CaseRecord, ClockName, Deadline, Phase } from '../case';
import { PHASE_LABELS } from '../case';
import type { LifecycleContext } from './context';

/**
 * The clock each waiting phase runs on. 'classification' has no clock of its own in the regulation, but
 * art. 14(2) runs the result clock from the department's receipt of the assignment slip: it is already
 * running while the department classifies, and handling goes on with the same deadline.
 */
export const PHASE_CLOCK: Partial<Record<Phase, ClockName>> = {
  dispatch: 'dispatch',
  acceptance: 'acceptance',
  classification: 'result',
  handling: 'result',
  rectification: 'rectification',
  reply: 'reply',
  follow_up: 'follow_up',
};

/** Phases in which the case waits for people (the workflow's callback steps). */
export const WAITING_PHASES: readonly Phase[] = ['dispatch', 'acceptance', 'classification', 'handling', 'rectification', 'reply', 'follow_up'];

export const CLOCK_LABELS: Record<ClockName, string> = {
  dispatch: '交办期限',
  acceptance: '受理决定期限',
  result: '办理结果反馈期限',
  rectification: '整改报备期限',
  reply: '答复期限',
  follow_up: '回访期限',
};

const ms = (iso: string): number => Date.parse(iso);

/** Index of the last open (not met) deadline of a clock, or -1. */
export function openDeadlineIndex(c: CaseRecord, clock: ClockName): number {
  for (let i = c.deadlines.length - 1; i >= 0; i -= 1) {
    const d = c.deadlines[i]!;
    if (d.clock === clock && d.metAt === undefined) return i;
  }
  return -1;
}

/** The open clock of the phase the case waits in. */
export function currentDeadline(c: CaseRecord): Deadline | undefined {
  const clock = PHASE_CLOCK[c.phase];
  if (!clock) return undefined;
  const i = openDeadlineIndex(c, clock);
  return i < 0 ? undefined : c.deadlines[i];
}

/** A deadline N working days after `startedAt` (the start day is not counted). */
export function startClock(ctx: LifecycleContext, clock: ClockName, startedAt: string, workingDays: number): Deadline {
  const { dueAt, provisional } = ctx.calendar.addWorkingDays(startedAt, workingDays);
  return { clock, startedAt, workingDays, dueAt, ...(provisional ? { provisional } : {}) };
}

/** The first instant at which a deadline is overdue: one second after 23:59:59 of the due day. */
export function overdueFrom(d: Deadline): string {
  return new Date(ms(d.dueAt) + 1000).toISOString();
}

export function isPastDue(d: Deadline, now: Date): boolean {
  return now.getTime() >= ms(overdueFrom(d));
}

/** When the reminder for a deadline is due, or undefined when the policy gives no room for one. */
export function reminderInstant(d: Deadline, ctx: LifecycleContext): string | undefined {
  const lead = ctx.rules.reminderLeadWorkingDays;
  const at = ctx.calendar.reminderAt(d.dueAt, lead);
  if (ms(at) <= ms(d.startedAt) || ms(at) >= ms(d.dueAt)) return undefined;
  return at;
}

/**
 * After the conclusion three clocks run side by side, each from the conclusion (SPEC.md, Deadlines): the
 * department's rectification filing (art. 15), its reply with the result to the complainant (arts. 14(2), 16)
 * and the agency's follow-up visit (art. 17). None waits for another: a department late with its rectification
 * does not delay the reply or the visit, and each clock has its own reminder and overdue mark.
 */
export const AFTER_CONCLUSION_CLOCKS: readonly ClockName[] = ['rectification', 'reply', 'follow_up'];

/** The phases after the conclusion: the case is in the first of them whose clock is still open (`phaseAfterConclusion`). */
export const AFTER_CONCLUSION_PHASES: readonly Phase[] = ['rectification', 'reply', 'follow_up'];

/** The open deadlines the case waits on in its phase: after the conclusion every open part, before it the phase's clock. */
export function runningDeadlines(c: CaseRecord): Deadline[] {
  if (AFTER_CONCLUSION_PHASES.includes(c.phase)) return c.deadlines.filter((d) => d.metAt === undefined && AFTER_CONCLUSION_CLOCKS.includes(d.clock));
  const d = currentDeadline(c);
  return d ? [d] : [];
}

/**
 * The step a deadline's reminder or overdue alert is about, for the text read by staff: after the conclusion the
 * part of the clock (a follow-up reminder to the agency names "待回访" while the case shows "待整改报备"), before it
 * the phase of the case.
 */
export function deadlineStepLabel(c: CaseRecord, d: Deadline): string {
  if (AFTER_CONCLUSION_PHASES.includes(c.phase) && AFTER_CONCLUSION_CLOCKS.includes(d.clock)) return PHASE_LABELS[d.clock as Phase];
  return PHASE_LABELS[c.phase];
}

/** The next instant something is due on one deadline: its reminder not yet sent, else its overdue mark not yet set. */
export function deadlineWakeUp(d: Deadline, ctx: LifecycleContext): string | undefined {
  if (d.overdueAt) return undefined;
  if (!d.remindedAt) {
    const remind = reminderInstant(d, ctx);
    if (remind) return remind;
  }
  return overdueFrom(d);
}

/**
 * The next instant at which something must happen while the case waits: the earliest reminder not yet sent
 * or overdue mark not yet set over the running deadlines. undefined = wait without a deadline.
 */
export function nextWakeUp(c: CaseRecord, ctx: LifecycleContext): string | undefined {
  let best: string | undefined;
  for (const d of runningDeadlines(c)) {
    const w = deadlineWakeUp(d, ctx);
    if (w !== undefined && (best === undefined || ms(w) < ms(best))) best = w;
  }
  return best;
}

/** The earliest reminder still to send over the running deadlines (shown on the waiting record). */
export function nextReminder(c: CaseRecord, ctx: LifecycleContext): string | undefined {
  let best: string | undefined;
  for (const d of runningDeadlines(c)) {
    if (d.remindedAt || d.overdueAt) continue;
    const r = reminderInstant(d, ctx);
    if (r !== undefined && (best === undefined || ms(r) < ms(best))) best = r;
  }
  return best;
}

/**
 * The phase of a concluded case: the first part whose clock is still open (rectification, reply, follow-up), or
 * archived when every part is done. The order only names the phase; every open part can be done in any order.
 */
export function phaseAfterConclusion(c: CaseRecord): Phase {
  for (const clock of AFTER_CONCLUSION_CLOCKS) if (openDeadlineIndex(c, clock) >= 0) return clock as 'rectification' | 'reply' | 'follow_up';
  return 'archived';
}

/**
 * Closes the open deadline of a clock at `now`. A clock closed after its due time gets its overdue mark
 * now if the timeout handler had not set it yet. Returns true when the deadline was newly marked overdue.
 */
export function closeDeadline(record: CaseRecord, clock: ClockName, now: Date): boolean {
  const i = openDeadlineIndex(record, clock);
  if (i < 0) return false;
  const d = { ...record.deadlines[i]! };
  d.metAt = now.toISOString();
  let late = false;
  if (isPastDue(d, now) && !d.overdueAt) {
    d.overdueAt = now.toISOString();
    record.flags = { ...record.flags, overdue: true };
    late = true;
  }
  record.deadlines = record.deadlines.map((x, j) => (j === i ? d : x));
  return late;
}

export function replaceDeadline(record: CaseRecord, index: number, d: Deadline): void {
  record.deadlines = record.deadlines.map((x, j) => (j === index ? d : x));
}

/** One deadline moved by a recompute: its clock, and the due times before and after. */
export interface DeadlineChange {
  clock: ClockName;
  from: string;
  to: string;
  /** Still provisional after the recompute (a later year's notice is missing as well). */
  stillProvisional: boolean;
}

/**
 * Recomputes the open provisional (暂定) deadlines of a case with the calendar in `ctx`, once a year's notice
 * has been loaded: a deadline counted from its start keeps its start and its number of working days and gets
 * the official due time. What already happened stands: an overdue mark is never erased (art. 20), a met
 * deadline is history. A reminder already sent is sent again at the new time when that is still ahead, so the
 * reminder moves with the deadline. Returns the changes (empty when nothing was provisional or could be
 * recomputed yet, e.g. the notice is still missing).
 */
export function recomputeProvisionalDeadlines(record: CaseRecord, ctx: LifecycleContext): { deadlines: Deadline[]; changes: DeadlineChange[] } {
  const changes: DeadlineChange[] = [];
  const calendar = ctx.calendar.forDeadlines();
  const deadlines = record.deadlines.map((d) => {
    if (!d.provisional || d.metAt !== undefined) return d;
    if (d.workingDays === undefined || d.extended) {
      // A due date that staff chose is not a count: only the count it was checked against was provisional.
      changes.push({ clock: d.clock, from: d.dueAt, to: d.dueAt, stillProvisional: false });
      return stripProvisional(d);
    }
    const due = calendar.addWorkingDays(d.startedAt, d.workingDays);
    const stillProvisional = due.provisional !== undefined;
    if (due.dueAt === d.dueAt && stillProvisional && sameYears(due.provisional!.years, d.provisional.years)) return d;
    const next: Deadline = { ...stripProvisional(d), dueAt: due.dueAt, ...(due.provisional ? { provisional: due.provisional } : {}) };
    if (next.remindedAt && due.dueAt !== d.dueAt) {
      const remind = reminderInstant(next, { ...ctx, calendar });
      if (remind && ms(remind) > ctx.now.getTime()) delete next.remindedAt;
    }
    changes.push({ clock: d.clock, from: d.dueAt, to: due.dueAt, stillProvisional });
    return next;
  });
  return { deadlines, changes };
}

function stripProvisional(d: Deadline): Deadline {
  const { provisional: _provisional, ...rest } = d;
  return rest;
}

function sameYears(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((y, i) => y === b[i]);
}
