/**
 * Chinese notice templates (text and simple HTML). Art. 12: nothing here promises an outcome before the
 * matter is investigated; the texts state the procedure, its time limits and what was recorded. Art. 13:
 * everything addressed to officials is built from the redacted case (no confidential identity).
 *
 * Each render function takes the case (after the change) and the life-cycle context and returns the
 * notices to send; a complainant notice is only produced when the complainant can be written to.
 */
import { referralPhrase } from './format';
import type { Assignment, CaseRecord, Deadline } from '../case';
import { PHASE_LABELS } from '../case';
import type { LifecycleContext, Notice } from '../lifecycle/context';
import { CLOCK_LABELS, deadlineStepLabel } from '../lifecycle/deadlines';
import { NOT_ACCEPTED_REASONS, TERMINATION_REASONS } from '../rules';
import { scrubIdentity } from '../redaction';
import {
  agencyAddresses,
  caseFields,
  cnDate,
  cnDateTime,
  cnDue,
  provisionalField,
  complainantAddress,
  complainantGreeting,
  complainantLine,
  compose,
  departmentAddress,
  departmentName,
  handlingDepartments,
  leaderAddress,
} from './format';
import { CLASSIFICATION_LABELS, FINDING_LABELS_INTERNAL as FINDING_LABELS, REPLY_METHOD_LABELS, SATISFACTION_LABELS } from './labels';
import { assignmentSlipPage, slipFields } from './slip';
import { art15Fields } from './art15';

const NO_PROMISE = '在调查核实之前，本通知不构成对处理结果的任何承诺（第十二条）。';

const tag = (c: CaseRecord) => `（受理编号 ${c.trackingNo}）`;

/**
 * The mail recipients of a complainant notice: the address, or none when the complainant has no mail address but
 * can be reached by phone or post (the notice then becomes a call or a letter, shared/domain/notices/contacts.ts);
 * undefined when the complainant cannot be reached at all (anonymous, or no contact given).
 */
function forComplainant(c: CaseRecord): string[] | undefined {
  const a = complainantAddress(c);
  if (a) return [a];
  const p = c.intake.complainant;
  if (p.anonymous || c.flags.anonymous) return undefined;
  return p.phone?.trim() || p.address?.trim() ? [] : undefined;
}

// ------------------------------------------------------------------------------ complainant notices

/** 受理告知 (art. 10): the department decided to accept. */
export function acceptanceNotice(c: CaseRecord, ctx: LifecycleContext): Notice | undefined {
  const to = forComplainant(c);
  if (!to) return undefined;
  const d = ctx.rules.deadlines;
  return compose(c, ctx, {
    kind: 'acceptance',
    audience: 'complainant',
    to,
    subject: `投诉受理告知${tag(c)}`,
    greeting: complainantGreeting(c),
    paragraphs: [
      `您于${cnDate(c.receivedAt)}提出的政务服务投诉，已由${departmentName(ctx.jurisdiction, handlingDepartments(c)[0])}决定受理（《${ctx.rules.title}》第十条）。`,
      `该投诉将依规分类办理：事实清楚、情节简单的当场处理；登记转办的，承办单位在收到交办单后 ${d.transferResultWorkingDays} 个工作日内反馈办理结果，特殊情况依规延期的，延期最长不超过 ${d.extensionMaxWorkingDays} 个工作日（第十四条）。`,
      '办理过程中如需补充材料或了解情况，承办单位将与您联系。您可凭受理编号和查询码查询办理进度。',
    ],
    fields: [['受理编号', c.trackingNo]],
    notes: [NO_PROMISE],
  });
}

/**
 * 合并办理告知 (art. 11): the complainant of a case that staff merged into another is told where it is handled now
 * and how to follow it; promises nothing about the outcome (art. 12).
 */
export function mergedIntoNotice(c: CaseRecord, ctx: LifecycleContext, intoTrackingNo: string): Notice | undefined {
  const to = forComplainant(c);
  if (!to) return undefined;
  return compose(c, ctx, {
    kind: 'merged',
    audience: 'complainant',
    to,
    subject: `投诉合并办理告知${tag(c)}`,
    greeting: complainantGreeting(c),
    paragraphs: [
      `您于${cnDate(c.receivedAt)}提出的政务服务投诉，经核对，与此前通过其他渠道反映的投诉为同一投诉事项。根据《${ctx.rules.title}》第十一条，已并入受理编号为 ${intoTrackingNo} 的投诉件合并办理。`,
      '您此次提交的投诉内容、联系方式和相关材料均已完整保留，不会因合并而删除。',
      `您仍可凭原受理编号 ${c.trackingNo} 和查询码查询办理进展。如您认为两件投诉并非同一事项，可联系我们说明情况，工作人员将予以核实。`,
    ],
    fields: [
      ['受理编号', c.trackingNo],
      ['合并到的投诉件', intoTrackingNo],
    ],
    notes: [NO_PROMISE],
  });
}

/** 撤销合并告知 (art. 11): the merge was undone; the complaint is handled on its own again. */
export function unmergedNotice(c: CaseRecord, ctx: LifecycleContext, fromTrackingNo: string): Notice | undefined {
  const to = forComplainant(c);
  if (!to) return undefined;
  return compose(c, ctx, {
    kind: 'unmerged',
    audience: 'complainant',
    to,
    subject: `投诉撤销合并告知${tag(c)}`,
    greeting: complainantGreeting(c),
    paragraphs: [
      `您于${cnDate(c.receivedAt)}提出的政务服务投诉，此前并入受理编号为 ${fromTrackingNo} 的投诉件合并办理。经进一步核对，两件投诉并非同一投诉事项，已撤销合并，您的投诉恢复单独办理（《${ctx.rules.title}》第十一条）。`,
      `您可凭受理编号 ${c.trackingNo} 和查询码查询办理进展。`,
    ],
    fields: [['受理编号', c.trackingNo]],
    notes: [NO_PROMISE],
  });
}

/** 不予受理告知 with the art. 8 reason and, under art. 9, where to go or the 12345 transfer. */
export function notAcceptedNotice(c: CaseRecord, ctx: LifecycleContext): Notice | undefined {
  const to = forComplainant(c);
  const o = c.outcome;
  if (!to || o?.kind !== 'not_accepted') return undefined;
  const reason = ctx.rules.notAcceptedReasons[o.reason] ?? NOT_ACCEPTED_REASONS[o.reason];
  const paragraphs = [`您于${cnDate(c.receivedAt)}提出的投诉，经审查，属于《${ctx.rules.title}》${reason.article}规定的“${reason.label}”情形，依规不予受理。`];
  paragraphs.push(...whereToGo(c, ctx));
  // art. 9(1) “做好解释工作”: the staff explanation reaches the complainant as written.
  if (o.explanation) paragraphs.push(`说明：${o.explanation}`);
  return compose(c, ctx, {
    kind: 'not_accepted',
    audience: 'complainant',
    to,
    subject: `投诉不予受理告知${tag(c)}`,
    greeting: complainantGreeting(c),
    paragraphs,
    fields: [
      ['受理编号', c.trackingNo],
      ['不予受理依据', `${reason.article}：${reason.label}`],
    ],
    notes: ['如您有新的事实或证明材料，可以重新提出投诉。'],
  });
}

/** Where to go (art. 9(1)): the referral text, the 12345 transfer, and per reason an explanation. */
export function whereToGo(c: CaseRecord, ctx: LifecycleContext): string[] {
  const o = c.outcome;
  if (o?.kind !== 'not_accepted') return [];
  const out: string[] = [];
  if (o.referral) out.push(`建议您${referralPhrase(o.referral).replace(/^(请|建议)(您)?/, '')}。`);
  if (o.transferredTo12345) out.push(`您的诉求已转接“${ctx.jurisdiction.referral.hotline}”政务服务便民热线，由其按程序转交有关部门办理；您也可以直接拨打 ${ctx.jurisdiction.referral.hotline} 咨询。`);
  if (o.reason === 'art8-4') out.push('该事项已经或者正在通过信访、诉讼、仲裁、行政复议、调解等途径解决，请按该途径的程序继续办理。');
  if (o.reason === 'art8-3') out.push('同一事项已经受理或者正在办理，办理结果将按原投诉件告知，您可凭原受理编号查询进度。');
  if (o.reason === 'art8-5') out.push('同一事项已经办结，如有新的证明材料，可以重新提出投诉。');
  if (out.length === 0) out.push(`如有疑问，可拨打 ${ctx.jurisdiction.agency.phone ?? ctx.jurisdiction.referral.hotline} 咨询。`);
  return out;
}

/** 延期告知 (art. 14(2)): the complainant and the agency are told the new time limit. */
export function extensionNotices(c: CaseRecord, ctx: LifecycleContext, d: Deadline, reason: string): Notice[] {
  const out: Notice[] = [];
  const to = forComplainant(c);
  const original = d.originalDueAt ?? d.dueAt;
  if (to) {
    out.push(
      compose(c, ctx, {
        kind: 'extension',
        audience: 'complainant',
        to,
        subject: `投诉延期办理告知${tag(c)}`,
        greeting: complainantGreeting(c),
        paragraphs: [`您的投诉因特殊情况需延期办理。依照《${ctx.rules.title}》第十四条第（二）项，办理时限由${cnDate(original)}延至${cnDue(d)}。`],
        fields: [
          ['受理编号', c.trackingNo],
          ['延期后的办理时限', cnDue(d)],
        ],
        notes: [NO_PROMISE],
      }),
    );
  }
  out.push(
    compose(c, ctx, {
      kind: 'extension',
      audience: 'agency',
      to: agencyAddresses(ctx.jurisdiction),
      subject: `投诉延期办理报告${tag(c)}`,
      greeting: `${ctx.jurisdiction.agency.name}：`,
      paragraphs: [
        `${departmentName(ctx.jurisdiction, handlingDepartments(c)[0])}申请延期办理，办理时限由${cnDate(original)}延至${cnDue(d)}（第十四条第（二）项，延期最长不超过 ${ctx.rules.deadlines.extensionMaxWorkingDays} 个工作日）。`,
        `延期理由：${scrubIdentity(reason, c)}`,
      ],
      fields: caseFields(c, ctx),
    }),
  );
  return out;
}

/**
 * 办理结果告知 (arts. 14(2), 16): the department's result, fed back to the complainant at the conclusion, on every
 * channel the complainant can be reached on (a mail, a call script, a letter: shared/domain/notices/contacts.ts).
 */
export function resultToComplainantNotice(c: CaseRecord, ctx: LifecycleContext): Notice | undefined {
  const to = forComplainant(c);
  if (!to || !c.conclusion) return undefined;
  const d = ctx.rules.deadlines;
  const rectify = c.conclusion.finding !== 'unfounded';
  return compose(c, ctx, {
    kind: 'result_feedback',
    audience: 'complainant',
    to,
    subject: `投诉办理结果告知${tag(c)}`,
    greeting: complainantGreeting(c),
    paragraphs: [
      `您于${cnDate(c.receivedAt)}提出的政务服务投诉，${departmentName(ctx.jurisdiction, handlingDepartments(c)[0])}已办理完毕，核查结论为“${FINDING_LABELS[c.conclusion.finding]}”。现将办理结果告知如下（《${ctx.rules.title}》第十四条第（二）项、第十六条）：`,
      c.conclusion.summary,
      ...(rectify ? [`承办单位将依规组织整改，并在办结后 ${d.rectificationWorkingDays} 个工作日内将整改结果报${ctx.jurisdiction.agency.name}备案（第十五条）。`] : []),
    ],
    fields: [['受理编号', c.trackingNo]],
    notes: [`${ctx.jurisdiction.agency.name}将在办结后 ${d.followUpWorkingDays} 个工作日内回访，了解您对办理结果的满意情况（第十七条）。`],
  });
}

/** The reply itself, sent to the complainant when the handling unit replies by email (art. 16). */
export function replyToComplainantNotice(c: CaseRecord, ctx: LifecycleContext): Notice | undefined {
  const to = forComplainant(c);
  if (!to || c.reply?.method !== 'email' || !c.reply.summary) return undefined;
  return compose(c, ctx, {
    kind: 'reply_record',
    audience: 'complainant',
    to,
    subject: `投诉办理结果答复${tag(c)}`,
    greeting: complainantGreeting(c),
    paragraphs: [`您的投诉已办理完毕，现将办理结果答复如下（第十六条）：`, c.reply.summary],
    fields: [['受理编号', c.trackingNo]],
    notes: [`${ctx.jurisdiction.agency.name}将在办结后 ${ctx.rules.deadlines.followUpWorkingDays} 个工作日内回访，了解您对办理结果的满意情况（第十七条）。`],
  });
}

/** 回访 (art. 17): the satisfaction survey, sent to the complainant when they can be written to. */
export function followUpSurveyNotice(c: CaseRecord, ctx: LifecycleContext): Notice | undefined {
  const to = forComplainant(c);
  if (!to) return undefined;
  return compose(c, ctx, {
    kind: 'follow_up_survey',
    audience: 'complainant',
    to,
    subject: `投诉办理情况回访${tag(c)}`,
    greeting: complainantGreeting(c),
    paragraphs: [
      `您的投诉已办结。依照《${ctx.rules.title}》第十七条，${ctx.jurisdiction.agency.name}就办理情况进行回访。`,
      `请告诉我们您对办理结果的评价：满意、基本满意或不满意，并可附上意见。您可直接回复本邮件${ctx.jurisdiction.agency.phone ? `，或拨打 ${ctx.jurisdiction.agency.phone}` : ''}；工作人员也可能电话回访。`,
    ],
    fields: [['受理编号', c.trackingNo]],
  });
}

// ------------------------------------------------------------------------------ official notices

/** 交办单 mail to the chief representative of a unit (owner, lead or co-handler), with the printable page attached. */
export function assignmentSlipNotice(c: CaseRecord, ctx: LifecycleContext, assignment: Assignment): Notice {
  const role = assignment.role === 'lead' ? '（牵头单位）' : assignment.role === 'co_handler' ? '（协办单位）' : '';
  const n = compose(c, ctx, {
    kind: 'assignment_slip',
    audience: 'department',
    to: departmentAddress(ctx.jurisdiction, assignment.department),
    subject: `政务服务投诉交办单 ${assignment.slipNo ?? ''}${tag(c)}`.replace('  ', ' '),
    greeting: `${departmentName(ctx.jurisdiction, assignment.department)}首席事务代表：`,
    paragraphs: [`现将以下政务服务投诉交你单位${role}办理，请认真研究解决办法，不得推诿、敷衍、拖延（第十条）。交办单全文见附件，可打印存档。`],
    fields: slipFields(c, ctx, assignment),
  });
  n.department = assignment.department;
  n.attachments = [{ filename: `交办单-${assignment.slipNo ?? c.trackingNo}.html`, contentType: 'text/html; charset=utf-8', content: assignmentSlipPage(c, ctx, assignment) }];
  return n;
}

/** 12345 转接记录 (art. 9(1)) for the agency, which hands the matter to the hotline. */
export function referral12345Notice(c: CaseRecord, ctx: LifecycleContext): Notice {
  return compose(c, ctx, {
    kind: 'referral_12345',
    audience: 'agency',
    to: agencyAddresses(ctx.jurisdiction),
    subject: `投诉转接${ctx.jurisdiction.referral.hotline}记录${tag(c)}`,
    greeting: `${ctx.jurisdiction.agency.name}：`,
    paragraphs: [`以下投诉不属于本级政务服务投诉受理范围，已决定转接“${ctx.jurisdiction.referral.hotline}”政务服务便民热线（第九条第（一）项），请按转接程序办理并做好解释工作。`],
    fields: [...caseFields(c, ctx), ['投诉人', complainantLine(c)]],
  });
}

/** Who must act on a clock: the agency for dispatch and follow-up, otherwise the handling unit. */
function actorAddresses(c: CaseRecord, ctx: LifecycleContext, d: Deadline): string[] {
  if (d.clock === 'dispatch' || d.clock === 'follow_up') return agencyAddresses(ctx.jurisdiction);
  const depts = handlingDepartments(c).flatMap((code) => departmentAddress(ctx.jurisdiction, code));
  return depts.length ? depts : agencyAddresses(ctx.jurisdiction);
}

/** 到期提醒: a deadline is near. */
export function reminderNotice(c: CaseRecord, ctx: LifecycleContext, d: Deadline): Notice {
  const agencyActs = d.clock === 'dispatch' || d.clock === 'follow_up';
  return compose(c, ctx, {
    kind: 'reminder',
    audience: agencyActs ? 'agency' : 'department',
    to: actorAddresses(c, ctx, d),
    subject: `投诉办理到期提醒：${CLOCK_LABELS[d.clock]}${cnDate(d.dueAt)}届满${tag(c)}`,
    greeting: agencyActs ? `${ctx.jurisdiction.agency.name}：` : `${departmentName(ctx.jurisdiction, handlingDepartments(c)[0])}首席事务代表：`,
    paragraphs: [`以下投诉当前环节为“${deadlineStepLabel(c, d)}”，${CLOCK_LABELS[d.clock]}将于${cnDue(d)}届满，请在期限内办理。`, '逾期办结将记入考评，并影响评优评先资格（第二十条）。'],
    fields: [...caseFields(c, ctx), [CLOCK_LABELS[d.clock], cnDue(d)], ...optional(provisionalField([d]))],
  });
}

/** 超期预警 to the agency (and the handling unit): a deadline passed unmet. */
export function overdueAlertNotice(c: CaseRecord, ctx: LifecycleContext, d: Deadline): Notice {
  const depts = d.clock === 'dispatch' || d.clock === 'follow_up' ? [] : handlingDepartments(c).flatMap((code) => departmentAddress(ctx.jurisdiction, code));
  return compose(c, ctx, {
    kind: 'overdue_alert',
    audience: 'agency',
    to: [...agencyAddresses(ctx.jurisdiction), ...depts],
    subject: `投诉办理超期预警：${CLOCK_LABELS[d.clock]}已届满${tag(c)}`,
    greeting: `${ctx.jurisdiction.agency.name}：`,
    paragraphs: [`以下投诉的${CLOCK_LABELS[d.clock]}已于${cnDue(d)}届满，当前环节“${deadlineStepLabel(c, d)}”尚未完成，已标记超期。超期记录将保留并计入季度考评（第二十条），请督促办理。`],
    fields: [
      ...caseFields(c, ctx),
      [
        '承办单位',
        handlingDepartments(c)
          .map((x) => departmentName(ctx.jurisdiction, x))
          .join('、') || '（尚未交办）',
      ],
      [CLOCK_LABELS[d.clock], cnDue(d)],
      ...optional(provisionalField([d])),
    ],
  });
}

const optional = <T>(x: T | undefined): T[] => (x === undefined ? [] : [x]);

/** 信访维稳风险报告 to the leader (art. 9(2)). */
export function stabilityRiskNotice(c: CaseRecord, ctx: LifecycleContext, why: string): Notice {
  return compose(c, ctx, {
    kind: 'stability_risk',
    audience: 'leader',
    to: leaderAddress(ctx.jurisdiction),
    subject: `【及时报告】投诉存在较大信访维稳风险${tag(c)}`,
    greeting: `${ctx.jurisdiction.agency.leader.name}：`,
    paragraphs: [`以下投诉经初步判断存在较大信访维稳风险，依照《${ctx.rules.title}》第九条第（二）项及时报告，请按有关规定处理。`, `判断依据：${scrubIdentity(why, c)}`],
    fields: caseFields(c, ctx),
  });
}

/** 上报 by staff to the agency or the leader. */
export function escalationNotice(c: CaseRecord, ctx: LifecycleContext, to: 'agency' | 'leader', reason: string): Notice {
  return compose(c, ctx, {
    kind: 'escalation',
    audience: to,
    to: to === 'leader' ? leaderAddress(ctx.jurisdiction) : agencyAddresses(ctx.jurisdiction),
    subject: `投诉上报${tag(c)}`,
    greeting: to === 'leader' ? `${ctx.jurisdiction.agency.leader.name}：` : `${ctx.jurisdiction.agency.name}：`,
    paragraphs: [`以下投诉（当前环节“${PHASE_LABELS[c.phase]}”）已上报，请研究处理。`, `上报事由：${scrubIdentity(reason, c)}`],
    fields: caseFields(c, ctx),
  });
}

/** Intervention (art. 14(3)): the agency must name a lead unit. */
export function interventionNotice(c: CaseRecord, ctx: LifecycleContext): Notice {
  return compose(c, ctx, {
    kind: 'intervention',
    audience: 'agency',
    to: agencyAddresses(ctx.jurisdiction),
    subject: `投诉需介入协调处理${tag(c)}`,
    greeting: `${ctx.jurisdiction.agency.name}：`,
    paragraphs: [`以下投诉已分类为“${CLASSIFICATION_LABELS.intervention}”，投诉事项复杂或涉及多个部门（单位），请及时明确牵头单位和办理时限（第十四条第（三）项），必要时组建专班协调处理。`],
    fields: caseFields(c, ctx),
  });
}

/** 整改报备 (art. 15) to the agency. */
export function rectificationFiledNotice(c: CaseRecord, ctx: LifecycleContext): Notice {
  return compose(c, ctx, {
    kind: 'rectification_filed',
    audience: 'agency',
    to: agencyAddresses(ctx.jurisdiction),
    subject: `投诉整改情况报备${tag(c)}`,
    greeting: `${ctx.jurisdiction.agency.name}：`,
    paragraphs: [`以下投诉经调查核实${c.conclusion ? FINDING_LABELS[c.conclusion.finding] : ''}，承办单位已报备整改情况（第十五条）。`],
    fields: [...caseFields(c, ctx), ['整改情况', scrubIdentity(c.rectification?.summary ?? '', c)], ...art15Fields(c)],
  });
}

/** 办理结果反馈 (art. 14(2)) to the agency at the conclusion, with the three clocks that now run side by side. */
export function resultFeedbackNotice(c: CaseRecord, ctx: LifecycleContext): Notice {
  const due = (clock: Deadline['clock']) => c.deadlines.find((d) => d.clock === clock && d.metAt === undefined);
  const fields: (readonly [string, string])[] = [
    ...caseFields(c, ctx),
    ['核查结论', c.conclusion ? FINDING_LABELS[c.conclusion.finding] : '（无）'],
    ['办理结果', scrubIdentity(c.conclusion?.summary ?? '', c)],
  ];
  for (const clock of ['reply', 'rectification', 'follow_up'] as const) {
    const d = due(clock);
    if (d) fields.push([CLOCK_LABELS[clock], cnDue(d)]);
  }
  return compose(c, ctx, {
    kind: 'result_feedback',
    audience: 'agency',
    to: agencyAddresses(ctx.jurisdiction),
    subject: `投诉办理结果反馈${tag(c)}`,
    greeting: `${ctx.jurisdiction.agency.name}：`,
    paragraphs: [
      `以下投诉已办结，承办单位反馈办理结果如下（第十四条第（二）项）。办理结果同时告知投诉人；整改报备（第十五条）、答复（第十六条）与回访（第十七条）各自从办结之日起计算期限，互不等待。请在办结后 ${ctx.rules.deadlines.followUpWorkingDays} 个工作日内回访（第十七条）。`,
    ],
    fields,
  });
}

/** 答复记录 (arts. 14(2), 16) to the agency. */
export function replyRecordNotice(c: CaseRecord, ctx: LifecycleContext): Notice {
  const r = c.reply;
  const fields = [...caseFields(c, ctx), ['核查结论', c.conclusion ? FINDING_LABELS[c.conclusion.finding] : '（无）'] as const, ['答复方式', r ? REPLY_METHOD_LABELS[r.method] : '（无）'] as const];
  if (r?.reasonNone) fields.push(['不予答复原因', r.reasonNone]);
  if (r?.summary) fields.push(['答复记录', scrubIdentity(r.summary, c)]);
  return compose(c, ctx, {
    kind: 'reply_record',
    audience: 'agency',
    to: agencyAddresses(ctx.jurisdiction),
    subject: `投诉办理结果及答复记录${tag(c)}`,
    greeting: `${ctx.jurisdiction.agency.name}：`,
    paragraphs: [`以下投诉已办结，承办单位反馈办理结果及答复情况如下（第十四条第（二）项、第十六条）。请在办结后 ${ctx.rules.deadlines.followUpWorkingDays} 个工作日内回访（第十七条）。`],
    fields,
  });
}

/** 终止办理告知 (art. 19): to the complainant where contactable, and to the agency and the handling unit. */
export function terminationNotices(c: CaseRecord, ctx: LifecycleContext): Notice[] {
  const o = c.outcome;
  if (o?.kind !== 'terminated') return [];
  const reason = ctx.rules.terminationReasons[o.reason] ?? TERMINATION_REASONS[o.reason];
  const out: Notice[] = [];
  const to = forComplainant(c);
  if (to) {
    out.push(
      compose(c, ctx, {
        kind: 'termination',
        audience: 'complainant',
        to,
        subject: `投诉终止办理告知${tag(c)}`,
        greeting: complainantGreeting(c),
        paragraphs: [`您于${cnDate(c.receivedAt)}提出的投诉，因属于《${ctx.rules.title}》${reason.article}规定的“${reason.label}”情形，依规终止办理。`],
        fields: [['受理编号', c.trackingNo]],
        notes: ['如您有新的事实或证明材料，可以重新提出投诉。'],
      }),
    );
  }
  const depts = handlingDepartments(c).flatMap((code) => departmentAddress(ctx.jurisdiction, code));
  out.push(
    compose(c, ctx, {
      kind: 'termination',
      audience: 'agency',
      to: [...agencyAddresses(ctx.jurisdiction), ...depts],
      subject: `投诉终止办理${tag(c)}`,
      greeting: `${ctx.jurisdiction.agency.name}及承办单位：`,
      paragraphs: [`以下投诉于${cnDateTime(o.at)}依照${reason.article}（${reason.label}）终止办理。`, ...(o.note ? [`说明：${scrubIdentity(o.note, c)}`] : [])],
      fields: caseFields(c, ctx),
    }),
  );
  return out;
}

/** A handler recused (art. 21): the department names another handler. */
export function recusalNotice(c: CaseRecord, ctx: LifecycleContext, department: string): Notice {
  return compose(c, ctx, {
    kind: 'recusal',
    audience: 'department',
    to: departmentAddress(ctx.jurisdiction, department),
    subject: `投诉承办人回避，请另行指定承办人${tag(c)}`,
    greeting: `${departmentName(ctx.jurisdiction, department)}首席事务代表：`,
    paragraphs: ['以下投诉的一名承办人员因与投诉人存在利害关系已主动回避（第二十一条），其已不能查看和办理该投诉件。请另行指定承办人员。'],
    fields: caseFields(c, ctx),
  });
}

/** A member of the agency's staff recused (art. 21): the agency names who takes the case over. */
export function agencyRecusalNotice(c: CaseRecord, ctx: LifecycleContext): Notice {
  return compose(c, ctx, {
    kind: 'recusal',
    audience: 'agency',
    to: agencyAddresses(ctx.jurisdiction),
    subject: `工作人员回避，请另行指定办理人员${tag(c)}`,
    greeting: `${ctx.jurisdiction.agency.name}：`,
    paragraphs: ['以下投诉的一名本机构工作人员因与投诉事项存在利害关系已主动回避（第二十一条），其已不能查看和办理该投诉件。请另行指定工作人员办理。'],
    fields: caseFields(c, ctx),
  });
}

export { SATISFACTION_LABELS };
