/**
 * The embedded runtime's stores on SQLite, opened together by `openSqliteStores`: one file (WAL) in the private
 * data directory, one connection shared by every adapter (better-sqlite3 is synchronous, so statements of one
 * process never interleave inside a transaction). The DynamoDB adapters (shared/adapters/aws) stay for AWS; both
 * pass the same contract suite (test/contract/).
 */
import type { CaseStore } from '../../../ports';
import type { DuplicateIndex } from '../../../ports/duplicate-index';
import type { EvaluationFactStore } from '../../../ports/evaluation-facts';
import type { QuarantineStore } from '../../../email-intake/quarantine';
import type { DeadLetterStore } from '../../../services/dead-letters';
import type { ClaimSource } from '../../../services/reconcile';
import { backupDatabase, openDatabase } from './db';
import type { Db } from './db';
import { SqliteCaseStore } from './case-store';
import { SqliteClaimSource } from './claims';
import { SqliteDeadLetterStore } from './dead-letters';
import { SqliteDuplicateIndex } from './duplicate-index';
import { SqliteEvaluationFactStore } from './evaluation-facts';
import { SqliteQuarantineStore } from './quarantine';
import { newStoreStats } from './stats';
import type { StoreStats } from './stats';
import { SqliteUserItems } from './users';

export { SCHEMA_VERSION, openDatabase, backupDatabase } from './db';
export type { Db } from './db';
export type { StoreStats } from './stats';
export { SqliteCaseStore, SqliteClaimSource, SqliteDeadLetterStore, SqliteDuplicateIndex, SqliteEvaluationFactStore, SqliteQuarantineStore, SqliteUserItems };

/** The database file's name inside the data directory. */
export const DATABASE_FILE = 'tousu.db';

export interface SqliteStores {
  db: Db;
  /** Port calls and write transactions of every adapter together (benchmarks). */
  stats: StoreStats;
  /** Cases, with evaluation facts written in the same transaction as each case change. */
  store: CaseStore;
  facts: EvaluationFactStore;
  duplicateIndex: DuplicateIndex;
  quarantine: QuarantineStore;
  deadLetters: DeadLetterStore;
  claims: ClaimSource;
  /** Staff account items (infra/local/users.ts: `new UserStore({ items: stores.userItems() })`); one instance. */
  userItems<T extends { username: string }>(): SqliteUserItems<T>;
  /** A consistent copy of the live database (SQLite's online backup) at `destination`, mode 0600. */
  backup(destination: string, onProgress?: (p: { totalPages: number; remainingPages: number }) => void): Promise<void>;
  close(): void;
}

export interface OpenSqliteStoresOptions {
  /** Entries kept per duplicate-index key (default 200). */
  maxEntriesPerDuplicateKey?: number;
}

/** Opens (creating and migrating) the database at `path` (`:memory:` for tests) and builds every adapter on it. */
export function openSqliteStores(path: string, opts: OpenSqliteStoresOptions = {}): SqliteStores {
  const db = openDatabase(path);
  const stats = newStoreStats();
  const facts = new SqliteEvaluationFactStore(db, { stats });
  let closed = false;
  const userItems = new SqliteUserItems<{ username: string }>(db, { stats });
  return {
    db,
    stats,
    store: new SqliteCaseStore(db, { stats, facts }),
    facts,
    duplicateIndex: new SqliteDuplicateIndex(db, { stats, ...(opts.maxEntriesPerDuplicateKey !== undefined ? { maxEntriesPerKey: opts.maxEntriesPerDuplicateKey } : {}) }),
    quarantine: new SqliteQuarantineStore(db, { stats }),
    deadLetters: new SqliteDeadLetterStore(db, { stats }),
    claims: new SqliteClaimSource(db),
    userItems: <T extends { username: string }>() => userItems as unknown as SqliteUserItems<T>,
    backup: (destination, onProgress) => backupDatabase(db, destination, onProgress),
    close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
