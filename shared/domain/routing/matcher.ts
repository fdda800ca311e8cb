/**
 * Leftmost-longest phrase matching over many phrases at once: phrases are bucketed by their first character, each
 * bucket sorted longest first, so one pass over the text tries only the phrases that can start at each position.
 * Built once per catalogue; matching costs no allocation per phrase.
 */
export interface PhraseHit<T> {
  phrase: string;
  payload: T;
  index: number;
}

export class PhraseMatcher<T> {
  private readonly buckets = new Map<string, { phrase: string; payload: T }[]>();

  constructor(entries: Iterable<readonly [string, T]>, prefer?: (a: T, b: T) => boolean) {
    const seen = new Map<string, { phrase: string; payload: T }>();
    for (const [raw, payload] of entries) {
      const phrase = normalise(raw);
      if (phrase.length < 2) continue;
      const prev = seen.get(phrase);
      // The same phrase twice: keep the one `prefer` ranks higher (the first otherwise).
      if (prev) {
        if (prefer && prefer(payload, prev.payload)) prev.payload = payload;
        continue;
      }
      const entry = { phrase, payload };
      seen.set(phrase, entry);
      const key = phrase[0]!;
      let bucket = this.buckets.get(key);
      if (!bucket) this.buckets.set(key, (bucket = []));
      bucket.push(entry);
    }
    for (const b of this.buckets.values()) b.sort((x, y) => y.phrase.length - x.phrase.length);
  }

  /** The longest phrase starting at `index`, if any. */
  at(text: string, index: number): PhraseHit<T> | undefined {
    const bucket = this.buckets.get(text[index]!);
    if (!bucket) return undefined;
    for (const e of bucket) if (text.startsWith(e.phrase, index)) return { phrase: e.phrase, payload: e.payload, index };
    return undefined;
  }

  /** Every leftmost-longest, non-overlapping match in `text` (already normalised). */
  all(text: string): PhraseHit<T>[] {
    const hits: PhraseHit<T>[] = [];
    for (let i = 0; i < text.length;) {
      const hit = this.at(text, i);
      if (hit) {
        hits.push(hit);
        i += hit.phrase.length;
      } else i++;
    }
    return hits;
  }
}

/** NFKC (full-width letters and digits become ASCII), lower case; lengths of CJK text are unchanged. */
export function normalise(s: string): string {
  return s.normalize('NFKC').toLowerCase();
}
