import { loadCalendar } from '../../shared/calendar/load';

/**
 * Every day of 2023 to 2026 against the State Council notices, transcribed by hand from their text:
 * a day is a working day when the notice says 上班, or when it is Monday to Friday and not inside a
 * 放假 range. This checks the package data we ship, date by date.
 */
const NOTICES: Record<number, { notice: string; off: [string, string][]; work: string[] }> = {
  2023: {
    notice: '国办发明电〔2022〕16号',
    off: [
      ['2023-01-01', '2023-01-02'],
      ['2023-01-21', '2023-01-27'],
      ['2023-04-05', '2023-04-05'],
      ['2023-04-29', '2023-05-03'],
      ['2023-06-22', '2023-06-24'],
      ['2023-09-29', '2023-10-06'],
    ],
    work: ['2023-01-28', '2023-01-29', '2023-04-23', '2023-05-06', '2023-06-25', '2023-10-07', '2023-10-08'],
  },
  2024: {
    notice: '国办发明电〔2023〕7号',
    off: [
      ['2024-01-01', '2024-01-01'],
      ['2024-02-10', '2024-02-17'],
      ['2024-04-04', '2024-04-06'],
      ['2024-05-01', '2024-05-05'],
      ['2024-06-10', '2024-06-10'],
      ['2024-09-15', '2024-09-17'],
      ['2024-10-01', '2024-10-07'],
    ],
    work: ['2024-02-04', '2024-02-18', '2024-04-07', '2024-04-28', '2024-05-11', '2024-09-14', '2024-09-29', '2024-10-12'],
  },
  2025: {
    notice: '国办发明电〔2024〕12号',
    off: [
      ['2025-01-01', '2025-01-01'],
      ['2025-01-28', '2025-02-04'],
      ['2025-04-04', '2025-04-06'],
      ['2025-05-01', '2025-05-05'],
      ['2025-05-31', '2025-06-02'],
      ['2025-10-01', '2025-10-08'],
    ],
    work: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  },
  2026: {
    notice: '国办发明电〔2025〕7号',
    off: [
      ['2026-01-01', '2026-01-03'],
      ['2026-02-15', '2026-02-23'],
      ['2026-04-04', '2026-04-06'],
      ['2026-05-01', '2026-05-05'],
      ['2026-06-19', '2026-06-21'],
      ['2026-09-25', '2026-09-27'],
      ['2026-10-01', '2026-10-07'],
    ],
    work: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  },
};

const cal = loadCalendar();

describe.each(Object.entries(NOTICES))('%s: every day agrees with the notice', (year, { notice, off, work }) => {
  it(`${year} (${notice}): working days, days off and adjusted working weekends`, () => {
    const mismatches: string[] = [];
    let workdays = 0;
    for (let t = Date.UTC(Number(year), 0, 1); new Date(t).getUTCFullYear() === Number(year); t += 86400000) {
      const d = new Date(t).toISOString().slice(0, 10);
      const dow = new Date(t).getUTCDay();
      const isOff = off.some(([a, b]) => a <= d && d <= b);
      const expected = work.includes(d) || (!isOff && dow !== 0 && dow !== 6);
      if (cal.isWorkday(d) !== expected) mismatches.push(`${d}: expected ${expected}`);
      if (expected) workdays += 1;
    }
    expect(mismatches).toEqual([]);
    expect(cal.explain(`${year}-06-30`).source).toContain(notice);
    // Sanity: a Chinese year has 246 to 251 working days.
    expect(workdays).toBeGreaterThanOrEqual(246);
    expect(workdays).toBeLessThanOrEqual(251);
  });
});
