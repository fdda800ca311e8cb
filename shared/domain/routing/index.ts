/**
 * Routing (issue 15; arts. 6, 9(1), 10): which unit is responsible for an intake, in which jurisdiction, and why.
 * Pure: the index is built once from the jurisdictions' directories and the service catalogue (no store read per
 * intake), and `route` is a function of the intake's words.
 *
 * Order of the evidence: (1) the unit the complainant names, with its jurisdiction — a unit written with another
 * jurisdiction's name ("蓬溪县行政审批局") is that jurisdiction's unit and never a local department matched by its
 * generic part; a name two departments share since a reorganisation (社保局) is settled by the service; a hall
 * ("政务服务中心") only says where; (2) the service item the matter describes; (3) the place (numbered window,
 * desk); (4) the mailbox the mail was forwarded from. Matters that are no government service are recognised by
 * their own phrases. Below the catalogue's `confidentAt` the decision goes to the agency's dispatch queue with
 * the candidates ranked.
 */
import type { Department, JurisdictionConfig } from '../jurisdiction';
import { normalise, PhraseMatcher } from './matcher';
import type { NotGovernmentRule, Place, RoutingCandidate, RoutingDecision, RoutingEvidence, RoutingTarget, ServiceCatalogue, ServiceItem, SharedName } from './schema';

export * from './schema';
export { PhraseMatcher, normalise } from './matcher';

interface JurRef {
  key: string;
  code?: string;
  name: string;
  local: boolean;
  outside: boolean;
  /** The jurisdiction above the deployment (the city for a county). */
  parentOfLocal: boolean;
  /** The matched form is a full name ending in 省/市/县/区 (a short form such as 安居 may be an ordinary word). */
}
interface DeptRef {
  jur: JurRef;
  code: string;
  name: string;
  belongsToThisLevel: boolean;
}
type Token = { kind: 'jur'; jur: JurRef; full: boolean } | { kind: 'unit'; jur: JurRef; dept: DeptRef };

interface Mention {
  jur: JurRef;
  dept?: DeptRef;
  /** The words as they stand in the text (normalised width only). */
  written: string;
  /** The unit part that matched a name or alias (`社保局` in `船山区社保局`). */
  alias: string;
  index: number;
}

interface Combo<T> {
  parts: string[];
  payload: T;
  phrase: string;
}

export interface RoutingIndex {
  readonly local: JurisdictionConfig;
  readonly catalogueVersion: string;
  readonly confidentAt: number;
  readonly autoDispatch: boolean;
  readonly itemCount: number;
  /** internal */
  readonly parts: IndexParts;
}

interface IndexParts {
  units: PhraseMatcher<Token>;
  generic: Map<string, PhraseMatcher<DeptRef>>;
  outsideGeneric: PhraseMatcher<string>;
  services: PhraseMatcher<ServiceItem>;
  serviceCombos: Combo<ServiceItem>[];
  places: PhraseMatcher<Place>;
  shared: Map<string, SharedName>;
  notGov: PhraseMatcher<NotGovernmentRule>;
  notGovCombos: Combo<NotGovernmentRule>[];
  forwarders: Map<string, string>;
  halls: string[];
  depts: Map<string, Department>;
  jurs: Map<string, JurisdictionConfig>;
}

const FULL_FORM = /[省市县区]$/;
/** Words before a service name that make it a required document rather than the matter. */
const MATERIAL = /(?:要求|需要|提供|开具|出具|交|带)[^，。,；;\n]{0,2}$/;
/** A unit named after its township or street ("蓬南镇人民政府", "子昂街道"), not a generic word. */
const PLACE_UNIT = /^[\u4e00-\u9fa5]{2,4}(?:镇|乡|街道)(?:人民政府|政府|办事处|便民服务中心)?$/;
/** How a unit's name ends (局, 中心, 大队 …), as opposed to a service word used as a name (公积金, 不动产). */
const UNIT_WORD = /(?:局|中心|所|队|站|委|委员会|公司|政府|办|办事处|窗口|大厅|部|处|科|会|院|厂)$/;
const CONNECTOR = /^(?:那边的|这边的|那个|这个|的)/;
/** A unit the directory does not list, after a jurisdiction's full name: "蓬溪县某某中心", "成都市武侯区政务服务中心". */
const UNIT_SUFFIX = /^[\u4e00-\u9fa5]{0,10}?(?:分局|局|服务中心|中心|大厅|窗口|大队|派出所|公司|人民政府|政府|办事处|委员会|管理部|服务站|管理所)/;

function splitCombos<T>(entries: [string, T][]): { simple: [string, T][]; combos: Combo<T>[] } {
  const simple: [string, T][] = [];
  const combos: Combo<T>[] = [];
  for (const [s, payload] of entries) {
    if (s.includes('+'))
      combos.push({
        parts: s
          .split('+')
          .map((p) => normalise(p.trim()))
          .filter(Boolean),
        payload,
        phrase: s,
      });
    else simple.push([s, payload]);
  }
  return { simple, combos };
}

const namesOf = (d: Pick<Department, 'name' | 'aliases'>) => [d.name, ...d.aliases];

/**
 * The routing index of a deployment: its directory, the other jurisdictions' directories (`all`, any order; the
 * deployment's own entry is ignored) and its catalogue.
 */
export function buildRoutingIndex(local: JurisdictionConfig, all: readonly JurisdictionConfig[], catalogue: ServiceCatalogue): RoutingIndex {
  const jurs = new Map<string, JurisdictionConfig>();
  const refs: { ref: JurRef; forms: string[]; depts: Department[] }[] = [];
  const localRef: JurRef = { key: local.code, code: local.code, name: local.name, local: true, outside: false, parentOfLocal: false };
  refs.push({ ref: localRef, forms: [...new Set([local.name, ...local.nameForms])], depts: local.departments });
  for (const j of all) {
    if (j.code === local.code) continue;
    jurs.set(j.code, j);
    const ref: JurRef = { key: j.code, code: j.code, name: j.name, local: false, outside: false, parentOfLocal: j.code === local.parent };
    refs.push({ ref, forms: [...new Set([j.name, ...j.nameForms])], depts: j.departments });
  }
  for (const o of catalogue.outside) {
    refs.push({ ref: { key: `outside:${o.name}`, name: o.name, local: false, outside: true, parentOfLocal: false }, forms: [...new Set([o.name, ...o.nameForms])], depts: [] });
  }

  const localNames = new Set(local.departments.flatMap(namesOf));
  const rank = (t: Token) => (t.kind === 'unit' ? (t.jur.local ? 4 : t.jur.parentOfLocal ? 3 : 2) : t.jur.local ? 1 : 0);
  const unitEntries: [string, Token][] = [];
  const generic = new Map<string, PhraseMatcher<DeptRef>>();
  for (const { ref, forms, depts } of refs) {
    for (const f of forms) unitEntries.push([f, { kind: 'jur', jur: ref, full: FULL_FORM.test(f) }]);
    const gen: [string, DeptRef][] = [];
    for (const d of depts) {
      const dref: DeptRef = { jur: ref, code: d.code, name: d.name, belongsToThisLevel: d.belongsToThisLevel };
      for (const n of namesOf(d)) {
        // Written with the jurisdiction's name, or a township or street of it (蓬南镇, 子昂街道): that jurisdiction's unit.
        // For a district or county, "市政务服务中心" is the city's (for a county-level city such as 射洪市, its own).
        const cityForm = ref.parentOfLocal && n.startsWith('市') && !local.name.endsWith('市');
        const qualified = forms.some((f) => n.includes(f)) || cityForm || (!ref.local && PLACE_UNIT.test(n) && !localNames.has(n));
        if (ref.local || qualified) unitEntries.push([n, { kind: 'unit', jur: ref, dept: dref }]);
        gen.push([n, dref]);
        if (/^[县区市]./.test(n) && n.length > 3) gen.push([n.slice(1), dref]);
      }
    }
    generic.set(ref.key, new PhraseMatcher(gen));
  }
  // Names two departments share (社保局, 房产局) name a local unit even when no directory lists them as an alias.
  for (const sn of catalogue.sharedNames) {
    const d = local.departments.find((x) => x.code === sn.departments[0]);
    if (!d) continue;
    const dref: DeptRef = { jur: localRef, code: d.code, name: d.name, belongsToThisLevel: d.belongsToThisLevel };
    for (const n of sn.names) unitEntries.push([n, { kind: 'unit', jur: localRef, dept: dref }]);
  }
  const units = new PhraseMatcher(unitEntries, (a, b) => rank(a) > rank(b));
  const outsideGeneric = new PhraseMatcher(local.departments.flatMap((d) => namesOf(d).map((n) => [n, n] as [string, string])));

  const svc = splitCombos(catalogue.items.flatMap((it) => [[it.name, it] as [string, ServiceItem], ...it.synonyms.map((s) => [s, it] as [string, ServiceItem])]));
  const ng = splitCombos(catalogue.notGovernment.flatMap((r) => r.phrases.map((p) => [p, r] as [string, NotGovernmentRule])));
  const shared = new Map<string, SharedName>();
  for (const s of catalogue.sharedNames) for (const n of s.names) shared.set(normalise(n), s);
  const forwarders = new Map<string, string>();
  for (const d of local.departments) for (const a of d.forwardingAddresses) forwarders.set(a.toLowerCase(), d.code);

  return {
    local,
    catalogueVersion: catalogue.version,
    confidentAt: catalogue.routing.confidentAt,
    autoDispatch: catalogue.routing.autoDispatch,
    itemCount: catalogue.items.length,
    parts: {
      units,
      generic,
      outsideGeneric,
      services: new PhraseMatcher(svc.simple),
      serviceCombos: svc.combos,
      places: new PhraseMatcher(catalogue.places.flatMap((p) => p.names.map((n) => [n, p] as [string, Place]))),
      shared,
      notGov: new PhraseMatcher(ng.simple),
      notGovCombos: ng.combos,
      forwarders,
      halls: catalogue.halls.map(normalise),
      depts: new Map(local.departments.map((d) => [d.code, d])),
      jurs,
    },
  };
}

export interface RoutingInput {
  /** 被投诉单位 as written (form field, labelled mail field, staff entry). */
  respondentUnit?: string;
  respondentPerson?: string;
  /** A department chosen from the directory (form select, staff), trusted as the complainant's choice. */
  chosenDepartment?: string;
  subject?: string;
  matter: string;
  facts?: string;
  /** Where it happened, when the channel knows (on-site window, box location). */
  place?: string;
  /** The mailbox that forwarded the mail. */
  forwardedBy?: string;
}

/** Lines that say who complains (name, phone, address) say nothing about who is responsible. */
const IDENTITY_LINE =
  /^[ \t\u3000]*(?:投诉人姓名|投诉人|姓名|联系人|反映人|来信人|联系电话|联系方式|手机号码|手机号|手机|电话号码|电话|电子邮箱|电子邮件|邮箱|联系地址|通讯地址|家庭住址|住址|地址|身份证号码|身份证号)[ \t\u3000]*[:：].*$/gm;

/** "射洪县公安局户政大队": the words right after a unit that name a part of it belong to the same mention. */
function extend(text: string, m: Mention, end: number, p: IndexParts): number {
  const gen = p.generic.get(m.jur.key);
  let k = end;
  for (let hit = gen?.at(text, k); hit; hit = gen?.at(text, k)) k += hit.phrase.length;
  const tail = /^[\u4e00-\u9fa5]{0,4}?(?:大队|中队|支队|科|股|窗口|服务站|所)/.exec(text.slice(k, k + 8));
  if (tail && k > end) k += tail[0].length;
  else if (tail && /(?:局|中心|分局)$/.test(m.written)) k += tail[0].length;
  m.written = text.slice(m.index, k);
  return k;
}

function findMentions(text: string, p: IndexParts): { mentions: Mention[]; places: JurRef[] } {
  const mentions: Mention[] = [];
  const places: JurRef[] = [];
  for (let i = 0; i < text.length;) {
    const hit = p.units.at(text, i);
    if (!hit) {
      i++;
      continue;
    }
    const t = hit.payload;
    if (t.kind === 'unit') {
      const m: Mention = { jur: t.jur, dept: t.dept, written: hit.phrase, alias: hit.phrase, index: i };
      mentions.push(m);
      i = extend(text, m, i + hit.phrase.length, p);
      continue;
    }
    let k = i + hit.phrase.length;
    const conn = CONNECTOR.exec(text.slice(k, k + 3));
    if (conn) k += conn[0].length;
    const gen = t.jur.outside ? undefined : p.generic.get(t.jur.key)?.at(text, k);
    if (gen) {
      const m: Mention = { jur: t.jur, dept: gen.payload, written: text.slice(i, k + gen.phrase.length), alias: gen.phrase, index: i };
      mentions.push(m);
      i = extend(text, m, k + gen.phrase.length, p);
      continue;
    }
    const outsideUnit = t.jur.outside ? (p.outsideGeneric.at(text, k) ?? undefined) : undefined;
    // The deployment's own name before words its directory does not know is only a place ("船山区某小区").
    const suffix = (t.full || t.jur.outside) && !t.jur.local ? UNIT_SUFFIX.exec(text.slice(k, k + 14)) : null;
    if (outsideUnit || suffix) {
      const len = Math.max(outsideUnit?.phrase.length ?? 0, suffix?.[0].length ?? 0);
      mentions.push({ jur: t.jur, written: text.slice(i, k + len), alias: text.slice(k, k + len), index: i });
      i = k + len;
      continue;
    }
    if (t.full || t.jur.outside) places.push(t.jur);
    i += hit.phrase.length;
  }
  return { mentions, places };
}

interface Scored {
  target: RoutingTarget;
  score: number;
  reason: string;
}

const targetKey = (t: RoutingTarget) => (t.kind === 'department' ? `d:${t.department}` : t.kind === 'other_jurisdiction' ? `j:${t.jurisdiction?.code ?? t.jurisdiction?.name}` : t.kind);

export function route(input: RoutingInput, index: RoutingIndex, at: string): RoutingDecision {
  const p = index.parts;
  const deptTarget = (code: string): RoutingTarget => ({ kind: 'department', department: code, name: p.depts.get(code)?.name ?? code });
  const jurTarget = (j: JurRef): RoutingTarget => ({ kind: 'other_jurisdiction', jurisdiction: { ...(j.code ? { code: j.code } : {}), name: j.name }, name: j.name });
  const resolve = (m: Mention): RoutingTarget => {
    if (m.jur.local) return deptTarget(m.dept!.code);
    // A city unit whose county office the local directory lists as not of this level (公积金中心, 车管所).
    if (m.jur.parentOfLocal && m.dept) {
      const here = p.depts.get(m.dept.code);
      if (here && !here.belongsToThisLevel) return deptTarget(here.code);
    }
    return jurTarget(m.jur);
  };

  const clean = (s: string | undefined) => normalise((s ?? '').replace(IDENTITY_LINE, ''));
  const unitText = normalise(input.respondentUnit ?? '');
  const personText = normalise(input.respondentPerson ?? '');
  const text = [clean(input.subject), clean(input.matter), clean(input.facts)].filter(Boolean).join('\n');
  const all = `${unitText}\n${personText}\n${text}`;

  const evidence: RoutingEvidence[] = [];
  const pool = new Map<string, Scored>();
  const add = (target: RoutingTarget, score: number, reason: string) => {
    const k = targetKey(target);
    const prev = pool.get(k);
    if (!prev || prev.score < score) pool.set(k, { target, score, reason });
  };

  // ---- (2) service items, computed first: they settle shared names and halls.
  const svcScores = new Map<string, { score: number; items: ServiceItem[]; matched: string[] }>();
  const countItem = (it: ServiceItem, matched: string, weight = 1) => {
    const s = svcScores.get(it.department) ?? { score: 0, items: [], matched: [] };
    if (!s.items.includes(it)) s.items.push(it);
    s.matched.push(matched);
    s.score += matched.replace(/\+/g, '').length * weight;
    svcScores.set(it.department, s);
  };
  // A service named as a document someone asked for ("要求出生证明") is what was required, not what was applied for.
  for (const h of p.services.all(all)) countItem(h.payload, h.phrase, MATERIAL.test(all.slice(Math.max(0, h.index - 4), h.index)) ? 0.5 : 1);
  for (const c of p.serviceCombos) if (c.parts.every((part) => all.includes(part))) countItem(c.payload, c.phrase);
  const svcRanked = [...svcScores.entries()].sort((a, b) => b[1].score - a[1].score);
  const svcLine = (code: string) => {
    const s = svcScores.get(code)!;
    return `事项：${s.items[0]!.name} → ${p.depts.get(code)?.name ?? code}`;
  };
  const svcMatched = (code: string) => svcScores.get(code)!.matched.slice(0, 3).join('、').slice(0, 200);
  // The catalogue item behind a service match (not the stand-in made of a unit's alias, whose id is the unit's code).
  const svcItem = (code: string): { item?: { id: string; name: string } } => {
    const item = svcScores.get(code)!.items[0]!;
    return item.id === code ? {} : { item: { id: item.id, name: item.name } };
  };

  // ---- (1) units named.
  const field = findMentions(unitText, p);
  const person = findMentions(personText, p);
  const body = findMentions(text, p);
  const placeText = normalise(input.place ?? '');
  const placeHalls = findMentions(placeText, p).mentions.filter((m) => m.jur.local && m.dept !== undefined && p.halls.some((h) => m.alias.endsWith(h)));
  const fieldMentions = [...field.mentions, ...person.mentions];
  const isHall = (m: Mention) => m.jur.local && m.dept !== undefined && p.halls.some((h) => m.alias.endsWith(h));
  const named = [...fieldMentions, ...body.mentions];
  const nonHall = named.filter((m) => !isHall(m));
  const halls = [...named.filter(isHall), ...placeHalls];
  const primary = fieldMentions.find((m) => !isHall(m)) ?? body.mentions.find((m) => !isHall(m));
  const unitAsWritten = input.respondentUnit?.trim() || primary?.written || halls[0]?.written;

  let decision: { target: RoutingTarget; confidence: number } | undefined;

  if (input.chosenDepartment && p.depts.has(input.chosenDepartment) && !primary) {
    const t = deptTarget(input.chosenDepartment);
    evidence.push({ step: 'chosen', text: `投诉人选择的单位：${t.name}`, matched: t.name });
    decision = { target: t, confidence: 0.95 };
  } else if (primary) {
    const t0 = resolve(primary);
    const distinct = new Map(nonHall.map((m) => [targetKey(resolve(m)), { m, t: resolve(m) }]));
    const sharedName = primary.jur.local ? p.shared.get(normalise(primary.alias)) : undefined;
    if (t0.kind === 'department' && sharedName) {
      // Another name in the text that is one of the group's own units ("社保中心说我的医保断缴了") counts like a service.
      const named = nonHall.filter((m) => m !== primary && m.jur.local && m.dept && sharedName.departments.includes(m.dept.code) && !p.shared.has(normalise(m.alias)));
      for (const m of named) {
        const s = svcScores.get(m.dept!.code);
        if (!s) svcScores.set(m.dept!.code, { score: m.alias.length, items: [{ id: m.dept!.code, name: m.alias, department: m.dept!.code, synonyms: [m.alias] }], matched: [m.alias] });
      }
      const inGroup = [...svcScores.entries()].sort((a, b) => b[1].score - a[1].score).filter(([code]) => sharedName.departments.includes(code));
      if (inGroup.length > 0 && (inGroup.length === 1 || inGroup[0]![1].score > inGroup[1]![1].score)) {
        const code = inGroup[0]![0];
        evidence.push({ step: 'service', text: svcLine(code), matched: svcMatched(code), ...svcItem(code) });
        evidence.push({ step: 'unit', text: `单位：${primary.written}（${sharedName.note}），按所述事项判断`, matched: primary.written });
        decision = { target: deptTarget(code), confidence: 0.9 };
      } else {
        evidence.push({ step: 'unit', text: `单位：${primary.written}（${sharedName.note}），未能从所述事项判断`, matched: primary.written });
        const first = sharedName.departments.includes(t0.department!) ? t0.department! : sharedName.departments[0]!;
        decision = { target: deptTarget(first), confidence: 0.5 };
      }
      for (const code of sharedName.departments) add(deptTarget(code), 0.45, `共用名称“${primary.alias}”可能指${p.depts.get(code)?.name ?? code}`);
    } else {
      const fromField = fieldMentions.includes(primary);
      const several = distinct.size > 1 && !fromField;
      const where = t0.kind === 'other_jurisdiction' ? `${t0.name}（非本辖区，第九条第（一）项）` : t0.name;
      const unitLine: RoutingEvidence = { step: 'unit', text: `单位：${primary.written} → ${where}`, matched: primary.written };
      const sameService = t0.kind === 'department' && svcScores.has(t0.department!);
      // A "unit" that is really the name of the service (公积金, 不动产, 户籍): the service is the reason.
      const serviceWord = !UNIT_WORD.test(primary.alias);
      if (sameService && serviceWord) evidence.push({ step: 'service', text: svcLine(t0.department!), matched: svcMatched(t0.department!), ...svcItem(t0.department!) }, unitLine);
      else if (sameService) evidence.push(unitLine, { step: 'service', text: svcLine(t0.department!), matched: svcMatched(t0.department!), ...svcItem(t0.department!) });
      else evidence.push(unitLine);
      let confidence = fromField ? 0.95 : several ? 0.6 : 0.9;
      // A unit of another jurisdiction named only in passing, with the respondent field naming a local one, is handled above (field first).
      if (t0.kind === 'department' && svcRanked.length > 0 && svcRanked[0]![0] !== t0.department && !svcScores.has(t0.department!)) {
        add(deptTarget(svcRanked[0]![0]), 0.4, svcLine(svcRanked[0]![0]));
        if (!fromField) confidence = Math.min(confidence, 0.8);
      }
      decision = { target: t0, confidence };
      for (const { m, t } of distinct.values()) if (targetKey(t) !== targetKey(t0)) add(t, 0.45, `文中还提到：${m.written}`);
    }
  }

  if (!decision && svcRanked.length > 0) {
    const [code, top] = svcRanked[0]!;
    const second = svcRanked[1]?.[1].score ?? 0;
    const otherPlace = body.places.find((j) => !j.local);
    const localPlace = body.places.some((j) => j.local) || named.some((m) => m.jur.local);
    if (otherPlace && !localPlace) {
      const t = jurTarget(otherPlace);
      evidence.push({ step: 'jurisdiction_place', text: `地点：${otherPlace.name} → ${otherPlace.name}（非本辖区，第九条第（一）项）`, matched: otherPlace.name });
      evidence.push({ step: 'service', text: svcLine(code), matched: svcMatched(code), ...svcItem(code) });
      decision = { target: t, confidence: 0.7 };
      add(deptTarget(code), 0.5, svcLine(code));
    } else {
      evidence.push({ step: 'service', text: svcLine(code), matched: svcMatched(code), ...svcItem(code) });
      decision = { target: deptTarget(code), confidence: top.score >= 2 * second ? 0.85 : 0.55 };
    }
    for (const [c2] of svcRanked.slice(1, 4)) add(deptTarget(c2), Math.min(0.5, svcScores.get(c2)!.score / (top.score + 1)), svcLine(c2));
  }

  // ---- (3) the place.
  const placeHits = [...p.places.all(placeText), ...p.places.all(all)];
  if (!decision && placeHits.length > 0) {
    const h = placeHits[0]!;
    const code = h.payload.department;
    evidence.push({ step: 'place', text: `地点：${h.phrase} → ${p.depts.get(code)?.name ?? code}`, matched: h.phrase });
    decision = { target: deptTarget(code), confidence: 0.8 };
  } else if (placeHits.length > 0) {
    add(deptTarget(placeHits[0]!.payload.department), 0.4, `地点：${placeHits[0]!.phrase}`);
  }

  // A hall alone (政务服务中心): the hall's own unit answers for it.
  if (!decision && halls.length > 0) {
    const h = halls[0]!;
    evidence.push({ step: 'unit', text: `单位：${h.written} → ${h.dept!.name}（政务服务大厅，未写明具体事项）`, matched: h.written });
    decision = { target: deptTarget(h.dept!.code), confidence: 0.8 };
  }

  // Another jurisdiction named only as a place, nothing else to go by.
  if (!decision) {
    const otherPlace = body.places.find((j) => !j.local);
    if (otherPlace && !body.places.some((j) => j.local) && !named.some((m) => m.jur.local)) {
      evidence.push({ step: 'jurisdiction_place', text: `地点：${otherPlace.name}（非本辖区），未写明单位和事项`, matched: otherPlace.name });
      decision = { target: jurTarget(otherPlace), confidence: 0.5 };
    }
  }

  // ---- (4) the forwarding mailbox.
  const fwd = input.forwardedBy ? p.forwarders.get(input.forwardedBy.toLowerCase()) : undefined;
  if (fwd) {
    const line = `转来邮箱：${input.forwardedBy} → ${p.depts.get(fwd)?.name ?? fwd}`;
    if (!decision) {
      evidence.push({ step: 'forwarder', text: line, matched: input.forwardedBy! });
      decision = { target: deptTarget(fwd), confidence: 0.65 };
    } else add(deptTarget(fwd), 0.35, line);
  }

  // ---- not a government service.
  const ngHits: { rule: NotGovernmentRule; matched: string }[] = p.notGov.all(text).map((h) => ({ rule: h.payload, matched: h.phrase }));
  for (const c of p.notGovCombos) if (c.parts.every((part) => text.includes(part))) ngHits.push({ rule: c.payload, matched: c.phrase });
  let advice: string | undefined;
  if (ngHits.length > 0) {
    const { rule, matched } = ngHits[0]!;
    const t: RoutingTarget = { kind: 'not_government', name: '非政务服务事项' };
    const line = `非政务服务事项：${rule.name}（“${matched}”）`;
    if (!decision || (decision.confidence < 0.85 && evidence.every((e) => e.step !== 'unit' && e.step !== 'chosen'))) {
      if (decision) add(decision.target, Math.min(0.5, decision.confidence), evidence[0]?.text ?? '');
      evidence.unshift({ step: 'not_government', text: line, matched });
      decision = { target: t, confidence: decision ? 0.6 : 0.85 };
      advice = rule.advice;
    } else add(t, 0.3, line);
  }

  if (!decision) {
    decision = { target: { kind: 'unknown', name: '无法判断' }, confidence: 0 };
    evidence.push({ step: 'unit', text: '未能从被投诉单位、所述事项、地点或转来邮箱判断承办单位，请人工分派', matched: '' });
  }
  if (decision.target.kind === 'other_jurisdiction') {
    const j = decision.target.jurisdiction?.code ? p.jurs.get(decision.target.jurisdiction.code) : undefined;
    advice = j
      ? `请向${j.agency.name}${j.agency.phone && j.agency.phone !== '12345' ? `（电话 ${j.agency.phone}）` : ''}反映，或拨打“12345”政务服务便民热线转接。`
      : `请向${decision.target.name}的政务服务管理机构反映，或拨打“12345”政务服务便民热线转接。`;
  }

  const top: Scored = { target: decision.target, score: decision.confidence, reason: evidence[0]!.text };
  pool.delete(targetKey(decision.target));
  const candidates: RoutingCandidate[] = [top, ...[...pool.values()].sort((a, b) => b.score - a.score)]
    .slice(0, 5)
    .map((c) => ({ ...c.target, score: round(c.score), reason: c.reason.slice(0, 500) }));

  return {
    ...decision.target,
    confidence: round(decision.confidence),
    confident: decision.confidence >= index.confidentAt && decision.target.kind !== 'unknown',
    reason: evidence[0]!.text.slice(0, 500),
    evidence: evidence.slice(0, 12).map((e) => ({ ...e, text: e.text.slice(0, 500), matched: e.matched.slice(0, 200) })),
    candidates,
    ...(unitAsWritten ? { unitAsWritten: unitAsWritten.slice(0, 200) } : {}),
    ...(advice ? { advice: advice.slice(0, 500) } : {}),
    dispatch:
      index.autoDispatch && decision.target.kind === 'department' && decision.confidence >= index.confidentAt && p.depts.get(decision.target.department!)?.belongsToThisLevel ? 'auto' : 'queue',
    catalogueVersion: index.catalogueVersion,
    at,
  };
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * Baseline of the benchmark: what intake did before routing — the earliest local name or alias anywhere in the
 * text (no jurisdiction, no service, no place).
 */
export function routeByNameOnly(text: string, departments: readonly Pick<Department, 'code' | 'name' | 'aliases'>[]): string | undefined {
  let best: { code: string; index: number; len: number } | undefined;
  for (const d of departments) {
    for (const n of [d.name, ...d.aliases]) {
      if (n.length < 2) continue;
      const i = text.indexOf(n);
      if (i >= 0 && (!best || i < best.index || (i === best.index && n.length > best.len))) best = { code: d.code, index: i, len: n.length };
    }
  }
  return best?.code;
}
