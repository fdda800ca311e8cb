/**
 * Migration of a data directory of the dynalite era (`<data-dir>/dynamodb`, the single table) into the SQLite
 * database. Reads every item once (a paginated Scan), cases through the DynamoDB CaseStore (which completes a
 * pending flush left by a crash), and writes each into the SQLite tables. Idempotent: what is already in the
 * SQLite file is left alone, so an interrupted migration is simply run again. The caller opens dynalite (the
 * embedded runtime's CLI) or points the client at DynamoDB; this module needs only the document client.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoCaseStore } from '../../aws/dynamo-case-store';
import { CASE_SK, PK_PREFIX } from '../../aws/table';
import { REPORT_SENT_SK } from '../../aws/dynamo-evaluation-facts';
import type { SqliteStores } from './index';
import type { SqliteCaseStore } from './case-store';

export interface MigrationCounts {
  cases: number;
  casesAlreadyThere: number;
  sources: number;
  counters: number;
  duplicateKeys: number;
  evaluationFacts: number;
  users: number;
  quarantine: number;
  deadLetters: number;
  /** Item kinds this migration does not carry (by pk prefix), with their counts: said, never dropped silently. */
  skipped: Record<string, number>;
}

export interface MigrationProgress {
  phase: 'scan' | 'cases' | 'other';
  done: number;
  total?: number;
}

const prefixOf = (pk: string): string => pk.slice(0, pk.indexOf('#') + 1);

export async function migrateFromDynamo(source: { doc: DynamoDBDocumentClient; tableName: string }, target: SqliteStores, onProgress?: (p: MigrationProgress) => void): Promise<MigrationCounts> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await source.doc.send(new ScanCommand({ TableName: source.tableName, ...(start ? { ExclusiveStartKey: start } : {}) }));
    items.push(...(page.Items ?? []));
    onProgress?.({ phase: 'scan', done: items.length });
    start = page.LastEvaluatedKey;
  } while (start);

  const counts: MigrationCounts = { cases: 0, casesAlreadyThere: 0, sources: 0, counters: 0, duplicateKeys: 0, evaluationFacts: 0, users: 0, quarantine: 0, deadLetters: 0, skipped: {} };
  const db = target.db;
  const caseStore = target.store as SqliteCaseStore;
  const dynamoCases = new DynamoCaseStore({ doc: source.doc, tableName: source.tableName });

  const caseIds = items.filter((i) => String(i.pk).startsWith(PK_PREFIX.case) && i.sk === CASE_SK.case).map((i) => String(i.pk).slice(PK_PREFIX.case.length));
  for (const [n, caseId] of caseIds.entries()) {
    const record = await dynamoCases.get(caseId);
    if (!record) continue;
    const [events, audit] = await Promise.all([dynamoCases.timeline(caseId), dynamoCases.auditTrail(caseId)]);
    if (caseStore.importCase(record, events, audit)) counts.cases++;
    else counts.casesAlreadyThere++;
    onProgress?.({ phase: 'cases', done: n + 1, total: caseIds.length });
  }

  const st = {
    source: db.prepare('INSERT INTO sources (source_key, claimed_at, case_id, taken_over_from) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    counter: db.prepare('INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)'),
    dup: db.prepare('INSERT INTO duplicate_index (jurisdiction, key_id, day, case_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    fact: db.prepare('INSERT INTO evaluation_facts (jurisdiction, quarter, id, fact) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    sent: db.prepare('INSERT INTO evaluation_reports_sent (jurisdiction, quarter, at, message_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    user: db.prepare('INSERT INTO users (username, item) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    quarantine: db.prepare('INSERT INTO quarantine (id, jurisdiction, received_sk, entry) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    deadLetter: db.prepare('INSERT INTO dead_letters (id, jurisdiction, status, list_sk, attempts, entry) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
  };
  const json = (v: unknown) => JSON.stringify(v instanceof Set ? [...v] : v);
  db.transaction(() => {
    for (const it of items) {
      const pk = String(it.pk);
      const prefix = prefixOf(pk);
      switch (prefix) {
        case PK_PREFIX.case:
          break; // above
        case PK_PREFIX.source:
          counts.sources += st.source.run(
            String(it.sourceKey),
            String(it.claimedAt),
            typeof it.caseId === 'string' ? it.caseId : null,
            typeof it.takenOverFrom === 'string' ? it.takenOverFrom : null,
          ).changes;
          break;
        case PK_PREFIX.counter:
          counts.counters += st.counter.run(pk.slice(PK_PREFIX.counter.length), Number(it.value)).changes;
          break;
        case PK_PREFIX.lsh:
        case PK_PREFIX.duplicate: {
          // LSH#<jur>#<band>#<hash> → B#<band>#<hash>; DUP#<jur>#<KIND>#<hash> → <KIND>#<hash> (indexKeyId)
          const [, jurisdiction, a, hash] = pk.split('#');
          const keyId = prefix === PK_PREFIX.lsh ? `B#${a}#${hash}` : `${a}#${hash}`;
          for (const e of (it.entries as Set<string> | undefined) ?? []) {
            if (e.indexOf('#') !== 8) continue;
            counts.duplicateKeys += st.dup.run(jurisdiction, keyId, e.slice(0, 8), e.slice(9)).changes;
          }
          break;
        }
        case PK_PREFIX.evaluation: {
          const [, jurisdiction, quarter] = pk.split('#');
          if (it.sk === REPORT_SENT_SK) st.sent.run(jurisdiction, quarter, String(it.at), String(it.messageId));
          else if (it.type === 'eval_fact') {
            const { pk: _pk, sk, type: _type, ...fact } = it;
            counts.evaluationFacts += st.fact.run(jurisdiction, quarter, String(sk), json(fact)).changes;
          }
          break;
        }
        case PK_PREFIX.user:
          counts.users += st.user.run(String(it.username), json(it)).changes;
          break;
        case PK_PREFIX.quarantine: {
          const e = it.entry as { id: string; jurisdiction: string; receivedAt: string };
          counts.quarantine += st.quarantine.run(e.id, e.jurisdiction, `${e.receivedAt}#${e.id}`, json(e)).changes;
          break;
        }
        case PK_PREFIX.deadLetter: {
          const e = it.entry as { id: string; jurisdiction: string; status: string; firstFailedAt: string; attempts: number };
          counts.deadLetters += st.deadLetter.run(e.id, e.jurisdiction, e.status, `${new Date(Date.parse(e.firstFailedAt)).toISOString()}#${e.id}`, e.attempts, json(e)).changes;
          break;
        }
        default:
          counts.skipped[prefix || pk] = (counts.skipped[prefix || pk] ?? 0) + 1;
      }
    }
  })();
  onProgress?.({ phase: 'other', done: items.length, total: items.length });
  return counts;
}
