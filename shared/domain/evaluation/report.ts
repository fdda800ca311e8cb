/**
 * The quarterly evaluation (art. 20) and periodic analysis (art. 17) from one quarter's facts. Pure.
 *
 * Art. 20: "对一个季度内属实投诉超过3次或存在投诉超期办结的被投诉人，政务服务管理机构应当取消其相应评优评先资格。"
 * The numbers come from the rules version (`evaluation.substantiatedMoreThan`, `countPartial`,
 * `overdueConclusionDisqualifies`). How the text is read is written down in docs/evaluation.md.
 */
import type { ClockName } from '../case';
import { CHANNEL_LABELS, CHANNELS } from '../intake';
import type { Channel } from '../intake';
import type { RulesVersion } from '../rules';
import { CONCLUSION_CLOCKS } from './facts';
import type { EvaluationFact } from './facts';
import { quarterLabel, quarterRange } from './quarter';
import type { Quarter } from './quarter';
import { MATTER_TOPIC_LABELS, MATTER_TOPICS } from './topics';
import type { MatterTopic } from './topics';

/** What the report needs of a jurisdiction; a JurisdictionConfig fits. */
export interface JurisdictionRef {
  code: string;
  name?: string;
  agency?: { name: string };
  departments?: readonly { code: string; name: string; aliases?: readonly string[] }[];
  /** A rules version the jurisdiction pins (JurisdictionConfig.rulesVersion). */
  rulesVersion?: string;
}

export interface EvaluationRuleApplied {
  rulesVersion: string;
  rulesTitle: string;
  substantiatedMoreThan: number;
  countPartial: boolean;
  overdueConclusionDisqualifies: boolean;
}

export interface RespondentRow {
  kind: 'unit' | 'person';
  key: string;
  /** Unit name, or the person's name. */
  name: string;
  /** For a person: the unit they belong to. */
  unitName?: string;
  /** Complaints received in the quarter naming this respondent. */
  received: number;
  substantiated: number;
  partial: number;
  unfounded: number;
  /** Substantiated as art. 20 counts them (partial included when the rules say so). */
  counted: number;
  /** Cases whose result deadline went overdue in this quarter (超期办结), concluded or not. */
  overdueConclusions: number;
  eligible: boolean;
  /** Plain Chinese reasons for the verdict. */
  reasons: string[];
  countedCaseIds: string[];
  /** Of `countedCaseIds`: those found partly substantiated (部分属实). */
  partialCaseIds: string[];
  overdueCaseIds: string[];
}

export type Rate = number | null;

export interface GroupStats {
  key: string;
  label: string;
  received: number;
  merged: number;
  accepted: number;
  notAccepted: number;
  /** accepted / (accepted + notAccepted) among decisions made in the quarter. */
  acceptanceRate: Rate;
  concluded: number;
  concludedOnTime: number;
  /** Concluded in the quarter without the result clock going overdue. */
  onTimeRate: Rate;
  extended: number;
  /** Share of the quarter's conclusions whose result deadline had been extended. */
  extensionRate: Rate;
  followUps: number;
  satisfied: number;
  basicallySatisfied: number;
  dissatisfied: number;
  /** (satisfied + basically satisfied) / follow-ups in the quarter. */
  satisfactionRate: Rate;
  terminated: number;
  /** Cases whose department the agency changed after routing, and the re-routes in all (issue 15). */
  reroutedCases: number;
  reroutes: number;
  /** Overdue marks set in the quarter, per clock. */
  overdueByClock: Partial<Record<ClockName, number>>;
  topMatters: { topic: MatterTopic; label: string; count: number }[];
}

export interface EvaluationReport {
  title: string;
  jurisdiction: { code: string; name?: string; agency?: string };
  quarter: Quarter;
  quarterLabel: string;
  period: { firstDay: string; lastDay: string };
  generatedAt: string;
  rule: EvaluationRuleApplied;
  /** Fact items the report was built from (and items read from the store, when known). */
  factsUsed: number;
  itemsRead?: number;
  respondents: { units: RespondentRow[]; persons: RespondentRow[] };
  totals: GroupStats;
  byChannel: GroupStats[];
  byDepartment: GroupStats[];
  notes: string[];
}

export const AGENCY_GROUP_KEY = '(agency)';
const UNKNOWN_UNIT_LABEL = '未明确被投诉单位';

const normalise = (s: string): string => s.normalize('NFKC').replace(/\s+/g, '');

const rate = (num: number, den: number): Rate => (den === 0 ? null : num / den);

interface RespondentAcc {
  kind: 'unit' | 'person';
  key: string;
  name?: string;
  unitName?: string;
  received: Set<string>;
  findings: Map<string, 'substantiated' | 'partial' | 'unfounded'>;
  overdue: Set<string>;
  /** Of `overdue`: marked against a provisional (暂定) due date. */
  overdueProvisional: Set<string>;
}

interface GroupAcc {
  key: string;
  label: string;
  facts: EvaluationFact[];
}

export interface BuildReportInput {
  jurisdiction: JurisdictionRef;
  quarter: Quarter;
  facts: readonly EvaluationFact[];
  /** The rules version in force on the quarter's last day. */
  rules: RulesVersion;
  generatedAt: string;
  itemsRead?: number;
}

export function buildEvaluationReport(input: BuildReportInput): EvaluationReport {
  const { jurisdiction, quarter, rules } = input;
  const range = quarterRange(quarter);
  const facts = input.facts.filter((f) => f.quarter === quarter && f.jurisdiction === jurisdiction.code);
  const rule: EvaluationRuleApplied = {
    rulesVersion: rules.id,
    rulesTitle: rules.title,
    substantiatedMoreThan: rules.evaluation.substantiatedMoreThan,
    countPartial: rules.evaluation.countPartial,
    overdueConclusionDisqualifies: rules.evaluation.overdueConclusionDisqualifies,
  };

  const deptName = new Map<string, string>();
  const aliasToCode = new Map<string, string>();
  for (const d of jurisdiction.departments ?? []) {
    deptName.set(d.code, d.name);
    for (const a of [d.name, ...(d.aliases ?? [])]) aliasToCode.set(normalise(a), d.code);
  }
  /** A unit named in free text that matches a department's name or alias is that department. */
  const canonicalUnit = (key: string): string => {
    if (!key.startsWith('name:')) return key;
    const code = aliasToCode.get(key.slice(5));
    return code ? `code:${code}` : key;
  };
  const unitLabel = (key: string, seen?: string): string => {
    if (key === 'unknown') return UNKNOWN_UNIT_LABEL;
    if (key.startsWith('code:')) return deptName.get(key.slice(5)) ?? seen ?? key.slice(5);
    return seen ?? key.slice(5);
  };

  // ------------------------------------------------------------------ respondents (art. 20)
  const units = new Map<string, RespondentAcc>();
  const persons = new Map<string, RespondentAcc>();
  const accFor = (map: Map<string, RespondentAcc>, kind: 'unit' | 'person', key: string): RespondentAcc => {
    let a = map.get(key);
    if (!a) {
      a = { kind, key, received: new Set(), findings: new Map(), overdue: new Set(), overdueProvisional: new Set() };
      map.set(key, a);
    }
    return a;
  };
  for (const f of facts) {
    const unitKey = canonicalUnit(f.unitKey);
    const targets: RespondentAcc[] = [];
    const u = accFor(units, 'unit', unitKey);
    if (!u.name && f.unitName) u.name = f.unitName;
    targets.push(u);
    if (f.personKey && f.personName) {
      const personKey = `${unitKey}|${f.personKey.slice(f.personKey.lastIndexOf('|') + 1)}`;
      const p = accFor(persons, 'person', personKey);
      p.name ??= f.personName;
      if (!p.unitName && f.unitName) p.unitName = f.unitName;
      targets.push(p);
    }
    for (const a of targets) {
      if (f.kind === 'received') a.received.add(f.caseId);
      else if (f.kind === 'concluded' && f.finding) a.findings.set(f.caseId, f.finding);
      else if (f.kind === 'overdue' && f.clock && CONCLUSION_CLOCKS.includes(f.clock)) {
        a.overdue.add(f.caseId);
        if (f.provisional) a.overdueProvisional.add(f.caseId);
      }
    }
  }
  const toRow = (a: RespondentAcc): RespondentRow => {
    const counted: string[] = [];
    const partialCounted: string[] = [];
    let substantiated = 0;
    let partial = 0;
    let unfounded = 0;
    for (const [caseId, finding] of a.findings) {
      if (finding === 'substantiated') substantiated += 1;
      else if (finding === 'partial') partial += 1;
      else unfounded += 1;
      if (finding === 'substantiated' || (finding === 'partial' && rule.countPartial)) counted.push(caseId);
      if (finding === 'partial' && rule.countPartial) partialCounted.push(caseId);
    }
    const reasons: string[] = [];
    if (counted.length > rule.substantiatedMoreThan) {
      const partialNote = rule.countPartial && partial > 0 ? `（含部分属实 ${partial} 件）` : '';
      reasons.push(`本季度属实投诉 ${counted.length} 件${partialNote}，超过 ${rule.substantiatedMoreThan} 件（第二十条）`);
    }
    if (rule.overdueConclusionDisqualifies && a.overdue.size > 0) {
      const provisionalNote = a.overdueProvisional.size > 0 ? `（其中 ${a.overdueProvisional.size} 件按暂定期限计，节假日安排通知尚未导入时确定）` : '';
      reasons.push(`本季度存在超期办结投诉 ${a.overdue.size} 件${provisionalNote}（第二十条）`);
    }
    const eligible = reasons.length === 0;
    if (eligible) reasons.push(`属实投诉 ${counted.length} 件，未超过 ${rule.substantiatedMoreThan} 件；无超期办结`);
    const unitKey = a.kind === 'person' ? a.key.slice(0, a.key.lastIndexOf('|')) : a.key;
    return {
      kind: a.kind,
      key: a.key,
      name: a.kind === 'unit' ? unitLabel(a.key, a.name) : (a.name ?? ''),
      ...(a.kind === 'person' ? { unitName: unitLabel(unitKey, a.unitName) } : {}),
      received: a.received.size,
      substantiated,
      partial,
      unfounded,
      counted: counted.length,
      overdueConclusions: a.overdue.size,
      eligible,
      reasons,
      countedCaseIds: counted.sort(),
      partialCaseIds: partialCounted.sort(),
      overdueCaseIds: [...a.overdue].sort(),
    };
  };
  const order = (a: RespondentRow, b: RespondentRow) =>
    Number(a.eligible) - Number(b.eligible) || b.counted - a.counted || b.overdueConclusions - a.overdueConclusions || a.name.localeCompare(b.name, 'zh-CN');

  // ------------------------------------------------------------------ groups (art. 17 analysis)
  const byChannel = new Map<Channel, GroupAcc>(CHANNELS.map((c) => [c, { key: c, label: CHANNEL_LABELS[c], facts: [] }]));
  const byDept = new Map<string, GroupAcc>();
  const agencyLabel = jurisdiction.agency?.name ? `${jurisdiction.agency.name}（未交办）` : '政务服务管理机构（未交办）';
  for (const f of facts) {
    byChannel.get(f.channel)?.facts.push(f);
    const key = f.department ?? AGENCY_GROUP_KEY;
    let g = byDept.get(key);
    if (!g) {
      g = { key, label: key === AGENCY_GROUP_KEY ? agencyLabel : (deptName.get(key) ?? key), facts: [] };
      byDept.set(key, g);
    }
    g.facts.push(f);
  }

  const notes: string[] = [];
  if (facts.length === 0) notes.push(`${quarterLabel(quarter)}没有任何考评数据（没有收到、办结、超期或回访记录）。`);
  if (facts.some((f) => f.unitInferred)) notes.push('部分投诉未写明被投诉单位，按承办部门计入（第三条）。');
  if (units.has('unknown')) notes.push('部分投诉既未写明被投诉单位、也尚未交办，列为“未明确被投诉单位”。');
  notes.push(
    `适用规则：${rule.rulesTitle}（${rule.rulesVersion}）第二十条：季度内属实投诉超过 ${rule.substantiatedMoreThan} 件` +
      `${rule.countPartial ? '（部分属实计入）' : '（部分属实不计入）'}` +
      `${rule.overdueConclusionDisqualifies ? '，或存在超期办结的' : ''}，取消评优评先资格。`,
  );

  return {
    title: `${jurisdiction.name ?? jurisdiction.code}政务服务投诉季度考评与分析报告（${quarterLabel(quarter)}）`,
    jurisdiction: { code: jurisdiction.code, ...(jurisdiction.name ? { name: jurisdiction.name } : {}), ...(jurisdiction.agency ? { agency: jurisdiction.agency.name } : {}) },
    quarter,
    quarterLabel: quarterLabel(quarter),
    period: { firstDay: range.firstDay, lastDay: range.lastDay },
    generatedAt: input.generatedAt,
    rule,
    factsUsed: facts.length,
    ...(input.itemsRead !== undefined ? { itemsRead: input.itemsRead } : {}),
    respondents: {
      units: [...units.values()].map(toRow).sort(order),
      persons: [...persons.values()].map(toRow).sort(order),
    },
    totals: groupStats({ key: 'total', label: '合计', facts }),
    byChannel: [...byChannel.values()].map(groupStats),
    byDepartment: [...byDept.values()].map(groupStats).sort((a, b) => b.received - a.received || a.label.localeCompare(b.label, 'zh-CN')),
    notes,
  };
}

function groupStats(g: GroupAcc): GroupStats {
  const count = (kind: EvaluationFact['kind'], pred: (f: EvaluationFact) => boolean = () => true) => g.facts.reduce((n, f) => (f.kind === kind && pred(f) ? n + 1 : n), 0);
  const accepted = count('accepted');
  const notAccepted = count('not_accepted');
  const concluded = count('concluded');
  const concludedOnTime = count('concluded', (f) => f.late !== true);
  const extended = count('concluded', (f) => f.extended === true);
  const followUps = count('followed_up');
  const satisfied = count('followed_up', (f) => f.satisfaction === 'satisfied');
  const basicallySatisfied = count('followed_up', (f) => f.satisfaction === 'basically_satisfied');
  const overdueByClock: Partial<Record<ClockName, number>> = {};
  const topics = new Map<MatterTopic, number>();
  for (const f of g.facts) {
    if (f.kind === 'overdue' && f.clock) overdueByClock[f.clock] = (overdueByClock[f.clock] ?? 0) + 1;
    if (f.kind === 'received') topics.set(f.topic, (topics.get(f.topic) ?? 0) + 1);
  }
  const topMatters = [...topics.entries()]
    .sort((a, b) => b[1] - a[1] || MATTER_TOPICS.indexOf(a[0]) - MATTER_TOPICS.indexOf(b[0]))
    .slice(0, 5)
    .map(([topic, n]) => ({ topic, label: MATTER_TOPIC_LABELS[topic], count: n }));
  return {
    key: g.key,
    label: g.label,
    received: count('received'),
    merged: count('merged'),
    accepted,
    notAccepted,
    acceptanceRate: rate(accepted, accepted + notAccepted),
    concluded,
    concludedOnTime,
    onTimeRate: rate(concludedOnTime, concluded),
    extended,
    extensionRate: rate(extended, concluded),
    followUps,
    satisfied,
    basicallySatisfied,
    dissatisfied: count('followed_up', (f) => f.satisfaction === 'dissatisfied'),
    satisfactionRate: rate(satisfied + basicallySatisfied, followUps),
    terminated: count('terminated'),
    reroutedCases: count('rerouted'),
    reroutes: g.facts.filter((f) => f.kind === 'rerouted').reduce((n, f) => n + (f.reroutes ?? 1), 0),
    overdueByClock,
    topMatters,
  };
}

/** `87.5%`, or `—` when there is nothing to divide. */
export function formatRate(r: Rate): string {
  return r === null ? '—' : `${(Math.round(r * 1000) / 10).toFixed(1)}%`;
}
