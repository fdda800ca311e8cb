/** The art. 18 archive file: canonical JSON, a reproducible hash, the whole case (shared/domain/archive.ts). */
import { createHash } from 'node:crypto';
import { ARCHIVE_FORMAT, archiveKey, buildArchiveBundle, canonicalJson } from '../../shared/domain/archive';
import type { CaseRecord, TimelineEvent } from '../../shared/domain/case';
import { PhaseConflictError, ValidationError } from '../../shared/domain/errors';
import { concluded, intakeOf, recordOf } from '../fixtures/duplicates/records';

const CASE_ID = '510903-20250310-0001';
const EVIDENCE = { filename: '收据.jpg', contentType: 'image/jpeg', size: 1234, sha256: 'b'.repeat(64), ref: 'file:evidence/510903/x/收据.jpg', kind: 'evidence' as const };

function archivedCase(over: Partial<CaseRecord> = {}): CaseRecord {
  const intake = intakeOf({
    matter: '不动产登记窗口多次要求补交同一材料',
    facts: '三次往返，每次说法不同。',
    evidence: [EVIDENCE],
    complainant: { name: '王某', phone: '13800000000', anonymous: false, wantsReply: true, confidential: false },
  });
  const base = concluded(recordOf(CASE_ID, intake, { timelineLength: 3 }), '2025-03-12T10:00:00+08:00');
  return { ...base, archive: { at: '2025-12-31T16:30:00.000Z' }, version: 9, updatedAt: '2025-12-31T16:30:00.000Z', ...over };
}

function event(seq: number, type: string, over: Partial<TimelineEvent> = {}): TimelineEvent {
  return { caseId: CASE_ID, seq, at: `2025-03-1${seq}T10:00:00+08:00`, type, actor: { role: 'system', id: 'tousu' }, phase: 'archived', summary: `第 ${seq} 条`, ...over };
}
const TIMELINE = [event(1, 'received'), event(2, 'concluded', { data: { finding: 'partial', z: 1, a: [2, 1] } }), event(3, 'archived')];

describe('canonicalJson', () => {
  it('sorts keys at every depth, keeps array order, drops undefined, writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: undefined, w: '中' }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"w":"中","y":1}]},"b":1}');
  });
  it('refuses what JSON cannot hold', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ n: 1n })).toThrow(TypeError);
  });
});

describe('buildArchiveBundle', () => {
  it('is reproducible: the same case and timeline in any order and key order give the same bytes and hash', () => {
    const a = buildArchiveBundle(archivedCase(), TIMELINE);
    const shuffledKeys = JSON.parse(
      JSON.stringify(archivedCase(), (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v)),
    ) as CaseRecord;
    const b = buildArchiveBundle(shuffledKeys, [...TIMELINE].reverse());
    expect(b.json).toBe(a.json);
    expect(b.sha256).toBe(a.sha256);
    expect(a.sha256).toBe(createHash('sha256').update(Buffer.from(a.json, 'utf8')).digest('hex'));
  });

  it('changes when the timeline changes (one word of one summary)', () => {
    const a = buildArchiveBundle(archivedCase(), TIMELINE);
    const changed = TIMELINE.map((e) => (e.seq === 2 ? { ...e, summary: `${e.summary}。` } : e));
    expect(buildArchiveBundle(archivedCase(), changed).sha256).not.toBe(a.sha256);
  });

  it('does not change when only the archive reference, version or update time are recorded afterwards', () => {
    const before = buildArchiveBundle(archivedCase(), TIMELINE);
    const after = archivedCase({ version: 10, updatedAt: '2026-01-01T00:00:00.000Z', archive: { at: '2025-12-31T16:30:00.000Z', ref: 'file:archive/x.json', sha256: before.sha256 } });
    expect(buildArchiveBundle(after, TIMELINE).json).toBe(before.json);
  });

  it('holds the case fields, the documents with their sha256 and the complete timeline; not the query-code hash or a task token', () => {
    const c = archivedCase({ waiting: { step: 'follow_up', taskToken: 'secret-token', allowedActions: [], since: '2025-03-12T10:00:00+08:00' } });
    const doc = JSON.parse(buildArchiveBundle(c, TIMELINE).json) as Record<string, unknown> & {
      case: Record<string, unknown>;
      documents: { sha256: string; origin: string }[];
      timeline: TimelineEvent[];
    };
    expect(doc).toMatchObject({ format: ARCHIVE_FORMAT, caseId: CASE_ID, trackingNo: CASE_ID, jurisdiction: '510903', archivedAt: '2025-12-31T16:30:00.000Z' });
    expect(doc.case).toMatchObject({ phase: 'archived', intake: { matter: c.intake.matter, facts: c.intake.facts, complainant: { name: '王某' } }, outcome: { kind: 'concluded' } });
    expect(doc.documents).toEqual([{ ...EVIDENCE, origin: 'intake' }]);
    expect(doc.timeline.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(doc.timeline[1]).toEqual(TIMELINE[1]);
    expect(doc.case.queryCodeHash).toBeUndefined();
    expect(doc.case.waiting).toBeUndefined();
    expect(doc.case.version).toBeUndefined();
    expect(JSON.stringify(doc)).not.toContain('secret-token');
  });

  it('lists documents that merged cases brought, once each', () => {
    const other = { ...EVIDENCE, filename: '录音.mp3', sha256: 'c'.repeat(64), ref: 'file:evidence/other.mp3' };
    const merges: CaseRecord['merges'] = [
      {
        caseId: '510903-20250310-0002',
        trackingNo: '510903-20250310-0002',
        at: '2025-03-11T10:00:00+08:00',
        by: { role: 'agency', id: 'a' },
        previousPhase: 'dispatch',
        sources: [],
        complainants: [],
        evidence: [other, EVIDENCE],
      },
    ];
    const doc = JSON.parse(buildArchiveBundle(archivedCase({ merges }), TIMELINE).json) as { documents: { ref: string; origin: string }[] };
    expect(doc.documents.map((d) => [d.ref, d.origin])).toEqual([
      [EVIDENCE.ref, 'intake'],
      [other.ref, 'merged:510903-20250310-0002'],
    ]);
  });

  it('orders the audit trail by time, so that its order of reading does not change the hash', () => {
    const audit = [
      { caseId: CASE_ID, at: '2025-03-12T03:00:00.000Z', actor: { role: 'agency' as const, id: 'a' }, what: 'read' },
      { caseId: CASE_ID, at: '2025-03-11T10:00:00+08:00', actor: { role: 'agency' as const, id: 'b' }, what: 'read' },
    ];
    const a = buildArchiveBundle(archivedCase(), TIMELINE, audit);
    expect(buildArchiveBundle(archivedCase(), TIMELINE, [...audit].reverse()).json).toBe(a.json);
    expect((JSON.parse(a.json) as { audit: { actor: { id: string } }[] }).audit.map((x) => x.actor.id)).toEqual(['b', 'a']);
    expect(a.sha256).not.toBe(buildArchiveBundle(archivedCase(), TIMELINE).sha256);
  });

  it('refuses an incomplete timeline and a case that is not archived', () => {
    expect(() => buildArchiveBundle(archivedCase(), TIMELINE.slice(0, 2))).toThrow(ValidationError);
    expect(() => buildArchiveBundle(archivedCase(), [TIMELINE[0]!, TIMELINE[2]!, { ...TIMELINE[2]!, seq: 4 }])).toThrow(ValidationError);
    expect(() =>
      buildArchiveBundle(
        archivedCase(),
        TIMELINE.map((e) => ({ ...e, caseId: 'other' })),
      ),
    ).toThrow(ValidationError);
    expect(() => buildArchiveBundle(archivedCase({ archive: undefined }), TIMELINE)).toThrow(PhaseConflictError);
    expect(() => buildArchiveBundle(archivedCase({ phase: 'follow_up' }), TIMELINE)).toThrow(PhaseConflictError);
  });
});

describe('archiveKey', () => {
  it('files by jurisdiction and the Shanghai year of archiving', () => {
    // 2025-12-31T16:30Z is already 2026-01-01 in Shanghai.
    expect(archiveKey(archivedCase())).toBe(`510903/2026/${CASE_ID}.json`);
  });
});
