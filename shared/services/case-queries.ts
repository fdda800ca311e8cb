/**
 * Walking the cases of a jurisdiction by phase (the phase queue of the CaseStore), page by page: the one loop the
 * reconciler, the calendar recompute and the resume of open cases share.
 */
import type { CaseRecord, Phase } from '../domain/case';
import type { CaseStore } from '../ports';

export async function* casesIn(store: CaseStore, jurisdiction: string, phase: Phase): AsyncIterable<CaseRecord> {
  let cursor: string | undefined;
  do {
    const page = await store.query({ jurisdiction, phase, limit: 100, ...(cursor ? { cursor } : {}) });
    yield* page.items;
    cursor = page.cursor;
  } while (cursor);
}

/** Every case of the given phases, phase after phase. */
export async function* casesInPhases(store: CaseStore, jurisdiction: string, phases: readonly Phase[]): AsyncIterable<CaseRecord> {
  for (const phase of phases) yield* casesIn(store, jurisdiction, phase);
}
