/**
 * Duplicate matching (issue 7).
 * 1. Quality on the labelled set (test/fixtures/duplicates): pairwise precision / recall / F1 of automatic
 *    decisions and overall, beside the "same phone or mail only" baseline, on the benchmark seed and a held-out seed.
 * 2. DynamoDB reads per intake with 1k, 10k and 100k existing cases on dynalite (in memory): every command the
 *    duplicate check sends is counted by a middleware on the document client.
 * Standalone: `npx tsx bench/duplicates.bench.ts`; sizes with DUP_BENCH_SIZES=1000,10000.
 */
import { pathToFileURL } from 'node:url';
import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, ensureTable, localDynamoClient, startDynalite } from '../infra/local/dynalite';
import { DynamoCaseStore } from '../shared/adapters/aws/dynamo-case-store';
import { duplicateIndexItemKey, DynamoDuplicateIndex, encodeIndexEntry } from '../shared/adapters/aws/dynamo-duplicate-index';
import type { CaseRecord } from '../shared/domain/case';
import { fingerprint } from '../shared/domain/duplicates/index';
import { indexDay } from '../shared/ports/duplicate-index';
import { createDuplicateCheck } from '../shared/services/duplicates';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';
import { dictionaryWordTokens } from '../shared/text/dictionary-tokens';
import { evaluate } from '../test/fixtures/duplicates/evaluate';
import { writtenSet } from '../test/fixtures/duplicates/written-set';
import { DEPARTMENTS, generateLabelledSet } from '../test/fixtures/duplicates/labelled-set';
import { JURISDICTION, recordOf } from '../test/fixtures/duplicates/records';

const TABLE = 'tousu-dup-bench';
const MAX_ENTRIES = 200;
const READS = /^(GetItem|BatchGetItem|Query|Scan)Command$/;
const r3 = (x: number): number => Math.round(x * 1000) / 1000;

async function quality(results: Record<string, number | string>): Promise<void> {
  for (const [label, seed] of [
    ['set', 20250301],
    ['held-out', 7],
  ] as const) {
    const e = await evaluate(generateLabelledSet(seed), { tokenize: dictionaryWordTokens });
    results[`${label}: intakes / clusters / true pairs`] = `${e.intakes} / ${e.clusters} / ${e.truePairs}`;
    results[`${label}: auto-merge+repeat precision`] = r3(e.auto.precision);
    results[`${label}: auto-merge+repeat recall`] = r3(e.auto.recall);
    results[`${label}: overall precision`] = r3(e.overall.precision);
    results[`${label}: overall recall`] = r3(e.overall.recall);
    results[`${label}: overall F1`] = r3(e.overall.f1);
    results[`${label}: baseline (same phone or mail) P / R / F1`] = `${r3(e.baseline.precision)} / ${r3(e.baseline.recall)} / ${r3(e.baseline.f1)}`;
    results[`${label}: decisions new / merge / possible / repeat`] = `${e.decisions.new} / ${e.decisions.merge} / ${e.decisions.possible} / ${e.decisions.repeat}`;
    results[`${label}: repeats found / new-evidence right`] = `${e.repeats.found} of ${e.repeats.expected} / ${e.repeats.newEvidenceCorrect}`;
    results[`${label}: flagged band catches of the true pairs auto-merge missed`] = r3(e.flaggedCatch);
  }
  // The tokenizers on the three sets: character bigrams (the bare fingerprint's default), native @node-rs/jieba
  // with and without HMM (the embedded runtime used HMM on until issue 22's follow-up), and the plain-JS dictionary
  // route both runtimes use now (shared/composition/duplicate-matching.ts; the same words as jieba without HMM).
  const native = Jieba.withDict(dict);
  const written = writtenSet();
  const sets = [
    ['written', () => written],
    ['seed', () => generateLabelledSet(20250301)],
    ['held-out seed', () => generateLabelledSet(7)],
  ] as const;
  for (const [label, tokenize] of [
    ['bigrams', undefined],
    ['native jieba, HMM', (t: string) => new Set(native.cut(t, true))],
    ['native jieba, no HMM', (t: string) => new Set(native.cut(t, false))],
    ['JS dictionary words (deployed)', dictionaryWordTokens],
  ] as const) {
    for (const [setLabel, make] of sets) {
      const set = make();
      const t0 = performance.now();
      const e = await evaluate(set, { tokenize });
      results[`${label} · ${setLabel}: auto P / R · flagged catch · overall P / R / F1`] =
        `${r3(e.auto.precision)} / ${r3(e.auto.recall)} · ${r3(e.flaggedCatch)} · ${r3(e.overall.precision)} / ${r3(e.overall.recall)} / ${r3(e.overall.f1)}`;
      if (setLabel === 'written') results[`${label} · written: ms for the set`] = Math.round(performance.now() - t0);
    }
  }
  for (const autoScore of [0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8]) {
    const e = await evaluate(written, { tokenize: dictionaryWordTokens, rules: { autoScore, possibleScore: Math.min(0.45, autoScore - 0.05) } });
    results[`curve (written, JS words) autoScore ${autoScore.toFixed(2)}: auto P / R · flagged catch · flagged P`] =
      `${r3(e.auto.precision)} / ${r3(e.auto.recall)} · ${r3(e.flaggedCatch)} · ${r3(e.flagged.precision)}`;
  }
  // The precision/recall curve of the automatic band over its score threshold (the other thresholds as
  // configured), on the held-out seed; "flagged" = share of the true pairs the automatic band missed that the
  // "可能重复" band links to their best candidate.
  for (const autoScore of [0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9]) {
    const e = await evaluate(generateLabelledSet(7), { tokenize: dictionaryWordTokens, rules: { autoScore, possibleScore: Math.min(0.45, autoScore - 0.05) } });
    results[`curve (held-out) autoScore ${autoScore.toFixed(2)}: auto P / R · flagged catch · overall P / R`] =
      `${r3(e.auto.precision)} / ${r3(e.auto.recall)} · ${r3(e.flaggedCatch)} · ${r3(e.overall.precision)} / ${r3(e.overall.recall)}`;
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
    const check = createDuplicateCheck({ index, store, departments: DEPARTMENTS, tokenize: dictionaryWordTokens });

    // Existing cases: other seeds of the generator (same units, same kinds of problem, same channels).
    const t0 = Date.now();
    const buckets = new Map<string, { pk: string; sk: string; entries: string[] }>();
    const records: CaseRecord[] = [];
    for (let seed = 1000, i = 0; i < n; seed++) {
      for (const item of generateLabelledSet(seed).items) {
        if (i >= n) break;
        const record = recordOf(`BG-${seed}-${item.id}`, item.intake);
        records.push(record);
        for (const key of fingerprint(item.intake, { departments: DEPARTMENTS, tokenize: dictionaryWordTokens }).keys) {
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

export async function run(): Promise<{ name: string; results: Record<string, number | string>; notes?: string }> {
  const results: Record<string, number | string> = {};
  await quality(results);
  const sizes = (process.env.DUP_BENCH_SIZES ?? '1000,10000,100000')
    .split(',')
    .map(Number)
    .filter((x) => x > 0);
  for (const n of sizes) {
    const r = await readsPerIntake(n);
    const label = n >= 1000 ? `${n / 1000}k` : String(n);
    results[`${label} cases: DynamoDB reads per intake, mean / max`] = `${r3(r.mean)} / ${r.max}`;
    results[`${label} cases: BatchGetItem / GetItem per intake`] = `${r3(r.batchGets)} / ${r3(r.gets)}`;
    results[`${label} cases: ms per check (dynalite)`] = r3(r.msPerCheck);
    results[`${label} cases: index items, load seconds`] = `${r.indexItems}, ${r3(r.loadSeconds)}`;
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
