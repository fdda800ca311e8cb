/**
 * The statutory holidays that the law fixes without a State Council notice: 《全国年节及纪念日放假办法》,
 * art. 2 (as revised by the State Council on 2024-11-10, in force from 2025-01-01; the 2013 text before).
 *
 * Used for provisional deadlines in a year whose annual notice (国务院办公厅关于YYYY年部分节假日安排的通知)
 * is not loaded yet (SPEC.md, Deadlines). Pure: the lunar dates are a table, checked against the chinese-days
 * package's lunar calendar and solar terms by test/unit/calendar-provisional.test.ts.
 */

/** Month-day of 除夕 (last day of the lunar year), 清明 (the solar term), 端午 (5/5) and 中秋 (8/15), per Gregorian year. */
const LUNAR_AND_SOLAR_TERM_DAYS: Readonly<Record<number, readonly [string, string, string, string]>> = {
  2023: ['01-21', '04-05', '06-22', '09-29'],
  2024: ['02-09', '04-04', '06-10', '09-17'],
  2025: ['01-28', '04-04', '05-31', '10-06'],
  2026: ['02-16', '04-05', '06-19', '09-25'],
  2027: ['02-05', '04-05', '06-09', '09-15'],
  2028: ['01-25', '04-04', '05-28', '10-03'],
  2029: ['02-12', '04-04', '06-16', '09-22'],
  2030: ['02-02', '04-05', '06-05', '09-12'],
  2031: ['01-22', '04-05', '06-24', '10-01'],
  2032: ['02-10', '04-04', '06-12', '09-19'],
  2033: ['01-30', '04-04', '06-01', '09-08'],
  2034: ['02-18', '04-05', '06-20', '09-27'],
  2035: ['02-07', '04-05', '06-10', '09-16'],
  2036: ['01-27', '04-04', '05-30', '10-04'],
  2037: ['02-14', '04-04', '06-18', '09-24'],
  2038: ['02-03', '04-05', '06-07', '09-13'],
  2039: ['01-23', '04-05', '05-27', '10-02'],
  2040: ['02-11', '04-04', '06-14', '09-20'],
  2041: ['01-31', '04-04', '06-03', '09-10'],
  2042: ['01-21', '04-04', '06-22', '09-28'],
  2043: ['02-09', '04-05', '06-11', '09-17'],
  2044: ['01-29', '04-04', '05-31', '10-05'],
  2045: ['02-16', '04-04', '06-19', '09-25'],
  2046: ['02-05', '04-04', '06-08', '09-15'],
  2047: ['01-25', '04-05', '05-29', '10-04'],
  2048: ['02-13', '04-04', '06-15', '09-22'],
  2049: ['02-01', '04-04', '06-04', '09-11'],
  2050: ['01-22', '04-04', '06-23', '09-30'],
  2051: ['02-10', '04-05', '06-13', '09-19'],
  2052: ['01-31', '04-04', '06-01', '09-07'],
  2053: ['02-18', '04-04', '06-20', '09-26'],
  2054: ['02-07', '04-04', '06-10', '09-16'],
  2055: ['01-27', '04-05', '05-30', '10-05'],
  2056: ['02-14', '04-04', '06-17', '09-24'],
  2057: ['02-03', '04-04', '06-06', '09-13'],
  2058: ['01-23', '04-04', '06-25', '10-02'],
  2059: ['02-11', '04-05', '06-14', '09-21'],
  2060: ['02-01', '04-04', '06-03', '09-09'],
  2061: ['01-20', '04-04', '06-22', '09-28'],
  2062: ['02-08', '04-04', '06-11', '09-17'],
  2063: ['01-28', '04-05', '06-01', '10-06'],
  2064: ['02-16', '04-04', '06-19', '09-25'],
  2065: ['02-04', '04-04', '06-08', '09-15'],
  2066: ['01-25', '04-04', '05-28', '10-03'],
  2067: ['02-13', '04-05', '06-16', '09-23'],
  2068: ['02-02', '04-04', '06-04', '09-11'],
  2069: ['01-22', '04-04', '06-23', '09-29'],
  2070: ['02-10', '04-04', '06-13', '09-19'],
  2071: ['01-30', '04-05', '06-02', '09-08'],
  2072: ['02-18', '04-04', '06-20', '09-26'],
  2073: ['02-06', '04-04', '06-10', '09-16'],
  2074: ['01-26', '04-04', '05-30', '10-05'],
  2075: ['02-14', '04-04', '06-17', '09-24'],
  2076: ['02-04', '04-04', '06-06', '09-12'],
  2077: ['01-23', '04-04', '06-24', '10-01'],
  2078: ['02-11', '04-04', '06-14', '09-20'],
  2079: ['02-01', '04-04', '06-04', '09-10'],
  2080: ['01-21', '04-04', '06-22', '09-28'],
  2081: ['02-08', '04-04', '06-11', '09-17'],
  2082: ['01-28', '04-04', '06-01', '10-06'],
  2083: ['02-16', '04-04', '06-19', '09-26'],
  2084: ['02-05', '04-04', '06-07', '09-14'],
  2085: ['01-25', '04-04', '05-27', '10-03'],
  2086: ['02-13', '04-04', '06-15', '09-22'],
  2087: ['02-02', '04-04', '06-05', '09-11'],
  2088: ['01-23', '04-04', '06-23', '09-29'],
  2089: ['02-09', '04-04', '06-13', '09-18'],
  2090: ['01-29', '04-04', '06-02', '09-08'],
  2091: ['02-17', '04-04', '06-21', '09-27'],
  2092: ['02-06', '04-04', '06-09', '09-16'],
  2093: ['01-26', '04-04', '05-29', '10-05'],
  2094: ['02-14', '04-04', '06-17', '09-24'],
  2095: ['02-04', '04-04', '06-06', '09-13'],
  2096: ['01-24', '04-04', '06-24', '09-30'],
  2097: ['02-11', '04-04', '06-14', '09-20'],
  2098: ['01-31', '04-04', '06-04', '09-09'],
  2099: ['01-20', '04-04', '06-23', '09-29'],
  2100: ['02-08', '04-04', '06-12', '09-18'],
};

export interface StatutoryHoliday {
  date: string;
  festival: string;
}

/** First and last Gregorian year the table covers. */
export const STATUTORY_TABLE_YEARS = { first: 2023, last: 2100 } as const;

/** The revision of the holiday rules in force for a year's holidays. */
export function holidayLawOf(year: number): { title: string; springFestivalDays: number; labourDayDays: number } {
  return year >= 2025
    ? { title: '《全国年节及纪念日放假办法》（2024年11月10日国务院修订）', springFestivalDays: 4, labourDayDays: 2 }
    : { title: '《全国年节及纪念日放假办法》（2013年12月11日国务院修订）', springFestivalDays: 3, labourDayDays: 1 };
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The days off every citizen has by law in a year (art. 2 of the rules in force): 元旦 1 day; 春节 4 days from
 * 除夕 (3 days from 初一 before 2025); 清明节 1; 劳动节 2 (1 before 2025); 端午节 1; 中秋节 1; 国庆节 3. Undefined
 * for a year outside the table. A 春节 that starts in late January of the next Gregorian year is listed in that year.
 */
export function statutoryHolidays(year: number): StatutoryHoliday[] | undefined {
  const row = LUNAR_AND_SOLAR_TERM_DAYS[year];
  if (!row) return undefined;
  const law = holidayLawOf(year);
  const [chuxi, qingming, duanwu, zhongqiu] = row.map((md) => `${year}-${md}`) as [string, string, string, string];
  const out: StatutoryHoliday[] = [{ date: `${year}-01-01`, festival: '元旦' }];
  const springStart = law.springFestivalDays === 4 ? chuxi : addDays(chuxi, 1);
  for (let i = 0; i < law.springFestivalDays; i += 1) out.push({ date: addDays(springStart, i), festival: '春节' });
  out.push({ date: qingming, festival: '清明节' });
  for (let i = 0; i < law.labourDayDays; i += 1) out.push({ date: `${year}-05-0${i + 1}`, festival: '劳动节' });
  out.push({ date: duanwu, festival: '端午节' });
  out.push({ date: zhongqiu, festival: '中秋节' });
  for (let i = 1; i <= 3; i += 1) out.push({ date: `${year}-10-0${i}`, festival: '国庆节' });
  return out.sort((a, b) => a.date.localeCompare(b.date));
}
