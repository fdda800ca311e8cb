/**
 * Life-cycle paths as data: each scenario files one complaint through the real intake, takes staff actions
 * through the real action service, moves the clock to reminders and due times, restarts the engine, and says
 * how the case must end. The state-machine tests (test/statemachine) and `tousu demo` run the same list, so
 * a new path is one more entry here.
 */
import { randomUUID } from 'node:crypto';
import type { Actor, CaseRecord, Outcome, Phase, TimelineEvent } from '../../shared/domain/case';
import { PHASE_LABELS } from '../../shared/domain/case';
import type { NoticeKind } from '../../shared/domain/lifecycle';
import type { ExecutionSummary } from './engine';
import type { LifecycleSandbox } from './lifecycle-sandbox';
import { MemoryMailSender } from '../../shared/adapters/memory/mail-sender';

export type ActorRef = 'agency' | 'owner' | 'lead';
type Body = Record<string, unknown>;

export type ScenarioStep =
  /** A staff action that must succeed. */
  | { kind: 'act'; as: ActorRef; body: Body | ((c: CaseRecord, sb: LifecycleSandbox) => Body) }
  /** A staff action that must be refused with this error code (e.g. `extension_too_long`). */
  | { kind: 'refused'; as: ActorRef; body: Body | ((c: CaseRecord, sb: LifecycleSandbox) => Body); code: string }
  /** Moves the clock to the waiting step's reminder, to just after its due time, or to an instant. */
  | { kind: 'advance'; to: 'reminder' | 'overdue' | ((c: CaseRecord) => string) }
  /** Stops the engine and resumes every open case on a new one, as after a restart of the runtime. */
  | { kind: 'restart' };

export interface IntakeSpec {
  /** 'agency' or the code of the department that received it. */
  receivedBy: 'agency' | string;
  /** Department code of the respondent. */
  respondent: string;
  matter?: string;
  wantsReply?: boolean;
  /** `phone-only`: the complainant left a phone number and nothing else (a 12345 work order, most of the traffic). */
  contact?: 'phone-only';
}

export interface ScenarioExpectation {
  phase: Phase;
  outcome?: Outcome['kind'];
  /** Reason code of a not-accepted or terminated outcome. */
  reason?: string;
  overdue?: boolean;
  /** Timeline event types that must appear, in this order (others may come between). */
  events?: string[];
  notices?: NoticeKind[];
  stabilityRisk?: boolean;
}

export interface Scenario {
  id: string;
  /** Chinese title printed by the demo. */
  title: string;
  /** Articles of the regulation the path implements. */
  articles: string[];
  intake: IntakeSpec;
  steps: ScenarioStep[];
  expect: ScenarioExpectation;
}

export interface ScenarioResult {
  scenario: Scenario;
  caseId: string;
  ok: boolean;
  problems: string[];
  /** State transitions over every execution of the case (first start and resumes). */
  transitions: number;
  executions: number;
  timeline: TimelineEvent[];
  record: CaseRecord;
}

// ---------------------------------------------------------------------------------------------- building blocks

const D1 = 'SCJGJ'; // 市场监督管理局
const D2 = 'ZRZYGHJ'; // 自然资源和规划局
const D3 = 'BDCDJ'; // 不动产登记中心

const act = (as: ActorRef, body: Body): ScenarioStep => ({ kind: 'act', as, body });

/** The id of the open call task of a case for a notice (the scenario knows there is one). */
function pendingCall(c: CaseRecord, kind: NoticeKind): string {
  const task = (c.contacts ?? []).find((x) => x.channel === 'phone' && x.status === 'pending' && x.kind === kind);
  if (!task) throw new Error(`the case has no open ${kind} call task`);
  return task.id;
}

/**
 * The transfer path after screening of an agency-received complaint, one step per waiting phase left. After the
 * conclusion the rectification, the reply and the follow-up run side by side (arts. 15–17); the case is in the
 * first one still open. The reply is the result call (办理结果告知) reached: a complainant with a mail address is
 * told by the result mail at the conclusion, so that case never waits in "reply" (`MAIL_STEPS`).
 */
const TRANSFER_STEPS: { leaves: Phase; step: ScenarioStep }[] = [
  { leaves: 'dispatch', step: act('agency', { action: 'dispatch', department: D1, note: '请按期办理' }) },
  { leaves: 'acceptance', step: act('owner', { action: 'accept' }) },
  { leaves: 'classification', step: act('owner', { action: 'classify', kind: 'transfer' }) },
  { leaves: 'handling', step: act('owner', { action: 'conclude', finding: 'substantiated', summary: '经核查，窗口人员未一次性告知所需材料，情况属实，已批评教育。' }) },
  { leaves: 'rectification', step: act('owner', { action: 'file-rectification', summary: '已制作一次性告知清单并在窗口公示。' }) },
  { leaves: 'reply', step: { kind: 'act', as: 'owner', body: (c) => ({ action: 'record-contact', contactId: pendingCall(c, 'result_feedback'), outcome: 'reached' }) } },
  { leaves: 'follow_up', step: act('agency', { action: 'record-follow-up', satisfaction: 'satisfied' }) },
];
const WAITING: Phase[] = TRANSFER_STEPS.map((s) => s.leaves);
/** The path of a complainant with a mail address: the reply is done by the result mail. */
const MAIL_STEPS = TRANSFER_STEPS.filter((s) => s.leaves !== 'reply');
const stepsBefore = (phase: Phase, steps = MAIL_STEPS) =>
  steps
    .slice(
      0,
      steps.findIndex((s) => s.leaves === phase),
    )
    .map((s) => s.step);
const stepsFrom = (phase: Phase, steps = MAIL_STEPS) => steps.slice(steps.findIndex((s) => s.leaves === phase)).map((s) => s.step);
/** Only a complainant without mail waits in "reply": the per-phase scenarios of that phase use the phone-only intake. */
const phaseSteps = (phase: Phase) => (phase === 'reply' ? TRANSFER_STEPS : MAIL_STEPS);
const phaseIntake = (phase: Phase): IntakeSpec => (phase === 'reply' ? { ...AGENCY_INTAKE, contact: 'phone-only' } : AGENCY_INTAKE);

/** With a mail address the result mail replies at the conclusion, before the rectification is filed. */
const TRANSFER_EVENTS = ['received', 'screened', 'dispatched', 'accepted', 'classified', 'concluded', 'replied', 'rectification_filed', 'follow_up_recorded', 'archived'];
/** Phone only: the result call is reached after the rectification was filed (the order the scenario takes). */
const PHONE_TRANSFER_EVENTS = ['received', 'screened', 'dispatched', 'accepted', 'classified', 'concluded', 'rectification_filed', 'replied', 'follow_up_recorded', 'archived'];
const AGENCY_INTAKE: IntakeSpec = { receivedBy: 'agency', respondent: D1 };
const DEPT_INTAKE: IntakeSpec = { receivedBy: D1, respondent: D1 };

/** Shanghai date `n` working days after the current deadline of the case. */
function daysAfterDue(sb: LifecycleSandbox, c: CaseRecord, n: number): string {
  const due = c.waiting?.dueAt ?? c.deadlines.at(-1)?.dueAt;
  if (!due) throw new Error('the case has no due time');
  return sb.calendar.addWorkingDays(due, n).dueDate;
}

const ART8_LABEL: Record<string, string> = {
  'art8-1': '不属于本级管辖',
  'art8-2': '无明确被投诉对象或事项',
  'art8-3': '已受理或正在办理',
  'art8-4': '已通过信访、诉讼等途径',
  'art8-5': '重复投诉无新证据',
  'art8-6': '法律法规规定不予受理',
};
const ART19_LABEL: Record<string, string> = { 'art19-1': '虚假材料经提醒不改正', 'art19-2': '拒不配合调查', 'art19-3': '投诉人撤回', 'art19-4': '其他情形' };

/** Termination reason used per phase: the four art. 19 reasons are spread over the seven waiting phases. */
const TERMINATION_BY_PHASE: Record<string, string> = {
  dispatch: 'art19-3',
  acceptance: 'art19-1',
  classification: 'art19-2',
  handling: 'art19-3',
  rectification: 'art19-4',
  reply: 'art19-3',
  follow_up: 'art19-4',
};

/** Today in Shanghai on the sandbox clock. */
const shanghaiToday = (sb: LifecycleSandbox) => new Date(sb.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/** The Shanghai date after a Shanghai date. */
const dayAfter = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** A 补正 reminder given today by phone, with one working day to correct (art. 19(1)). */
const correctionReminder: ScenarioStep = {
  kind: 'act',
  as: 'agency',
  body: (_c, sb) => ({
    action: 'request-correction',
    content: '请补充提交三次到窗口办理的受理回执或其他证明材料',
    channel: 'phone',
    correctBy: sb.calendar.addWorkingDays(sb.clock.now().toISOString(), 1).dueDate,
  }),
};
/** To 09:00 of the day after the latest reminder's period. */
const afterCorrectionPeriod: ScenarioStep = {
  kind: 'advance',
  to: (c) =>
    `${dayAfter(
      (c.correctionRequests ?? [])
        .map((r) => r.correctBy)
        .sort()
        .at(-1)!,
    )}T09:00:00+08:00`,
};

/** What each art. 19 ground rests on, recorded before or with the termination (shared/domain/lifecycle/termination.ts). */
function terminationSteps(reason: string): ScenarioStep[] {
  const terminate = (extra: Body) => act('agency', { action: 'terminate', reason, note: '按第十九条终止办理', ...extra });
  switch (reason) {
    case 'art19-1':
      return [correctionReminder, afterCorrectionPeriod, terminate({})];
    case 'art19-2':
      return [terminate({ refusal: '投诉人无正当理由未出席3月5日的协调会，电话中表示拒绝配合调查' })];
    case 'art19-3':
      return [terminate({ withdrawal: '投诉人来电表示问题已解决，自愿放弃投诉' })];
    default:
      return [terminate({ circumstance: 'other' })];
  }
}

// ---------------------------------------------------------------------------------------------- the list

export const LIFECYCLE_SCENARIOS: Scenario[] = [
  {
    id: 'transfer',
    title: '登记转办：交办、受理、转办、办结（属实）、整改报备、答复、回访、归档',
    articles: ['第四条', '第十条', '第十四条第（二）项', '第十五条', '第十六条', '第十七条', '第十八条'],
    intake: AGENCY_INTAKE,
    steps: MAIL_STEPS.map((s) => s.step),
    expect: { phase: 'archived', outcome: 'concluded', overdue: false, events: TRANSFER_EVENTS, notices: ['assignment_slip', 'acceptance', 'result_feedback', 'follow_up_survey'] },
  },
  {
    id: 'transfer-phone-only',
    title: '登记转办（仅留电话的12345投诉人）：每项告知均为电话告知任务，记录无人接听、改日再拨、已接通',
    articles: ['第十条', '第十四条第（二）项', '第十六条', '第十七条', '第十八条'],
    intake: { ...AGENCY_INTAKE, contact: 'phone-only' },
    steps: [
      ...stepsBefore('classification', TRANSFER_STEPS),
      { kind: 'act', as: 'owner', body: (c) => ({ action: 'record-contact', contactId: pendingCall(c, 'acceptance'), outcome: 'no_answer' }) },
      {
        kind: 'act',
        as: 'owner',
        body: (c, sb) => ({
          action: 'record-contact',
          contactId: pendingCall(c, 'acceptance'),
          outcome: 'retry_later',
          retryBy: sb.calendar.addWorkingDays(sb.clock.now(), 1).dueDate,
          note: '投诉人称正在开会',
        }),
      },
      { kind: 'act', as: 'owner', body: (c) => ({ action: 'record-contact', contactId: pendingCall(c, 'acceptance'), outcome: 'reached' }) },
      ...stepsFrom('classification', TRANSFER_STEPS),
    ],
    expect: {
      phase: 'archived',
      outcome: 'concluded',
      overdue: false,
      events: [
        'received',
        'screened',
        'dispatched',
        'accepted',
        'contact_task_created',
        'contact_recorded',
        'contact_recorded',
        'contact_recorded',
        'classified',
        'concluded',
        'contact_task_created',
        'rectification_filed',
        'contact_recorded',
        'replied',
        'follow_up_recorded',
        'archived',
      ],
      notices: ['assignment_slip', 'result_feedback'],
    },
  },
  {
    id: 'general',
    title: '一般投诉：部门直接收到，受理后当场处理（不属实），答复、回访、归档',
    articles: ['第十条', '第十四条第（一）项', '第十六条', '第十七条', '第十八条'],
    intake: DEPT_INTAKE,
    steps: [
      act('owner', { action: 'accept' }),
      act('owner', { action: 'classify', kind: 'general', finding: 'unfounded', summary: '经当场核实，所需材料已按规定一次性告知，投诉人理解。' }),
      act('agency', { action: 'record-follow-up', satisfaction: 'basically_satisfied' }),
    ],
    expect: { phase: 'archived', outcome: 'concluded', events: ['received', 'screened', 'accepted', 'classified', 'concluded', 'replied', 'follow_up_recorded', 'archived'] },
  },
  {
    id: 'intervention',
    title: '介入处理：涉及多个部门，管理机构指定牵头单位和协办单位并限期办理',
    articles: ['第十条', '第十四条第（三）项', '第十五条', '第十六条', '第十七条', '第十八条'],
    intake: AGENCY_INTAKE,
    steps: [
      act('agency', { action: 'dispatch', department: D1 }),
      act('owner', { action: 'accept' }),
      act('agency', { action: 'classify', kind: 'intervention', note: '涉及不动产登记与规划核实，需协调' }),
      { kind: 'act', as: 'agency', body: (_c, sb) => ({ action: 'designate-lead', lead: D2, coHandlers: [D3], dueDate: sb.calendar.addWorkingDays(sb.clock.now(), 10).dueDate }) },
      act('lead', { action: 'conclude', finding: 'partial', summary: '经联合核查，部分属实：登记环节材料流转延误。' }),
      act('lead', { action: 'file-rectification', summary: '建立部门间材料流转时限台账。' }),
      act('agency', { action: 'record-follow-up', satisfaction: 'satisfied' }),
    ],
    expect: {
      phase: 'archived',
      outcome: 'concluded',
      events: ['dispatched', 'accepted', 'classified', 'concluded', 'replied', 'rectification_filed', 'follow_up_recorded', 'archived'],
      notices: ['intervention'],
    },
  },
  {
    id: 'intervention-task-force',
    title: '介入处理：组建工作专班，两次协调会和一次调取视频核查，牵头单位办结时引用',
    articles: ['第十四条第（三）项', '第十五条', '第十八条'],
    intake: AGENCY_INTAKE,
    steps: [
      act('agency', { action: 'dispatch', department: D1 }),
      act('owner', { action: 'accept' }),
      act('agency', { action: 'classify', kind: 'intervention', note: '涉及多个部门' }),
      { kind: 'act', as: 'agency', body: (_c, sb) => ({ action: 'designate-lead', lead: D2, coHandlers: [D3], taskForce: true, dueDate: sb.calendar.addWorkingDays(sb.clock.now(), 10).dueDate }) },
      act('agency', { action: 'record-coordination', kind: 'task_force', members: ['李某（自然资源和规划局）', '王某（不动产登记中心）', '赵某（政务服务和大数据管理局）'] }),
      {
        kind: 'act',
        as: 'agency',
        body: (_c, sb) => ({
          action: 'record-coordination',
          kind: 'meeting',
          date: shanghaiToday(sb),
          attendees: ['自然资源和规划局', '不动产登记中心'],
          minutes: '通报材料流转情况',
          decisions: '三日内调取窗口监控',
        }),
      },
      {
        kind: 'act',
        as: 'lead',
        body: (_c, sb) => ({
          action: 'record-coordination',
          kind: 'inquiry',
          method: 'video',
          date: shanghaiToday(sb),
          what: '调取窗口监控，核实三次往返情况属实',
          conductedBy: '自然资源和规划局 李某',
          materials: ['窗口监控录像（2月）', '受理登记簿复印件'],
        }),
      },
      {
        kind: 'act',
        as: 'agency',
        body: (_c, sb) => ({
          action: 'record-coordination',
          kind: 'meeting',
          date: shanghaiToday(sb),
          attendees: ['自然资源和规划局', '不动产登记中心', '政务服务和大数据管理局'],
          minutes: '通报核查结果',
          decisions: '建立材料流转台账',
        }),
      },
      act('lead', { action: 'conclude', finding: 'partial', summary: '经专班联合核查，部分属实：登记环节材料流转延误。' }),
      act('lead', { action: 'file-rectification', summary: '建立部门间材料流转时限台账。' }),
      act('agency', { action: 'record-follow-up', satisfaction: 'satisfied' }),
    ],
    expect: {
      phase: 'archived',
      outcome: 'concluded',
      events: ['lead_designated', 'task_force_formed', 'coordination_meeting', 'inquiry_recorded', 'coordination_meeting', 'concluded', 'archived'],
    },
  },
  {
    id: 'reminder-overdue-late',
    title: '到期提醒、超期记录并报管理机构、超期后办结（超期记录不消除）',
    articles: ['第十四条第（二）项', '第二十条'],
    intake: AGENCY_INTAKE,
    steps: [...stepsBefore('handling'), { kind: 'advance', to: 'reminder' }, { kind: 'advance', to: 'overdue' }, ...stepsFrom('handling')],
    expect: { phase: 'archived', outcome: 'concluded', overdue: true, events: ['classified', 'reminder_sent', 'overdue_marked', 'concluded', 'archived'], notices: ['reminder', 'overdue_alert'] },
  },
  {
    id: 'extension-accepted',
    title: '期限届满前申请延期，获准后按新期限办结',
    articles: ['第十四条第（二）项'],
    intake: AGENCY_INTAKE,
    steps: [
      ...stepsBefore('handling'),
      { kind: 'act', as: 'owner', body: (c, sb) => ({ action: 'request-extension', newDueDate: daysAfterDue(sb, c, 10), reason: '需调取历史档案核实' }) },
      { kind: 'advance', to: 'reminder' },
      ...stepsFrom('handling'),
    ],
    expect: { phase: 'archived', outcome: 'concluded', overdue: false, events: ['classified', 'extension_granted', 'reminder_sent', 'concluded', 'archived'], notices: ['extension', 'reminder'] },
  },
  {
    id: 'extension-refused-too-long',
    title: '延期申请超过上限（15个工作日）被拒绝，按原期限办结',
    articles: ['第十四条第（二）项'],
    intake: AGENCY_INTAKE,
    steps: [
      ...stepsBefore('handling'),
      { kind: 'refused', as: 'owner', body: (c, sb) => ({ action: 'request-extension', newDueDate: daysAfterDue(sb, c, 16), reason: '情况复杂' }), code: 'extension_too_long' },
      ...stepsFrom('handling'),
    ],
    expect: { phase: 'archived', outcome: 'concluded', overdue: false, events: ['classified', 'concluded', 'archived'] },
  },
  {
    id: 'extension-refused-late',
    title: '期限届满后才申请延期被拒绝，记录超期',
    articles: ['第十四条第（二）项', '第二十条'],
    intake: AGENCY_INTAKE,
    steps: [
      ...stepsBefore('handling'),
      { kind: 'advance', to: 'overdue' },
      { kind: 'refused', as: 'owner', body: (c, sb) => ({ action: 'request-extension', newDueDate: daysAfterDue(sb, c, 3), reason: '补充材料' }), code: 'extension_after_due' },
      ...stepsFrom('handling'),
    ],
    expect: { phase: 'archived', outcome: 'concluded', overdue: true, events: ['classified', 'overdue_marked', 'concluded', 'archived'] },
  },
  ...WAITING.map((phase): Scenario => ({
    id: `terminate-${phase}`,
    title: `终止办理：在“${PHASE_LABELS[phase]}”环节以第十九条（${ART19_LABEL[TERMINATION_BY_PHASE[phase]!]}）终止`,
    articles: ['第十九条', '第十八条'],
    intake: phaseIntake(phase),
    steps: [...stepsBefore(phase, phaseSteps(phase)), ...terminationSteps(TERMINATION_BY_PHASE[phase]!)],
    expect: { phase: 'archived', outcome: 'terminated', reason: TERMINATION_BY_PHASE[phase], events: ['terminated', 'archived'] },
  })),
  ...(['art8-1', 'art8-2', 'art8-3', 'art8-4', 'art8-5', 'art8-6'] as const).map((reason): Scenario => ({
    id: `not-accepted-${reason}`,
    title: `不予受理：第八条（${ART8_LABEL[reason]}），告知去向${reason === 'art8-1' ? '并转12345' : ''}后归档`,
    articles: ['第八条', '第九条', '第十条', '第十八条'],
    intake: DEPT_INTAKE,
    steps: [
      act('owner', {
        action: 'reject',
        reason,
        ...(reason === 'art8-1' ? { referral: '遂宁市住房公积金管理中心', transferTo12345: true } : {}),
        ...(reason === 'art8-4' ? { referral: '请通过行政复议途径解决' } : {}),
        explanation: '依据第八条不予受理',
      }),
    ],
    expect: { phase: 'archived', outcome: 'not_accepted', reason, events: ['received', 'screened', 'not_accepted', 'archived'], notices: ['not_accepted'] },
  })),
  ...WAITING.map((phase): Scenario => ({
    id: `resume-${phase}`,
    title: `重启恢复：在“${PHASE_LABELS[phase]}”环节重启引擎后从记录的环节继续，办结归档`,
    articles: ['第十条', '第十四条', '第十八条'],
    intake: phaseIntake(phase),
    steps: [...stepsBefore(phase, phaseSteps(phase)), { kind: 'restart' }, ...stepsFrom(phase, phaseSteps(phase))],
    expect: { phase: 'archived', outcome: 'concluded', events: phase === 'reply' ? PHONE_TRANSFER_EVENTS : TRANSFER_EVENTS },
  })),
  {
    id: 'uncorrected-terminated',
    title: '经提醒仍未补正：补正提醒前和补正期限内不能终止，期限届满后终止办理',
    articles: ['第十九条第（一）项', '第十八条'],
    intake: AGENCY_INTAKE,
    steps: [
      ...stepsBefore('handling'),
      { kind: 'refused', as: 'agency', body: { action: 'terminate', reason: 'art19-1' }, code: 'correction_reminder_missing' },
      correctionReminder,
      { kind: 'refused', as: 'agency', body: { action: 'terminate', reason: 'art19-1' }, code: 'correction_period_running' },
      afterCorrectionPeriod,
      act('agency', { action: 'terminate', reason: 'art19-1' }),
    ],
    expect: { phase: 'archived', outcome: 'terminated', reason: 'art19-1', overdue: false, events: ['classified', 'correction_requested', 'terminated', 'archived'], notices: ['termination'] },
  },
  {
    id: 'unreachable-terminated',
    title: '无法联系投诉人：记录两次电话未接通后方可终止办理',
    articles: ['第十九条第（四）项', '第十八条'],
    intake: { ...AGENCY_INTAKE, contact: 'phone-only' },
    steps: [
      ...stepsBefore('classification', TRANSFER_STEPS),
      { kind: 'refused', as: 'agency', body: { action: 'terminate', reason: 'art19-4', circumstance: 'unreachable' }, code: 'contact_attempts_missing' },
      { kind: 'act', as: 'owner', body: (c) => ({ action: 'record-contact', contactId: pendingCall(c, 'acceptance'), outcome: 'no_answer' }) },
      { kind: 'refused', as: 'agency', body: { action: 'terminate', reason: 'art19-4', circumstance: 'unreachable' }, code: 'contact_attempts_missing' },
      { kind: 'act', as: 'owner', body: (c) => ({ action: 'record-contact', contactId: pendingCall(c, 'acceptance'), outcome: 'no_answer' }) },
      act('agency', { action: 'terminate', reason: 'art19-4', circumstance: 'unreachable' }),
    ],
    expect: { phase: 'archived', outcome: 'terminated', reason: 'art19-4', events: ['accepted', 'contact_recorded', 'contact_recorded', 'terminated', 'archived'] },
  },
  {
    id: 'stability-risk',
    title: '信访维稳风险：初审识别后立即报告主管领导，照常办理',
    articles: ['第九条第（二）项', '第四条'],
    intake: { receivedBy: 'agency', respondent: D1, matter: '多次办理营业执照变更未果，多名商户表示将集体上访并拉横幅。' },
    steps: MAIL_STEPS.map((s) => s.step),
    expect: { phase: 'archived', outcome: 'concluded', stabilityRisk: true, notices: ['stability_risk'], events: ['received', 'screened', 'dispatched', 'archived'] },
  },
];

// ---------------------------------------------------------------------------------------------- running

/** The canonical intake for a scenario, received now. */
export function scenarioIntake(spec: IntakeSpec, sb: LifecycleSandbox, tag: string): Record<string, unknown> {
  const dept = sb.jurisdiction.departments.find((d) => d.code === spec.respondent);
  return {
    channel: 'web',
    sourceKey: `scenario:${tag}:${randomUUID()}`,
    receivedAt: sb.clock.now().toISOString(),
    receivedBy: spec.receivedBy === 'agency' ? 'agency' : { department: spec.receivedBy },
    complainant:
      spec.contact === 'phone-only'
        ? { name: '张某某', phone: '13800000000', anonymous: false, wantsReply: spec.wantsReply ?? true, confidential: false }
        : { name: '张某某', phone: '13800000000', email: 'complainant@example.com', anonymous: false, wantsReply: spec.wantsReply ?? true, confidential: false },
    ...(spec.contact === 'phone-only' ? { channel: 'hotline_12345', workOrderNo: `WO-${randomUUID().slice(0, 8)}` } : {}),
    respondent: { unit: dept?.name ?? spec.respondent, unitCode: spec.respondent },
    matter: spec.matter ?? '办理营业执照变更时，窗口未一次性告知所需材料，往返三次仍未办结。',
    facts: '2025年2月三次到政务服务中心窗口办理，每次被告知补充不同材料。',
    evidence: [],
  };
}

function actorFor(ref: ActorRef, c: CaseRecord): Actor {
  if (ref === 'agency') return { role: 'agency', id: 'agency-staff' };
  const dept = ref === 'lead' ? (c.assignments.find((a) => a.role === 'lead')?.department ?? c.department) : (c.department ?? c.assignments.find((a) => a.role === 'owner')?.department);
  if (!dept) throw new Error(`the case has no ${ref} department yet`);
  return { role: 'department', id: `${dept.toLowerCase()}-rep`, department: dept };
}

export interface RunOptions {
  /** Moves the clock to an instant and returns once the engine is idle again. */
  advanceTo(instant: string): Promise<void>;
  /** Moves the clock this far before each staff action, so the timeline reads like working hours (demo). */
  paceMs?: number;
}

/** Runs one scenario to its end and checks its expectation. Never throws for a path that ends unexpectedly. */
export async function runScenario(sb: LifecycleSandbox, scenario: Scenario, opts: RunOptions): Promise<ScenarioResult> {
  const problems: string[] = [];
  const filed = await sb.file(scenarioIntake(scenario.intake, sb, scenario.id));
  const caseId = filed.caseId;
  await sb.workflow.idle();
  /** Executions of engines stopped by a restart step. */
  const earlier: ExecutionSummary[] = [];
  try {
    for (const [i, step] of scenario.steps.entries()) {
      let c = await sb.get(caseId);
      const where = `step ${i + 1} (${step.kind})`;
      if (step.kind === 'act' || step.kind === 'refused') {
        if (opts.paceMs) {
          await opts.advanceTo(new Date(sb.clock.now().getTime() + opts.paceMs).toISOString());
          c = await sb.get(caseId);
        }
        const body = typeof step.body === 'function' ? step.body(c, sb) : step.body;
        try {
          await sb.act(caseId, actorFor(step.as, c), body);
          if (step.kind === 'refused') problems.push(`${where}: ${String(body.action)} should have been refused (${step.code})`);
        } catch (err) {
          const code = (err as { code?: string }).code;
          if (step.kind === 'act') problems.push(`${where}: ${String(body.action)} failed: ${err instanceof Error ? `${err.name} ${err.message}` : String(err)}`);
          else if (code !== step.code) problems.push(`${where}: refused with ${String(code)}, expected ${step.code}`);
        }
        await sb.workflow.idle();
      } else if (step.kind === 'advance') {
        const target = step.to === 'reminder' ? c.waiting?.remindAt : step.to === 'overdue' ? (c.waiting?.dueAt ? new Date(Date.parse(c.waiting.dueAt) + 1000).toISOString() : undefined) : step.to(c);
        if (!target) problems.push(`${where}: the case waits for no ${typeof step.to === 'string' ? step.to : 'instant'} (phase ${c.phase})`);
        else await opts.advanceTo(target);
      } else {
        const before = c.waiting;
        await sb.workflow.stop();
        earlier.push(...sb.workflow.executionsOf(caseId));
        const wf = sb.restartWorkflow();
        const resumed = await wf.resumeAll();
        if (!resumed.includes(caseId)) problems.push(`${where}: the case was not resumed`);
        await wf.idle();
        const after = await sb.get(caseId);
        if (after.phase !== c.phase || after.waiting?.step !== c.phase) problems.push(`${where}: resumed in ${after.phase}/${String(after.waiting?.step)}, expected ${c.phase}`);
        if (before?.dueAt !== after.waiting?.dueAt || before?.remindAt !== after.waiting?.remindAt) problems.push(`${where}: the resumed wait changed its due time or reminder`);
      }
    }
  } catch (err) {
    problems.push(`aborted: ${err instanceof Error ? `${err.name} ${err.message}` : String(err)}`);
  }
  await sb.workflow.idle();
  const record = await sb.get(caseId);
  const timeline = await sb.timeline(caseId);
  problems.push(...checkExpectation(scenario.expect, record, timeline, sb));
  const running = sb.workflow.executionsOf(caseId).filter((e) => e.status === 'running');
  const failed = sb.workflow.executionsOf(caseId).filter((e) => e.status === 'failed');
  if (failed.length > 0) problems.push(`execution failed: ${failed.map((e) => e.error?.name).join(', ')}`);
  if ((scenario.expect.phase === 'archived' || scenario.expect.phase === 'merged') && running.length > 0) problems.push('the execution is still running after the case ended');
  const all = [...earlier, ...sb.workflow.executionsOf(caseId)];
  return {
    scenario,
    caseId,
    ok: problems.length === 0,
    problems,
    transitions: all.reduce((n, e) => n + e.transitions, 0),
    executions: all.length,
    timeline,
    record,
  };
}

function checkExpectation(x: ScenarioExpectation, c: CaseRecord, timeline: TimelineEvent[], sb: LifecycleSandbox): string[] {
  const problems: string[] = [];
  if (c.phase !== x.phase) problems.push(`ended in phase ${c.phase}, expected ${x.phase}`);
  if (x.phase === 'archived' && !c.archive?.at) problems.push('no archive record (art. 18)');
  if (x.outcome && c.outcome?.kind !== x.outcome) problems.push(`outcome ${String(c.outcome?.kind)}, expected ${x.outcome}`);
  if (x.reason && (c.outcome as { reason?: string } | undefined)?.reason !== x.reason) problems.push(`reason ${String((c.outcome as { reason?: string } | undefined)?.reason)}, expected ${x.reason}`);
  if (x.overdue !== undefined && Boolean(c.flags.overdue) !== x.overdue) problems.push(`overdue flag ${String(Boolean(c.flags.overdue))}, expected ${String(x.overdue)}`);
  if (x.stabilityRisk !== undefined && Boolean(c.flags.stabilityRisk) !== x.stabilityRisk) problems.push(`stability-risk flag ${String(Boolean(c.flags.stabilityRisk))}`);
  if (x.events) {
    const types = timeline.map((e) => e.type);
    let from = 0;
    for (const want of x.events) {
      const at = types.indexOf(want, from);
      if (at < 0) {
        problems.push(`timeline lacks "${want}" (in order) — has ${types.join(', ')}`);
        break;
      }
      from = at + 1;
    }
  }
  if (x.notices && sb.mail instanceof MemoryMailSender) {
    for (const kind of x.notices) if (sb.mail.of(c.caseId, kind).length === 0) problems.push(`no "${kind}" notice was sent`);
  }
  return problems;
}
