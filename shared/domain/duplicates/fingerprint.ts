/**
 * The fingerprint of one intake: everything duplicate matching compares, computed once. Index keys are hashes,
 * so neither phone numbers nor mail addresses appear in the index items' keys in clear text.
 */
import { createHash } from 'node:crypto';
import type { CanonicalIntake, Respondent } from '../intake';
import type { Department } from '../jurisdiction';
import { extractFacts, type Facts } from './facts';
import { DEFAULT_LSH, lshBands, minhash, shingles, type LshParams } from './minhash';
import { fold, idNumbersInText, normaliseEmail, normaliseName, normaliseOrganisation, normalisePhone, normaliseText, type NormalisedName } from './normalize';

/** A key under which a case is filed in the duplicate index (port `DuplicateIndex`). */
/**
 * `block`: a blocking key of surname + unit or surname + service item, so that "王女士" on the phone and "王芳" in
 * a letter about the same unit meet as candidates without a shared contact or shared wording.
 */
export type IndexKey = { kind: 'band'; band: number; hash: string } | { kind: 'phone' | 'mail' | 'name' | 'idno' | 'block'; hash: string };

/** Stable string form of an index key, used to match look-up results to keys. */
export const indexKeyId = (k: IndexKey): string => (k.kind === 'band' ? `B#${k.band}#${k.hash}` : `${k.kind.toUpperCase()}#${k.hash}`);

export interface UnitResolution {
  /** Department code when the respondent was recognised in the directory. */
  code?: string;
  /** Every department named in the unit field or the text (a complaint about buck passing names two). */
  mentioned: string[];
  /** Normalised unit name as written, when it could not be resolved. */
  name?: string;
  via?: 'code' | 'name' | 'alias' | 'text';
  /** The unit named is a hall hosting other units' windows (政务大厅): it says where, not who. */
  hall?: boolean;
}

export interface Fingerprint {
  /** Normalised phones: the complainant's field and any number written in the text (a mail signature). */
  phones: string[];
  emails: string[];
  /** Resident identity card numbers with a right check digit, written in the text (letters, 12345 orders). */
  idNumbers: string[];
  name: NormalisedName;
  organization?: string;
  anonymous: boolean;
  unit: UnitResolution;
  /** Normalised matter and facts. */
  text: string;
  /** Character bigrams of `text`. */
  shingles: Set<string>;
  facts: Facts;
  /** Service-catalogue items the text names (ids), e.g. `BDCDJ-bdc-zy` for 二手房过户. */
  services: string[];
  /** Places (counties, districts) the text or the unit names, e.g. `射洪`. */
  places: string[];
  evidence: string[];
  keys: IndexKey[];
}

/**
 * A unit name in comparable form: punctuation removed, the province and city prefix dropped (遂宁市…), the
 * county or district kept: 射洪市不动产登记中心 and 船山区不动产登记中心 are two units.
 */
const unitForm = (s: string): string => {
  let out = fold(s)
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]/gu, '');
  for (const p of ['四川省', '四川', '遂宁市', '遂宁']) if (out.startsWith(p) && out.length > p.length + 1) out = out.slice(p.length);
  return out;
};

/**
 * Compiled forms of the directory and the catalogue, built once per array (they are configuration, never changed
 * after loading): a fingerprint per intake re-folded every department name, alias, catalogue synonym and place form
 * (issue 26: about a third of an intake's CPU). Pure functions of the array, so results are the same as before.
 */
type UnitName = { code: string; form: string; via: 'name' | 'alias' };
const unitNamesOf = new WeakMap<readonly Department[], UnitName[]>();
function unitNames(departments: readonly Department[]): UnitName[] {
  let names = unitNamesOf.get(departments);
  if (!names) {
    names = departments
      .flatMap((d) => [{ code: d.code, form: unitForm(d.name), via: 'name' as const }, ...(d.aliases ?? []).map((a) => ({ code: d.code, form: unitForm(a), via: 'alias' as const }))])
      .filter((n) => n.form.length >= 2);
    names.sort((a, b) => b.form.length - a.form.length);
    unitNamesOf.set(departments, names);
  }
  return names;
}

/**
 * Respondent unit through the department directory and its aliases (issue 7, signal 1): the unit code when the
 * intake carries one, else the longest name or alias found in the unit field, else in the matter text.
 */
export function resolveUnit(respondent: Respondent, text: string, departments: readonly Department[]): UnitResolution {
  const names = unitNames(departments);
  const body = fold(text).replace(/[\s\p{P}\p{S}]/gu, '');
  const mentioned = new Set<string>();
  let rest = body;
  for (const n of names) {
    if (rest.includes(n.form)) {
      mentioned.add(n.code);
      rest = rest.split(n.form).join('|');
    }
  }
  const known = respondent.unitCode && departments.some((d) => d.code === respondent.unitCode) ? respondent.unitCode : undefined;
  if (known) return { code: known, mentioned: [...new Set([known, ...mentioned])], via: 'code' };
  if (respondent.unit) {
    const written = unitForm(respondent.unit);
    const hit = names.find((n) => written === n.form) ?? names.find((n) => written.includes(n.form)) ?? names.find((n) => written.length >= 3 && n.form.includes(written));
    if (hit) return { code: hit.code, mentioned: [...new Set([hit.code, ...mentioned])], via: hit.via };
  }
  // The first unit named in the text is the respondent ("在A办理…，A说归B管").
  let first: { code: string; at: number } | undefined;
  for (const n of names) {
    const at = body.indexOf(n.form);
    if (at >= 0 && (!first || at < first.at)) first = { code: n.code, at };
  }
  if (first) return { code: first.code, mentioned: [...mentioned], via: 'text' };
  if (respondent.unitCode) return { code: respondent.unitCode, mentioned: [respondent.unitCode], via: 'code' };
  return respondent.unit ? { name: unitForm(respondent.unit), mentioned: [] } : { mentioned: [] };
}

const unique = (xs: (string | undefined)[]): string[] => [...new Set(xs.filter((x): x is string => !!x))];

/**
 * A landline with its area code as people write it: `0825-2345678`, `0825 2345678`, `08252345678`, `(0825)2345678`,
 * `（0825）2345678`, with an optional extension (`转801`, `-801`, `分机801`, `ext 801`, `(801)`).
 */
const LANDLINE_WITH_AREA = /(?<![\d])(?:[(（]\s*0\d{2,3}\s*[)）]|0\d{2,3})[\s-]?[2-9]\d{6,7}(?:\s*(?:转|分机|ext\.?|x|-)\s*\d{1,5}|\s*[(（]\s*\d{1,5}\s*[)）])?(?![\d])/gi;
/**
 * A local number (7 or 8 digits, no area code) counts only after a word that says it is a telephone number
 * (`电话`, `座机`, `固话`, `联系方式`, `号码`), so that amounts, file numbers and dates are never taken.
 */
const LOCAL_LANDLINE = /(?:电话|座机|固话|联系方式|号码)[^\d\n]{0,4}(?<![\d])([2-9]\d{6,7}(?:\s*(?:转|分机|ext\.?|x|-)\s*\d{1,5})?)(?![\d])/gi;

/**
 * Phone numbers written in a text (signatures of mails and letters, "座机 2345678" in an operator's note),
 * normalised like the contact field: mobiles, landlines with their area code and local landlines after a word
 * that names them, each with or without its extension (dropped: the line is the identity, not the desk).
 */
export function phonesInText(text: string): string[] {
  const out: string[] = [];
  const folded = fold(text);
  for (const m of folded.matchAll(/(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)/g)) {
    const p = normalisePhone(m[0]);
    if (p) out.push(p);
  }
  // A landline is often the unit's, not the complainant's ("打中心电话0825-2345678没人接"): a number someone
  // called or a unit's line is not identity, or two people who called the same window would be one complainant.
  const called = (at: number): boolean => /打|拨|致电|咨询|热线|(中心|窗口|大厅|局|所|科|站|队|办|处|单位|部门)的?(电话|座机|号码|固话)/.test(folded.slice(Math.max(0, at - 10), at));
  for (const m of folded.matchAll(LANDLINE_WITH_AREA)) {
    const p = !called(m.index) ? normalisePhone(m[0]) : undefined;
    if (p) out.push(p);
  }
  for (const m of folded.matchAll(LOCAL_LANDLINE)) {
    const p = !called(m.index + m[0].length - m[1]!.length) ? normalisePhone(m[1]) : undefined;
    if (p) out.push(p);
  }
  return [...new Set(out)];
}

export function emailsInText(text: string): string[] {
  const out: string[] = [];
  for (const m of fold(text).matchAll(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g)) {
    const e = normaliseEmail(m[0]);
    if (e) out.push(e);
  }
  return out;
}

/** The hash an identity or blocking key is filed under (the bench builds a million cases' keys with it). */
export const identityHash = (kind: string, value: string): string => createHash('sha256').update(`${kind}:${value}`).digest('hex').slice(0, 24);

/** Extra set members that let LSH weigh the unit and key facts, not only the wording. */
function featureTokens(unit: UnitResolution, facts: Facts): string[] {
  const out: string[] = [];
  const u = unit.code ?? unit.name;
  if (u) for (let i = 0; i < 3; i++) out.push(`\u0001U:${u}#${i}`);
  for (const [kind, values] of Object.entries(facts)) for (const v of values) out.push(`\u0001F:${kind}:${v}`);
  return out;
}

/** A service-catalogue item as duplicate matching needs it (shared/domain/routing `ServiceItem`). */
export interface ServiceTerm {
  id: string;
  name: string;
  /** Phrases, or `a+b` combinations whose parts must all occur. */
  synonyms: readonly string[];
}

export interface FingerprintOptions {
  departments?: readonly Department[];
  /** The jurisdiction's service catalogue: the items a text names pin the matter down. */
  services?: readonly ServiceTerm[];
  /** Names of halls that host other units' windows (the catalogue's `halls`): such a unit never contradicts. */
  halls?: readonly string[];
  /** Places (counties, districts) with the forms people write (`射洪市`, `射洪`), to tell one county's unit from another's. */
  places?: readonly Place[];
  lsh?: LshParams;
  /**
   * How the normalised text is cut into the set compared by Jaccard and containment (default: character bigrams).
   * Both runtimes pass the plain-JS dictionary words (shared/composition/duplicate-matching.ts); docs/BENCHMARKS.md.
   */
  tokenize?: (normalisedText: string) => Set<string>;
}

const compact = (s: string): string =>
  fold(s)
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]/gu, '');

type ServiceSynonym = { id: string; phrase: string; parts: string[] };
const serviceSynonymsOf = new WeakMap<readonly ServiceTerm[], ServiceSynonym[]>();
/** Every name and synonym of the items, compacted and split on `+`, in catalogue order (see servicesInText). */
function serviceSynonyms(items: readonly ServiceTerm[]): ServiceSynonym[] {
  let out = serviceSynonymsOf.get(items);
  if (!out) {
    out = [];
    for (const it of items) {
      for (const syn of [it.name, ...it.synonyms]) {
        const parts = syn.split('+').map(compact).filter(Boolean);
        if (parts.length > 0) out.push({ id: it.id, phrase: parts.join(''), parts });
      }
    }
    serviceSynonymsOf.set(items, out);
  }
  return out;
}

/**
 * Catalogue items named in a text. An item named only by a phrase that a longer phrase of another item contains
 * (`过户` inside `车辆过户`) is dropped, so the more specific item wins.
 */
export function servicesInText(text: string, items: readonly ServiceTerm[]): string[] {
  const body = compact(text);
  const hits: { id: string; phrase: string }[] = [];
  for (const syn of serviceSynonyms(items)) if (syn.parts.every((p) => body.includes(p))) hits.push(syn);
  const kept = hits.filter((h) => !hits.some((o) => o.id !== h.id && o.phrase.length > h.phrase.length && o.phrase.includes(h.phrase) && body.includes(o.phrase)));
  return [...new Set(kept.map((h) => h.id))].sort();
}

export interface Place {
  name: string;
  forms: readonly string[];
}

/** Places named in a text, by their canonical name (`射洪市不动产登记中心` → `射洪市`). */
export function placesInText(text: string, places: readonly Place[]): string[] {
  const body = compact(text);
  return placeForms(places)
    .filter((p) => p.forms.some((f) => body.includes(f)))
    .map((p) => p.name)
    .sort();
}

const placeFormsOf = new WeakMap<readonly Place[], { name: string; forms: string[] }[]>();
/** Each place with its name and forms of at least two characters, compacted (see placesInText). */
function placeForms(places: readonly Place[]): { name: string; forms: string[] }[] {
  let out = placeFormsOf.get(places);
  if (!out) {
    out = places.map((p) => ({ name: p.name, forms: [p.name, ...p.forms].filter((f) => f.length >= 2).map(compact) }));
    placeFormsOf.set(places, out);
  }
  return out;
}

const hallFormsOf = new WeakMap<readonly string[], string[]>();
/** Hall names compacted, those of at least two characters. */
function hallForms(halls: readonly string[]): string[] {
  let out = hallFormsOf.get(halls);
  if (!out) {
    out = halls.map(compact).filter((h) => h.length >= 2);
    hallFormsOf.set(halls, out);
  }
  return out;
}

export function fingerprint(intake: CanonicalIntake, opts: FingerprintOptions = {}): Fingerprint {
  const c = intake.complainant;
  const rawText = [intake.matter, intake.facts ?? ''].join('\n');
  const text = normaliseText(rawText);
  const sh = opts.tokenize ? opts.tokenize(text) : shingles(text, 2);
  const facts = extractFacts(rawText);
  const unit = resolveUnit(intake.respondent, rawText, opts.departments ?? []);
  const phones = unique([normalisePhone(c.phone), ...phonesInText(rawText)]);
  const emails = unique([normaliseEmail(c.email), ...emailsInText(rawText)]);
  const idNumbers = idNumbersInText(rawText);
  const name = normaliseName(c.name);
  const services = servicesInText(rawText, opts.services ?? []);
  const unitDept = unit.code ? opts.departments?.find((d) => d.code === unit.code) : undefined;
  const unitName = unitDept?.name;
  const halls = opts.halls ? hallForms(opts.halls) : [];
  if (halls.length > 0) {
    const said = [intake.respondent.unit ?? '', ...(unitDept ? [unitDept.name, ...(unitDept.aliases ?? [])] : [])].map(compact);
    if (said.some((n) => halls.some((h) => n === h || n.endsWith(h)))) unit.hall = true;
  }
  const places = placesInText([intake.respondent.unit ?? '', unitName ?? '', rawText].join('\n'), opts.places ?? []);
  const keys: IndexKey[] = [];
  if (sh.size > 0) {
    const lsh = opts.lsh ?? DEFAULT_LSH;
    const members = new Set([...sh, ...featureTokens(unit, facts)]);
    lshBands(minhash(members, lsh), lsh).forEach((hash, band) => keys.push({ kind: 'band', band, hash }));
  }
  for (const phone of phones) keys.push({ kind: 'phone', hash: identityHash('phone', phone) });
  for (const email of emails) keys.push({ kind: 'mail', hash: identityHash('mail', email) });
  for (const id of idNumbers) keys.push({ kind: 'idno', hash: identityHash('idno', id) });
  if (name.full && name.full.length >= 2) keys.push({ kind: 'name', hash: identityHash('name', name.full) });
  if (name.surname && !c.anonymous) {
    if (unit.code && !unit.hall) keys.push({ kind: 'block', hash: identityHash('su', `${name.surname}|${unit.code}`) });
    for (const svc of services.slice(0, 3)) keys.push({ kind: 'block', hash: identityHash('ss', `${name.surname}|${svc}`) });
  }
  return {
    phones,
    emails,
    idNumbers,
    name,
    organization: normaliseOrganisation(c.organization),
    anonymous: c.anonymous,
    unit,
    text,
    shingles: sh,
    facts,
    services,
    places,
    evidence: intake.evidence.map((e) => e.sha256),
    keys,
  };
}
