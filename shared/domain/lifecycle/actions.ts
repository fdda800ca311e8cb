/**
 * Staff actions: which phase allows which action, and the zod schema of each action's body
 * (field messages in Chinese, INTERFACES.md "Action names").
 */
import * as z from 'zod';
import type { CaseRecord, ClockName, Phase } from '../case';
import { Classification, ContactOutcome, CorrectionChannel, Finding, NotAcceptedReason, Satisfaction, TerminationReason } from '../case';
import { ValidationError } from '../errors';
import type { FieldProblem } from '../errors';
import { isCalendarDate } from '../calendar';
import { Code } from '../intake';
import { SecrecyCategory, SecrecyScope, hasActiveMarks } from '../secrecy';
import { ACTION_NAMES } from './context';
import type { ActionName } from './context';

const text = (label: string, max: number) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .min(1, `请填写${label}`)
    .max(max, `${label}不能超过 ${max} 个字`);
const optionalText = (label: string, max: number) =>
  z
    .string({ error: `${label}应为文字` })
    .trim()
    .max(max, `${label}不能超过 ${max} 个字`)
    .optional();
const deptCode = (label: string) =>
  z
    .string({ error: `请选择${label}` })
    .min(1, `请选择${label}`)
    .pipe(Code);
const shanghaiDay = (label: string) => z.string({ error: `请填写${label}` }).refine(isCalendarDate, `${label}应为 YYYY-MM-DD 格式的日期`);

/** Why no reply is given (art. 16). */
export const NoReplyReason = z.enum(['anonymous', 'not_wanted', 'unreachable'], { error: '请选择不予答复的原因：匿名投诉、投诉人不需要答复或无法联系投诉人' });
export type NoReplyReason = z.infer<typeof NoReplyReason>;

export const NO_REPLY_REASON_LABELS: Record<NoReplyReason, string> = {
  anonymous: '匿名投诉',
  not_wanted: '投诉人不需要答复',
  unreachable: '投诉人无法联系',
};

/** Art. 15 fields of a conclusion: other problems found during the inquiry; for an unfounded complaint, a request to clear the respondent's name. */
const art15Fields = {
  /** 调查过程中发现投诉以外其他问题 (art. 15): rectified together with the complaint. */
  otherProblems: optionalText('调查中发现的其他问题', 5000),
  /** 提请政务服务管理机构协助被投诉人在一定范围内澄清事实，消除影响 (art. 15): why, and within which scope. */
  nameClearing: optionalText('澄清事实申请', 2000),
};

const NAME_CLEARING_ONLY_UNFOUNDED = '只有投诉失实（核查结论为“不属实”）的，才可以提请政务服务管理机构协助被投诉人澄清事实、消除影响（第十五条）';

export const DispatchAction = z.object({
  action: z.literal('dispatch'),
  department: deptCode('承办部门'),
  /** 交办单 number; generated from the tracking number when absent. */
  slipNo: optionalText('交办单编号', 64),
  note: optionalText('交办说明', 2000),
});

export const AcceptAction = z.object({
  action: z.literal('accept'),
  note: optionalText('受理说明', 2000),
});

export const RejectAction = z
  .object({
    action: z.literal('reject'),
    reason: z.enum(NotAcceptedReason.options, { error: '请选择不予受理的原因（第八条第（一）至（六）项）' }),
    /** Where the complainant should go instead (art. 9(1)). */
    referral: optionalText('告知去向', 500),
    transferTo12345: z.boolean({ error: '“转12345”应为是或否' }).optional(),
    explanation: optionalText('解释说明', 2000),
    relatedCaseId: optionalText('关联投诉件编号', 64),
  })
  .superRefine((v, ctx) => {
    if (v.reason === 'art8-1' && !v.referral && !v.transferTo12345) {
      ctx.addIssue({ code: 'custom', path: ['referral'], message: '不属于本单位管辖的，应告知投诉人到相关部门反映，或转接12345（第九条第（一）项）' });
    }
  });

export const ClassifyAction = z
  .object({
    action: z.literal('classify'),
    kind: z.enum(Classification.options, { error: '请选择投诉类型：一般投诉、登记转办或介入处理' }),
    /** Art. 17: the cause category (a code of the jurisdiction's set); absent: proposed from the text. */
    cause: z.string({ error: '原因分类应为分类代码' }).trim().max(32, '原因分类代码过长').optional(),
    /** general (art. 14(1)): settled on the spot, so the finding and the summary come with it. */
    finding: z.enum(Finding.options, { error: '核查结论应为属实、部分属实或不属实' }).optional(),
    summary: optionalText('办理结果', 5000),
    note: optionalText('说明', 2000),
    ...art15Fields,
  })
  .superRefine((v, ctx) => {
    if (v.nameClearing && v.finding !== 'unfounded') ctx.addIssue({ code: 'custom', path: ['nameClearing'], message: NAME_CLEARING_ONLY_UNFOUNDED });
    if (v.kind !== 'general' && (v.otherProblems || v.nameClearing)) {
      ctx.addIssue({ code: 'custom', path: [v.otherProblems ? 'otherProblems' : 'nameClearing'], message: '调查中发现的其他问题和澄清事实申请随办结一并填写（第十五条）' });
    }
    if (v.kind === 'general') {
      if (!v.finding) ctx.addIssue({ code: 'custom', path: ['finding'], message: '一般投诉当场处理，请选择核查结论：属实、部分属实或不属实' });
      if (!v.summary) ctx.addIssue({ code: 'custom', path: ['summary'], message: '一般投诉当场处理，请填写办理结果' });
    }
  });

export const DesignateLeadAction = z
  .object({
    action: z.literal('designate-lead'),
    lead: deptCode('牵头单位'),
    coHandlers: z.array(deptCode('协办单位'), { error: '协办单位应为部门编码列表' }).max(20, '协办单位不能超过 20 个').default([]),
    /** Deadline set by the agency (art. 14(3)); the rules' default when absent. */
    dueDate: shanghaiDay('办理期限').optional(),
    taskForce: z.boolean({ error: '“组建专班”应为是或否' }).optional(),
    note: optionalText('协调说明', 2000),
  })
  .superRefine((v, ctx) => {
    v.coHandlers.forEach((c, i) => {
      if (c === v.lead) ctx.addIssue({ code: 'custom', path: ['coHandlers', i], message: '协办单位不能与牵头单位相同' });
      if (v.coHandlers.indexOf(c) !== i) ctx.addIssue({ code: 'custom', path: ['coHandlers', i], message: '协办单位重复' });
    });
  });

export const RequestExtensionAction = z.object({
  action: z.literal('request-extension'),
  newDueDate: shanghaiDay('延期后的办理期限'),
  reason: text('延期理由', 2000),
});

export const ConcludeAction = z
  .object({
    action: z.literal('conclude'),
    finding: z.enum(Finding.options, { error: '请选择核查结论：属实、部分属实或不属实' }),
    summary: text('办理结果', 5000),
    ...art15Fields,
  })
  .superRefine((v, ctx) => {
    if (v.nameClearing && v.finding !== 'unfounded') ctx.addIssue({ code: 'custom', path: ['nameClearing'], message: NAME_CLEARING_ONLY_UNFOUNDED });
  });

export const FileRectificationAction = z.object({
  action: z.literal('file-rectification'),
  summary: text('整改情况', 5000),
  /** How the other problems found during the inquiry were rectified (art. 15 “一并整改”); required when some were recorded. */
  otherProblems: optionalText('其他问题整改情况', 5000),
});

/** The agency records how it helped the respondent clear its name (art. 15). */
export const RecordNameClearingAction = z.object({
  action: z.literal('record-name-clearing'),
  summary: text('澄清情况', 2000),
});

export const ReplyAction = z
  .object({
    action: z.literal('reply'),
    method: z.enum(['phone', 'email', 'in_person', 'none'], { error: '请选择答复方式：电话、电子邮件、当面或不予答复' }),
    summary: optionalText('答复内容', 5000),
    reasonNone: NoReplyReason.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.method === 'none' && !v.reasonNone) ctx.addIssue({ code: 'custom', path: ['reasonNone'], message: '不予答复时须说明原因：匿名投诉、投诉人不需要答复或无法联系（第十六条）' });
    if (v.method !== 'none' && !v.summary) ctx.addIssue({ code: 'custom', path: ['summary'], message: '请填写答复内容记录' });
  });

export const RecordFollowUpAction = z.object({
  action: z.literal('record-follow-up'),
  satisfaction: z.enum(Satisfaction.options, { error: '请选择满意度：满意、基本满意或不满意' }),
  note: optionalText('回访记录', 2000),
});

/** Art. 19(4) circumstances the system checks: 无法联系 needs recorded failed contact attempts; any other needs its explanation. */
export const TerminationCircumstance = z.enum(['unreachable', 'other']);
export type TerminationCircumstance = z.infer<typeof TerminationCircumstance>;
export const TERMINATION_CIRCUMSTANCE_LABELS: Record<TerminationCircumstance, string> = { unreachable: '多次联系投诉人未果（无法联系）', other: '其他应当终止办理的情形' };

/**
 * Termination (art. 19): every ground names what it rests on. The fields a ground needs are checked here (the
 * field is named); what the record must show (a 补正 reminder whose period passed, failed contact attempts) is
 * checked by shared/domain/lifecycle/termination.ts.
 */
export const TerminateAction = z
  .object({
    action: z.literal('terminate'),
    reason: z.enum(TerminationReason.options, { error: '请选择终止办理的原因（第十九条第（一）至（四）项）' }),
    /** art. 19(2): which coordination activity the complainant missed, or what cooperation was refused, and when. */
    refusal: optionalText('不出席协调活动或拒绝配合的情况', 2000),
    /** art. 19(3): how and when the complainant gave the complaint up. */
    withdrawal: optionalText('投诉人放弃投诉的情况', 2000),
    /** art. 19(4): which other circumstance. */
    circumstance: z.enum(TerminationCircumstance.options, { error: '请选择第十九条第（四）项的具体情形：无法联系投诉人或其他情形' }).optional(),
    note: optionalText('终止说明', 2000),
  })
  .superRefine((v, ctx) => {
    if (v.reason === 'art19-2' && !v.refusal) {
      ctx.addIssue({ code: 'custom', path: ['refusal'], message: '以第十九条第（二）项终止的，请写明投诉人无正当理由未出席的协调活动或拒绝配合的事项及时间' });
    }
    if (v.reason === 'art19-3' && !v.withdrawal) {
      ctx.addIssue({ code: 'custom', path: ['withdrawal'], message: '以第十九条第（三）项终止的，请写明投诉人以何种方式、于何时表示自愿放弃投诉' });
    }
    if (v.reason === 'art19-4' && !v.circumstance) {
      ctx.addIssue({ code: 'custom', path: ['circumstance'], message: '以第十九条第（四）项终止的，请选择具体情形：无法联系投诉人或其他情形' });
    }
    if (v.reason === 'art19-4' && v.circumstance === 'other' && !v.note) {
      ctx.addIssue({ code: 'custom', path: ['note'], message: '以第十九条第（四）项“其他情形”终止的，请在终止说明中写明应当终止办理的具体情形' });
    }
    if (v.circumstance && v.reason !== 'art19-4') ctx.addIssue({ code: 'custom', path: ['circumstance'], message: '具体情形只用于第十九条第（四）项' });
  });

export const INQUIRY_METHOD_LABELS = { questioning: '询问有关人员', video: '调取视频', files: '查阅档案资料', site: '现场核查' } as const;

const nameList = (label: string, max: number) =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(/[\r\n、,，;；]+/)
            .map((x) => x.trim())
            .filter((x) => x.length > 0)
        : v,
    z
      .array(
        z
          .string({ error: `${label}应为文字` })
          .trim()
          .min(1)
          .max(100, `每项${label}不能超过 100 个字`),
        { error: `请填写${label}` },
      )
      .max(max, `${label}不能超过 ${max} 项`),
  );

/** Art. 14(3): one coordination record — the task force, a coordination meeting or an inquiry step. */
export const RecordCoordinationAction = z
  .object({
    action: z.literal('record-coordination'),
    kind: z.enum(['task_force', 'meeting', 'inquiry'], { error: '请选择记录类型：工作专班、协调会或调查核实' }),
    /** task_force: one member per line, “姓名（单位）” or “姓名 单位”. */
    members: nameList('专班成员', 50).optional(),
    date: shanghaiDay('日期').optional(),
    attendees: nameList('参会人员', 100).optional(),
    minutes: optionalText('会议纪要', 5000),
    decisions: optionalText('议定事项', 5000),
    method: z.enum(['questioning', 'video', 'files', 'site'], { error: '请选择调查方式：询问有关人员、调取视频、查阅档案资料或现场核查' }).optional(),
    what: optionalText('调查内容和结果', 5000),
    conductedBy: optionalText('调查人员', 200),
    materials: nameList('取得的材料', 50).optional(),
  })
  .superRefine((v, ctx) => {
    const need = (field: string, ok: unknown, message: string) => {
      if (!ok || (Array.isArray(ok) && ok.length === 0)) ctx.addIssue({ code: 'custom', path: [field], message });
    };
    if (v.kind === 'task_force') need('members', v.members, '请填写专班成员及其单位，每行一人，如“张三（市场监管局）”');
    if (v.kind === 'meeting') {
      need('date', v.date, '请填写协调会日期');
      need('attendees', v.attendees, '请填写参会人员（单位）');
      need('minutes', v.minutes, '请填写会议纪要');
      need('decisions', v.decisions, '请填写议定事项');
    }
    if (v.kind === 'inquiry') {
      need('date', v.date, '请填写调查日期');
      need('method', v.method, '请选择调查方式');
      need('what', v.what, '请填写询问或取得的内容及结果');
      need('conductedBy', v.conductedBy, '请填写调查人员');
    }
  });

export const CORRECTION_CHANNEL_LABELS: Record<CorrectionChannel, string> = { phone: '电话', email: '电子邮件', letter: '信函', in_person: '当面', sms: '短信' };

/** 补正提醒 (art. 19(1)): what the complainant was asked to correct, how, when, and by which day. */
export const RequestCorrectionAction = z
  .object({
    action: z.literal('request-correction'),
    content: text('补正内容', 2000),
    channel: z.enum(CorrectionChannel.options, { error: '请选择提醒方式：电话、电子邮件、信函、当面或短信' }),
    /** The day the reminder was given; today when absent. */
    sentOn: shanghaiDay('提醒日期').optional(),
    correctBy: shanghaiDay('补正期限'),
  })
  .superRefine((v, ctx) => {
    if (v.sentOn && v.correctBy <= v.sentOn) ctx.addIssue({ code: 'custom', path: ['correctBy'], message: '补正期限应晚于提醒日期' });
  });

export const MergeAction = z.object({
  action: z.literal('merge'),
  into: text('合并到的投诉件编号', 64),
  note: optionalText('合并说明', 2000),
});

export const UnmergeAction = z.object({
  action: z.literal('unmerge'),
  note: optionalText('撤销合并说明', 2000),
});

export const RecuseAction = z.object({
  action: z.literal('recuse'),
  reason: text('回避理由', 1000),
  /** Another handler of the same department who takes over (art. 21). */
  handOverTo: optionalText('接办人', 128),
});

export const EscalateAction = z.object({
  action: z.literal('escalate'),
  to: z.enum(['agency', 'leader'], { error: '请选择上报对象：政务服务管理机构或主管领导' }),
  reason: text('上报事由', 2000),
  /** Serious petition or stability risk (art. 9(2)). */
  stabilityRisk: z.boolean({ error: '“信访维稳风险”应为是或否' }).optional(),
});

/** A call or a letter to the complainant done (or tried) by staff: the outcome of one contact task. */
export const RecordContactAction = z
  .object({
    action: z.literal('record-contact'),
    contactId: text('告知任务编号', 32),
    outcome: z.enum(ContactOutcome.options, { error: '请选择结果：已接通、无人接听、改日再拨或已寄出' }),
    /** 改日再拨: the date by which the next call is due. */
    retryBy: shanghaiDay('再拨日期').optional(),
    note: optionalText('记录', 2000),
  })
  .superRefine((v, ctx) => {
    if (v.outcome === 'retry_later' && !v.retryBy) ctx.addIssue({ code: 'custom', path: ['retryBy'], message: '改日再拨时请填写最迟再拨日期' });
  });

/** Passages as a list, or as one text with one passage per line (the console's text box). */
const passageList = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(/\r?\n/)
          .map((x) => x.trim())
          .filter((x) => x.length > 0)
      : v,
  z
    .array(z.string({ error: '保密内容应为文字' }).trim().min(2, '每段保密内容至少 2 个字').max(500, '每段保密内容不能超过 500 个字'), { error: '请填写要隐去的内容，每行一段' })
    .min(1, '请填写要隐去的内容，每行一段')
    .max(20, '一次最多标注 20 段内容'),
);

/** Art. 13: marks content as a state secret, trade secret or private, after intake (the agency; audited with its reason). */
export const MarkSecretAction = z
  .object({
    action: z.literal('mark-secret'),
    category: z.enum(SecrecyCategory.options, { error: '请选择保密类别：国家秘密、商业秘密或个人隐私' }),
    scope: z.enum(SecrecyScope.options, { error: '请选择标注范围：全部投诉内容或指定的文字内容' }),
    passages: passageList.optional(),
    reason: text('标注理由', 1000),
  })
  .superRefine((v, ctx) => {
    if (v.scope === 'passages' && !v.passages?.length) ctx.addIssue({ code: 'custom', path: ['passages'], message: '标注指定内容时，请填写要隐去的文字，每行一段' });
    if (v.scope === 'content' && v.passages?.length) ctx.addIssue({ code: 'custom', path: ['passages'], message: '标注全部投诉内容时不需要填写指定文字' });
  });

/** Lifts a secrecy mark (the agency; audited with its reason); the mark stays on the record as lifted. */
export const LiftSecretMarkAction = z.object({
  action: z.literal('lift-secret-mark'),
  markId: text('标注编号', 16),
  reason: text('解除理由', 1000),
});

export const ACTION_SCHEMAS = {
  dispatch: DispatchAction,
  accept: AcceptAction,
  reject: RejectAction,
  classify: ClassifyAction,
  'designate-lead': DesignateLeadAction,
  'request-extension': RequestExtensionAction,
  conclude: ConcludeAction,
  'file-rectification': FileRectificationAction,
  reply: ReplyAction,
  'record-follow-up': RecordFollowUpAction,
  terminate: TerminateAction,
  merge: MergeAction,
  unmerge: UnmergeAction,
  recuse: RecuseAction,
  escalate: EscalateAction,
  'record-contact': RecordContactAction,
  'mark-secret': MarkSecretAction,
  'lift-secret-mark': LiftSecretMarkAction,
  'record-name-clearing': RecordNameClearingAction,
  'request-correction': RequestCorrectionAction,
  'record-coordination': RecordCoordinationAction,
} as const satisfies Record<ActionName, z.ZodType>;

export type ActionBody = { [K in ActionName]: z.output<(typeof ACTION_SCHEMAS)[K]> }[ActionName];
export type ActionBodyOf<K extends ActionName> = z.output<(typeof ACTION_SCHEMAS)[K]>;

export const ACTION_LABELS: Record<ActionName, string> = {
  dispatch: '交办',
  accept: '受理',
  reject: '不予受理',
  classify: '分类',
  'designate-lead': '指定牵头单位',
  'request-extension': '申请延期',
  conclude: '办结',
  'file-rectification': '整改报备',
  reply: '答复',
  'record-follow-up': '回访',
  terminate: '终止办理',
  merge: '合并',
  unmerge: '撤销合并',
  recuse: '回避',
  escalate: '上报',
  'record-contact': '记录告知结果',
  'mark-secret': '保密标注',
  'lift-secret-mark': '解除保密标注',
  'record-name-clearing': '记录澄清情况',
  'request-correction': '补正提醒',
  'record-coordination': '记录协调调查',
};

/** Art. 13: content can be marked (and a mark lifted) at any time after intake, the archive included. */
const SECRECY: ActionName[] = ['mark-secret', 'lift-secret-mark'];
const WAITING_COMMON: ActionName[] = ['terminate', 'request-correction', 'recuse', 'escalate', 'record-contact', ...SECRECY];
const AFTER_CONCLUSION_ACTIONS: ActionName[] = ['file-rectification', 'reply', 'record-follow-up', 'record-name-clearing', ...WAITING_COMMON];

/** The clock whose part an action after the conclusion completes: the action is allowed while that clock is open. */
const PART_CLOCK: Partial<Record<ActionName, ClockName>> = { 'file-rectification': 'rectification', reply: 'reply', 'record-follow-up': 'follow_up' };

/** Actions per phase, before the finer conditions of `allowedActions`. */
export const PHASE_ACTIONS: Record<Phase, readonly ActionName[]> = {
  received: ['merge', 'escalate', ...SECRECY],
  screening: ['merge', 'escalate', ...SECRECY],
  dispatch: ['dispatch', 'reject', 'merge', ...WAITING_COMMON],
  // dispatch in acceptance = 改派 (re-route) by the agency before the department accepted (issue 15).
  acceptance: ['accept', 'reject', 'dispatch', 'merge', ...WAITING_COMMON],
  classification: ['classify', 'merge', ...WAITING_COMMON],
  handling: ['designate-lead', 'record-coordination', 'request-extension', 'conclude', ...WAITING_COMMON],
  // After the conclusion the three parts run side by side (arts. 15, 16, 17): each is open while its clock is.
  rectification: AFTER_CONCLUSION_ACTIONS,
  reply: AFTER_CONCLUSION_ACTIONS,
  follow_up: AFTER_CONCLUSION_ACTIONS,
  // A call or a letter may still be due after the case closed (a refusal, a termination): its outcome is recorded.
  archived: ['record-contact', ...SECRECY],
  // The 合并办理告知 call or letter to the merged case's complainant is recorded on the merged case (art. 11).
  merged: ['unmerge', 'record-contact', ...SECRECY],
};

/** The staff actions allowed in the case's phase (contract: the await task stores them on the case). */
export function allowedActions(c: CaseRecord): ActionName[] {
  return PHASE_ACTIONS[c.phase].filter((a) => {
    if (a === 'designate-lead') return c.classification === 'intervention';
    if (a === 'record-coordination') return c.classification === 'intervention';
    if (a === 'request-extension') return c.classification === 'transfer';
    if (a === 'record-name-clearing') return c.nameClearing !== undefined && c.nameClearing.clearedAt === undefined;
    if (a === 'record-contact') return (c.contacts ?? []).some((x) => x.status === 'pending' && x.channel !== 'email');
    if (a === 'lift-secret-mark') return hasActiveMarks(c);
    const part = PART_CLOCK[a];
    if (part) return c.deadlines.some((d) => d.clock === part && d.metAt === undefined);
    return true;
  });
}

export function isActionName(v: unknown): v is ActionName {
  return typeof v === 'string' && (ACTION_NAMES as readonly string[]).includes(v);
}

/** The action name of a request body, or a ValidationError naming the field. */
export function actionNameOf(body: unknown): ActionName {
  const name = typeof body === 'object' && body !== null ? (body as { action?: unknown }).action : undefined;
  if (!isActionName(name)) {
    throw new ValidationError([{ field: 'action', message: `请指定有效的操作：${ACTION_NAMES.join('、')}`, code: 'invalid_action' }]);
  }
  return name;
}

/** Validates an action body with its schema; ValidationError with Chinese field messages. */
export function parseAction(body: unknown): ActionBody {
  const name = actionNameOf(body);
  const parsed = ACTION_SCHEMAS[name].safeParse(body);
  if (!parsed.success) {
    const problems: FieldProblem[] = parsed.error.issues.map((i) => {
      const field = i.path.map(String).join('.') || 'body';
      return { field, message: HAN.test(i.message) ? i.message : chineseMessage(i, field), code: i.code };
    });
    throw new ValidationError(problems);
  }
  return parsed.data as ActionBody;
}

const HAN = /[\u4e00-\u9fff]/;

/** A Chinese message for a zod issue whose schema gave none (people read these next to the field). */
function chineseMessage(issue: z.core.$ZodIssue, field: string): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? `请填写“${field}”。` : `“${field}”的格式不正确。`;
    case 'too_big':
      return issue.origin === 'string' ? `“${field}”不能超过 ${String(issue.maximum)} 个字。` : `“${field}”超出允许的范围。`;
    case 'too_small':
      return issue.origin === 'string' ? `请填写“${field}”。` : `“${field}”低于允许的范围。`;
    case 'invalid_value':
    case 'invalid_union':
      return `“${field}”的取值无效。`;
    case 'unrecognized_keys':
      return `不认识的字段：${issue.keys.join('、')}。`;
    case 'invalid_format':
      return `“${field}”的格式不正确。`;
    default:
      return `“${field}”的内容不正确。`;
  }
}
