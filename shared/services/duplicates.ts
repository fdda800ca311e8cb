/**
 * Duplicate matching service (issue 7): the `DuplicateCheck` hook the intake core calls before it creates a case,
 * and `indexCase` to call after a case is created. Cost per intake is fixed: one index look-up (all LSH bands and
 * identity keys at once) and at most `maxCandidates` case reads, plus merge-chain links, whatever the case count.
 */
import type { CaseRecord } from '../domain/case';
import type { CanonicalIntake } from '../domain/intake';
import type { Department } from '../domain/jurisdiction';
import {
  decide,
  DEFAULT_DUPLICATE_RULES,
  extractFacts,
  fingerprint,
  indexKeyId,
  scorePair,
  type Assessed,
  type DuplicateCheck,
  type DuplicateCheckContext,
  type DuplicateDecision,
  type DuplicateRules,
  type KnownToCase,
  type Fingerprint,
  type LshParams,
  type ServiceTerm,
  type DuplicatePlace,
} from '../domain/duplicates/index';
import type { CaseStore } from '../ports/index';
import { indexDay, type DuplicateIndex } from '../ports/duplicate-index';

export type { DuplicateCheck, DuplicateDecision };

export interface DuplicateServiceDeps {
  index: DuplicateIndex;
  /** Only `get` and, where the store has it, `getMany` (all ranked candidates in one read) are used. */
  store: Pick<CaseStore, 'get' | 'getMany'>;
  rules?: Partial<DuplicateRules>;
  /** The department directory (names and aliases) to resolve respondent units, per jurisdiction or for all. */
  departments?: readonly Department[] | ((jurisdiction: string) => readonly Department[] | undefined);
  /** The service catalogue's items (per jurisdiction or for all): the item a text names is evidence. */
  services?: readonly ServiceTerm[] | ((jurisdiction: string) => readonly ServiceTerm[] | undefined);
  /** Names of halls hosting other units' windows (the catalogue's `halls`), per jurisdiction or for all. */
  halls?: readonly string[] | ((jurisdiction: string) => readonly string[] | undefined);
  /** Names of the counties and districts, so that one county's unit is told from another's. */
  places?: readonly DuplicatePlace[];
  lsh?: LshParams;
  /** Text tokens (default character bigrams); see FingerprintOptions.tokenize. */
  tokenize?: (normalisedText: string) => Set<string>;
  /** Called with counts after each check (for metrics; no personal data). */
  onMetrics?: (m: { candidates: number; fetched: number; decision: DuplicateDecision['kind'] }) => void;
}

/**
 * Which index keys to file: all of them; the identity keys (phone, mailbox, full name: 3 writes at most); or the
 * 32 LSH bands of the text. Intake files the identity keys at once, so that a complainant who writes again a
 * minute later is merged; the bands are filed by the life cycle's first task (screening, retried by the
 * workflow), which keeps 32 writes off the intake's request path (docs/data-model.md, "Duplicate index").
 */
export type IndexPart = 'all' | 'identity' | 'bands';

export type DuplicateChecker = DuplicateCheck & {
  /** Files a newly created case in the duplicate index (all keys, or one part). Idempotent. */
  indexCase(record: CaseRecord, part?: IndexPart, opts?: { writeConcurrency?: number }): Promise<void>;
};

const MAX_CHAIN = 10;
/** Case fingerprints kept (most recently used); about 2 KB each. */
const FINGERPRINT_CACHE = 2000;

export function createDuplicateCheck(deps: DuplicateServiceDeps): DuplicateChecker {
  const configured: DuplicateRules = { ...DEFAULT_DUPLICATE_RULES, ...deps.rules };
  const departmentsOf = (jurisdiction: string): readonly Department[] => (typeof deps.departments === 'function' ? deps.departments(jurisdiction) : deps.departments) ?? [];
  // Fingerprints are pure functions of an intake (and the directory): the intake being checked is fingerprinted
  // once for the check and the index, and a recent case met again as a candidate is not fingerprinted anew.
  const ofIntake = new WeakMap<CanonicalIntake, { jurisdiction: string; fp: Fingerprint }>();
  const ofCase = new Map<string, { intake: CanonicalIntake; fp: Fingerprint }>();
  const fp = (intake: CanonicalIntake, jurisdiction: string): Fingerprint => {
    const hit = ofIntake.get(intake);
    if (hit && hit.jurisdiction === jurisdiction) return hit.fp;
    const services = typeof deps.services === 'function' ? deps.services(jurisdiction) : deps.services;
    const halls = typeof deps.halls === 'function' ? deps.halls(jurisdiction) : deps.halls;
    const made = fingerprint(intake, { departments: departmentsOf(jurisdiction), services, halls, places: deps.places, lsh: deps.lsh, tokenize: deps.tokenize });
    ofIntake.set(intake, { jurisdiction, fp: made });
    return made;
  };
  const fpOfCase = (c: CaseRecord): Fingerprint => {
    const key = `${c.jurisdiction}#${c.caseId}`;
    const hit = ofCase.get(key);
    // A case's intake never changes; the comparison only guards against a reused id in tests.
    if (hit && hit.intake.sourceKey === c.intake.sourceKey && hit.intake.matter === c.intake.matter) {
      ofCase.delete(key);
      ofCase.set(key, hit);
      return hit.fp;
    }
    const made = fp(c.intake, c.jurisdiction);
    ofCase.set(key, { intake: c.intake, fp: made });
    if (ofCase.size > FINGERPRINT_CACHE) ofCase.delete(ofCase.keys().next().value!);
    return made;
  };

  const check = async (intake: CanonicalIntake, ctx: DuplicateCheckContext): Promise<DuplicateDecision> => {
    const rules: DuplicateRules = ctx.windowDays !== undefined ? { ...configured, windowDays: ctx.windowDays } : configured;
    const mine = fp(intake, ctx.jurisdiction);
    if (mine.keys.length === 0) return { kind: 'new' };
    const hits = await deps.index.lookup(ctx.jurisdiction, mine.keys);

    // Rank candidates before reading any case: a shared phone or mail weighs 8 bands, a shared full name 3.
    const oldest = indexDay(new Date(Date.parse(intake.receivedAt) - Math.max(rules.windowDays, rules.repeatWindowDays) * 86_400_000).toISOString());
    const tally = new Map<string, { bands: number; identity: number }>();
    for (const key of mine.keys) {
      for (const entry of hits.get(indexKeyId(key)) ?? []) {
        if (entry.day < oldest) continue;
        const t = tally.get(entry.caseId) ?? { bands: 0, identity: 0 };
        if (key.kind === 'band') t.bands++;
        else t.identity += key.kind === 'block' ? 2 : key.kind === 'name' ? 3 : 8;
        tally.set(entry.caseId, t);
      }
    }
    const ranked = [...tally.entries()]
      .sort(([, a], [, b]) => b.identity + b.bands - (a.identity + a.bands))
      .slice(0, rules.maxCandidates)
      .map(([caseId]) => caseId);

    // Read the candidates (in one BatchGetItem where the store can) and the roots of their merge chains (each
    // case once).
    const cache = new Map<string, Promise<CaseRecord | undefined>>();
    if (deps.store.getMany && ranked.length > 1) {
      const batch = deps.store.getMany(ranked);
      for (const id of ranked)
        cache.set(
          id,
          batch.then((found) => found.get(id)),
        );
    }
    const get = (id: string): Promise<CaseRecord | undefined> => {
      let p = cache.get(id);
      if (!p) cache.set(id, (p = deps.store.get(id)));
      return p;
    };
    const rootOf = async (record: CaseRecord): Promise<CaseRecord | undefined> => {
      let current = record;
      for (let i = 0; i < MAX_CHAIN && current.phase === 'merged' && current.mergedInto; i++) {
        const next = await get(current.mergedInto);
        if (!next) return undefined;
        current = next;
      }
      return current.phase === 'merged' ? undefined : current;
    };

    const byRoot = new Map<string, { assessed: Assessed; matched: CaseRecord[] }>();
    await Promise.all(
      ranked.map(async (caseId) => {
        const matched = await get(caseId);
        if (!matched) return;
        const root = await rootOf(matched);
        if (!root) return;
        let scored = scorePair(mine, fpOfCase(matched), intake.receivedAt, matched.receivedAt);
        // Merged into another case: what the root says counts too (another unit, county, item or occasion
        // there forbids an automatic merge into it, however close the merged intake is).
        if (root.caseId !== matched.caseId) {
          const viaRoot = scorePair(mine, fpOfCase(root), intake.receivedAt, root.receivedAt).blockers;
          if (viaRoot.length > 0) scored = { ...scored, blockers: [...scored.blockers, ...viaRoot.map((b) => `与主案件 ${root.trackingNo} 相比：${b}`)] };
        }
        const prev = byRoot.get(root.caseId);
        if (!prev) byRoot.set(root.caseId, { assessed: { root, scored }, matched: [matched] });
        else {
          // Several intakes of one root matched: the best score stands for the root, and what any of them
          // contradicts (another county, unit, item or occasion) forbids an automatic merge into it all the same.
          const best = scored.score > prev.assessed.scored.score ? scored : prev.assessed.scored;
          const blockers = [...new Set([...prev.assessed.scored.blockers, ...scored.blockers])];
          prev.matched.push(matched);
          prev.assessed = { root, scored: { ...best, blockers } };
        }
      }),
    );

    const known = (root: CaseRecord): KnownToCase => {
      const matched = byRoot.get(root.caseId)?.matched ?? [];
      const evidence = new Set<string>([
        ...root.intake.evidence.map((e) => e.sha256),
        ...(root.merges ?? []).flatMap((m) => m.evidence.map((e) => e.sha256)),
        ...matched.flatMap((r) => r.intake.evidence.map((e) => e.sha256)),
      ]);
      const text = [root.intake.matter, root.intake.facts ?? '', root.conclusion?.summary ?? '', ...matched.flatMap((r) => [r.intake.matter, r.intake.facts ?? ''])].join('\n');
      return { evidence, facts: extractFacts(text), since: root.receivedAt };
    };

    const decision = decide({ intake, candidates: [...byRoot.values()].map((v) => v.assessed), rules, known });
    deps.onMetrics?.({ candidates: tally.size, fetched: cache.size, decision: decision.kind });
    return decision;
  };

  const indexCase = async (record: CaseRecord, part: IndexPart = 'all', opts?: { writeConcurrency?: number }): Promise<void> => {
    const all = fpOfCase(record).keys;
    const keys = part === 'all' ? all : all.filter((k) => (k.kind === 'band') === (part === 'bands'));
    if (keys.length === 0) return;
    await deps.index.add(record.jurisdiction, { caseId: record.caseId, day: indexDay(record.receivedAt) }, keys, opts);
  };

  return Object.assign(check, { indexCase });
}
