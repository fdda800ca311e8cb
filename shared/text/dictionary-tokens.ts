/**
 * Word tokens for duplicate matching (issue 22), the same on the embedded runtime and on Lambda: the pure
 * JavaScript segmenter of ./word-segmenter.ts over jieba's dictionary, the dict.txt that @node-rs/jieba ships
 * (read once, at first use; nothing fetched). The Lambda asset carries that one file
 * (infra/constructs/bundle-function.ts, LAZY_PACKAGES), not the native module.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseWordDictionary, segmentWords, type WordDictionary } from './word-segmenter';

let dictionary: WordDictionary | undefined;

/** Where the dictionary is read from: the package's dict.txt, resolved as Node resolves packages. */
export function dictionaryFile(): string {
  return createRequire(import.meta.url).resolve('@node-rs/jieba/dict.txt');
}

export function wordDictionary(): WordDictionary {
  dictionary ??= parseWordDictionary(readFileSync(dictionaryFile(), 'utf8'));
  return dictionary;
}

/** The words of an already normalised text, as a set (the members compared by Jaccard and containment). */
export function dictionaryWordTokens(normalisedText: string): Set<string> {
  return new Set(segmentWords(wordDictionary(), normalisedText));
}
