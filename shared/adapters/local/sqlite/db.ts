/**
 * The embedded runtime's database: one SQLite file (better-sqlite3) in the private data directory, WAL journal,
 * every multi-row change in one transaction. The schema is versioned with `PRAGMA user_version`; `openDatabase`
 * brings an older file up to date.
 *
 * better-sqlite3 is synchronous: a statement runs on the calling thread and returns its result. A conditional
 * write costs tens of microseconds, less than the promise machinery around it, so the adapters call it inline.
 */
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type { Db };

/** Schema versions in order; index i brings the file from version i to i + 1. */
const MIGRATIONS: string[] = [
  `
  CREATE TABLE cases (
    case_id TEXT PRIMARY KEY,
    jurisdiction TEXT NOT NULL,
    phase TEXT NOT NULL,
    department TEXT,
    due_sk TEXT NOT NULL,
    q_due TEXT NOT NULL,
    receipt_sk TEXT NOT NULL,
    overdue INTEGER NOT NULL,
    version INTEGER NOT NULL,
    record TEXT NOT NULL
  ) STRICT;
  CREATE INDEX cases_by_phase ON cases (jurisdiction, phase, due_sk);
  CREATE INDEX cases_by_department ON cases (jurisdiction, department, due_sk);
  CREATE INDEX cases_by_receipt ON cases (jurisdiction, receipt_sk);
  CREATE TABLE case_links (
    case_id TEXT NOT NULL,
    department TEXT NOT NULL,
    jurisdiction TEXT NOT NULL,
    PRIMARY KEY (case_id, department)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX case_links_by_department ON case_links (jurisdiction, department);
  CREATE TABLE events (
    case_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    event TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE audit (
    case_id TEXT NOT NULL,
    at_sk TEXT NOT NULL,
    id TEXT NOT NULL,
    entry TEXT NOT NULL,
    PRIMARY KEY (case_id, at_sk, id)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE sources (
    source_key TEXT PRIMARY KEY,
    claimed_at TEXT NOT NULL,
    case_id TEXT,
    taken_over_from TEXT
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE duplicate_index (
    jurisdiction TEXT NOT NULL,
    key_id TEXT NOT NULL,
    day TEXT NOT NULL,
    case_id TEXT NOT NULL,
    PRIMARY KEY (jurisdiction, key_id, case_id)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE evaluation_facts (
    jurisdiction TEXT NOT NULL,
    quarter TEXT NOT NULL,
    id TEXT NOT NULL,
    fact TEXT NOT NULL,
    PRIMARY KEY (jurisdiction, quarter, id)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE evaluation_reports_sent (
    jurisdiction TEXT NOT NULL,
    quarter TEXT NOT NULL,
    at TEXT NOT NULL,
    message_id TEXT NOT NULL,
    PRIMARY KEY (jurisdiction, quarter)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE users (
    username TEXT PRIMARY KEY,
    item TEXT NOT NULL
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE quarantine (
    id TEXT PRIMARY KEY,
    jurisdiction TEXT NOT NULL,
    received_sk TEXT NOT NULL,
    entry TEXT NOT NULL
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX quarantine_by_receipt ON quarantine (jurisdiction, received_sk);
  CREATE TABLE dead_letters (
    id TEXT PRIMARY KEY,
    jurisdiction TEXT NOT NULL,
    status TEXT NOT NULL,
    list_sk TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    entry TEXT NOT NULL
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX dead_letters_by_status ON dead_letters (jurisdiction, status, list_sk);
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT, WITHOUT ROWID;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export interface OpenDatabaseOptions {
  /** Open an existing file read-only (backups, inspection). */
  readonly?: boolean;
}

/** Opens (creating if missing, mode 0600) and migrates the database file. `:memory:` for tests. */
export function openDatabase(path: string, opts: OpenDatabaseOptions = {}): Db {
  const fresh = path !== ':memory:' && !existsSync(path);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = new Database(path, { readonly: opts.readonly === true, fileMustExist: opts.readonly === true });
  if (fresh) chmodSync(path, 0o600);
  if (opts.readonly) return db;
  db.pragma('journal_mode = WAL');
  // WAL + NORMAL: a committed transaction survives a crash of the process; a power loss may lose the last ones
  // (never corrupts). FULL would fsync every commit.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    db.close();
    throw new Error(`数据库版本 ${current} 比本程序（${SCHEMA_VERSION}）新，请使用新版本的 tousu。`);
  }
  for (let v = current; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

/** A consistent copy of a live database (SQLite's online backup API: other connections keep writing meanwhile). */
export async function backupDatabase(db: Db, destination: string, onProgress?: (p: { totalPages: number; remainingPages: number }) => void): Promise<void> {
  await db.backup(destination, {
    progress: (p) => {
      onProgress?.(p);
      return 256; // pages per step
    },
  });
  chmodSync(destination, 0o600);
}
