/**
 * Duplicate matching across channels (art. 11) and recognition of repeats (art. 8(3), 8(5)). Pure domain code:
 * normalisation, shingles, MinHash/LSH, scoring with explanations, the decision, merge and unmerge.
 */
import type { CanonicalIntake } from '../intake';
import type { DuplicateDecision } from './decide';

export type { DuplicateDecision, DuplicateRules, Standing, Assessed, EvidenceCheck, KnownToCase } from './decide';
export { decide, detectNewEvidence, duplicateRulesFrom, standingOf, DEFAULT_DUPLICATE_RULES } from './decide';
export type { Fingerprint, IndexKey, UnitResolution, FingerprintOptions, ServiceTerm, Place as DuplicatePlace } from './fingerprint';
export { fingerprint, indexKeyId, resolveUnit, servicesInText, placesInText } from './fingerprint';
export type { Facts, FactKind } from './facts';
export { extractFacts, compareFacts, newFacts } from './facts';
export { DEFAULT_LSH, minhash, lshBands, shingles, jaccard, containment, estimateJaccard } from './minhash';
export type { LshParams } from './minhash';
export { normaliseEmail, normaliseName, normaliseOrganisation, normalisePhone, normaliseText } from './normalize';
export type { Scored, Signals } from './score';
export { scorePair, compareSignals, explain } from './score';
export type { MergeResult, NewEvent } from './merge';
export { applyMerge, applyUnmerge, mergeRootId } from './merge';
export { activeDismissal, dismissPair, isDismissedPair, restorePair, type PairChange } from './dismiss';
export { mergedNotice } from './notice';
export type { MergedNoticeInput } from './notice';

/** The hook the intake core calls for every new intake, before it creates a case. */
export type DuplicateCheck = (intake: CanonicalIntake, ctx: DuplicateCheckContext) => Promise<DuplicateDecision>;

export interface DuplicateCheckContext {
  jurisdiction: string;
  now: Date;
  /**
   * The art. 11 window of the rules version in force at receipt (`duplicates.windowDays`); overrides the checker's
   * configured default, so a new rules version changes the window without a redeploy.
   */
  windowDays?: number;
}
