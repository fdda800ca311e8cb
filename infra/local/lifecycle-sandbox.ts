/**
 * A self-contained life-cycle runtime on one machine: the SQLite stores (in memory, or `<dataDir>/tousu.db`) or,
 * for benches that count DynamoDB calls, the DynamoDB adapters over a client the caller brings; the real intake core, the real task services and staff action service, the in-process engine
 * driving the real ASL, on a given clock. Used by the state-machine tests and by `tousu demo`; nothing here
 * re-implements a business rule.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkingCalendar } from '../../shared/domain/calendar';
import type { Actor, CaseRecord, TimelineEvent } from '../../shared/domain/case';
import type { JurisdictionConfig } from '../../shared/domain/jurisdiction';
import type { RulesRegistry } from '../../shared/domain/rules';
import { submitIntake } from '../../shared/intake/core';
import type { IntakeResult } from '../../shared/intake/core';
import type { BlobStore, CaseStore, MailSender } from '../../shared/ports';
import { MemoryMailSender } from '../../shared/adapters/memory/mail-sender';
import { performAction } from '../../shared/services/actions';
import type { TaskLogger } from '../../shared/services/lifecycle-tasks';
import type { SleepingClock } from '../../shared/ports';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SqliteStores } from '../../shared/adapters/local/sqlite';
import { DATABASE_FILE } from '../../shared/adapters/local/sqlite';
import { composeEmbedded } from './composition';
import { composeJurisdiction } from '../../shared/composition/jurisdiction';
import { FolderBlobStore } from './folder-blob-store';
import { createLocalWorkflow } from './workflow';
import type { LocalWorkflow } from './workflow';

export { MemoryMailSender };

export interface LifecycleSandboxOptions {
  clock: SleepingClock;
  /** Directory of the SQLite file (`tousu.db`) and the archive; omit for in memory. */
  dataDir?: string;
  /** Jurisdiction code under config/jurisdictions (default 510903, 船山区). */
  jurisdiction?: string;
  /** Directory of jurisdiction files (default config/jurisdictions). */
  jurisdictionDir?: string;
  /** Directory of rules version files (default config/rules): a successor version loaded as data (art. 22). */
  rulesDir?: string;
  mail?: MailSender;
  /** Pause before an ASL Retry, in ms (default: the ASL's own intervals). */
  retryIntervalMs?: number;
  logger?: TaskLogger;
  /** Where the art. 18 archive files go (default: `<dataDir>/archive`, or a temporary folder removed on close). */
  archiveBlobs?: BlobStore;
  /** The DynamoDB adapters on this client and table instead of SQLite (benchmarks of the AWS adapters' calls). */
  dynamo?: { client: DynamoDBClient; tableName: string };
  /**
   * Wire the store as deployed (evaluation facts recorded with every case write, createCaseStore) and duplicate
   * matching (the intake's check and identity keys, the screening task's index filing), as the runtime and the
   * Lambda functions do. Off by default: the life-cycle tests look at the case, not at these side writes.
   */
  asDeployed?: boolean;
}

export interface LifecycleSandbox {
  clock: SleepingClock;
  store: CaseStore;
  workflow: LocalWorkflow;
  mail: MailSender;
  calendar: WorkingCalendar;
  rules: RulesRegistry;
  jurisdiction: JurisdictionConfig;
  /** The SQLite stores (absent on `dynamo`): their call and transaction counters. */
  sqlite?: SqliteStores;
  /** The art. 18 archive files (a FolderBlobStore when the sandbox opened it; optional for hand-built sandboxes). */
  archiveBlobs?: BlobStore;
  /** Files a complaint through the real intake core (which starts the execution). */
  file(intake: unknown): Promise<IntakeResult>;
  /** A staff action through the real action service (sends the task success). */
  act(caseId: string, actor: Actor, body: Record<string, unknown>): Promise<CaseRecord>;
  get(caseId: string): Promise<CaseRecord>;
  timeline(caseId: string): Promise<TimelineEvent[]>;
  /** A second workflow over the same store, as after a restart of the runtime (the old one must be stopped). */
  restartWorkflow(): LocalWorkflow;
  close(): Promise<void>;
}

const silentLogger: TaskLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export async function openLifecycleSandbox(opts: LifecycleSandboxOptions): Promise<LifecycleSandbox> {
  const mail = opts.mail ?? new MemoryMailSender();
  const logger = opts.logger ?? silentLogger;
  const clock = opts.clock;
  const archiveTmp = opts.archiveBlobs || opts.dataDir ? undefined : await mkdtemp(join(tmpdir(), 'tousu-archive-'));
  const archiveBlobs = opts.archiveBlobs ?? new FolderBlobStore(archiveTmp ?? join(opts.dataDir!, 'archive'));
  const c = await composeEmbedded({
    jurisdiction: opts.jurisdiction ?? '510903',
    ...(opts.jurisdictionDir ? { jurisdictionDir: opts.jurisdictionDir } : {}),
    ...(opts.rulesDir ? { setup: composeJurisdiction(opts.jurisdiction ?? '510903', { rulesDir: opts.rulesDir, ...(opts.jurisdictionDir ? { jurisdictionDir: opts.jurisdictionDir } : {}) }) } : {}),
    clock,
    mail,
    logger,
    ...(opts.dataDir ? { databaseFile: join(opts.dataDir, DATABASE_FILE) } : {}),
    ...(opts.dynamo ? { dynamo: opts.dynamo } : {}),
    asDeployed: opts.asDeployed === true,
    archiveBlobs,
  });
  const { store, calendar, rules, jurisdiction } = c;

  const makeWorkflow = () => createLocalWorkflow(c.lifecycleDeps(), { jurisdictions: [jurisdiction.code], ...(opts.retryIntervalMs !== undefined ? { retryIntervalMs: opts.retryIntervalMs } : {}) });
  const sandbox: LifecycleSandbox = {
    clock,
    store,
    workflow: makeWorkflow(),
    mail,
    calendar,
    rules,
    jurisdiction,
    ...(c.sqlite ? { sqlite: c.sqlite } : {}),
    archiveBlobs,
    file: (intake) => submitIntake(c.intakeDeps(sandbox.workflow), intake),
    act: (caseId, actor, body) => performAction(c.actionDeps(sandbox.workflow), caseId, actor, body),
    async get(caseId) {
      const r = await store.get(caseId);
      if (!r) throw new Error(`no case ${caseId}`);
      return r;
    },
    timeline: (caseId) => store.timeline(caseId),
    restartWorkflow() {
      sandbox.workflow = makeWorkflow();
      return sandbox.workflow;
    },
    async close() {
      await sandbox.workflow.stop();
      await c.close();
      if (archiveTmp) await rm(archiveTmp, { recursive: true, force: true });
    },
  };
  return sandbox;
}
