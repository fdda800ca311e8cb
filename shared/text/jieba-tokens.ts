/**
 * Word tokens for duplicate matching (issue 22): @node-rs/jieba segmentation with the dictionary that ships in
 * the package (read from node_modules once, at first use; nothing fetched). Measured against character bigrams on
 * the hand-written set and the generated seeds (docs/BENCHMARKS.md): words found more true pairs at the same
 * precision. Injected into the duplicate service by the embedded composition (the domain stays pure); the AWS
 * composition keeps bigrams (a native module in the Lambda bundles is not done).
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';

let jieba: Jieba | undefined;

/** The words of an already normalised text (HMM on, so unknown words such as names of places are kept whole). */
export function jiebaTokens(normalisedText: string): Set<string> {
  jieba ??= Jieba.withDict(dict);
  return new Set(jieba.cut(normalisedText, true));
}
