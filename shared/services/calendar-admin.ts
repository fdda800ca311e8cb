/**
 * Loading a State Council holiday notice into a running deployment (the admin API on AWS and in the embedded
 * runtime, `tousu calendar import` through the runtime): validate the year, keep it where every function reads
 * it, load it into the calendar in place, and recompute the open cases that ran on provisional dates.
 */
import { CalendarYearSchema } from '../domain/calendar';
import type { CalendarYearData } from '../domain/calendar';
import type { Actor } from '../domain/case';
import { ValidationError } from '../domain/errors';
import { provisionalStatus, recomputeProvisional } from './calendar-recompute';
import type { CalendarRecomputeDeps, ProvisionalStatus, RecomputeReport } from './calendar-recompute';

export interface CalendarAdminDeps extends CalendarRecomputeDeps {
  /** Keeps an imported year durably (a DynamoDB item on AWS, a year file in the runtime's calendar directory). */
  saveYear(year: CalendarYearData, meta: { at: string; by: string }): Promise<void>;
}

export interface CalendarStatusView extends ProvisionalStatus {
  years: { year: number; source: string }[];
}

export async function calendarStatus(deps: CalendarAdminDeps): Promise<CalendarStatusView> {
  const status = await provisionalStatus(deps);
  return { ...status, years: deps.calendar.years().map((year) => ({ year, source: deps.calendar.sourceOf(year) })) };
}

/** Imports one year: saved first (so a crash after it loses nothing), then loaded, then the open cases recomputed. */
export async function importCalendarYear(deps: CalendarAdminDeps, year: unknown, actor: Actor): Promise<{ year: CalendarYearData; recompute: RecomputeReport }> {
  const parsed = CalendarYearSchema.safeParse(year);
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((i) => ({ field: ['year', ...i.path.map(String)].join('.'), message: i.message, code: i.code })),
      `年度日历数据有误：${parsed.error.issues.map((i) => i.message).join('；')}`,
    );
  }
  const data = parsed.data;
  await deps.saveYear(data, { at: deps.clock.now().toISOString(), by: actor.id });
  deps.calendar.loadYear(data);
  const recompute = await recomputeProvisional(deps);
  return { year: data, recompute };
}
