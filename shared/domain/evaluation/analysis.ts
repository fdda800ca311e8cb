/**
 * The periodic analysis of art. 17 ("定期对投诉内容进行分析，作为改进工作的重要参考"): what the complaints of a quarter
 * were about and how that moves quarter over quarter, from the same evaluation facts as the art. 20 report (never a
 * scan of cases). Per department, service catalogue item, cause category (tagged at classification), channel and
 * satisfaction; trends over the quarters given; respondents complained about again and again. Pure.
 */
import { CHANNEL_LABELS, CHANNELS } from '../intake';
import type { Channel } from '../intake';
import { causeLabel } from './causes';
import type { CauseCategory } from './causes';
import type { EvaluationFact } from './facts';
import { quarterLabel } from './quarter';
import type { JurisdictionRef, Rate } from './report';

export interface AnalysisQuarterFacts {
  quarter: string;
  facts: readonly EvaluationFact[];
}

export interface AnalysisInput {
  jurisdiction: JurisdictionRef;
  /** Oldest first; the last is the quarter analysed. */
  quarters: readonly AnalysisQuarterFacts[];
  categories: readonly CauseCategory[];
  generatedAt: string;
}

/** One group (a department, an item, a cause, a channel) over the quarters. */
export interface AnalysisRow {
  key: string;
  label: string;
  /** Complaints received per quarter (same order as `quarters`). */
  received: number[];
  current: number;
  previous: number;
  /** current − previous, or null when there is no previous quarter. */
  change: number | null;
  /** Concluded in the current quarter as substantiated or partly substantiated. */
  substantiated: number;
  followUps: number;
  dissatisfied: number;
  satisfactionRate: Rate;
}

export interface TrendPoint {
  quarter: string;
  label: string;
  received: number;
  concluded: number;
  substantiated: number;
  concludedOnTime: number;
  onTimeRate: Rate;
  followUps: number;
  satisfactionRate: Rate;
  dissatisfied: number;
}

export interface RepeatRespondent {
  kind: 'unit' | 'person';
  name: string;
  unitName?: string;
  /** Complaints received naming the respondent, per quarter. */
  received: number[];
  total: number;
  current: number;
  /** Quarters of the window with at least one complaint. */
  quartersWithComplaints: number;
  /** Cases of the current quarter (ids, for the console's links). */
  currentCaseIds: string[];
}

export interface AnalysisReport {
  title: string;
  jurisdiction: { code: string; name?: string };
  quarter: string;
  quarterLabel: string;
  quarters: string[];
  quarterLabels: string[];
  generatedAt: string;
  trend: TrendPoint[];
  byDepartment: AnalysisRow[];
  byServiceItem: AnalysisRow[];
  byCause: AnalysisRow[];
  byChannel: AnalysisRow[];
  repeatRespondents: RepeatRespondent[];
  /** How the current quarter's received complaints got their cause: chosen by staff, proposed, not yet classified. */
  causeTagging: { staff: number; proposed: number; untagged: number };
  notes: string[];
}

const rate = (num: number, den: number): Rate => (den === 0 ? null : num / den);
const UNTAGGED = '(untagged)';
const NO_ITEM = '(none)';
const AGENCY = '(agency)';

type Keyer = (f: EvaluationFact) => { key: string; label: string } | undefined;

function rows(input: AnalysisInput, keyer: Keyer, order?: readonly string[]): AnalysisRow[] {
  const n = input.quarters.length;
  const last = n - 1;
  const acc = new Map<string, AnalysisRow>();
  const get = (k: { key: string; label: string }) => {
    let r = acc.get(k.key);
    if (!r) {
      r = { key: k.key, label: k.label, received: Array(n).fill(0), current: 0, previous: 0, change: null, substantiated: 0, followUps: 0, dissatisfied: 0, satisfactionRate: null };
      acc.set(k.key, r);
    }
    return r;
  };
  const satisfied = new Map<string, number>();
  input.quarters.forEach((q, i) => {
    for (const f of q.facts) {
      const k = keyer(f);
      if (!k) continue;
      if (f.kind === 'received') get(k).received[i]! += 1;
      if (i !== last) continue;
      if (f.kind === 'concluded' && (f.finding === 'substantiated' || f.finding === 'partial')) get(k).substantiated += 1;
      if (f.kind === 'followed_up') {
        const r = get(k);
        r.followUps += 1;
        if (f.satisfaction === 'dissatisfied') r.dissatisfied += 1;
        else satisfied.set(k.key, (satisfied.get(k.key) ?? 0) + 1);
      }
    }
  });
  for (const r of acc.values()) {
    r.current = r.received[last] ?? 0;
    r.previous = n > 1 ? (r.received[last - 1] ?? 0) : 0;
    r.change = n > 1 ? r.current - r.previous : null;
    r.satisfactionRate = rate(satisfied.get(r.key) ?? 0, r.followUps);
  }
  const list = [...acc.values()];
  if (order) return list.sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key));
  return list.sort((a, b) => b.current - a.current || b.received.reduce((x, y) => x + y, 0) - a.received.reduce((x, y) => x + y, 0) || a.label.localeCompare(b.label, 'zh-CN'));
}

export function buildAnalysis(input: AnalysisInput): AnalysisReport {
  const { jurisdiction, categories } = input;
  const quarters = input.quarters.map((q) => q.quarter);
  const quarter = quarters[quarters.length - 1]!;
  const current = input.quarters[input.quarters.length - 1]!.facts;
  const deptName = new Map((jurisdiction.departments ?? []).map((d) => [d.code, d.name]));
  const agencyLabel = jurisdiction.agency?.name ? `${jurisdiction.agency.name}（未交办）` : '政务服务管理机构（未交办）';

  const trend: TrendPoint[] = input.quarters.map((q) => {
    const count = (pred: (f: EvaluationFact) => boolean) => q.facts.reduce((n, f) => (pred(f) ? n + 1 : n), 0);
    const concluded = count((f) => f.kind === 'concluded');
    const onTime = count((f) => f.kind === 'concluded' && f.late !== true);
    const followUps = count((f) => f.kind === 'followed_up');
    const dissatisfied = count((f) => f.kind === 'followed_up' && f.satisfaction === 'dissatisfied');
    return {
      quarter: q.quarter,
      label: quarterLabel(q.quarter),
      received: count((f) => f.kind === 'received'),
      concluded,
      substantiated: count((f) => f.kind === 'concluded' && (f.finding === 'substantiated' || f.finding === 'partial')),
      concludedOnTime: onTime,
      onTimeRate: rate(onTime, concluded),
      followUps,
      satisfactionRate: rate(followUps - dissatisfied, followUps),
      dissatisfied,
    };
  });

  const byDepartment = rows(input, (f) => (f.department ? { key: f.department, label: deptName.get(f.department) ?? f.department } : { key: AGENCY, label: agencyLabel }));
  const byServiceItem = rows(input, (f) => (f.serviceItem ? { key: f.serviceItem, label: f.serviceItemName ?? f.serviceItem } : { key: NO_ITEM, label: '未识别服务事项' }));
  const causeOrder = [...categories.map((c) => c.code), UNTAGGED];
  const byCause = rows(input, (f) => (f.cause ? { key: f.cause, label: causeLabel(f.cause, categories) } : { key: UNTAGGED, label: '尚未分类' }), causeOrder);
  const byChannel = rows(input, (f) => ({ key: f.channel, label: CHANNEL_LABELS[f.channel as Channel] ?? f.channel }), CHANNELS);

  // Repeat respondents: named in two or more complaints this quarter, or in complaints of two or more quarters.
  const n = input.quarters.length;
  const resp = new Map<string, RepeatRespondent & { ids: Set<string> }>();
  input.quarters.forEach((q, i) => {
    for (const f of q.facts) {
      if (f.kind !== 'received') continue;
      const keys: { key: string; kind: 'unit' | 'person'; name: string; unitName?: string }[] = [];
      if (f.unitKey !== 'unknown') {
        const unit = f.unitKey.startsWith('code:') ? (deptName.get(f.unitKey.slice(5)) ?? f.unitName ?? f.unitKey.slice(5)) : (f.unitName ?? f.unitKey.slice(5));
        keys.push({ key: f.unitKey, kind: 'unit', name: unit });
        if (f.personKey && f.personName) keys.push({ key: f.personKey, kind: 'person', name: f.personName, unitName: unit });
      }
      for (const k of keys) {
        let r = resp.get(k.key);
        if (!r) {
          r = {
            kind: k.kind,
            name: k.name,
            ...(k.unitName ? { unitName: k.unitName } : {}),
            received: Array(n).fill(0),
            total: 0,
            current: 0,
            quartersWithComplaints: 0,
            currentCaseIds: [],
            ids: new Set(),
          };
          resp.set(k.key, r);
        }
        r.received[i]! += 1;
        if (i === n - 1) r.ids.add(f.caseId);
      }
    }
  });
  const repeatRespondents = [...resp.values()]
    .map(({ ids, ...r }) => ({
      ...r,
      total: r.received.reduce((a, b) => a + b, 0),
      current: r.received[n - 1] ?? 0,
      quartersWithComplaints: r.received.filter((x) => x > 0).length,
      currentCaseIds: [...ids].sort(),
    }))
    .filter((r) => r.current >= 2 || r.quartersWithComplaints >= 2)
    .sort((a, b) => b.current - a.current || b.total - a.total || a.name.localeCompare(b.name, 'zh-CN'));

  const receivedNow = current.filter((f) => f.kind === 'received');
  const causeTagging = {
    staff: receivedNow.filter((f) => f.cause && f.causeBy === 'staff').length,
    proposed: receivedNow.filter((f) => f.cause && f.causeBy !== 'staff').length,
    untagged: receivedNow.filter((f) => !f.cause).length,
  };

  const notes: string[] = [];
  if (receivedNow.length === 0) notes.push(`${quarterLabel(quarter)}没有收到投诉的记录。`);
  if (causeTagging.untagged > 0) notes.push(`本季度有 ${causeTagging.untagged} 件投诉尚未分类办理，原因分类记为“尚未分类”；分类时由工作人员选定或系统按关键词建议。`);
  notes.push('原因分类在分类办理（第十四条）时标注：工作人员选定，未选定的由系统按原因分类的关键词建议；分类集合为辖区配置（analysis.causeCategories）。');
  notes.push('服务事项按政务服务事项目录识别（受理时的分派依据）；未能对应目录事项的计为“未识别服务事项”。');
  notes.push('重复被投诉：本季度被投诉 2 件及以上，或在所列季度中有 2 个及以上季度被投诉。');
  notes.push(`环比：与上一季度收到件数之差。所列季度：${quarters.map(quarterLabel).join('、')}。`);

  return {
    title: `${jurisdiction.name ?? jurisdiction.code}政务服务投诉内容分析（${quarterLabel(quarter)}）`,
    jurisdiction: { code: jurisdiction.code, ...(jurisdiction.name ? { name: jurisdiction.name } : {}) },
    quarter,
    quarterLabel: quarterLabel(quarter),
    quarters,
    quarterLabels: quarters.map(quarterLabel),
    generatedAt: input.generatedAt,
    trend,
    byDepartment,
    byServiceItem,
    byCause,
    byChannel,
    repeatRespondents,
    causeTagging,
    notes,
  };
}
