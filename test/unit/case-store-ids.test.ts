import { createHash } from 'node:crypto';
import { QUERY_CODE_ALPHABET, QUERY_CODE_LENGTH, cryptoIds, hashQueryCode } from '../../shared/adapters/ids';

describe('cryptoIds', () => {
  it('gives v4 uuids', () => {
    expect(cryptoIds.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('gives 8-character query codes of at least 40 bits from an alphabet without 0, 1, O, I', () => {
    expect(QUERY_CODE_LENGTH * Math.log2(QUERY_CODE_ALPHABET.length)).toBeGreaterThanOrEqual(40);
    expect(QUERY_CODE_ALPHABET).not.toMatch(/[01OI]/);
    expect(new Set(QUERY_CODE_ALPHABET).size).toBe(QUERY_CODE_ALPHABET.length);
    const codes = Array.from({ length: 2000 }, () => cryptoIds.queryCode());
    for (const c of codes) expect(c).toMatch(/^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{8}$/);
    expect(new Set(codes).size).toBe(codes.length);
    // every symbol shows up: the generator uses the whole alphabet
    expect(new Set(codes.join('')).size).toBe(QUERY_CODE_ALPHABET.length);
  });

  it('hashes the upper-cased code with sha256', () => {
    const expected = createHash('sha256').update('AB23CD45').digest('hex');
    expect(hashQueryCode('AB23CD45')).toBe(expected);
    expect(hashQueryCode('ab23cd45')).toBe(expected);
    expect(hashQueryCode('ab23-cd45 ')).toBe(expected);
    expect(hashQueryCode('AB23CD46')).not.toBe(expected);
  });
});
