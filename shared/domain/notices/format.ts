/**
 * Building blocks of notices: recipients from the jurisdiction configuration, Chinese dates, and a
 * small composer that renders the same content as plain text and simple HTML.
 */
import type { CaseRecord, Deadline } from '../case';
import { FINDING_LABELS_INTERNAL } from './labels';
import { CHANNEL_LABELS } from '../intake';
import type { JurisdictionConfig } from '../jurisdiction';
import { isConfidentialRecord, redactForRespondent } from '../redaction';
import { withholdPassages, withheldNotice } from '../secrecy';
import type { LifecycleContext, Notice, NoticeAudience, NoticeKind } from '../lifecycle/context';

export { FINDING_LABELS_INTERNAL as FINDING_LABELS };

const SHANGHAI_MS = 8 * 3600 * 1000;
const pad = (n: number): string => String(n).padStart(2, '0');

/** `2025年3月5日` of an instant (Asia/Shanghai). */
export function cnDate(iso: string): string {
  const t = new Date(Date.parse(iso) + SHANGHAI_MS);
  return `${t.getUTCFullYear()}年${t.getUTCMonth() + 1}月${t.getUTCDate()}日`;
}

/** `2025年3月5日 14:03` of an instant (Asia/Shanghai). */
export function cnDateTime(iso: string): string {
  const t = new Date(Date.parse(iso) + SHANGHAI_MS);
  return `${cnDate(iso)} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}`;
}

/**
 * The due day of a deadline, `2025年3月5日（当日24时前）`; a provisional one (its year's holiday notice not loaded
 * yet) says so: `2027年1月8日（当日24时前，暂定）`.
 */
export function cnDue(d: Pick<Deadline, 'dueAt' | 'provisional'>): string {
  return `${cnDate(d.dueAt)}（当日24时前${d.provisional ? '，暂定' : ''}）`;
}

/** The note that explains provisional dates, for the fields of a notice or slip that shows one; undefined otherwise. */
export function provisionalField(deadlines: readonly Pick<Deadline, 'provisional'>[]): Field | undefined {
  const note = deadlines.find((d) => d.provisional)?.provisional;
  return note ? ['暂定期限说明', note.reason] : undefined;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

// ------------------------------------------------------------------------------------------- recipients

const EMAIL_RE = /^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+$/;

/** The complainant's mail address when the complainant can be written to: named, with a valid mail address. */
export function complainantAddress(c: CaseRecord): string | undefined {
  const p = c.intake.complainant;
  if (p.anonymous || c.flags.anonymous) return undefined;
  const e = p.email?.trim();
  return e && EMAIL_RE.test(e) ? e : undefined;
}

export function agencyAddresses(j: JurisdictionConfig): string[] {
  return [...new Set(j.agency.contacts.map((x) => x.email))];
}

export function leaderAddress(j: JurisdictionConfig): string[] {
  return [j.agency.leader.email];
}

export function departmentOf(j: JurisdictionConfig, code: string | undefined) {
  return code === undefined ? undefined : j.departments.find((d) => d.code === code);
}

export function departmentName(j: JurisdictionConfig, code: string | undefined): string {
  return departmentOf(j, code)?.name ?? code ?? '（未确定）';
}

/** The chief affairs representative (首席事务代表, art. 3) of a department. */
export function departmentAddress(j: JurisdictionConfig, code: string | undefined): string[] {
  const d = departmentOf(j, code);
  return d ? [d.chiefRepresentative.email] : [];
}

/** Departments that handle the case now: the lead unit of an intervention, else the owner. */
export function handlingDepartments(c: CaseRecord): string[] {
  const lead = c.assignments.filter((a) => a.role === 'lead').map((a) => a.department);
  if (lead.length > 0) return lead;
  const owner = c.assignments.filter((a) => a.role === 'owner').map((a) => a.department);
  if (owner.length > 0) return owner;
  return c.department ? [c.department] : [];
}

// ------------------------------------------------------------------------------------------- composer

export type Field = readonly [label: string, value: string];

export interface NoticeContent {
  kind: NoticeKind;
  audience: NoticeAudience;
  to: string[];
  subject: string;
  /** Greeting line, e.g. `投诉人：` or `市场监管局首席事务代表：`. */
  greeting: string;
  paragraphs: string[];
  fields?: Field[];
  /** Closing notes in small print. */
  notes?: string[];
}

/** Two ideographic spaces: the customary paragraph indent of Chinese official text. */
const INDENT = '\u3000\u3000';

export function signature(ctx: LifecycleContext): string {
  return `${ctx.jurisdiction.agency.name}\n${cnDate(ctx.now.toISOString())}`;
}

/** The footnote of every mail (left out of a printed letter). */
export const EMAIL_FOOTNOTE = '本邮件由政务服务投诉处理系统发送，请勿直接回复。';

/** Renders a notice in text and simple HTML. Nothing here reads the complainant's identity. */
export function compose(c: CaseRecord, ctx: LifecycleContext, raw: NoticeContent): Notice {
  // Art. 13: no notice, mail, call script or letter carries content marked as secret or private, whoever it is for.
  const n = withholdFromNotice(c, raw);
  const fields = n.fields ?? [];
  const notes = [...(n.notes ?? []), EMAIL_FOOTNOTE];
  const text = [
    n.greeting,
    '',
    ...n.paragraphs.map((p) => `${INDENT}${p}`),
    ...(fields.length ? ['', ...fields.map(([k, v]) => `${k}：${v}`)] : []),
    '',
    signature(ctx),
    '',
    ...notes.map((x) => `注：${x}`),
  ].join('\n');
  const html = [
    '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>',
    escapeHtml(n.subject),
    "</title></head><body style=\"font-family:'PingFang SC','Microsoft YaHei',sans-serif;line-height:1.7;max-width:720px;margin:auto\">",
    `<p>${escapeHtml(n.greeting)}</p>`,
    ...n.paragraphs.map((p) => `<p style="text-indent:2em">${escapeHtml(p)}</p>`),
    fields.length
      ? `<table style="border-collapse:collapse">${fields.map(([k, v]) => `<tr><th style="text-align:left;padding:2px 12px 2px 0;vertical-align:top;white-space:nowrap">${escapeHtml(k)}</th><td style="white-space:pre-wrap">${escapeHtml(v)}</td></tr>`).join('')}</table>`
      : '',
    `<p style="text-align:right;white-space:pre-line">${escapeHtml(signature(ctx))}</p>`,
    `<p style="font-size:small;color:#666">${notes.map((x) => `注：${escapeHtml(x)}`).join('<br>')}</p>`,
    '</body></html>',
  ].join('');
  return {
    kind: n.kind,
    audience: n.audience,
    caseId: c.caseId,
    to: [...new Set(n.to)],
    subject: n.subject,
    text,
    html,
    content: { greeting: n.greeting, paragraphs: n.paragraphs, fields: fields.map(([k, v]) => [k, v] as [string, string]) },
  };
}

function withholdFromNotice(c: CaseRecord, n: NoticeContent): NoticeContent {
  const withheld = withheldNotice(c);
  if (!withheld) return n;
  const w = (s: string): string => withholdPassages(s, c);
  return {
    ...n,
    subject: w(n.subject),
    paragraphs: n.paragraphs.map(w),
    fields: (n.fields ?? []).map(([k, v]) => [k, w(v)] as Field),
    // Officials learn where to ask; the complainant is not told what staff marked.
    notes: [...(n.notes ?? []).map(w), ...(n.audience === 'complainant' ? [] : [withheld])],
  };
}

/** The case fields an official needs, from the redacted view (art. 13): never the complainant's identity when confidential. */
export function caseFields(c: CaseRecord, ctx: LifecycleContext, opts: { matter?: boolean } = {}): Field[] {
  const v = redactForRespondent(c);
  const r = v.intake.respondent;
  const fields: Field[] = [
    ['受理编号', v.trackingNo],
    ['投诉渠道', CHANNEL_LABELS[v.intake.channel]],
    ['接收时间', cnDateTime(v.receivedAt)],
    ['被投诉单位', r.unit ?? departmentName(ctx.jurisdiction, r.unitCode) ?? '（未写明）'],
  ];
  if (r.person) fields.push(['被投诉人', r.person]);
  if (opts.matter !== false) fields.push(['投诉事项', v.intake.matter]);
  return fields;
}

/** The complainant line on official documents: identity only when not confidential (art. 13). */
export function complainantLine(c: CaseRecord): string {
  const p = c.intake.complainant;
  if (isConfidentialRecord(c, p)) return '投诉人要求保密（第十三条），身份信息不予显示；如需联系投诉人，请经政务服务管理机构。';
  if (p.anonymous || c.flags.anonymous) return '匿名投诉';
  const who = [p.name, p.organization].filter(Boolean).join('，') || '（未留姓名）';
  return p.phone ? `${who}，联系电话 ${p.phone}` : who;
}

export function complainantGreeting(c: CaseRecord): string {
  const name = c.intake.complainant.name?.trim() || c.intake.complainant.organization?.trim();
  return name ? `${name}：` : '投诉人：';
}

/** The referral as a phrase: staff type either a unit name (向…反映 is added) or a whole sentence (kept). */
export function referralPhrase(referral: string): string {
  const text = referral.trim().replace(/[。；;]+$/, '');
  return /^(请|建议|可|应|向|到|去)/.test(text) || text.includes('反映') ? text : `向${text}反映`;
}
