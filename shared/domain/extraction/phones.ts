/**
 * Telephone numbers in free Chinese text: mainland mobiles (1[3-9]x, 11 digits, optionally written 3-4-4 with
 * spaces or hyphens, optionally +86) and landlines with an area code (0825-2345678, (0825)2345678, 0825 2345678).
 */

const MOBILE = /(?<![\d])(?:\+?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)/g;
const LANDLINE = /(?<![\d])[(（]?(0\d{2,3})[)）]?[\s-]?([2-9]\d{6,7})(?:[\s-]*(?:转|ext\.?|-)\s*(\d{1,5}))?(?!\d)/g;

/** Mobile numbers, normalised to 11 digits, in order of appearance, without repeats. */
export function findMobiles(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(MOBILE)) {
    const n = `${m[1]}${m[2]}${m[3]}`;
    if (!found.includes(n)) found.push(n);
  }
  return found;
}

/** Landlines with area code, normalised to `0825-2345678` (plus `转123` for an extension). */
export function findLandlines(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(LANDLINE)) {
    const n = `${m[1]}-${m[2]}${m[3] ? `转${m[3]}` : ''}`;
    if (!found.includes(n)) found.push(n);
  }
  return found;
}

/** The first telephone number in the text: a mobile if there is one, else a landline. */
export function firstPhone(text: string): string | undefined {
  return findMobiles(text)[0] ?? findLandlines(text)[0];
}
