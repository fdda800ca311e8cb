/**
 * Suggestion boxes and opinion books on AWS: one opening is a CSV `boxes/<name>.csv` (box, place, opened at,
 * opened by two people, one row per slip, optional slip scans beside it). The S3 event drives this adapter:
 * one case per slip, anonymous unless signed; bad rows are reported and never sink the good ones.
 */
import type { S3Event } from 'aws-lambda';
import { ValidationError } from '../../shared/domain/errors';
import type { FieldProblem } from '../../shared/domain/errors';
import type { EvidenceRef } from '../../shared/domain/intake';
import { submitIntake } from '../../shared/intake/core';
import type { IntakeDeps } from '../../shared/intake/core';
import { boxIntake } from '../../shared/intake/channels';
import type { BoxSlipRow } from '../../shared/intake/channels';
import { parseBoxCsv } from '../../shared/intake/csv';
import { checkEvidence } from '../../shared/intake/evidence';
import { sniffType } from '../../shared/domain/evidence-limits';
import { createHash } from 'node:crypto';
import { SCAN_LIMITS } from '../staff-intake/service';
import { decodeS3Key } from '../../shared/adapters/aws/s3-object-reader';
import type { ObjectReader } from '../../shared/ports/object-reader';
import { s3ScanFiles } from '../../shared/adapters/aws/s3-scan-files';
import { resolveScanFiles, scanNames } from '../../shared/intake/scan-files';
import { consoleJsonLogger } from '../../shared/adapters/local/console-logger';

export interface BoxRowOutcome {
  row: number;
  caseId?: string;
  duplicate?: boolean;
  problems?: FieldProblem[];
}

async function slipScans(reader: ObjectReader, bucket: string, folder: string, row: BoxSlipRow): Promise<EvidenceRef[]> {
  const { files, problems: missing } = await resolveScanFiles(scanNames(row.file), s3ScanFiles(reader, bucket, folder));
  if (missing.length > 0) throw new ValidationError(missing);
  const problems = checkEvidence(files, 'file', SCAN_LIMITS);
  if (problems.length > 0) throw new ValidationError(problems);
  return files.map((f) => ({
    filename: f.filename,
    contentType: sniffType(f.bytes)!,
    size: f.bytes.byteLength,
    sha256: createHash('sha256').update(f.bytes).digest('hex'),
    ref: f.ref!,
    kind: 'slip_scan',
  }));
}

export async function handleBoxOpening(deps: IntakeDeps, reader: ObjectReader, bucket: string, key: string): Promise<BoxRowOutcome[]> {
  const obj = await reader.get(bucket, key);
  if (!obj) return [{ row: 0, problems: [{ field: 'key', code: 'object_missing', message: `找不到开箱登记文件 ${key}。` }] }];
  const folder = key.slice(0, key.lastIndexOf('/') + 1);
  const results: BoxRowOutcome[] = [];
  const failures: unknown[] = [];
  for (const r of parseBoxCsv(Buffer.from(obj.bytes).toString('utf8'))) {
    if (!r.value) {
      results.push({ row: r.row, problems: r.problems });
      continue;
    }
    try {
      const scans = await slipScans(reader, bucket, folder, r.value);
      const res = await submitIntake(deps, boxIntake(r.value, { scans }));
      results.push({ row: r.row, caseId: res.caseId, duplicate: res.duplicate });
    } catch (err) {
      if (err instanceof ValidationError) results.push({ row: r.row, problems: err.problems });
      else failures.push(err);
    }
  }
  for (const r of results) {
    if (r.problems) (deps.logger ?? consoleJsonLogger).warn('box slip rejected', { key, row: r.row, problems: r.problems.map((p) => `${p.field}:${p.code}`) });
  }
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} slip(s) failed; the event will be retried (idempotent)`);
  return results;
}

export async function handleBoxUploads(deps: IntakeDeps, reader: ObjectReader, event: S3Event): Promise<Record<string, BoxRowOutcome[]>> {
  const out: Record<string, BoxRowOutcome[]> = {};
  for (const record of event.Records) {
    const key = decodeS3Key(record.s3.object.key);
    if (!key.endsWith('.csv')) continue;
    out[key] = await handleBoxOpening(deps, reader, record.s3.bucket.name, key);
  }
  return out;
}
