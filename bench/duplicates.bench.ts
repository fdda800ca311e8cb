/**
 * Duplicate matching (issues 7 and 22).
 * 1. Quality on the labelled sets (test/fixtures/duplicates) with the product's matcher: pairwise precision /
 *    recall / F1 of automatic decisions and overall, the flagged band's catch, beside the "same phone or mail only"
 *    baseline, on the two hand-written sets (the tuning one and the held-out one) and two generated seeds; bigrams
 *    against words; the precision/recall curve over the automatic threshold.
 * 2. DynamoDB reads per intake on dynalite (in memory), sizes DUP_BENCH_DYNALITE_SIZES (default 1000,10000): every
 *    command the duplicate check sends is counted by a middleware on the document client.
 * 3. The look-up cost at DUP_BENCH_SIZES existing cases (default 1000,100000,1000000) on the embedded runtime's
 *    SQLite adapters: ms per check, the index look-up and the rows it returns (`sqliteLookup`).
 * Standalone: `npx tsx bench/duplicates.bench.ts`.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, ensureTable, localDynamoClient, startDynalite } from '../infra/local/dynalite';
import { DynamoCaseStore } from '../shared/adapters/aws/dynamo-case-store';
import { duplicateIndexItemKey, DynamoDuplicateIndex, encodeIndexEntry } from '../shared/adapters/aws/dynamo-duplicate-index';
import type { SqliteCaseStore } from '../shared/adapters/local/sqlite/case-store';
import { openSqliteStores } from '../shared/adapters/local/sqlite/index';
import type { CaseRecord } from '../shared/domain/case';
import type { CanonicalIntake } from '../shared/domain/intake';
import { fingerprint, normaliseName, type Fingerprint } from '../shared/domain/duplicates/index';
import { identityHash } from '../shared/domain/duplicates/fingerprint';
import { indexDay, indexKeyId, type IndexKey } from '../shared/ports/duplicate-index';
import { createDuplicateCheck } from '../shared/services/duplicates';
import { DEFAULT_DUPLICATE_RULES } from '../shared/domain/duplicates/index';
import { evaluate, type Evaluation } from '../test/fixtures/duplicates/evaluate';
import { fingerprintOptionsOf, productMatcher } from '../test/fixtures/duplicates/matcher';
import { heldOutWrittenSet, writtenSet } from '../test/fixtures/duplicates/written-set';
import { DEPARTMENTS, generateLabelledSet } from '../test/fixtures/duplicates/labelled-set';
import { JURISDICTION, recordOf } from '../test/fixtures/duplicates/records';

const TABLE = 'tousu-dup-bench';
const MAX_ENTRIES = 200;
const READS = /^(GetItem|BatchGetItem|Query|Scan)Command$/;
const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/** One row of figures: auto P / R · flagged catch · overall P / R / F1. */
const row = (e: Evaluation): string => `${r3(e.auto.precision)} / ${r3(e.auto.recall)} · ${r3(e.flaggedCatch)} · ${r3(e.overall.precision)} / ${r3(e.overall.recall)} / ${r3(e.overall.f1)}`;

async function quality(results: Record<string, number | string>): Promise<void> {
  // Every set is scored with the product's matcher (test/fixtures/duplicates/matcher.ts: the factory both runtimes
  // call), as CI scores them; only the comparison rows below swap the tokenizer.
  const sets = [
    ['written (tuning)', writtenSet],
    ['written held-out', heldOutWrittenSet],
    ['seed', () => generateLabelledSet(20250301)],
    ['held-out seed', () => generateLabelledSet(7)],
  ] as const;
  for (const [label, make] of sets) {
    const e = await evaluate(make());
    results[`${label}: intakes / clusters / true pairs`] = `${e.intakes} / ${e.clusters} / ${e.truePairs}`;
    results[`${label}: auto P / R · flagged catch · overall P / R / F1`] = row(e);
    results[`${label}: flagged-band precision · baseline (same phone or mail) F1`] = `${r3(e.flagged.precision)} · ${r3(e.baseline.f1)}`;
    results[`${label}: decisions new / merge / possible / repeat`] = `${e.decisions.new} / ${e.decisions.merge} / ${e.decisions.possible} / ${e.decisions.repeat}`;
    if (e.repeats.expected > 0) results[`${label}: repeats found / new-evidence right`] = `${e.repeats.found} of ${e.repeats.expected} / ${e.repeats.newEvidenceCorrect}`;
  }
  // The tokenizers compared: character bigrams (the bare fingerprint's default) against the dictionary words both
  // runtimes use (shared/composition/duplicate-matching.ts), everything else as shipped.
  for (const [label, make] of sets) {
    const e = await evaluate(make(), { tokenize: 'bigrams' });
    results[`bigrams instead of words · ${label}: auto P / R · flagged catch · overall P / R / F1`] = row(e);
  }
  // The precision/recall curve of the automatic band over its score threshold (the other thresholds as shipped;
  // possibleScore follows it down), on the tuning set, the held-out hand-written set and the held-out seed.
  for (const [label, make] of [sets[0], sets[1], sets[3]] as const) {
    const set = make();
    for (const autoScore of [0.4, 0.5, 0.6, 0.7, 0.8]) {
      const e = await evaluate(set, { rules: { autoScore, possibleScore: Math.min(DEFAULT_DUPLICATE_RULES.possibleScore, autoScore - 0.05) } });
      results[`curve (${label}) autoScore ${autoScore.toFixed(2)}: auto P / R · flagged catch · overall P / R / F1`] = row(e);
    }
  }
}

async function batchWrite(doc: DynamoDBDocumentClient, items: Record<string, unknown>[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      let chunk = items.slice(next, next + 25).map((Item) => ({ PutRequest: { Item } }));
      next += 25;
      while (chunk.length > 0) {
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [TABLE]: chunk } }));
        chunk = (out.UnprocessedItems?.[TABLE] as typeof chunk | undefined) ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/**
 * The case items exactly as the CaseStore writes them: its own create() builds each item, captured here instead
 * of sent one PutItem at a time, so that 100k cases load with BatchWriteItem in about a minute.
 */
async function caseItems(records: CaseRecord[]): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  const capture = {
    send: async (command: unknown) => {
      if (command instanceof PutCommand && command.input.Item) items.push(command.input.Item);
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  const builder = new DynamoCaseStore({ doc: capture, tableName: TABLE });
  for (const r of records) await builder.create(r, []);
  return items;
}

/** Loads `n` existing cases (case items as the CaseStore builds them, index items as the adapter files them, both bulk-loaded), then checks probe intakes. */
async function readsPerIntake(n: number): Promise<{ mean: number; max: number; batchGets: number; gets: number; loadSeconds: number; indexItems: number; msPerCheck: number }> {
  const dyn = await startDynalite();
  const client = localDynamoClient(dyn);
  try {
    await ensureTable(client, TABLE);
    const doc = documentClient(client);
    const calls: string[] = [];
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'countCalls' },
    );
    const store = new DynamoCaseStore({ doc, tableName: TABLE });
    const index = new DynamoDuplicateIndex({ doc, tableName: TABLE, maxEntriesPerKey: MAX_ENTRIES });
    const matcher = productMatcher(DEPARTMENTS);
    const check = createDuplicateCheck({ index, store, ...matcher });

    // Existing cases: other seeds of the generator (same units, same kinds of problem, same channels).
    const t0 = Date.now();
    const buckets = new Map<string, { pk: string; sk: string; entries: string[] }>();
    const records: CaseRecord[] = [];
    for (let seed = 1000, i = 0; i < n; seed++) {
      for (const item of generateLabelledSet(seed).items) {
        if (i >= n) break;
        const record = recordOf(`BG-${seed}-${item.id}`, item.intake);
        records.push(record);
        for (const key of fingerprint(item.intake, fingerprintOptionsOf(matcher)).keys) {
          const k = duplicateIndexItemKey(JURISDICTION, key);
          const b = buckets.get(k.pk) ?? { ...k, entries: [] };
          b.entries.push(encodeIndexEntry({ caseId: record.caseId, day: indexDay(record.receivedAt) }));
          buckets.set(k.pk, b);
        }
        i++;
      }
    }
    await batchWrite(
      doc,
      [...buckets.values()].map((b) => ({ pk: b.pk, sk: b.sk, itemType: b.pk.startsWith('LSH#') ? 'lsh' : 'dup', entries: new Set(b.entries.sort().slice(-MAX_ENTRIES)) })),
    );
    await batchWrite(doc, await caseItems(records));
    const loadSeconds = (Date.now() - t0) / 1000;

    // Probes: the labelled set, handled as the intake core does (check, create, index); only the check is counted.
    const reads: number[] = [];
    let batchGets = 0;
    let gets = 0;
    const probes = generateLabelledSet(20250301).items.slice(0, 120);
    let checkMs = 0;
    for (const item of probes) {
      calls.length = 0;
      const c0 = Date.now();
      await check(item.intake, { jurisdiction: JURISDICTION, now: new Date(item.intake.receivedAt) });
      checkMs += Date.now() - c0;
      const r = calls.filter((c) => READS.test(c));
      reads.push(r.length);
      batchGets += r.filter((c) => c === 'BatchGetItemCommand').length;
      gets += r.filter((c) => c === 'GetItemCommand').length;
      const record = recordOf(`P-${item.id}`, item.intake);
      await store.create(record, []);
      await check.indexCase(record);
    }
    doc.destroy();
    return {
      mean: reads.reduce((a, b) => a + b, 0) / reads.length,
      max: Math.max(...reads),
      batchGets: batchGets / reads.length,
      gets: gets / reads.length,
      loadSeconds,
      indexItems: buckets.size,
      msPerCheck: checkMs / probes.length,
    };
  } finally {
    client.destroy();
    await dyn.close();
  }
}

// ---------------------------------------------------------------------------------------------- 1M look-up

/**
 * Surnames with their approximate share of the population (per mille; the 2020 census order, the long tail
 * folded into the last ones), so that surname blocking keys (surname + unit, surname + service item) and full
 * names collide as often as in a real city's complaints.
 */
const SURNAME_SHARES: [string, number][] = Object.entries({
  王: 71,
  李: 70,
  张: 68,
  刘: 54,
  陈: 45,
  杨: 31,
  黄: 22,
  赵: 20,
  吴: 18,
  周: 17,
  徐: 13,
  孙: 12,
  马: 11,
  朱: 11,
  胡: 10,
  郭: 9,
  何: 9,
  高: 9,
  林: 9,
  罗: 8,
  郑: 8,
  梁: 7,
  谢: 6,
  宋: 6,
  唐: 6,
  许: 5,
  韩: 5,
  冯: 5,
  邓: 5,
  曹: 5,
  彭: 5,
  曾: 5,
  肖: 5,
  田: 4,
  董: 4,
  袁: 4,
  潘: 4,
  于: 4,
  蒋: 4,
  蔡: 4,
  余: 4,
  杜: 4,
  叶: 4,
  程: 4,
  苏: 3,
  魏: 3,
  吕: 3,
  丁: 3,
  任: 3,
  沈: 3,
  姚: 3,
  卢: 3,
  姜: 3,
  崔: 3,
  钟: 3,
  谭: 3,
  陆: 2,
  汪: 2,
  范: 2,
  金: 2,
  石: 2,
  廖: 2,
  贾: 2,
  夏: 2,
  韦: 2,
  付: 2,
  方: 2,
  白: 2,
  邹: 2,
  孟: 2,
  熊: 2,
  秦: 2,
  邱: 2,
  江: 2,
  尹: 2,
  薛: 2,
  闫: 2,
  段: 2,
  雷: 2,
  侯: 2,
  龙: 2,
  史: 2,
  陶: 2,
  黎: 2,
  贺: 2,
  顾: 2,
  毛: 2,
  郝: 2,
  龚: 2,
  邵: 2,
  万: 2,
  钱: 2,
  严: 2,
  覃: 1,
  武: 1,
  戴: 1,
  莫: 1,
  孔: 1,
  向: 1,
  汤: 1,
  蒲: 1,
  苟: 1,
  冉: 1,
  敬: 1,
  伍: 1,
  税: 1,
  母: 1,
  衡: 1,
});
const GIVEN_FIRST = ['', '', '', '建', '志', '秀', '桂', '永', '国', '晓', '海', '小', '玉', '文', '明', '春', '德', '红', '丽', '俊', '子', '雨', '思', '欣', '浩', '宇', '家', '嘉'];
const GIVEN_LAST = [
  '芳',
  '伟',
  '英',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '兰',
  '霞',
  '平',
  '刚',
  '华',
  '红',
  '林',
  '波',
  '辉',
  '燕',
  '鹏',
  '琳',
  '婷',
  '梅',
  '飞',
  '斌',
  '宇',
  '浩',
  '凯',
  '琴',
  '云',
  '鑫',
  '颖',
];

/** A small deterministic generator for the background (mulberry32, as the labelled set's). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface BackgroundPerson {
  surname: string;
  name: string;
  phone?: string;
  email?: string;
  female: boolean;
}

/**
 * Existing cases for the look-up at N cases, as real data would fill the index: the texts and units of a pool of
 * labelled-set intakes (other seeds; each text's 32 LSH bands as the product computes them), each case with its
 * own complainant: one in four cases comes from someone who complained before (the same phone and name), names
 * drawn by real surname shares (so that `王芳` and the surname + unit blocking keys collide as in a city), one in
 * four with a mailbox, one in three known only as 王女士 (a phone note), one in twenty-five anonymous. Cases spread
 * over the two years before the probes, and every index key keeps its newest 200 entries, as both adapters do.
 */
async function sqliteLookup(
  n: number,
): Promise<{ loadSeconds: number; indexRows: number; dbMb: number; medianMs: number; p90Ms: number; lookupMs: number; rowsPerLookup: number; tallied: number; fetched: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'tousu-dup-bench-'));
  const stores = openSqliteStores(join(dir, 'bench.db'));
  try {
    const t0 = Date.now();
    const matcher = productMatcher(DEPARTMENTS);
    const fpOpts = fingerprintOptionsOf(matcher);
    const identityOnly = { ...fpOpts, tokenize: () => new Set<string>() };
    // The pool of texts: labelled-set intakes of other seeds, their band keys computed once.
    const poolSize = Math.min(n, 5000);
    const pool: { intake: CanonicalIntake; bands: string[]; unit: Fingerprint['unit']; services: string[]; textKeys: Set<string>; template: CaseRecord }[] = [];
    for (let seed = 1000; pool.length < poolSize; seed++) {
      for (const item of generateLabelledSet(seed).items) {
        if (pool.length >= poolSize) break;
        // The pool's own contact details written in its text (a mail signature) are not the background's: the
        // keys the text alone gives (with no complainant) are left out of each case's identity keys.
        const fromText = fingerprint({ ...item.intake, complainant: { anonymous: true, wantsReply: false, confidential: false } }, identityOnly).keys;
        const fp = fingerprint(item.intake, fpOpts);
        pool.push({
          intake: item.intake,
          bands: fp.keys.filter((k) => k.kind === 'band').map(indexKeyId),
          unit: fp.unit,
          services: fp.services,
          textKeys: new Set(fromText.filter((k) => k.kind === 'phone' || k.kind === 'mail' || k.kind === 'idno').map(indexKeyId)),
          template: recordOf(`POOL-${pool.length}`, item.intake),
        });
      }
    }
    const rnd = random(n);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const surnameTotal = SURNAME_SHARES.reduce((a, [, w]) => a + w, 0);
    const surname = (): string => {
      let x = rnd() * surnameTotal;
      for (const [s, w] of SURNAME_SHARES) if ((x -= w) < 0) return s;
      return SURNAME_SHARES[0]![0];
    };
    const people: BackgroundPerson[] = [];
    const newPerson = (): BackgroundPerson => {
      const sn = surname();
      const given = pick(GIVEN_FIRST) + pick(GIVEN_LAST);
      const no = people.length;
      const person = {
        surname: sn,
        name: sn + given,
        female: rnd() < 0.5,
        phone: `1${pick(['3', '5', '7', '8', '9'])}${String(no).padStart(9, '0')}`,
        ...(rnd() < 0.25 ? { email: `user${no}@example.cn` } : {}),
      };
      people.push(person);
      return person;
    };
    const end = Date.parse('2025-02-28T12:00:00+08:00');
    const span = 730 * 86_400_000;
    const counts = new Map<string, number>();
    // Rows go to a staging table first and into the index in key order at the end (one sorted copy: a million
    // cases' 35 million random-order inserts into the index's B-tree would take hours on this machine).
    stores.db.exec('CREATE TEMP TABLE staged (key_id TEXT NOT NULL, day TEXT NOT NULL, case_id TEXT NOT NULL)');
    const stage = stores.db.prepare('INSERT INTO staged (key_id, day, case_id) VALUES (?, ?, ?)');
    let indexRows = 0;
    const chunk = 5000;
    // The identity and blocking keys of a case, built as `fingerprint` builds them (checked against it below) from
    // the pool item's resolved unit and service items, without fingerprinting a million texts again (6 ms each).
    const identityKeys = (intake: CanonicalIntake, p: (typeof pool)[number]): string[] => {
      const c = intake.complainant;
      const out: string[] = [];
      if (c.phone) out.push(indexKeyId({ kind: 'phone', hash: identityHash('phone', c.phone) }));
      if (c.email) out.push(indexKeyId({ kind: 'mail', hash: identityHash('mail', c.email) }));
      const name = normaliseName(c.name);
      if (name.full && name.full.length >= 2) out.push(indexKeyId({ kind: 'name', hash: identityHash('name', name.full) }));
      if (name.surname && !c.anonymous) {
        if (p.unit.code && !p.unit.hall) out.push(indexKeyId({ kind: 'block', hash: identityHash('su', `${name.surname}|${p.unit.code}`) }));
        for (const svc of p.services.slice(0, 3)) out.push(indexKeyId({ kind: 'block', hash: identityHash('ss', `${name.surname}|${svc}`) }));
      }
      return out;
    };
    // Newest first: a key's first 200 entries are its newest, the ones the adapters keep.
    for (let from = 0; from < n; from += chunk) {
      stores.db.transaction(() => {
        for (let i = from; i < Math.min(n, from + chunk); i++) {
          const p = pool[Math.floor(rnd() * pool.length)]!;
          const person = people.length > 0 && rnd() < 0.25 ? pick(people) : newPerson();
          const anonymous = rnd() < 0.04;
          const named = rnd() < 0.33 ? `${person.surname}${person.female ? '女士' : '先生'}` : person.name;
          const complainant: CanonicalIntake['complainant'] = anonymous
            ? { anonymous: true, wantsReply: false, confidential: false }
            : { anonymous: false, wantsReply: true, confidential: false, name: named, phone: person.phone, ...(person.email ? { email: person.email } : {}) };
          const receivedAt = new Date(end - Math.floor((i / n) * span) - Math.floor(rnd() * 3_600_000)).toISOString();
          const caseId = `BG${String(i).padStart(8, '0')}`;
          const intake: CanonicalIntake = { ...p.intake, complainant, receivedAt, sourceKey: `bg-${i}` };
          const mine = identityKeys(intake, p);
          if (i < 200) {
            const expected = fingerprint(intake, identityOnly)
              .keys.map(indexKeyId)
              .filter((id) => !p.textKeys.has(id));
            if (expected.sort().join() !== [...mine].sort().join()) throw new Error(`bench keys differ from fingerprint keys for case ${i}`);
          }
          const day = indexDay(receivedAt);
          for (const id of [...p.bands, ...mine]) {
            const c = counts.get(id) ?? 0;
            if (c >= MAX_ENTRIES) continue;
            counts.set(id, c + 1);
            stage.run(id, day, caseId);
            indexRows++;
          }
          (stores.store as SqliteCaseStore).importCase(
            {
              ...p.template,
              caseId,
              trackingNo: caseId,
              receivedAt,
              createdAt: receivedAt,
              updatedAt: receivedAt,
              intake,
              sources: [{ channel: intake.channel, sourceKey: intake.sourceKey, receivedAt }],
              flags: { confidential: false, anonymous },
            },
            [],
            [],
          );
        }
      })();
    }
    counts.clear();
    stores.db.prepare('INSERT INTO duplicate_index (jurisdiction, key_id, day, case_id) SELECT ?, key_id, day, case_id FROM staged ORDER BY key_id, case_id').run(JURISDICTION);
    stores.db.exec('DROP TABLE staged');
    const loadSeconds = (Date.now() - t0) / 1000;

    // Probes: the labelled set's first 120 intakes through the real adapters and the product's matcher; the check
    // only (nothing filed), three passes, after a warm-up pass (the dictionary is read at the first check).
    let lookupMs = 0;
    let lookups = 0;
    let rows = 0;
    const index = {
      lookup: async (j: string, keys: IndexKey[]) => {
        const l0 = performance.now();
        const out = await stores.duplicateIndex.lookup(j, keys);
        lookupMs += performance.now() - l0;
        lookups++;
        for (const es of out.values()) rows += es.length;
        return out;
      },
      add: stores.duplicateIndex.add.bind(stores.duplicateIndex),
    };
    let tallied = 0;
    let fetched = 0;
    // A new checker per pass: its caches of fingerprints start empty, so a pass pays what a fresh container or
    // process pays (the probe's fingerprint, each candidate's), not only the look-up.
    const checker = () =>
      createDuplicateCheck({
        index,
        store: stores.store,
        ...matcher,
        onMetrics: (m) => {
          tallied += m.candidates;
          fetched += m.fetched;
        },
      });
    const probes = generateLabelledSet(20250301).items.slice(0, 120);
    const warm = checker();
    for (const item of probes.slice(0, 20)) await warm({ ...item.intake }, { jurisdiction: JURISDICTION, now: new Date(item.intake.receivedAt) });
    lookupMs = lookups = rows = tallied = fetched = 0;
    const samples: number[] = [];
    for (let pass = 0; pass < 3; pass++) {
      const check = checker();
      for (const item of probes) {
        const intake = { ...item.intake };
        const c0 = performance.now();
        await check(intake, { jurisdiction: JURISDICTION, now: new Date(intake.receivedAt) });
        samples.push(performance.now() - c0);
      }
    }
    samples.sort((a, b) => a - b);
    const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
    stores.db.pragma('wal_checkpoint(TRUNCATE)');
    const dbMb = statSync(join(dir, 'bench.db')).size / 2 ** 20;
    return {
      loadSeconds,
      indexRows,
      dbMb,
      medianMs: at(0.5),
      p90Ms: at(0.9),
      lookupMs: lookupMs / lookups,
      rowsPerLookup: rows / lookups,
      tallied: tallied / samples.length,
      fetched: fetched / samples.length,
    };
  } finally {
    stores.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<{ name: string; results: Record<string, number | string>; notes?: string }> {
  const results: Record<string, number | string> = {};
  // DUP_BENCH_QUALITY=0: the look-up sizes only.
  if (process.env.DUP_BENCH_QUALITY !== '0') await quality(results);
  const sizes = (name: string, fallback: string): number[] =>
    (process.env[name] ?? fallback)
      .split(',')
      .map(Number)
      .filter((x) => x > 0);
  const label = (n: number): string => (n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1000 ? `${n / 1000}k` : String(n));
  // DynamoDB reads per intake on dynalite (in memory; 100k took 100 s to load, 1M does not fit its memory).
  for (const n of sizes('DUP_BENCH_DYNALITE_SIZES', '1000,10000')) {
    const r = await readsPerIntake(n);
    results[`dynalite ${label(n)} cases: DynamoDB reads per intake, mean / max`] = `${r3(r.mean)} / ${r.max}`;
    results[`dynalite ${label(n)} cases: BatchGetItem / GetItem per intake`] = `${r3(r.batchGets)} / ${r3(r.gets)}`;
    results[`dynalite ${label(n)} cases: ms per check`] = r3(r.msPerCheck);
    results[`dynalite ${label(n)} cases: index items, load seconds`] = `${r.indexItems}, ${r3(r.loadSeconds)}`;
  }
  // The look-up at 1k, 100k and 1M cases on SQLite (the embedded runtime's adapters, a file on disk).
  let base: number | undefined;
  for (const n of sizes('DUP_BENCH_SIZES', '1000,100000,1000000')) {
    const r = await sqliteLookup(n);
    base ??= r.medianMs;
    results[`SQLite ${label(n)} cases: ms per check, median / p90 (vs the first size)`] =
      `${r3(r.medianMs)} / ${r3(r.p90Ms)} (${r.medianMs >= base ? '+' : ''}${Math.round((r.medianMs / base - 1) * 100)} %)`;
    results[`SQLite ${label(n)} cases: index look-up ms, rows it returns`] = `${r3(r.lookupMs)}, ${Math.round(r.rowsPerLookup)}`;
    results[`SQLite ${label(n)} cases: candidates tallied / cases read per check`] = `${r3(r.tallied)} / ${r3(r.fetched)}`;
    results[`SQLite ${label(n)} cases: index rows, database MB, load seconds`] = `${r.indexRows}, ${Math.round(r.dbMb)}, ${Math.round(r.loadSeconds)}`;
    // Each size as it ends (a 1M run takes long on a shared machine).
    console.error(`[duplicates bench] ${label(n)}: ${JSON.stringify(r)}`);
  }
  return {
    name: 'Duplicate matching (issue 7)',
    results,
    notes:
      'Definitions in the section above. Reads = GetItem, BatchGetItem, Query and Scan commands sent by one duplicate check (counted by a middleware on the document client); 120 probe intakes per size.',
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await run();
  console.log(r.name);
  console.table(r.results);
}
