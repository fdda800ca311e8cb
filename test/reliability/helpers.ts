/**
 * Set-up shared by the reliability tests: the real CaseStore on an in-memory dynalite (one server per test file,
 * a fresh table per harness), fault middleware on the DynamoDB client, a recording Workflow (idempotent per
 * execution name, like StartExecution), a counting MailSender, a memory BlobStore, a movable clock, and
 * generators of deliveries for every channel.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, ensureTable, localDynamoClient, startDynalite } from '../../infra/local/dynalite';
import type { DynaliteHandle } from '../../infra/local/dynalite';
import { DynamoCaseStore } from '../../shared/adapters/aws/dynamo-case-store';
import { cryptoIds } from '../../shared/adapters/ids';
import { loadJurisdiction, loadRulesRegistry } from '../../shared/config/load';
import type { CaseRecord } from '../../shared/domain/case';
import type { CanonicalIntake } from '../../shared/domain/intake';
import type { IntakeDeps } from '../../shared/intake/core';
import { IntakeInProgressError } from '../../shared/intake/errors';
import type { ObjectReader } from '../../shared/ports/object-reader';
import { MemoryBlobStore } from '../unit/email/memory-blobs';
import { DynamoFaults, CountingMailSender, RecordingWorkflow } from '../fixtures/faults';

export { MemoryBlobStore };

/** An S3 object reader over an in-memory map (the letter and box adapters read their uploads through it). */
export function memoryReader(objects: Map<string, Uint8Array>): ObjectReader {
  return { get: async (_bucket, key) => (objects.has(key) ? { bytes: objects.get(key)! } : undefined) };
}

export interface ReliabilityHarness {
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  tableName: string;
  store: DynamoCaseStore;
  faults: DynamoFaults;
  workflow: RecordingWorkflow;
  mail: CountingMailSender;
  blobs: MemoryBlobStore;
  now: { value: Date };
  deps: IntakeDeps;
  /** Every case of the jurisdiction (gsi3), read back through the store. */
  allCases(): Promise<CaseRecord[]>;
  close(): Promise<void>;
}

let server: DynaliteHandle | undefined;
let users = 0;

export async function openHarness(opts: { now?: string } = {}): Promise<ReliabilityHarness> {
  users++;
  server ??= await startDynalite();
  // maxAttempts 1: faults injected below the SDK retry are not hidden; those at `initialize` reach the caller anyway.
  const client = localDynamoClient(server);
  const tableName = `r${randomUUID().slice(0, 8)}`;
  await ensureTable(client, tableName);
  const doc = documentClient(client);
  const store = new DynamoCaseStore({ doc, tableName });
  const faults = new DynamoFaults(client);
  const workflow = new RecordingWorkflow();
  const mail = new CountingMailSender();
  const blobs = new MemoryBlobStore();
  const now = { value: new Date(opts.now ?? '2026-03-02T09:30:00+08:00') };
  const jurisdiction = loadJurisdiction('510903');
  const deps: IntakeDeps = {
    store,
    workflow,
    clock: { now: () => now.value },
    ids: cryptoIds,
    rules: loadRulesRegistry(),
    jurisdiction,
    mail,
    blobs,
    logger: { warn: () => undefined },
  };
  return {
    client,
    doc,
    tableName,
    store,
    faults,
    workflow,
    mail,
    blobs,
    now,
    deps,
    async allCases() {
      const out: CaseRecord[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.query({ jurisdiction: jurisdiction.code, limit: 500, ...(cursor ? { cursor } : {}) });
        out.push(...page.items);
        cursor = page.cursor;
      } while (cursor);
      return out;
    },
    async close() {
      faults.remove();
      client.destroy();
      users--;
      if (users === 0 && server) {
        await server.close();
        server = undefined;
      }
    },
  };
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= items.length) return;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

/** Deterministic shuffle (mulberry32), so a failing order can be reproduced. */
export function shuffled<T>(items: readonly T[], seed = 42): T[] {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** Retries while the same delivery is "in progress" elsewhere (what the source does: SES/S3/SQS/HTTP clients retry). */
export async function retryInProgress<T>(fn: () => Promise<T>, isInProgress: (v: T | unknown) => boolean, attempts = 50): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      const v = await fn();
      if (!isInProgress(v) || i >= attempts) return v;
    } catch (err) {
      if (!isInProgress(err) || i >= attempts) throw err;
    }
    await new Promise((r) => setTimeout(r, 2 + Math.random() * 5));
  }
}

// ---------------------------------------------------------------------------------------------- fixtures' personal data

/** Names, phones and ID numbers used by the generated deliveries (the privacy test scans logs for them). */
export const PEOPLE = Array.from({ length: 50 }, (_, i) => ({
  name: `${['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'][i % 10]}${['秀英', '建国', '桂兰', '志强', '丽娟'][Math.floor(i / 10) % 5]}${'甲乙丙丁戊'[i % 5]}`,
  phone: `139${String(81234567 + i * 7919)
    .padStart(8, '0')
    .slice(0, 8)}`,
  idNumber: `51090319${String(800101 + i).slice(0, 6)}${String(1000 + i).slice(-3)}X`,
  email: `citizen${i}@example.cn`,
}));

/** A canonical web intake (as the intake core receives it) from one of PEOPLE, with the given source key. */
export function canonicalWebIntake(sourceKey: string, person = PEOPLE[0]!): CanonicalIntake {
  return {
    channel: 'web',
    sourceKey,
    receivedAt: '2026-03-02T09:30:00+08:00',
    receivedBy: 'agency',
    complainant: { name: person.name, phone: person.phone, anonymous: false, wantsReply: true, confidential: false },
    respondent: { unit: '遂宁市船山区市场监督管理局' },
    matter: '窗口推诿，往返三次仍未办结。',
    evidence: [],
  };
}

export const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** A plain citizen mail (UTF-8, base64) that the email intake turns into a complaint. */
export function citizenMail(i: number, person = PEOPLE[i % PEOPLE.length]!): Buffer {
  const body = [
    `投诉人：${person.name}`,
    `联系电话：${person.phone}`,
    '被投诉单位：遂宁市船山区市场监督管理局',
    `投诉事项：第${i}号来信，办理营业执照变更时窗口要求重复提交材料，往返三次仍未办结。`,
    '事实和理由：窗口工作人员每次要求的材料不同。',
  ].join('\r\n');
  return Buffer.from(
    [
      `From: =?UTF-8?B?${b64(person.name)}?= <${person.email}>`,
      'To: tousu@chuanshan.example.gov.cn',
      `Subject: =?UTF-8?B?${b64(`投诉窗口办事难 ${i}`)}?=`,
      `Message-ID: <complaint-${i}-${person.email}>`,
      'Date: Mon, 02 Mar 2026 09:30:00 +0800',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: base64',
      '',
      b64(body).replace(/(.{76})/g, '$1\r\n'),
      '',
    ].join('\r\n'),
  );
}

/** A tiny "PNG" (the magic bytes are what the content check looks at) unique per n. */
export function fakePng(n: number): Uint8Array {
  const head = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  return Uint8Array.from([...head, ...Buffer.from(`scan-${n}-${'x'.repeat(32)}`)]);
}

export function webBody(i: number, person = PEOPLE[i % PEOPLE.length]!): Record<string, unknown> {
  return {
    complainant: { name: person.name, phone: person.phone, email: person.email },
    respondent: { unit: '遂宁市船山区市场监督管理局' },
    matter: `第${i}号网上投诉：办理营业执照变更时窗口要求重复提交材料。身份证号 ${person.idNumber}。`,
    facts: '往返三次仍未办结。',
  };
}

export function keyedRow(i: number, person = PEOPLE[i % PEOPLE.length]!): Record<string, string> {
  return {
    name: person.name,
    phone: person.phone,
    respondentUnit: '遂宁市船山区市场监督管理局',
    matter: `第${i}号：不动产登记窗口推诿，要求到其他部门开具证明。`,
    facts: `身份证号 ${person.idNumber}。`,
  };
}

// ---------------------------------------------------------------------------------------------- replay checks

/** Deliveries 0…n-1, each twice, shuffled. */
export const twiceShuffled = (n: number, seed: number): number[] => shuffled([...Array.from({ length: n }, (_, i) => i), ...Array.from({ length: n }, (_, i) => i)], seed);

/** The same delivery is being processed by a concurrent caller (retry later). */
export const isInProgress = (v: unknown): boolean => v instanceof IntakeInProgressError || (v instanceof AggregateError && v.errors.some((e) => e instanceof IntakeInProgressError));

/** Records the case a delivery became. */
export function recordCase(map: Map<number, Set<string>>, i: number, caseId: string | undefined): void {
  if (!caseId) throw new Error(`delivery ${i} made no case`);
  const set = map.get(i) ?? new Set<string>();
  set.add(caseId);
  map.set(i, set);
}

/** n deliveries, each delivered twice, made exactly n complete cases with one execution and at most one acknowledgement each. */
export async function expectOneCasePerDelivery(h: ReliabilityHarness, caseIdsByDelivery: Map<number, Set<string>>, n: number): Promise<void> {
  expect(caseIdsByDelivery.size).toBe(n);
  for (const ids of caseIdsByDelivery.values()) expect(ids.size).toBe(1);
  const cases = await h.allCases();
  expect(cases).toHaveLength(n);
  expect(new Set(cases.map((c) => c.caseId)).size).toBe(n);
  expect(new Set(cases.map((c) => c.intake.sourceKey)).size).toBe(n);
  // One execution per case, no execution without a case.
  expect(h.workflow.executions.size).toBe(n);
  expect(h.workflow.caseIds()).toEqual(new Set(cases.map((c) => c.caseId)));
  // At most one acknowledgement per case.
  const acks = h.mail.sent.filter((m) => m.tags.kind === 'acknowledgement').map((m) => m.tags.caseId);
  expect(new Set(acks).size).toBe(acks.length);
  // Every case is complete: its 'received' event is on the timeline (no pending flush left behind).
  for (const c of cases.slice(0, 50)) expect((await h.store.timeline(c.caseId)).map((e) => e.type)).toContain('received');
}

/**
 * Limits raised by configuration for tests whose load comes from one client address (the limiter still runs;
 * docs/limits.md shows the same knob in tousu.config.json).
 */
export const LOAD_LIMITS = { complaints: { perMinute: 10_000_000 }, lookups: { perMinute: 10_000_000 } } as const;
