/**
 * A data directory of the dynalite era migrates into SQLite with nothing lost (issue 26, item 1): every kind of
 * item is written through the DynamoDB adapters on dynalite (on disk, as `tousu start` kept it), migrated, and
 * read back through the SQLite adapters with the same answers. A second run changes nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCaseStore } from '../../shared/adapters/aws/case-store-factory';
import { DynamoDuplicateIndex } from '../../shared/adapters/aws/dynamo-duplicate-index';
import { DynamoEvaluationFactStore } from '../../shared/adapters/aws/dynamo-evaluation-facts';
import { openSqliteStores } from '../../shared/adapters/local/sqlite';
import { migrateFromDynamo } from '../../shared/adapters/local/sqlite/migrate-from-dynamodb';
import { DynamoQuarantineStore } from '../../shared/adapters/aws/dynamo-quarantine-store';
import { DynamoDeadLetterStore } from '../../shared/adapters/aws/dynamo-dead-letter-store';
import { DynamoClaimSource } from '../../shared/adapters/aws/dynamo-claim-source';
import type { ClaimSource } from '../../shared/services/reconcile';
import { UserStore } from '../../infra/local/users';
import { documentClient, ensureTable, localDynamoClient, startDynalite } from '../../infra/local/dynalite';
import { makeCase, makeEvent } from '../integration/case-store-helpers';

const allClaims = async (c: ClaimSource) => {
  const out = [];
  for await (const x of c.claims()) out.push(x);
  return out.sort((a, b) => a.sourceKey.localeCompare(b.sourceKey));
};

describe('migration of a dynalite data directory into SQLite', () => {
  it('carries every case, timeline, audit entry, claim, counter, index key, fact, account, quarantine entry and dead letter', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tousu-migrate-'));
    const dynalite = await startDynalite({ path: join(dir, 'dynamodb') });
    const client = localDynamoClient(dynalite);
    const tableName = 'tousu';
    const sqlite = openSqliteStores(join(dir, 'tousu.db'));
    try {
      await ensureTable(client, tableName);
      const doc = documentClient(client);
      const store = createCaseStore({ doc, tableName });
      const index = new DynamoDuplicateIndex({ doc, tableName });
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) {
        const no = await store.allocateTrackingNo('510903', '2026-11-27');
        const c = makeCase({ caseId: no, trackingNo: no, receivedAt: `2026-11-27T${String(8 + (i % 10)).padStart(2, '0')}:00:00+08:00` });
        await store.claimSource(c.intake.sourceKey, '2026-11-27T01:00:00.000Z');
        const created = await store.create(c, [makeEvent('received'), makeEvent('acknowledged')], { deferFlush: i % 3 === 0 });
        await store.bindSource(c.intake.sourceKey, c.caseId);
        if (i % 2 === 0) await store.update({ ...(await store.get(c.caseId))!, phase: 'screening' }, created.version, [makeEvent('screening_started', { phase: 'screening' })]);
        await store.audit({ caseId: c.caseId, at: '2026-11-27T10:00:00+08:00', actor: { role: 'agency', id: 'u1' }, what: 'read' });
        await index.add('510903', { caseId: c.caseId, day: '20261127' }, [
          { kind: 'band', band: i % 4, hash: `h${i % 4}` },
          { kind: 'phone', hash: `p${i}` },
        ]);
        ids.push(c.caseId);
      }
      await store.claimSource('web:orphan', '2026-11-27T02:00:00.000Z');
      const facts = new DynamoEvaluationFactStore({ doc, tableName });
      await facts.markReportSent('510903', '2026Q3', '2026-10-08T09:00:00+08:00', '<r@x>');
      const users = new UserStore({ doc, tableName });
      await users.add({ username: 'clerk1', role: 'agency', password: 'correct-horse-1' });
      await users.revokeTokens('clerk1');
      const dlq = new DynamoDeadLetterStore(doc, tableName);
      await dlq.record({
        id: 'a'.repeat(32),
        kind: 'intake',
        jurisdiction: '510903',
        sourceKey: 'web:orphan',
        firstFailedAt: '2026-11-27T02:00:00.000Z',
        at: '2026-11-27T02:00:00.000Z',
        error: { name: 'Boom' },
      });
      const quarantine = new DynamoQuarantineStore(doc, tableName);
      await quarantine.put({
        id: 'q1',
        sourceKey: 'smtp:q1',
        source: 'smtp',
        jurisdiction: '510903',
        reason: 'empty',
        detail: '空邮件',
        receivedAt: '2026-11-27T03:00:00.000Z',
        size: 1,
        rawSha256: '0'.repeat(64),
      });

      const progress: string[] = [];
      const counts = await migrateFromDynamo({ doc, tableName }, sqlite, (p) => progress.push(p.phase));
      expect(counts).toMatchObject({ cases: 12, casesAlreadyThere: 0, sources: 13, counters: 1, users: 1, quarantine: 1, deadLetters: 1 });
      expect(counts.skipped).toEqual({});
      expect(progress).toContain('cases');

      for (const id of ids) {
        expect(await sqlite.store.get(id)).toEqual(await store.get(id));
        expect(await sqlite.store.timeline(id)).toEqual(await store.timeline(id));
        expect(await sqlite.store.auditTrail(id)).toEqual(await store.auditTrail(id));
      }
      const ids2 = (q: { items: { caseId: string }[] }) => q.items.map((c) => c.caseId);
      expect(ids2(await sqlite.store.query({ jurisdiction: '510903', limit: 100 }))).toEqual(ids2(await store.query({ jurisdiction: '510903', limit: 100 })));
      expect(ids2(await sqlite.store.query({ jurisdiction: '510903', phase: 'screening', limit: 100 }))).toEqual(ids2(await store.query({ jurisdiction: '510903', phase: 'screening', limit: 100 })));
      // The tracking counter continues where it stopped.
      expect(await sqlite.store.allocateTrackingNo('510903', '2026-11-27')).toBe('510903-20261127-0013');
      expect(await allClaims(sqlite.claims)).toEqual(await allClaims(new DynamoClaimSource(doc, tableName)));
      const keys = [0, 1, 2, 3].map((b) => ({ kind: 'band' as const, band: b, hash: `h${b}` }));
      const sortEntries = (m: Map<string, { caseId: string }[]>) => [...m].map(([k, v]) => [k, v.map((e) => e.caseId).sort()]).sort();
      expect(sortEntries(await sqlite.duplicateIndex.lookup('510903', keys))).toEqual(sortEntries(await index.lookup('510903', keys)));
      for (const q of ['2026Q3', '2026Q4']) {
        const [a, b] = [await sqlite.facts.quarter('510903', q), await facts.quarter('510903', q)];
        expect(a.facts).toEqual(expect.arrayContaining(b.facts));
        expect(a.facts).toHaveLength(b.facts.length);
      }
      expect(await sqlite.facts.reportSent('510903', '2026Q3')).toEqual({ at: '2026-10-08T09:00:00+08:00', messageId: '<r@x>' });
      expect(await new UserStore({ items: sqlite.userItems() }).list()).toEqual(await users.list());
      expect(await sqlite.deadLetters.list({ jurisdiction: '510903' })).toEqual(await dlq.list({ jurisdiction: '510903' }));
      expect((await sqlite.quarantine.list('510903')).items).toEqual((await quarantine.list('510903')).items);

      // Idempotent: a second run (an interrupted migration run again) writes nothing new.
      const again = await migrateFromDynamo({ doc, tableName }, sqlite);
      expect(again).toMatchObject({ cases: 0, casesAlreadyThere: 12, sources: 0, users: 0, quarantine: 0, deadLetters: 0, duplicateKeys: 0, evaluationFacts: 0 });
    } finally {
      sqlite.close();
      client.destroy();
      await dynalite.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
