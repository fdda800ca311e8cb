/**
 * Resident identity card numbers (居民身份证号码, GB 11643-1999): 18 characters with an ISO 7064 MOD 11-2
 * check character, and the old 15-digit form. They are masked in everything we store except the raw mail.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** True when the 18-character number carries a correct check character. */
export function hasValidIdChecksum(id: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(id)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS[sum % 11] === id[17]!.toUpperCase();
}

function plausibleBirthDate(year: number, month: number, day: number): boolean {
  if (year < 1900 || year > 2100 || month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

/** An 18-character id: valid checksum, or (typed with a slip) a plausible region and birth date. */
export function looksLikeIdNumber18(id: string): boolean {
  if (hasValidIdChecksum(id)) return true;
  return /^[1-9]\d{5}/.test(id) && plausibleBirthDate(Number(id.slice(6, 10)), Number(id.slice(10, 12)), Number(id.slice(12, 14)));
}

function looksLikeId15(id: string): boolean {
  return /^[1-9]\d{14}$/.test(id) && plausibleBirthDate(1900 + Number(id.slice(6, 8)), Number(id.slice(8, 10)), Number(id.slice(10, 12)));
}

/** `510903199001011234` → `510903********1234`; `510903900101123` → `510903*****1123`. */
export function maskIdNumber(id: string): string {
  return id.slice(0, 6) + '*'.repeat(id.length - 10) + id.slice(-4);
}

// Digits not glued to other digits or ASCII letters (so hashes, order numbers and URLs are left alone).
const ID_CANDIDATE = /(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])/g;

export interface MaskResult {
  text: string;
  /** How many numbers were masked (never the numbers themselves). */
  masked: number;
}

/** Masks every identity card number in free text. Pure; idempotent (masked numbers no longer match). */
export function maskIdCards(text: string): MaskResult {
  let masked = 0;
  const out = text.replace(ID_CANDIDATE, (candidate: string) => {
    const ok = candidate.length === 18 ? looksLikeIdNumber18(candidate) : looksLikeId15(candidate);
    if (!ok) return candidate;
    masked++;
    return maskIdNumber(candidate);
  });
  return { text: out, masked };
}
