/**
 * What the respondent's side (a department) may see of a case: ONE rule for every department-facing view and
 * document (case reads, lists, search results, timelines, the 交办单 page and mail, notices to officials, evidence
 * downloads). The agency keeps the originals; nothing here changes a stored record.
 *
 * - Art. 13 (confidentiality at the complainant's request, privacy): every complainant record of the case (its own
 *   and those merged in, art. 11) that is confidential loses its identity (name, organisation, phone, email,
 *   address); free text (matter, facts, results, notes, timeline) is scrubbed of those literal strings and, by
 *   pattern, of every phone number (mobile and landline, in any common spelling), 18-digit ID number and email.
 * - Art. 21 (no leaking of the complainant's name): evidence files are shown under neutral names (材料1.png):
 *   people name files after themselves and their ID numbers. Source keys (which carry upload file names and
 *   mail ids) are replaced by neutral ones as well.
 */
import type { CaseRecord, SourceRecord, TimelineEvent } from './case';
import type { Complainant, EvidenceRef } from './intake';
import { looksLikeIdNumber18 } from './extraction/idcard';
import { maySeeMarked, withholdMarked, withholdMarkedEvents } from './secrecy';

export const REDACTED_NAME = '（投诉人要求保密，已隐去）';
/** What replaces a hidden string in free text. */
export const REDACTION_MARK = '***';

// ------------------------------------------------------------------------------------------- records

/** Every complainant record the case carries: its own, then those of merged cases (also after an unmerge). */
export function complainantRecords(c: CaseRecord): Complainant[] {
  return [c.intake.complainant, ...(c.merges ?? []).flatMap((m) => m.complainants)];
}

/** A complainant record is confidential when it asked for it, or when the case as a whole is (the stricter wins). */
export function isConfidentialRecord(c: CaseRecord, p: Complainant): boolean {
  return c.flags.confidential || p.confidential;
}

/** True when any complainant record of the case is confidential (art. 13). */
export function isConfidentialCase(c: CaseRecord): boolean {
  return complainantRecords(c).some((p) => isConfidentialRecord(c, p));
}

/** Who sees the respondent's view: departments (the respondent and its handling units). */
export function seesRespondentView(actor: { role: string }): boolean {
  return actor.role === 'department';
}

/** Said instead of the identity signals of a duplicate finding, to a department (art. 13, issue 22). */
export const DUPLICATE_IDENTITY_WITHHELD = '投诉人身份比对结果（电话、邮箱、证件、姓名、单位）仅政务服务管理机构可见';

/** A reason line of the duplicate matcher about the complainants (shared/domain/duplicates/score.ts `explain`). */
const IDENTITY_REASON = /^投诉人(联系电话|电子邮箱|身份证号码|姓名|姓氏|单位名称)/;

/**
 * The reasons of a "可能重复" finding as an actor may see them. A department never sees the identity signals
 * (which contact, name or ID matched, or that the identities contradict): with the other case's complainant in
 * view they would say who a confidential complainant is, and a department cannot tell which pair involves one.
 * The agency sees every reason.
 */
export function duplicateReasonsFor(actor: { role: string }, reasons: readonly string[]): string[] {
  if (!seesRespondentView(actor)) return [...reasons];
  let withheld = false;
  const out: string[] = [];
  for (const r of reasons) {
    if (IDENTITY_REASON.test(r)) {
      withheld = true;
      continue;
    }
    const cleaned = r.replace(/；?投诉人身份信息相互矛盾/g, '').replace(/原因：；/, '原因：');
    if (cleaned !== r) withheld = true;
    if (!/未自动合并的原因：$/.test(cleaned)) out.push(cleaned);
  }
  if (withheld) out.push(DUPLICATE_IDENTITY_WITHHELD);
  return out;
}

/** Timeline event data of a duplicate finding with its explanations as the actor may see them. */
function duplicateEventData(actor: { role: string }, data: TimelineEvent['data']): TimelineEvent['data'] {
  if (!data || !seesRespondentView(actor)) return data;
  const d = data as { candidates?: { explanation?: string[] }[]; explanation?: string[] };
  if (!Array.isArray(d.candidates) && !Array.isArray(d.explanation)) return data;
  return {
    ...data,
    ...(Array.isArray(d.candidates) ? { candidates: d.candidates.map((c) => (Array.isArray(c.explanation) ? { ...c, explanation: duplicateReasonsFor(actor, c.explanation) } : c)) } : {}),
    ...(Array.isArray(d.explanation) ? { explanation: duplicateReasonsFor(actor, d.explanation) } : {}),
  };
}

/** True when what the actor sees of this case must hide a complainant's identity (art. 13). */
export function mustRedactFor(actor: { role: string }, c: CaseRecord): boolean {
  return seesRespondentView(actor) && isConfidentialCase(c);
}

// ------------------------------------------------------------------------------------------- free text

/**
 * The street part of an address (what follows the last 省/市/区/县/镇/乡/街道), which people write without the
 * divisions before it: 四川省遂宁市船山区明月路7号 → 明月路7号.
 */
function streetOf(address: string): string | undefined {
  const tail = address
    .split(/省|自治区|市|区|县|镇|乡|街道/)
    .at(-1)
    ?.trim();
  return tail && tail.length >= 4 && tail !== address.trim() ? tail : undefined;
}

/** Literal identity strings of one complainant record (at least 2 characters). */
function identityOf(p: Complainant): string[] {
  return [p.name, p.organization, p.phone, p.email, p.address, p.address ? streetOf(p.address) : undefined]
    .filter((s): s is string => typeof s === 'string' && s.trim().length >= 2 && s.trim() !== REDACTED_NAME)
    .map((s) => s.trim());
}

/**
 * The identity strings to blank out of the case's free text: those of every confidential record, longest first.
 * Non-confidential records of the own complainant are included too (officials' notices have always left the
 * name out of quoted text; the structured fields still show it where allowed).
 */
export function identityStrings(c: CaseRecord): string[] {
  const records = complainantRecords(c).filter((p, i) => i === 0 || isConfidentialRecord(c, p));
  return [...new Set(records.flatMap(identityOf))].sort((a, b) => b.length - a.length);
}

/**
 * Full-width digits, letters, plus, minus, dot, at sign and brackets → ASCII, one UTF-16 unit for one, so that positions in the
 * mapped text are positions in the original (the original's wording is kept outside the redacted spans).
 */
function asciiDigitsAndMarks(text: string): string {
  return text.replace(/[\uFF08\uFF09\uFF0B\uFF0D\uFF0E\uFF10-\uFF19\uFF20-\uFF3A\uFF41-\uFF5A]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).replace(/[\u2010-\u2015\u2212]/g, '-');
}

const SEP = '[\\s.\\-·]?';
/** Mainland mobiles: 11 digits 1[3-9]…, optionally +86 / 0086 / 86, grouped 3-4-4 with spaces, hyphens or dots, or not at all. */
const MOBILE = new RegExp(`(?<![0-9])(?:(?:\\+|00)?86${SEP})?1${SEP}[3-9](?:${SEP}[0-9]){9}(?![0-9])`, 'g');
/** Landlines with an area code: 0825-2345678, (0825)2345678, 0825 234 5678, 028-12345678, with an optional extension. */
const LANDLINE = /(?<![0-9])(?:\(0[0-9]{2,3}\)|0[0-9]{2,3})[\s.-]?[1-9](?:[\s.-]?[0-9]){6,7}(?:\s*(?:转|ext\.?|-)\s*[0-9]{1,5})?(?![0-9])/g;
/** 18-character ID numbers (GB 11643), optionally grouped 6-8-4 with spaces; checked below (check digit or birth date). */
const ID18 = /(?<![0-9A-Za-z])[0-9]{6}\s?[0-9]{8}\s?[0-9]{3}[0-9Xx](?![0-9A-Za-z])/g;
/** Email addresses (RFC 5322 local part characters, dotted domain; RFC 5321 lengths bound the work on hostile text). */
const EMAIL = /[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+/g;

type Span = [start: number, end: number];

/**
 * Collects the matches of one pattern and blanks them in `work` (same length, no digit or letter), so that a later,
 * looser pattern cannot start inside a number already found and swallow part of its neighbour.
 */
function takeSpans(work: { text: string }, re: RegExp, spans: Span[], keep: (m: string) => boolean = () => true): void {
  const found: Span[] = [];
  for (const m of work.text.matchAll(re)) if (keep(m[0])) found.push([m.index, m.index + m[0].length]);
  for (const [a, b] of found) work.text = work.text.slice(0, a) + '\u0000'.repeat(b - a) + work.text.slice(b);
  spans.push(...found);
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A literal identity string, matched across white space (and, for phone numbers, across separators). */
function literalPattern(s: string): RegExp {
  const compact = asciiDigitsAndMarks(s).replace(/\s+/g, '');
  const isNumber = /^[+0-9()\s.-]+$/.test(compact);
  const chars = [...(isNumber ? compact.replace(/[^0-9]/g, '') : compact)];
  const gap = isNumber ? '[\\s.\\-()]*' : '\\s*';
  return new RegExp(chars.map(escapeRe).join(gap), 'giu');
}

/** Replaces the given spans (merged where they overlap) in the original text. */
function replaceSpans(text: string, spans: Span[]): string {
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: Span[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([s[0], s[1]]);
  }
  let out = '';
  let at = 0;
  for (const [a, b] of merged) {
    out += text.slice(at, a) + REDACTION_MARK;
    at = b;
  }
  return out + text.slice(at);
}

/**
 * Hides personal data in free text: the literal `secrets` (a complainant's name, address, …) and, by pattern,
 * every phone number, 18-digit ID number and email address. Pure; the rest of the text is kept as written.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  const work = { text: asciiDigitsAndMarks(text) };
  const spans: Span[] = [];
  for (const s of secrets) if (s.trim().length >= 2) takeSpans(work, literalPattern(s), spans);
  // Most specific first: an ID number holds digit runs that look like phone numbers, and a mobile like a landline.
  takeSpans(work, EMAIL, spans);
  takeSpans(work, ID18, spans, (m) => looksLikeIdNumber18(m.replace(/\s/g, '')));
  takeSpans(work, MOBILE, spans);
  takeSpans(work, LANDLINE, spans);
  return replaceSpans(text, spans);
}

/**
 * Free text of the case as officials see it: the complainants' identity strings are always blanked; when the case
 * carries a confidential record, every phone, ID number and email is hidden by pattern as well (art. 13).
 */
export function scrubIdentity(text: string, c: CaseRecord): string {
  if (isConfidentialCase(c)) return redactText(text, identityStrings(c));
  let out = text;
  for (const s of identityStrings(c)) out = out.split(s).join(REDACTION_MARK);
  return out;
}

// ------------------------------------------------------------------------------------------- evidence

/** File name extensions by content type, for the neutral names; an unknown type keeps a known extension only. */
const EXT_BY_TYPE: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/bmp': 'bmp',
  'image/tiff': 'tif',
  'image/heic': 'heic',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'text/html': 'html',
  'text/csv': 'csv',
  'message/rfc822': 'eml',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/zip': 'zip',
  'audio/mpeg': 'mp3',
  'audio/amr': 'amr',
  'audio/wav': 'wav',
  'video/mp4': 'mp4',
};
const KNOWN_EXTS = new Set([...Object.values(EXT_BY_TYPE), 'jpeg', 'tiff', 'ppt', 'pptx', 'rar', '7z', 'm4a', 'mov', 'avi', 'ofd', 'wps']);

function neutralExt(e: EvidenceRef): string {
  const byType = EXT_BY_TYPE[e.contentType.split(';')[0]!.trim().toLowerCase()];
  if (byType) return `.${byType}`;
  const ext = /\.([A-Za-z0-9]{1,5})$/.exec(e.filename)?.[1]?.toLowerCase();
  return ext && KNOWN_EXTS.has(ext) ? `.${ext}` : '';
}

/** Every evidence list of the case in a fixed order: its own, then each merge entry's (kept after an unmerge). */
function evidenceLists(c: CaseRecord): EvidenceRef[][] {
  return [c.intake.evidence, ...(c.merges ?? []).map((m) => m.evidence)];
}

/**
 * Neutral file names per file content (sha256): 材料1.png, 材料2.pdf, … numbered in the order the case lists its
 * evidence, so the case view, the slip, the mail and the download agree, and numbers stay put after an unmerge.
 */
export function neutralEvidenceNames(c: CaseRecord): Map<string, string> {
  const names = new Map<string, string>();
  for (const list of evidenceLists(c)) {
    for (const e of list) if (!names.has(e.sha256)) names.set(e.sha256, `材料${names.size + 1}${neutralExt(e)}`);
  }
  return names;
}

/** The name a file is shown (and downloaded) under for this actor: the original for the agency, neutral for departments. */
export function evidenceFilenameFor(actor: { role: string }, c: CaseRecord, e: EvidenceRef): string {
  if (!seesRespondentView(actor)) return e.filename;
  return neutralEvidenceNames(c).get(e.sha256) ?? `材料${neutralExt(e)}`;
}

function neutralEvidence(list: EvidenceRef[], names: Map<string, string>): EvidenceRef[] {
  // The storage reference can carry an upload's file name (scanned letters): the respondent's view has the hash only.
  return list.map((e) => ({ ...e, filename: names.get(e.sha256) ?? `材料${neutralExt(e)}`, ref: `sha256:${e.sha256}` }));
}

// ------------------------------------------------------------------------------------------- the view

function redactedComplainant(p: Complainant): Complainant {
  return { anonymous: p.anonymous, wantsReply: p.wantsReply, confidential: true, name: REDACTED_NAME };
}

function neutralSources(sources: SourceRecord[]): SourceRecord[] {
  return sources.map((s, i) => ({ ...s, sourceKey: `${s.channel}:${i + 1}` }));
}

/** Refused mail attachments are listed with their file names: neutral ones in the respondent's view. */
function neutralChannelDetails(details: Record<string, unknown>): Record<string, unknown> {
  const refused = details.refusedAttachments;
  if (!Array.isArray(refused)) return details;
  return { ...details, refusedAttachments: refused.map((r, i) => (r && typeof r === 'object' ? { ...(r as Record<string, unknown>), filename: `附件${i + 1}` } : r)) };
}

/**
 * The case as the respondent's side may see it (arts. 13, 21). Every complainant record that is confidential is
 * replaced by a placeholder; when any is, the free text is scrubbed (literal identity strings and patterns), the
 * forwarder and channel details of a confidential own record are dropped. Evidence and sources always get neutral
 * names. Content marked as secret or private (art. 13, secrecy.ts) is withheld first, so that no later scrub can
 * break a marked passage apart. The stored record is not changed.
 */
export function redactForRespondent(original: CaseRecord): CaseRecord {
  const c = withholdMarked(original);
  const copy = structuredClone(c);
  const names = neutralEvidenceNames(c);
  copy.intake.evidence = neutralEvidence(c.intake.evidence, names);
  copy.sources = neutralSources(c.sources);
  const ownSource = c.sources.findIndex((s) => s.sourceKey === c.intake.sourceKey);
  copy.intake.sourceKey = `${c.intake.channel}:${ownSource + 1}`;
  copy.merges = (c.merges ?? []).map((m) => ({
    ...structuredClone(m),
    sources: neutralSources(m.sources),
    evidence: neutralEvidence(m.evidence, names),
    complainants: m.complainants.map((p) => (isConfidentialRecord(c, p) ? redactedComplainant(p) : structuredClone(p))),
  }));
  if (!c.merges) delete copy.merges;
  if (c.intake.channelDetails) copy.intake.channelDetails = neutralChannelDetails(copy.intake.channelDetails!);
  const respondent = { role: 'department' };
  for (const x of copy.duplicateSuspects ?? []) x.reasons = duplicateReasonsFor(respondent, x.reasons);
  for (const x of copy.dismissedDuplicates ?? []) x.reasons = duplicateReasonsFor(respondent, x.reasons);
  if (!isConfidentialCase(c)) return copy;

  const scrub = (s: string): string => redactText(s, identityStrings(c));
  if (isConfidentialRecord(c, c.intake.complainant)) {
    copy.intake.complainant = redactedComplainant(c.intake.complainant);
    delete copy.intake.forwardedBy;
    delete copy.intake.channelDetails;
  }
  // People a mail names but who are not verified as complainants (mail from an untrusted forwarder).
  delete copy.intake.unverifiedMentions;
  copy.intake.matter = scrub(c.intake.matter);
  if (c.intake.facts !== undefined) copy.intake.facts = scrub(c.intake.facts);
  if (copy.conclusion) copy.conclusion.summary = scrub(copy.conclusion.summary);
  if (copy.rectification) copy.rectification.summary = scrub(copy.rectification.summary);
  if (copy.reply?.summary !== undefined) copy.reply.summary = scrub(copy.reply.summary);
  if (copy.followUp?.note !== undefined) copy.followUp.note = scrub(copy.followUp.note);
  if (copy.outcome?.kind === 'not_accepted' && copy.outcome.referral !== undefined) copy.outcome.referral = scrub(copy.outcome.referral);
  if (copy.outcome?.kind === 'terminated' && copy.outcome.note !== undefined) copy.outcome.note = scrub(copy.outcome.note);
  for (const e of copy.escalations ?? []) e.reason = scrub(e.reason);
  // Notices to the complainant (mails, call scripts, letters for post) quote the name and carry the address.
  for (const t of copy.contacts ?? []) {
    t.subject = scrub(t.subject);
    t.text = scrub(t.text);
    if (t.error !== undefined) t.error = scrub(t.error);
    for (const a of t.attempts) if (a.note !== undefined) a.note = scrub(a.note);
  }
  for (const r of copy.screening?.proposedReasons ?? []) r.explanation = scrub(r.explanation);
  if (copy.routing) {
    copy.routing.reason = scrub(copy.routing.reason);
    for (const e of copy.routing.evidence) e.text = scrub(e.text);
    if (copy.routing.unitAsWritten !== undefined) copy.routing.unitAsWritten = scrub(copy.routing.unitAsWritten);
  }
  return copy;
}

/**
 * The timeline as the actor may see it: for the respondent's side of a case with a confidential complainant, the
 * summaries scrubbed and the raw event data (staff notes, parsed bodies) dropped.
 */
export function timelineFor(actor: { role: string }, c: CaseRecord, all: TimelineEvent[]): TimelineEvent[] {
  const marked = maySeeMarked(actor) ? all : withholdMarkedEvents(c, all);
  const events = seesRespondentView(actor) ? marked.map((e) => (e.data ? { ...e, data: duplicateEventData(actor, e.data) } : e)) : marked;
  if (!mustRedactFor(actor, c)) return events;
  const secrets = identityStrings(c);
  return events.map(({ data: _data, ...e }) => ({ ...e, summary: redactText(e.summary, secrets) }));
}

/** The complainant phones (digits only) a search by phone may match for this actor: none of a confidential record for a department. */
export function searchablePhones(actor: { role: string }, c: CaseRecord): string[] {
  const records = [c.intake.complainant, ...(c.merges ?? []).filter((m) => !m.unmergedAt).flatMap((m) => m.complainants)];
  return records
    .filter((p) => !(seesRespondentView(actor) && isConfidentialRecord(c, p)))
    .map((p) => (p.phone ?? '').replace(/\D/g, ''))
    .filter((d) => d.length > 0);
}
