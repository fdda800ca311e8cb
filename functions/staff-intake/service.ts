/**
 * Staff intake service: letters keyed by scanning staff, suggestion-box slips, phone and window entries, and
 * 12345 work orders entered or relayed by staff. Takes its ports as arguments (IntakeDeps).
 */
import { createHash } from 'node:crypto';
import type { Actor } from '../../shared/domain/case';
import { ValidationError } from '../../shared/domain/errors';
import type { FieldProblem } from '../../shared/domain/errors';
import { submitIntake as submitToCore } from '../../shared/intake/core';
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

export async function staffSubmit(deps: IntakeDeps, channel: StaffIntakeChannel, entry: unknown, files: UploadedFile[], actor: Actor, submit?: StaffIntakeSubmit): Promise<IntakeResult> {
  const submitIntake: StaffIntakeSubmit = submit ?? ((intake, opts) => submitToCore(deps, intake, opts));
  const receivedAt = deps.clock.now().toISOString();
  switch (channel) {
    case 'letter': {
      const problems = files.length === 0 ? [{ field: 'file', code: 'scan_required', message: '请上传来信的扫描件（图片或 PDF）。' }] : checkEvidence(files, 'file', SCAN_LIMITS);
      const row = withFileProblems(() => parseLetterRow(entry), problems);
      const sourceKey = letterSourceKey(files);
      const scans = await storeEvidence(deps.blobs, files.map((f) => ({ ...f, kind: 'letter_scan' as const })), sourceKey, 'letters');
      return submitIntake(letterIntake(row, { sourceKey, receivedAt, scans }), { actor });
    }
    case 'box': {
      const row = withFileProblems(() => parseBoxSlipRow(entry), checkEvidence(files, 'file', SCAN_LIMITS));
      const scans = await storeEvidence(deps.blobs, files.map((f) => ({ ...f, kind: 'slip_scan' as const })), boxSourceKey(row), 'slips');
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
