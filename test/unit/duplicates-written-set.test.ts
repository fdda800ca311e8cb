/**
 * Quality gate on the hand-written labelled set of issue 22 (test/fixtures/duplicates/written-set.txt): 303
 * intakes over all seven channels, written the way people retell a matter (paraphrases, typos, traditional
 * characters, partial names, phones keyed with dashes or +86), with the hard cases labelled: the same person with
 * another matter, another person with the same matter, the same kind of matter at another county's unit, near
 * misses and anonymous slips. Definitions in docs/BENCHMARKS.md and test/fixtures/duplicates/evaluate.ts.
 */
import { CHANNELS } from '../../shared/domain/intake';
import { evaluate } from '../fixtures/duplicates/evaluate';
import { parseWrittenSet, writtenSet } from '../fixtures/duplicates/written-set';
import { dictionaryWordTokens } from '../../shared/text/dictionary-tokens';

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

  // As both runtimes run it (shared/composition/duplicate-matching.ts): words by jieba's dictionary in plain JS.
  it('dictionary words: auto-merge precision ≥ 0.98, pairwise recall ≥ 0.90, the "可能重复" band shows ≥ 98 % of the rest (Done-when of issue 22)', async () => {
    const e = await evaluate(set, { tokenize: dictionaryWordTokens });
    expect(e.auto.precision).toBeGreaterThanOrEqual(0.98);
    expect(e.auto.recall).toBeGreaterThanOrEqual(0.9);
    expect(e.flaggedCatch).toBeGreaterThanOrEqual(0.98);
    expect(e.overall.f1).toBeGreaterThan(e.baseline.f1);
  });
});
