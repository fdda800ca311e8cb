/**
 * Letters read by OCR wait here for the clerk's check (issue 24): a letter never becomes a case before a clerk
 * confirms its fields. Adapter: infra/local/letter-review-store.ts (files in the runtime's private data dir).
 */
import type { LetterProposal } from '../domain/extraction/letter-fields';

export interface PendingLetter {
  /** `<batch>--<letter>`: stable, so reading the same batch again finds the same letter. */
  id: string;
  batch: string;
  /** The letter's name in the batch (the scans' common stem, or the manifest row number). */
  letter: string;
  /** Page scans in page order, then the envelope scan if any (file names in the store). */
  pages: string[];
  envelope?: string;
  /** Fields keyed in a manifest row (they win over the reading). */
  keyed?: Record<string, string>;
  proposal: LetterProposal;
  /** The confidence under which a field was left for the clerk when the letter was read (jurisdiction `letterReading`). */
  threshold?: number;
  engine: string;
  readAt: string;
  status: 'pending' | 'confirmed';
  caseId?: string;
  confirmedBy?: string;
  confirmedAt?: string;
}

export interface LetterReviewStore {
  /** Saves the letter and its scans (idempotent: the same id overwrites with the same content). */
  put(letter: PendingLetter, scans: { name: string; bytes: Uint8Array }[]): Promise<void>;
  update(letter: PendingLetter): Promise<void>;
  get(id: string): Promise<PendingLetter | undefined>;
  list(): Promise<PendingLetter[]>;
  scan(id: string, name: string): Promise<Uint8Array | undefined>;
}
