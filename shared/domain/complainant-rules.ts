/**
 * Who the complainant is and how a reply reaches them (arts. 4 and 16), written once: the public form
 * (shared/intake/channels.ts), the staff-keyed rows and the canonical check every channel passes
 * (shared/intake/validate.ts) all call `complainantProblems`.
 *
 * Art. 4: a complaint is "in principle" under a real name: a name or an organisation, and a contact ("联系电话等").
 * Anonymous complaints are allowed (art. 4 "原则上"), and need no reply (art. 16).
 * Art. 16: the handling unit replies "by phone, email or in person, etc." (通过电话、电子邮件或者当面告知等方式).
 * The list is open ("等"), and the system does post letters (shared/domain/notices/contacts.ts: a notice becomes
 * a letter where there is a postal address). Many letter writers give only their return address. So a postal
 * address alone is enough contact for a reply, on every channel, the form included.
 */
import type { FieldProblem } from './errors';

/** The complainant's facts that the rules read; absent and blank strings both mean "not given". */
export interface ComplainantFacts {
  anonymous: boolean;
  wantsReply: boolean;
  name?: string | undefined;
  organization?: string | undefined;
  phone?: string | undefined;
  email?: string | undefined;
  address?: string | undefined;
}

/** The fields the rules report on, named as in the canonical intake's `complainant`. */
export type ComplainantRuleField = 'name' | 'phone' | 'wantsReply';

export type ComplainantRuleCode = 'name_required' | 'anonymous_no_reply' | 'contact_required';

export interface ComplainantRuleOptions {
  /** Maps a rule's field to the caller's path (`complainant.name` in the form and the intake, `name` in a CSV row). */
  field?: (f: ComplainantRuleField) => string;
  /** `citizen`: the complainant reads it (form, mail); `staff`: scanning or window staff who keyed the row. */
  audience?: 'citizen' | 'staff';
}

const given = (s: string | undefined): boolean => s !== undefined && s.trim() !== '';

/** Art. 16: a reply can reach the complainant by phone, email or post. */
export function reachableForReply(c: Pick<ComplainantFacts, 'phone' | 'email' | 'address'>): boolean {
  return given(c.phone) || given(c.email) || given(c.address);
}

/** Art. 4: a named complaint has a name or an organisation. */
export function identified(c: Pick<ComplainantFacts, 'name' | 'organization'>): boolean {
  return given(c.name) || given(c.organization);
}

const MESSAGES: Record<ComplainantRuleCode, Record<'citizen' | 'staff', string>> = {
  name_required: {
    citizen: '实名投诉请填写姓名或单位名称（第四条）；不愿留名可选择匿名投诉。',
    staff: '实名投诉应有姓名或单位名称（第四条）；否则请标记为匿名。',
  },
  anonymous_no_reply: {
    citizen: '匿名投诉无法接收答复（第十六条）。如需答复，请取消匿名并留下联系方式。',
    staff: '匿名投诉无需答复（第十六条）：请取消“需要答复”，或取消匿名并录入联系方式。',
  },
  contact_required: {
    citizen: '需要答复时请至少留下联系电话、电子邮箱或联系地址之一（第四条、第十六条）。',
    staff: '需要答复的投诉应有联系电话、电子邮箱或联系地址之一（第四条、第十六条）；否则请取消“需要答复”。',
  },
};

const FIELD_OF: Record<ComplainantRuleCode, ComplainantRuleField> = {
  name_required: 'name',
  anonymous_no_reply: 'wantsReply',
  contact_required: 'phone',
};

/** The codes of the rules the complainant breaks, in the order a reader meets the fields. */
export function complainantRuleCodes(c: ComplainantFacts): ComplainantRuleCode[] {
  const codes: ComplainantRuleCode[] = [];
  if (!c.anonymous && !identified(c)) codes.push('name_required');
  if (c.anonymous && c.wantsReply) codes.push('anonymous_no_reply');
  if (!c.anonymous && c.wantsReply && !reachableForReply(c)) codes.push('contact_required');
  return codes;
}

/** Arts. 4 and 16 as field problems (empty when the complainant is fine). */
export function complainantProblems(c: ComplainantFacts, opts: ComplainantRuleOptions = {}): FieldProblem[] {
  const audience = opts.audience ?? 'citizen';
  const field = opts.field ?? ((f: ComplainantRuleField) => `complainant.${f}`);
  return complainantRuleCodes(c).map((code) => ({ field: field(FIELD_OF[code]), code, message: MESSAGES[code][audience] }));
}
