/**
 * Provisional deadlines for a year without its State Council notice (SPEC.md, Deadlines): counted from the
 * statutory holidays of 《全国年节及纪念日放假办法》, never later than the official date, equal after import.
 */
import cd from 'chinese-days';
import { loadCalendar, packageYears, readChineseDaysData } from '../../shared/calendar/load';
import { PROVISIONAL_WEEKEND_REACH_DAYS, WorkingCalendar } from '../../shared/domain/calendar';
import type { CalendarYearData } from '../../shared/domain/calendar';
import { CalendarDataMissingError } from '../../shared/domain/errors';
import { STATUTORY_TABLE_YEARS, statutoryHolidays } from '../../shared/domain/statutory-holidays';

const shipped = packageYears(readChineseDaysData());
const yearOf = (y: number): CalendarYearData => shipped.find((x) => x.year === y)!;

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + days * 86_400_000).toISOString().slice(0, 10);
}

describe('statutory holidays (the law, without a notice)', () => {
  it('the lunar and solar-term table equals the chinese-days lunar calendar for every year it covers', () => {
    for (let year = STATUTORY_TABLE_YEARS.first; year <= STATUTORY_TABLE_YEARS.last; year += 1) {
      const days = statutoryHolidays(year)!;
      const of = (festival: string) => days.filter((d) => d.festival === festival).map((d) => d.date);
      const newYear = cd.getSolarDateFromLunar(`${year}-01-01`).date;
      const spring = of('春节');
      // 初一 is in the block (the first day from 2025, the second before that, when 除夕 was a working day).
      expect(spring).toContain(newYear);
      if (year >= 2025) expect(spring[0]).toBe(addDays(newYear, -1));
      else expect(spring[0]).toBe(newYear);
      expect(of('清明节')).toEqual([cd.getSolarTermDate(year, 4, 'pure_brightness')]);
      expect(of('端午节')).toEqual([cd.getSolarDateFromLunar(`${year}-05-05`).date]);
      expect(of('中秋节')).toEqual([cd.getSolarDateFromLunar(`${year}-08-15`).date]);
    }
  });

  it('follows the rules in force: 春节 4 days and 劳动节 2 from 2025 (2024 revision), 3 and 1 before', () => {
    const count = (y: number, f: string) => statutoryHolidays(y)!.filter((d) => d.festival === f).length;
    expect([count(2024, '春节'), count(2024, '劳动节')]).toEqual([3, 1]);
    expect([count(2027, '春节'), count(2027, '劳动节'), count(2027, '国庆节'), count(2027, '元旦')]).toEqual([4, 2, 3, 1]);
    expect(statutoryHolidays(2027)!.map((d) => d.date)).toEqual([
      '2027-01-01',
      '2027-02-05',
      '2027-02-06',
      '2027-02-07',
      '2027-02-08',
      '2027-04-05',
      '2027-05-01',
      '2027-05-02',
      '2027-06-09',
      '2027-09-15',
      '2027-10-01',
      '2027-10-02',
      '2027-10-03',
    ]);
    expect(statutoryHolidays(2101)).toBeUndefined();
  });

  it("every statutory holiday of 2023-2026 is a day off in that year's notice", () => {
    const official = loadCalendar();
    for (const year of [2023, 2024, 2025, 2026]) {
      for (const h of statutoryHolidays(year)!) expect([h.date, official.isWorkday(h.date)]).toEqual([h.date, false]);
    }
  });
});

describe('provisional deadlines', () => {
  it('a computation that is not a case deadline still fails for a year without data, naming the import command', () => {
    const strict = loadCalendar();
    expect(() => strict.addWorkingDays('2026-12-30T10:00:00+08:00', 5)).toThrow(CalendarDataMissingError);
    expect(() => strict.isWorkday('2027-01-04')).toThrow(/tousu calendar import/);
  });

  it('counts a missing year by the statutory holidays, marks the due time 暂定 with the reason, and explains each day', () => {
    const cal = loadCalendar().forDeadlines();
    const due = cal.addWorkingDays('2026-12-31T10:00:00+08:00', 2);
    expect(due.provisional?.years).toEqual([2027]);
    expect(due.provisional?.reason).toMatch(/2027 年.*尚未导入.*暂定/);
    expect(cal.explain('2027-01-01')).toMatchObject({ workday: false, festival: '元旦', provisional: true });
    expect(cal.explain('2027-01-04')).toMatchObject({ workday: true, reason: '工作日（暂定）', provisional: true });
    // A weekend far from every statutory holiday is a weekend; one near a holiday may be an adjusted working day.
    expect(cal.explain('2027-03-13')).toMatchObject({ workday: false, reason: '周末（暂定）' });
    expect(cal.explain('2027-01-09')).toMatchObject({ workday: true, provisional: true });
    // Dates of a year with its notice are official, and a count that stays inside such years is not provisional.
    expect(cal.addWorkingDays('2026-12-28T10:00:00+08:00', 2).provisional).toBeUndefined();
    expect(cal.explain('2026-12-31').provisional).toBeUndefined();
  });

  it.each([2024, 2025])('with the %i notice missing, every provisional due date is on or before the official one, and equal after import', (year) => {
    const official = loadCalendar();
    const without = new WorkingCalendar(shipped.filter((y) => y.year !== year));
    const provisional = without.forDeadlines();
    let counted = 0;
    let earlier = 0;
    for (let d = `${year - 1}-12-01`; d < `${year}-12-01`; d = addDays(d, 1)) {
      for (const n of [1, 2, 3, 5, 10, 15, 20]) {
        const p = provisional.addWorkingDays(`${d}T17:00:00+08:00`, n);
        const o = official.addWorkingDays(`${d}T17:00:00+08:00`, n);
        if (p.dueDate.startsWith(String(year)) || d.startsWith(String(year))) expect(p.provisional?.years).toContain(year);
        if (p.dueDate > o.dueDate) throw new Error(`${d} + ${n}: provisional ${p.dueDate} is later than official ${o.dueDate}`);
        if (p.dueDate < o.dueDate) earlier += 1;
        counted += 1;
      }
    }
    expect(counted).toBeGreaterThan(2000);
    expect(earlier).toBeGreaterThan(0);
    // Import the notice into the same calendar: every holder (and its deadline view) now sees official dates.
    without.loadYear(yearOf(year));
    for (let d = `${year}-01-01`; d < `${year}-12-01`; d = addDays(d, 7)) {
      const p = provisional.addWorkingDays(`${d}T17:00:00+08:00`, 10);
      expect(p).toEqual(official.addWorkingDays(`${d}T17:00:00+08:00`, 10));
      expect(p.provisional).toBeUndefined();
    }
  });

  it('reaches far enough for every adjusted working day of the shipped notices', () => {
    for (const y of shipped) {
      const near = (date: string) =>
        [y.year - 1, y.year, y.year + 1].flatMap((yy) => statutoryHolidays(yy) ?? []).some((h) => Math.abs(Date.parse(h.date) - Date.parse(date)) <= PROVISIONAL_WEEKEND_REACH_DAYS * 86_400_000);
      for (const w of y.workdays) expect([w, near(w)]).toEqual([w, true]);
    }
  });

  it('a year loaded later is validated like a year file', () => {
    const cal = loadCalendar();
    expect(() => cal.loadYear({ year: 2027, source: '国务院办公厅通知', holidays: ['2027-01-01'], workdays: ['2027-01-04'] })).toThrow(/不是周末/);
    expect(cal.hasYear(2027)).toBe(false);
  });
});
