/**
 * Provisional deadlines against the official ones (SPEC.md, Deadlines): each shipped year's notice is taken out
 * in turn, and every start day of that year (17:00) with n ∈ {1, 2, 3, 5, 10, 15, 20} working days is counted
 * provisionally and officially. "later" must be 0 for the rule in force (a provisional date is never later than
 * the official one); the plain rule (weekends off, reach 0) is shown beside it, as the reason for the reach.
 */
import { loadCalendar, packageYears, readChineseDaysData } from '../shared/calendar/load';
import { PROVISIONAL_WEEKEND_REACH_DAYS, WorkingCalendar } from '../shared/domain/calendar';

const COUNTS = [1, 2, 3, 5, 10, 15, 20];
const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

function compare(reach: number): { due: number; later: number; earlierDaysMean: number } {
  const official = loadCalendar();
  const shipped = packageYears(readChineseDaysData());
  let due = 0;
  let later = 0;
  let earlierDays = 0;
  for (const { year } of shipped) {
    const provisional = new WorkingCalendar(
      shipped.filter((y) => y.year !== year),
      [],
      { weekendReachDays: reach },
    ).forDeadlines();
    for (let d = `${year}-01-01`; d < `${year}-12-01`; d = addDays(d, 1)) {
      for (const n of COUNTS) {
        const p = provisional.addWorkingDays(`${d}T17:00:00+08:00`, n).dueDate;
        const o = official.addWorkingDays(`${d}T17:00:00+08:00`, n).dueDate;
        due += 1;
        if (p > o) later += 1;
        earlierDays += (Date.parse(o) - Date.parse(p)) / 86_400_000;
      }
    }
  }
  return { due, later, earlierDaysMean: earlierDays / due };
}

export async function run() {
  const plain = compare(0);
  const inForce = compare(PROVISIONAL_WEEKEND_REACH_DAYS);
  return {
    name: 'Provisional deadlines against the official ones (2023-2026, each notice taken out in turn)',
    results: {
      'due dates compared': inForce.due,
      [`later than official, reach ${PROVISIONAL_WEEKEND_REACH_DAYS} days (in force)`]: inForce.later,
      [`mean days earlier, reach ${PROVISIONAL_WEEKEND_REACH_DAYS} days`]: inForce.earlierDaysMean,
      'later than official, weekends off (reach 0)': plain.later,
      'mean days earlier, weekends off': plain.earlierDaysMean,
    },
    notes:
      'Start days 01-01 to 11-30 of the year taken out, at 17:00, n ∈ {1, 2, 3, 5, 10, 15, 20}. A provisional date later than the official one would let a case pass its legal deadline unmarked; the reach is chosen so that none is later.',
  };
}
