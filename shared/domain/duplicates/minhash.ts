/**
 * Text similarity suited to Chinese: character n-gram shingles (no word segmentation needed), MinHash signatures
 * that estimate the Jaccard similarity of two shingle sets, and LSH bands whose hashes are stored as index items,
 * so that finding candidates costs a fixed number of look-ups whatever the number of stored cases.
 */

/** 32-bit FNV-1a over UTF-16 code units. */
export function fnv1a32(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3's finaliser: a good 32-bit mixer. */
export function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Character n-grams of an already normalised text. A text shorter than n is its own single shingle. */
export function shingles(text: string, n = 2): Set<string> {
  const chars = Array.from(text);
  const out = new Set<string>();
  if (chars.length === 0) return out;
  if (chars.length < n) {
    out.add(chars.join(''));
    return out;
  }
  for (let i = 0; i + n <= chars.length; i++) out.add(chars.slice(i, i + n).join(''));
  return out;
}

export function jaccard<T>(a: Set<T>, b: Set<T>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let common = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) common++;
  return common / (a.size + b.size - common);
}

/** Share of the smaller set found in the larger one: a short phone note inside a long letter scores high. */
export function containment<T>(a: Set<T>, b: Set<T>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let common = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) common++;
  return common / small.size;
}

export interface LshParams {
  /** Number of bands; each band is one index item per case. */
  bands: number;
  /** Rows (hash functions) per band. Signature length = bands × rows. */
  rows: number;
}

/**
 * 32 bands of 2 rows: a pair with Jaccard 0.2 shares a band with probability 0.73, 0.3 → 0.95, 0.1 → 0.28.
 * The low threshold suits paraphrases; scoring on the fetched cases removes the false candidates.
 */
export const DEFAULT_LSH: LshParams = { bands: 32, rows: 2 };

const seeds = (count: number): Uint32Array => {
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = fmix32(0x9e3779b9 * (i + 1));
  return out;
};

/** MinHash signature: for each of bands × rows hash functions, the minimum hash over the shingles. */
export function minhash(set: Iterable<string>, params: LshParams = DEFAULT_LSH): Uint32Array {
  const k = params.bands * params.rows;
  const sd = seeds(k);
  const sig = new Uint32Array(k).fill(0xffffffff);
  for (const s of set) {
    const base = fnv1a32(s);
    for (let i = 0; i < k; i++) {
      const h = fmix32(base ^ sd[i]!);
      if (h < sig[i]!) sig[i] = h;
    }
  }
  return sig;
}

/** Estimated Jaccard similarity from two signatures of the same parameters. */
export function estimateJaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length !== b.length || a.length === 0) return 0;
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

/** One hash per band (8 hex digits), the value stored in the index item key `LSH#<jur>#<band>#<hash>`. */
export function lshBands(sig: Uint32Array, params: LshParams = DEFAULT_LSH): string[] {
  const out: string[] = [];
  for (let b = 0; b < params.bands; b++) {
    let h = fmix32(0x5bd1e995 ^ b);
    for (let r = 0; r < params.rows; r++) h = fmix32(h ^ sig[b * params.rows + r]!) ^ Math.imul(h, 31);
    out.push((h >>> 0).toString(16).padStart(8, '0'));
  }
  return out;
}
