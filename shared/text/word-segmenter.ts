/**
 * Chinese word segmentation in plain JavaScript, for duplicate matching on every platform (issue 22): jieba's
 * dictionary route without the HMM, i.e. the directed acyclic graph of every dictionary word starting at each
 * character, and the route through it of the highest product of word frequencies (jieba-rs `cut(text, false)`).
 * Same dictionary (the one @node-rs/jieba ships), same algorithm, same words: test/unit/duplicates-segmenter.test.ts
 * compares it with the native module on every text of the labelled sets. Written here because the native module
 * is a per-platform binary (the Lambda functions run on linux-arm64; the developers' machines and CI on x64), and the
 * wasm build needs a WASI runtime; the route is forty lines.
 *
 * Pure: the dictionary text is handed in (./dictionary-tokens.ts reads it from the package).
 */

export interface WordDictionary {
  /** ln(frequency) of the word `s.slice(from, to)`, or undefined when it is not in the dictionary. */
  logFreq(s: string, from: number, to: number): number | undefined;
  /** ln(sum of all frequencies). */
  readonly logTotal: number;
  /** Longest word, in UTF-16 code units (the look-ahead of the graph). */
  readonly maxLength: number;
  /** Distinct words. */
  readonly size: number;
  /**
   * Calls `visit(to, ln(frequency))` for every dictionary word `s.slice(from, to)` with `to ≤ limit`, in increasing
   * `to`: what `logFreq` answers for each `to`, found with one running hash, stopping as soon as `s.slice(from, to)`
   * starts no longer word (jieba's prefix dictionary does the same).
   */
  wordsFrom(s: string, from: number, limit: number, visit: (to: number, logFreq: number) => void): void;
}

const FNV_OFFSET = 0x811c9dc5;
const fnvStep = (h: number, c: number): number => Math.imul(h ^ c, 0x01000193);

/**
 * Parses a jieba dictionary: one `word freq [tag]` a line; a repeated word keeps its last frequency (as jieba-rs
 * does); a line without a frequency counts 0. A frequency that is not an integer is an error naming the line.
 *
 * The words stay in the dictionary text; an open-addressing table of FNV-1a hashes points at them: for jieba's
 * 349,045 words about 4 MB of string and 10 MB of typed arrays, where a Map of strings took 90 MB of heap and four
 * times as long to build (docs/BENCHMARKS.md; a Lambda cold start pays it on its first duplicate check).
 */
export function parseWordDictionary(text: string): WordDictionary {
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  let size = 1;
  while (size < lines * 2) size <<= 1;
  const mask = size - 1;
  const slots = new Int32Array(size).fill(-1);
  const wordStart = new Int32Array(lines);
  const wordEnd = new Int32Array(lines);
  const freq = new Float64Array(lines);
  const same = (w: number, s: string, from: number, to: number): boolean => {
    const ws = wordStart[w]!;
    if (wordEnd[w]! - ws !== to - from) return false;
    for (let i = 0; i < to - from; i++) if (text.charCodeAt(ws + i) !== s.charCodeAt(from + i)) return false;
    return true;
  };
  const blank = (c: number): boolean => c === 32 || c === 9 || c === 13;
  // Hashes of every proper prefix of a word (a bit each): a prefix whose bit is clear starts no longer word, so
  // `wordsFrom` stops there. A collision only sets a bit too many, which costs a look-up, never a word.
  const prefixBits = new Uint32Array(PREFIX_BITS >>> 5);
  let n = 0;
  let words = 0;
  let total = 0;
  let maxLength = 1;
  let lineNo = 0;
  for (let at = 0; at < text.length;) {
    let eol = text.indexOf('\n', at);
    if (eol < 0) eol = text.length;
    lineNo++;
    let a = at;
    while (a < eol && blank(text.charCodeAt(a))) a++;
    let b = a;
    let h = FNV_OFFSET;
    for (let c = text.charCodeAt(b); b < eol && !blank(c); c = text.charCodeAt(++b)) {
      if (b > a) prefixBits[(h & PREFIX_MASK) >>> 5]! |= 1 << (h & 31);
      h = fnvStep(h, c);
    }
    at = eol + 1;
    if (b === a) continue;
    let c = b;
    while (c < eol && blank(text.charCodeAt(c))) c++;
    let f = 0;
    for (let d = c; d < eol && !blank(text.charCodeAt(d)); d++) {
      const digit = text.charCodeAt(d) - 48;
      if (digit < 0 || digit > 9) throw new Error(`word dictionary line ${lineNo}: frequency ${text.slice(c, eol).split(/\s/)[0]} is not a non-negative integer`);
      f = f * 10 + digit;
    }
    if (!Number.isSafeInteger(f)) throw new Error(`word dictionary line ${lineNo}: frequency too large`);
    wordStart[n] = a;
    wordEnd[n] = b;
    let slot = h & mask;
    while (slots[slot] !== -1 && !same(slots[slot]!, text, a, b)) slot = (slot + 1) & mask;
    if (slots[slot] === -1) words++;
    // A repeated word keeps its last frequency; the earlier one no longer counts in the total.
    else total -= freq[slots[slot]!]!;
    slots[slot] = n;
    freq[n] = f;
    total += f;
    if (b - a > maxLength) maxLength = b - a;
    n++;
  }
  if (total <= 0) throw new Error('word dictionary: no word has a frequency');
  return {
    logTotal: Math.log(total),
    maxLength,
    size: words,
    logFreq(s: string, from: number, to: number): number | undefined {
      let h = FNV_OFFSET;
      for (let i = from; i < to; i++) h = fnvStep(h, s.charCodeAt(i));
      for (let slot = h & mask; slots[slot] !== -1; slot = (slot + 1) & mask) if (same(slots[slot]!, s, from, to)) return Math.log(freq[slots[slot]!]!);
      return undefined;
    },
    wordsFrom(s: string, from: number, limit: number, visit: (to: number, logFreq: number) => void): void {
      let h = FNV_OFFSET;
      for (let to = from + 1; to <= limit; to++) {
        h = fnvStep(h, s.charCodeAt(to - 1));
        for (let slot = h & mask; slots[slot] !== -1; slot = (slot + 1) & mask) {
          if (same(slots[slot]!, s, from, to)) {
            visit(to, Math.log(freq[slots[slot]!]!));
            break;
          }
        }
        if ((prefixBits[(h & PREFIX_MASK) >>> 5]! & (1 << (h & 31))) === 0) return;
      }
    },
  };
}

/** Bits of the prefix filter (2^23: 1 MB), a few per prefix for jieba's 349,045 words. */
const PREFIX_BITS = 1 << 23;
const PREFIX_MASK = PREFIX_BITS - 1;

/** jieba's RE_HAN_DEFAULT class: CJK ideographs, ASCII letters and digits, and `+#&._%-`. */
const HAN_DEFAULT = /[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\u{20000}-\u{2A6DF}\u{2A700}-\u{2B73F}\u{2B740}-\u{2B81F}\u{2B820}-\u{2CEAF}\u{2CEB0}-\u{2EBEF}\u{2F800}-\u{2FA1F}a-zA-Z0-9+#&._%-]+/gu;
const ASCII_ALNUM = /^[a-zA-Z0-9]$/;

/** The words of one block of the han class (the dictionary route, no HMM). */
function cutBlock(dict: WordDictionary, block: string, out: string[]): void {
  // Positions are UTF-16 offsets of code points (a word never splits a surrogate pair: dictionary words are whole).
  const starts: number[] = [];
  for (let i = 0; i < block.length;) {
    starts.push(i);
    i += block.codePointAt(i)! > 0xffff ? 2 : 1;
  }
  const n = block.length;
  const isStart = new Uint8Array(n + 1);
  for (const s of starts) isStart[s] = 1;
  isStart[n] = 1;
  const routeProb = new Float64Array(n + 1);
  const routeEnd = new Int32Array(n + 1);
  const log1 = -dict.logTotal;
  let next = n;
  for (let k = starts.length - 1; k >= 0; k--) {
    const s = starts[k]!;
    let bestProb = -Infinity;
    let bestEnd = -1;
    const limit = Math.min(n, s + dict.maxLength);
    dict.wordsFrom(block, s, limit, (e, lf) => {
      if (!isStart[e]) return;
      const p = lf - dict.logTotal + routeProb[e]!;
      // Ties go to the longer word (jieba-rs compares (prob, end) pairs and keeps the last maximum).
      if (p > bestProb || (p === bestProb && e > bestEnd)) {
        bestProb = p;
        bestEnd = e;
      }
    });
    if (bestEnd < 0) {
      // No dictionary word starts here: the character alone, frequency 1.
      bestEnd = next;
      bestProb = log1 + routeProb[next]!;
    }
    routeProb[s] = bestProb;
    routeEnd[s] = bestEnd;
    next = s;
  }
  // Single ASCII letters and digits in a row are one word ("abc12x", "22").
  let x = 0;
  let left = -1;
  while (x < n) {
    const y = routeEnd[x]!;
    const word = block.slice(x, y);
    if (ASCII_ALNUM.test(word)) {
      if (left < 0) left = x;
    } else {
      if (left >= 0) {
        out.push(block.slice(left, x));
        left = -1;
      }
      out.push(word);
    }
    x = y;
  }
  if (left >= 0) out.push(block.slice(left));
}

/** The words of a text, in order; characters outside the han class are words of one character each. */
export function segmentWords(dict: WordDictionary, text: string): string[] {
  const out: string[] = [];
  let at = 0;
  for (const m of text.matchAll(HAN_DEFAULT)) {
    for (const c of text.slice(at, m.index)) out.push(c);
    cutBlock(dict, m[0], out);
    at = m.index + m[0].length;
  }
  for (const c of text.slice(at)) out.push(c);
  return out;
}
