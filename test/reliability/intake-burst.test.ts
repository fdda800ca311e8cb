/**
 * Regressions found by the HTTP intake benchmark (bench/http-intake.bench.ts), reproduced with small bursts and
 * no timing assertion:
 *
 * 1. Near-identical complaints of one complainant arriving together are merged into one open case (art. 11).
 *    Every merge rewrites that target, so concurrent joins lost their optimistic-lock races five times in a row
 *    and the citizen got 409 "refresh and retry" for a complaint that had been filed (and a replay could no
 *    longer show its query code).
 * 2. Each merge grows the target's record; a flood of them grew it past DynamoDB's 400 KB item limit and every
 *    later write to it failed with a ValidationException (500). Automatic merges now stop at a size cap and the
 *    intake is filed as a possible duplicate instead.
 * 3. Stopping the runtime while intakes were still running (their clients gone) closed the engine and dynalite
 *    under them: 500s ("unhandled error") and an uncaught "Database is closed" thrown inside dynalite.
 */
import { jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRuntime } from '../../infra/local/runtime';
import type { Runtime } from '../../infra/local/runtime';
import { DynamoDuplicateIndex } from '../../shared/adapters/aws/dynamo-duplicate-index';
import type { CaseRecord } from '../../shared/domain/case';
import { submitIntake } from '../../shared/intake/core';
import { createDuplicateCheck } from '../../shared/services/duplicates';
import { LOAD_LIMITS, openHarness, pool } from './helpers';

const WORDS = '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自';

/** One complainant, one unit, the same dates: the duplicate matcher merges these (random wording aside). */
function sameComplainant(n: number): Record<string, unknown> {
  let words = '';
  for (let i = 0; i < 60; i++) words += WORDS[(n * 7919 + i * 104729) % WORDS.length];
  return {
    complainant: { name: '测试用户', phone: '13800138000', email: `burst${n}@example.cn` },
    respondent: { unit: '遂宁市船山区市场监督管理局' },
    matter: `第 ${n} 件：${words}`,
    facts: '2026年2月26日、27日和3月1日三次前往政务服务中心。',
  };
}

async function post(rt: Runtime, key: string, body: unknown, signal?: AbortSignal): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${rt.httpUrl}/api/complaints`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function allCases(rt: Runtime): Promise<CaseRecord[]> {
  const out: CaseRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await rt.store.query({ jurisdiction: rt.jurisdiction.code, limit: 500, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return out;
}

describe('a burst of complaints on the embedded runtime over HTTP', () => {
  let dir: string;
  let rt: Runtime | undefined;
  let errors: ReturnType<typeof jest.spyOn>;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tousu-burst-'));
    errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    await rt?.stop();
    rt = undefined;
    errors.mockRestore();
    await rm(dir, { recursive: true, force: true });
  });

  const unhandled = () => errors.mock.calls.filter((c: unknown[]) => String(c[0]).includes('unhandled error'));

  test('concurrent near-identical complaints: every one is filed (201 with its query code) and every merge is recorded on its target', async () => {
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, quiet: true, limits: LOAD_LIMITS });
    const runtime = rt;
    const n = 40;
    const answers = await pool(
      Array.from({ length: n }, (_, i) => i),
      20,
      (i) => post(runtime, `burst-merge-${i}`, sameComplainant(i)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: n }, () => 201));
    for (const a of answers) expect(a.body.queryCode).toEqual(expect.any(String));

    await runtime.workflow.idle();
    const cases = await allCases(runtime);
    expect(cases).toHaveLength(n);
    const merged = cases.filter((c) => c.phase === 'merged');
    expect(merged.length).toBeGreaterThan(0); // the scenario is the one the benchmark exercises
    const byId = new Map(cases.map((c) => [c.caseId, c]));
    for (const c of merged) {
      const target = byId.get(c.mergedInto!);
      expect(target?.merges?.map((m) => m.caseId)).toContain(c.caseId);
    }
    // Every case that is not merged has its execution (idempotent per case id).
    for (const c of cases.filter((x) => x.phase !== 'merged')) expect(runtime.workflow.executionsOf(c.caseId).length).toBeGreaterThan(0);
    expect(unhandled()).toEqual([]);
  });

  test('stopping while intakes run (their clients gone): no 500, no crash, and every intake is complete after a restart', async () => {
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, quiet: true, limits: LOAD_LIMITS });
    const first = rt;
    const n = 30;
    const abort = new AbortController();
    const sent = Array.from({ length: n }, (_, i) =>
      post(first, `burst-stop-${i}`, { ...sameComplainant(1000 + i), complainant: { name: `用户${i}`, phone: `1390000${String(1000 + i)}` } }, abort.signal).catch(() => undefined),
    );
    await new Promise((r) => setTimeout(r, 30));
    abort.abort();
    await Promise.all(sent);
    await first.stop();
    rt = undefined;
    expect(unhandled()).toEqual([]);

    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, quiet: true, limits: LOAD_LIMITS });
    const second = rt;
    const replays = await pool(
      Array.from({ length: n }, (_, i) => i),
      5,
      (i) => post(second, `burst-stop-${i}`, { ...sameComplainant(1000 + i), complainant: { name: `用户${i}`, phone: `1390000${String(1000 + i)}` } }),
    );
    // 200 = it had been filed before the stop; 201 = it never reached the intake. Never "in progress" or an error.
    for (const r of replays) expect([200, 201]).toContain(r.status);
    expect(new Set(replays.map((r) => r.body.caseId)).size).toBe(n);
    expect(unhandled()).toEqual([]);
  });
});

/** A canonical web intake from the same complainant about the same matter (an automatic merge candidate). */
const canonicalSame = (h: { now: { value: Date } }, tag: string, i: number) => ({
  channel: 'web',
  sourceKey: `web:${tag}-${i}`,
  receivedAt: h.now.value.toISOString(),
  receivedBy: 'agency',
  ...sameComplainant(i),
  complainant: { ...(sameComplainant(i).complainant as object), anonymous: false, wantsReply: true, confidential: false },
  evidence: [],
});

describe('automatic merges stop at the size cap of the target (dynalite, real duplicate index)', () => {
  test('past the cap the complaint is filed as a possible duplicate; the target never grows beyond it', async () => {
    const h = await openHarness();
    try {
      const index = new DynamoDuplicateIndex({ doc: h.doc, tableName: h.tableName });
      const check = createDuplicateCheck({ index, store: h.store, departments: h.deps.jurisdiction.departments });
      const base = { ...h.deps, duplicateCheck: check, indexCase: (c: CaseRecord) => check.indexCase(c) };
      const intake = (i: number) => canonicalSame(h, 'cap', i);
      const root = await submitIntake(base, intake(0));
      const rootSize = Buffer.byteLength(JSON.stringify(await h.store.get(root.caseId)), 'utf8');
      // Room for about two merges.
      const cap = rootSize + 1_500;
      const deps = { ...base, maxAutoMergeTargetBytes: cap };
      const results = [];
      for (let i = 1; i <= 6; i++) results.push(await submitIntake(deps, intake(i)));

      const rootAfter = (await h.store.get(root.caseId))!;
      expect(Buffer.byteLength(JSON.stringify(rootAfter), 'utf8')).toBeLessThanOrEqual(cap);
      const merged = results.filter((r) => r.status === 'merged');
      const possible = results.filter((r) => r.status === 'received');
      expect(merged.length).toBeGreaterThan(0);
      expect(possible.length).toBeGreaterThan(0);
      // The first refused merge is filed as a possible duplicate of the full root (later ones may merge into it).
      expect((await h.store.get(possible[0]!.caseId))!.flags.possibleDuplicateOf).toContain(root.caseId);
      for (const r of merged) {
        const into = (await h.store.get(r.caseId))!.mergedInto!;
        const target = (await h.store.get(into))!;
        expect(target.merges?.map((m) => m.caseId)).toContain(r.caseId);
        expect(Buffer.byteLength(JSON.stringify(target), 'utf8')).toBeLessThanOrEqual(cap);
      }
    } finally {
      await h.close();
    }
  });
});

describe('concurrent automatic merges into one target are committed in groups', () => {
  test('30 at once: every one recorded on the target exactly once, in fewer target writes than merges', async () => {
    const h = await openHarness();
    try {
      const index = new DynamoDuplicateIndex({ doc: h.doc, tableName: h.tableName });
      const check = createDuplicateCheck({ index, store: h.store, departments: h.deps.jurisdiction.departments });
      let targetWrites = 0;
      let rootId = '';
      const counting = Object.assign(Object.create(Object.getPrototypeOf(h.store)) as typeof h.store, h.store, {
        update: (record: CaseRecord, expected: number, events: Parameters<typeof h.store.update>[2]) => {
          if (record.caseId === rootId) targetWrites++;
          return h.store.update(record, expected, events);
        },
      });
      const deps = { ...h.deps, store: counting, duplicateCheck: check, indexCase: (c: CaseRecord) => check.indexCase(c) };
      const intake = (i: number) => canonicalSame(h, 'group', i);
      rootId = (await submitIntake(deps, intake(0))).caseId;
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => submitIntake(deps, intake(i + 1))));
      expect(results.every((r) => r.status === 'merged' && r.mergedInto === rootId)).toBe(true);
      const root = (await h.store.get(rootId))!;
      const recorded = root.merges!.map((m) => m.caseId);
      expect(new Set(recorded).size).toBe(30);
      expect(recorded.sort()).toEqual(results.map((r) => r.caseId).sort());
      expect((await h.store.timeline(rootId)).filter((e) => e.type === 'merged_in')).toHaveLength(30);
      expect(targetWrites).toBeGreaterThan(0);
      expect(targetWrites).toBeLessThan(30);
    } finally {
      await h.close();
    }
  });
});
