import { generateLabelledSet } from './test/fixtures/duplicates/labelled-set';
import { fingerprint, indexKeyId } from './shared/domain/duplicates/index';
const t0 = Date.now();
const keys = new Map<string, number>();
let n = 0;
for (let seed = 1000; n < 100000; seed++) {
  const set = generateLabelledSet(seed);
  for (const it of set.items) { n++; for (const k of fingerprint(it.intake, { departments: set.departments }).keys) keys.set(indexKeyId(k), (keys.get(indexKeyId(k)) ?? 0) + 1); if (n >= 100000) break; }
}
const sizes = [...keys.values()].sort((a, b) => b - a);
console.log(n, 'cases', keys.size, 'unique keys', 'max entries', sizes.slice(0, 5), 'ms', Date.now() - t0);
