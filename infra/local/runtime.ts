/**
 * The embedded runtime's composition root (`tousu start`): builds every port and service from a data
 * directory and options, starts them in order, and stops them in reverse order. Nothing here decides a
 * business rule: the same intake core, action service, task services, ASL and Hono app as on AWS run here,
 * with local adapters behind the ports (docs/runtime.md).
 *
 * Start order: data dir check (private: 0700, umask 077) and lock → log → configuration → clock → migration of a
 * dynalite-era `dynamodb` directory, once (infra/local/migrate.ts) → the SQLite database (`tousu.db`, WAL; in process,
 * no port) → adapters → workflow engine → resume open cases → HTTP → SMTP → admin endpoint (Unix socket
 * in the data directory) → folder watch → dead-letter replay → reconciler (once, then every 10 minutes;
 * infra/local/recovery.ts). The only TCP listeners are HTTP and SMTP (test/e2e/runtime-exposure.test.ts).
 * Stop order: folder watch, SMTP, HTTP and admin stop accepting and finish what they hold → the engine aborts
 * its executions and lets running tasks finish their writes → the database closes → the lock is released.
 */
import type { HandoverConfig } from '../../shared/domain/handover';
import { parseHandoverConfig } from '../../shared/domain/handover';
import { ConfigError, errorName } from '../../shared/domain/errors';
import { handOverParked } from '../../shared/services/lifecycle-tasks';
import { deadLetterId, errorSummary } from '../../shared/services/dead-letters';
import type { EvaluationFactStore } from '../../shared/ports/evaluation-facts';
import type { CaseRecord } from '../../shared/domain/case';
import { access, chmod, constants, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { writeFileAtomic } from './atomic-file';
import { DataDirNotPrivateError, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, privateUmask, securePrivateDir } from './private-dir';
import { createServer } from 'node:http';
import { stat } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { getRequestListener, serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import nodemailer from 'nodemailer';
import type { Hono } from 'hono';
import type { StoreStats } from '../../shared/adapters/local/sqlite';
import { composeEmbedded, embeddedJurisdiction } from './composition';
import type { EmbeddedComposition } from './composition';
import { recomputeProvisional } from '../../shared/services/calendar-recompute';
import { parseHolidayNotice } from '../../shared/domain/calendar-notice';
import type { ProvisionalStatus } from '../../shared/services/calendar-recompute';
import type { CalendarRouteDeps } from '../../functions/api/routes/calendar-admin';
import { DEFAULT_JURISDICTION, listJurisdictions } from '../../shared/config/load';
import { rulesStatus } from '../../shared/config/rules';
import { shanghaiDate } from '../../shared/domain/calendar';
import type { WorkingCalendar } from '../../shared/domain/calendar';
import type { JurisdictionConfig } from '../../shared/domain/jurisdiction';
import type { RulesRegistry } from '../../shared/domain/rules';
import { TousuError, isTousuError } from '../../shared/domain/errors';
import { ingestEmail } from '../../shared/email-intake/service';
import { createEmailIntakeRoute } from '../../shared/email-intake/route';
import type { IntakeDeps } from '../../shared/intake/core';
import type { CaseStore } from '../../shared/ports';
import { performAction } from '../../shared/services/actions';
import { createApp } from '../../functions/api/app';
import { LimitsConfigError, parseHttpLimits } from '../../functions/api/limits';
import type { HttpLimitsInput } from '../../functions/api/limits';
import { registerConsoleRoutes } from '../../functions/api/routes/console';
import { mountStaffRoutes, staffAuthenticator } from '../../functions/api/routes/staff';
import { mountReportRoutes } from '../../functions/api/routes/reports';
import { simpleParser } from 'mailparser';
import { mountDecisionRoutes } from '../../functions/api/routes/evaluation-decisions';
import type { StaffRouteDeps } from '../../functions/api/routes/staff';
import { mountStaffIntakeRoutes } from '../../functions/staff-intake/routes';
import { staffSubmit } from '../../functions/staff-intake/service';
import { createTokenIssuer, loadOrCreateSecret } from './auth';
import type { TokenIssuer } from '../../shared/ports/staff-auth';
import { RealClock, ScaledClock } from './clock';
import type { SleepingClock } from '../../shared/ports';
import { FolderBlobStore } from './folder-blob-store';
import { FolderWatch } from './folder-watch';
import { FileLetterReviewStore } from './letter-review-store';
import { WorkerOcrEngine } from '../../shared/adapters/local/ocr/worker-ocr';
import type { OcrEngine } from '../../shared/ports/ocr';
import type { LetterReviewStore } from '../../shared/ports/letter-review';
import { confirmLetter } from '../../shared/services/letter-review';
import type { Actor } from '../../shared/domain/case';
import { createLogger } from './log';
import type { LogFormat, RuntimeLogger } from './log';
import { OutboxMailSender } from './outbox-mail-sender';
import { createWorkOrderPump, readWorkOrderSettings, WorkOrderConfigError } from './workorder-pump';
import type { WorkOrderPump, WorkOrderSettings } from './workorder-pump';
import { startSmtpIntake } from './smtp-intake';
import type { MailIngestOutcome, ReplayResult, SmtpIntakeHandle } from './smtp-intake';
import { SmtpLimitsError, parseSmtpLimits, type SmtpLimits, type SmtpLimitsInput } from './smtp-limits';
import { IntakeBacklogLimitsError, parseIntakeBacklog, type IntakeBacklogLimits } from './intake-backlog';
import type { UserStore } from './users';
import { staffAdminOf, staffDirectoryOf } from './users';
import { mountAdminRoutes } from '../../functions/api/routes/admin';
import { mountLetterReviewRoutes } from '../../functions/api/routes/letter-review';
import { createRecovery } from './recovery';
import { createAdminApp } from './admin-app';
import type { Recovery } from './recovery';
import { IntakeParkedError } from '../../shared/services/dead-letters';
import { createLocalWorkflow } from './workflow';
import type { LocalWorkflow } from './workflow';
import { migrateDataDir, needsMigration } from './migrate';

export { DEFAULT_JURISDICTION };
export const TABLE_NAME = 'tousu';

/** Paths inside the data directory (docs/runtime.md, "Data directory"). */
export function dataPaths(dataDir: string) {
  const root = resolve(dataDir);
  return {
    root,
    /** The SQLite database (WAL: `tousu.db-wal` and `tousu.db-shm` beside it while open). */
    database: join(root, 'tousu.db'),
    /** The dynalite era's LevelDB directory: read once by the migration (infra/local/migrate.ts), then left alone. */
    dynamodb: join(root, 'dynamodb'),
    /** Copies made by `tousu backup` (default destination) and by the migration (before it writes). */
    backups: join(root, 'backups'),
    blobs: join(root, 'blobs'),
    /** Art. 18 archive files (FolderBlobStore root; keys `<jurisdiction>/<yyyy>/<caseId>.json`). */
    archive: join(root, 'archive'),
    outbox: join(root, 'outbox'),
    inbox: join(root, 'inbox'),
    deadLetters: join(root, 'dead-letters', 'smtp'),
    logs: join(root, 'logs'),
    logFile: join(root, 'logs', 'tousu.log'),
    tokenKey: join(root, 'secrets', 'token.key'),
    adminKey: join(root, 'secrets', 'admin.key'),
    lock: join(root, 'runtime.json'),
    /** The admin endpoint (a Unix socket, 0600; `tousu users`, `reconcile`, `dead-letters`, `report` while running). */
    adminSocket: join(root, 'admin.sock'),
    instance: join(root, 'instance.json'),
    clock: join(root, 'clock.json'),
    config: join(root, 'tousu.config.json'),
    /** Calendar years imported into this runtime (`<year>.json`, as in config/calendar; these win). */
    calendar: join(root, 'calendar'),
  };
}
export type DataPaths = ReturnType<typeof dataPaths>;

/** Top-level names tousu creates in a data directory (and `lost+found` of a dedicated file system). */
const OWN_TOP_LEVEL = new Set([
  'tousu.db',
  'tousu.db-wal',
  'tousu.db-shm',
  'backups',
  'dynamodb',
  'blobs',
  'archive',
  'outbox',
  'inbox',
  'dead-letters',
  'logs',
  'secrets',
  'runtime.json',
  'admin.sock',
  'instance.json',
  'clock.json',
  'tousu.config.json',
  'lost+found',
]);
// Temporary files of atomic writes (`<file>.<uuid>.tmp`) and of the write probe that a crash can leave behind.
const isOwnEntry = (name: string) => OWN_TOP_LEVEL.has(name) || /\.[0-9a-f-]{36}\.tmp$/.test(name) || /^\.write-test-\d+$/.test(name);

/** A start-up failure with a plain Chinese message (exit 1). */
export class RuntimeStartError extends TousuError {
  override readonly name = 'RuntimeStartError';
  readonly status = 500;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface RuntimeOptions {
  dataDir: string;
  /**
   * HTTP abuse limits (functions/api/limits.ts; docs/limits.md); overrides `limits` in tousu.config.json. Load tests
   * raise them here or in the file; there is no switch that turns them off.
   */
  limits?: HttpLimitsInput;
  /** Interface for HTTP and SMTP (default 127.0.0.1). */
  host?: string;
  /** HTTP port (default 8080; 0 = a free port). */
  port?: number;
  /** SMTP port (default 2525; 0 = a free port). */
  smtpPort?: number;
  /** SMTP listener limits (infra/local/smtp-limits.ts); field by field over the data directory's `smtp`. */
  smtp?: SmtpLimitsInput;
  jurisdiction?: string;
  /** Virtual clock: N times faster than wall time. */
  clockScale?: number;
  /** Virtual clock: the instant it starts from (default: where the last virtual run left it, else now). */
  clockStart?: string;
  /** Injected clock (tests: ManualClock); overrides clockScale/clockStart. */
  clock?: SleepingClock;
  /** `smtp://host:port` to relay the outbox through. */
  relay?: string;
  logFormat?: LogFormat;
  /** No terminal output (the JSON log file is still written). */
  quiet?: boolean;
  folderPollMs?: number;
  /** Public base URL for links in mails (default http://<host>:<port>). */
  publicUrl?: string;
  /** Wall time between reconciler runs (default 10 minutes; 0 = only once after start). */
  reconcileEveryMs?: number;
  /** Directory of jurisdiction files (default config/jurisdictions). */
  jurisdictionDir?: string;
  /**
   * OCR of letters without keyed fields (issue 24): default PaddleOCR on onnxruntime-node on a worker thread, loaded
   * on the first such batch; `false` turns OCR off (those batches then fail with `ocr_unavailable`).
   */
  ocr?: OcrEngine | false;
}

/** Optional `<data-dir>/tousu.config.json`. */
interface DataDirConfig {
  jurisdiction?: string;
  relay?: string;
  /** More recipient addresses the SMTP listener accepts besides the jurisdiction's intake address. */
  intakeAddresses?: string[];
  /** SMTP listener limits (infra/local/smtp-limits.ts), validated at start. */
  smtp?: SmtpLimitsInput;
  /** The screening backlog bound of intake back-pressure (infra/local/intake-backlog.ts), validated at start. */
  intakeBacklog?: unknown;
  publicUrl?: string;
  /** HTTP abuse limits (functions/api/limits.ts), validated at start. */
  limits?: unknown;
  /** Signed hand-overs to and from other jurisdictions' deployments (shared/domain/handover.ts), validated at start. */
  handover?: unknown;
  /** The 12345 platform's webhook for work-order reports (art. 7(2); infra/local/workorder-pump.ts), validated at start. */
  workOrderOutbound?: unknown;
}

export interface RuntimeStatus {
  pid: number;
  startedAt: string;
  jurisdiction: string;
  httpUrl: string;
  smtpPort: number;
  clock: { now: string; kind: 'real' | 'virtual'; scale?: number };
  /** Instants the engine sleeps until (callback-task wake-ups), earliest first. */
  pendingWakeUps: string[];
  runningExecutions: number;
  resumed: number;
  /** Totals since start by metric name (shared/services/metrics.ts: IntakesCreated, OverdueCases, DeadLettersParked…). */
  metrics: Record<string, number>;
}

export interface Runtime {
  paths: DataPaths;
  httpUrl: string;
  httpPort: number;
  smtpPort: number;
  /** Path of the admin endpoint's Unix socket (also in the lock file). */
  adminSocket: string;
  jurisdiction: JurisdictionConfig;
  calendar: WorkingCalendar;
  rules: RulesRegistry;
  clock: SleepingClock;
  store: CaseStore;
  users: UserStore;
  tokens: TokenIssuer;
  workflow: LocalWorkflow;
  outbox: OutboxMailSender;
  folderWatch: FolderWatch;
  /** Letters read by OCR waiting for the clerk's check, and the check itself (shared/services/letter-review.ts). */
  letterReview: { store: LetterReviewStore; confirm(id: string, fields: Record<string, unknown>, actor: Actor): Promise<{ caseId: string; duplicate: boolean }> };
  logger: RuntimeLogger;
  /** Case ids resumed at start. */
  resumed: string[];
  /** The calendar at start: years missing and open cases on provisional dates (the start banner says it). */
  calendarStatus: ProvisionalStatus;
  /** Port calls and write transactions of the SQLite stores since start (benchmarks). */
  storeStats(): StoreStats;
  /** A consistent copy of the live database at `destination` (SQLite's online backup; `tousu backup`). */
  backup(destination: string): Promise<{ path: string; bytes: number }>;
  status(): RuntimeStatus;
  replayDeadLetters(): Promise<ReplayResult[]>;
  /** Dead letters (store and SMTP folder) and the reconciler (infra/local/recovery.ts). */
  recovery: Recovery;
  /** The evaluation facts (art. 20) of this data directory, for reports and tests. */
  evaluationFacts: EvaluationFactStore;
  /** The 12345 loop (art. 7(2)), when `workOrderOutbound` is configured: the outbox and its pump. */
  workOrders?: WorkOrderPump;
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------- helpers

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface LockInfo {
  pid: number;
  kind: 'runtime' | 'cli';
  startedAt: string;
  httpUrl?: string;
  /** The admin endpoint's Unix socket, once the runtime has started. */
  adminSocket?: string;
  smtpPort?: number;
}

/** The lock of a live process, or undefined (no lock or a stale one left by a killed process). */
export async function readLiveLock(paths: DataPaths): Promise<LockInfo | undefined> {
  const info = await readLockFile(paths);
  return info && info.pid !== process.pid && pidAlive(info.pid) ? info : undefined;
}

/** The lock file as written, whoever wrote it (undefined: none, or unreadable). */
async function readLockFile(paths: DataPaths): Promise<LockInfo | undefined> {
  try {
    const info = JSON.parse(await readFile(paths.lock, 'utf8')) as LockInfo;
    return typeof info.pid === 'number' ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the data directory: one process at a time owns it (its engine, its database, its folders). */
export async function acquireLock(paths: DataPaths, info: Omit<LockInfo, 'pid' | 'startedAt'>): Promise<() => Promise<void>> {
  const held = await readLockFile(paths);
  // Re-entrant within one process: a CLI command run in the runtime's own process (tests, the demo) must neither
  // overwrite the runtime's lock nor remove it when it ends; the outer holder keeps it and releases it.
  if (held?.pid === process.pid) return async () => {};
  const live = held && pidAlive(held.pid) ? held : undefined;
  if (live) {
    throw new RuntimeStartError(
      'data_dir_in_use',
      `数据目录 ${paths.root} 正被另一个 tousu 进程使用（进程号 ${live.pid}${live.httpUrl ? `，${live.httpUrl}` : ''}）。请先停止它，或用 --data-dir 指定其他目录。 (data directory in use by pid ${live.pid})`,
    );
  }
  const mine: LockInfo = { pid: process.pid, startedAt: new Date().toISOString(), ...info };
  await writeJsonAtomic(paths.lock, mine);
  return async () => {
    if ((await readLockFile(paths))?.pid === process.pid) await rm(paths.lock, { force: true }).catch(() => undefined);
  };
}

const writeJsonAtomic = (path: string, value: unknown): Promise<void> => writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new RuntimeStartError('bad_data_file', `无法读取 ${path}：文件内容不是有效的 JSON。 (${(err as Error).message})`);
  }
}

/**
 * Creates the data directory if needed (0700), makes sure no other user can read it (infra/local/private-dir.ts:
 * made private with a notice when it holds only tousu's own files, refused otherwise), sets the umask to 077 for
 * everything written afterwards, and proves the directory writable. Returns the notices for the administrator.
 */
export async function checkDataDir(paths: DataPaths): Promise<string[]> {
  privateUmask();
  let notes: string[];
  try {
    await mkdir(paths.root, { recursive: true, mode: PRIVATE_DIR_MODE });
    notes = await securePrivateDir(paths.root, isOwnEntry);
  } catch (err) {
    if (err instanceof DataDirNotPrivateError) throw new RuntimeStartError('data_dir_not_private', err.message);
    throw dataDirNotWritable(paths, err);
  }
  try {
    await access(paths.root, constants.W_OK | constants.R_OK);
    const probe = join(paths.root, `.write-test-${process.pid}`);
    await writeFile(probe, 'ok', { mode: PRIVATE_FILE_MODE });
    await rm(probe, { force: true });
  } catch (err) {
    throw dataDirNotWritable(paths, err);
  }
  return notes;
}

function dataDirNotWritable(paths: DataPaths, err: unknown): RuntimeStartError {
  const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
  return new RuntimeStartError('data_dir_not_writable', `数据目录 ${paths.root} 无法创建或不可写（${code}）。请检查目录权限，或用 --data-dir 指定一个可写的目录。 (data directory not writable)`);
}

function portError(err: unknown, what: string, host: string, port: number): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new RuntimeStartError(
      'port_in_use',
      `${what}端口 ${port} 已被占用（${host}:${port}）。请停止占用该端口的程序，或用 ${what === 'HTTP ' ? '--port' : '--smtp-port'} 指定其他端口。 (port ${port} is in use)`,
    );
  }
  if (code === 'EACCES') return new RuntimeStartError('port_denied', `没有权限监听${what}端口 ${port}（${host}）。请使用 1024 以上的端口。 (permission denied for port ${port})`);
  if (code === 'EADDRNOTAVAIL') return new RuntimeStartError('bad_host', `本机没有地址 ${host}，请检查 --host。 (address not available)`);
  return err as Error;
}

/** Picks the jurisdiction: option, data-dir config, the one recorded at first start, the only one configured, or 510903. */
function chooseJurisdiction(opt: string | undefined, cfg: DataDirConfig, recorded: string | undefined): string {
  if (opt) return opt;
  if (cfg.jurisdiction) return cfg.jurisdiction;
  if (recorded) return recorded;
  const all = listJurisdictions();
  if (all.length === 1 && all[0]) return all[0].code;
  return DEFAULT_JURISDICTION;
}

interface ClockFile {
  scale: number;
  /** Virtual instant at `anchorReal`. */
  anchorVirtual: string;
  anchorReal: string;
}

/**
 * The clock: real by default. A virtual clock (--clock-scale / --clock-start) persists its anchor in
 * `clock.json`, so that after a restart virtual time continues from where it was (plus the downtime,
 * scaled) instead of jumping back to the wall clock; `--clock-start` sets it explicitly.
 */
async function chooseClock(opts: RuntimeOptions, paths: DataPaths): Promise<{ clock: SleepingClock; kind: 'real' | 'virtual'; scale?: number; note?: string }> {
  if (opts.clock) return { clock: opts.clock, kind: 'virtual' };
  const saved = await readJson<ClockFile>(paths.clock);
  const virtual = opts.clockScale !== undefined || opts.clockStart !== undefined;
  if (!virtual) {
    if (saved) await rm(paths.clock, { force: true });
    return { clock: new RealClock(), kind: 'real', ...(saved ? { note: 'previous run used a virtual clock; now on real time' } : {}) };
  }
  const scale = opts.clockScale ?? 1;
  if (!Number.isFinite(scale) || scale < 1) throw new RuntimeStartError('bad_clock_scale', '--clock-scale 应为不小于 1 的数字。');
  let start: number;
  if (opts.clockStart !== undefined) {
    start = Date.parse(opts.clockStart);
    if (Number.isNaN(start)) throw new RuntimeStartError('bad_clock_start', `--clock-start 不是有效的时间：${opts.clockStart}`);
  } else if (saved) {
    start = Date.parse(saved.anchorVirtual) + (Date.now() - Date.parse(saved.anchorReal)) * saved.scale;
  } else {
    start = Date.now();
  }
  const realNow = Date.now();
  await writeJsonAtomic(paths.clock, { scale, anchorVirtual: new Date(start).toISOString(), anchorReal: new Date(realNow).toISOString() } satisfies ClockFile);
  return { clock: new ScaledClock({ scale, start }), kind: 'virtual', scale };
}

/** Wraps a clock to know what the engine sleeps until (the admin status; the restart test checks it). */
class TrackingClock implements SleepingClock {
  readonly pending = new Map<number, string>();
  private n = 0;
  constructor(private readonly inner: SleepingClock) {}
  now(): Date {
    return this.inner.now();
  }
  sleepUntil(instant: Date | string | number, signal?: AbortSignal): Promise<void> {
    const id = this.n++;
    this.pending.set(id, new Date(instant instanceof Date ? instant.getTime() : instant).toISOString());
    const p = this.inner.sleepUntil(instant, signal);
    const done = () => this.pending.delete(id);
    p.then(done, done);
    return p;
  }
}

/** Engine task functions at once while HTTP requests are in flight / otherwise (see the runtime's wiring). */
export const ENGINE_TASKS_BUSY = 1;
export const ENGINE_TASKS_IDLE = 8;

/** Longest Unix socket path Linux takes (sun_path is 108 bytes with the terminating NUL). */
const MAX_SOCKET_PATH = 107;

/**
 * Listens on a Unix socket at `path` with mode 0600 (the data directory around it is 0700). A socket left by a
 * killed runtime is removed first (the caller holds the data directory's lock). When the data directory's path is too
 * long for a socket, the socket goes into a new private (0700) folder under the system's temporary directory; the
 * lock file names it either way.
 */
async function listenPrivateSocket(server: Server, path: string): Promise<{ path: string; remove(): Promise<void> }> {
  let socketPath = path;
  let folder: string | undefined;
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    folder = await mkdtemp(join(tmpdir(), 'tousu-admin-'));
    socketPath = join(folder, 'admin.sock');
  }
  await rm(socketPath, { force: true });
  await new Promise<void>((resolveListen, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen({ path: socketPath, readableAll: false, writableAll: false }, () => {
      server.off('error', onError);
      resolveListen();
    });
  });
  await chmod(socketPath, PRIVATE_FILE_MODE);
  return {
    path: socketPath,
    remove: async () => {
      await rm(folder ?? socketPath, { recursive: true, force: true });
    },
  };
}

function closeServer(server: Server | ServerType): Promise<void> {
  return new Promise((res) => {
    (server as Server).close(() => res());
    (server as Server).closeIdleConnections?.();
  });
}

/** Migrates a dynalite-era data directory once (infra/local/migrate.ts), saying what it did; refuses to start if it fails. */
async function migrateOnStart(paths: DataPaths, logger: RuntimeLogger): Promise<void> {
  if (!needsMigration(paths)) return;
  logger.say(`发现旧版数据目录 ${paths.dynamodb}，正在迁移到 ${paths.database}（先备份）……`, 'migration started');
  let lastTenth = -1;
  try {
    const report = await migrateDataDir(paths, (p) => {
      if (p.phase !== 'cases' || !p.total) return;
      const tenth = Math.floor((p.done / p.total) * 10);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        logger.info('migration progress', { cases: p.done, total: p.total });
      }
    });
    const c = report.counts!;
    logger.say(`迁移完成：${c.cases + c.casesAlreadyThere} 件投诉、${c.users} 个账户、${c.deadLetters} 条死信；备份在 ${report.backup}`, 'migration done', {
      cases: c.cases,
      casesAlreadyThere: c.casesAlreadyThere,
      users: c.users,
      deadLetters: c.deadLetters,
      skipped: c.skipped,
    });
  } catch (err) {
    logger.error('migration failed', { error: errorName(err) });
    if (isTousuError(err)) throw new RuntimeStartError('migration_failed', `${err.message} 可用 tousu migrate 查看进度后重试。`);
    throw new RuntimeStartError('migration_failed', `迁移旧版数据目录 ${paths.dynamodb} 失败（${(err as Error).message}）。旧数据未改动，可用 tousu migrate 重试。`);
  }
}

// ---------------------------------------------------------------------------------------------- start

export async function startRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const paths = dataPaths(opts.dataDir);
  const host = opts.host ?? '127.0.0.1';
  const dataDirNotes = await checkDataDir(paths);
  const releaseLock = await acquireLock(paths, { kind: 'runtime' });
  const cleanups: (() => Promise<void>)[] = [releaseLock];
  const undo = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    const logger = createLogger({ file: paths.logFile, format: opts.logFormat ?? 'text', quiet: opts.quiet === true });
    cleanups.push(() => logger.close());
    const t0 = Date.now();
    for (const message of dataDirNotes) logger.warn('data_dir_made_private', { message });

    // Configuration.
    const cfg = (await readJson<DataDirConfig>(paths.config)) ?? {};
    const instance = await readJson<{ jurisdiction: string; createdAt: string }>(paths.instance);
    const code = chooseJurisdiction(opts.jurisdiction, cfg, instance?.jurisdiction);
    if (instance && instance.jurisdiction !== code) {
      throw new RuntimeStartError('jurisdiction_mismatch', `数据目录 ${paths.root} 属于辖区 ${instance.jurisdiction}，不能以辖区 ${code} 启动。请换一个 --data-dir。`);
    }
    // The listener's limits and the back-pressure bound, validated before anything starts.
    const where = (key: string): string => `（见 ${paths.config} 的 ${key} 对象，说明见 docs/configuration.md）`;
    let smtpLimits: SmtpLimits;
    let intakeBacklog: IntakeBacklogLimits;
    try {
      const fromFile = parseSmtpLimits(cfg.smtp);
      smtpLimits = opts.smtp ? parseSmtpLimits({ ...fromFile, ...opts.smtp }) : fromFile;
      intakeBacklog = parseIntakeBacklog(cfg.intakeBacklog);
    } catch (err) {
      if (err instanceof SmtpLimitsError) throw new RuntimeStartError('invalid_smtp_limits', `${err.message}${where('smtp')}`);
      if (err instanceof IntakeBacklogLimitsError) throw new RuntimeStartError('invalid_intake_backlog', `${err.message}${where('intakeBacklog')}`);
      throw err;
    }
    const setup = embeddedJurisdiction({ jurisdiction: code, importedCalendarDir: paths.calendar, ...(opts.jurisdictionDir ? { jurisdictionDir: opts.jurisdictionDir } : {}) });
    const { jurisdiction, calendar, rules } = setup;
    let limits;
    try {
      limits = parseHttpLimits(opts.limits ?? cfg.limits);
    } catch (err) {
      if (err instanceof LimitsConfigError) throw new RuntimeStartError('bad_limits', `${paths.config} 中的 limits 配置无效：\n${err.message}`);
      throw err;
    }
    let handoverConfig: HandoverConfig | undefined;
    try {
      handoverConfig = cfg.handover === undefined ? undefined : parseHandoverConfig(cfg.handover);
    } catch (err) {
      if (err instanceof ConfigError) throw new RuntimeStartError('bad_handover', `${paths.config} 中的 handover 配置无效：${err.message}`);
      throw err;
    }
    let workOrderSettings: WorkOrderSettings | undefined;
    try {
      workOrderSettings = await readWorkOrderSettings(cfg.workOrderOutbound, paths.root);
    } catch (err) {
      if (err instanceof WorkOrderConfigError) throw new RuntimeStartError('bad_workorder_outbound', `${paths.config} 中的 workOrderOutbound 配置无效：${err.message}`);
      throw err;
    }
    if (!instance) await writeJsonAtomic(paths.instance, { jurisdiction: code, createdAt: new Date().toISOString() });

    const chosen = await chooseClock(opts, paths);
    const clock = new TrackingClock(chosen.clock);
    // Visible lapses (SPEC.md art. 22; calendar years): the runtime keeps working, the administrator is told.
    const today = shanghaiDate(clock.now());
    for (const message of rulesStatus(rules, today).warnings) logger.warn('rules_version_warning', { message });

    // Storage and the jurisdiction's services (infra/local/composition.ts, the embedded composition root).
    const relayUrl = opts.relay ?? cfg.relay;
    const outbox = new OutboxMailSender({
      dir: paths.outbox,
      clock,
      logger,
      ...(relayUrl ? { relay: nodemailer.createTransport(relayUrl) } : {}),
    });
    // A data directory of the dynalite era is migrated once, before the database is opened (backup first).
    await migrateOnStart(paths, logger);
    let composed: EmbeddedComposition<TrackingClock>;
    // The pump is made after the store it reads; the store's marks kick it through this reference.
    const workOrdersRef: { pump?: WorkOrderPump } = {};
    try {
      composed = await composeEmbedded({
        jurisdiction: code,
        setup,
        clock,
        mail: outbox,
        logger,
        databaseFile: paths.database,
        blobs: new FolderBlobStore(paths.blobs),
        archiveBlobs: new FolderBlobStore(paths.archive),
        ...(workOrderSettings ? { workOrders: { onMarked: () => workOrdersRef.pump?.kick() } } : {}),
      });
    } catch (err) {
      if (isTousuError(err)) throw err;
      throw new RuntimeStartError('database_failed', `无法打开数据库 ${paths.database}（${(err as { code?: string }).code ?? (err as Error).message}）。请检查文件权限与磁盘空间。`);
    }
    const { store, quarantine, users } = composed;
    const sqlite = composed.sqlite!;
    const blobs = composed.blobs!;
    cleanups.push(() => composed.close());
    // The 12345 loop: the pump stops before the database closes (its cleanup runs first).
    const workOrders = workOrderSettings ? createWorkOrderPump({ settings: workOrderSettings, outbox: composed.workOrderOutbox, store: () => store, clock, jurisdiction, logger }) : undefined;
    if (workOrders) {
      workOrdersRef.pump = workOrders;
      cleanups.push(() => workOrders.stop());
    }
    const tokens = createTokenIssuer(await loadOrCreateSecret(paths.tokenKey), { accounts: users });
    const adminKey = Buffer.from(await loadOrCreateSecret(paths.adminKey)).toString('hex');

    // Interactive work first. One process serves HTTP, intake, dynalite and the engine on two cores; while HTTP
    // requests are in flight the engine runs one task function at a time (it catches up when they are answered),
    // else up to ENGINE_TASKS_IDLE at once. Screening has days (art. 9); a citizen on the form waits for the answer.
    let httpInFlight = 0;
    // Workflow engine (the real ASL and task services).
    const deadLetterStore = composed.deadLetters;
    const taskDeps = {
      ...composed.lifecycleDeps(),
      ...(handoverConfig
        ? {
            handover: {
              config: handoverConfig,
              blobs,
              // Kept as a dead letter (kind handover) to retry: `tousu dead-letters replay`, and every start.
              park: async (c: CaseRecord, error: unknown) => {
                const at = clock.now().toISOString();
                const sourceKey = `handover-out:${c.caseId}`;
                await deadLetterStore.record({
                  id: deadLetterId('handover', sourceKey),
                  kind: 'handover',
                  jurisdiction: code,
                  sourceKey,
                  caseId: c.caseId,
                  firstFailedAt: at,
                  at,
                  error: errorSummary(error),
                });
              },
            },
          }
        : {}),
    };
    const workflow = createLocalWorkflow(taskDeps, {
      jurisdictions: [code],
      logger,
      intakeBacklog,
      taskConcurrency: () => (httpInFlight > 0 ? ENGINE_TASKS_BUSY : ENGINE_TASKS_IDLE),
      onExecutionEnd: (s) => {
        if (s.status === 'succeeded') logger.info('execution ended', { execution: s.name, transitions: s.transitions });
      },
    });
    cleanups.push(() => workflow.stop());

    const port = opts.port ?? 8080;
    const publicUrl = opts.publicUrl ?? cfg.publicUrl ?? `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
    const intake: IntakeDeps = composed.intakeDeps(workflow, { statusUrl: `${publicUrl}/status` });
    // Dead letters: SMTP, the folder watch and the HTTP staff intake file through `recovery.parkedSubmit`.
    const submit = (i: Parameters<Recovery['parkedSubmit']>[0]) => recovery.parkedSubmit(i);
    const emailDeps = { clock, jurisdiction, blobs, quarantine, submit };
    const ingestSmtp = async (raw: Uint8Array): Promise<MailIngestOutcome> => {
      try {
        const r = await ingestEmail(raw, 'smtp', emailDeps);
        return r.ignored ? { ignored: true, reason: r.reason } : { ignored: false, ...(r.caseId ? { caseId: r.caseId } : {}) };
      } catch (err) {
        if (err instanceof IntakeParkedError) return { ignored: false, deadLetterId: err.deadLetterId };
        throw err;
      }
    };
    const recovery = createRecovery({
      intake,
      // A parked hand-over sent again: closes the case as transferred and lets its waiting task move on.
      ...(handoverConfig ? { handOver: (caseId: string) => handOverParked({ ...taskDeps, workflow }, caseId) } : {}),
      workflow,
      deadLetters: composed.deadLetters,
      claims: composed.claims,
      calendar,
      rules,
      logger,
      smtpDeadLetterDir: paths.deadLetters,
      ingestSmtp,
      // 15 minutes of wall time, in clock time (a virtual clock runs `scale` times faster).
      thresholdMs: 15 * 60_000 * (chosen.scale ?? 1),
      ...(opts.reconcileEveryMs !== undefined ? { everyMs: opts.reconcileEveryMs } : {}),
    });

    const resumed = await workflow.resumeAll();

    // The calendar (SPEC.md, Deadlines): a year imported while the runtime was stopped recomputes its provisional
    // cases now; a missing year is said at every start (from 1 November), with the number of cases it affects.
    const calendarAdmin: CalendarRouteDeps = {
      store,
      clock,
      calendar,
      rules,
      jurisdiction,
      workflow,
      logger,
      parseNotice: (text) => {
        const n = parseHolidayNotice(text);
        return { year: n.data, findings: n.findings };
      },
      saveYear: async (year) => {
        await mkdir(paths.calendar, { recursive: true });
        await writeJsonAtomic(join(paths.calendar, `${year.year}.json`), year);
      },
    };
    // One walk over the open cases: recompute what an imported year allows, count what stays provisional.
    const calendarState = (await recomputeProvisional(calendarAdmin)).status;
    if (calendarState.warning)
      logger.warn('calendar_year_missing', { message: calendarState.warning, missingYears: calendarState.missingYears, provisionalOpenCases: calendarState.openProvisionalCases });

    // Letters read by OCR wait here for the clerk (the console's 来信核对 and the folder watch share the store).
    const reviewStore = new FileLetterReviewStore(join(paths.inbox, 'letters', 'review'));
    const confirmPendingLetter = (id: string, fields: Record<string, unknown>, actor: Actor) =>
      confirmLetter(reviewStore, (entry, files, a, trusted) => staffSubmit(intake, 'letter', entry, files, a, recovery.parkedSubmit, trusted), id, fields, actor, clock.now());
    const late: { folderWatch?: FolderWatch } = {};

    // HTTP: the same Hono app as behind API Gateway, plus the staff routes and the staff intake routes.
    const verifier = tokens;
    const app = createApp({
      deps: { intake, limits, ...(handoverConfig ? { handover: handoverConfig } : {}) },
      extraRoutes: (a: Hono) => {
        const staffDeps: StaffRouteDeps = {
          verifier,
          login: async (username, password) => {
            const principal = await users.authenticate(username, password);
            const { tokenVersion, ...p } = principal;
            const t = await tokens.issue({ ...p, jurisdiction: code, tokenVersion });
            logger.info('login', { user: p.username, role: p.role });
            return { ...t, principal: p };
          },
          logout: async (p) => {
            await users.revokeTokens(p.username);
            logger.info('logout', { user: p.username });
          },
          limits,
          store,
          jurisdiction,
          calendar,
          rules,
          clock,
          performAction: (caseId, actor, body) => performAction({ ...composed.actionDeps(workflow), staff: staffDirectoryOf(users) }, caseId, actor, body),
          quarantine,
          outbox: {
            list: async ({ limit = 50, cursor }) => {
              const all = await outbox.list();
              const start = cursor ? Math.max(0, Number.parseInt(cursor, 10) || 0) : 0;
              return { items: all.slice(start, start + limit), ...(start + limit < all.length ? { cursor: String(start + limit) } : {}) };
            },
            open: async (file) => {
              const entry = (await outbox.list()).find((e) => e.file === file);
              if (!entry) return undefined;
              const parsed = await simpleParser(await outbox.read(file));
              return { entry, text: parsed.text ?? '' };
            },
          },
          emailIntake: createEmailIntakeRoute(emailDeps),
          calendarAdmin,
        };
        mountStaffRoutes(a, staffDeps);
        // Users, dead letters and failed workflows in the console (issue 21 item 3): the same routes as on AWS.
        mountAdminRoutes(a, {
          verifier,
          jurisdiction,
          store,
          clock,
          staffAdmin: staffAdminOf(
            users,
            jurisdiction.departments.map((d) => d.code),
          ),
          recovery: { deadLetters: recovery.deadLetters, replay: (id) => recovery.replay(id), reconcile: (o) => recovery.reconcile(o) },
        });
        mountReportRoutes(a, { ...staffDeps, facts: composed.facts, logger });
        // Art. 20 decisions: notices go through the outbox like every other notice.
        mountDecisionRoutes(a, {
          verifier,
          facts: composed.facts,
          decisions: composed.decisions,
          rules,
          clock,
          mail: composed.mail,
          jurisdiction,
          logger,
          consoleUrl: `${publicUrl}/console/decisions`,
        });
        registerConsoleRoutes(a, { api: { ...staffDeps, blobs } });
        mountLetterReviewRoutes(a, { verifier, jurisdiction, clock, store, letters: reviewStore, confirm: confirmPendingLetter, readingNow: () => late.folderWatch?.readingNow() ?? [] });
        // Mounted after POST /api/intake/email so that the generic `/api/intake/:channel` does not shadow it.
        mountStaffIntakeRoutes(a, { intake, authenticate: staffAuthenticator(verifier), submit: recovery.parkedSubmit });
      },
    });
    let httpServer: ServerType;
    let httpPort: number;
    // Requests whose client went away still run to the end (an intake half done is completed by a replay, but
    // one cut off by the shutdown would fail on a closed engine or store): the stop waits for them, not only for
    // the sockets, before the engine and dynalite stop.
    const inFlight = new Set<Promise<unknown>>();
    const trackedFetch: typeof app.fetch = (...args) => {
      httpInFlight += 1;
      const p = Promise.resolve(app.fetch(...args));
      inFlight.add(p);
      const done = () => {
        inFlight.delete(p);
        httpInFlight -= 1;
        if (httpInFlight === 0) workflow.engine.admitTasks();
      };
      p.then(done, done);
      return p;
    };
    try {
      httpServer = serve({ fetch: trackedFetch, port, hostname: host });
      httpPort = await new Promise<number>((res, rej) => {
        httpServer.once('error', rej);
        httpServer.once('listening', () => {
          httpServer.off('error', rej);
          res((httpServer.address() as AddressInfo).port);
        });
      });
    } catch (err) {
      throw portError(err, 'HTTP ', host, port);
    }
    cleanups.push(async () => {
      await closeServer(httpServer);
      const deadline = Date.now() + 30_000;
      while (inFlight.size > 0 && Date.now() < deadline) await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => setTimeout(r, 1000))]);
    });
    const httpUrl = `http://${host.includes(':') ? `[${host}]` : host}:${httpPort}`;

    // SMTP intake.
    const smtpPortWanted = opts.smtpPort ?? 2525;
    const addresses = [jurisdiction.intakeAddress, ...(cfg.intakeAddresses ?? [])];
    let smtp: SmtpIntakeHandle;
    try {
      smtp = await startSmtpIntake({
        host,
        port: smtpPortWanted,
        addresses,
        ingest: ingestSmtp,
        deadLetterDir: paths.deadLetters,
        logger,
        limits: smtpLimits,
        admit: () => workflow.checkIntakeCapacity(),
      });
    } catch (err) {
      throw portError(err, 'SMTP ', host, smtpPortWanted);
    }
    cleanups.push(() => smtp.close());

    // Folder watch.
    // PaddleOCR on a worker thread: reading a page must not stall HTTP and SMTP (the clerk checks letters while the
    // rest of the batch is read).
    const ownEngine = opts.ocr === undefined ? new WorkerOcrEngine() : undefined;
    if (ownEngine) cleanups.push(() => ownEngine.close());
    const ocrEngine = opts.ocr === false ? undefined : (opts.ocr ?? ownEngine);
    const folderWatch = new FolderWatch({
      root: paths.inbox,
      submit: (channel, entry, files, actor) => staffSubmit(intake, channel, entry, files, actor, recovery.parkedSubmit),
      ...(ocrEngine
        ? {
            ocr: {
              reading: {
                engine: ocrEngine,
                departments: jurisdiction.departments,
                today: () => shanghaiDate(clock.now()),
                ...(jurisdiction.letterReading ? { threshold: jurisdiction.letterReading.confidenceThreshold } : {}),
              },
              store: reviewStore,
            },
          }
        : {}),
      logger,
      ...(opts.folderPollMs ? { pollMs: opts.folderPollMs } : {}),
    });
    late.folderWatch = folderWatch;
    await folderWatch.start();
    cleanups.push(() => folderWatch.stop());

    const backupTo = async (destination: string): Promise<{ path: string; bytes: number }> => {
      const path = resolve(destination);
      if (
        await stat(path).then(
          () => true,
          () => false,
        )
      )
        throw new RuntimeStartError('backup_exists', `备份文件 ${path} 已存在，请指定新的文件名。`);
      await mkdir(join(path, '..'), { recursive: true });
      await sqlite.backup(path);
      logger.info('backup made', { bytes: (await stat(path)).size });
      return { path, bytes: (await stat(path)).size };
    };

    const startedAt = new Date().toISOString();
    const status = (): RuntimeStatus => ({
      pid: process.pid,
      startedAt,
      jurisdiction: code,
      httpUrl,
      smtpPort: smtp.port,
      clock: { now: clock.now().toISOString(), kind: chosen.kind, ...(chosen.scale ? { scale: chosen.scale } : {}) },
      pendingWakeUps: [...clock.pending.values()].sort(),
      runningExecutions: workflow.engine.running().length,
      resumed: resumed.length,
      metrics: composed.metrics.snapshot(),
    });
    const replay = async () => (await recovery.replayAll()).smtp;

    // Admin endpoint for the CLI while the runtime runs (`users`, `reconcile`, `dead-letters`, `report`): a Hono app
    // (./admin-app.ts) on a Unix socket (0600) in the private data directory, never a TCP port that every local user
    // could reach; the key in secrets/admin.key is asked for as well.
    const adminApp = createAdminApp({
      adminKey,
      jurisdiction,
      users,
      status,
      backupTo,
      calendarAdmin,
      evaluation: { facts: composed.facts, rules, clock },
      ...(workOrders ? { workOrders } : {}),
      recovery,
      logger,
    });
    const adminListener = getRequestListener(adminApp.fetch);
    const adminServer = createServer((req, res) => void adminListener(req, res));
    const adminSocket = await listenPrivateSocket(adminServer, paths.adminSocket);
    cleanups.push(async () => {
      await closeServer(adminServer);
      await adminSocket.remove();
    });

    await writeJsonAtomic(paths.lock, { pid: process.pid, kind: 'runtime', startedAt, httpUrl, smtpPort: smtp.port, adminSocket: adminSocket.path } satisfies LockInfo);

    // Intakes parked earlier and raw mails are tried again now (idempotent per source key), then the reconciler
    // runs once (after the resume of open cases above: its Workflow never starts a case that has a running
    // execution) and every 10 minutes.
    recovery.start();
    cleanups.push(() => recovery.stop());
    workOrders?.start();

    logger.info('runtime started', { jurisdiction: code, httpPort, smtpPort: smtp.port, clock: chosen.kind, scale: chosen.scale, resumed: resumed.length, ms: Date.now() - t0 });
    if (chosen.note) logger.warn(chosen.note);

    let stopping: Promise<void> | undefined;
    const runtime: Runtime = {
      paths,
      httpUrl,
      httpPort,
      smtpPort: smtp.port,
      adminSocket: adminSocket.path,
      jurisdiction,
      calendar,
      rules,
      clock,
      store,
      users,
      tokens,
      workflow,
      outbox,
      folderWatch,
      letterReview: {
        store: reviewStore,
        confirm: confirmPendingLetter,
      },
      logger,
      resumed,
      calendarStatus: calendarState,
      storeStats: () => ({ ...sqlite.stats }),
      backup: backupTo,
      status,
      replayDeadLetters: replay,
      recovery,
      evaluationFacts: composed.facts,
      ...(workOrders ? { workOrders } : {}),
      stop() {
        stopping ??= (async () => {
          logger.info('runtime stopping');
          // Stop intake first (servers finish in-flight requests), then the engine (running tasks finish their
          // writes), then the store. `undo` runs the cleanups in reverse order of start.
          await undo();
        })();
        return stopping;
      },
    };
    // The order of `cleanups` is start order; reversed it is: admin, folder watch, SMTP, HTTP, workflow, database, log, lock.
    return runtime;
  } catch (err) {
    await undo();
    throw err;
  }
}
