/**
 * Scoring one intake against one earlier case, with the signals that matched (issue 7, "Decision … with an
 * explanation"). Explanations are read by staff; they name which signals matched, never the personal data itself.
 */
import { compareFacts, describeFact, FACT_LABELS, type FactComparison } from './facts';
import type { Fingerprint } from './fingerprint';
import { containment, jaccard } from './minhash';

export type NameMatch = 'full' | 'surname' | 'conflict' | 'unknown';

export interface Signals {
  phone: 'same' | 'different' | 'unknown';
  email: 'same' | 'different' | 'unknown';
  /** Resident identity card number (check digit verified). */
  idNumber: 'same' | 'different' | 'unknown';
  name: NameMatch;
  organization: 'same' | 'different' | 'unknown';
  unit: 'same' | 'different' | 'unknown';
  textJaccard: number;
  textContainment: number;
  facts: FactComparison;
  /** Service-catalogue items both texts name: one in common, or none in common. */
  service: 'same' | 'different' | 'unknown';
  /** Counties or districts both name. */
  place: 'same' | 'different' | 'unknown';
  daysApart: number;
}

export interface Scored {
  score: number;
  /** 0 to 1: how surely the two are the same complainant. Negative when identities contradict. */
  identity: number;
  /** 0 to 1: how surely the text describes the same matter. */
  text: number;
  signals: Signals;
  explanation: string[];
  /**
   * Why the pair may not be merged automatically, whatever its score (another unit, county, service item or
   * occasion; contradicting identities). Empty when nothing forbids it. Read by staff in the "可能重复" band.
   */
  blockers: string[];
}

function compareName(a: Fingerprint['name'], b: Fingerprint['name']): NameMatch {
  if (a.gender && b.gender && a.gender !== b.gender) return 'conflict';
  if (a.full && b.full) return a.full === b.full ? 'full' : 'conflict';
  if (a.surname && b.surname) return a.surname === b.surname ? 'surname' : 'conflict';
  return 'unknown';
}

const cmp = (a: string | undefined, b: string | undefined): 'same' | 'different' | 'unknown' => (a && b ? (a === b ? 'same' : 'different') : 'unknown');

/** An organisation and its short name (`遂宁市鑫源商贸有限公司` / `鑫源商贸` / `鑫源`): one contains the other. */
const sameOrganisation = (a: string | undefined, b: string | undefined): 'same' | 'different' | 'unknown' => {
  if (!a || !b) return 'unknown';
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length >= 2 && long.includes(short) ? 'same' : 'different';
};

const overlap = (a: string[], b: string[]): 'same' | 'different' | 'unknown' => (a.length && b.length ? (a.some((x) => b.includes(x)) ? 'same' : 'different') : 'unknown');

const round2 = (x: number): number => Math.round(x * 100) / 100;

export function compareSignals(a: Fingerprint, b: Fingerprint, aReceivedAt: string, bReceivedAt: string): Signals {
  // Resolved codes compare exactly, except that two texts naming the same units (buck passing between A and B)
  // do not contradict; an unresolved written name only confirms an equal name, never contradicts.
  let unit: Signals['unit'];
  if (a.unit.hall || b.unit.hall) {
    // A hall (政务大厅) hosts other units' windows: it names where, not who. The units its text names besides the
    // hall say who; when both sides name who and share none, they are about different units' services (a hall
    // visit about the 住建局 is not a 不动产登记中心 window's matter).
    const who = (u: Fingerprint['unit']): string[] => (u.hall ? u.mentioned.filter((c) => c !== u.code) : [...new Set([...(u.code ? [u.code] : []), ...u.mentioned])]);
    const [wa, wb] = [who(a.unit), who(b.unit)];
    unit = a.unit.code && a.unit.code === b.unit.code ? 'same' : wa.length > 0 && wb.length > 0 && !wa.some((x) => wb.includes(x)) ? 'different' : 'unknown';
  } else if (a.unit.code && b.unit.code) {
    unit = a.unit.code === b.unit.code ? 'same' : a.unit.mentioned.some((x) => b.unit.mentioned.includes(x)) ? 'unknown' : 'different';
  } else unit = cmp(a.unit.name, b.unit.name) === 'same' ? 'same' : 'unknown';
  return {
    phone: overlap(a.phones, b.phones),
    email: overlap(a.emails, b.emails),
    idNumber: overlap(a.idNumbers ?? [], b.idNumbers ?? []),
    name: compareName(a.name, b.name),
    organization: sameOrganisation(a.organization, b.organization),
    unit,
    textJaccard: jaccard(a.shingles, b.shingles),
    textContainment: containment(a.shingles, b.shingles),
    facts: compareFacts(a.facts, b.facts),
    service: overlap(a.services ?? [], b.services ?? []),
    place: overlap(a.places ?? [], b.places ?? []),
    daysApart: Math.abs(Date.parse(aReceivedAt) - Date.parse(bReceivedAt)) / 86_400_000,
  };
}

/**
 * Identity strength. A shared phone or mailbox is strong; an equal full name is fairly strong; a surname with a
 * form of address (王女士) only supports other signals. Two different full names, or different phones with
 * nothing shared, contradict.
 */
export function identityStrength(s: Signals): number {
  // A shared contact with two different names: a relative, or a misspelt name. Supporting, never automatic.
  if (s.idNumber === 'same') return 1;
  if (s.idNumber === 'different') return -1;
  if (s.phone === 'same' || s.email === 'same') return s.name === 'conflict' ? 0.5 : 1;
  if (s.name === 'conflict' && s.organization !== 'same') return -1;
  if (s.phone === 'different' && s.name !== 'full') return -0.5;
  if (s.name === 'full') return s.organization === 'different' ? 0.4 : 0.75;
  if (s.organization === 'same') return 0.6;
  if (s.name === 'surname') return 0.3;
  return 0;
}

/** Text similarity on a 0..1 scale: containment (short notes inside long letters) backed by Jaccard. */
export function textStrength(s: Signals): number {
  return Math.min(1, Math.max(s.textContainment / 0.6, (s.textJaccard * 1.0) / 0.35));
}

/**
 * How surely two texts describe the same matter: their wording, or key facts they share (the same date, window,
 * amount or file number at the same unit), which paraphrases keep while their wording differs.
 */
export function matterStrength(s: Signals): number {
  const wording = textStrength(s);
  const agreeing = s.facts.agree.length + (s.service === 'same' ? 1 : 0);
  // One shared date is common by chance: the wording must overlap too.
  const factual =
    s.unit !== 'different' && s.service !== 'different' && agreeing > 0 && s.facts.conflict.length === 0 && s.textContainment >= 0.2 ? Math.min(1, 0.35 + 0.2 * agreeing + 0.6 * s.textContainment) : 0;
  return Math.max(wording, factual);
}

export function score(s: Signals): Omit<Scored, 'signals' | 'explanation' | 'blockers'> {
  const identity = identityStrength(s);
  const text = matterStrength(s);
  let total = 0.45 * text + 0.35 * Math.max(identity, 0) + (s.unit === 'same' ? 0.1 : 0) + (s.facts.agree.length > 0 ? 0.1 : 0);
  if (identity < 0) total *= identity <= -1 ? 0.3 : 0.6;
  if (s.unit === 'different') total -= 0.3;
  if (s.place === 'different') total -= 0.3;
  if (s.service === 'different') total -= 0.2;
  else if (s.service === 'same') total += 0.05;
  total -= 0.25 * s.facts.conflict.length;
  return { score: round2(Math.max(0, Math.min(1, total))), identity, text };
}

const LABEL = { same: '一致', different: '不一致' } as const;

/** Chinese sentences naming the signals that matched or contradicted. */
export function explain(s: Signals): string[] {
  const out: string[] = [];
  if (s.phone !== 'unknown') out.push(`投诉人联系电话${LABEL[s.phone]}`);
  if (s.email !== 'unknown') out.push(`投诉人电子邮箱${LABEL[s.email]}`);
  if (s.idNumber !== 'unknown') out.push(`投诉人身份证号码${LABEL[s.idNumber]}`);
  if (s.name === 'full') out.push('投诉人姓名一致');
  else if (s.name === 'surname') out.push('投诉人姓氏一致（一方仅留姓氏和称谓）');
  else if (s.name === 'conflict') out.push('投诉人姓名不一致');
  if (s.organization !== 'unknown') out.push(`投诉人单位名称${LABEL[s.organization]}`);
  if (s.unit === 'same') out.push('被投诉单位相同');
  else if (s.unit === 'different') out.push('被投诉单位不同');
  out.push(`投诉事项文字相似度：包含度 ${round2(s.textContainment)}，Jaccard ${round2(s.textJaccard)}`);
  if (s.service === 'same') out.push('所涉政务服务事项相同');
  else if (s.service === 'different') out.push('所涉政务服务事项不同');
  if (s.place === 'different') out.push('所涉区县不同');
  for (const f of s.facts.agree) out.push(`关键事实一致：${FACT_LABELS[f.kind]} ${f.values.map((v) => describeFact(f.kind, v)).join('、')}`);
  for (const f of s.facts.conflict) {
    out.push(`关键事实不同：${FACT_LABELS[f.kind]}（${f.a.map((v) => describeFact(f.kind, v)).join('、')} / ${f.b.map((v) => describeFact(f.kind, v)).join('、')}）`);
  }
  out.push(`两次投诉相隔 ${Math.round(s.daysApart)} 天`);
  return out;
}

/** What forbids an automatic merge of the pair, in Chinese for staff (empty: nothing). */
export function blockersOf(s: Signals, identity: number): string[] {
  const out: string[] = [];
  if (identity < 0) out.push('投诉人身份信息相互矛盾');
  if (s.unit === 'different') out.push('被投诉单位不同');
  if (s.place === 'different') out.push('所涉区县不同');
  if (s.service === 'different') out.push('所涉政务服务事项不同');
  for (const f of s.facts.conflict) out.push(`${FACT_LABELS[f.kind]}不同`);
  return out;
}

export function scorePair(a: Fingerprint, b: Fingerprint, aReceivedAt: string, bReceivedAt: string): Scored {
  const signals = compareSignals(a, b, aReceivedAt, bReceivedAt);
  const scored = score(signals);
  return { ...scored, signals, explanation: explain(signals), blockers: blockersOf(signals, scored.identity) };
}
