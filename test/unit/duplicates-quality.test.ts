/**
 * Quality gate on the labelled set (issue 7): pairwise precision of automatic decisions ≥ 0.98 and F1 ≥ 0.95
 * overall (auto + the best "possible" candidate), on the benchmark seed and on a held-out seed never used for
 * tuning. Definitions in docs/BENCHMARKS.md and test/fixtures/duplicates/evaluate.ts.
 */
import { evaluate } from '../fixtures/duplicates/evaluate';
import { generateLabelledSet } from '../fixtures/duplicates/labelled-set';

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
    expect(e.overall.f1).toBeGreaterThanOrEqual(0.95);
    expect(e.overall.f1).toBeGreaterThan(e.baseline.f1 + 0.2);
    // Repeats of concluded cases are recognised, with the right new-evidence answer for most.
    expect(e.repeats.found).toBeGreaterThanOrEqual(6);
    expect(e.repeats.newEvidenceCorrect).toBeGreaterThanOrEqual(e.repeats.found - 1);
  });
});
