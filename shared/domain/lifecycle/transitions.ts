/**
 * The transitions of one case: screening (arts. 4, 8, 9), staff actions (arts. 10 to 21), waiting
 * timeouts (reminder, overdue: art. 20) and the archive (art. 18). Pure: the caller writes the record,
 * appends the events and sends the notices.
 */
import { referralPhrase } from '../notices/format';
import type { Actor, Assignment, CaseRecord, ContactTask, Deadline, Finding, IssuedDocument, NotAcceptedReason, Phase } from '../case';
import { issuedDocument } from '../notices/issued';
import { nameClearingRequestNotice } from '../notices/art15';
import { PHASE_LABELS, SYSTEM_ACTOR } from '../case';
import { ForbiddenError, PhaseConflictError, RuleViolationError, ValidationError } from '../errors';
import { shanghaiDate } from '../calendar';
import type { DueTime } from '../calendar';
import { canAct, canRead, readDenial, scrubIdentity } from '../access';
import { SECRECY_LABELS, activeMarks, passageOccurs, withholdMarked } from '../secrecy';
import { causeCategoriesOf } from '../jurisdiction';
import { proposeCause } from '../evaluation/causes';
import type { NewEvent } from '../case';
import { applyMerge, applyUnmerge } from '../duplicates/merge';
import * as N from '../notices/templates';
import { CONTACT_CHANNEL_LABELS, CONTACT_NOTICE_LABELS, CONTACT_OUTCOME_LABELS, contactIssuedSummary, contactTasksFor } from '../notices/contacts';
import { departmentName } from '../notices/format';
import { CLASSIFICATION_LABELS, FINDING_LABELS_INTERNAL as FINDING_LABELS, REPLY_METHOD_LABELS, SATISFACTION_LABELS } from '../notices/labels';
import type { ActionBody, ActionBodyOf, NoReplyReason } from './actions';
import { ACTION_LABELS, CORRECTION_CHANNEL_LABELS, INQUIRY_METHOD_LABELS, NO_REPLY_REASON_LABELS, actionNameOf, allowedActions, parseAction } from './actions';
import { terminationBasis } from './termination';
import type { ActionName, LifecycleContext, Notice, Transition } from './context';
import {
  AFTER_CONCLUSION_PHASES,
  CLOCK_LABELS,
  PHASE_CLOCK,
  closeDeadline,
  isPastDue,
  openDeadlineIndex,
  phaseAfterConclusion,
  reminderInstant,
  replaceDeadline,
  runningDeadlines,
  startClock,
} from './deadlines';

/** A transition under construction. */
class Draft {
  readonly record: CaseRecord;
  readonly events: NewEvent[] = [];
  readonly notices: Notice[] = [];
  /** Notices to officials as issued (art. 18), kept with the step's timeline event. */
  readonly issued: { doc: IssuedDocument; after: number }[] = [];
  readonly nowIso: string;

  constructor(
    c: CaseRecord,
    readonly ctx: LifecycleContext,
    readonly actor: Actor,
  ) {
    this.record = structuredClone(c);
    this.nowIso = ctx.now.toISOString();
    this.record.updatedAt = this.nowIso;
  }

  event(type: string, summary: string, data?: Record<string, unknown>): void {
    this.events.push({ at: this.nowIso, type, actor: this.actor, phase: this.record.phase, summary, ...(data ? { data } : {}) });
  }

  /**
   * Queues notices. A notice to the complainant becomes one contact task per channel the complainant can be reached
   * on (shared/domain/notices/contacts.ts): the mail is queued for sending and marked sent only once it was; a call
   * or a letter is recorded as a task to do, and the timeline says so — not that the complainant was told.
   */
  notify(...n: (Notice | undefined)[]): void {
    for (const x of n) {
      if (!x) continue;
      if (x.audience === 'complainant') {
        this.tell(x);
        continue;
      }
      this.issued.push({ doc: issuedDocument(x), after: this.events.length - 1 });
      if (x.to.length > 0) this.notices.push(x);
    }
  }

  private tell(n: Notice): void {
    const tasks = contactTasksFor(this.record, this.ctx, n);
    if (tasks.length === 0) return;
    this.record.contacts = [...(this.record.contacts ?? []), ...tasks];
    for (const task of tasks) {
      if (task.channel === 'email') this.notices.push({ ...n, contactId: task.id });
      else this.event('contact_task_created', contactIssuedSummary(task), { contactId: task.id, kind: task.kind, channel: task.channel });
    }
  }

  /** Closes a clock; a late close sets the overdue mark (never erased) and records it. */
  close(clock: Deadline['clock']): void {
    const i = openDeadlineIndex(this.record, clock);
    const d = i < 0 ? undefined : this.record.deadlines[i];
    if (closeDeadline(this.record, clock, this.ctx.now) && d) {
      this.event('overdue_marked', `${CLOCK_LABELS[clock]}（${shanghaiDate(d.dueAt)}）已届满，完成时已超期，记录超期（第二十条）。`, { clock, dueAt: d.dueAt });
    }
  }

  start(clock: Deadline['clock'], workingDays: number, startedAt = this.nowIso): Deadline {
    const d = startClock(this.ctx, clock, startedAt, workingDays);
    this.record.deadlines = [...this.record.deadlines, d];
    return d;
  }

  moveTo(phase: Phase): void {
    this.record.phase = phase;
  }

  /** What the action's audit entry records beyond its name (agency eyes only; never the timeline or a log). */
  auditDetail?: Record<string, unknown>;

  done(): Transition {
    delete this.record.waiting;
    keepIssued(this);
    return { record: stripUndefined(this.record), events: this.events, notices: this.notices, ...(this.auditDetail ? { audit: this.auditDetail } : {}) };
  }
}

/**
 * The documents issued by this step go into the data of the timeline event they came with (the one written just
 * before them, else the step's first): the timeline is append-only, so they stay as issued. A step that wrote no
 * event gets one saying what was issued.
 */
function keepIssued(t: Draft): void {
  if (t.issued.length === 0) return;
  if (t.events.length === 0) {
    t.event('documents_issued', `已发出：${t.issued.map((x) => x.doc.subject).join('；')}。`);
  }
  for (const { doc, after } of t.issued) {
    const e = t.events[Math.max(0, after)]!;
    const prior = Array.isArray(e.data?.issued) ? (e.data.issued as IssuedDocument[]) : [];
    e.data = { ...(e.data ?? {}), issued: [...prior, doc] };
  }
}

const unchanged = (c: CaseRecord): Transition => ({ record: c, events: [], notices: [] });

/** Drops properties set to undefined (stores and marshallers reject or keep them inconsistently). */
export function stripUndefined<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => stripUndefined(x)) as T;
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = stripUndefined(x);
    return out as T;
  }
  return v;
}

// ============================================================================================ screening

const ART8_4_WORDS = ['信访', '上访', '起诉', '诉讼', '法院', '仲裁', '行政复议', '复议', '人民调解', '调解'];
const STABILITY_WORDS = ['集体上访', '群体', '聚集', '堵路', '拉横幅', '自杀', '轻生', '跳楼', '自残', '极端', '同归于尽', '维稳', '进京'];

function matches(textIn: string, words: readonly string[]): string[] {
  return words.filter((w) => textIn.includes(w));
}

/**
 * Screening: art. 4 completeness, art. 8 proposals (decided by a person; art8-3/art8-5 come from duplicate
 * matching), the stability-risk flag with an immediate report to the leader (art. 9(2)); then the case
 * waits for dispatch (agency received it) or for the acceptance decision (a department received it).
 */
export function screen(c: CaseRecord, ctx: LifecycleContext): Transition {
  if (c.phase !== 'received' && c.phase !== 'screening') return unchanged(c);
  const t = new Draft(c, ctx, SYSTEM_ACTOR);
  const r = t.record;
  const i = r.intake;
  const p = i.complainant;
  const anonymous = p.anonymous || r.flags.anonymous;

  const missing: string[] = [];
  if (!anonymous && !p.name?.trim() && !p.organization?.trim()) missing.push('complainant.name');
  if (!anonymous && !p.phone?.trim() && !p.email?.trim() && !p.address?.trim()) missing.push('complainant.phone');
  if (!i.respondent.unit?.trim() && !i.respondent.unitCode && !i.respondent.person?.trim()) missing.push('respondent');
  if (!i.matter.trim()) missing.push('matter');
  if (!i.facts?.trim() && i.evidence.length === 0) missing.push('facts');
  if (i.major && i.channel === 'onsite' && i.evidence.length === 0) missing.push('evidence.writtenForm');

  const proposals = [...(r.screening?.proposedReasons ?? [])];
  const propose = (reason: NotAcceptedReason, explanation: string, relatedCaseId?: string) => {
    if (proposals.some((x) => x.reason === reason && x.relatedCaseId === relatedCaseId)) return;
    proposals.push({ reason, explanation, ...(relatedCaseId ? { relatedCaseId } : {}) });
  };
  for (const other of r.flags.possibleDuplicateOf ?? []) propose('art8-3', `与投诉件 ${other} 可能为同一事项（第八条第（三）项、第十一条），请核实。`, other);
  if (missing.includes('respondent')) propose('art8-2', '投诉未写明被投诉单位或人员（第八条第（二）项），请核实或联系投诉人补正。');
  const unit = ctx.jurisdiction.departments.find((d) => d.code === i.respondent.unitCode);
  if (unit && !unit.belongsToThisLevel) propose('art8-1', `被投诉单位“${unit.name}”不属于本级管辖（第八条第（一）项），可告知投诉人到相关部门反映或转接12345。`);
  // Routing (issue 15): another jurisdiction's matter or no government service at all, decided by a person.
  const routed = r.routing;
  if (routed?.confident && routed.kind === 'other_jurisdiction') {
    propose('art8-1', `${routed.reason}。不属于本级管辖（第八条第（一）项），应告知投诉人到${routed.name}反映或转接12345（第九条第（一）项）：${routed.advice ?? ''}`.slice(0, 1000));
  }
  if (routed?.confident && routed.kind === 'not_government') {
    propose('art8-2', `${routed.reason}：投诉事项与政务服务无关（第八条第（二）项）。${routed.advice ?? ''}`.slice(0, 1000));
  }
  const allText = `${i.matter}\n${i.facts ?? ''}`;
  const legal = matches(allText, ART8_4_WORDS);
  if (legal.length) propose('art8-4', `投诉内容提及“${legal.join('、')}”，请核实是否已经或正在通过信访、诉讼、仲裁、行政复议、调解等途径解决（第八条第（四）项）。`);

  r.screening = { at: t.nowIso, complete: missing.length === 0, missing, proposedReasons: proposals };

  const riskWords = matches(allText, STABILITY_WORDS);
  const risk = i.stabilityRisk === true || r.flags.stabilityRisk === true || riskWords.length > 0;
  const summaryParts = [missing.length === 0 ? '材料齐全（第四条）' : `材料不全（第四条），缺少：${missing.map(missingLabel).join('、')}`];
  if (proposals.length) summaryParts.push(`提示可能不予受理的情形：${[...new Set(proposals.map((x) => x.reason))].join('、')}，由工作人员决定`);
  if (anonymous) summaryParts.push('匿名投诉');
  if (r.flags.confidential) summaryParts.push('投诉人要求保密');

  // Route: a department that received the complaint decides acceptance itself; otherwise the agency dispatches.
  const rb = i.receivedBy;
  const ownDept = typeof rb === 'object' ? ctx.jurisdiction.departments.find((d) => d.code === rb.department && d.belongsToThisLevel) : undefined;
  if (ownDept) {
    r.department = ownDept.code;
    if (!r.assignments.some((a) => a.department === ownDept.code && a.role === 'owner')) {
      r.assignments = [...r.assignments, { department: ownDept.code, role: 'owner', assignedAt: r.receivedAt }];
    }
    t.moveTo('acceptance');
    t.start('acceptance', ctx.rules.deadlines.acceptanceWorkingDays, r.receivedAt);
  } else {
    t.moveTo('dispatch');
    t.start('dispatch', ctx.rules.deadlines.dispatchWorkingDays, r.receivedAt);
  }
  // A confident routing decision that the catalogue lets the system dispatch (routing.autoDispatch): only for a
  // complete complaint with nothing for a person to weigh (no proposal, no stability risk).
  const autoTo =
    r.phase === 'dispatch' && routed?.dispatch === 'auto' && routed.department && missing.length === 0 && proposals.length === 0 && !risk
      ? ctx.jurisdiction.departments.find((d) => d.code === routed.department && d.belongsToThisLevel)
      : undefined;
  t.event('screened', `初审完成：${summaryParts.join('；')}。转入“${PHASE_LABELS[r.phase]}”。`, {
    complete: missing.length === 0,
    missing,
    proposedReasons: proposals.map((x) => x.reason),
  });

  if (risk) {
    r.flags = { ...r.flags, stabilityRisk: true };
    const why = i.stabilityRisk || c.flags.stabilityRisk ? '受理人员标记存在较大信访维稳风险' : `投诉内容含有“${riskWords.join('、')}”等字样`;
    t.event('stability_risk_reported', `发现较大信访维稳风险，已及时报告主管领导（第九条第（二）项）：${why}。`);
    t.notify(N.stabilityRiskNotice(r, ctx, why));
  }
  if (autoTo) dispatchInto(t, { action: 'dispatch', department: autoTo.code, note: `按分派判断自动交办：${routed!.reason}` });
  return t.done();
}

function missingLabel(field: string): string {
  return (
    (
      {
        'complainant.name': '投诉人姓名或单位名称',
        'complainant.phone': '投诉人联系方式',
        respondent: '被投诉人信息',
        matter: '具体投诉事项',
        facts: '投诉事实、理由及证明材料',
        'evidence.writtenForm': '重大事项的书面投诉材料',
      } as Record<string, string>
    )[field] ?? field
  );
}

// ============================================================================================ waiting

/** What is left undone when a clock runs out, for the timeline (after the conclusion several clocks run at once). */
const CLOCK_TASK_LABELS: Partial<Record<Deadline['clock'], string>> = { rectification: '整改报备', reply: '答复投诉人', follow_up: '回访' };

/**
 * At or after the wake-up instant: for every running deadline (one before the conclusion; after it the
 * rectification, reply and follow-up clocks side by side) sends its reminder (before the due time) or marks it
 * overdue and alerts the agency (at the due time). The phase does not change; an overdue mark is never erased.
 */
/**
 * 移交 (art. 9(1), issue 15): the receiving jurisdiction's deployment filed the hand-over as `trackingNo`; the case
 * ends here as transferred (open clocks closed, no outcome against a department of this level) and is archived.
 */
export function handOver(c: CaseRecord, ctx: LifecycleContext, to: { code: string; name: string }, trackingNo: string, handoverId: string): Transition {
  if (c.outcome || c.phase === 'archived' || c.phase === 'merged') return unchanged(c);
  const t = new Draft(c, ctx, SYSTEM_ACTOR);
  for (const d of c.deadlines) if (!d.metAt) t.close(d.clock);
  t.record.outcome = { kind: 'transferred', to, trackingNo, handoverId, at: t.nowIso };
  t.event('transferred', `已移交${to.name}（${to.code}）处理，对方受理编号 ${trackingNo}（第九条第（一）项）；本件不计入本辖区部门。`, { to, trackingNo, handoverId });
  t.moveTo('archived');
  return t.done();
}

export function onWaitTimeout(c: CaseRecord, ctx: LifecycleContext): Transition {
  const running = runningDeadlines(c).filter((d) => !d.overdueAt);
  if (running.length === 0) return unchanged(c);
  const t = new Draft(c, ctx, SYSTEM_ACTOR);
  let changed = false;
  // The draft's deadlines are a copy of the case's, index for index.
  for (const d of running) {
    const i = c.deadlines.indexOf(d);
    const task = CLOCK_TASK_LABELS[d.clock] ?? PHASE_LABELS[c.phase];
    if (isPastDue(d, ctx.now)) {
      const marked: Deadline = { ...d, overdueAt: t.nowIso };
      replaceDeadline(t.record, i, marked);
      t.record.flags = { ...t.record.flags, overdue: true };
      t.event('overdue_marked', `${CLOCK_LABELS[d.clock]}（${shanghaiDate(d.dueAt)}）已届满，尚未完成“${task}”，记录超期并报政务服务管理机构（第二十条）。`, {
        clock: d.clock,
        dueAt: d.dueAt,
      });
      t.notify(N.overdueAlertNotice(t.record, ctx, marked));
      changed = true;
      continue;
    }
    const remindAt = d.remindedAt ? undefined : reminderInstant(d, ctx);
    if (remindAt && ctx.now.getTime() >= Date.parse(remindAt)) {
      const reminded: Deadline = { ...d, remindedAt: t.nowIso };
      replaceDeadline(t.record, i, reminded);
      t.event('reminder_sent', `${CLOCK_LABELS[d.clock]}将于${shanghaiDate(d.dueAt)}届满，已发送到期提醒。`, { clock: d.clock, dueAt: d.dueAt });
      t.notify(N.reminderNotice(t.record, ctx, reminded));
      changed = true;
    }
  }
  return changed ? t.done() : unchanged(c);
}

// ============================================================================================ archive

/** Final archive record (art. 18): the case is closed for good. */
export function archive(c: CaseRecord, ctx: LifecycleContext): Transition {
  if (c.phase !== 'archived') throw new PhaseConflictError('archive', c.phase, `投诉件当前环节为“${PHASE_LABELS[c.phase]}”，尚未办结，不能归档。`);
  if (c.archive?.at) return unchanged(c);
  const t = new Draft(c, ctx, SYSTEM_ACTOR);
  t.record.archive = { ...(c.archive ?? {}), at: t.nowIso };
  const o = c.outcome;
  const how = o?.kind === 'concluded' ? `办结（${FINDING_LABELS[o.finding]}）` : o?.kind === 'not_accepted' ? `不予受理（${o.reason}）` : o?.kind === 'terminated' ? `终止办理（${o.reason}）` : '结束';
  const overdue = c.flags.overdue ? '；办理过程中有超期记录' : '';
  t.event('archived', `投诉件已${how}，归档（第十八条）${overdue}。`, { outcome: o?.kind });
  return t.done();
}

// ============================================================================================ actions

/**
 * Applies a staff action: checks the actor (ForbiddenError), the phase (PhaseConflictError) and the body
 * (ValidationError), then returns the new record, its timeline events and its notices.
 */
export function applyAction(c: CaseRecord, body: unknown, actor: Actor, ctx: LifecycleContext): Transition {
  const name = actionNameOf(body);
  assertMayAct(actor, c, name);
  if (!allowedActions(c).includes(name)) {
    throw new PhaseConflictError(name, c.phase, `当前环节为“${PHASE_LABELS[c.phase]}”，不能执行“${ACTION_LABELS[name]}”操作。`);
  }
  const b = parseAction(body);
  const t = new Draft(c, ctx, recordedActor(actor));
  switch (b.action) {
    case 'dispatch':
      return dispatch(t, b);
    case 'accept':
      return accept(t, b);
    case 'reject':
      return reject(t, b);
    case 'classify':
      return classify(t, b);
    case 'designate-lead':
      return designateLead(t, b);
    case 'request-extension':
      return requestExtension(t, b);
    case 'conclude':
      concludeCase(t, b.finding, b.summary, b);
      return t.done();
    case 'file-rectification':
      return fileRectification(t, b);
    case 'reply':
      return reply(t, b);
    case 'record-follow-up':
      return recordFollowUp(t, b);
    case 'terminate':
      return terminate(t, b);
    case 'recuse':
      return recuse(t, b);
    case 'escalate':
      return escalate(t, b);
    case 'record-contact':
      return recordContact(t, b);
    case 'mark-secret':
      return markSecret(t, b);
    case 'lift-secret-mark':
      return liftSecretMark(t, b);
    case 'record-name-clearing':
      return recordNameClearing(t, b);
    case 'request-correction':
      return requestCorrection(t, b);
    case 'record-coordination':
      return recordCoordination(t, b);
    case 'merge':
    case 'unmerge':
      return mergeNotBuilt(b);
  }
}

/** The actor as timelines and records keep it: role, user name, department (not the person's own name). */
export function recordedActor(actor: Actor): Actor {
  return { role: actor.role, id: actor.id, ...(actor.department ? { department: actor.department } : {}) };
}

export function assertMayAct(actor: Actor, c: CaseRecord, name: ActionName): void {
  const denied = readDenial(actor, c);
  if (denied) throw denied;
  if (!canAct(actor, c, name)) throw new ForbiddenError(`您的角色无权对该投诉件执行“${ACTION_LABELS[name]}”操作。`);
}

function mergeNotBuilt(b: ActionBody): never {
  throw new Error(`${b.action} changes two cases: call applyMergeAction (the action service does)`);
}

export interface MergeTransition {
  /** The case the action was taken on (merged into the other, or restored by an unmerge). */
  source: Transition;
  /** The case it joined (merge) or left (unmerge). */
  target: Transition;
}

/**
 * merge / unmerge (art. 11) between the case acted on and the other case: `other` is the merge target (the root of
 * its chain) for a merge, the case it was merged into for an unmerge. Delegates to shared/domain/duplicates.
 */
export function applyMergeAction(c: CaseRecord, body: unknown, actor: Actor, ctx: LifecycleContext, other: CaseRecord): MergeTransition {
  const name = actionNameOf(body);
  if (name !== 'merge' && name !== 'unmerge') throw new Error(`applyMergeAction: ${name} is not merge or unmerge`);
  assertMayAct(actor, c, name);
  if (!canRead(actor, other)) throw new ForbiddenError('您无权查看目标投诉件，不能合并。');
  if (!allowedActions(c).includes(name)) {
    throw new PhaseConflictError(name, c.phase, `当前环节为“${PHASE_LABELS[c.phase]}”，不能执行“${ACTION_LABELS[name]}”操作。`);
  }
  const b = parseAction(body);
  const at = ctx.now.toISOString();
  const res = b.action === 'merge' ? applyMerge(other, c, actor, at) : applyUnmerge(other, c, actor, at);
  const note = 'note' in b && b.note ? b.note : undefined;
  const withNote = (events: NewEvent[]) => (note ? events.map((e) => ({ ...e, data: { ...(e.data ?? {}), note } })) : events);
  // The merged case's complainant is told where the complaint is handled now, and again when the merge is undone
  // (a mail, a call task or a letter: shared/domain/notices/contacts.ts).
  const d = new Draft(res.source, ctx, actor);
  d.events.push(...withNote(res.sourceEvents));
  d.notify(b.action === 'merge' ? N.mergedIntoNotice(res.source, ctx, other.trackingNo) : N.unmergedNotice(res.source, ctx, other.trackingNo));
  const told = d.done();
  return {
    source: { record: told.record, events: told.events, notices: told.notices },
    target: { record: stripUndefined(res.target), events: withNote(res.targetEvents), notices: [] },
  };
}

/**
 * A staff note as the end of a timeline sentence, without the complainant's identity (the timeline is read by
 * officials; art. 13): `交办意见：……。`, or nothing.
 */
function noteSentence(label: string, note: string | undefined, c: CaseRecord): string {
  if (!note) return '';
  const text = scrubIdentity(note, c).replace(/[。；;\s]+$/, '');
  return `${label}：${text}。`;
}

/** The staff note, verbatim, in the event data (kept with the case file, art. 18). */
const noteData = (note: string | undefined): { note?: string } => (note ? { note } : {});

function knownDepartment(t: Draft, code: string, field: string) {
  const d = t.ctx.jurisdiction.departments.find((x) => x.code === code);
  if (!d) throw new ValidationError([{ field, message: `部门编码“${code}”不在本级部门名录中`, code: 'unknown_department' }]);
  if (!d.belongsToThisLevel) {
    throw new RuleViolationError('not_this_level', `“${d.name}”不属于本级部门（单位），不能交办；请以“不予受理”告知投诉人到相关部门反映或转接12345（第八条第（一）项、第九条）。`);
  }
  return d;
}

function dispatch(t: Draft, b: ActionBodyOf<'dispatch'>): Transition {
  dispatchInto(t, b);
  return t.done();
}

/**
 * 交办 (art. 10), or 改派 when the case was dispatched already and the department has not accepted it: the new
 * department gets the slip and its own acceptance clock. A dispatch to another unit than routing proposed, and
 * every re-route, is recorded in `routing.reroutes` (audited with the action, counted in reports).
 */
function dispatchInto(t: Draft, b: ActionBodyOf<'dispatch'>): void {
  const dept = knownDepartment(t, b.department, 'department');
  const r = t.record;
  const reroute = r.phase === 'acceptance';
  const previous = reroute ? r.department : r.routing?.kind === 'department' ? r.routing.department : undefined;
  if (reroute && previous === dept.code) {
    throw new RuleViolationError('same_department', `投诉件已交${dept.name}办理，改派请选择其他部门（单位）。`);
  }
  const n = reroute ? r.assignments.filter((a) => a.role === 'owner' || a.slipNo).length + 1 : 1;
  const slipNo = b.slipNo ?? (n > 1 ? `JB-${r.trackingNo}-${n}` : `JB-${r.trackingNo}`);
  const assignment: Assignment = { department: dept.code, role: 'owner', assignedAt: t.nowIso, slipNo, ...(b.note ? { note: b.note } : {}) };
  r.department = dept.code;
  r.assignments = [...r.assignments.filter((a) => a.role !== 'owner'), assignment];
  t.close(reroute ? 'acceptance' : 'dispatch');
  t.moveTo('acceptance');
  // art. 10: the department decides within N working days of receiving the slip.
  t.start('acceptance', t.ctx.rules.deadlines.acceptanceWorkingDays);
  const overridden = r.routing && (reroute || r.routing.kind !== 'department' || r.routing.department !== dept.code);
  if (r.routing && overridden && t.actor.role !== 'system') {
    r.routing = { ...r.routing, reroutes: [...(r.routing.reroutes ?? []), { at: t.nowIso, by: t.actor, ...(previous ? { from: previous } : {}), to: dept.code, ...(b.note ? { note: b.note } : {}) }] };
  }
  const from = previous ? departmentName(t.ctx.jurisdiction, previous) : undefined;
  if (reroute) {
    t.event('rerouted', `政务服务管理机构将投诉由${from ?? '原承办部门'}改派${dept.name}办理，随交办单（${slipNo}）（第十条）。${noteSentence('改派理由', b.note, r)}`, {
      from: previous,
      department: dept.code,
      slipNo,
      ...(b.note ? { note: b.note } : {}),
    });
  } else {
    const against = overridden && t.actor.role !== 'system' ? `（分派判断为${r.routing!.name}，已按工作人员意见改派）` : '';
    t.event('dispatched', `政务服务管理机构随交办单（${slipNo}）将投诉交${dept.name}办理（第十条）${against}。${noteSentence('交办意见', b.note, r)}`, {
      department: dept.code,
      slipNo,
      ...(overridden && t.actor.role !== 'system' ? { rerouted: true, ...(previous ? { from: previous } : {}) } : {}),
      ...(b.note ? { note: b.note } : {}),
    });
  }
  t.notify(N.assignmentSlipNotice(r, t.ctx, assignment));
}

function accept(t: Draft, b: ActionBodyOf<'accept'>): Transition {
  t.close('acceptance');
  t.moveTo('classification');
  // The result clock is already running while the department classifies (art. 14(2)).
  const due = ensureResultClock(t);
  const from = ownerAssignment(t.record)?.slipNo ? '收到交办单' : '收到投诉';
  t.event(
    'accepted',
    `${departmentName(t.ctx.jurisdiction, t.record.department)}决定受理（第十条）。办理结果反馈期限自${from}起计算，至${shanghaiDate(due.dueAt)}（第十四条第（二）项）。${noteSentence('说明', b.note, t.record)}`,
    { dueAt: due.dueAt, ...noteData(b.note) },
  );
  t.notify(N.acceptanceNotice(t.record, t.ctx));
  return t.done();
}

function reject(t: Draft, b: ActionBodyOf<'reject'>): Transition {
  const r = t.record;
  const reason = t.ctx.rules.notAcceptedReasons[b.reason];
  const clock = PHASE_CLOCK[r.phase];
  if (clock) t.close(clock);
  r.outcome = {
    kind: 'not_accepted',
    reason: b.reason,
    ...(b.referral ? { referral: b.referral } : {}),
    ...(b.transferTo12345 ? { transferredTo12345: true } : {}),
    ...(b.explanation ? { explanation: b.explanation } : {}),
    at: t.nowIso,
  };
  t.moveTo('archived');
  // What the notice tells the complainant is recorded by the contact tasks; here only the decision and where to go.
  const where = [b.referral ? `去向：${referralPhrase(b.referral)}` : '', b.transferTo12345 ? `转接${t.ctx.jurisdiction.referral.hotline}` : ''].filter(Boolean).join('，');
  t.event('not_accepted', `不予受理：${reason?.article ?? b.reason}（${reason?.label ?? ''}）${where ? `；${where}（第九条）` : ''}。`, {
    reason: b.reason,
    ...(b.relatedCaseId ? { relatedCaseId: b.relatedCaseId } : {}),
    ...(b.explanation ? { explanation: b.explanation } : {}),
  });
  t.notify(N.notAcceptedNotice(r, t.ctx));
  if (b.transferTo12345) t.notify(N.referral12345Notice(r, t.ctx));
  return t.done();
}

function ownerAssignment(r: CaseRecord): Assignment | undefined {
  return r.assignments.find((a) => a.role === 'owner');
}

/**
 * The open result clock, started if the case has none (art. 14(2)): N working days from the department's
 * receipt of the assignment slip, or of the complaint when the department received it itself. It starts
 * when the case is accepted, so it already runs while the case waits for classification; classifying it
 * as a transfer keeps it, as general meets it, as an intervention replaces it (`setResultDeadline`).
 */
function ensureResultClock(t: Draft): Deadline {
  const r = t.record;
  const i = openDeadlineIndex(r, 'result');
  if (i >= 0) return r.deadlines[i]!;
  const startedAt = ownerAssignment(r)?.assignedAt ?? r.receivedAt;
  return t.start('result', t.ctx.rules.deadlines.transferResultWorkingDays, startedAt);
}

/**
 * The agency sets the result deadline of an intervention (art. 14(3)): it replaces the running result clock.
 * A reminder is due again for the new time; an overdue mark already recorded stays (art. 20).
 */
function setResultDeadline(t: Draft, due: Pick<DueTime, 'dueAt' | 'provisional'>, workingDays: number | undefined): Deadline {
  const r = t.record;
  const i = openDeadlineIndex(r, 'result');
  const fresh: Deadline = {
    clock: 'result',
    startedAt: t.nowIso,
    dueAt: due.dueAt,
    ...(workingDays !== undefined ? { workingDays } : {}),
    ...(due.provisional ? { provisional: due.provisional } : {}),
  };
  if (i < 0) {
    r.deadlines = [...r.deadlines, fresh];
    return fresh;
  }
  const old = r.deadlines[i]!;
  const d: Deadline = { ...old, provisional: undefined, ...fresh, workingDays, remindedAt: undefined };
  replaceDeadline(r, i, d);
  return d;
}

/**
 * Art. 17: the cause category is tagged with the classification: the staff member's choice, checked against the
 * jurisdiction's set, else proposed from the complaint as it may be shown (art. 13: never text marked secret).
 */
function tagCause(t: Draft, chosen: string | undefined): void {
  const categories = causeCategoriesOf(t.ctx.jurisdiction);
  if (chosen) {
    if (!categories.some((c) => c.code === chosen)) {
      throw new ValidationError([{ field: 'cause', code: 'unknown_cause', message: `原因分类无效，应为：${categories.map((c) => c.label).join('、')}` }]);
    }
    t.record.cause = { code: chosen, by: 'staff', at: t.nowIso };
    return;
  }
  if (t.record.cause?.by === 'staff') return;
  const shown = withholdMarked(t.record).intake;
  t.record.cause = { code: proposeCause(`${shown.matter}\n${shown.facts ?? ''}`, categories).code, by: 'proposed', at: t.nowIso };
}

function classify(t: Draft, b: ActionBodyOf<'classify'>): Transition {
  const r = t.record;
  const d = t.ctx.rules.deadlines;
  r.classification = b.kind;
  tagCause(t, b.cause);
  if (b.kind === 'general') {
    t.event('classified', `分类为“${CLASSIFICATION_LABELS.general}”，由首席事务代表当场处理（第十四条第（一）项）。${noteSentence('说明', b.note, r)}`, { kind: b.kind, ...noteData(b.note) });
    concludeCase(t, b.finding!, b.summary!, b);
    return t.done();
  }
  if (b.kind === 'transfer') {
    const owner = ownerAssignment(r);
    if (!owner) throw new RuleViolationError('no_department', '该投诉件尚无承办单位，不能登记转办；请先交办。');
    // The clock started at acceptance keeps running (no restart); a case accepted before it did gets it now.
    const due = ensureResultClock(t);
    if (!owner.slipNo) {
      // Received by the department itself: the agency's slip is issued now; the clock still runs from the receipt.
      const issued: Assignment = { ...owner, slipNo: `JB-${r.trackingNo}`, assignedAt: t.nowIso };
      r.assignments = r.assignments.map((a) => (a === owner ? issued : a));
      t.notify(N.assignmentSlipNotice(r, t.ctx, issued));
    }
    t.moveTo('handling');
    t.event('classified', `分类为“${CLASSIFICATION_LABELS.transfer}”，承办单位应于${shanghaiDate(due.dueAt)}前反馈办理结果（第十四条第（二）项）。${noteSentence('说明', b.note, r)}`, {
      kind: b.kind,
      dueAt: due.dueAt,
      ...noteData(b.note),
    });
    return t.done();
  }
  t.moveTo('handling');
  const due = setResultDeadline(t, t.ctx.calendar.addWorkingDays(t.ctx.now, d.interventionDefaultWorkingDays), d.interventionDefaultWorkingDays);
  t.event(
    'classified',
    `分类为“${CLASSIFICATION_LABELS.intervention}”，由政务服务管理机构介入协调，待明确牵头单位；默认办理时限${shanghaiDate(due.dueAt)}（第十四条第（三）项）。${noteSentence('说明', b.note, r)}`,
    {
      kind: b.kind,
      dueAt: due.dueAt,
      ...noteData(b.note),
    },
  );
  t.notify(N.interventionNotice(r, t.ctx));
  return t.done();
}

function dueFromDate(t: Draft, date: string, field: string): string {
  if (!t.ctx.calendar.isWorkday(date)) {
    throw new ValidationError([{ field, message: `${date} 不是工作日，办理期限应为工作日`, code: 'not_workday' }]);
  }
  return `${date}T23:59:59+08:00`;
}

function designateLead(t: Draft, b: ActionBodyOf<'designate-lead'>): Transition {
  const r = t.record;
  const lead = knownDepartment(t, b.lead, 'lead');
  const co = b.coHandlers.map((code, i) => knownDepartment(t, code, `coHandlers.${i}`));
  const recusedOf = (code: string) => r.assignments.filter((a) => a.department === code).flatMap((a) => a.recused ?? []);
  const assign = (code: string, role: Assignment['role']): Assignment => {
    const recused = recusedOf(code);
    return { department: code, role, assignedAt: t.nowIso, slipNo: `JB-${r.trackingNo}-${code}`, ...(recused.length ? { recused } : {}), ...(b.note ? { note: b.note } : {}) };
  };
  const newOnes = [assign(lead.code, 'lead'), ...co.map((d) => assign(d.code, 'co_handler'))];
  r.assignments = [...r.assignments.filter((a) => a.role === 'owner'), ...newOnes];

  let due: Pick<DueTime, 'dueAt' | 'provisional'>;
  let workingDays: number | undefined;
  if (b.dueDate) {
    if (b.dueDate < shanghaiDate(t.ctx.now)) {
      throw new ValidationError([{ field: 'dueDate', message: '办理期限不能早于今天', code: 'in_past' }]);
    }
    due = { dueAt: dueFromDate(t, b.dueDate, 'dueDate') };
  } else {
    workingDays = t.ctx.rules.deadlines.interventionDefaultWorkingDays;
    due = t.ctx.calendar.addWorkingDays(t.ctx.now, workingDays);
  }
  const dueAt = due.dueAt;
  setResultDeadline(t, due, workingDays);
  const coNames = co.map((d) => d.name).join('、');
  t.event(
    'lead_designated',
    `政务服务管理机构介入协调，明确牵头单位为${lead.name}${coNames ? `，协办单位为${coNames}` : ''}${b.taskForce ? '，组建专班' : ''}，办理时限${shanghaiDate(dueAt)}（第十四条第（三）项）。${noteSentence('协调意见', b.note, r)}`,
    { lead: lead.code, coHandlers: co.map((d) => d.code), dueAt, ...noteData(b.note) },
  );
  for (const a of newOnes) t.notify(N.assignmentSlipNotice(r, t.ctx, a));
  return t.done();
}

function requestExtension(t: Draft, b: ActionBodyOf<'request-extension'>): Transition {
  const r = t.record;
  const ctx = t.ctx;
  const i = openDeadlineIndex(r, 'result');
  const d = i < 0 ? undefined : r.deadlines[i];
  if (!d) throw new RuleViolationError('no_deadline', '该投诉件没有正在计算的办理期限，无需延期。');
  if (isPastDue(d, ctx.now) || d.overdueAt) {
    throw new RuleViolationError('extension_after_due', `办理期限已于${shanghaiDate(d.dueAt)}届满，不能再申请延期：延期须在期限届满前提出（第十四条第（二）项）。`);
  }
  const original = d.originalDueAt ?? d.dueAt;
  const max = ctx.rules.deadlines.extensionMaxWorkingDays;
  const limit = ctx.rules.deadlines.extensionInterpretation === 'total' ? ctx.calendar.addWorkingDays(d.startedAt, max) : ctx.calendar.addWorkingDays(original, max);
  const basis = ctx.rules.deadlines.extensionInterpretation === 'total' ? `自收到交办单起最长 ${max} 个工作日` : `在原办理期限（${shanghaiDate(original)}）基础上最长延长 ${max} 个工作日`;
  if (b.newDueDate <= shanghaiDate(d.dueAt)) {
    throw new RuleViolationError('extension_not_later', `延期后的办理期限（${b.newDueDate}）应晚于当前办理期限（${shanghaiDate(d.dueAt)}）。`);
  }
  if (b.newDueDate > limit.dueDate) {
    throw new RuleViolationError('extension_too_long', `延期后的办理期限（${b.newDueDate}）超过规定上限：延期办理${basis}，最迟为${limit.dueDate}（第十四条第（二）项）。`);
  }
  const dueAt = dueFromDate(t, b.newDueDate, 'newDueDate');
  // The new due date is the one staff chose (a working day): no longer a computed, provisional one.
  const extended: Deadline = { ...d, originalDueAt: original, dueAt, extended: true, remindedAt: undefined, provisional: undefined };
  replaceDeadline(r, i, extended);
  t.event('extension_granted', `承办单位申请延期办理，办理时限由${shanghaiDate(d.dueAt)}延至${b.newDueDate}（第十四条第（二）项）。理由：${scrubIdentity(b.reason, r)}`, {
    from: d.dueAt,
    to: dueAt,
    originalDueAt: original,
  });
  t.notify(...N.extensionNotices(r, ctx, extended, b.reason));
  return t.done();
}

/**
 * Conclusion with a finding (arts. 14(2), 15, 16, 17). The result is fed back now: to the agency (a mail, and the
 * record it reads) and to the complainant on every channel they can be reached on (contact tasks: a mail the system
 * sends, a call or a letter staff record). Three clocks start at the conclusion and run side by side, none waiting
 * for another: the reply (the complainant told), the rectification filing (substantiated or partly, or other problems
 * found during the inquiry, which art. 15 has rectified too) and the agency's follow-up visit. For an unfounded
 * complaint the unit may ask the agency to help clear the respondent's name (art. 15). The case is in the first open
 * part (`phaseAfterConclusion`); every open part can be done first.
 */
function concludeCase(t: Draft, finding: Finding, summary: string, art15: { otherProblems?: string | undefined; nameClearing?: string | undefined } = {}): void {
  const r = t.record;
  const d = t.ctx.rules.deadlines;
  t.close('result');
  const cites = coordinationCites(r);
  r.conclusion = { finding, summary, at: t.nowIso, by: t.actor, ...(art15.otherProblems ? { otherProblems: art15.otherProblems } : {}), ...(cites.length ? { cites } : {}) };
  r.outcome = { kind: 'concluded', finding, summary, at: t.nowIso };
  if (art15.nameClearing) {
    if (finding !== 'unfounded') throw new RuleViolationError('name_clearing_not_unfounded', '只有投诉失实的，才可以提请澄清事实、消除影响（第十五条）。');
    r.nameClearing = { request: art15.nameClearing, requestedAt: t.nowIso, requestedBy: t.actor };
  }
  const reply = t.start('reply', d.replyWorkingDays);
  const rectify = finding === 'substantiated' || finding === 'partial' || art15.otherProblems !== undefined;
  const rect = rectify ? t.start('rectification', d.rectificationWorkingDays) : undefined;
  const visit = t.start('follow_up', d.followUpWorkingDays);
  const other = art15.otherProblems ? `调查中发现投诉以外其他问题，应一并整改（第十五条）。${noteSentence('其他问题', art15.otherProblems, r)}` : '';
  const clearing = art15.nameClearing ? `投诉失实，承办单位提请政务服务管理机构协助被投诉人在一定范围内澄清事实，消除影响（第十五条）。${noteSentence('申请', art15.nameClearing, r)}` : '';
  const p = r.intake.complainant;
  const anonymous = p.anonymous || r.flags.anonymous;
  const reasonNone: NoReplyReason | undefined = anonymous ? 'anonymous' : !p.wantsReply ? 'not_wanted' : undefined;
  const parts = [
    reasonNone ? '' : `办理结果应于${shanghaiDate(reply.dueAt)}前答复投诉人（第十六条）`,
    rect ? `整改结果应于${shanghaiDate(rect.dueAt)}前报备（第十五条）` : '',
    `政务服务管理机构应于${shanghaiDate(visit.dueAt)}前回访（第十七条）`,
  ].filter(Boolean);
  t.moveTo(phaseAfterConclusion(r));
  const cited = cites.length ? `办理结果依据：${coordinationCitation(r)}（第十四条第（三）项）。` : '';
  t.event('concluded', `办结，核查结论：${FINDING_LABELS[finding]}，办理结果已报政务服务管理机构（第十四条第（二）项）。${cited}${parts.join('；')}，各自计算期限。${other}${clearing}`, {
    finding,
    ...(cites.length ? { cites } : {}),
    replyDueAt: reply.dueAt,
    ...(rect ? { rectificationDueAt: rect.dueAt } : {}),
    followUpDueAt: visit.dueAt,
    ...(art15.otherProblems ? { otherProblems: art15.otherProblems } : {}),
    ...(art15.nameClearing ? { nameClearing: art15.nameClearing } : {}),
  });
  if (art15.nameClearing) t.notify(nameClearingRequestNotice(r, t.ctx));
  t.notify(N.resultFeedbackNotice(r, t.ctx));
  if (reasonNone) {
    r.reply = { method: 'none', reasonNone, at: t.nowIso, by: SYSTEM_ACTOR };
    closeDeadline(r, 'reply', t.ctx.now);
    t.events.push({ at: t.nowIso, type: 'reply_skipped', actor: SYSTEM_ACTOR, phase: r.phase, summary: `不予答复：${NO_REPLY_REASON_LABELS[reasonNone]}（第十六条）。` });
  } else {
    t.notify(N.resultToComplainantNotice(r, t.ctx));
  }
  if (anonymous && !p.phone?.trim() && !p.email?.trim() && !p.address?.trim()) {
    closeDeadline(r, 'follow_up', t.ctx.now);
    t.events.push({ at: t.nowIso, type: 'follow_up_skipped', actor: SYSTEM_ACTOR, phase: r.phase, summary: '匿名投诉且无联系方式，无法回访（第十七条）。' });
  } else {
    t.notify(N.followUpSurveyNotice(r, t.ctx));
  }
  t.moveTo(phaseAfterConclusion(r));
}

/**
 * The complainant was told the result by a contact task (the result mail sent, the result call reached, the letter
 * posted): the reply is done (arts. 14(2), 16), late or not. Pure; used by `record-contact` and by the service that
 * records a sent mail (shared/services/contact-delivery.ts). Returns the events; changes `record` in place.
 */
export function replyByContact(record: CaseRecord, task: ContactTask, now: Date, actor: Actor): NewEvent[] {
  const told = task.kind === 'result_feedback' && task.status === 'done';
  if (!told || record.reply || openDeadlineIndex(record, 'reply') < 0 || !AFTER_CONCLUSION_PHASES.includes(record.phase)) return [];
  const at = now.toISOString();
  const i = openDeadlineIndex(record, 'reply');
  const due = record.deadlines[i]!;
  const method = task.channel === 'email' ? 'email' : task.channel === 'phone' ? 'phone' : 'letter';
  record.reply = { method, summary: `办理结果告知（${task.id}，${CONTACT_CHANNEL_LABELS[task.channel]}）`, at, by: actor };
  const late = closeDeadline(record, 'reply', now);
  const events: NewEvent[] = [];
  if (late) {
    events.push({
      at,
      type: 'overdue_marked',
      actor,
      phase: record.phase,
      summary: `${CLOCK_LABELS.reply}（${shanghaiDate(due.dueAt)}）已届满，完成时已超期，记录超期（第二十条）。`,
      data: { clock: 'reply', dueAt: due.dueAt },
    });
  }
  const how = task.channel === 'email' ? '电子邮件已发送' : task.channel === 'phone' ? '电话已接通' : '告知书已寄出';
  events.push({
    at,
    type: 'replied',
    actor,
    phase: record.phase,
    summary: `办理结果已告知投诉人（${task.id}，${how}），答复完成（第十四条第（二）项、第十六条）。`,
    data: { method, contactId: task.id },
  });
  record.phase = phaseAfterConclusion(record);
  record.updatedAt = at;
  return events;
}

function fileRectification(t: Draft, b: ActionBodyOf<'file-rectification'>): Transition {
  const r = t.record;
  const found = r.conclusion?.otherProblems;
  // An unfounded complaint is in rectification only for the other problems: its summary is their rectification.
  if (found && r.conclusion?.finding !== 'unfounded' && !b.otherProblems) {
    throw new ValidationError([{ field: 'otherProblems', message: '办结时记录了调查中发现的其他问题，应一并整改，请填写其他问题整改情况（第十五条）', code: 'other_problems_rectification_missing' }]);
  }
  r.rectification = { summary: b.summary, at: t.nowIso, by: t.actor, ...(b.otherProblems ? { otherProblems: b.otherProblems } : {}) };
  t.close('rectification');
  const withOther = found || b.otherProblems ? '（含调查中发现的投诉以外其他问题的整改情况）' : '';
  t.event('rectification_filed', `承办单位已将整改情况${withOther}报政务服务管理机构备案（第十五条）。`, b.otherProblems ? { otherProblems: b.otherProblems } : undefined);
  t.notify(N.rectificationFiledNotice(r, t.ctx));
  t.moveTo(phaseAfterConclusion(r));
  return t.done();
}

function reply(t: Draft, b: ActionBodyOf<'reply'>): Transition {
  const r = t.record;
  const p = r.intake.complainant;
  if (b.method === 'none' && b.reasonNone === 'anonymous' && !(p.anonymous || r.flags.anonymous)) {
    throw new RuleViolationError('not_anonymous', '该投诉为实名投诉，不能以“匿名投诉”为由不予答复（第十六条）。');
  }
  if (b.method === 'email' && !p.email?.trim()) {
    throw new RuleViolationError('no_email', '投诉人未留电子邮箱，不能以电子邮件方式答复；请选择电话或当面告知。');
  }
  r.reply = {
    method: b.method,
    ...(b.summary ? { summary: b.summary } : {}),
    ...(b.reasonNone ? { reasonNone: b.reasonNone } : {}),
    at: t.nowIso,
    by: t.actor,
  };
  t.close('reply');
  t.event(
    b.method === 'none' ? 'reply_skipped' : 'replied',
    b.method === 'none'
      ? `不予答复：${NO_REPLY_REASON_LABELS[b.reasonNone!]}（第十六条）。`
      : b.method === 'email'
        ? '承办单位以电子邮件答复投诉人，邮件发送结果另行记录（第十六条）。'
        : `承办单位记录已通过${REPLY_METHOD_LABELS[b.method]}答复投诉人（第十六条）。`,
    { method: b.method },
  );
  t.notify(N.replyToComplainantNotice(r, t.ctx), N.replyRecordNotice(r, t.ctx));
  t.moveTo(phaseAfterConclusion(r));
  return t.done();
}

/** The agency's follow-up visit (art. 17): its own clock from the conclusion, not behind the department's parts. */
function recordFollowUp(t: Draft, b: ActionBodyOf<'record-follow-up'>): Transition {
  const r = t.record;
  r.followUp = { satisfaction: b.satisfaction, ...(b.note ? { note: b.note } : {}), at: t.nowIso, by: t.actor };
  t.close('follow_up');
  t.event('follow_up_recorded', `政务服务管理机构已回访，投诉人评价：${SATISFACTION_LABELS[b.satisfaction]}（第十七条）。`, { satisfaction: b.satisfaction });
  t.moveTo(phaseAfterConclusion(r));
  return t.done();
}

function terminate(t: Draft, b: ActionBodyOf<'terminate'>): Transition {
  const r = t.record;
  const reason = t.ctx.rules.terminationReasons[b.reason];
  // Each art. 19 ground checks its own precondition first (RuleViolationError naming what is missing).
  const basis = scrubIdentity(terminationBasis(r, b, t.ctx.rules, t.ctx.now), r).replace(/[。；;\s]+$/, '');
  // Every running clock stops; one already past due keeps (or gets) its overdue mark.
  for (const clock of [...new Set(r.deadlines.filter((d) => !d.metAt).map((d) => d.clock))]) t.close(clock);
  r.outcome = { kind: 'terminated', reason: b.reason, ...(b.note ? { note: b.note } : {}), basis, at: t.nowIso };
  t.moveTo('archived');
  t.event('terminated', `终止办理：${reason?.article ?? b.reason}（${reason?.label ?? ''}）。依据：${basis}。${noteSentence('终止说明', b.note, r)}`, {
    reason: b.reason,
    basis,
    ...(b.circumstance ? { circumstance: b.circumstance } : {}),
    ...noteData(b.note),
  });
  t.notify(...N.terminationNotices(r, t.ctx));
  return t.done();
}

/** The ids of the coordination records a conclusion cites (art. 14(3)): 专班, H1…, D1…. */
function coordinationCites(c: CaseRecord): string[] {
  const co = c.coordination;
  if (!co) return [];
  return [...(co.taskForce ? ['专班'] : []), ...co.meetings.map((m) => m.id), ...co.inquiries.map((q) => q.id)];
}

function coordinationCitation(c: CaseRecord): string {
  const co = c.coordination!;
  return [
    co.taskForce ? `工作专班（${co.taskForce.members.length} 人）` : '',
    ...co.meetings.map((m) => `${m.date}协调会（${m.id}）`),
    ...co.inquiries.map((q) => `${q.date}${INQUIRY_METHOD_LABELS[q.method]}（${q.id}）`),
  ]
    .filter(Boolean)
    .join('、');
}

/** Art. 14(3): records the task force, a coordination meeting or an inquiry step; the case stays in handling. */
function recordCoordination(t: Draft, b: ActionBodyOf<'record-coordination'>): Transition {
  const r = t.record;
  const co = r.coordination ?? { meetings: [], inquiries: [] };
  const today = shanghaiDate(t.ctx.now);
  if (b.date && b.date > today) throw new ValidationError([{ field: 'date', message: '日期不能晚于今天：请在协调会或调查之后记录', code: 'in_future' }]);
  if (b.kind === 'task_force') {
    const members = (b.members ?? []).map((m) => {
      const x = /^(.+?)[（(](.+)[)）]$/.exec(m) ?? /^(\S+)\s+(.+)$/.exec(m);
      return x ? { name: x[1]!.trim(), unit: x[2]!.trim() } : { name: m, unit: '' };
    });
    const noUnit = members.findIndex((m) => !m.unit);
    if (noUnit >= 0) throw new ValidationError([{ field: `members.${noUnit}`, message: `第 ${noUnit + 1} 位专班成员未写明单位，请写成“姓名（单位）”`, code: 'member_unit_missing' }]);
    r.coordination = { ...co, taskForce: { members, at: t.nowIso, by: t.actor } };
    const units = [...new Set(members.map((m) => m.unit))];
    t.event('task_force_formed', `${co.taskForce ? '调整' : '组建'}工作专班，成员 ${members.length} 人，来自${units.join('、')}（第十四条第（三）项）。`, { members: members.length, units });
  } else if (b.kind === 'meeting') {
    const id = `H${co.meetings.length + 1}`;
    r.coordination = { ...co, meetings: [...co.meetings, { id, date: b.date!, attendees: b.attendees ?? [], minutes: b.minutes!, decisions: b.decisions!, at: t.nowIso, by: t.actor }] };
    t.event('coordination_meeting', `${b.date}召开协调会（${id}），参会 ${b.attendees?.length ?? 0} 人（单位）（第十四条第（三）项）。${noteSentence('议定事项', b.decisions, r)}`, {
      meetingId: id,
      date: b.date,
      attendees: b.attendees,
    });
  } else {
    const id = `D${co.inquiries.length + 1}`;
    r.coordination = {
      ...co,
      inquiries: [...co.inquiries, { id, method: b.method!, date: b.date!, what: b.what!, conductedBy: b.conductedBy!, materials: b.materials ?? [], at: t.nowIso, by: t.actor }],
    };
    const mats = b.materials?.length ? `，取得材料 ${b.materials.length} 份（${b.materials.join('、')}）` : '';
    t.event('inquiry_recorded', `${b.date}${INQUIRY_METHOD_LABELS[b.method!]}（${id}）${mats}（第十四条第（三）项）。${noteSentence('情况', b.what, r)}`, {
      inquiryId: id,
      method: b.method,
      date: b.date,
      materials: b.materials ?? [],
    });
  }
  return t.done();
}

/** 补正提醒 (art. 19(1)): recorded as given (content, channel, day, period); the case stays in its step. */
function requestCorrection(t: Draft, b: ActionBodyOf<'request-correction'>): Transition {
  const r = t.record;
  const today = shanghaiDate(t.ctx.now);
  const sentOn = b.sentOn ?? today;
  if (sentOn > today) throw new ValidationError([{ field: 'sentOn', message: '提醒日期不能晚于今天：请在提醒后记录', code: 'in_future' }]);
  if (b.correctBy <= sentOn) throw new ValidationError([{ field: 'correctBy', message: '补正期限应晚于提醒日期', code: 'period_empty' }]);
  const id = `B${(r.correctionRequests ?? []).length + 1}`;
  r.correctionRequests = [...(r.correctionRequests ?? []), { id, content: b.content, channel: b.channel, sentOn, correctBy: b.correctBy, at: t.nowIso, by: t.actor }];
  t.event(
    'correction_requested',
    `已于${sentOn}以${CORRECTION_CHANNEL_LABELS[b.channel]}提醒投诉人补正材料（${id}），补正期限至${b.correctBy}（第十九条第（一）项）。${noteSentence('补正内容', b.content, r)}`,
    { correctionId: id, channel: b.channel, sentOn, correctBy: b.correctBy, content: b.content },
  );
  return t.done();
}

function recuse(t: Draft, b: ActionBodyOf<'recuse'>): Transition {
  const r = t.record;
  if (b.handOverTo === t.actor.id) throw new ValidationError([{ field: 'handOverTo', message: '接办人不能是申请回避的本人', code: 'self' }]);
  // The reason may say what ties the person to the complainant: it goes to the audit trail (agency only).
  t.auditDetail = { reason: b.reason, ...(b.handOverTo ? { handOverTo: b.handOverTo } : {}) };
  if (t.actor.role === 'agency') return recuseAgencyStaff(t, b);
  const dept = t.actor.department!;
  if (!r.assignments.some((a) => a.department === dept)) {
    // The owning department without an explicit assignment (legacy record): make it explicit.
    r.assignments = [...r.assignments, { department: dept, role: 'owner', assignedAt: r.receivedAt }];
  }
  r.assignments = r.assignments.map((a) =>
    a.department !== dept
      ? a
      : {
          ...a,
          recused: [...new Set([...(a.recused ?? []), t.actor.id])],
          ...(b.handOverTo ? { handler: b.handOverTo } : a.handler === t.actor.id ? { handler: undefined } : {}),
        },
  );
  t.event('recused', `${departmentName(t.ctx.jurisdiction, dept)}一名承办人员因利害关系主动回避，投诉件仍由该单位${b.handOverTo ? '另一名人员' : '另行指定人员'}办理（第二十一条）。`, {
    department: dept,
    ...(b.handOverTo ? { handOverTo: b.handOverTo } : {}),
  });
  t.notify(N.recusalNotice(r, t.ctx, dept));
  return t.done();
}

/**
 * Art. 21 for the management agency's own staff: the person loses access to the case; the agency's other staff
 * carry on (the agency is told, so that someone takes it over).
 */
function recuseAgencyStaff(t: Draft, b: ActionBodyOf<'recuse'>): Transition {
  const r = t.record;
  r.agencyRecused = [...new Set([...(r.agencyRecused ?? []), t.actor.id])];
  t.event('recused', `政务服务管理机构一名工作人员因利害关系主动回避，投诉件由该机构${b.handOverTo ? '另一名工作人员' : '另行指定工作人员'}办理（第二十一条）。`, {
    role: 'agency',
    ...(b.handOverTo ? { handOverTo: b.handOverTo } : {}),
  });
  t.notify(N.agencyRecusalNotice(r, t.ctx));
  return t.done();
}

/**
 * Art. 13: marks content as a state secret, trade secret or private. From now on it is withheld from everyone but the
 * agency and from every output (shared/domain/secrecy.ts). The timeline says that a mark was made and of what kind,
 * never what it covers or why; the reason is audited. Mail already sent cannot be recalled: the event says so.
 */
function markSecret(t: Draft, b: ActionBodyOf<'mark-secret'>): Transition {
  const r = t.record;
  const passages = b.scope === 'passages' ? [...new Set(b.passages ?? [])] : [];
  const missing = passages.map((p, i) => ({ p, i })).filter(({ p }) => !passageOccurs(r, p));
  if (missing.length > 0) {
    throw new ValidationError(missing.map(({ i }) => ({ field: `passages.${i}`, message: `第 ${i + 1} 段内容在本件的投诉内容和办理记录中找不到，请按原文复制`, code: 'passage_not_found' })));
  }
  if (b.scope === 'content' && activeMarks(r).some((m) => m.scope === 'content' && m.category === b.category)) {
    throw new RuleViolationError('already_marked', `本件投诉内容已标注为${SECRECY_LABELS[b.category]}，无需重复标注。`);
  }
  const id = `M${(r.secrecyMarks ?? []).length + 1}`;
  r.secrecyMarks = [...(r.secrecyMarks ?? []), { id, category: b.category, scope: b.scope, ...(passages.length ? { passages } : {}), reason: b.reason, at: t.nowIso, by: t.actor }];
  const what = b.scope === 'content' ? '投诉内容（投诉事项、事实和理由、证据材料）' : `${passages.length} 段指定内容`;
  const sent = (r.contacts ?? []).some((x) => x.status === 'done' && x.channel === 'email') || r.assignments.some((a) => a.slipNo);
  t.event(
    'secrecy_marked',
    `政务服务管理机构将本件${what}标注为${SECRECY_LABELS[b.category]}（第十三条，标注 ${id}）；此后对无权知悉的人员和各类文书、邮件、导出不予显示${sent ? '，此前已发出的文书不受影响' : ''}。`,
    { markId: id, category: b.category, scope: b.scope },
  );
  t.auditDetail = { markId: id, category: b.category, scope: b.scope, passages: passages.length, reason: b.reason };
  return t.done();
}

function liftSecretMark(t: Draft, b: ActionBodyOf<'lift-secret-mark'>): Transition {
  const r = t.record;
  const mark = (r.secrecyMarks ?? []).find((m) => m.id === b.markId);
  if (!mark) throw new ValidationError([{ field: 'markId', message: `没有编号为“${b.markId}”的保密标注`, code: 'unknown_mark' }]);
  if (mark.lifted) throw new RuleViolationError('mark_lifted', `保密标注 ${mark.id} 已于此前解除。`);
  r.secrecyMarks = r.secrecyMarks!.map((m) => (m.id === mark.id ? { ...m, lifted: { at: t.nowIso, by: t.actor, reason: b.reason } } : m));
  t.event('secrecy_mark_lifted', `政务服务管理机构解除了保密标注 ${mark.id}（${SECRECY_LABELS[mark.category]}，第十三条）。`, { markId: mark.id, category: mark.category });
  t.auditDetail = { markId: mark.id, category: mark.category, reason: b.reason };
  return t.done();
}

function escalate(t: Draft, b: ActionBodyOf<'escalate'>): Transition {
  const r = t.record;
  r.escalations = [...(r.escalations ?? []), { to: b.to, reason: b.reason, at: t.nowIso, by: t.actor }];
  if (b.stabilityRisk) r.flags = { ...r.flags, stabilityRisk: true };
  t.event('escalated', `已上报${b.to === 'leader' ? '主管领导' : '政务服务管理机构'}${b.stabilityRisk ? '（存在较大信访维稳风险，第九条第（二）项）' : ''}。`, { to: b.to });
  t.notify(b.to === 'leader' && b.stabilityRisk ? N.stabilityRiskNotice(r, t.ctx, b.reason) : N.escalationNotice(r, t.ctx, b.to, b.reason));
  return t.done();
}

/** The agency records how it helped the respondent clear its name (art. 15); the case stays in its step. */
function recordNameClearing(t: Draft, b: ActionBodyOf<'record-name-clearing'>): Transition {
  const r = t.record;
  const nc = r.nameClearing;
  if (!nc) throw new RuleViolationError('no_name_clearing', '承办单位未提请澄清事实、消除影响，无需记录（第十五条）。');
  if (nc.clearedAt) throw new RuleViolationError('name_clearing_done', '澄清情况已记录。');
  r.nameClearing = { ...nc, summary: b.summary, clearedAt: t.nowIso, clearedBy: t.actor };
  t.event('name_cleared', `政务服务管理机构已协助被投诉人在一定范围内澄清事实，消除影响（第十五条）。${noteSentence('澄清情况', b.summary, r)}`, { summary: b.summary });
  return t.done();
}

/**
 * The outcome of a call or a letter to the complainant (contact task). 已接通 and 已寄出 complete it; 无人接听 and
 * 改日再拨 keep it open (改日再拨 with the date by which to call again). The timeline says exactly that.
 */
function recordContact(t: Draft, b: ActionBodyOf<'record-contact'>): Transition {
  const r = t.record;
  const i = (r.contacts ?? []).findIndex((x) => x.id === b.contactId);
  const task = i < 0 ? undefined : r.contacts![i]!;
  if (!task) throw new ValidationError([{ field: 'contactId', message: `没有编号为“${b.contactId}”的告知任务`, code: 'unknown_contact' }]);
  if (task.status !== 'pending') throw new RuleViolationError('contact_done', `告知任务 ${task.id} 已完成，无需再记录。`);
  if (task.channel === 'email') throw new RuleViolationError('contact_is_mail', `告知任务 ${task.id} 为电子邮件，由系统发送并记录。`);
  const fits = task.channel === 'letter' ? b.outcome === 'posted' : b.outcome !== 'posted';
  if (!fits) {
    throw new ValidationError([{ field: 'outcome', message: task.channel === 'letter' ? '信函告知只能记录“已寄出”' : '电话告知请记录已接通、无人接听或改日再拨', code: 'outcome_not_for_channel' }]);
  }
  if (b.retryBy && b.retryBy < shanghaiDate(t.ctx.now)) throw new ValidationError([{ field: 'retryBy', message: '再拨日期不能早于今天', code: 'in_past' }]);
  const done = b.outcome === 'reached' || b.outcome === 'posted';
  const attempt = { at: t.nowIso, by: t.actor, outcome: b.outcome, ...(b.retryBy ? { retryBy: b.retryBy } : {}), ...(b.note ? { note: b.note } : {}) };
  const next = { ...task, attempts: [...task.attempts, attempt], ...(done ? { status: 'done' as const, doneAt: t.nowIso } : {}) };
  r.contacts = r.contacts!.map((x, j) => (j === i ? next : x));
  const what = CONTACT_NOTICE_LABELS[task.kind as keyof typeof CONTACT_NOTICE_LABELS] ?? task.subject;
  const n = task.attempts.length + 1;
  const summary =
    b.outcome === 'reached'
      ? `${what}：已电话告知投诉人（第${n}次拨打，已接通）。`
      : b.outcome === 'posted'
        ? `${what}：告知书已寄出。`
        : b.outcome === 'no_answer'
          ? `${what}：第${n}次电话告知未接通（无人接听），尚未告知投诉人。`
          : `${what}：第${n}次电话告知未完成，约定改日再拨，最迟${b.retryBy}，尚未告知投诉人。`;
  t.event('contact_recorded', `${summary}${noteSentence('记录', b.note, r)}`, {
    contactId: task.id,
    kind: task.kind,
    channel: task.channel,
    channelLabel: CONTACT_CHANNEL_LABELS[task.channel],
    outcome: b.outcome,
    outcomeLabel: CONTACT_OUTCOME_LABELS[b.outcome],
    ...(b.retryBy ? { retryBy: b.retryBy } : {}),
  });
  // The result told by this task completes the reply (arts. 14(2), 16); otherwise the case stays where it is.
  t.events.push(...replyByContact(r, next, t.ctx.now, t.actor));
  return t.done();
}
