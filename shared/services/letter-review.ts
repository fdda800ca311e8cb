/**
 * Scanned letters without keyed fields (issue 24): read by OCR, their fields proposed (shared/domain/extraction/
 * letter-fields.ts), kept as pending letters until a clerk checks them. Confirming files the letter through the
 * same staff intake as a keyed manifest row, with the OCR text as the letter's transcript; a letter that has not
 * been confirmed never becomes a case.
 */
import type { Actor } from '../domain/case';
import { ValidationError } from '../domain/errors';
import type { Department } from '../domain/jurisdiction';
import { LETTER_FIELDS, proposeLetterFields } from '../domain/extraction/letter-fields';
import type { LetterProposal } from '../domain/extraction/letter-fields';
import type { OcrEngine } from '../ports/ocr';
import type { LetterReviewStore, PendingLetter } from '../ports/letter-review';
import type { UploadedFile } from '../intake/evidence';
import type { IntakeResult } from '../intake/core';

export interface LetterReading {
  engine: OcrEngine;
  departments: readonly Pick<Department, 'code' | 'name' | 'aliases'>[];
  /** The office's calendar day, YYYY-MM-DD. */
  today: () => string;
  threshold?: number;
}

/** Reads the pages and the envelope of one letter and proposes its fields. */
export async function readLetter(r: LetterReading, pages: UploadedFile[], envelope?: UploadedFile): Promise<{ proposal: LetterProposal; engine: string }> {
  const pageLines = [];
  for (const p of pages) pageLines.push(...(await r.engine.read(p.bytes)).lines);
  const envelopeLines = envelope ? (await r.engine.read(envelope.bytes)).lines : [];
  const proposal = proposeLetterFields({ pageLines, envelopeLines, departments: r.departments, today: r.today(), ...(r.threshold !== undefined ? { threshold: r.threshold } : {}) });
  return { proposal, engine: r.engine.name };
}

/** The fields as proposed (keyed manifest fields win): what the review screen shows first. */
export function proposedFields(l: PendingLetter): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of LETTER_FIELDS) {
    const v = l.keyed?.[f] || l.proposal.fields[f].value;
    if (v) out[f] = v;
  }
  return out;
}

export type LetterSubmit = (entry: Record<string, unknown>, files: UploadedFile[], actor: Actor, trusted: { ocrText?: string }) => Promise<IntakeResult>;

const EDITABLE = new Set<string>([...LETTER_FIELDS, 'organization', 'email', 'anonymous', 'wantsReply', 'confidential', 'respondentUnitCode', 'receivedAt']);

/**
 * The clerk's check: `fields` are what the clerk accepted or typed (every field, not a diff). Files the letter
 * through `submit` (staff intake: validated like a keyed row) with the transcript, then marks it confirmed.
 * Confirming again returns the same case (intake is idempotent by the scans' content).
 */
export async function confirmLetter(
  store: LetterReviewStore,
  submit: LetterSubmit,
  id: string,
  fields: Record<string, unknown>,
  actor: Actor,
  now: Date,
): Promise<{ caseId: string; duplicate: boolean }> {
  const letter = await store.get(id);
  if (!letter) throw new ValidationError([{ field: 'id', code: 'letter_not_found', message: '找不到该待核对来信。' }]);
  if (letter.status === 'confirmed' && letter.caseId) return { caseId: letter.caseId, duplicate: true };
  const unknown = Object.keys(fields).filter((k) => !EDITABLE.has(k));
  if (unknown.length > 0) throw new ValidationError(unknown.map((k) => ({ field: k, code: 'unknown_field', message: `不能登记字段“${k}”。` })));
  const files: UploadedFile[] = [];
  for (const name of [...letter.pages, ...(letter.envelope ? [letter.envelope] : [])]) {
    const bytes = await store.scan(id, name);
    if (!bytes) throw new ValidationError([{ field: 'file', code: 'scan_missing', message: `找不到扫描件“${name}”。` }]);
    files.push({ filename: name, bytes });
  }
  const entry: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) if (typeof v === 'string' ? v.trim() !== '' : v !== undefined && v !== null) entry[k] = typeof v === 'string' ? v.trim() : v;
  entry.file = files.map((f) => f.filename).join(';');
  const r = await submit(entry, files, actor, { ocrText: letter.proposal.transcript });
  await store.update({ ...letter, status: 'confirmed', caseId: r.caseId, confirmedBy: actor.id, confirmedAt: now.toISOString() });
  return { caseId: r.caseId, duplicate: r.duplicate };
}
