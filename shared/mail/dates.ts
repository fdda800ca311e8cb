/**
 * Dates as mail clients print them in forward headers, kept with their time zone:
 * - RFC 5322 (`Tue, 5 Mar 2024 10:12:33 +0800`, Thunderbird and the Date header),
 * - Chinese (`2024年3月5日(星期二) 上午10:12` QQ, `2024年3月5日周二 10:12` Gmail, `2024年3月5日 GMT+8 10:12:33` Apple),
 * - numeric (`2024-03-05 10:12` Foxmail, `2024/3/5 10:12`),
 * - English (`Tuesday, March 5, 2024 10:12 AM` Outlook, `Tue, Mar 5, 2024 at 10:12 AM` Gmail,
 *   `March 5, 2024 at 10:12:33 AM GMT+8` Apple, `5 March 2024 10:12` Outlook en-GB).
 * A time printed without a zone is read in `defaultOffset` (mainland clients print Beijing time) and flagged.
 */

export interface ParsedDate {
  /** ISO 8601 with the offset as printed: `2024-03-05T10:12:33+08:00`. */
  iso: string;
  zoneAssumed: boolean;
}

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  january: 1,
  february: 2,
  march: 3,
  april: 4,
  june: 6,
  july: 7,
  august: 8,
  september: 9,
  october: 10,
  november: 11,
  december: 12,
};
const MONTH_NAMES = Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join('|');

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function offsetString(sign: string, hours: number, minutes: number): string | undefined {
  if (hours > 14 || minutes > 59) return undefined;
  return `${sign === '-' ? '-' : '+'}${pad(hours)}:${pad(minutes)}`;
}

/** `+0800`, `+08:00`, `GMT+8`, `GMT+08:00`, `UTC+8`, `GMT`, `UTC`, `Z`. */
function findZone(rest: string): string | undefined {
  let m = /(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?(?!\d)/i.exec(rest);
  if (m) return offsetString(m[1]!, Number(m[2]), Number(m[3] ?? 0));
  m = /(?<![\d:])([+-])(\d{2}):?(\d{2})(?!\d)/.exec(rest);
  if (m) return offsetString(m[1]!, Number(m[2]), Number(m[3]));
  if (/\b(?:GMT|UTC|UT|Z)\b/.test(rest)) return '+00:00';
  if (/北京时间|China Standard Time|\bCST\b/.test(rest)) return '+08:00';
  return undefined;
}

function findTime(rest: string): { h: number; mi: number; s: number } | undefined {
  const m = /(?<!\d)(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?(?!\d)/.exec(rest);
  if (!m) return undefined;
  let h = Number(m[1]);
  const mi = Number(m[2]);
  const s = Number(m[3] ?? 0);
  const pm = /(?:\bPM\b|\bp\.m\.|下午|晚上|傍晚)/i.test(rest);
  const noon = /中午/.test(rest);
  const am = /(?:\bAM\b|\ba\.m\.|上午|凌晨|早上|早晨)/i.test(rest);
  if ((pm && h < 12) || (noon && h < 11)) h += 12;
  if (am && h === 12) h = 0;
  if (h > 23 || mi > 59 || s > 60) return undefined;
  return { h, mi, s };
}

function validDate(y: number, mo: number, d: number): boolean {
  if (y < 1970 || y > 2200 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/** Parses a printed date; undefined when the text holds no recognisable date and time. */
export function parseMailDate(input: string, defaultOffset = '+08:00'): ParsedDate | undefined {
  const text = input.replace(/[\u00a0\u202f\u2009\u3000]/g, ' ').trim();
  let y: number | undefined;
  let mo: number | undefined;
  let d: number | undefined;
  let m: RegExpExecArray | null;
  if ((m = /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/.exec(text))) {
    [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else if ((m = /(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)/.exec(text))) {
    [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else if ((m = new RegExp(`\\b(${MONTH_NAMES})\\.?\\s+(\\d{1,2}),?\\s+(\\d{4})`, 'i').exec(text))) {
    [y, mo, d] = [Number(m[3]), MONTHS[m[1]!.toLowerCase()], Number(m[2])];
  } else if ((m = new RegExp(`(?<!\\d)(\\d{1,2})\\s+(${MONTH_NAMES})\\.?,?\\s+(\\d{4})`, 'i').exec(text))) {
    [y, mo, d] = [Number(m[3]), MONTHS[m[2]!.toLowerCase()], Number(m[1])];
  } else {
    return undefined;
  }
  if (y === undefined || mo === undefined || d === undefined || !validDate(y, mo, d)) return undefined;
  const rest = text.slice(0, m.index) + ' ' + text.slice(m.index + m[0].length);
  const time = findTime(rest);
  if (!time) return undefined;
  const zone = findZone(rest.replace(/(?<!\d)\d{1,2}[:：]\d{2}(?:[:：]\d{2})?(?!\d)/, ' '));
  const iso = `${y}-${pad(mo)}-${pad(d)}T${pad(time.h)}:${pad(time.mi)}:${pad(time.s)}${zone ?? defaultOffset}`;
  return { iso, zoneAssumed: zone === undefined };
}
