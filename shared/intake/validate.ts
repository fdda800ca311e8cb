/**
 * Validation shared by every channel: zod parsing with Chinese messages for people and stable codes for
 * machines, plus the checks zod cannot express (art. 4 identity, art. 7(1) written form, art. 16 reply).
 */
import * as z from 'zod';
import { CanonicalIntake } from '../domain/intake';
import { ValidationError } from '../domain/errors';
import type { FieldProblem } from '../domain/errors';
import { normalisePhone as normaliseComparablePhone } from '../domain/duplicates/normalize';
import { complainantProblems } from '../domain/complainant-rules';

/** Chinese names of fields, by dotted path (array indexes are dropped before the look-up). */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  channel: '渠道',
  sourceKey: '来源标识',
  receivedAt: '接收时间',
  originalSentAt: '原始发送时间',
  forwardedBy: '转来单位',
  receivedBy: '接收单位',
  'receivedBy.department': '接收部门',
  complainant: '投诉人信息',
  'complainant.name': '姓名',
  'complainant.organization': '单位名称',
  'complainant.phone': '联系电话',
  'complainant.email': '电子邮箱',
  'complainant.address': '联系地址',
  'complainant.anonymous': '匿名投诉',
  'complainant.wantsReply': '是否需要答复',
  'complainant.confidential': '要求保密',
  unverifiedMentions: '信中提及的人员（未经核实）',
  'unverifiedMentions.name': '提及人员姓名',
  'unverifiedMentions.email': '提及人员电子邮箱',
  'unverifiedMentions.phone': '提及人员联系电话',
  respondent: '被投诉人信息',
  'respondent.unit': '被投诉单位',
  'respondent.unitCode': '被投诉单位编码',
  'respondent.person': '被投诉工作人员',
  matter: '具体投诉事项',
  facts: '事实和理由',
  evidence: '证明材料',
  'evidence.filename': '文件名',
  'evidence.contentType': '文件类型',
  'evidence.size': '文件大小',
  'evidence.sha256': '文件摘要',
  'evidence.ref': '文件位置',
  'evidence.kind': '材料类别',
  major: '重大事项',
  jurisdiction: '辖区',
  workOrderNo: '12345工单编号',
  channelDetails: '渠道信息',
  stabilityRisk: '信访维稳风险',
};

export function fieldLabel(path: string): string {
  const key = path
    .split('.')
    .filter((p) => !/^\d+$/.test(p))
    .join('.');
  return FIELD_LABELS[key] ?? FIELD_LABELS[key.split('.').pop() ?? ''] ?? path;
}

function pathOf(issue: z.core.$ZodIssue): string {
  return issue.path.map((p) => String(p)).join('.');
}

/** One zod issue → one field problem with a stable code and a Chinese message. */
export function problemFromIssue(issue: z.core.$ZodIssue, labels: (path: string) => string = fieldLabel): FieldProblem {
  const field = pathOf(issue) || '(root)';
  const label = labels(field);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined || issue.input === null) return { field, code: 'required', message: `请填写“${label}”。` };
      return { field, code: 'invalid_type', message: `“${label}”的格式不正确。` };
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string' && min <= 1) return { field, code: 'required', message: `请填写“${label}”。` };
      if (issue.origin === 'string') return { field, code: 'too_short', message: `“${label}”至少需要 ${min} 个字。` };
      if (issue.origin === 'array') return { field, code: 'too_few', message: `“${label}”至少需要 ${min} 项。` };
      return { field, code: 'too_small', message: `“${label}”不能小于 ${min}。` };
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return { field, code: 'too_long', message: `“${label}”不能超过 ${max} 个字。` };
      if (issue.origin === 'array') return { field, code: 'too_many', message: `“${label}”最多 ${max} 项。` };
      return { field, code: 'too_big', message: `“${label}”不能大于 ${max}。` };
    }
    case 'invalid_format':
      if (issue.format === 'email') return { field, code: 'invalid_email', message: `“${label}”不是有效的电子邮箱地址。` };
      if (issue.format === 'datetime') return { field, code: 'invalid_datetime', message: `“${label}”应为带时区的时间，例如 2026-03-02T09:30:00+08:00。` };
      if (issue.format === 'date') return { field, code: 'invalid_date', message: `“${label}”应为 YYYY-MM-DD 格式的日期。` };
      return { field, code: 'invalid_format', message: issue.message && /[\u4e00-\u9fff]/.test(issue.message) ? `“${label}”：${issue.message}` : `“${label}”的格式不正确。` };
    case 'invalid_value':
    case 'invalid_union':
      return { field, code: 'invalid_choice', message: `“${label}”的取值无效。` };
    case 'unrecognized_keys':
      return { field: issue.keys[0] ? (field === '(root)' ? issue.keys[0] : `${field}.${issue.keys[0]}`) : field, code: 'unknown_field', message: `不认识的字段：${issue.keys.join('、')}。` };
    case 'custom':
      return { field, code: (issue.params?.code as string | undefined) ?? 'invalid', message: issue.message };
    default:
      return { field, code: 'invalid', message: `“${label}”的内容不正确。` };
  }
}

/** All problems of a failed parse, at most one per field (the first is the most useful). */
export function problemsFromZod(error: z.ZodError, labels?: (path: string) => string): FieldProblem[] {
  const seen = new Set<string>();
  const out: FieldProblem[] = [];
  for (const issue of error.issues) {
    const p = problemFromIssue(issue, labels);
    if (seen.has(p.field)) continue;
    seen.add(p.field);
    out.push(p);
  }
  return out;
}

/**
 * A number we can call the complainant back on (art. 16): an 11-digit mainland mobile (optional +86), a landline
 * with its area code and optional extension, or a company's 400/800 number. Short service numbers (12345, 955..) reach a
 * hotline, not the complainant, so they are refused.
 */
const PHONE_RE = /^(?:(?:\+?86)?1[3-9]\d{9}|0\d{2,3}\d{7,8}(?:\d{1,6})?|400\d{7}|800\d{7})$/;

export function normalizePhone(raw: string): string {
  return raw.replace(/[\s\-()（）]/g, '');
}

/** The comparable forms (shared/domain/duplicates/normalize.ts) we can call: a mobile, a landline with area code, 400/800. */
const CALLABLE_RE = /^(?:1[3-9]\d{9}|0\d{2,3}\d{7,8}|400\d{7}|800\d{7})$/;

/**
 * Also a local landline of the jurisdiction without its area code (Suining's 7 digits: `2345678`, `234-5678`) and a
 * landline with its extension written as people write it (`0825-2345678 转 801`, `2345678(801)`, `分机 801`): the
 * duplicate matcher's normalisation reads them, so intake accepts them (issue 22, item 1).
 */
export function isValidPhone(raw: string): boolean {
  if (PHONE_RE.test(normalizePhone(raw))) return true;
  const n = normaliseComparablePhone(raw);
  return n !== undefined && CALLABLE_RE.test(n);
}

const emailCheck = z.email();

/** Checks beyond the schema, shared by every channel. Returns problems; empty when fine. */
export function semanticProblems(intake: CanonicalIntake): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const c = intake.complainant;
  if (!intake.matter.trim()) problems.push({ field: 'matter', code: 'required', message: '请填写“具体投诉事项”。' });
  if (c.phone !== undefined && c.phone.trim() !== '' && !isValidPhone(c.phone)) {
    problems.push({ field: 'complainant.phone', code: 'invalid_phone', message: '“联系电话”应为手机号码（11位）或固定电话（本地号码可不加区号 0825，分机号写在“转”之后）。' });
  }
  if (c.email !== undefined && c.email.trim() !== '' && !emailCheck.safeParse(c.email.trim()).success) {
    problems.push({ field: 'complainant.email', code: 'invalid_email', message: '“电子邮箱”不是有效的电子邮箱地址。' });
  }
  // Arts. 4 and 16: the one rule (shared/domain/complainant-rules.ts) the form and the keyed rows also call.
  problems.push(...complainantProblems(c));
  if (intake.channel === 'onsite' && intake.major === true && !intake.evidence.some((e) => e.kind === 'signed_form')) {
    problems.push({
      field: 'evidence',
      code: 'signed_form_required',
      message: '现场投诉涉及重大事项的，应采用书面形式（第七条第（一）项）：请附上投诉人签字的书面投诉表扫描件，并标记为“签字书面材料”。',
    });
  }
  return problems;
}

/** The brand of a validated intake: declared only, never a value, and not exported (issue 16). */
declare const validated: unique symbol;

/**
 * A canonical intake that passed `validateIntake`: the schema and every rule beyond it (arts. 4, 7(1), 16). Only
 * the validator makes one (nothing else can name the brand), and the case-creating service
 * (shared/intake/core.ts `createCase`) accepts nothing else, so an unvalidated intake cannot become a case.
 * `test/unit/validated-intake.test.ts` holds the type test.
 */
export type ValidatedIntake = CanonicalIntake & { readonly [validated]: true };

/** Parses any channel's canonical intake; throws ValidationError with Chinese field messages. */
export function validateIntake(input: unknown): ValidatedIntake {
  const parsed = CanonicalIntake.safeParse(input);
  if (!parsed.success) throw new ValidationError(problemsFromZod(parsed.error));
  const problems = semanticProblems(parsed.data);
  if (problems.length > 0) throw new ValidationError(problems);
  return parsed.data as ValidatedIntake;
}
