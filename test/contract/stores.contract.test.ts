/**
 * One contract, two adapters (issue 26, item 1): the embedded runtime's SQLite adapters
 * (shared/adapters/local/sqlite) and the DynamoDB adapters that AWS uses (shared/adapters/aws and friends, here on
 * dynalite) pass the same suite: cases, claims, tracking numbers, queues, audit, evaluation facts recorded with
 * each case write, the duplicate index, dead letters, quarantine and staff accounts.
 */
import { randomUUID } from 'node:crypto';
import { createCaseStore } from '../../shared/adapters/aws/case-store-factory';
import { DynamoDuplicateIndex } from '../../shared/adapters/aws/dynamo-duplicate-index';
import { DynamoEvaluationFactStore } from '../../shared/adapters/aws/dynamo-evaluation-facts';
import { openSqliteStores } from '../../shared/adapters/local/sqlite';
import { deriveFacts } from '../../shared/domain/evaluation/facts';
import { ConcurrentUpdateError, NotFoundError } from '../../shared/domain/errors';
import { DynamoQuarantineStore } from '../../shared/adapters/aws/dynamo-quarantine-store';
import type { QuarantineEntry, QuarantineStore } from '../../shared/email-intake/quarantine';
import type { CaseStore } from '../../shared/ports';
import type { DuplicateIndex, IndexKey } from '../../shared/ports/duplicate-index';
import type { EvaluationFactStore } from '../../shared/ports/evaluation-facts';
import { DynamoDeadLetterStore } from '../../shared/adapters/aws/dynamo-dead-letter-store';
import type { DeadLetterStore } from '../../shared/services/dead-letters';
import { DynamoClaimSource } from '../../shared/adapters/aws/dynamo-claim-source';
import type { ClaimSource } from '../../shared/services/reconcile';
import { UserStore } from '../../infra/local/users';
import { documentClient, ensureTable, localDynamoClient, startDynalite } from '../../infra/local/dynalite';
import type { DynaliteHandle } from '../../infra/local/dynalite';
import { makeCase, makeEvent } from '../integration/case-store-helpers';

interface Stores {
  store: CaseStore;
  facts: EvaluationFactStore;
  index: DuplicateIndex;
  deadLetters: DeadLetterStore;
  quarantine: QuarantineStore;
  claims: ClaimSource;
  users: UserStore;
}

interface Adapter {
  name: string;
  open(): Promise<Stores>;
  close(): Promise<void>;
}

let dynalite: DynaliteHandle | undefined;
const dynamo: Adapter = {
  name: 'DynamoDB (dynalite)',
  async open() {
    dynalite ??= await startDynalite();
    const client = localDynamoClient(dynalite);
    const tableName = `t${randomUUID().slice(0, 8)}`;
    await ensureTable(client, tableName);
    const doc = documentClient(client);
    return {
      store: createCaseStore({ doc, tableName }),
      facts: new DynamoEvaluationFactStore({ doc, tableName }),
      index: new DynamoDuplicateIndex({ doc, tableName, maxEntriesPerKey: 3 }),
      deadLetters: new DynamoDeadLetterStore(doc, tableName),
      quarantine: new DynamoQuarantineStore(doc, tableName),
      claims: new DynamoClaimSource(doc, tableName),
      users: new UserStore({ doc, tableName }),
    };
  },
  async close() {
    await dynalite?.close();
  },
};

const opened: { close(): void }[] = [];
const sqlite: Adapter = {
  name: 'SQLite',
  async open() {
    const s = openSqliteStores(':memory:', { maxEntriesPerDuplicateKey: 3 });
    opened.push(s);
    return { store: s.store, facts: s.facts, index: s.duplicateIndex, deadLetters: s.deadLetters, quarantine: s.quarantine, claims: s.claims, users: new UserStore({ items: s.userItems() }) };
  },
  async close() {
    for (const s of opened) s.close();
  },
};

const band = (n: number, hash: string): IndexKey => ({ kind: 'band', band: n, hash });

describe.each([dynamo, sqlite])('store contract: $name', (adapter) => {
  let s: Stores;
  beforeEach(async () => {
    s = await adapter.open();
  });
  afterAll(() => adapter.close());

  it('creates, reads and updates a case, numbering events after the stored timeline; refuses stale versions', async () => {
    const c = makeCase();
    const created = await s.store.create(c, [makeEvent('received')]);
    expect(created.timelineLength).toBe(1);
    expect(await s.store.get(c.caseId)).toEqual(created);
    const next = await s.store.update({ ...created, phase: 'screening' }, created.version, [makeEvent('screening_started', { phase: 'screening' })]);
    expect(next.version).toBe(created.version + 1);
    expect((await s.store.timeline(c.caseId)).map((e) => e.seq)).toEqual([1, 2]);
    await expect(s.store.update({ ...created, phase: 'screening' }, created.version, [])).rejects.toBeInstanceOf(ConcurrentUpdateError);
    await expect(s.store.create(c, [])).rejects.toBeInstanceOf(ConcurrentUpdateError);
    await expect(s.store.update(makeCase(), 0, [])).rejects.toBeInstanceOf(NotFoundError);
    expect((await s.store.getMany!([c.caseId, 'missing'])).size).toBe(1);
  });

  it('records the evaluation facts of a case write', async () => {
    const c = makeCase();
    const created = await s.store.create(c, []);
    const expected = deriveFacts(undefined, created);
    for (const f of expected) {
      const q = await s.facts.quarter(f.jurisdiction, f.quarter);
      expect(q.facts).toContainEqual(f);
    }
    expect(await s.facts.reportSent('510903', '2026Q4')).toBeUndefined();
    await s.facts.markReportSent('510903', '2026Q4', '2027-01-05T09:00:00+08:00', '<m@x>');
    expect(await s.facts.reportSent('510903', '2026Q4')).toEqual({ at: '2027-01-05T09:00:00+08:00', messageId: '<m@x>' });
  });

  it('gives a source to one claimant, binds it once, and lists claims', async () => {
    expect(await s.store.claimSource('web:a', '2026-11-27T01:00:00.000Z')).toEqual({ outcome: 'claimed' });
    expect((await s.store.claimSource('web:a', '2026-11-27T01:00:01.000Z')).outcome).toBe('duplicate');
    await s.store.bindSource('web:a', 'C-1');
    await expect(s.store.bindSource('web:a', 'C-2')).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect(await s.store.claimSource('web:a', '2026-11-28T01:00:00.000Z')).toMatchObject({ outcome: 'duplicate', caseId: 'C-1' });
    const claims = [];
    for await (const cl of s.claims.claims()) claims.push(cl);
    expect(claims).toEqual([{ sourceKey: 'web:a', claimedAt: '2026-11-27T01:00:00.000Z', caseId: 'C-1' }]);
  });

  it('allocates tracking numbers in sequence per jurisdiction and day', async () => {
    const nos = await Promise.all(Array.from({ length: 5 }, () => s.store.allocateTrackingNo('510903', '2026-11-27')));
    expect(nos.sort()).toEqual(['0001', '0002', '0003', '0004', '0005'].map((n) => `510903-20261127-${n}`));
  });

  it('queues by phase and whole jurisdiction (newest first), paginated', async () => {
    const a = await s.store.create(makeCase({ receivedAt: '2026-11-27T09:00:00+08:00', phase: 'screening' }), []);
    const b = await s.store.create(makeCase({ receivedAt: '2026-11-27T10:00:00+08:00', phase: 'screening' }), []);
    await s.store.create(makeCase({ receivedAt: '2026-11-27T11:00:00+08:00' }), []);
    const all = await s.store.query({ jurisdiction: '510903', limit: 2 });
    expect(all.items).toHaveLength(2);
    const rest = await s.store.query({ jurisdiction: '510903', limit: 2, cursor: all.cursor! });
    expect(rest.items).toHaveLength(1);
    expect(all.items[0]!.receivedAt > rest.items[0]!.receivedAt).toBe(true);
    const screening = await s.store.query({ jurisdiction: '510903', phase: 'screening' });
    expect(screening.items.map((c) => c.caseId).sort()).toEqual([a.caseId, b.caseId].sort());
    expect((await s.store.query({ jurisdiction: '999999' })).items).toEqual([]);
  });

  it('keeps an audit trail in time order', async () => {
    const actor = { role: 'agency', id: 'u1' } as const;
    await s.store.audit({ caseId: 'C-9', at: '2026-11-27T10:00:00+08:00', actor, what: 'read' });
    await s.store.audit({ caseId: 'C-9', at: '2026-11-27T01:00:00Z', actor, what: 'action:dispatch' });
    expect((await s.store.auditTrail('C-9')).map((e) => e.what)).toEqual(['action:dispatch', 'read']);
  });

  it('files duplicate keys idempotently, finds them, and keeps the newest entries per key', async () => {
    await s.index.add('510903', { caseId: 'C-1', day: '20261101' }, [band(0, 'h0'), band(1, 'h1')]);
    await s.index.add('510903', { caseId: 'C-1', day: '20261101' }, [band(0, 'h0')]);
    for (const [id, day] of [
      ['C-2', '20261102'],
      ['C-3', '20261103'],
      ['C-4', '20261104'],
    ] as const)
      await s.index.add('510903', { caseId: id, day }, [band(0, 'h0')]);
    const found = await s.index.lookup('510903', [band(0, 'h0'), band(1, 'h1'), band(2, 'none')]);
    expect(
      found
        .get('B#0#h0')!
        .map((e) => e.caseId)
        .sort(),
    ).toEqual(['C-2', 'C-3', 'C-4']);
    expect(found.get('B#1#h1')).toEqual([{ caseId: 'C-1', day: '20261101' }]);
    expect(found.has('B#2#none')).toBe(false);
    expect((await s.index.lookup('999999', [band(0, 'h0')])).size).toBe(0);
  });

  it('records, retries, resolves and lists dead letters oldest first', async () => {
    const base = { kind: 'intake' as const, jurisdiction: '510903', sourceKey: 'web:x', error: { name: 'Boom' } };
    const id1 = 'a'.repeat(32);
    const id2 = 'b'.repeat(32);
    await s.deadLetters.record({ ...base, id: id2, firstFailedAt: '2026-11-27T02:00:00.000Z', at: '2026-11-27T02:00:00.000Z' });
    await s.deadLetters.record({ ...base, id: id1, firstFailedAt: '2026-11-27T01:00:00.000Z', at: '2026-11-27T01:00:00.000Z' });
    expect((await s.deadLetters.record({ ...base, id: id1, firstFailedAt: '2026-11-27T01:00:00.000Z', at: '2026-11-27T03:00:00.000Z' })).attempts).toBe(2);
    expect((await s.deadLetters.retried(id1, '2026-11-27T04:00:00.000Z', { name: 'Again' })).attempts).toBe(3);
    const first = await s.deadLetters.list({ jurisdiction: '510903', limit: 1 });
    expect(first.items.map((d) => d.id)).toEqual([id1]);
    const second = await s.deadLetters.list({ jurisdiction: '510903', limit: 1, cursor: first.cursor! });
    expect(second.items.map((d) => d.id)).toEqual([id2]);
    await s.deadLetters.resolve(id1, '2026-11-27T05:00:00.000Z', { caseId: 'C-1', note: 'replayed' });
    expect((await s.deadLetters.list({ jurisdiction: '510903' })).items.map((d) => d.id)).toEqual([id2]);
    expect((await s.deadLetters.list({ jurisdiction: '510903', status: 'resolved' })).items.map((d) => d.id)).toEqual([id1]);
    await expect(s.deadLetters.resolve('c'.repeat(32), '2026-11-27T05:00:00.000Z', { note: 'x' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps quarantine entries idempotent on id, listed newest first', async () => {
    const entry = (id: string, receivedAt: string): QuarantineEntry => ({
      id,
      sourceKey: `smtp:${id}`,
      source: 'smtp',
      jurisdiction: '510903',
      reason: 'empty',
      detail: '空邮件',
      receivedAt,
      size: 10,
      rawSha256: '0'.repeat(64),
    });
    await s.quarantine.put(entry('q1', '2026-11-27T01:00:00.000Z'));
    await s.quarantine.put(entry('q2', '2026-11-27T02:00:00.000Z'));
    await s.quarantine.put({ ...entry('q1', '2026-11-27T01:00:00.000Z'), detail: '再次投递' });
    expect((await s.quarantine.get('q1'))?.detail).toBe('再次投递');
    const page = await s.quarantine.list('510903', { limit: 1 });
    expect(page.items.map((e) => e.id)).toEqual(['q2']);
    expect((await s.quarantine.list('510903', { limit: 1, cursor: page.cursor! })).items.map((e) => e.id)).toEqual(['q1']);
  });

  it('keeps staff accounts: unique names, role changes and revocations bump the token version', async () => {
    await s.users.add({ username: 'clerk1', role: 'agency', password: 'correct-horse-1' });
    await expect(s.users.add({ username: 'clerk1', role: 'agency', password: 'correct-horse-1' })).rejects.toMatchObject({ code: 'user_exists' });
    const p = await s.users.authenticate('clerk1', 'correct-horse-1');
    expect(p.tokenVersion).toBe(0);
    await s.users.revokeTokens('clerk1');
    expect((await s.users.setRole('clerk1', 'department', 'SCJG')).tokenVersion).toBe(2);
    expect(await s.users.setRole('clerk1', 'agency', undefined)).toMatchObject({ role: 'agency', tokenVersion: 3 });
    expect((await s.users.get('clerk1'))?.department).toBeUndefined();
    expect((await s.users.get('clerk1'))?.lastLoginAt).toBeDefined();
    await expect(s.users.setDisabled('nobody', true)).rejects.toMatchObject({ code: 'unknown_user' });
    expect((await s.users.list()).map((u) => u.username)).toEqual(['clerk1']);
  }, 30_000);
});

describe('SQLite: one write transaction per case change', () => {
  it('writes the case, its events, department links and changed evaluation facts in one transaction', async () => {
    const s = openSqliteStores(':memory:');
    try {
      const before = s.stats.transactions;
      const created = await s.store.create(makeCase(), [makeEvent('received'), makeEvent('acknowledged')]);
      expect(s.stats.transactions - before).toBe(1);
      const rows = (sql: string) => (s.db.prepare(sql).get() as { n: number }).n;
      expect(rows('SELECT count(*) AS n FROM events')).toBe(2);
      expect(rows('SELECT count(*) AS n FROM evaluation_facts')).toBe(deriveFacts(undefined, created).length);
      const mid = s.stats.transactions;
      await s.store.update({ ...created, phase: 'screening' }, created.version, [makeEvent('screening_started', { phase: 'screening' })]);
      expect(s.stats.transactions - mid).toBe(1);
      // A failed write leaves nothing behind: no event of a refused update.
      await expect(s.store.update({ ...created, phase: 'screening' }, created.version, [makeEvent('x')])).rejects.toBeInstanceOf(ConcurrentUpdateError);
      expect(rows('SELECT count(*) AS n FROM events')).toBe(3);
    } finally {
      s.close();
    }
  });
});
