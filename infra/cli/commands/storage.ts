/**
 * `tousu migrate` and `tousu backup`: the embedded runtime's SQLite database (docs/runtime.md, "Storage").
 *
 * - `tousu migrate [--data-dir DIR]`: a data directory of the dynalite era (`<data-dir>/dynamodb`) into
 *   `<data-dir>/tousu.db` (infra/local/migrate.ts: backup first, a progress bar, a check of every key after). Run
 *   again it changes nothing. `tousu start` does the same on its first start of such a directory. Refused while
 *   `tousu start` runs on the directory (it migrated at its start already).
 * - `tousu backup [--data-dir DIR] [--out FILE]`: a consistent copy of the database (SQLite's online backup API),
 *   made by the running runtime itself through its admin socket while it runs (it keeps writing meanwhile), or by
 *   this process under the data directory's lock when it is stopped. Default destination:
 *   `<data-dir>/backups/tousu-<UTC time>.db`. Restoring is copying it back to `<data-dir>/tousu.db` while stopped.
 */
import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve, join } from 'node:path';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { backupDatabase, openDatabase } from '../../../shared/adapters/local/sqlite';
import { acquireLock, checkDataDir, dataPaths, readLiveLock } from '../../local/runtime';
import { hasLegacyStore, migrateDataDir } from '../../local/migrate';
import { UsageError } from '../usage-error';
import { adminRequest } from './users';

const DEFAULT_DATA_DIR = '.tousu';

async function underLock<T>(dataDir: string, what: string, fn: () => Promise<T>): Promise<T> {
  const paths = dataPaths(dataDir);
  for (const note of await checkDataDir(paths)) process.stderr.write(`${note}\n`);
  let release: () => Promise<void>;
  try {
    release = await acquireLock(paths, { kind: 'cli' });
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)} 请先停止 tousu start 再${what}。`);
  }
  try {
    return await fn();
  } finally {
    await release();
  }
}

export async function runMigrate(dataDir: string, opts: { progress?: boolean } = {}): Promise<number> {
  const paths = dataPaths(dataDir);
  const live = await readLiveLock(paths);
  if (live?.kind === 'runtime') throw new UsageError(`tousu start（进程号 ${live.pid}）正在使用数据目录 ${paths.root}：它启动时已完成迁移，无需再运行 tousu migrate。`);
  if (!hasLegacyStore(paths)) {
    process.stdout.write(`数据目录 ${paths.root} 没有旧版数据（${paths.dynamodb}），无需迁移。\n`);
    return 0;
  }
  return underLock(dataDir, '迁移', async () => {
    const bar =
      opts.progress === false ? undefined : new cliProgress.SingleBar({ format: '迁移 {bar} {value}/{total} 件投诉', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
    let started = false;
    process.stderr.write(`正在备份并迁移 ${paths.dynamodb} → ${paths.database}……\n`);
    let report;
    try {
      report = await migrateDataDir(paths, (p) => {
        if (p.phase === 'scan') return;
        if (p.phase === 'cases' && p.total !== undefined) {
          if (!started) {
            bar?.start(p.total, 0);
            started = true;
          }
          bar?.update(p.done);
        }
      });
    } finally {
      if (started) bar?.stop();
    }
    const c = report.counts!;
    const lines = [
      `迁移完成（备份在 ${report.backup}）：`,
      `  投诉件 新迁移 ${c.cases}，已存在 ${c.casesAlreadyThere}；来源登记 ${c.sources}；流水号计数器 ${c.counters}；查重索引 ${c.duplicateKeys}；考评数据 ${c.evaluationFacts}；账户 ${c.users}；隔离邮件 ${c.quarantine}；死信 ${c.deadLetters}`,
      `  核对：${Object.entries(report.checked ?? {})
        .map(([k, v]) => `${k} ${v.found}/${v.source}`)
        .join('，')}`,
      ...(Object.keys(c.skipped).length
        ? [
            `  未迁移的数据类型（按原样留在 ${paths.dynamodb}）：${Object.entries(c.skipped)
              .map(([k, n]) => `${k} ${n} 条`)
              .join('，')}`,
          ]
        : []),
      `旧目录 ${paths.dynamodb} 保持不变，确认无误后可自行删除。`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  });
}

export async function runBackup(dataDir: string, out: string | undefined): Promise<{ path: string; bytes: number }> {
  const paths = dataPaths(dataDir);
  const destination = resolve(out ?? join(paths.backups, `tousu-${new Date().toISOString().replace(/[:.]/g, '-')}.db`));
  if (existsSync(destination)) throw new UsageError(`备份文件 ${destination} 已存在，请用 --out 指定新的文件名。`);
  const live = (await adminRequest(dataDir, 'POST', '/admin/backup', { destination })) as { path: string; bytes: number } | undefined;
  if (live) return live;
  if (!existsSync(paths.database)) {
    throw new UsageError(
      hasLegacyStore(paths) ? `数据目录 ${paths.root} 还是旧版格式：请先运行 tousu migrate（迁移前会自动备份）。` : `数据目录 ${paths.root} 中没有数据库（未找到 ${paths.database}）。`,
    );
  }
  return underLock(dataDir, '备份', async () => {
    await mkdir(dirname(destination), { recursive: true, mode: 0o700 });
    const db = openDatabase(paths.database);
    const bar = new cliProgress.SingleBar({ format: '备份 {bar} {percentage}%', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
    let started = false;
    try {
      await backupDatabase(db, destination, (p) => {
        if (!started) {
          bar.start(p.totalPages, 0);
          started = true;
        }
        bar.update(p.totalPages - p.remainingPages);
      });
    } finally {
      if (started) bar.stop();
      db.close();
    }
    return { path: destination, bytes: (await stat(destination)).size };
  });
}

export function registerStorage(program: Command): void {
  program
    .command('migrate')
    .description('把旧版（dynalite）数据目录迁移到 SQLite 数据库：先备份，显示进度，迁移后逐条核对；可重复运行 (migrate a dynalite-era data directory to SQLite)')
    .option('--data-dir <dir>', `数据目录（默认 ${DEFAULT_DATA_DIR}）`, DEFAULT_DATA_DIR)
    .option('--no-progress', '不显示进度条')
    .action(async (o: { dataDir: string; progress: boolean }) => {
      process.exitCode = await runMigrate(o.dataDir, { progress: o.progress });
    });
  program
    .command('backup')
    .description('备份数据库：运行中也可备份，得到一致的副本 (consistent copy of the database, also while running)')
    .option('--data-dir <dir>', `数据目录（默认 ${DEFAULT_DATA_DIR}）`, DEFAULT_DATA_DIR)
    .option('--out <file>', '备份文件（默认 <数据目录>/backups/tousu-<时间>.db）')
    .action(async (o: { dataDir: string; out?: string }) => {
      const done = await runBackup(o.dataDir, o.out);
      process.stdout.write(`已备份到 ${done.path}（${(done.bytes / 1024).toFixed(0)} KiB）。恢复：停止 tousu start 后，把它复制为 ${dataPaths(o.dataDir).database}。\n`);
    });
}
