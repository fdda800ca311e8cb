/** Ids port backed by node:crypto: UUID v4 and the complainant's query code (查询码). */
import { createHash, randomInt, randomUUID } from 'node:crypto';
import type { Ids } from '../ports';

/**
 * 32 symbols without 0, 1, O and I: codes are read aloud on the phone and typed from paper. L stays because
 * 1 is absent, which makes the alphabet exactly 32 symbols: 8 characters carry 40 bits (the Ids port's floor).
 */
export const QUERY_CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const QUERY_CODE_LENGTH = 8;

export function randomQueryCode(): string {
  let code = '';
  for (let i = 0; i < QUERY_CODE_LENGTH; i++) code += QUERY_CODE_ALPHABET[randomInt(QUERY_CODE_ALPHABET.length)];
  return code;
}

export const cryptoIds: Ids = {
  uuid: () => randomUUID(),
  queryCode: randomQueryCode,
};

/** Normalises what a person typed (case, spaces, dashes) so that the hash matches the issued code. */
export function normalizeQueryCode(code: string): string {
  return code.replace(/[\s-]/g, '').toUpperCase();
}

/** sha256 hex of the normalised (upper-cased) code: what `CaseRecord.queryCodeHash` stores. */
export function hashQueryCode(code: string): string {
  return createHash('sha256').update(normalizeQueryCode(code), 'utf8').digest('hex');
}
