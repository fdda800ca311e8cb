/**
 * The art. 18 case file (“建立投诉档案，归档”): one immutable document holding the whole case — its fields, the
 * references of every document with their sha256, the complete timeline and, when given, the audit trail.
 *
 * The JSON is canonical (RFC 8785 style: object keys sorted by UTF-16 code units, no whitespace, `undefined`
 * dropped), so the same inputs always give the same bytes and the same hash. It leaves out what changes when the
 * archive's own reference is recorded on the case (`version`, `updatedAt`, `archive.ref`, `archive.sha256`), so the
 * stored bytes can be rebuilt from the final case and compared; and what is no fact of the case (the workflow's
 * `waiting` task token, the hash of the complainant's query code, which a copied archive must not expose to an
 * offline guess).
 */
import { createHash } from 'node:crypto';
import { shanghaiDate } from './calendar';
import type { Actor, CaseRecord, TimelineEvent } from './case';
import { PHASE_LABELS } from './case';
import { PhaseConflictError, ValidationError } from './errors';
import type { EvidenceRef } from './intake';

/** Format tag written into every archive file; a reader checks it before trusting the layout. */
export const ARCHIVE_FORMAT = 'tousu-case-archive/1';
export const ARCHIVE_CONTENT_TYPE = 'application/json';

/** Structurally the CaseStore's audit entry (shared/ports), restated here so the domain needs no port. */
export interface ArchivedAuditEntry {
  caseId: string;
  at: string;
  actor: Actor;
  what: string;
  detail?: Record<string, unknown>;
}

export interface ArchiveBundle {
  /** Canonical JSON, UTF-8 when stored. */
  json: string;
  /** Hex sha256 of the UTF-8 bytes of `json`. */
  sha256: string;
}

/** A document of the case as the archive lists it: where it came from, and its hash. */
export interface ArchivedDocument extends EvidenceRef {
  /** `intake`, or `merged:<caseId>` for a document a merged case brought (art. 11). */
  origin: string;
}

// ---------------------------------------------------------------------------------------------- canonical JSON

/**
 * Canonical JSON text of a JSON-like value: keys sorted by UTF-16 code units (what `Array.prototype.sort` does),
 * no insignificant whitespace, properties whose value is `undefined` left out, strings and numbers as
 * `JSON.stringify` writes them (which is what RFC 8785 prescribes). Non-finite numbers are refused, as are
 * values JSON cannot hold (functions, symbols, bigint).
 */
export function canonicalJson(value: unknown): string {
  const out = write(value);
  if (out === undefined) throw new TypeError('canonicalJson: the value has no JSON form');
  return out;
}

function write(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (value !== undefined && typeof (value as { toJSON?: unknown }).toJSON === 'function') return write((value as { toJSON(): unknown }).toJSON());
  switch (typeof value) {
    case 'undefined':
      return undefined;
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => write(v) ?? 'null').join(',')}]`;
      const parts: string[] = [];
      for (const key of Object.keys(value).sort()) {
        const v = write((value as Record<string, unknown>)[key]);
        if (v !== undefined) parts.push(`${JSON.stringify(key)}:${v}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} has no JSON form`);
  }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

// ---------------------------------------------------------------------------------------------- the bundle

/** Where the archive file of a case lives in the archive store: `<jurisdiction>/<yyyy of archiving, Shanghai>/<caseId>.json`. */
export function archiveKey(c: CaseRecord): string {
  const at = archivedAt(c);
  return `${c.jurisdiction}/${shanghaiDate(at, 'archive.at').slice(0, 4)}/${c.caseId}.json`;
}

function archivedAt(c: CaseRecord): string {
  if (c.phase !== 'archived' || !c.archive?.at) {
    throw new PhaseConflictError('archive', c.phase, `投诉件当前环节为“${PHASE_LABELS[c.phase]}”，尚未归档，不能生成档案。`);
  }
  return c.archive.at;
}

/** The case fields as archived (see the module comment for what is left out and why). */
function archivedFields(c: CaseRecord): Record<string, unknown> {
  const { version: _version, updatedAt: _updatedAt, waiting: _waiting, queryCodeHash: _queryCodeHash, archive, ...fields } = c;
  return { ...fields, archive: { at: archive?.at } };
}

/** Every document of the case, once each (by ref and hash): the intake's, then those merged cases brought. */
export function archivedDocuments(c: CaseRecord): ArchivedDocument[] {
  const seen = new Set<string>();
  const docs: ArchivedDocument[] = [];
  const add = (e: EvidenceRef, origin: string) => {
    const id = `${e.ref}\u0000${e.sha256}`;
    if (seen.has(id)) return;
    seen.add(id);
    docs.push({ ...e, origin });
  };
  for (const e of c.intake.evidence) add(e, 'intake');
  for (const m of c.merges ?? []) for (const e of m.evidence) add(e, `merged:${m.caseId}`);
  return docs;
}

function completeTimeline(c: CaseRecord, timeline: TimelineEvent[]): TimelineEvent[] {
  const sorted = [...timeline].sort((a, b) => a.seq - b.seq);
  const problem = (message: string) => new ValidationError([{ field: 'timeline', message, code: 'incomplete_timeline' }], '投诉件办理记录不完整，不能归档。');
  if (sorted.some((e) => e.caseId !== c.caseId)) throw problem('办理记录中有不属于该投诉件的条目。');
  if (sorted.length !== c.timelineLength || sorted.some((e, i) => e.seq !== i + 1)) {
    throw problem(`办理记录应为第 1 至第 ${c.timelineLength} 条，实际读到 ${sorted.length} 条。`);
  }
  return sorted;
}

/**
 * The archive file of an archived case (art. 18). Pure: the same case, timeline and audit trail always give the
 * same bytes. The timeline must be complete (seq 1 … `timelineLength`); the audit trail is optional and is
 * ordered by time (ties by content) whatever order it is given in.
 */
export function buildArchiveBundle(c: CaseRecord, timeline: TimelineEvent[], audit?: ArchivedAuditEntry[]): ArchiveBundle {
  const at = archivedAt(c);
  const doc = {
    format: ARCHIVE_FORMAT,
    regulation: '遂宁市政务服务投诉处理办法（试行）第十八条',
    caseId: c.caseId,
    trackingNo: c.trackingNo,
    jurisdiction: c.jurisdiction,
    archivedAt: at,
    case: archivedFields(c),
    documents: archivedDocuments(c),
    timeline: completeTimeline(c, timeline),
    ...(audit
      ? {
          audit: audit
            .map((a) => ({ entry: a, ms: Date.parse(a.at), text: canonicalJson(a) }))
            .sort((x, y) => x.ms - y.ms || (x.text < y.text ? -1 : x.text > y.text ? 1 : 0))
            .map((x) => x.entry),
        }
      : {}),
  };
  const json = canonicalJson(doc);
  return { json, sha256: sha256Hex(json) };
}
