import fc from 'fast-check';
import { WorkingCalendar, shanghaiDate } from '../../shared/domain/calendar';
import { CalendarDataMissingError, ValidationError } from '../../shared/domain/errors';
import { loadCalendar } from '../../shared/calendar/load';

// Every expected value below was worked out by hand from the notice named in the test, with the rule of
// SPEC.md: the start day is not counted, counting starts the next day, only working days count.
const N2023 = '国办发明电〔2022〕16号';
const N2024 = '国办发明电〔2023〕7号';
const N2025 = '国办发明电〔2024〕12号';
const N2026 = '国办发明电〔2025〕7号';

const cal = loadCalendar();

describe('WorkingCalendar.addWorkingDays: holiday blocks and adjusted working weekends 2023 to 2026', () => {
  const cases: [notice: string, what: string, from: string, days: number, due: string][] = [
    [N2023, 'acceptance example: 中秋国庆 9/29–10/6 off, 10/7 (Sat) and 10/8 (Sun) worked', '2023-09-28T17:00:00+08:00', 3, '2023-10-09'],
    [N2023, '中秋国庆: the first working day after 9/28 is Saturday 10/7', '2023-09-28T17:00:00+08:00', 1, '2023-10-07'],
    [N2023, '春节 1/21–1/27 off; 1/28 (Sat) worked', '2023-01-20T10:00:00+08:00', 1, '2023-01-28'],
    [N2023, '春节: 1/28 and 1/29 (Sun) both worked, then Monday 1/30', '2023-01-20T10:00:00+08:00', 3, '2023-01-30'],
    [N2023, '劳动节: 4/23 (Sun) worked', '2023-04-21T09:00:00+08:00', 1, '2023-04-23'],
    [N2023, '劳动节 4/29–5/3 off: 5/4, 5/5, then Saturday 5/6 worked', '2023-04-28T09:00:00+08:00', 3, '2023-05-06'],
    [N2023, '端午 6/22–6/24 off; 6/25 (Sun) worked', '2023-06-21T09:00:00+08:00', 1, '2023-06-25'],
    [N2024, '元旦 1/1 off, crossing the year from a Friday', '2023-12-29T16:00:00+08:00', 1, '2024-01-02'],
    [N2024, '春节 2/10–2/17 off; 2/18 (Sun) worked', '2024-02-08T10:00:00+08:00', 2, '2024-02-18'],
    [N2024, '春节: 2/4 (Sun) worked', '2024-02-02T10:00:00+08:00', 1, '2024-02-04'],
    [N2024, '清明 4/4–4/6 off; 4/7 (Sun) worked', '2024-04-03T10:00:00+08:00', 1, '2024-04-07'],
    [N2024, '劳动节: 4/28 (Sun) worked', '2024-04-26T10:00:00+08:00', 1, '2024-04-28'],
    [N2024, '劳动节 5/1–5/5 off: Monday 5/6', '2024-04-30T10:00:00+08:00', 1, '2024-05-06'],
    [N2024, '劳动节: 5/11 (Sat) worked', '2024-05-10T10:00:00+08:00', 1, '2024-05-11'],
    [N2024, '中秋 9/15–9/17 off; 9/14 (Sat) worked', '2024-09-13T10:00:00+08:00', 2, '2024-09-18'],
    [N2024, '国庆 10/1–10/7 off: from 9/29 (Sun, worked) to Tuesday 10/8', '2024-09-29T10:00:00+08:00', 2, '2024-10-08'],
    [N2024, '国庆: 10/12 (Sat) worked', '2024-10-11T10:00:00+08:00', 1, '2024-10-12'],
    [N2025, '春节: 1/26 (Sun) worked', '2025-01-24T10:00:00+08:00', 1, '2025-01-26'],
    [N2025, '春节 1/28–2/4 off: Wednesday 2/5', '2025-01-27T10:00:00+08:00', 1, '2025-02-05'],
    [N2025, '春节: 2/8 (Sat) worked', '2025-02-05T10:00:00+08:00', 3, '2025-02-08'],
    [N2025, '劳动节: 4/27 (Sun) worked, then 4/28–4/30; 5/1–5/5 off: Tuesday 5/6', '2025-04-25T10:00:00+08:00', 5, '2025-05-06'],
    [N2025, '端午 5/31–6/2 off: Tuesday 6/3', '2025-05-30T10:00:00+08:00', 1, '2025-06-03'],
    [N2025, '国庆中秋 10/1–10/8 off: 10/9, 10/10, then Saturday 10/11 worked', '2025-09-30T10:00:00+08:00', 3, '2025-10-11'],
    [N2025, '国庆: 9/28 (Sun) worked', '2025-09-26T10:00:00+08:00', 1, '2025-09-28'],
    [N2026, '元旦 1/1–1/3 off; 1/4 (Sun) worked, crossing the year', '2025-12-31T10:00:00+08:00', 1, '2026-01-04'],
    [N2026, '春节: 2/14 (Sat) worked', '2026-02-13T10:00:00+08:00', 1, '2026-02-14'],
    [N2026, '春节 2/15–2/23 off: Tuesday 2/24', '2026-02-13T10:00:00+08:00', 2, '2026-02-24'],
    [N2026, '春节: 2/28 (Sat) worked', '2026-02-27T10:00:00+08:00', 1, '2026-02-28'],
    [N2026, '清明 4/4–4/6 off: Tuesday 4/7', '2026-04-03T10:00:00+08:00', 1, '2026-04-07'],
    [N2026, '劳动节 5/1–5/5 off; 5/9 (Sat) worked', '2026-04-30T10:00:00+08:00', 4, '2026-05-09'],
    [N2026, '端午 6/19–6/21 off: Monday 6/22', '2026-06-18T10:00:00+08:00', 1, '2026-06-22'],
    [N2026, '中秋 9/25–9/27 off; 国庆: 9/20 (Sun) worked', '2026-09-18T10:00:00+08:00', 1, '2026-09-20'],
    [N2026, '国庆 10/1–10/7 off; 10/10 (Sat) worked', '2026-09-30T10:00:00+08:00', 3, '2026-10-10'],
  ];

  it.each(cases)('%s: %s (%s + %i → %s)', (_notice, _what, from, days, due) => {
    expect(cal.addWorkingDays(from, days)).toEqual({ dueDate: due, dueAt: `${due}T23:59:59+08:00` });
  });

  it('n = 0 is due at the end of the same Shanghai day, even on a holiday', () => {
    expect(cal.addWorkingDays('2023-10-01T10:00:00+08:00', 0)).toEqual({ dueDate: '2023-10-01', dueAt: '2023-10-01T23:59:59+08:00' });
  });

  it('rejects a negative, fractional or absurd number of days', () => {
    for (const n of [-1, 1.5, Number.NaN, 100000]) expect(() => cal.addWorkingDays('2024-01-02T10:00:00+08:00', n)).toThrow(ValidationError);
  });
});

describe('WorkingCalendar.isWorkday and explain', () => {
  const days: [notice: string, date: string, workday: boolean, reason: string][] = [
    [N2023, '2023-01-02', false, '元旦放假'],
    [N2023, '2023-01-29', true, '调休上班'],
    [N2023, '2023-04-05', false, '清明节放假'],
    [N2023, '2023-10-01', false, '国庆节放假'],
    [N2023, '2023-10-08', true, '调休上班'],
    [N2024, '2024-02-04', true, '调休上班'],
    [N2024, '2024-06-10', false, '端午节放假'],
    [N2024, '2024-09-16', false, '中秋节放假'],
    [N2025, '2025-01-01', false, '元旦放假'],
    [N2025, '2025-10-08', false, '国庆节放假'],
    [N2025, '2025-10-11', true, '调休上班'],
    [N2026, '2026-02-14', true, '调休上班'],
    [N2026, '2026-02-23', false, '春节放假'],
    [N2026, '2026-10-10', true, '调休上班'],
    [N2026, '2026-10-11', false, '周末'],
    [N2026, '2026-10-12', true, '工作日'],
  ];

  it.each(days)('%s: %s is workday=%s (%s)', (notice, date, workday, reason) => {
    expect(cal.isWorkday(date)).toBe(workday);
    const e = cal.explain(date);
    expect(e).toMatchObject({ workday, reason });
    expect(e.source).toContain(notice);
  });

  it('a date in a year without data is an error naming the year', () => {
    expect(() => cal.isWorkday('2027-01-04')).toThrow(CalendarDataMissingError);
    expect(() => cal.isWorkday('2027-01-04')).toThrow(/2027/);
    expect(() => cal.isWorkday('2022-12-30')).toThrow(/2022/);
  });

  it('rejects a date that is not a calendar date', () => {
    expect(() => cal.isWorkday('2023-02-30')).toThrow(ValidationError);
    expect(() => cal.isWorkday('2023/10/01')).toThrow(ValidationError);
  });
});

describe('shanghaiDate and instants near midnight', () => {
  it('converts instants to the Asia/Shanghai date whatever the offset they are written in', () => {
    expect(shanghaiDate('2024-02-08T15:59:59Z')).toBe('2024-02-08');
    expect(shanghaiDate('2024-02-08T16:00:00Z')).toBe('2024-02-09');
    expect(shanghaiDate('2024-02-08T08:30:00-08:00')).toBe('2024-02-09');
    expect(shanghaiDate(new Date(Date.UTC(2023, 11, 31, 16, 0, 0)))).toBe('2024-01-01');
    expect(shanghaiDate('2024-02-09')).toBe('2024-02-09');
  });

  it(`${N2024}: 2024-02-08T16:30Z is already Friday 2/9 in Shanghai, so one working day later is 2/18 (春节 2/10–2/17)`, () => {
    expect(cal.addWorkingDays('2024-02-08T16:30:00Z', 1).dueDate).toBe('2024-02-18');
    expect(cal.addWorkingDays('2024-02-08T08:30:00-08:00', 1).dueDate).toBe('2024-02-18');
    expect(cal.addWorkingDays('2024-02-08T15:30:00Z', 1).dueDate).toBe('2024-02-09');
  });

  it('rejects an instant without an offset (it would be read in the process zone) and garbage', () => {
    for (const bad of ['2023-09-28T17:00:00', 'tomorrow', '', '2023-02-30T10:00:00+08:00', '2023-09-28T25:00:00Z']) {
      expect(() => shanghaiDate(bad)).toThrow(ValidationError);
    }
    expect(() => shanghaiDate(new Date(Number.NaN))).toThrow(ValidationError);
  });
});

describe('years without data', () => {
  it(`${N2026}: from 2026-12-30 + 3 walks into 2027, which has no data`, () => {
    expect(() => cal.addWorkingDays('2026-12-30T10:00:00+08:00', 3)).toThrow(CalendarDataMissingError);
    try {
      cal.addWorkingDays('2026-12-30T10:00:00+08:00', 3);
    } catch (err) {
      expect((err as CalendarDataMissingError).year).toBe(2027);
      expect((err as Error).message).toContain('2027');
    }
  });

  it(`${N2026}: 2026-12-30 + 1 stays inside 2026 and works`, () => {
    expect(cal.addWorkingDays('2026-12-30T10:00:00+08:00', 1).dueDate).toBe('2026-12-31');
  });

  it('an override never stands in for a missing year', () => {
    const c = new WorkingCalendar([], [{ date: '2027-01-04', workday: true, source: 'test' }]);
    expect(() => c.isWorkday('2027-01-04')).toThrow(CalendarDataMissingError);
  });
});

describe('overrides', () => {
  it(`${N2025}: a local day off moves the due date`, () => {
    const c = loadCalendar({ overrides: [{ date: '2025-10-09', workday: false, source: '某县临时调整（测试）' }] });
    expect(c.addWorkingDays('2025-09-30T10:00:00+08:00', 1).dueDate).toBe('2025-10-10');
    expect(c.explain('2025-10-09')).toEqual({ workday: false, reason: '本地调整为休息日', source: '某县临时调整（测试）' });
  });
});

describe('reminderAt', () => {
  const due = '2023-10-09T23:59:59+08:00';
  it(`${N2023}: one working day before Monday 10/9 is Sunday 10/8 (worked), at 09:00`, () => {
    expect(cal.reminderAt(due, 1)).toBe('2023-10-08T09:00:00+08:00');
  });
  it(`${N2023}: three working days before 10/9 skips the 9/29–10/6 block back to 9/28`, () => {
    expect(cal.reminderAt(due, 3, 14)).toBe('2023-09-28T14:00:00+08:00');
  });
  it('lead 0 is the due day itself', () => {
    expect(cal.reminderAt(due, 0)).toBe('2023-10-09T09:00:00+08:00');
  });
  it('rejects an hour outside 0..23', () => {
    expect(() => cal.reminderAt(due, 1, 24)).toThrow(ValidationError);
  });
  it(`${N2024}: workingDaysBefore 2024-02-19 by 2 is 2/9 (2/18 Sun worked, 2/10–2/17 off)`, () => {
    expect(cal.workingDaysBefore('2024-02-19', 2)).toBe('2024-02-09');
  });
});

describe('workingDaysLeft', () => {
  const due = '2023-10-09T23:59:59+08:00';
  it.each([
    ['2023-09-28T17:00:00+08:00', 3],
    ['2023-10-01T12:00:00+08:00', 3],
    ['2023-10-08T10:00:00+08:00', 1],
    ['2023-10-09T08:00:00+08:00', 0],
    ['2023-10-09T15:59:58Z', 0],
    ['2023-10-09T16:00:00Z', -1],
    ['2023-10-12T10:00:00+08:00', -3],
  ])(`${N2023}: at %s, %i working days left until 2023-10-09`, (now, left) => {
    expect(cal.workingDaysLeft(now, due)).toBe(left);
  });

  it(`${N2023}: a Friday deadline is already overdue on the Saturday after it`, () => {
    const fri = '2023-10-13T23:59:59+08:00';
    expect(cal.workingDaysLeft('2023-10-14T10:00:00+08:00', fri)).toBe(-1);
    expect(cal.workingDaysLeft('2023-10-16T10:00:00+08:00', fri)).toBe(-1);
    expect(cal.workingDaysLeft('2023-10-17T10:00:00+08:00', fri)).toBe(-2);
  });

  it('a deadline set at an instant inside the day is overdue once that instant passed', () => {
    expect(cal.workingDaysLeft('2024-03-01T18:00:00+08:00', '2024-03-01T17:00:00+08:00')).toBe(-1);
  });
});

describe('properties', () => {
  // Instants from 2023-01-03 (first working day of 2023) to 2026-10-31 (Shanghai) so that 40 working days never reach 2027.
  const instant = fc.date({ min: new Date('2023-01-02T16:00:00Z'), max: new Date('2026-10-31T15:59:59Z'), noInvalidDate: true });
  const addDays = (d: string, k: number) => new Date(Date.parse(`${d}T00:00:00Z`) + k * 86400000).toISOString().slice(0, 10);

  it('addWorkingDays(n) lands on a working day and counts exactly n working days in (from, due]', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 40 }), (from, n) => {
        const { dueDate, dueAt } = cal.addWorkingDays(from, n);
        expect(cal.isWorkday(dueDate)).toBe(true);
        expect(dueAt).toBe(`${dueDate}T23:59:59+08:00`);
        let count = 0;
        for (let d = addDays(shanghaiDate(from), 1); d <= dueDate; d = addDays(d, 1)) if (cal.isWorkday(d)) count += 1;
        expect(count).toBe(n);
        expect(cal.workingDaysLeft(from, dueAt)).toBe(n);
        expect(cal.workingDaysBefore(dueDate, n) <= shanghaiDate(from)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('the same instant written with any offset gives the same due date', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: -12, max: 14 }), fc.integer({ min: 0, max: 10 }), (from, offsetHours, n) => {
        const local = new Date(from.getTime() + offsetHours * 3600000).toISOString().slice(0, 19);
        const sign = offsetHours < 0 ? '-' : '+';
        const written = `${local}${sign}${String(Math.abs(offsetHours)).padStart(2, '0')}:00`;
        expect(cal.addWorkingDays(written, n)).toEqual(cal.addWorkingDays(from.toISOString(), n));
      }),
      { numRuns: 300 },
    );
  });
});
