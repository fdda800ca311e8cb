import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCalendar, packageYears, readChineseDaysData } from '../../shared/calendar/load';
import { CalendarDataMissingError, ConfigError } from '../../shared/domain/errors';

/** A made-up 2027 file for tests only: the State Council has not published 2027 (do not ship this). */
const FAKE_2027 = {
  year: 2027,
  source: '测试用虚构数据（非国务院办公厅通知）',
  holidays: ['2027-01-01', '2027-01-02', '2027-01-03'],
  workdays: [],
};

describe('loadCalendar', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tousu-cal-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('ships 2023 to 2026 from the package, each with its notice, and no 2027', () => {
    const cal = loadCalendar();
    expect(cal.years()).toEqual([2023, 2024, 2025, 2026]);
    expect(cal.sourceOf(2025)).toContain('国办发明电〔2024〕12号');
    expect(cal.hasYear(2027)).toBe(false);
  });

  it('puts 2022-12-31 (元旦) with the 2023 notice, not with 2022', () => {
    const y2023 = packageYears(readChineseDaysData()).find((y) => y.year === 2023)!;
    expect(y2023.holidays).toContain('2022-12-31');
  });

  it('an administrator 2027 file makes 2026-12-30 + 3 computable', () => {
    writeFileSync(join(dir, '2027.json'), JSON.stringify(FAKE_2027));
    expect(() => loadCalendar().addWorkingDays('2026-12-30T10:00:00+08:00', 3)).toThrow(CalendarDataMissingError);
    const cal = loadCalendar({ yearDir: dir });
    // 12/31 (Thu) #1; 1/1–1/3 off in the fixture; 1/4 (Mon) #2; 1/5 (Tue) #3.
    expect(cal.addWorkingDays('2026-12-30T10:00:00+08:00', 3).dueDate).toBe('2027-01-05');
    expect(cal.explain('2027-01-01')).toMatchObject({ workday: false, source: FAKE_2027.source });
  });

  it('an administrator file replaces the package data for its whole year', () => {
    writeFileSync(join(dir, '2026.json'), JSON.stringify({ year: 2026, source: '更正（测试）', holidays: ['2026-03-02'], workdays: [], labels: { '2026-03-02': '测试假日' } }));
    const cal = loadCalendar({ yearDir: dir });
    expect(cal.explain('2026-03-02')).toEqual({ workday: false, reason: '测试假日放假', source: '更正（测试）', festival: '测试假日' });
    expect(cal.isWorkday('2026-02-16')).toBe(true);
    expect(cal.sourceOf(2025)).toContain('国办发明电〔2024〕12号');
  });

  it('lists every problem of broken year files with its path', () => {
    writeFileSync(join(dir, '2027.json'), JSON.stringify({ year: 2028, source: 'x', holidays: ['2027-02-30'], workdays: ['2027-01-05'] }));
    writeFileSync(join(dir, '2029.json'), JSON.stringify({ year: 2029, source: '某通知（测试）', holidays: [], workdays: ['2029-01-03'] }));
    writeFileSync(join(dir, 'next.json'), '{}');
    writeFileSync(join(dir, '2030.json'), '{ not json');
    writeFileSync(join(dir, 'README.md'), 'ignored');
    let error: unknown;
    try {
      loadCalendar({ yearDir: dir });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const fields = (error as ConfigError).problems.map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['2027.json.source', '2027.json.holidays.0', '2029.json.workdays.0', 'next.json', '2030.json']));
    expect((error as ConfigError).problems.find((p) => p.field === '2029.json.workdays.0')?.message).toContain('周六或周日');
  });

  it('reports a year file whose year does not match its name', () => {
    writeFileSync(join(dir, '2027.json'), JSON.stringify({ ...FAKE_2027, year: 2028, holidays: [] }));
    expect(() => loadCalendar({ yearDir: dir })).toThrow(/2027.json.year|文件名/);
  });

  it('a missing explicit directory is a configuration error', () => {
    expect(() => loadCalendar({ yearDir: join(dir, 'nope') })).toThrow(ConfigError);
  });
});
