/**
 * Telling the complainant on the channels the complainant can be reached on (arts. 10, 14(2), 19; art. 16 names
 * phone, email and in person): a notice to the complainant becomes one contact task per channel — a mail the
 * system sends, a call with a script whose outcome staff record, a letter printed for post. Most complaints come
 * by phone, 12345, window or letter, so email alone would leave most complainants untold.
 *
 * The record is what was done: a mail is "sent" only after the mail sender accepted it, a call is "reached" only
 * when staff say so, a letter is "posted" only when staff say so.
 */
import { scrubIdentity } from '../access';
import type { CaseRecord, ContactChannel, ContactOutcome, ContactTask } from '../case';
import type { LifecycleContext, Notice, NoticeKind } from '../lifecycle/context';
import { cnDate, EMAIL_FOOTNOTE } from './format';

/** The notice a contact task carries, as staff and the timeline name it. */
export const CONTACT_NOTICE_LABELS: Partial<Record<NoticeKind, string>> = {
  acceptance: '受理告知',
  not_accepted: '不予受理告知',
  extension: '延期办理告知',
  termination: '终止办理告知',
  result_feedback: '办理结果告知',
  reply_record: '办理结果答复',
  follow_up_survey: '回访',
  merged: '合并办理告知',
  unmerged: '撤销合并告知',
};

export const CONTACT_CHANNEL_LABELS: Record<ContactChannel, string> = { email: '电子邮件', phone: '电话', letter: '信函' };

export const CONTACT_OUTCOME_LABELS: Record<ContactOutcome, string> = { reached: '已接通', no_answer: '无人接听', retry_later: '改日再拨', posted: '已寄出' };

/**
 * Notices that must reach a complainant without email too: the decisions the regulation says the complainant is
 * told (art. 10 acceptance, arts. 8–9 refusal with where to go, art. 14(2) extension and the result fed back at the
 * conclusion, art. 19 termination, art. 11 merge and its undoing). A reply staff give themselves (art. 16: by phone, in person, or a mail they
 * write) and the follow-up visit (art. 17) are recorded by their own actions.
 */
const EVERY_CHANNEL: readonly NoticeKind[] = ['acceptance', 'not_accepted', 'extension', 'result_feedback', 'termination', 'merged', 'unmerged'];

const present = (s: string | undefined): boolean => typeof s === 'string' && s.trim().length > 0;

/** The channels a complainant notice goes on: mail where there is a mail address, a call where there is a phone, a letter where there is a postal address. */
export function contactChannels(c: CaseRecord, n: Notice): ContactChannel[] {
  const p = c.intake.complainant;
  if (p.anonymous || c.flags.anonymous) return [];
  const out: ContactChannel[] = [];
  if (n.to.length > 0) out.push('email');
  if (EVERY_CHANNEL.includes(n.kind)) {
    if (present(p.phone)) out.push('phone');
    if (present(p.address)) out.push('letter');
  }
  return out;
}

const isConfidential = (c: CaseRecord) => c.flags.confidential || c.intake.complainant.confidential;

/** The call script: who calls, what to say (the notice's own paragraphs), what to record. */
export function callScript(c: CaseRecord, ctx: LifecycleContext, n: Notice): string {
  const paragraphs = n.content?.paragraphs ?? [n.text];
  const fields = n.content?.fields ?? [];
  const hotline = ctx.jurisdiction.agency.phone ?? ctx.jurisdiction.referral.hotline;
  return [
    `【电话告知】${n.subject}`,
    `开场：您好，这里是${ctx.jurisdiction.agency.name}。请问是${n.content?.greeting.replace(/：$/, '') || '投诉人'}吗？关于您于${cnDate(c.receivedAt)}提出的政务服务投诉（受理编号 ${c.trackingNo}），现告知如下：`,
    ...paragraphs.map((p, i) => `${i + 1}. ${p}`),
    ...fields.map(([k, v]) => `${k}：${v}`),
    `结束：如有疑问，可拨打 ${hotline} 咨询。感谢您的理解和支持。`,
    '记录：通话后在系统中记录结果（已接通／无人接听／改日再拨并填写最迟再拨日期）。未接通的，应按约定再拨。',
  ].join('\n');
}

/** The letter as printed for post: the notice text without the mail's footnote. */
export function letterText(n: Notice): string {
  return n.text
    .split('\n')
    .filter((line) => line !== `注：${EMAIL_FOOTNOTE}`)
    .join('\n')
    .trimEnd();
}

/** The contact tasks for one complainant notice (ids continue the case's numbering). */
export function contactTasksFor(c: CaseRecord, ctx: LifecycleContext, n: Notice): ContactTask[] {
  const createdAt = ctx.now.toISOString();
  const base = c.contacts?.length ?? 0;
  // Staff and departments read these texts; a confidential complainant's identity stays out of them (art. 13).
  const safe = (s: string) => (isConfidential(c) ? scrubIdentity(s, c) : s);
  return contactChannels(c, n).map((channel, i) => ({
    id: `C${base + i + 1}`,
    kind: n.kind,
    channel,
    createdAt,
    subject: n.subject,
    text: safe(channel === 'phone' ? callScript(c, ctx, n) : channel === 'letter' ? letterText(n) : n.text),
    status: 'pending',
    attempts: [],
  }));
}

/** The timeline sentence for a task just issued: what was done (a call task made, a letter printed), never the telling itself. */
export function contactIssuedSummary(t: ContactTask): string {
  const what = CONTACT_NOTICE_LABELS[t.kind as NoticeKind] ?? t.subject;
  return t.channel === 'phone' ? `${what}：已生成电话告知任务（${t.id}），待工作人员拨打并记录结果。` : `${what}：已生成书面告知书（${t.id}），待打印邮寄。`;
}
