/**
 * Evaluation facts (art. 17, art. 20): small, immutable-looking records derived from a case as it moves,
 * each filed under the Shanghai quarter in which the thing happened. A quarter's report reads only that
 * quarter's facts, never the cases (docs/evaluation.md).
 *
 * Pure: `deriveFacts(before, after)` says which facts a transition yields. Every fact's key is derived from
 * the case id and the fact kind (plus the clock for overdue marks), and its content from the records only,
 * so a retried transition writes the very same items.
 */
import * as z from 'zod';
import type { CaseRecord, ClockName, Deadline, Phase } from '../case';
import { Classification, ClockName as ClockNameSchema, Finding, Satisfaction } from '../case';
import { Channel } from '../intake';
import { matterTopic, MATTER_TOPICS } from './topics';
import { quarterOf } from './quarter';
import { withholdMarked } from '../secrecy';

export const FACT_KINDS = [
  'received', // the case came in (volumes per channel)
  'accepted', // the acceptance decision was "accept" (art. 10)
  'not_accepted', // the acceptance decision was "reject" (art. 8)
  'classified', // general / transfer / intervention (art. 14)
  'extended', // the result deadline was extended (art. 14(2))
  'overdue', // a deadline went overdue (one fact per clock; never removed: art. 20)
  'concluded', // concluded with a finding (art. 15, art. 20)
  'followed_up', // follow-up visit with satisfaction (art. 17)
  'terminated', // terminated (art. 19)
  'merged', // merged into another case (art. 11); removed again by an unmerge
  'rerouted', // the agency changed the department after routing (issue 15); one fact per case, with the count
] as const;
export const FactKind = z.enum(FACT_KINDS);
export type FactKind = z.infer<typeof FactKind>;

/** The clocks whose overdue mark is an "overdue conclusion" (超期办结) in art. 20: the clock of the result. */
export const CONCLUSION_CLOCKS: readonly ClockName[] = ['result'];

const isoInstant = z.iso.datetime({ offset: true });

export const EvaluationFact = z.object({
  jurisdiction: z.string().min(1),
  /** `YYYYQn`: the Shanghai quarter of `at`. */
  quarter: z.string().regex(/^\d{4}Q[1-4]$/),
  kind: FactKind,
  caseId: z.string().min(1),
  /** When the fact happened (for `overdue`: the first instant after the due time). */
  at: isoInstant,
  channel: Channel,
  /** Owning department at the time the fact was written (unset: still with the agency). */
  department: z.string().optional(),
  /** Respondent unit: `code:<CODE>` or `name:<normalised name>` or `unknown`. */
  unitKey: z.string().min(1),
  unitName: z.string().optional(),
  /** True when the complaint named no unit and the owning department stands in for it. */
  unitInferred: z.boolean().optional(),
  /** Respondent person: `<unitKey>|<normalised name>`; a person is counted per unit. */
  personKey: z.string().optional(),
  personName: z.string().optional(),
  topic: z.enum(MATTER_TOPICS),
  /** Art. 17: the cause category tagged at classification (a code of the jurisdiction's set). */
  cause: z.string().max(32).optional(),
  /** Who tagged it: the staff member, or the system's proposal from the text. */
  causeBy: z.enum(['staff', 'proposed']).optional(),
  /** Art. 17: the service catalogue item routing recognised (id and name as in the catalogue). */
  serviceItem: z.string().max(80).optional(),
  serviceItemName: z.string().max(200).optional(),
  // kind-specific
  clock: ClockNameSchema.optional(),
  dueAt: isoInstant.optional(),
  /** overdue: when the system recorded the mark (may be later than `at` when it was set at closing). */
  markedAt: isoInstant.optional(),
  /** overdue: the deadline was provisional (暂定) when it passed: its year's holiday notice was not loaded. */
  provisional: z.boolean().optional(),
  finding: Finding.optional(),
  classification: Classification.optional(),
  /** concluded: the result deadline had been extended. */
  extended: z.boolean().optional(),
  /** concluded: the result clock went overdue before the conclusion (超期办结). */
  late: z.boolean().optional(),
  satisfaction: Satisfaction.optional(),
  reason: z.string().optional(),
  into: z.string().optional(),
  /** rerouted: how many times the department was changed. */
  reroutes: z.number().int().positive().optional(),
});
export type EvaluationFact = z.infer<typeof EvaluationFact>;

export interface FactKey {
  jurisdiction: string;
  quarter: string;
  /** Sort key within the quarter: `<kind>#<caseId>` or `overdue#<clock>#<caseId>`. */
  id: string;
}

export function factId(f: Pick<EvaluationFact, 'kind' | 'caseId' | 'clock'>): string {
  return f.kind === 'overdue' ? `overdue#${f.clock ?? 'unknown'}#${f.caseId}` : `${f.kind}#${f.caseId}`;
}

export const factKey = (f: EvaluationFact): FactKey => ({ jurisdiction: f.jurisdiction, quarter: f.quarter, id: factId(f) });

// ---------------------------------------------------------------------------------------------- respondent

const normalise = (s: string): string => s.normalize('NFKC').replace(/\s+/g, '');

export interface RespondentKeys {
  unitKey: string;
  unitName?: string;
  unitInferred?: boolean;
  personKey?: string;
  personName?: string;
}

/**
 * Who the complaint is against (art. 2, art. 20): the unit by its code when known, else by its name, else the
 * owning department (art. 3: each department handles complaints against itself); and the person, if named.
 */
export function respondentKeys(c: CaseRecord): RespondentKeys {
  const r = c.intake.respondent;
  const unitName = r.unit && normalise(r.unit) ? r.unit.trim() : undefined;
  let keys: RespondentKeys;
  if (r.unitCode) keys = { unitKey: `code:${r.unitCode}`, unitName };
  else if (unitName) keys = { unitKey: `name:${normalise(unitName)}`, unitName };
  else if (c.department) keys = { unitKey: `code:${c.department}`, unitInferred: true };
  else keys = { unitKey: 'unknown' };
  const person = r.person && normalise(r.person) ? r.person.trim() : undefined;
  if (person) {
    keys.personKey = `${keys.unitKey}|${normalise(person)}`;
    keys.personName = person;
  }
  return keys;
}

// ---------------------------------------------------------------------------------------------- derivation

const POST_ACCEPTANCE: readonly Phase[] = ['classification', 'handling', 'rectification', 'reply', 'follow_up'];

const t = (iso: string): number => Date.parse(iso);

function lastOf(c: CaseRecord, clock: ClockName, pred: (d: Deadline) => boolean = () => true): Deadline | undefined {
  for (let i = c.deadlines.length - 1; i >= 0; i -= 1) {
    const d = c.deadlines[i]!;
    if (d.clock === clock && pred(d)) return d;
  }
  return undefined;
}

/** The instant a deadline became overdue: the first second after its due time (or the mark, if earlier). */
export function becameOverdueAt(d: Deadline): string {
  const after = t(d.dueAt) + 1000;
  const marked = d.overdueAt ? t(d.overdueAt) : Number.POSITIVE_INFINITY;
  return new Date(Math.min(after, marked)).toISOString();
}

/** When the case was accepted, or undefined if it was not (yet). */
function acceptedAt(before: CaseRecord | undefined, after: CaseRecord): string | undefined {
  if (after.outcome?.kind === 'not_accepted') return undefined;
  const decision = lastOf(after, 'acceptance', (d) => d.metAt !== undefined)?.metAt;
  const observed = before !== undefined && before.phase === 'acceptance' && POST_ACCEPTANCE.includes(after.phase);
  const reached = after.classification !== undefined || after.conclusion !== undefined || POST_ACCEPTANCE.includes(after.phase);
  if (reached || observed) return decision ?? (observed ? after.updatedAt : undefined);
  // Terminated after the acceptance decision (art. 19): accepted, then stopped.
  if (after.outcome?.kind === 'terminated' && decision && t(decision) < t(after.outcome.at)) return decision;
  return undefined;
}

const extendedCount = (c: CaseRecord | undefined): number => (c ? c.deadlines.filter((d) => d.clock === 'result' && d.extended).length : 0);

/**
 * The facts a case yields after a transition. Record-derived facts (received, accepted, not_accepted, overdue,
 * concluded, followed_up, terminated, merged) are yielded on every call, so a later transition repairs a fact
 * an earlier one failed to write; transition-derived facts (classified, extended) only when this transition
 * made them, stamped with `after.updatedAt`.
 */
export function deriveFacts(before: CaseRecord | undefined, after: CaseRecord): EvaluationFact[] {
  // Handed over to another jurisdiction's deployment (issue 15): the receiver counts it, never the sender.
  if (after.outcome?.kind === 'transferred') return [];
  const department = after.department ?? departmentOfReceipt(after);
  const base = {
    jurisdiction: after.jurisdiction,
    caseId: after.caseId,
    channel: after.intake.channel,
    ...(department ? { department } : {}),
    ...respondentKeys(after),
    // Art. 13: the analysis reads the complaint as it may be shown, never content marked as secret or private.
    topic: matterTopic(withholdMarked(after).intake.matter),
    ...(after.cause ? { cause: after.cause.code, causeBy: after.cause.by } : {}),
    ...serviceItemOf(after),
  };
  const facts: EvaluationFact[] = [];
  const add = (kind: FactKind, at: string, extra: Partial<EvaluationFact> = {}) => {
    const iso = new Date(t(at)).toISOString();
    facts.push({ ...base, kind, at: iso, quarter: quarterOf(iso), ...extra });
  };

  add('received', after.receivedAt);

  const accepted = acceptedAt(before, after);
  if (accepted) add('accepted', accepted);
  if (after.outcome?.kind === 'not_accepted') add('not_accepted', after.outcome.at, { reason: after.outcome.reason });

  if (after.classification && before?.classification !== after.classification) {
    const at = after.classification === 'general' && after.conclusion ? after.conclusion.at : after.updatedAt;
    add('classified', at, { classification: after.classification });
  }

  if (extendedCount(after) > extendedCount(before)) {
    const d = lastOf(after, 'result', (x) => x.extended === true)!;
    add('extended', after.updatedAt, { clock: 'result', dueAt: d.dueAt });
  }

  const seenClocks = new Set<ClockName>();
  for (const d of after.deadlines) {
    if (!d.overdueAt || seenClocks.has(d.clock)) continue;
    seenClocks.add(d.clock);
    add('overdue', becameOverdueAt(d), { clock: d.clock, dueAt: d.dueAt, markedAt: new Date(t(d.overdueAt)).toISOString(), ...(d.provisional ? { provisional: true } : {}) });
  }

  if (after.conclusion) {
    const results = after.deadlines.filter((d) => CONCLUSION_CLOCKS.includes(d.clock));
    const lastResult = results[results.length - 1];
    const late = results.some((d) => d.overdueAt !== undefined) || (lastResult !== undefined && t(after.conclusion.at) > t(lastResult.dueAt));
    add('concluded', after.conclusion.at, {
      finding: after.conclusion.finding,
      ...(after.classification ? { classification: after.classification } : {}),
      extended: results.some((d) => d.extended === true),
      late,
    });
  }

  if (after.followUp) add('followed_up', after.followUp.at, { satisfaction: after.followUp.satisfaction });
  if (after.outcome?.kind === 'terminated') add('terminated', after.outcome.at, { reason: after.outcome.reason });
  if (after.phase === 'merged' && after.outcome?.kind === 'merged') add('merged', after.outcome.at, { into: after.outcome.into });
  const reroutes = after.routing?.reroutes ?? [];
  // Filed in the quarter of the first re-route (a stable key), counting every one so far.
  if (reroutes.length > 0) add('rerouted', reroutes[0]!.at, { reroutes: reroutes.length });
  return facts;
}

/** The catalogue item routing recognised for the case (its first service evidence), if any. */
function serviceItemOf(c: CaseRecord): { serviceItem?: string; serviceItemName?: string } {
  const item = c.routing?.evidence.find((e) => e.step === 'service' && e.item)?.item;
  return item ? { serviceItem: item.id, serviceItemName: item.name } : {};
}

function departmentOfReceipt(c: CaseRecord): string | undefined {
  return typeof c.intake.receivedBy === 'object' ? c.intake.receivedBy.department : undefined;
}

/**
 * Keys to delete after a transition: only a merge that was undone (art. 11 unmerge) takes a fact back.
 * Overdue marks and every other fact stay (art. 20 counts overdue marks even after the case moved on).
 */
export function retractedFacts(before: CaseRecord | undefined, after: CaseRecord): FactKey[] {
  // Handed over (issue 15): the receiving jurisdiction counts the complaint; the sender's received fact goes.
  if (after.outcome?.kind === 'transferred' && before?.outcome?.kind !== 'transferred') {
    const at = new Date(t(after.receivedAt)).toISOString();
    return [{ jurisdiction: after.jurisdiction, quarter: quarterOf(at), id: factId({ kind: 'received', caseId: after.caseId }) }];
  }
  if (!before || before.phase !== 'merged' || before.outcome?.kind !== 'merged' || after.phase === 'merged') return [];
  const at = new Date(t(before.outcome.at)).toISOString();
  return [{ jurisdiction: before.jurisdiction, quarter: quarterOf(at), id: factId({ kind: 'merged', caseId: before.caseId }) }];
}
