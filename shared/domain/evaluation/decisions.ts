/**
 * Art. 20 as recorded decisions: "对一个季度内属实投诉超过3次或存在投诉超期办结的被投诉人，政务服务管理机构应当取消其相应
 * 评优评先资格。被投诉人是工作人员的，应由其所在单位按有关规定或劳动合同约定严肃处理。"
 *
 * The quarterly report says who is ineligible; a decision is the agency's record of it: one per respondent (unit or
 * person) and quarter, with its grounds (the counted substantiated complaints and the overdue cases, each a case id
 * that the console links), the department it was notified to, objections and how they were ruled, and every change
 * as a history entry. A ground found wrong on review (the complaint was in fact unfounded, the overdue mark wrong)
 * is excluded, never deleted, and the decision is re-evaluated on the grounds that remain. A staff member's
 * decision is referred to their unit, whose outcome is recorded (art. 20, last sentence). Pure.
 */
import { createHash } from 'node:crypto';
import type { EvaluationReport, EvaluationRuleApplied, RespondentRow } from './report';

export type DecisionGroundKind = 'substantiated' | 'partial' | 'overdue';

export interface DecisionGround {
  caseId: string;
  kind: DecisionGroundKind;
  /** Set when the ground was found wrong on review: it no longer counts, and why is kept. */
  excluded?: { at: string; by: string; reason: string; objectionId?: string };
  /** Set when a later report no longer contains the ground (e.g. the finding was corrected on the case). */
  droppedAt?: string;
}

export type DecisionStatus = 'disqualified' | 'withdrawn';

export interface DecisionChange {
  at: string;
  /** `role:id` of the staff member, or `system`. */
  by: string;
  what: 'decided' | 're_evaluated' | 'withdrawn' | 'reinstated' | 'objection_filed' | 'objection_ruled' | 'notified' | 'referral_outcome';
  /** Plain Chinese for the record. */
  summary: string;
}

export interface DecisionObjection {
  id: string;
  at: string;
  by: string;
  /** The ground the objection disputes; none: the decision as a whole. */
  caseId?: string;
  text: string;
  ruling?: { at: string; by: string; upheld: boolean; reason: string };
}

export interface DecisionNotice {
  at: string;
  /** The department code the notice went to, when the unit is one of the jurisdiction's departments. */
  department?: string;
  messageId?: string;
  /** Why no notice could be sent (no department matches the unit, no address). */
  undeliverable?: string;
  /** Which state of the decision it announced. */
  status: DecisionStatus;
  revision: number;
}

export interface EvaluationDecision {
  id: string;
  jurisdiction: string;
  quarter: string;
  respondent: { kind: 'unit' | 'person'; key: string; name: string; unitName?: string; department?: string };
  status: DecisionStatus;
  grounds: DecisionGround[];
  /** Chinese reasons of the current status. */
  reasons: string[];
  rule: EvaluationRuleApplied;
  /** Grows with every change; stores write conditionally on it. */
  revision: number;
  decidedAt: string;
  updatedAt: string;
  history: DecisionChange[];
  objections: DecisionObjection[];
  notices: DecisionNotice[];
  /** A person: referred to their unit (art. 20, last sentence), with the unit's outcome once recorded. */
  referral?: { department?: string; outcome?: { at: string; by: string; text: string } };
}

export const DECISION_STATUS_LABELS: Record<DecisionStatus, string> = {
  disqualified: '取消评优评先资格',
  withdrawn: '已撤销（经更正不再符合取消条件）',
};

export const GROUND_KIND_LABELS: Record<DecisionGroundKind, string> = {
  substantiated: '属实投诉',
  partial: '部分属实投诉',
  overdue: '超期办结',
};

/** A stable, URL-safe id per jurisdiction, quarter and respondent. */
export function decisionId(jurisdiction: string, quarter: string, respondentKey: string): string {
  const h = createHash('sha256').update(`${jurisdiction}\n${quarter}\n${respondentKey}`).digest('hex').slice(0, 16);
  return `${quarter}-${h}`;
}

const departmentOfKey = (key: string, codes: ReadonlySet<string>): string | undefined => {
  const unitKey = key.includes('|') ? key.slice(0, key.lastIndexOf('|')) : key;
  const code = unitKey.startsWith('code:') ? unitKey.slice(5) : undefined;
  return code && codes.has(code) ? code : undefined;
};

function groundsOf(row: RespondentRow): DecisionGround[] {
  const partial = new Set(row.partialCaseIds);
  return [
    ...row.countedCaseIds.map((caseId): DecisionGround => ({ caseId, kind: partial.has(caseId) ? 'partial' : 'substantiated' })),
    ...row.overdueCaseIds.map((caseId): DecisionGround => ({ caseId, kind: 'overdue' })),
  ];
}

const live = (g: DecisionGround) => !g.excluded && !g.droppedAt;

/** The verdict on the grounds that still count. */
export function verdictOn(grounds: readonly DecisionGround[], rule: EvaluationRuleApplied): { status: DecisionStatus; reasons: string[] } {
  const counted = grounds.filter((g) => live(g) && g.kind !== 'overdue');
  const partial = counted.filter((g) => g.kind === 'partial').length;
  const overdue = grounds.filter((g) => live(g) && g.kind === 'overdue').length;
  const reasons: string[] = [];
  if (counted.length > rule.substantiatedMoreThan) {
    reasons.push(`本季度属实投诉 ${counted.length} 件${partial > 0 ? `（含部分属实 ${partial} 件）` : ''}，超过 ${rule.substantiatedMoreThan} 件（第二十条）`);
  }
  if (rule.overdueConclusionDisqualifies && overdue > 0) reasons.push(`本季度存在超期办结投诉 ${overdue} 件（第二十条）`);
  if (reasons.length > 0) return { status: 'disqualified', reasons };
  return { status: 'withdrawn', reasons: [`经更正，计入的属实投诉 ${counted.length} 件，未超过 ${rule.substantiatedMoreThan} 件；无超期办结，不再符合取消评优评先资格的条件`] };
}

export interface DecisionUpdate {
  decision: EvaluationDecision;
  /** What changed (empty: nothing; the store need not be written). */
  changes: DecisionChange[];
  /** The status changed (or the decision is new): the department must be told. */
  notify: boolean;
}

export interface ReconcileInput {
  report: EvaluationReport;
  existing: readonly EvaluationDecision[];
  /** Codes of the jurisdiction's departments (a unit that is one of them can be notified). */
  departmentCodes: readonly string[];
  at: string;
  by: string;
}

/**
 * Brings the quarter's decisions in line with its report: a newly ineligible respondent gets a decision; an
 * existing decision takes the report's grounds (keeping each exclusion, marking grounds the report no longer has
 * as dropped) and is re-judged on what still counts. A respondent that is eligible and never had a decision gets
 * none. Returns only the decisions that changed.
 */
export function reconcileDecisions(input: ReconcileInput): DecisionUpdate[] {
  const { report, at, by } = input;
  const codes = new Set(input.departmentCodes);
  const byKey = new Map(input.existing.map((d) => [d.respondent.key, d]));
  const out: DecisionUpdate[] = [];
  const rows = [...report.respondents.units, ...report.respondents.persons];
  const seen = new Set<string>();
  for (const row of rows) {
    seen.add(row.key);
    const previous = byKey.get(row.key);
    const fresh = groundsOf(row);
    if (!previous) {
      if (row.eligible) continue;
      const department = departmentOfKey(row.key, codes);
      const verdict = verdictOn(fresh, report.rule);
      const decision: EvaluationDecision = {
        id: decisionId(report.jurisdiction.code, report.quarter, row.key),
        jurisdiction: report.jurisdiction.code,
        quarter: report.quarter,
        respondent: { kind: row.kind, key: row.key, name: row.name, ...(row.unitName ? { unitName: row.unitName } : {}), ...(department ? { department } : {}) },
        status: verdict.status,
        grounds: fresh,
        reasons: verdict.reasons,
        rule: report.rule,
        revision: 1,
        decidedAt: at,
        updatedAt: at,
        history: [{ at, by, what: 'decided', summary: `依第二十条${DECISION_STATUS_LABELS.disqualified}：${verdict.reasons.join('；')}` }],
        objections: [],
        notices: [],
        ...(row.kind === 'person' ? { referral: department ? { department } : {} } : {}),
      };
      out.push({ decision, changes: decision.history, notify: true });
      continue;
    }
    const update = regrounded(previous, fresh, report.rule, at, by);
    if (update) out.push(update);
  }
  // A decided respondent missing from the report entirely: every ground is gone.
  for (const d of input.existing) {
    if (seen.has(d.respondent.key)) continue;
    const update = regrounded(d, [], d.rule, at, by);
    if (update) out.push(update);
  }
  return out;
}

function regrounded(previous: EvaluationDecision, fresh: readonly DecisionGround[], rule: EvaluationRuleApplied, at: string, by: string): DecisionUpdate | undefined {
  const key = (g: Pick<DecisionGround, 'caseId' | 'kind'>) => `${g.kind === 'overdue' ? 'o' : 's'}#${g.caseId}`;
  const old = new Map(previous.grounds.map((g) => [key(g), g]));
  const next: DecisionGround[] = [];
  const added: string[] = [];
  const dropped: string[] = [];
  for (const g of fresh) {
    const was = old.get(key(g));
    old.delete(key(g));
    const merged: DecisionGround = { caseId: g.caseId, kind: g.kind, ...(was?.excluded ? { excluded: was.excluded } : {}) };
    if (!was || was.droppedAt) added.push(g.caseId);
    next.push(merged);
  }
  for (const g of old.values()) {
    if (!g.droppedAt) dropped.push(g.caseId);
    next.push({ ...g, droppedAt: g.droppedAt ?? at });
  }
  return rejudged({ ...previous, grounds: next, rule }, at, by, [
    ...(added.length > 0 ? [`新增依据：${added.join('、')}`] : []),
    ...(dropped.length > 0 ? [`依据不再成立（案件办理结论或超期记录已更正）：${dropped.join('、')}`] : []),
  ]);
}

/**
 * Re-judges a decision whose grounds changed (`notes` say how); undefined when neither the grounds nor the status
 * changed. The status change is what the department must be told about.
 */
export function rejudged(decision: EvaluationDecision, at: string, by: string, notes: string[]): DecisionUpdate | undefined {
  const verdict = verdictOn(decision.grounds, decision.rule);
  const statusChanged = verdict.status !== decision.status;
  if (notes.length === 0 && !statusChanged) return undefined;
  const changes: DecisionChange[] = [];
  if (notes.length > 0) changes.push({ at, by, what: 're_evaluated', summary: `重新评定：${notes.join('；')}` });
  if (statusChanged) {
    changes.push({
      at,
      by,
      what: verdict.status === 'withdrawn' ? 'withdrawn' : 'reinstated',
      summary: verdict.status === 'withdrawn' ? `撤销取消评优评先资格的决定：${verdict.reasons.join('；')}` : `恢复取消评优评先资格的决定：${verdict.reasons.join('；')}`,
    });
  }
  const updated: EvaluationDecision = {
    ...decision,
    status: verdict.status,
    reasons: verdict.reasons,
    revision: decision.revision + 1,
    updatedAt: at,
    history: [...decision.history, ...changes],
  };
  return { decision: updated, changes, notify: statusChanged };
}

/** An objection filed by the department (or the agency on its behalf). */
export function withObjection(decision: EvaluationDecision, o: DecisionObjection): EvaluationDecision {
  return {
    ...decision,
    objections: [...decision.objections, o],
    revision: decision.revision + 1,
    updatedAt: o.at,
    history: [...decision.history, { at: o.at, by: o.by, what: 'objection_filed', summary: `提出异议${o.caseId ? `（针对依据 ${o.caseId}）` : ''}：${o.text}` }],
  };
}

/**
 * The agency's ruling on an objection. Upheld against a ground: that ground is excluded (found wrong on review)
 * and the decision is re-judged on the rest. Upheld against the decision as a whole: every live ground is excluded.
 */
export function withRuling(decision: EvaluationDecision, objectionId: string, ruling: { at: string; by: string; upheld: boolean; reason: string }): DecisionUpdate {
  const objection = decision.objections.find((o) => o.id === objectionId);
  if (!objection) throw new Error(`no objection ${objectionId}`);
  const objections = decision.objections.map((o) => (o.id === objectionId ? { ...o, ruling } : o));
  const grounds = decision.grounds.map((g) =>
    ruling.upheld && live(g) && (objection.caseId === undefined || g.caseId === objection.caseId) ? { ...g, excluded: { at: ruling.at, by: ruling.by, reason: ruling.reason, objectionId } } : g,
  );
  const ruled: DecisionChange = {
    at: ruling.at,
    by: ruling.by,
    what: 'objection_ruled',
    summary: `${ruling.upheld ? '异议成立' : '异议不成立'}${objection.caseId ? `（依据 ${objection.caseId}${ruling.upheld ? ' 经复核不再计入' : ''}）` : ''}：${ruling.reason}`,
  };
  const base: EvaluationDecision = { ...decision, objections, grounds, history: [...decision.history, ruled] };
  const update = rejudged(base, ruling.at, ruling.by, []);
  if (update) return { ...update, changes: [ruled, ...update.changes] };
  return { decision: { ...base, revision: decision.revision + 1, updatedAt: ruling.at }, changes: [ruled], notify: false };
}

/** The unit's outcome for a referred staff member (art. 20, last sentence). */
export function withReferralOutcome(decision: EvaluationDecision, outcome: { at: string; by: string; text: string }): EvaluationDecision {
  return {
    ...decision,
    referral: { ...(decision.referral ?? {}), outcome },
    revision: decision.revision + 1,
    updatedAt: outcome.at,
    history: [...decision.history, { at: outcome.at, by: outcome.by, what: 'referral_outcome', summary: `所在单位处理结果：${outcome.text}` }],
  };
}

/** Records a notice; `unitLabel` names the unit notified in the history (its department name). */
export function withNotice(decision: EvaluationDecision, notice: DecisionNotice, by: string, unitLabel?: string): EvaluationDecision {
  const summary = notice.undeliverable ? `未能通知：${notice.undeliverable}` : `已通知${unitLabel ?? notice.department ?? ''}（${DECISION_STATUS_LABELS[notice.status]}）`;
  return {
    ...decision,
    notices: [...decision.notices, notice],
    revision: decision.revision + 1,
    updatedAt: notice.at,
    history: [...decision.history, { at: notice.at, by, what: 'notified', summary }],
  };
}
