/**
 * Migration of a data directory of the dynalite era (`<data-dir>/dynamodb`, LevelDB) into the SQLite database
 * (`<data-dir>/tousu.db`): `tousu migrate`, and `tousu start` / the offline CLI on their first open of such a
 * directory (docs/runtime.md, "Storage").
 *
 * 1. Backup first: the LevelDB directory is copied to `<data-dir>/backups/<stamp>-before-migrate/dynamodb`, and an
 *    existing `tousu.db` is copied there with SQLite's online backup.
 * 2. dynalite opens the LevelDB in this process (no thread, no listener) and every item is carried into SQLite
 *    (shared/adapters/local/sqlite/migrate-from-dynamodb.ts; idempotent: what is already there is left alone).
 * 3. Check after: every case, source claim, staff account, dead letter and quarantined mail of the old table must
 *    be in the SQLite file, by key; any missing one stops the migration with the count, and the marker is not
 *    written (so the next start tries again).
 * 4. The marker (`meta.migrated_from_dynamodb`) records when and what; the LevelDB directory is left in place,
 *    untouched from then on (the administrator removes it once satisfied).
 *
 * dynalite is loaded only here, and only when such a directory exists: the runtime itself never starts it.
 */
import { cp, mkdir } from 'node:fs/promises';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { backupDatabase, openDatabase } from '../../shared/adapters/local/sqlite';
import { openEmbeddedStorage } from './composition';
import type { Db } from '../../shared/adapters/local/sqlite';
import { migrateFromDynamo } from '../../shared/adapters/local/sqlite/migrate-from-dynamodb';
import type { MigrationCounts, MigrationProgress } from '../../shared/adapters/local/sqlite/migrate-from-dynamodb';
import { CASE_SK, PK_PREFIX } from '../../shared/adapters/aws/table';
import { TousuError } from '../../shared/domain/errors';

/** The table name of the dynalite era's runtime. */
export const LEGACY_TABLE_NAME = 'tousu';
const MARKER = 'migrated_from_dynamodb';

export interface MigrationPaths {
  root: string;
  /** `<data-dir>/dynamodb` (the dynalite era's LevelDB). */
  dynamodb: string;
  /** `<data-dir>/tousu.db`. */
  database: string;
  /** `<data-dir>/backups`. */
  backups: string;
}

export interface MigrationMarker {
  at: string;
  counts: MigrationCounts;
  backup: string;
}

export interface MigrationReport {
  /** `none`: no LevelDB directory; `done`: migrated now (or again, with `force`). */
  outcome: 'none' | 'done';
  counts?: MigrationCounts;
  /** Where the backup went. */
  backup?: string;
  /** What the check after the copy compared (old table → found in SQLite). */
  checked?: Record<string, { source: number; found: number }>;
}

export class MigrationError extends TousuError {
  override readonly name = 'MigrationError';
  readonly status = 500;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A LevelDB directory of the dynalite era with files in it. */
export function hasLegacyStore(paths: MigrationPaths): boolean {
  return existsSync(paths.dynamodb) && statSync(paths.dynamodb).isDirectory() && readdirSync(paths.dynamodb).length > 0;
}

function readMarker(db: Db): MigrationMarker | undefined {
  const row = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(MARKER);
  return row ? (JSON.parse(row.value) as MigrationMarker) : undefined;
}

/** The marker of an earlier migration, or undefined (none, or no database yet). */
export function migrationMarker(paths: MigrationPaths): MigrationMarker | undefined {
  if (!existsSync(paths.database)) return undefined;
  const db = openDatabase(paths.database);
  try {
    return readMarker(db);
  } finally {
    db.close();
  }
}

/** True when the data directory holds a LevelDB store that was never migrated (start and the offline CLI migrate it). */
export function needsMigration(paths: MigrationPaths): boolean {
  return hasLegacyStore(paths) && migrationMarker(paths) === undefined;
}

const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');

/**
 * Migrates `<data-dir>/dynamodb` into `<data-dir>/tousu.db` (the steps in the module comment). The caller holds the
 * data directory's lock. Running it again is harmless: nothing already in SQLite is written twice.
 */
export async function migrateDataDir(paths: MigrationPaths, onProgress?: (p: MigrationProgress) => void): Promise<MigrationReport> {
  if (!hasLegacyStore(paths)) return { outcome: 'none' };

  // 1. Backup.
  const backup = join(paths.backups, `${stamp()}-before-migrate`);
  await mkdir(backup, { recursive: true, mode: 0o700 });
  await cp(paths.dynamodb, join(backup, 'dynamodb'), { recursive: true, errorOnExist: true, force: false });
  if (existsSync(paths.database)) {
    const db = openDatabase(paths.database);
    try {
      await backupDatabase(db, join(backup, 'tousu.db'));
    } finally {
      db.close();
    }
  }

  // 2. Copy. dynalite is a dependency of this step only.
  const { documentClient, localDynamoClient, startDynalite } = await import('./dynalite');
  const { DescribeTableCommand, ResourceNotFoundException } = await import('@aws-sdk/client-dynamodb');
  let dynalite;
  try {
    dynalite = await startDynalite({ path: paths.dynamodb });
  } catch (err) {
    throw new MigrationError('legacy_store_unreadable', `无法打开旧数据目录 ${paths.dynamodb}（${(err as NodeJS.ErrnoException).code ?? (err as Error).message}）。备份在 ${backup}。`);
  }
  const client = localDynamoClient(dynalite);
  const doc = documentClient(client);
  // The SQLite stores as the runtime opens them (./composition.ts, the embedded composition root).
  const storage = openEmbeddedStorage({ databaseFile: paths.database });
  const target = storage.sqlite!;
  try {
    let tableThere = true;
    try {
      await client.send(new DescribeTableCommand({ TableName: LEGACY_TABLE_NAME }));
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException)) throw err;
      tableThere = false;
    }
    const empty: MigrationCounts = { cases: 0, casesAlreadyThere: 0, sources: 0, counters: 0, duplicateKeys: 0, evaluationFacts: 0, users: 0, quarantine: 0, deadLetters: 0, skipped: {} };
    const counts = tableThere ? await migrateFromDynamo({ doc, tableName: LEGACY_TABLE_NAME }, target, onProgress) : empty;

    // 3. Check after, by key.
    const checked: Record<string, { source: number; found: number }> = {};
    if (tableThere) {
      const keys = { cases: [] as string[], sources: [] as string[], users: [] as string[], deadLetters: [] as string[], quarantine: [] as string[] };
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(new ScanCommand({ TableName: LEGACY_TABLE_NAME, ProjectionExpression: 'pk, sk', ...(start ? { ExclusiveStartKey: start } : {}) }));
        for (const it of page.Items ?? []) {
          const pk = String(it.pk);
          if (pk.startsWith(PK_PREFIX.case) && it.sk === CASE_SK.case) keys.cases.push(pk.slice(PK_PREFIX.case.length));
          else if (pk.startsWith(PK_PREFIX.source)) keys.sources.push(pk.slice(PK_PREFIX.source.length));
          else if (pk.startsWith(PK_PREFIX.user)) keys.users.push(pk.slice(PK_PREFIX.user.length));
          else if (pk.startsWith(PK_PREFIX.deadLetter)) keys.deadLetters.push(pk.slice(PK_PREFIX.deadLetter.length));
          else if (pk.startsWith(PK_PREFIX.quarantine)) keys.quarantine.push(pk.slice(PK_PREFIX.quarantine.length));
        }
        start = page.LastEvaluatedKey;
      } while (start);
      const db = target.db;
      const found = (sql: string, ids: string[]) => {
        const st = db.prepare<[string], { n: number }>(sql);
        return ids.filter((id) => (st.get(id)?.n ?? 0) > 0).length;
      };
      checked.cases = { source: keys.cases.length, found: found('SELECT count(*) AS n FROM cases WHERE case_id = ?', keys.cases) };
      checked.sources = { source: keys.sources.length, found: found('SELECT count(*) AS n FROM sources WHERE source_key = ?', keys.sources) };
      checked.users = { source: keys.users.length, found: found('SELECT count(*) AS n FROM users WHERE username = ?', keys.users) };
      checked.deadLetters = { source: keys.deadLetters.length, found: found('SELECT count(*) AS n FROM dead_letters WHERE id = ?', keys.deadLetters) };
      checked.quarantine = { source: keys.quarantine.length, found: found('SELECT count(*) AS n FROM quarantine WHERE id = ?', keys.quarantine) };
      const missing = Object.entries(checked).filter(([, c]) => c.found < c.source);
      if (missing.length > 0) {
        throw new MigrationError(
          'migration_incomplete',
          `迁移后核对不一致：${missing.map(([k, c]) => `${k} 旧库 ${c.source} 条，新库只有 ${c.found} 条`).join('；')}。未标记为已迁移，旧数据未改动，备份在 ${backup}。请重新运行 tousu migrate。`,
        );
      }
    }

    // 4. Marker.
    const marker: MigrationMarker = { at: new Date().toISOString(), counts, backup };
    target.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(MARKER, JSON.stringify(marker));
    return { outcome: 'done', counts, backup, checked };
  } finally {
    storage.close();
    client.destroy();
    await dynalite.close();
  }
}

/**
 * The offline CLI's first open of a dynalite-era data directory (the caller holds the lock): migrates it as
 * `tousu migrate` would, saying so on standard error. Nothing when there is nothing to migrate.
 */
export async function migrateIfNeeded(paths: MigrationPaths, say: (text: string) => void = (t) => process.stderr.write(`${t}\n`)): Promise<MigrationReport | undefined> {
  if (!needsMigration(paths)) return undefined;
  say(`发现旧版数据目录 ${paths.dynamodb}，先迁移到 ${paths.database}（先备份）……`);
  const report = await migrateDataDir(paths);
  const c = report.counts!;
  say(`迁移完成：${c.cases + c.casesAlreadyThere} 件投诉、${c.users} 个账户、${c.deadLetters} 条死信；备份在 ${report.backup}`);
  return report;
}
