/**
 * Staff search over the cases a staff member may read (the console's search box): by tracking number (exact) or
 * by the complainant's phone, every hit audited (art. 21). A department never finds a confidential complainant
 * by phone (art. 13: the respondent must not learn who complained): the domain says which phones a search may
 * match for whom (searchablePhones, shared/domain/redaction.ts).
 *
 * A word or phrase (2–64 characters with at least one letter or Chinese character) is looked for in the complaint
 * text as the caller may see it: the matter, the facts and a letter's OCR transcript (a department searches its
 * redacted view, so withheld or scrubbed text never matches).
 *
 * The store has no phone or text index: such a search reads the caller's visible cases page by page, up to a limit.
 */
import type { Actor, CaseRecord } from '../domain/case';
import { ValidationError } from '../domain/errors';
import { canRead, viewFor } from '../domain/access';
import { searchablePhones } from '../domain/redaction';
import type { CaseStore, Clock } from '../ports';

export interface CaseSearchDeps {
  store: CaseStore;
  jurisdiction: string;
  clock: Clock;
  /** Most cases read by one phone search or scan (default 2000). */
  scanLimit?: number;
}

export const DEFAULT_SCAN_LIMIT = 2000;

/** The cases the actor may read that `keep` accepts, read page by page up to the scan limit (a department: its own). */
export async function visibleCases(deps: CaseSearchDeps, actor: Actor, keep: (c: CaseRecord) => boolean): Promise<{ items: CaseRecord[]; truncated: boolean }> {
  const max = deps.scanLimit ?? DEFAULT_SCAN_LIMIT;
  const items: CaseRecord[] = [];
  let cursor: string | undefined;
  let read = 0;
  do {
    const page = await deps.store.query({
      jurisdiction: deps.jurisdiction,
      ...(actor.role === 'department' && actor.department ? { department: actor.department } : {}),
      limit: Math.min(200, max - read),
      ...(cursor ? { cursor } : {}),
    });
    read += page.items.length;
    for (const c of page.items) if (canRead(actor, c) && keep(c)) items.push(c);
    cursor = page.cursor;
  } while (cursor && read < max);
  return { items, truncated: cursor !== undefined };
}

const digits = (s: string): string => s.replace(/\D/g, '');
const TRACKING_NO = /^[A-Za-z0-9-]{6,64}$/;

/** Does a case match a phone search (at least 5 digits, matching the end of a number) for this actor? */
export function matchesPhone(actor: { role: string }, c: CaseRecord, query: string): boolean {
  const phone = digits(query);
  return searchablePhones(actor, c).some((x) => x.endsWith(phone) || phone.endsWith(x));
}

/** Does the complaint text the actor may see (matter, facts, a letter's transcript) contain the phrase? */
export function matchesText(actor: Actor, c: CaseRecord, phrase: string): boolean {
  const v = viewFor(actor, c);
  const ocr = v.intake.channelDetails?.ocrText;
  return [v.intake.matter, v.intake.facts ?? '', typeof ocr === 'string' ? ocr : ''].some((t) => t.includes(phrase));
}

const TEXT_QUERY = /[\p{L}\u4e00-\u9fff]/u;

export interface CaseSearchResult {
  by: 'trackingNo' | 'phone' | 'text';
  items: CaseRecord[];
  truncated: boolean;
}

export async function searchCases(deps: CaseSearchDeps, actor: Actor, query: string): Promise<CaseSearchResult> {
  const q = query.trim();
  if (q.length === 0 || q.length > 64) throw new ValidationError([{ field: 'q', message: '请输入受理编号、联系电话或投诉内容中的词语（不超过 64 个字）。' }]);
  const byTrackingNo = TRACKING_NO.test(q) && q.includes('-') && /\d/.test(q);
  let by: CaseSearchResult['by'] = byTrackingNo ? 'trackingNo' : 'phone';
  let found: CaseRecord[];
  let truncated = false;
  if (byTrackingNo) {
    const record = await deps.store.get(q);
    found = record && canRead(actor, record) ? [record] : [];
  } else if (digits(q).length >= 5 && /^[\d\s+()-]+$/.test(q)) {
    const r = await visibleCases(deps, actor, (rec) => matchesPhone(actor, rec, q));
    found = r.items;
    truncated = r.truncated;
  } else if (q.length >= 2 && TEXT_QUERY.test(q)) {
    by = 'text';
    const r = await visibleCases(deps, actor, (rec) => matchesText(actor, rec, q));
    found = r.items;
    truncated = r.truncated;
  } else {
    throw new ValidationError([{ field: 'q', message: '请输入完整的受理编号（如 510903-20261127-0001）、至少 5 位联系电话，或投诉内容（含来信识别文本）中至少 2 个字的词语。' }]);
  }
  // The audit names how the case was found, never what was searched for (a phone or a phrase can name a person).
  const how = { trackingNo: 'tracking_no', phone: 'phone', text: 'text' }[by];
  for (const record of found) await deps.store.audit({ caseId: record.caseId, at: deps.clock.now().toISOString(), actor, what: 'search', detail: { by: how } });
  return { by, items: found, truncated };
}
