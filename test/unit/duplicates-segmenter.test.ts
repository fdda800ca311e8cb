/**
 * The word segmenter both runtimes match duplicates with (shared/text/word-segmenter.ts, issue 22): the same words
 * as the native @node-rs/jieba (`cut(text, false)`, the dictionary route without HMM) on every text of the
 * labelled sets, a dictionary that is bad input refused with its line, and the Lambda bundle that reads the
 * dictionary it carries (infra/constructs/bundle-function.ts), not the repository's.
 */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';
import { bundleFunction } from '../../infra/constructs/bundle-function';
import { normaliseText } from '../../shared/domain/duplicates/normalize';
import { dictionaryWordTokens, wordDictionary } from '../../shared/text/dictionary-tokens';
import type * as DictionaryTokens from '../../shared/text/dictionary-tokens';
import { parseWordDictionary, segmentWords } from '../../shared/text/word-segmenter';
import { generateLabelledSet } from '../fixtures/duplicates/labelled-set';
import { writtenSet } from '../fixtures/duplicates/written-set';

describe('dictionary word segmentation (pure JavaScript)', () => {
  it('cuts every text of the labelled sets exactly as native jieba does without HMM', () => {
    const native = Jieba.withDict(dict);
    const texts = [writtenSet(), generateLabelledSet(20250301), generateLabelledSet(7)].flatMap((s) =>
      s.items.flatMap((x) => [x.intake.matter, normaliseText([x.intake.matter, x.intake.facts ?? ''].join('\n'))]),
    );
    texts.push('我在船山区不动产登记中心办二手房过户，abc12x号窗口 22号，𠮷野家 ＡＢＣ 2025-03-01 +86');
    expect(texts.length).toBeGreaterThan(1400);
    const different = texts.filter((t) => segmentWords(wordDictionary(), t).join('/') !== native.cut(t, false).join('/'));
    expect(different).toEqual([]);
  });

  it('finds the words of a normalised matter (domain terms already canonical: 二手房过户 → 不动产登记)', () => {
    expect([...dictionaryWordTokens(normaliseText('二手房过户资料被退回三次'))]).toEqual(['不动产', '登记', '材料', '被', '退回', '三次']);
  });

  it('reads a small dictionary: the most probable route, ties to the longer word, a repeated word keeps its last frequency', () => {
    const d = parseWordDictionary('不动产 10 n\n登记 20 v\n不动 1\n产 1\n不动产登记 1\n登记 40\n');
    expect(d.size).toBe(5);
    expect(segmentWords(d, '不动产登记中心')).toEqual(['不动产', '登记', '中', '心']);
    expect(Math.exp(d.logTotal)).toBeCloseTo(10 + 40 + 1 + 1 + 1);
  });

  it('refuses a dictionary with a bad frequency, naming the line, and one with no frequency at all', () => {
    expect(() => parseWordDictionary('过户 3\n登记 x1 v\n')).toThrow(/line 2: frequency x1/);
    expect(() => parseWordDictionary('过户\n')).toThrow(/no word has a frequency/);
  });

  it('the Lambda asset carries the dictionary and the bundled code reads it from there', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tousu-segmenter-'));
    try {
      bundleFunction('shared/text/dictionary-tokens.ts', 'segmenter', out);
      expect(existsSync(join(out, 'node_modules/@node-rs/jieba/dict.txt'))).toBe(true);
      expect(existsSync(join(out, 'node_modules/@node-rs/jieba/index.js'))).toBe(false);
      const bundled = (await import(pathToFileURL(join(out, 'functions/segmenter/index.mjs')).href)) as typeof DictionaryTokens;
      expect(bundled.dictionaryFile()).toBe(join(out, 'node_modules/@node-rs/jieba/dict.txt'));
      expect([...bundled.dictionaryWordTokens('营业执照变更被驳回')]).toEqual([...dictionaryWordTokens('营业执照变更被驳回')]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('one matcher for both runtimes', () => {
  it('the options both compositions use carry the dictionary words, the catalogue items, the halls and the counties', async () => {
    const { duplicateMatcherOptions } = await import('../../shared/composition/duplicate-matching');
    const { loadJurisdiction } = await import('../../shared/config/load');
    const o = duplicateMatcherOptions(loadJurisdiction('510903'));
    expect(o.tokenize).toBe(dictionaryWordTokens);
    expect((o.services as unknown[]).length).toBeGreaterThan(10);
    expect((o.places ?? []).map((p) => p.name)).toContain('射洪市');
    expect((o.departments as unknown[]).length).toBeGreaterThan(5);
  });
});
