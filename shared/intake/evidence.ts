/**
 * Evidence files uploaded with an intake: type by content (magic bytes), size limits, stored in the BlobStore
 * under a key derived from the delivery's source key, so a replay overwrites the same objects.
 */
import { createHash } from 'node:crypto';
import type { BlobStore } from '../ports';
import type { EvidenceRef } from '../domain/intake';
import type { FieldProblem } from '../domain/errors';
import { EVIDENCE_LIMITS, EVIDENCE_TYPES, sniffType } from '../domain/evidence-limits';
import { EvidenceStoreMissingError } from './errors';
import { stripControlChars } from '../domain/control-chars';

export interface UploadedFile {
  filename: string;
  bytes: Uint8Array;
  kind?: EvidenceRef['kind'];
}

/**
 * The name a file is kept and offered for download under: the last segment of whatever path the sender wrote
 * (`C:\\Users\\x\\scan.png`, `../../etc/passwd`), without control characters, at most 255 characters.
 */
export function safeFilename(name: string, fallback: string): string {
  const last = stripControlChars(name.split(/[/\\]/).pop() ?? '').trim();
  const clean = last === '.' || last === '..' ? '' : last;
  return clean.slice(0, 255) || fallback;
}

const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

/** Checks the files; returns problems on field `field` (empty when fine). Empty files (no file chosen) are skipped by callers. */
export function checkEvidence(files: UploadedFile[], field = 'evidence', limits: { maxFiles: number; maxFileBytes: number; maxTotalBytes: number } = EVIDENCE_LIMITS): FieldProblem[] {
  const mb = (n: number): string => `${Math.floor(n / (1024 * 1024))} MB`;
  if (files.length > limits.maxFiles) return [{ field, code: 'too_many_files', message: `证明材料最多 ${limits.maxFiles} 个文件。` }];
  let total = 0;
  for (const f of files) {
    total += f.bytes.byteLength;
    if (f.bytes.byteLength > limits.maxFileBytes) return [{ field, code: 'file_too_large', message: `文件“${f.filename.slice(0, 60)}”超过 ${mb(limits.maxFileBytes)}。` }];
    if (!sniffType(f.bytes)) {
      return [{ field, code: 'file_type_not_allowed', message: `文件“${f.filename.slice(0, 60)}”的类型不支持，请上传 ${EVIDENCE_TYPES.map((t) => t.label).join('、')} 文件。` }];
    }
  }
  if (total > limits.maxTotalBytes) return [{ field, code: 'files_too_large', message: `证明材料合计不能超过 ${mb(limits.maxTotalBytes)}。` }];
  return [];
}

/** Stores the (checked) files; the key depends only on the source key and the content. */
export async function storeEvidence(blobs: BlobStore | undefined, files: UploadedFile[], sourceKey: string, prefix = 'evidence'): Promise<EvidenceRef[]> {
  if (files.length === 0) return [];
  if (!blobs) throw new EvidenceStoreMissingError();
  const folder = sha256(sourceKey).slice(0, 32);
  const refs: EvidenceRef[] = [];
  for (const f of files) {
    const digest = sha256(f.bytes);
    const contentType = sniffType(f.bytes) ?? 'application/octet-stream';
    const ext = EVIDENCE_TYPES.find((t) => t.contentType === contentType)?.ext ?? 'bin';
    const stored = await blobs.put(`${prefix}/${folder}/${digest}.${ext}`, f.bytes, contentType);
    refs.push({
      filename: safeFilename(f.filename, `file.${ext}`),
      contentType,
      size: f.bytes.byteLength,
      sha256: digest,
      ref: stored.ref,
      ...(f.kind ? { kind: f.kind } : {}),
    });
  }
  return refs;
}
