/**
 * Channel entries → canonical intake. Each channel's raw shape (web form, letter manifest row, box slip row,
 * 12345 work order, staff entry) has its own validator that reports EVERY bad field at once, with Chinese
 * messages and stable codes, and its own source key (idempotency of the delivery).
 */
import * as z from 'zod';
import { Code } from '../domain/intake';
import type { CanonicalIntake, EvidenceRef, ReceivedBy } from '../domain/intake';
import { ValidationError } from '../domain/errors';
import type { FieldProblem } from '../domain/errors';
import { fieldLabel, isValidPhone, problemsFromZod } from './validate';
import { withNameSplit } from '../domain/extraction/names';
import { scanNames } from './scan-files';
import { complainantProblems, identified, reachableForReply } from '../domain/complainant-rules';
import type { ComplainantRuleField } from '../domain/complainant-rules';

// ---------------------------------------------------------------------------------------------- helpers

const YES = new Set(['true', '1', 'on', 'yes', 'y', '是', '√', '✓']);
const NO = new Set(['false', '0', 'off', 'no', 'n', '否', '', '×']);

/** Boolean from JSON, a checkbox ("on") or a CSV cell (是/否). Unknown words are left for zod to reject. */
export const flexibleBoolean = z.preprocess((v) => {
  if (typeof v === 'boolean' || v === undefined) return v;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (YES.has(s)) return true;
    if (NO.has(s)) return false;
  }
  return v;
}, z.boolean().optional());

/** Optional text: trimmed; blank means absent. */
const text = (max: number) => z.preprocess((v) => (typeof v === 'string' ? (v.trim() === '' ? undefined : v.trim()) : v), z.string().max(max).optional());
const requiredText = (max: number) => z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.string().min(1).max(max));

const phone = text(40).refine((v) => v === undefined || isValidPhone(v), {
  message: '“联系电话”应为手机号码（11位）或带区号的固定电话。',
  params: { code: 'invalid_phone' },
});
const email = text(254).refine((v) => v === undefined || z.email().safeParse(v).success, {
  message: '“电子邮箱”不是有效的电子邮箱地址。',
  params: { code: 'invalid_email' },
});
const optionalCode = z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v), Code.optional());

/** Shanghai wall time `YYYY-MM-DD HH:mm[:ss]`, a date, or an ISO instant with offset → ISO instant. */
export function toInstant(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const s = v.trim();
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2})(:\d{2})?)?$/.exec(s);
  if (m) return `${m[1]}T${m[2] ?? '00:00'}${m[3] ?? ':00'}+08:00`;
  return s;
}
const instant = z.preprocess(toInstant, z.iso.datetime({ offset: true }));
const optionalInstant = z.preprocess((v) => (v === '' ? undefined : toInstant(v)), z.iso.datetime({ offset: true }).optional());

function fail(problems: FieldProblem[]): never {
  throw new ValidationError(problems);
}

function mergeProblems(...lists: FieldProblem[][]): FieldProblem[] {
  const seen = new Set<string>();
  const out: FieldProblem[] = [];
  for (const p of lists.flat()) {
    if (seen.has(p.field)) continue;
    seen.add(p.field);
    out.push(p);
  }
  return out;
}

function str(o: unknown, ...path: string[]): string | undefined {
  let cur: unknown = o;
  for (const k of path) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
  return typeof cur === 'string' && cur.trim() !== '' ? cur.trim() : undefined;
}

// ---------------------------------------------------------------------------------------------- web form

/** The complainant's fields, the same in the web form's `complainant` object and in staff-keyed rows. */
const ComplainantFields = {
  name: text(100),
  organization: text(200),
  phone,
  email,
  address: text(300),
  anonymous: flexibleBoolean,
  wantsReply: flexibleBoolean,
  confidential: flexibleBoolean,
};

const ComplainantInput = z.object(ComplainantFields);

const RespondentInput = z.object({ unit: text(200), unitCode: optionalCode, person: text(100) });

/** JSON body of POST /api/complaints (INTERFACES.md); the server sets channel, sourceKey, receivedAt, receivedBy. */
export const WebComplaint = z.object({
  jurisdiction: optionalCode,
  complainant: ComplainantInput.default({}),
  respondent: RespondentInput.default({}),
  matter: requiredText(20000),
  facts: text(50000),
  major: flexibleBoolean,
});
export type WebComplaint = z.infer<typeof WebComplaint>;

/**
 * Cross-field rules of the public form. Works on the raw input so that it adds to zod's problems. The complainant
 * is normalised as webIntake does (anonymous: no reply), then judged by the one rule of arts. 4 and 16.
 */
function webCrossProblems(raw: unknown): FieldProblem[] {
  const anonymous = flexibleBoolean.safeParse((raw as { complainant?: { anonymous?: unknown } } | undefined)?.complainant?.anonymous).data === true;
  const wantsReplyRaw = flexibleBoolean.safeParse((raw as { complainant?: { wantsReply?: unknown } } | undefined)?.complainant?.wantsReply).data;
  const problems = complainantProblems({
    anonymous,
    wantsReply: !anonymous && wantsReplyRaw !== false,
    name: str(raw, 'complainant', 'name'),
    organization: str(raw, 'complainant', 'organization'),
    phone: str(raw, 'complainant', 'phone'),
    email: str(raw, 'complainant', 'email'),
    address: str(raw, 'complainant', 'address'),
  });
  if (!str(raw, 'respondent', 'unit') && !str(raw, 'respondent', 'person') && !str(raw, 'respondent', 'unitCode')) {
    problems.push({ field: 'respondent.unit', code: 'respondent_required', message: '请填写被投诉的单位（或工作人员）（第四条）。' });
  }
  return problems;
}

export function parseWebComplaint(raw: unknown): WebComplaint {
  const parsed = WebComplaint.safeParse(raw ?? {});
  const problems = mergeProblems(parsed.success ? [] : problemsFromZod(parsed.error), webCrossProblems(raw));
  if (problems.length > 0 || !parsed.success) fail(problems.length > 0 ? problems : [{ field: '(root)', code: 'invalid', message: '提交的内容有误。' }]);
  return parsed.data;
}

/** Flat form fields (`complainant.name=…`) → the nested JSON shape. Unknown names are kept for zod to judge. */
export function unflattenForm(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key === '__proto__' || key.includes('__proto__') || key.includes('constructor')) continue;
    const parts = key.split('.');
    let cur = out;
    for (let i = 0; i < parts.length - 1; i++) {
      const k = parts[i]!;
      if (typeof cur[k] !== 'object' || cur[k] === null) cur[k] = {};
      cur = cur[k] as Record<string, unknown>;
    }
    cur[parts[parts.length - 1]!] = value;
  }
  return out;
}

/** The complainant of a form or a work order: an anonymous one keeps no name or contact details (art. 4, 16). */
function complainantOf(
  c: { name?: string; organization?: string; phone?: string; email?: string; address?: string; wantsReply?: boolean; confidential?: boolean },
  anonymous: boolean,
): CanonicalIntake['complainant'] {
  if (anonymous) return { anonymous: true, wantsReply: false, confidential: c.confidential === true };
  c = withNameSplit(c);
  return {
    ...(c.name ? { name: c.name } : {}),
    ...(c.organization ? { organization: c.organization } : {}),
    ...(c.phone ? { phone: c.phone } : {}),
    ...(c.email ? { email: c.email } : {}),
    ...(c.address ? { address: c.address } : {}),
    anonymous: false,
    wantsReply: c.wantsReply !== false,
    confidential: c.confidential === true,
  };
}

function respondentOf(unit?: string, unitCode?: string, person?: string): CanonicalIntake['respondent'] {
  return { ...(unit ? { unit } : {}), ...(unitCode ? { unitCode } : {}), ...(person ? { person } : {}) };
}

export function webIntake(form: WebComplaint, meta: { sourceKey: string; receivedAt: string; evidence: EvidenceRef[] }): CanonicalIntake {
  const anonymous = form.complainant.anonymous === true;
  const c = form.complainant;
  return {
    channel: 'web',
    sourceKey: meta.sourceKey,
    receivedAt: meta.receivedAt,
    receivedBy: 'agency',
    // Anonymous: the form says that name and contact details are not kept.
    complainant: complainantOf(c, anonymous),
    respondent: respondentOf(form.respondent.unit, form.respondent.unitCode, form.respondent.person),
    matter: form.matter,
    ...(form.facts ? { facts: form.facts } : {}),
    evidence: meta.evidence,
    ...(form.major !== undefined ? { major: form.major } : {}),
    ...(form.jurisdiction ? { jurisdiction: form.jurisdiction } : {}),
  };
}

// ---------------------------------------------------------------------------------------------- shared row fields

/** Fields staff key in for a letter, a slip, a phone call or a window visit (flat, CSV-friendly). */
const KeyedFields = {
  ...ComplainantFields,
  respondentUnit: text(200),
  respondentUnitCode: optionalCode,
  respondentPerson: text(100),
  matter: requiredText(20000),
  facts: text(50000),
  /** `agency` (default) or a department code when a department received it. */
  receivedBy: optionalCode,
  major: flexibleBoolean,
  stabilityRisk: flexibleBoolean,
};

/** Flat keyed-field labels for messages. */
const ROW_LABELS: Record<string, string> = {
  name: '姓名',
  organization: '单位名称',
  phone: '联系电话',
  email: '电子邮箱',
  address: '联系地址',
  anonymous: '匿名',
  wantsReply: '需要答复',
  confidential: '要求保密',
  respondentUnit: '被投诉单位',
  respondentUnitCode: '被投诉单位编码',
  respondentPerson: '被投诉工作人员',
  matter: '具体投诉事项',
  facts: '事实和理由',
  receivedBy: '接收单位',
  major: '重大事项',
  stabilityRisk: '信访维稳风险',
  file: '扫描件文件',
  files: '扫描件文件',
  envelopeDate: '信封邮戳日期',
  receivedAt: '接收时间',
  box: '意见箱编号',
  place: '设置地点',
  openedAt: '开箱时间',
  openedBy: '开箱人',
  slipNo: '意见单编号',
  signed: '是否署名',
  workOrderNo: '12345工单编号',
  createdAt: '工单创建时间',
  entryId: '登记编号',
  channel: '渠道',
  form: '投诉形式',
};
export const rowLabel = (path: string): string => ROW_LABELS[path.split('.').pop() ?? path] ?? fieldLabel(path);

type Keyed = z.infer<z.ZodObject<typeof KeyedFields>>;

type ContactFacts = { name?: string; organization?: string; phone?: string; email?: string; address?: string };

/**
 * Arts. 4 and 16 (the one rule, shared/domain/complainant-rules.ts) on a keyed row or a work order's caller,
 * normalised as the channel's intake function does: `anonymousOf` is the channel's own reading of an unmarked
 * row; an anonymous complainant wants no reply; an unmarked reply wish defaults to "yes" when a contact is given.
 * `wantsReplyDefault` is the channel's default when the row does not say (work orders: yes, as complainantOf).
 */
function complainantCross(
  who: unknown,
  anonymousOf: (marked: boolean | undefined, facts: ContactFacts) => boolean,
  field: (f: ComplainantRuleField) => string,
  wantsReplyDefault: (facts: ContactFacts) => boolean = reachableForReply,
): FieldProblem[] {
  const row = who as Record<string, unknown> | undefined;
  const facts: ContactFacts = { name: str(who, 'name'), organization: str(who, 'organization'), phone: str(who, 'phone'), email: str(who, 'email'), address: str(who, 'address') };
  const anonymous = anonymousOf(flexibleBoolean.safeParse(row?.anonymous).data, facts);
  const wantsReply = !anonymous && (flexibleBoolean.safeParse(row?.wantsReply).data ?? wantsReplyDefault(facts));
  return complainantProblems({ anonymous, wantsReply, ...facts }, { field, audience: 'staff' });
}

function receivedByOf(v: string | undefined): ReceivedBy {
  return v === undefined || v === 'agency' ? 'agency' : { department: v };
}

function keyedToParts(keyed: Keyed, anonymous: boolean): Pick<CanonicalIntake, 'complainant' | 'respondent' | 'matter' | 'receivedBy'> & Partial<CanonicalIntake> {
  const k = withNameSplit(keyed);
  const wantsReply = !anonymous && (k.wantsReply ?? reachableForReply(k));
  return {
    complainant: {
      ...(k.name ? { name: k.name } : {}),
      ...(k.organization ? { organization: k.organization } : {}),
      ...(k.phone ? { phone: k.phone } : {}),
      ...(k.email ? { email: k.email } : {}),
      ...(k.address ? { address: k.address } : {}),
      anonymous,
      wantsReply,
      confidential: k.confidential === true,
    },
    respondent: respondentOf(k.respondentUnit, k.respondentUnitCode, k.respondentPerson),
    matter: k.matter,
    ...(k.facts ? { facts: k.facts } : {}),
    receivedBy: receivedByOf(k.receivedBy),
    ...(k.major !== undefined ? { major: k.major } : {}),
    ...(k.stabilityRisk ? { stabilityRisk: true } : {}),
  };
}

function parseWith<T>(schema: z.ZodType<T>, raw: unknown, extra: FieldProblem[]): T {
  const parsed = schema.safeParse(raw ?? {});
  const problems = mergeProblems(parsed.success ? [] : problemsFromZod(parsed.error, rowLabel), extra);
  if (problems.length > 0 || !parsed.success) fail(problems.length > 0 ? problems : [{ field: '(root)', code: 'invalid', message: '内容有误。' }]);
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------- letters

/** One row of the scanning staff's manifest CSV: the scan file(s) and the fields keyed from the letter. */
export const LetterRow = z.object({
  ...KeyedFields,
  /** Scan file name(s) relative to the batch folder; several pages separated by `;`. */
  file: z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.string().min(1).max(2000)),
  /** Postmark date on the envelope (YYYY-MM-DD). */
  envelopeDate: z.preprocess((v) => (v === '' ? undefined : v), z.iso.date().optional()),
  /** When the office received the letter; defaults to the upload time. */
  receivedAt: optionalInstant,
});
export type LetterRow = z.infer<typeof LetterRow>;

export const letterFiles = (row: Pick<LetterRow, 'file'>): string[] => scanNames(row.file);

export function parseLetterRow(raw: unknown): LetterRow {
  // An unsigned letter is anonymous unless staff mark it otherwise.
  return parseWith(
    LetterRow,
    raw,
    complainantCross(
      raw,
      (marked, f) => marked ?? !identified(f),
      (f) => f,
    ),
  );
}

export function letterIntake(row: LetterRow, meta: { sourceKey: string; receivedAt: string; scans: EvidenceRef[]; ocrText?: string; batch?: string }): CanonicalIntake {
  const anonymous = row.anonymous ?? !identified(row);
  return {
    channel: 'letter',
    sourceKey: meta.sourceKey,
    receivedAt: row.receivedAt ?? meta.receivedAt,
    ...keyedToParts(row, anonymous),
    evidence: meta.scans.map((s) => ({ ...s, kind: s.kind ?? 'letter_scan' })),
    channelDetails: {
      ...(row.envelopeDate ? { envelopeDate: row.envelopeDate } : {}),
      ...(meta.batch ? { batch: meta.batch } : {}),
      ...(meta.ocrText ? { ocrText: meta.ocrText } : {}),
    },
  };
}

// ---------------------------------------------------------------------------------------------- suggestion box

/** Two different people open a box (as is usual); `张三;李四`, `张三、李四` or `张三,李四`. */
export const openers = (v: string): string[] => [
  ...new Set(
    v
      .split(/[;；、,，/]/)
      .map((s) => s.trim())
      .filter(Boolean),
  ),
];

export const BoxOpening = z.object({
  box: z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.string().min(1).max(64)),
  place: z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.string().min(1).max(200)),
  openedAt: instant,
  openedBy: z
    .preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.string().min(1).max(200))
    .refine((v) => openers(v).length >= 2, {
      message: '开箱应由两人共同进行，请填写两名开箱人（用“;”分隔）。',
      params: { code: 'two_openers_required' },
    }),
});
export type BoxOpening = z.infer<typeof BoxOpening>;

/** One row of a box CSV: the opening's columns (same on every row) and one slip. */
export const BoxSlipRow = BoxOpening.extend({
  ...KeyedFields,
  slipNo: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : v),
    z
      .string()
      .min(1)
      .max(32)
      .regex(/^[A-Za-z0-9._-]+$/),
  ),
  /** Slips are anonymous unless signed. */
  signed: flexibleBoolean,
  file: text(2000),
});
export type BoxSlipRow = z.infer<typeof BoxSlipRow>;

export function parseBoxSlipRow(raw: unknown): BoxSlipRow {
  const signed = flexibleBoolean.safeParse((raw as Record<string, unknown> | undefined)?.signed).data === true;
  // An unsigned slip is anonymous whatever else it says (boxIntake drops its contact details).
  return parseWith(
    BoxSlipRow,
    raw,
    signed
      ? complainantCross(
          raw,
          () => false,
          (f) => f,
        )
      : [],
  );
}

export const boxSourceKey = (row: Pick<BoxSlipRow, 'box' | 'openedAt' | 'slipNo'>): string => `box:${row.box}:${new Date(row.openedAt).toISOString()}:${row.slipNo}`;

export function boxIntake(row: BoxSlipRow, meta: { scans: EvidenceRef[] }): CanonicalIntake {
  const anonymous = row.signed !== true;
  const keyed = anonymous ? { ...row, name: undefined, organization: undefined, phone: undefined, email: undefined, address: undefined } : row;
  return {
    channel: 'suggestion_box',
    sourceKey: boxSourceKey(row),
    receivedAt: row.openedAt,
    ...keyedToParts(keyed, anonymous),
    evidence: meta.scans.map((s) => ({ ...s, kind: s.kind ?? 'slip_scan' })),
    channelDetails: { box: row.box, place: row.place, openedAt: row.openedAt, openedBy: openers(row.openedBy), slipNo: row.slipNo },
  };
}

// ---------------------------------------------------------------------------------------------- 12345 work orders

/** A 12345 work order as a structured record (our JSON shape; see docs in functions/workorder-intake). */
export const WorkOrder = z.object({
  workOrderNo: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/, '工单编号只能包含字母、数字、下划线和连字符'),
  ),
  /** When the platform created the order. */
  createdAt: instant,
  /** When it reached us; defaults to now. */
  receivedAt: optionalInstant,
  caller: z
    .object({
      name: text(100),
      organization: text(200),
      phone,
      email,
      address: text(300),
      anonymous: flexibleBoolean,
      wantsReply: flexibleBoolean,
      confidential: flexibleBoolean,
    })
    .default({}),
  respondentUnit: text(200),
  respondentUnitCode: optionalCode,
  respondentPerson: text(100),
  /** The order's content (诉求内容). */
  matter: requiredText(20000),
  facts: text(50000),
  category: text(100),
  /** Department code the platform dispatched the order to; absent = the agency. */
  dispatchedTo: optionalCode,
  /** Deadline the platform set, kept for reporting back. */
  platformDeadline: optionalInstant,
});
export type WorkOrder = z.infer<typeof WorkOrder>;

export function parseWorkOrder(raw: unknown): WorkOrder {
  const caller = (raw as { caller?: unknown } | undefined)?.caller;
  // complainantOf: unmarked is named; the reply is wanted unless the order says no.
  return parseWith(
    WorkOrder,
    raw,
    complainantCross(
      caller,
      (marked) => marked === true,
      (f) => `caller.${f}`,
      () => true,
    ),
  );
}

export const workOrderSourceKey = (workOrderNo: string): string => `12345:${workOrderNo}`;

export function workOrderIntake(o: WorkOrder, meta: { receivedAt: string }): CanonicalIntake {
  const c = o.caller;
  const anonymous = c.anonymous === true;
  return {
    channel: 'hotline_12345',
    sourceKey: workOrderSourceKey(o.workOrderNo),
    receivedAt: o.receivedAt ?? meta.receivedAt,
    originalSentAt: o.createdAt,
    forwardedBy: '12345政务服务便民热线',
    receivedBy: receivedByOf(o.dispatchedTo),
    complainant: complainantOf(c, anonymous),
    respondent: respondentOf(o.respondentUnit, o.respondentUnitCode, o.respondentPerson),
    matter: o.matter,
    ...(o.facts ? { facts: o.facts } : {}),
    evidence: [],
    workOrderNo: o.workOrderNo,
    channelDetails: { ...(o.category ? { category: o.category } : {}), ...(o.platformDeadline ? { platformDeadline: o.platformDeadline } : {}) },
  };
}

// ---------------------------------------------------------------------------------------------- phone and window (staff entry)

export const StaffEntry = z.object({
  ...KeyedFields,
  channel: z.enum(['phone', 'onsite']),
  /** Idempotency key chosen by the client (a UUID made when the entry form opened). */
  entryId: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z
      .string()
      .min(8)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/),
  ),
  receivedAt: optionalInstant,
  /** On-site: oral (口头) or written (书面). */
  form: z.enum(['oral', 'written']).optional(),
  /** Number of the published hotline that took the call (phone). */
  hotline: text(40),
});
export type StaffEntry = z.infer<typeof StaffEntry>;

export function parseStaffEntry(raw: unknown): StaffEntry {
  return parseWith(
    StaffEntry,
    raw,
    complainantCross(
      raw,
      (marked) => marked ?? false,
      (f) => f,
    ),
  );
}

export function staffIntake(e: StaffEntry, meta: { receivedAt: string; evidence: EvidenceRef[]; enteredBy?: string }): CanonicalIntake {
  const anonymous = e.anonymous ?? false;
  return {
    channel: e.channel,
    sourceKey: `staff:${e.channel}:${e.entryId}`,
    receivedAt: e.receivedAt ?? meta.receivedAt,
    ...keyedToParts(e, anonymous),
    evidence: meta.evidence,
    channelDetails: { ...(e.form ? { form: e.form } : {}), ...(e.hotline ? { hotline: e.hotline } : {}), ...(meta.enteredBy ? { enteredBy: meta.enteredBy } : {}) },
  };
}
