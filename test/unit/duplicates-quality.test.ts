/**
 * Quality gate on the generated labelled sets (issues 7 and 22): on the benchmark seed and on a held-out seed never
 * used for tuning, scored with the matcher the product runs (the options of shared/composition/duplicate-matching.ts,
 * which the screening Lambda and the embedded runtime both take: dictionary words, Chuanshan's thresholds, catalogue
 * items, halls and counties; test/fixtures/duplicates/matcher.ts), so that CI measures what ships:
 * automatic precision ≥ 0.98, automatic pairwise recall ≥ 0.90, the "可能重复" band shows ≥ 98 % of the true pairs
 * the automatic band missed, and F1 ≥ 0.95 overall (auto + the best "possible" candidate).
 * Definitions in docs/BENCHMARKS.md and test/fixtures/duplicates/evaluate.ts.
 */
import { duplicateMatcherOptions } from '../../shared/composition/duplicate-matching';
import { loadJurisdiction } from '../../shared/config/load';
import { dictionaryWordTokens } from '../../shared/text/dictionary-tokens';
import { evaluate } from '../fixtures/duplicates/evaluate';
import { generateLabelledSet } from '../fixtures/duplicates/labelled-set';
import { productMatcher } from '../fixtures/duplicates/matcher';

it('the sets are scored with the product matcher: the factory of both runtimes, only the directory is the set’s', () => {
  const shipped = duplicateMatcherOptions(loadJurisdiction('510903'));
  const set = generateLabelledSet(7);
  const used = productMatcher(set.departments);
  expect(used.tokenize).toBe(dictionaryWordTokens);
  expect(used.tokenize).toBe(shipped.tokenize);
  expect(used.rules).toEqual(shipped.rules);
  expect(used.services).toEqual(shipped.services);
  expect(used.halls).toEqual(shipped.halls);
  expect(used.places).toEqual(shipped.places);
  expect(used.departments).toEqual(set.departments);
});

describe.each([
  ['benchmark seed', 20250301],
  ['held-out seed', 7],
])('labelled set, %s', (_label, seed) => {
  const set = generateLabelledSet(seed);

  it('is large and hard: ≥ 200 intakes over every channel, with each kind of hard case present', () => {
    expect(set.items.length).toBeGreaterThanOrEqual(200);
    expect(new Set(set.items.map((x) => x.intake.channel))).toEqual(new Set(['email', 'web', 'letter', 'phone', 'hotline_12345', 'onsite', 'suggestion_box']));
    const groups = new Set(set.items.map((x) => x.group));
    expect(groups).toEqual(new Set(['paraphrase', 'other_matter', 'same_matter_other_person', 'near_miss', 'repeat', 'anonymous']));
    // Deterministic: the same seed gives the same set.
    expect(generateLabelledSet(seed).items.map((x) => x.intake.matter)).toEqual(set.items.map((x) => x.intake.matter));
  });

  it('meets the thresholds and beats the "same phone or mail only" baseline', async () => {
    const e = await evaluate(set);
    expect(e.auto.precision).toBeGreaterThanOrEqual(0.98);
    expect(e.auto.recall).toBeGreaterThanOrEqual(0.9);
    expect(e.flaggedCatch).toBeGreaterThanOrEqual(0.98);
    expect(e.overall.f1).toBeGreaterThanOrEqual(0.95);
    expect(e.overall.f1).toBeGreaterThan(e.baseline.f1 + 0.2);
    // Repeats of concluded cases are recognised, with the right new-evidence answer for most.
    expect(e.repeats.found).toBeGreaterThanOrEqual(6);
    expect(e.repeats.newEvidenceCorrect).toBeGreaterThanOrEqual(e.repeats.found - 1);
  });
});
