/**
 * The "Archive Case" task (shared/services/lifecycle-tasks.ts `archiveCase`) on dynalite with a FolderBlobStore:
 * the archive file is written before its reference and hash are recorded, a retry rewrites the same bytes, and
 * without an archive store the case is archived without a file and a single warning.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoCaseStore } from '../../shared/adapters/aws/dynamo-case-store';
import { loadCalendar } from '../../shared/calendar/load';
import { loadJurisdiction, loadRulesRegistry } from '../../shared/config/load';
import { archiveKey, buildArchiveBundle } from '../../shared/domain/archive';
import type { CaseRecord } from '../../shared/domain/case';
import type { BlobStore, CaseStore, MailSender } from '../../shared/ports';
import { archiveCase, isOpen } from '../../shared/services/lifecycle-tasks';
import type { LifecycleTaskDeps, TaskLogger } from '../../shared/services/lifecycle-tasks';
import { FolderBlobStore } from '../../infra/local/folder-blob-store';
import { documentClient, ensureTable, localDynamoClient, startDynalite } from '../../infra/local/dynalite';
import type { DynaliteHandle } from '../../infra/local/dynalite';
import { concluded, intakeOf, recordOf } from '../fixtures/duplicates/records';

const NOW = '2025-03-14T15:00:00+08:00';
let dynalite: DynaliteHandle;
let client: ReturnType<typeof localDynamoClient>;
let store: DynamoCaseStore;
let dir: string;
let n = 0;

beforeAll(async () => {
  dynalite = await startDynalite();
  client = localDynamoClient(dynalite);
  await ensureTable(client, 'tousu-archive');
  store = new DynamoCaseStore({ doc: documentClient(client), tableName: 'tousu-archive' });
  dir = await mkdtemp(join(tmpdir(), 'tousu-archive-task-'));
});
afterAll(async () => {
  client.destroy();
  await dynalite.close();
  await rm(dir, { recursive: true, force: true });
});

const noMail: MailSender = { send: async () => ({ messageId: 'none' }) };
const logs = () => {
  const lines: { level: string; message: string }[] = [];
  const logger: TaskLogger = {
    info: (message) => lines.push({ level: 'info', message }),
    warn: (message) => lines.push({ level: 'warn', message }),
    error: (message) => lines.push({ level: 'error', message }),
  };
  return { lines, logger };
};

function deps(over: Partial<LifecycleTaskDeps> = {}): LifecycleTaskDeps {
  return {
    store,
    clock: { now: () => new Date(NOW) },
    calendar: loadCalendar(),
    rules: loadRulesRegistry(),
    jurisdiction: loadJurisdiction('510903'),
    mail: noMail,
    workflow: { sendTaskSuccess: async () => undefined },
    ...over,
  };
}

/** A concluded case in phase `archived` whose archive task has not run yet, with two timeline events. */
async function concludedCase(): Promise<CaseRecord> {
  const caseId = `510903-20250310-${String(++n).padStart(4, '0')}`;
  const evidence = [{ filename: '现场照片.jpg', contentType: 'image/jpeg', size: 10, sha256: 'd'.repeat(64), ref: `file:evidence/${caseId}/1.jpg` }];
  const intake = intakeOf({ matter: `窗口拒收材料 ${caseId}`, facts: '当场拒收，未说明理由。', evidence, sourceKey: `test:archive:${caseId}` });
  const record = concluded(recordOf(caseId, intake, { version: 0, timelineLength: 0 }), '2025-03-12T10:00:00+08:00');
  const actor = { role: 'system' as const, id: 'tousu' };
  return store.create(record, [
    { at: '2025-03-10T09:00:00+08:00', type: 'received', actor, phase: 'received', summary: '收到投诉。' },
    { at: '2025-03-12T10:00:00+08:00', type: 'concluded', actor, phase: 'archived', summary: '办结。' },
  ]);
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

it('writes the archive file, then records its ref and sha256; the stored bytes hash to it and rebuild from the final case', async () => {
  const blobs = new FolderBlobStore(join(dir, 'a'));
  const c = await concludedCase();
  await store.audit({ caseId: c.caseId, at: '2025-03-13T09:00:00+08:00', actor: { role: 'agency', id: 'staff-1' }, what: 'read' });

  expect(await archiveCase(deps({ archiveBlobs: blobs }), { caseId: c.caseId })).toEqual({ phase: 'archived' });

  const done = (await store.get(c.caseId))!;
  expect(done.archive).toEqual({ at: new Date(NOW).toISOString(), ref: `file:510903/2025/${c.caseId}.json`, sha256: expect.stringMatching(/^[a-f0-9]{64}$/) });
  const bytes = await readFile(join(dir, 'a', archiveKey(done)));
  expect(sha(bytes)).toBe(done.archive!.sha256);
  expect(await blobs.get(done.archive!.ref!)).toEqual(new Uint8Array(bytes));

  const timeline = await store.timeline(c.caseId);
  expect(timeline.map((e) => e.type)).toEqual(['received', 'concluded', 'archived']);
  const file = JSON.parse(bytes.toString('utf8')) as { timeline: { type: string }[]; documents: { sha256: string }[]; audit: { what: string }[] };
  expect(file.timeline.map((e) => e.type)).toEqual(['received', 'concluded', 'archived']);
  expect(file.documents.map((d) => d.sha256)).toEqual(['d'.repeat(64)]);
  expect(file.audit.map((a) => a.what)).toEqual(['read']);
  // Reproducible from what the store holds now (reads after the archiving are not part of it).
  await store.audit({ caseId: c.caseId, at: '2025-03-20T09:00:00+08:00', actor: { role: 'agency', id: 'staff-2' }, what: 'read' });
  const audit = (await store.auditTrail(c.caseId)).filter((a) => Date.parse(a.at) <= Date.parse(done.archive!.at));
  expect(buildArchiveBundle(done, timeline, audit).json).toBe(bytes.toString('utf8'));
  expect(isOpen(done)).toBe(false);

  // Run again (a retry after success): nothing changes.
  await archiveCase(deps({ archiveBlobs: blobs }), { caseId: c.caseId });
  expect((await store.get(c.caseId))!.version).toBe(done.version);
});

it('a crash between the file and the case update: the case stays open and the retry writes the same bytes', async () => {
  const puts: Uint8Array[] = [];
  const folder = new FolderBlobStore(join(dir, 'b'));
  const blobs: BlobStore = {
    put: (key, body, type) => (puts.push(body), folder.put(key, body, type)),
    get: (ref) => folder.get(ref),
  };
  // The store fails the write that records the archive reference, once.
  let failOnce = true;
  const crashing: CaseStore = Object.assign(Object.create(store) as CaseStore, {
    update: (record: CaseRecord, expected: number, events: Parameters<CaseStore['update']>[2]) => {
      if (record.archive?.sha256 && failOnce) {
        failOnce = false;
        return Promise.reject(new Error('connection reset'));
      }
      return store.update(record, expected, events);
    },
  });
  const c = await concludedCase();

  await expect(archiveCase(deps({ store: crashing, archiveBlobs: blobs }), { caseId: c.caseId })).rejects.toThrow('connection reset');
  const half = (await store.get(c.caseId))!;
  expect(half.archive?.at).toBeDefined();
  expect(half.archive?.sha256).toBeUndefined();
  expect(isOpen(half)).toBe(true);

  await archiveCase(deps({ store: crashing, archiveBlobs: blobs }), { caseId: c.caseId });
  const done = (await store.get(c.caseId))!;
  expect(puts).toHaveLength(2);
  expect(Buffer.from(puts[1]!).equals(Buffer.from(puts[0]!))).toBe(true);
  expect(done.archive?.sha256).toBe(sha(puts[0]!));
  expect((await store.timeline(c.caseId)).filter((e) => e.type === 'archived')).toHaveLength(1);
});

it('without an archive store: archived with archive.at only, one warning for all cases', async () => {
  const { lines, logger } = logs();
  const d = deps({ logger });
  const first = await concludedCase();
  const second = await concludedCase();
  await archiveCase(d, { caseId: first.caseId });
  await archiveCase(d, { caseId: second.caseId });
  for (const id of [first.caseId, second.caseId]) {
    const c = (await store.get(id))!;
    expect(c.archive?.at).toBeDefined();
    expect(c.archive?.ref).toBeUndefined();
    expect(c.archive?.sha256).toBeUndefined();
  }
  expect(lines.filter((l) => l.level === 'warn')).toEqual([{ level: 'warn', message: expect.stringContaining('archive store not configured') }]);
});

it('a store that returns another hash than the bytes it was given fails the task before the case points to it', async () => {
  const folder = new FolderBlobStore(join(dir, 'c'));
  const lying: BlobStore = { put: async (k, b, t) => ({ ...(await folder.put(k, b, t)), sha256: '0'.repeat(64) }), get: (r) => folder.get(r) };
  const c = await concludedCase();
  await expect(archiveCase(deps({ archiveBlobs: lying }), { caseId: c.caseId })).rejects.toThrow(/sha256/);
  expect((await store.get(c.caseId))!.archive?.ref).toBeUndefined();
});
