/**
 * Calendar quarters in Asia/Shanghai (art. 20 "一个季度内"). A quarter is written `YYYYQn` (e.g. `2024Q1`);
 * an instant belongs to the quarter of its Shanghai calendar date.
 */
import { shanghaiDate } from '../calendar';
import { ValidationError } from '../errors';

export type Quarter = string;

const QUARTER_RE = /^(\d{4})Q([1-4])$/;
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

export interface QuarterParts {
  year: number;
  q: 1 | 2 | 3 | 4;
}

export function isQuarter(s: string): boolean {
  return QUARTER_RE.test(s);
}

/** Parses `YYYYQn`; a ValidationError with a Chinese message otherwise. */
export function parseQuarter(s: string): QuarterParts {
  const m = QUARTER_RE.exec(typeof s === 'string' ? s.trim() : '');
  if (!m) {
    throw new ValidationError(
      [{ field: 'quarter', message: `季度“${String(s)}”无效，应为 YYYYQn 格式，例如 2024Q1。`, code: 'invalid_quarter' }],
      `季度“${String(s)}”无效，应为 YYYYQn 格式，例如 2024Q1。`,
    );
  }
  return { year: Number(m[1]), q: Number(m[2]) as 1 | 2 | 3 | 4 };
}

export const formatQuarter = (p: QuarterParts): Quarter => `${p.year}Q${p.q}`;

/** The Shanghai quarter of an instant (or of a `YYYY-MM-DD` Shanghai date). */
export function quarterOf(instant: Date | string): Quarter {
  const date = shanghaiDate(instant);
  const month = Number(date.slice(5, 7));
  return `${date.slice(0, 4)}Q${Math.floor((month - 1) / 3) + 1}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** First and last Shanghai dates of a quarter (`YYYY-MM-DD`), and its bounds as instants [start, end). */
export function quarterRange(quarter: Quarter): { firstDay: string; lastDay: string; startsAt: string; endsBefore: string } {
  const { year, q } = parseQuarter(quarter);
  const firstMonth = (q - 1) * 3 + 1;
  const endMs = Date.UTC(year, firstMonth + 2, 1) - SHANGHAI_OFFSET_MS;
  const lastDay = new Date(endMs + SHANGHAI_OFFSET_MS - 86_400_000).toISOString().slice(0, 10);
  return {
    firstDay: `${year}-${pad(firstMonth)}-01`,
    lastDay,
    startsAt: `${year}-${pad(firstMonth)}-01T00:00:00+08:00`,
    endsBefore: new Date(endMs).toISOString(),
  };
}

export function nextQuarter(quarter: Quarter): Quarter {
  const { year, q } = parseQuarter(quarter);
  return q === 4 ? `${year + 1}Q1` : `${year}Q${q + 1}`;
}

export function previousQuarter(quarter: Quarter): Quarter {
  const { year, q } = parseQuarter(quarter);
  return q === 1 ? `${year - 1}Q4` : `${year}Q${q - 1}`;
}

/** The quarter that ended last before `now` (what the scheduled report covers). */
export function lastCompletedQuarter(now: Date): Quarter {
  return previousQuarter(quarterOf(now));
}

/** `2024年第1季度` */
export function quarterLabel(quarter: Quarter): string {
  const { year, q } = parseQuarter(quarter);
  return `${year}年第${q}季度`;
}
