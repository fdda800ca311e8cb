/**
 * Art. 13: content that staff mark, after intake, as a state secret (国家秘密), a trade secret (商业秘密) or private
 * (个人隐私). A mark covers either the whole complaint content (the matter, the facts and reasons, the evidence files)
 * or the passages staff name (literal excerpts, wherever they occur in the case's free text).
 *
 * Who may see marked content: the management agency's staff (who mark it and keep the originals) and the pipeline
 * itself. Everyone and everything else gets the case with the marked content withheld: department views (the
 * respondent's side, and the handlers, who ask the agency for what they need under the secrecy rules), the leader's
 * read-only view, every notice and mail (mail is not a channel for secrets, whoever it is addressed to), printed
 * slips and letters, exports and the analysis built from the content. The stored record keeps the original.
 */
import * as z from 'zod';
import type { CaseRecord, TimelineEvent } from './case';

export const SecrecyCategory = z.enum(['state_secret', 'trade_secret', 'privacy']);
export type SecrecyCategory = z.infer<typeof SecrecyCategory>;

export const SECRECY_LABELS: Record<SecrecyCategory, string> = {
  state_secret: '国家秘密',
  trade_secret: '商业秘密',
  privacy: '个人隐私',
};

export const SecrecyScope = z.enum(['content', 'passages']);
export type SecrecyScope = z.infer<typeof SecrecyScope>;

export const SECRECY_SCOPE_LABELS: Record<SecrecyScope, string> = {
  content: '全部投诉内容（投诉事项、事实和理由、证据材料）',
  passages: '指定的文字内容',
};

const isoInstant = z.iso.datetime({ offset: true });
const MarkActor = z.object({ role: z.string(), id: z.string(), department: z.string().optional() });

export const SecrecyMark = z.object({
  /** `M1`, `M2`, … in the order of marking. */
  id: z.string(),
  category: SecrecyCategory,
  scope: SecrecyScope,
  /** For scope `passages`: the literal excerpts withheld (the secret itself: never in a timeline, log or mail). */
  passages: z.array(z.string()).optional(),
  /** Why staff marked it (audited; shown to the agency only). */
  reason: z.string(),
  at: isoInstant,
  by: MarkActor,
  /** A mark lifted by the agency (with its reason) withholds nothing any more; it stays on the record. */
  lifted: z.object({ at: isoInstant, by: MarkActor, reason: z.string() }).optional(),
});
export type SecrecyMark = z.infer<typeof SecrecyMark>;

/** The marks in force (not lifted). */
export function activeMarks(c: Pick<CaseRecord, 'secrecyMarks'>): SecrecyMark[] {
  return (c.secrecyMarks ?? []).filter((m) => !m.lifted);
}

export function hasActiveMarks(c: Pick<CaseRecord, 'secrecyMarks'>): boolean {
  return activeMarks(c).length > 0;
}

/** Who may see marked content: the agency and the pipeline (see the file comment). */
export function maySeeMarked(actor: { role: string }): boolean {
  return actor.role === 'agency' || actor.role === 'system';
}

/** What stands in the place of withheld content. */
export function withheldText(category: SecrecyCategory): string {
  return `［涉及${SECRECY_LABELS[category]}，已隐去（第十三条）］`;
}

/** The sentence shown where content is withheld: what it is and where to ask. */
export function withheldNotice(c: Pick<CaseRecord, 'secrecyMarks'>): string | undefined {
  const marks = activeMarks(c);
  if (marks.length === 0) return undefined;
  const labels = [...new Set(marks.map((m) => SECRECY_LABELS[m.category]))].join('、');
  return `本件部分内容经政务服务管理机构标注为${labels}（第十三条），已隐去；办理需要查阅的，请按保密规定向政务服务管理机构申请。`;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The marked passages, longest first (a shorter one inside a longer one must not split it). */
function passageReplacements(c: Pick<CaseRecord, 'secrecyMarks'>): { re: RegExp; by: string }[] {
  const out: { text: string; by: string }[] = [];
  for (const m of activeMarks(c)) for (const p of m.passages ?? []) if (p.trim().length > 0) out.push({ text: p.trim(), by: withheldText(m.category) });
  out.sort((a, b) => b.text.length - a.text.length);
  // Matched across white space: people and mail clients wrap lines.
  return out.map(({ text, by }) => ({ re: new RegExp([...text.replace(/\s+/g, '')].map(escapeRe).join('\\s*'), 'gu'), by }));
}

/** Free text with every marked passage replaced by its placeholder. Pure. */
export function withholdPassages(text: string, c: Pick<CaseRecord, 'secrecyMarks'>): string {
  let out = text;
  for (const { re, by } of passageReplacements(c)) out = out.replace(re, by);
  return out;
}

/** Strings in a nested value (event data, channel details) with the marked passages withheld. */
function withholdDeep<T>(v: T, c: Pick<CaseRecord, 'secrecyMarks'>): T {
  if (typeof v === 'string') return withholdPassages(v, c) as T;
  if (Array.isArray(v)) return v.map((x) => withholdDeep(x, c)) as T;
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = withholdDeep(x, c);
    return out as T;
  }
  return v;
}

/** The marks as others may see them: that there is one, its kind and date; never the passages or the reason. */
function markShells(c: CaseRecord): SecrecyMark[] {
  return (c.secrecyMarks ?? []).map((m) => ({
    id: m.id,
    category: m.category,
    scope: m.scope,
    reason: '',
    at: m.at,
    by: { role: m.by.role, id: '' },
    ...(m.lifted ? { lifted: { at: m.lifted.at, by: { role: m.lifted.by.role, id: '' }, reason: '' } } : {}),
  }));
}

/**
 * The case with its marked content withheld, for everyone who may not see it (maySeeMarked) and for every output.
 * Scope `content`: the matter and the facts are replaced, the evidence files are not listed (nor downloadable, as
 * downloads go by the listed files). Scope `passages`: each passage is replaced wherever it occurs in free text.
 * The stored record is not changed. A case without marks in force comes back as it is (same object).
 */
export function withholdMarked(c: CaseRecord): CaseRecord {
  const marks = activeMarks(c);
  if (marks.length === 0) return c;
  const copy = structuredClone(c);
  const whole = marks.find((m) => m.scope === 'content');
  const w = (s: string): string => withholdPassages(s, c);
  if (whole) {
    copy.intake.matter = withheldText(whole.category);
    if (copy.intake.facts !== undefined) copy.intake.facts = withheldText(whole.category);
    copy.intake.evidence = [];
    for (const m of copy.merges ?? []) m.evidence = [];
    delete copy.intake.channelDetails;
  } else {
    copy.intake.matter = w(copy.intake.matter);
    if (copy.intake.facts !== undefined) copy.intake.facts = w(copy.intake.facts);
    if (copy.intake.channelDetails) copy.intake.channelDetails = withholdDeep(copy.intake.channelDetails, c);
  }
  if (copy.conclusion) copy.conclusion.summary = w(copy.conclusion.summary);
  if (copy.rectification) copy.rectification.summary = w(copy.rectification.summary);
  if (copy.reply?.summary !== undefined) copy.reply.summary = w(copy.reply.summary);
  if (copy.followUp?.note !== undefined) copy.followUp.note = w(copy.followUp.note);
  if (copy.outcome?.kind === 'not_accepted') {
    if (copy.outcome.referral !== undefined) copy.outcome.referral = w(copy.outcome.referral);
    if (copy.outcome.explanation !== undefined) copy.outcome.explanation = w(copy.outcome.explanation);
  }
  if (copy.outcome?.kind === 'concluded') copy.outcome.summary = w(copy.outcome.summary);
  if (copy.outcome?.kind === 'terminated' && copy.outcome.note !== undefined) copy.outcome.note = w(copy.outcome.note);
  for (const e of copy.escalations ?? []) e.reason = w(e.reason);
  for (const a of copy.assignments) if (a.note !== undefined) a.note = w(a.note);
  for (const r of copy.screening?.proposedReasons ?? []) r.explanation = w(r.explanation);
  for (const t of copy.contacts ?? []) {
    t.text = w(t.text);
    for (const a of t.attempts) if (a.note !== undefined) a.note = w(a.note);
  }
  delete copy.intake.unverifiedMentions;
  copy.secrecyMarks = markShells(c);
  return copy;
}

/** Timeline events with the marked passages withheld from their summaries and data. */
export function withholdMarkedEvents(c: CaseRecord, events: TimelineEvent[]): TimelineEvent[] {
  if (!hasActiveMarks(c)) return events;
  // Event data can carry parsed bodies and staff notes: with the whole content marked, none of it is shown.
  const whole = activeMarks(c).some((m) => m.scope === 'content');
  return events.map(({ data, ...e }) => ({ ...e, summary: withholdPassages(e.summary, c), ...(data && !whole ? { data: withholdDeep(data, c) } : {}) }));
}

/** A passage must occur in the complaint's text or a staff text of the case, so that a typo does not pass unnoticed. */
export function caseTexts(c: CaseRecord): string[] {
  return [
    c.intake.matter,
    c.intake.facts ?? '',
    c.conclusion?.summary ?? '',
    c.rectification?.summary ?? '',
    c.reply?.summary ?? '',
    c.followUp?.note ?? '',
    ...c.assignments.map((a) => a.note ?? ''),
    ...(c.escalations ?? []).map((e) => e.reason),
    ...(c.contacts ?? []).map((t) => t.text),
  ];
}

export function passageOccurs(c: CaseRecord, passage: string): boolean {
  const re = new RegExp([...passage.replace(/\s+/g, '')].map(escapeRe).join('\\s*'), 'u');
  return caseTexts(c).some((t) => re.test(t));
}
