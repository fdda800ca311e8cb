/**
 * Staff intake service: letters keyed by scanning staff, suggestion-box slips, phone and window entries, and
 * 12345 work orders entered or relayed by staff. Takes its ports as arguments (IntakeDeps).
 */
import { createHash } from 'node:crypto';
import type { Actor } from '../../shared/domain/case';
import { ValidationError } from '../../shared/domain/errors';
import type { FieldProblem } from '../../shared/domain/errors';
import { resolveAgainstJurisdiction, submitIntake as submitToCore } from '../../shared/intake/core';
import { CanonicalIntake as CanonicalIntakeSchema } from '../../shared/domain/intake';
import { problemsFromZod, semanticProblems } from '../../shared/intake/validate';
import type { IntakeDeps, IntakeOptions, IntakeResult } from '../../shared/intake/core';
import type { CanonicalIntake } from '../../shared/domain/intake';
import { boxIntake, letterIntake, parseBoxSlipRow, parseLetterRow, parseStaffEntry, parseWorkOrder, staffIntake, workOrderIntake, boxSourceKey } from '../../shared/intake/channels';
import { checkEvidence, storeEvidence } from '../../shared/intake/evidence';
import { SCAN_LIMITS } from '../../shared/domain/evidence-limits';
import type { UploadedFile } from '../../shared/intake/evidence';

export const STAFF_INTAKE_CHANNELS = ['letter', 'box', 'phone', 'onsite', 'workorder'] as const;
export type StaffIntakeChannel = (typeof STAFF_INTAKE_CHANNELS)[number];

export { SCAN_LIMITS };

const sha = (s: string | Uint8Array): string => createHash('sha256').update(s).digest('hex');

/** A letter is identified by its scans' content: the same scans uploaded twice are the same letter. */
export const letterSourceKey = (files: UploadedFile[]): string => `letter:sha256:${sha(files.map((f) => sha(f.bytes)).join(','))}`;

function withFileProblems<T>(parse: () => T, fileProblems: FieldProblem[]): T {
  let value: T;
  try {
    value = parse();
  } catch (err) {
    if (err instanceof ValidationError) throw new ValidationError([...err.problems, ...fileProblems]);
    throw err;
  }
  if (fileProblems.length > 0) throw new ValidationError(fileProblems);
  return value;
}

/** Files one canonical intake (default: the intake core). The embedded runtime passes one that parks failures as dead letters. */
export type StaffIntakeSubmit = (intake: CanonicalIntake, opts: IntakeOptions) => Promise<IntakeResult>;

/** What only the system may add to a staff entry (never read from the entry a person sent). */
export interface TrustedLetterFacts {
  /** The OCR transcript of a letter a clerk checked (shared/services/letter-review.ts). */
  ocrText?: string;
}

export async function staffSubmit(
  deps: IntakeDeps,
  channel: StaffIntakeChannel,
  entry: unknown,
  files: UploadedFile[],
  actor: Actor,
  submit?: StaffIntakeSubmit,
  trusted: TrustedLetterFacts = {},
): Promise<IntakeResult> {
  const submitIntake: StaffIntakeSubmit = submit ?? ((intake, opts) => submitToCore(deps, intake, opts));
  const receivedAt = deps.clock.now().toISOString();
  switch (channel) {
    case 'letter': {
      const problems = files.length === 0 ? [{ field: 'file', code: 'scan_required', message: '请上传来信的扫描件（图片或 PDF）。' }] : checkEvidence(files, 'file', SCAN_LIMITS);
      const row = withFileProblems(() => parseLetterRow(entry), problems);
      const sourceKey = letterSourceKey(files);
      const scans = await storeEvidence(
        deps.blobs,
        files.map((f) => ({ ...f, kind: 'letter_scan' as const })),
        sourceKey,
        'letters',
      );
      // The OCR transcript of a letter a clerk checked is kept with the letter. It comes from the review service
      // only: an `ocrText` in a keyed entry is refused, so no transcript exists that OCR did not read.
      if (entry !== null && typeof entry === 'object' && 'ocrText' in entry) {
        throw new ValidationError([{ field: 'ocrText', code: 'ocr_text_not_accepted', message: '识别文本只能由“来信核对”生成，不能随登记内容提交。' }]);
      }
      const ocr = trusted.ocrText;
      const ocrText = typeof ocr === 'string' && ocr.trim() !== '' ? ocr.slice(0, 100_000) : undefined;
      return submitIntake(letterIntake(row, { sourceKey, receivedAt, scans, ...(ocrText ? { ocrText } : {}) }), { actor });
    }
    case 'box': {
      const row = withFileProblems(() => parseBoxSlipRow(entry), checkEvidence(files, 'file', SCAN_LIMITS));
      const scans = await storeEvidence(
        deps.blobs,
        files.map((f) => ({ ...f, kind: 'slip_scan' as const })),
        boxSourceKey(row),
        'slips',
      );
      return submitIntake(boxIntake(row, { scans }), { actor });
    }
    case 'phone':
    case 'onsite': {
      const e = withFileProblems(() => parseStaffEntry({ ...(entry as object), channel }), checkEvidence(files, 'evidence', SCAN_LIMITS));
      const evidence = await storeEvidence(deps.blobs, files, `staff:${channel}:${e.entryId}`);
      return submitIntake(staffIntake(e, { receivedAt, evidence, enteredBy: actor.id }), { actor });
    }
    case 'workorder': {
      const o = parseWorkOrder(entry);
      return submitIntake(workOrderIntake(o, { receivedAt }), { actor });
    }
  }
}

/** What a check before saving found: the entry's problems (the same as saving would report), or what would happen. */
export type StaffCheckResult =
  | { ok: false; problems: FieldProblem[] }
  | {
      ok: true;
      /** new: a case of its own; merge: joins the open case `into` (art. 11); possible: staff decide; repeat: a concluded case again (art. 8(5)). */
      outcome: 'new' | 'merge' | 'possible' | 'repeat';
      candidates: { caseId: string; score: number; reasons: string[] }[];
    };

/**
 * Checks a staff entry before it is saved (the console's 登记 screen): the same parsing and validation as
 * `staffSubmit`, and the duplicate check the intake would run, without claiming the source, storing files or
 * creating anything. The files are described only (how many; whether a signed form is among them).
 */
export async function staffCheck(deps: IntakeDeps, channel: StaffIntakeChannel, entry: unknown, files: { count: number; names: string[]; signedForm: boolean }): Promise<StaffCheckResult> {
  const receivedAt = deps.clock.now().toISOString();
  let intake: CanonicalIntake;
  try {
    switch (channel) {
      case 'letter': {
        const problems = files.count === 0 ? [{ field: 'file', code: 'scan_required', message: '请上传来信的扫描件（图片或 PDF）。' }] : [];
        const raw = { ...(entry as object), file: (entry as { file?: unknown } | undefined)?.file ?? (files.names.join(';') || undefined) };
        const row = withFileProblems(() => parseLetterRow(raw), problems);
        intake = letterIntake(row, { sourceKey: 'check:letter', receivedAt, scans: [] });
        break;
      }
      case 'box': {
        intake = boxIntake(parseBoxSlipRow(entry), { scans: [] });
        break;
      }
      case 'phone':
      case 'onsite': {
        const e = parseStaffEntry({ ...(entry as object), channel });
        intake = staffIntake(e, { receivedAt, evidence: [] });
        break;
      }
      case 'workorder':
        intake = workOrderIntake(parseWorkOrder(entry), { receivedAt });
        break;
    }
    const parsed = CanonicalIntakeSchema.safeParse(intake);
    if (!parsed.success) throw new ValidationError(problemsFromZod(parsed.error));
    // The signed form is checked by its presence among the files to be uploaded (art. 7(1)).
    const problems = semanticProblems(parsed.data).filter((p) => !(p.code === 'signed_form_required' && files.signedForm));
    if (problems.length > 0) throw new ValidationError(problems);
    intake = resolveAgainstJurisdiction(parsed.data, deps.jurisdiction);
  } catch (err) {
    if (err instanceof ValidationError) return { ok: false, problems: err.problems };
    throw err;
  }
  const decision = deps.duplicateCheck ? await deps.duplicateCheck(intake, { jurisdiction: deps.jurisdiction.code, now: deps.clock.now() }) : { kind: 'new' as const };
  switch (decision.kind) {
    case 'new':
      return { ok: true, outcome: 'new', candidates: [] };
    case 'merge':
      return { ok: true, outcome: 'merge', candidates: [{ caseId: decision.into, score: decision.score, reasons: decision.explanation }] };
    case 'repeat':
      return { ok: true, outcome: 'repeat', candidates: [{ caseId: decision.of, score: 1, reasons: decision.explanation }] };
    case 'possible':
      return { ok: true, outcome: 'possible', candidates: decision.candidates.map((c) => ({ caseId: c.caseId, score: c.score, reasons: c.explanation })) };
  }
}
