import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as fc from 'fast-check';
import { lunarMonthDay, parseHolidayNotice } from '../../shared/domain/calendar-notice';
import type { NoticeParseOptions } from '../../shared/domain/calendar-notice';
import { ValidationError } from '../../shared/domain/errors';
import { packageYears, PACKAGE_YEAR_SOURCES, readChineseDaysData } from '../../shared/calendar/load';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/calendar/notices');
const notice = (year: number) => readFileSync(resolve(FIXTURES, `${year}.txt`), 'utf8');
const shipped = (year: number) => packageYears(readChineseDaysData(), [year])[0]!;
/** `title（number） url` → [`title（number）`, url]. */
const splitSource = (s: string) => {
  const at = s.indexOf(' http');
  return at < 0 ? [s, undefined] : [s.slice(0, at), s.slice(at + 1)];
};

/** The problems a text gives, as `code` list; [] when it parses. */
function codesOf(text: string, opts: NoticeParseOptions = {}): string[] {
  try {
    parseHolidayNotice(text, opts);
    return [];
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return err.problems.map((p) => p.code ?? '');
  }
}

function problemsOf(text: string, opts: NoticeParseOptions = {}) {
  try {
    parseHolidayNotice(text, opts);
  } catch (err) {
    if (err instanceof ValidationError) return err.problems;
    throw err;
  }
  throw new Error('expected the notice to be refused');
}

function replaceOnce(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`fixture lacks ${from}`);
  return text.replace(from, to);
}

describe('parseHolidayNotice: the published notices 2023 to 2026 give exactly the shipped data', () => {
  it.each([2023, 2024, 2025, 2026])('%i: holidays, workdays and labels equal packageYears(); source is title and number', (year) => {
    const { data, title, documentNumber } = parseHolidayNotice(notice(year));
    const expected = shipped(year);
    const [expectedTitleAndNumber, url] = splitSource(expected.source);
    expect({ ...data, source: undefined }).toEqual({ ...expected, source: undefined });
    expect(data.holidays).toEqual([...expected.holidays].sort());
    expect(data.workdays).toEqual([...expected.workdays].sort());
    expect(data.source).toBe(expectedTitleAndNumber);
    expect(`${title}（${documentNumber}）`).toBe(expectedTitleAndNumber);
    // With the address, the source is exactly what the shipped data cites.
    expect(parseHolidayNotice(notice(year), { url }).data.source).toBe(PACKAGE_YEAR_SOURCES[year]);
  });

  it("国办发明电〔2022〕16号 and 〔2024〕12号: a combined block labels the lunar festival's own day 中秋节, the rest 国庆节", () => {
    const l23 = parseHolidayNotice(notice(2023)).data.labels!;
    expect(l23['2023-09-29']).toBe('中秋节');
    expect(['2023-09-30', '2023-10-01', '2023-10-06', '2023-10-07', '2023-10-08'].map((d) => l23[d])).toEqual(Array(5).fill('国庆节'));
    const l25 = parseHolidayNotice(notice(2025)).data.labels!;
    expect(l25['2025-10-06']).toBe('中秋节');
    expect(['2025-10-01', '2025-10-05', '2025-10-07', '2025-10-08', '2025-09-28', '2025-10-11'].map((d) => l25[d])).toEqual(Array(6).fill('国庆节'));
  });

  it('findings: what each paragraph said, for the confirmation', () => {
    const f24 = parseHolidayNotice(notice(2024)).findings;
    expect(f24.map((f) => f.festivals.join('、'))).toEqual(['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节']);
    // "1月1日放假，与周末连休": only the holiday is stored (as shipped); the weekend it joins is shown.
    expect(f24[0]).toMatchObject({ holidays: ['2024-01-01'], withWeekend: ['2023-12-30', '2023-12-31'], workdays: [] });
    expect(f24[4]).toMatchObject({ holidays: ['2024-06-10'], withWeekend: ['2024-06-08', '2024-06-09'] });
    expect(f24[1]).toMatchObject({ ranges: [{ start: '2024-02-10', end: '2024-02-17', days: 8 }], statedDays: 8, workdays: ['2024-02-04', '2024-02-18'] });
    expect(f24[1]!.notes).toEqual([expect.stringContaining('除夕(2月9日)休息')]);
    expect(parseHolidayNotice(notice(2024)).data.holidays).not.toContain('2024-02-09');
    const f25 = parseHolidayNotice(notice(2025)).findings;
    expect(f25[0]).toMatchObject({ holidays: ['2025-01-01'], statedDays: 1, noAdjustment: true });
    expect(f25[5]).toMatchObject({ festivals: ['国庆节', '中秋节'], ranges: [{ start: '2025-10-01', end: '2025-10-08', days: 8 }] });
    const f23 = parseHolidayNotice(notice(2023)).findings;
    expect(f23[0]!.ranges).toEqual([{ start: '2022-12-31', end: '2023-01-02', days: 3 }]);
    expect(f23[5]!.ranges).toEqual([{ start: '2023-09-29', end: '2023-10-06', days: 8 }]);
    expect(parseHolidayNotice(notice(2026)).warnings).toEqual([]);
  });

  it.each([2023, 2024, 2025, 2026])('%i: the same data from the text on one line, half-width, with full-width digits or stray spaces', (year) => {
    const expected = parseHolidayNotice(notice(year)).data;
    const oneLine = notice(year).replace(/\s+/g, '');
    const halfWidth = notice(year).normalize('NFKC');
    const fullWidthDigits = notice(year).replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    const spaced = notice(year).replace(/日/g, ' 日 ').replace(/至/g, ' 至 ').replace(/、/g, '、 ');
    const crlf = notice(year).replace(/\n/g, '\r\n');
    for (const text of [oneLine, halfWidth, fullWidthDigits, spaced, crlf]) expect(parseHolidayNotice(text).data).toEqual(expected);
  });
});

describe('parseHolidayNotice: text it cannot read is refused with a code and a Chinese message naming the paragraph', () => {
  const n26 = notice(2026);

  it('no year: neither title nor preamble; --year supplies it (with warnings about the missing title and number)', () => {
    const body = n26
      .split('\n')
      .filter((l) => /^\s*[一二三四五六七]、/.test(l))
      .join('\n');
    const problems = problemsOf(body);
    expect(problems.map((p) => p.code)).toEqual(['no_year']);
    expect(problems[0]!.message).toContain('没有找到年份');
    const parsed = parseHolidayNotice(body, { year: 2026 });
    expect(parsed.data.holidays).toEqual(shipped(2026).holidays);
    expect(parsed.data.source).toBe('国务院办公厅关于2026年部分节假日安排的通知');
    expect(parsed.warnings).toHaveLength(2);
  });

  it('a year that contradicts the title', () => {
    expect(codesOf(n26, { year: 2027 })).toEqual(['year_mismatch']);
  });

  it('no festival paragraphs at all', () => {
    expect(codesOf('国务院办公厅关于2027年部分节假日安排的通知\n国办发明电〔2026〕9号\n')).toEqual(['no_festivals']);
  });

  it('a weekday in parentheses that contradicts the date (周 and 星期 forms)', () => {
    const p = problemsOf(replaceOnce(n26, '1月4日（周日）上班', '1月4日（周六）上班'));
    expect(p).toEqual([{ field: '第一条（元旦）', code: 'weekday_mismatch', message: expect.stringContaining('1月4日是周日，通知写的是“周六”') }]);
    expect(codesOf(replaceOnce(notice(2023), '1月28日（星期六）', '1月28日（星期五）'))).toEqual(['weekday_mismatch']);
    expect(codesOf(replaceOnce(n26, '至3日（周六）', '至3日（周五）'))).toEqual(['weekday_mismatch']);
  });

  it("a lunar date in parentheses that is not the date's (除夕, 正月初七, 腊月二十八)", () => {
    expect(codesOf(replaceOnce(n26, '农历正月初七、周一', '农历正月初八、周一'))).toEqual(['lunar_mismatch']);
    expect(codesOf(replaceOnce(n26, '农历腊月二十八', '农历腊月二十九'))).toEqual(['lunar_mismatch']);
    expect(codesOf(replaceOnce(notice(2025), '1月28日（农历除夕、周二）至2月4日', '1月27日（农历除夕、周一）至2月4日').replace('共8天', '共9天'))).toEqual(['lunar_mismatch']);
  });

  it('"共N天" that disagrees with the range', () => {
    const p = problemsOf(replaceOnce(n26, '共9天', '共8天'));
    expect(p.map((x) => [x.field, x.code])).toEqual([['第二条（春节）', 'count_mismatch']]);
    expect(p[0]!.message).toContain('2月15日至2月23日是 9 天');
    expect(codesOf(replaceOnce(notice(2025), '放假1天', '放假2天'))).toEqual(['count_mismatch']);
  });

  it('a range that goes backwards, and one that is implausibly long', () => {
    expect(codesOf(replaceOnce(notice(2023), '1月21日至27日', '1月27日至21日'))).toEqual(['range_backwards']);
    expect(codesOf(replaceOnce(notice(2023), '9月29日至10月6日', '10月6日至9月29日'))).toEqual(['range_backwards']);
    expect(codesOf(n26, { maxBlockDays: 8 })).toEqual(['range_too_long']);
    expect(codesOf(replaceOnce(notice(2023), '1月21日至27日放假调休，共7天', '1月21日至2月27日放假调休，共38天'))).toEqual(['range_too_long']);
  });

  it('an adjusted workday that is not a weekend day, or that is inside a holiday block', () => {
    const p = problemsOf(replaceOnce(n26, '5月9日（周六）上班', '5月8日上班'));
    expect(p).toEqual([{ field: '第四条（劳动节）', code: 'workday_not_weekend', message: expect.stringContaining('5月8日（周五）不是周末') }]);
    expect(codesOf(replaceOnce(n26, '2月28日（周六）上班', '2月21日（周六）上班'))).toEqual(['workday_is_holiday']);
    expect(codesOf(replaceOnce(notice(2025), '不调休。', '不调休。1月4日（周六）上班。'))).toEqual(['workdays_with_no_adjustment']);
  });

  it('a paragraph without dates, an unreadable date, an impossible date, a list that is not one', () => {
    expect(codesOf(replaceOnce(n26, '三、清明节：4月4日（周六）至6日（周一）放假，共3天。', '三、清明节：另行通知。'))).toEqual(['no_dates']);
    expect(codesOf(replaceOnce(n26, '4月4日（周六）至6日（周一）放假', '四月四日至六日放假'))).toEqual(['no_dates']);
    expect(codesOf(replaceOnce(n26, '4月4日（周六）至6日（周一）放假', '4月4日至6号放假'))).toEqual(['unreadable_dates']);
    expect(codesOf(replaceOnce(notice(2024), '2月10日至17日', '2月30日至17日'))).toEqual(['invalid_date']);
    expect(codesOf(replaceOnce(n26, '9月20日（周日）、10月10日（周六）上班', '9月20日周日、10月10日周六上班'))).toEqual(['unreadable_workdays']);
    expect(codesOf(replaceOnce(n26, '一、元旦：1月1日', '一、元旦：1日'))).toEqual(['month_missing']);
    expect(codesOf(replaceOnce(notice(2023), '2022年12月31日至2023年1月2日', '2020年12月31日至2023年1月2日'))).toEqual(['date_out_of_year']);
  });

  it('festivals missing, repeated or unknown; a date off twice', () => {
    const p = problemsOf(n26.replace(/.*三、清明节.*\n/, ''));
    expect(p).toEqual([{ field: 'text', code: 'festival_missing', message: expect.stringContaining('缺少清明节') }]);
    expect(codesOf(n26.replace(/(.*六、中秋节.*\n)/, '$1　　六、中秋节：9月25日（周五）至27日（周日）放假，共3天。\n'))).toEqual([
      'duplicate_festival',
      'duplicate_date',
      'duplicate_date',
      'duplicate_date',
    ]);
    expect(codesOf(replaceOnce(n26, '三、清明节：', '三、植树节：'))).toEqual(['unknown_festival', 'festival_missing']);
    expect(codesOf(replaceOnce(n26, '六、中秋节：9月25日（周五）至27日（周日）放假，共3天', '六、中秋节：10月1日（周四）至3日（周六）放假，共3天'))).toEqual([
      'duplicate_date',
      'duplicate_date',
      'duplicate_date',
    ]);
  });

  it("a combined block that does not contain the lunar festival's day", () => {
    const text = replaceOnce(notice(2025), '10月1日（周三）至8日（周三）放假调休，共8天', '10月1日（周三）至5日（周日）放假调休，共5天');
    expect(problemsOf(text)).toEqual([{ field: '第六条（国庆节、中秋节）', code: 'festival_day_not_in_block', message: expect.stringContaining('中秋节（农历八月十五）不在本条的放假日期内') }]);
  });

  it('every problem of a text is reported at once', () => {
    let text = replaceOnce(n26, '共9天', '共8天');
    text = replaceOnce(text, '5月9日（周六）上班', '5月8日上班');
    text = replaceOnce(text, '1月4日（周日）上班', '1月4日（周一）上班');
    expect(codesOf(text).sort()).toEqual(['count_mismatch', 'weekday_mismatch', 'workday_not_weekend']);
  });
});

describe('parseHolidayNotice: other forms of the notices', () => {
  it('the 2019 notice\'s forms: December dates of the 元旦 paragraph with and without their year, "X月X日放假。"', () => {
    const text = [
      '国务院办公厅关于2019年部分节假日安排的通知',
      '一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班。',
      '二、春节：2月4日至10日放假调休，共7天。2月2日（星期六）、2月3日（星期日）上班。',
      '三、清明节：4月5日放假，与周末连休。',
      '四、劳动节：5月1日放假。',
      '五、端午节：6月7日放假，与周末连休。',
      '六、中秋节：9月13日放假，与周末连休。',
      '七、国庆节：10月1日至7日放假调休，共7天。9月29日（星期日）、10月12日（星期六）上班。',
    ].join('\n');
    const { data } = parseHolidayNotice(text);
    const days = (from: string, n: number) => Array.from({ length: n }, (_, i) => iso(Date.parse(`${from}T00:00:00Z`) + i * DAY));
    expect(data.holidays).toEqual([...days('2018-12-30', 3), ...days('2019-02-04', 7), '2019-04-05', '2019-05-01', '2019-06-07', '2019-09-13', ...days('2019-10-01', 7)]);
    expect(data.workdays).toEqual(['2018-12-29', '2019-02-02', '2019-02-03', '2019-09-29', '2019-10-12']);
    expect(data.labels!['2018-12-29']).toBe('元旦');
    const shortForm = text.replace('2018年12月30日至2019年1月1日', '12月30日至1月1日').replace('2018年12月29日', '12月29日');
    expect(parseHolidayNotice(shortForm).data).toEqual(data);
  });

  it('a range and its working days in one sentence, and half-width dashes as range marks', () => {
    const text = notice(2026).replace('放假调休，共9天。2月14日', '放假调休，共9天，2月14日').replace('4月4日（周六）至6日', '4月4日（周六）-6日');
    expect(parseHolidayNotice(text).data).toEqual(parseHolidayNotice(notice(2026)).data);
  });
});

const FESTIVAL_PLAN = [
  { name: '元旦', month: 1, from: 1, to: 1, len: [1, 3] },
  { name: '春节', month: 2, from: 1, to: 12, len: [3, 9] },
  { name: '清明节', month: 4, from: 3, to: 6, len: [1, 3] },
  { name: '劳动节', month: 5, from: 1, to: 1, len: [1, 5] },
  { name: '端午节', month: 6, from: 1, to: 20, len: [1, 3] },
  { name: '中秋节', month: 9, from: 5, to: 20, len: [1, 3] },
  { name: '国庆节', month: 10, from: 1, to: 1, len: [3, 8] },
] as const;
const NUMERALS = ['一', '二', '三', '四', '五', '六', '七'];
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
const DAY = 86400000;

const arrangement = fc.record({
  year: fc.integer({ min: 2030, max: 2090 }),
  blocks: fc.tuple(
    ...FESTIVAL_PLAN.map((f) => fc.record({ start: fc.integer({ min: f.from, max: f.to }), len: fc.integer({ min: f.len[0], max: f.len[1] }), workPicks: fc.array(fc.nat(), { maxLength: 2 }) })),
  ),
  style: fc.record({
    weekday: fc.constantFrom('none', '周', '星期'),
    count: fc.boolean(),
    sameMonthShort: fc.boolean(),
    oneLine: fc.boolean(),
    halfWidth: fc.boolean(),
    listSep: fc.constantFrom('、', '，'),
  }),
});
type Arrangement = typeof arrangement extends fc.Arbitrary<infer T> ? T : never;

describe('parseHolidayNotice: properties over generated notices', () => {
  /** A notice written the way the State Council writes them, and the data it must give. */
  function render(a: Arrangement) {
    const wd = (t: number) => (a.style.weekday === 'none' ? '' : `（${a.style.weekday}${'日一二三四五六'[new Date(t).getUTCDay()]}）`);
    const md = (t: number, withMonth = true) => `${withMonth ? `${new Date(t).getUTCMonth() + 1}月` : ''}${new Date(t).getUTCDate()}日${wd(t)}`;
    const holidays: string[] = [];
    const workdays: string[] = [];
    const labels: Record<string, string> = {};
    const off = new Set<string>();
    const starts = FESTIVAL_PLAN.map((f, i) => Date.UTC(a.year, f.month - 1, a.blocks[i]!.start));
    FESTIVAL_PLAN.forEach((_, i) => {
      for (let k = 0; k < a.blocks[i]!.len; k++) off.add(iso(starts[i]! + k * DAY));
    });
    const paragraphs = FESTIVAL_PLAN.map((f, i) => {
      const b = a.blocks[i]!;
      const start = starts[i]!;
      const end = start + (b.len - 1) * DAY;
      for (let t = start; t <= end; t += DAY) {
        holidays.push(iso(t));
        labels[iso(t)] = f.name;
      }
      const sameMonth = new Date(start).getUTCMonth() === new Date(end).getUTCMonth();
      const range = b.len === 1 ? md(start) : `${md(start)}至${md(end, !(sameMonth && a.style.sameMonthShort))}`;
      // Candidate working weekend days: within 10 days around the block, not off, not taken by another festival.
      const candidates: number[] = [];
      for (let t = start - 10 * DAY; t <= end + 10 * DAY; t += DAY) {
        const dow = new Date(t).getUTCDay();
        if ((dow === 0 || dow === 6) && !off.has(iso(t)) && !workdays.includes(iso(t)) && new Date(t).getUTCFullYear() === a.year) candidates.push(t);
      }
      const picked = [...new Set(b.workPicks.map((p) => candidates[p % Math.max(candidates.length, 1)]).filter((t): t is number => t !== undefined))].sort((x, y) => x - y);
      for (const t of picked) {
        workdays.push(iso(t));
        labels[iso(t)] = f.name;
      }
      const work = picked.length ? `${picked.map((t) => md(t)).join(a.style.listSep)}上班。` : '';
      return `${NUMERALS[i]}、${f.name}：${range}放假${picked.length ? '调休' : ''}${a.style.count ? `，共${b.len}天` : ''}。${work}`;
    });
    let text = [
      `国务院办公厅关于${a.year}年部分节假日安排的通知`,
      `国办发明电〔${a.year - 1}〕9号`,
      '各省、自治区、直辖市人民政府，国务院各部委、各直属机构：',
      ...paragraphs,
      '节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作。',
      '国务院办公厅',
      `${a.year - 1}年11月1日`,
    ].join(a.style.oneLine ? '' : '\n');
    if (a.style.halfWidth) text = text.normalize('NFKC');
    return { text, data: { year: a.year, source: `国务院办公厅关于${a.year}年部分节假日安排的通知（国办发明电〔${a.year - 1}〕9号）`, holidays: holidays.sort(), workdays: workdays.sort(), labels } };
  }

  it('a notice written in any of the published styles gives back exactly its arrangement', () => {
    fc.assert(
      fc.property(arrangement, (a) => {
        const { text, data } = render(a);
        const parsed = parseHolidayNotice(text).data;
        expect(parsed).toEqual({ ...data, labels: Object.fromEntries(Object.entries(data.labels).sort(([x], [y]) => x.localeCompare(y))) });
      }),
      { numRuns: 150 },
    );
  });

  it('a wrong weekday anywhere in such a notice is caught', () => {
    fc.assert(
      fc.property(arrangement, fc.nat(), fc.integer({ min: 1, max: 6 }), (a, pick, shift) => {
        const { text } = render({ ...a, style: { ...a.style, weekday: '周', halfWidth: false } });
        const notes = [...text.matchAll(/（周([日一二三四五六])）/g)];
        const m = notes[pick % notes.length]!;
        const wrong = '日一二三四五六'[('日一二三四五六'.indexOf(m[1]!) + shift) % 7];
        const bad = `${text.slice(0, m.index)}（周${wrong}）${text.slice(m.index + m[0].length)}`;
        expect(codesOf(bad)).toContain('weekday_mismatch');
      }),
      { numRuns: 100 },
    );
  });
});

describe('lunar dates of the published calendar', () => {
  it("春节 2027 is 02-06 (除夕 02-05), as the published calendar has it, not ICU's 02-07", () => {
    expect(lunarMonthDay('2027-02-06')).toEqual({ month: 1, day: 1, leap: false });
    expect(lunarMonthDay('2027-02-05')).toMatchObject({ month: 12 });
  });

  it('reads a 2027 notice written as published', () => {
    const text = readFileSync(resolve(FIXTURES, '../sample-2027-notice.txt'), 'utf8');
    const parsed = parseHolidayNotice(text);
    expect(parsed.data.year).toBe(2027);
    expect(parsed.data.holidays).toContain('2027-02-05');
    expect(parsed.data.workdays).toEqual(['2027-01-31', '2027-02-14', '2027-04-25', '2027-05-08', '2027-09-26', '2027-10-09']);
  });
});
