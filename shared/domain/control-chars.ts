/**
 * C0 control characters and DEL (U+0000-U+001F, U+007F): never part of a file name or a storage key. Tested by
 * code point, not by a regular expression with control characters in it (which reads as a typo: no-control-regex).
 */
const isControl = (code: number): boolean => code <= 0x1f || code === 0x7f;

export function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (isControl(s.charCodeAt(i))) return true;
  return false;
}

export function stripControlChars(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) if (!isControl(s.charCodeAt(i))) out += s[i];
  return out;
}
