/**
 * Keeps a WorkingCalendar up to date with the years an administrator imported into a CalendarYearStore (AWS):
 * read at the first use and then at most every `everyMs` (default 5 minutes). A year found is loaded into the
 * calendar in place (WorkingCalendar.loadYear), so every holder sees it. A failed read keeps what is loaded and
 * tries again at the next use: the calendar never gets worse because the store is unreachable.
 */
import type { CalendarYearData, WorkingCalendar } from '../domain/calendar';
import type { CalendarRefresher, CalendarYearStore, Logger } from '../ports';
import { errorName } from '../domain/errors';

export function calendarRefresher(calendar: WorkingCalendar, store: CalendarYearStore, opts: { everyMs?: number; now?: () => number; logger?: Pick<Logger, 'warn'> } = {}): CalendarRefresher {
  const everyMs = opts.everyMs ?? 5 * 60_000;
  const now = opts.now ?? Date.now;
  let lastRead = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;
  const seen = new Map<number, string>();
  const apply = (years: CalendarYearData[]) => {
    for (const y of years) {
      const json = JSON.stringify(y);
      if (seen.get(y.year) === json) continue;
      calendar.loadYear(y);
      seen.set(y.year, json);
    }
  };
  return {
    async ensureFresh() {
      if (now() - lastRead < everyMs) return;
      inFlight ??= store
        .list()
        .then((years) => {
          apply(years);
          lastRead = now();
        })
        .catch((err: unknown) => {
          opts.logger?.warn('calendar years not read', { error: errorName(err) });
        })
        .finally(() => {
          inFlight = undefined;
        });
      await inFlight;
    },
    loaded: () => [...seen.keys()].sort((a, b) => a - b),
  };
}
