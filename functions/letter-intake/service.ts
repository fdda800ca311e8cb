/**
 * Scanned letters on AWS: scanning staff upload the scans of a letter to `letters/<batch>/…` and then its
 * keyed fields as a sidecar `letters/<batch>/<name>.letter.json` (one manifest row as JSON, `file` naming the
 * scans beside it). The S3 event on `*.letter.json` drives this adapter: one case per letter. The source key is
 * the scans' content hash, the same as over HTTP, so the same letter is one case whichever way it came.
 */
import { createHash } from 'node:crypto';
import type { S3Event } from 'aws-lambda';
import { ValidationError } from '../../shared/domain/errors';
import type { FieldProblem } from '../../shared/domain/errors';
import type { EvidenceRef } from '../../shared/domain/intake';
import { submitIntake } from '../../shared/intake/core';
import type { IntakeDeps, IntakeResult } from '../../shared/intake/core';
import { letterFiles, letterIntake, parseLetterRow } from '../../shared/intake/channels';
import { checkEvidence } from '../../shared/intake/evidence';
import { sniffType } from '../../shared/domain/evidence-limits';
import { letterSourceKey, SCAN_LIMITS } from '../staff-intake/service';
import { decodeS3Key } from '../../shared/adapters/aws/s3-object-reader';
import { s3ScanFiles } from '../../shared/adapters/aws/s3-scan-files';
import { resolveScanFiles } from '../../shared/intake/scan-files';
import type { ObjectReader } from '../../shared/ports/object-reader';
import { consoleJsonLogger } from '../../shared/adapters/local/console-logger';

export const LETTER_SIDECAR_SUFFIX = '.letter.json';

export interface BatchOutcome {
  created: { key: string; caseId: string; duplicate: boolean }[];
  /** Bad input: logged and not retried (a retry cannot fix it); staff see it in the batch report. */
  rejected: { key: string; problems: FieldProblem[] }[];
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

async function oneLetter(deps: IntakeDeps, reader: ObjectReader, bucket: string, key: string): Promise<IntakeResult> {
  const sidecar = await reader.get(bucket, key);
  if (!sidecar) throw new ValidationError([{ field: 'key', code: 'object_missing', message: `找不到登记文件 ${key}。` }]);
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(sidecar.bytes).toString('utf8'));
  } catch {
    throw new ValidationError([{ field: 'key', code: 'invalid_json', message: '登记文件不是有效的 JSON。' }]);
  }
  // OCR runs on the embedded runtime only (docs/ocr.md): a sidecar without the matter asks for a reading that
  // this Lambda cannot make. Refused by name, never filed half-empty nor dropped.
  const matter = (raw as { matter?: unknown } | null)?.matter;
  if (matter === undefined || matter === null || (typeof matter === 'string' && matter.trim() === '')) {
    throw new ValidationError([
      {
        field: 'matter',
        code: 'ocr_not_available',
        message: '云端来信入口尚未提供扫描件文字识别（OCR）：请在登记文件中录入具体投诉事项等内容后重新上传，或把该批次放入本地运行时的来信收件文件夹，识别后由工作人员核对。',
      },
    ]);
  }
  const row = parseLetterRow(raw);
  const folder = key.slice(0, key.lastIndexOf('/') + 1);
  const { files, problems: missing } = await resolveScanFiles(letterFiles(row), s3ScanFiles(reader, bucket, folder));
  if (missing.length > 0) throw new ValidationError(missing);
  const problems = checkEvidence(files, 'file', SCAN_LIMITS);
  if (problems.length > 0) throw new ValidationError(problems);
  const scans: EvidenceRef[] = files.map((f) => ({
    filename: f.filename,
    contentType: sniffType(f.bytes)!,
    size: f.bytes.byteLength,
    sha256: sha(f.bytes),
    ref: f.ref!,
    kind: 'letter_scan',
  }));
  const batch = folder.replace(/^letters\//, '').replace(/\/$/, '');
  return submitIntake(deps, letterIntake(row, { sourceKey: letterSourceKey(files), receivedAt: deps.clock.now().toISOString(), scans, ...(batch ? { batch } : {}) }));
}

/** Processes every record; bad letters are reported, transient failures are thrown after the others are done. */
export async function handleLetterUploads(deps: IntakeDeps, reader: ObjectReader, event: S3Event): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { created: [], rejected: [] };
  const failures: unknown[] = [];
  for (const record of event.Records) {
    const key = decodeS3Key(record.s3.object.key);
    if (!key.endsWith(LETTER_SIDECAR_SUFFIX)) continue;
    try {
      const r = await oneLetter(deps, reader, record.s3.bucket.name, key);
      outcome.created.push({ key, caseId: r.caseId, duplicate: r.duplicate });
    } catch (err) {
      if (err instanceof ValidationError) {
        outcome.rejected.push({ key, problems: err.problems });
        // Fields and codes only: the messages may quote keyed personal data.
        (deps.logger ?? consoleJsonLogger).warn('letter rejected', { key, problems: err.problems.map((p) => `${p.field}:${p.code}`) });
      } else failures.push(err);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} letter(s) failed; the event will be retried (idempotent)`);
  return outcome;
}
