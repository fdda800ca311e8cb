/**
 * The composition root of the embedded platform: the runtime (`tousu start`), its life-cycle sandbox (`tousu
 * demo`, the state-machine tests, the benches) and the CLI commands that open a stopped data directory build
 * their ports here. The jurisdiction, its calendar (with its `calendarOverrides` and the years imported into
 * `<data-dir>/calendar`) and the rules come from shared/composition/jurisdiction.ts, as on AWS
 * (shared/composition/aws.ts). The store, duplicate matching, evaluation facts, quarantine, dead letters, claims and
 * staff accounts are the SQLite adapters (shared/adapters/local/sqlite: one WAL file, one transaction per case
 * change). `dynamo` composes the DynamoDB adapters instead, over a client the caller brings (the benches that count
 * DynamoDB calls, the tests that run the AWS adapters on dynalite); nothing here starts dynalite. The caller brings
 * the clock, the mail sender and the workflow engine.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createCaseStore } from '../../shared/adapters/aws/case-store-factory';
import { createDocumentClient, DynamoCaseStore } from '../../shared/adapters/aws/dynamo-case-store';
import { DynamoClaimSource } from '../../shared/adapters/aws/dynamo-claim-source';
import { DynamoDeadLetterStore } from '../../shared/adapters/aws/dynamo-dead-letter-store';
import { DynamoDuplicateIndex } from '../../shared/adapters/aws/dynamo-duplicate-index';
import { DynamoEvaluationFactStore } from '../../shared/adapters/aws/dynamo-evaluation-facts';
import { DynamoQuarantineStore } from '../../shared/adapters/aws/dynamo-quarantine-store';
import { openSqliteStores, SqliteCaseStore } from '../../shared/adapters/local/sqlite';
import type { SqliteStores } from '../../shared/adapters/local/sqlite';
import { cryptoIds } from '../../shared/adapters/ids';
import { composeJurisdiction } from '../../shared/composition/jurisdiction';
import type { JurisdictionSetup } from '../../shared/composition/jurisdiction';
import type { CaseRecord } from '../../shared/domain/case';
import type { IntakeDeps } from '../../shared/intake/core';
import type { BlobStore, CaseStore, Clock, Ids, Logger, MailSender, Workflow } from '../../shared/ports';
import type { ClaimSource } from '../../shared/ports/claims';
import type { DeadLetterStore } from '../../shared/services/dead-letters';
import type { DuplicateIndex } from '../../shared/ports/duplicate-index';
import type { EvaluationFactStore } from '../../shared/ports/evaluation-facts';
import type { QuarantineStore } from '../../shared/ports/quarantine';
import type { ActionDeps } from '../../shared/services/actions';
import { createDuplicateCheck } from '../../shared/services/duplicates';
import { duplicateMatcherOptions } from '../../shared/composition/duplicate-matching';
import type { DuplicateChecker } from '../../shared/services/duplicates';
import { MemoryCounters } from '../../shared/adapters/memory/counters';
import type { LifecycleTaskDeps } from '../../shared/services/lifecycle-tasks';
import { UserStore } from './users';
import { randomUUID } from 'node:crypto';
import { DynamoWorkOrderOutbox } from '../../shared/adapters/aws/dynamo-workorder-outbox';
import { SqliteWorkOrderOutbox } from '../../shared/adapters/local/sqlite/workorder-outbox';
import { SqliteEvaluationDecisionStore } from '../../shared/adapters/local/sqlite/evaluation-decisions';
import { DynamoEvaluationDecisionStore } from '../../shared/adapters/aws/dynamo-evaluation-decisions';
import type { EvaluationDecisionStore } from '../../shared/ports/evaluation-decisions';
import type { WorkOrderOutbox } from '../../shared/ports/workorder-outbox';
import { withWorkOrderMarks } from '../../shared/services/workorder-marks';
import { errorName } from '../../shared/domain/errors';

export interface EmbeddedOptions<C extends Clock = Clock> {
  /** Jurisdiction code (or file path). */
  jurisdiction: string;
  /** Directory of jurisdiction files (default config/jurisdictions). */
  jurisdictionDir?: string;
  /** Calendar years imported into this deployment (`<data-dir>/calendar`). */
  importedCalendarDir?: string;
  /** The jurisdiction set up already (the runtime checks its configuration before it opens storage). */
  setup?: JurisdictionSetup;
  clock: C;
  mail: MailSender;
  logger?: Logger;
  /** The SQLite database file (`<data-dir>/tousu.db`, created 0600 with WAL); omit for an in-memory database. */
  databaseFile?: string;
  /**
   * The DynamoDB adapters over this client and table instead of SQLite (benches that count DynamoDB calls, tests of
   * the AWS adapters). The table must exist; the caller closes the client.
   */
  dynamo?: { client: DynamoDBClient; tableName: string };
  /**
   * The store as deployed (evaluation facts recorded with every case write) and duplicate matching (default true).
   * The life-cycle tests turn it off: they look at the case, not at these side writes.
   */
  asDeployed?: boolean;
  /** Evidence files (the runtime: `<data-dir>/blobs`). */
  blobs?: BlobStore;
  /** Art. 18 archive files (`<data-dir>/archive`). */
  archiveBlobs?: BlobStore;
  /** Public status page URL for the acknowledgement mail. */
  statusUrl?: string;
  /**
   * The 12345 loop (art. 7(2)) is configured: writes of work-order cases mark them in the outbox for the pump
   * (shared/services/workorder-outbound.ts); `onMarked` is told after such a write (the runtime starts the pump).
   */
  workOrders?: { onMarked?: (caseId: string) => void };
}

export interface EmbeddedComposition<C extends Clock = Clock> extends JurisdictionSetup {
  /** The SQLite stores (absent when composed on `dynamo`): their call and transaction counters, the online backup. */
  sqlite?: SqliteStores;
  clock: C;
  ids: Ids;
  mail: MailSender;
  logger?: Logger;
  store: CaseStore;
  duplicates?: DuplicateChecker;
  duplicateIndex: DuplicateIndex;
  blobs?: BlobStore;
  archiveBlobs?: BlobStore;
  quarantine: QuarantineStore;
  deadLetters: DeadLetterStore;
  claims: ClaimSource;
  facts: EvaluationFactStore;
  /** Staff accounts (infra/local/users.ts) on the same storage. */
  users: UserStore;
  /** The 12345 reports' outbox (art. 7(2)) on the same storage; cases are marked in it only with `workOrders`. */
  workOrderOutbox: WorkOrderOutbox;
  /** The art. 20 decisions on the same storage. */
  decisions: EvaluationDecisionStore;
  /** The metrics the services count (the names of shared/services/metrics.ts, as on Lambda): totals since start. */
  metrics: MemoryCounters;
  /** The intake core's ports over a workflow (the engine, or a deferred one when the runtime is stopped). */
  intakeDeps(workflow: Workflow, extra?: Pick<IntakeDeps, 'statusUrl'>): IntakeDeps;
  actionDeps(workflow: Workflow): ActionDeps;
  /** The task services' ports (the engine adds its own callbacks). */
  lifecycleDeps(): Omit<LifecycleTaskDeps, 'workflow' | 'clock'> & { clock: C };
  /** Closes the database (not a `dynamo` client: its owner closes it). */
  close(): Promise<void>;
}

/** The jurisdiction, its calendar (overrides, years imported into the data directory) and the rules. */
export function embeddedJurisdiction(opts: Pick<EmbeddedOptions, 'jurisdiction' | 'jurisdictionDir' | 'importedCalendarDir'>): JurisdictionSetup {
  return composeJurisdiction(opts.jurisdiction, {
    ...(opts.jurisdictionDir ? { jurisdictionDir: opts.jurisdictionDir } : {}),
    ...(opts.importedCalendarDir ? { importedCalendarDir: opts.importedCalendarDir } : {}),
  });
}

/** The storage of a deployment alone (the CLI commands that need no workflow and no mail: users, report, migrate). */
export interface EmbeddedStorage {
  sqlite?: SqliteStores;
  store: CaseStore;
  duplicateIndex: DuplicateIndex;
  quarantine: QuarantineStore;
  deadLetters: DeadLetterStore;
  claims: ClaimSource;
  facts: EvaluationFactStore;
  users: UserStore;
  workOrderOutbox: WorkOrderOutbox;
  decisions: EvaluationDecisionStore;
  close(): void;
}

function sqliteStorage(file: string | undefined, asDeployed: boolean): EmbeddedStorage {
  const s = openSqliteStores(file ?? ':memory:');
  return {
    sqlite: s,
    // Without `asDeployed` the facts are not recorded with each case write (the life-cycle tests' store).
    store: asDeployed ? s.store : openPlainCaseStore(s),
    duplicateIndex: s.duplicateIndex,
    quarantine: s.quarantine,
    deadLetters: s.deadLetters,
    claims: s.claims,
    facts: s.facts,
    users: new UserStore({ items: s.userItems() }),
    workOrderOutbox: new SqliteWorkOrderOutbox(s.db),
    decisions: new SqliteEvaluationDecisionStore(s.db),
    close: () => s.close(),
  };
}

/** The SQLite case store without evaluation facts, on the same connection and counters. */
function openPlainCaseStore(s: SqliteStores): CaseStore {
  return new SqliteCaseStore(s.db, { stats: s.stats });
}

function dynamoStorage(dynamo: NonNullable<EmbeddedOptions['dynamo']>, asDeployed: boolean, logger: Logger | undefined): EmbeddedStorage {
  const doc = createDocumentClient(dynamo.client);
  const { tableName } = dynamo;
  return {
    store: asDeployed
      ? createCaseStore({ doc, tableName, onFactError: (caseId, err) => logger?.error('evaluation facts not written', { caseId, error: errorName(err) }) })
      : new DynamoCaseStore({ doc, tableName }),
    duplicateIndex: new DynamoDuplicateIndex({ doc, tableName }),
    quarantine: new DynamoQuarantineStore(doc, tableName),
    deadLetters: new DynamoDeadLetterStore(doc, tableName),
    claims: new DynamoClaimSource(doc, tableName),
    facts: new DynamoEvaluationFactStore({ doc, tableName }),
    users: new UserStore({ doc, tableName }),
    workOrderOutbox: new DynamoWorkOrderOutbox({ doc, tableName }),
    decisions: new DynamoEvaluationDecisionStore({ doc, tableName }),
    close: () => undefined,
  };
}

/**
 * The stores of a data directory's database (`databaseFile`), or of a DynamoDB table (`dynamo`), as `composeEmbedded`
 * opens them, for the CLI commands that need no jurisdiction, workflow or mail (`tousu users`, `tousu report`, `tousu
 * migrate`). The caller closes them.
 */
export function openEmbeddedStorage(opts: Pick<EmbeddedOptions, 'databaseFile' | 'dynamo' | 'asDeployed' | 'logger'>): EmbeddedStorage {
  const asDeployed = opts.asDeployed ?? true;
  return opts.dynamo ? dynamoStorage(opts.dynamo, asDeployed, opts.logger) : sqliteStorage(opts.databaseFile, asDeployed);
}

export async function composeEmbedded<C extends Clock>(opts: EmbeddedOptions<C>): Promise<EmbeddedComposition<C>> {
  // Configuration first: a bad jurisdiction file fails before any storage is opened.
  const setup = opts.setup ?? embeddedJurisdiction(opts);
  const { jurisdiction, calendar, rules } = setup;
  const asDeployed = opts.asDeployed ?? true;
  const logger = opts.logger;
  const storage = openEmbeddedStorage({ ...opts, asDeployed });
  const store = opts.workOrders
    ? withWorkOrderMarks(storage.store, { outbox: storage.workOrderOutbox, clock: opts.clock, newToken: randomUUID, ...(opts.workOrders.onMarked ? { onMarked: opts.workOrders.onMarked } : {}) })
    : storage.store;
  const duplicates = asDeployed ? createDuplicateCheck({ index: storage.duplicateIndex, store, ...duplicateMatcherOptions(jurisdiction, opts.jurisdictionDir) }) : undefined;
  const { clock, mail } = opts;
  const metrics = new MemoryCounters();
  return {
    ...setup,
    ...(storage.sqlite ? { sqlite: storage.sqlite } : {}),
    clock,
    ids: cryptoIds,
    mail,
    ...(logger ? { logger } : {}),
    store,
    ...(duplicates ? { duplicates } : {}),
    duplicateIndex: storage.duplicateIndex,
    ...(opts.blobs ? { blobs: opts.blobs } : {}),
    ...(opts.archiveBlobs ? { archiveBlobs: opts.archiveBlobs } : {}),
    quarantine: storage.quarantine,
    deadLetters: storage.deadLetters,
    claims: storage.claims,
    facts: storage.facts,
    users: storage.users,
    workOrderOutbox: storage.workOrderOutbox,
    decisions: storage.decisions,
    metrics,
    intakeDeps: (workflow, extra = {}) => ({
      store,
      workflow,
      clock,
      ids: cryptoIds,
      rules,
      jurisdiction,
      mail,
      calendar,
      ...(opts.blobs ? { blobs: opts.blobs } : {}),
      ...(duplicates ? { duplicateCheck: duplicates, indexCase: (c: CaseRecord) => duplicates.indexCase(c, 'identity') } : {}),
      ...(opts.statusUrl ? { statusUrl: opts.statusUrl } : {}),
      ...extra,
      ...(logger ? { logger } : {}),
      metrics,
    }),
    actionDeps: (workflow) => ({ store, workflow, mail, clock, calendar, rules, jurisdiction, ...(logger ? { logger } : {}) }),
    lifecycleDeps: () => ({
      store,
      clock,
      calendar,
      rules,
      jurisdiction,
      mail,
      ...(logger ? { logger } : {}),
      metrics,
      ...(opts.archiveBlobs ? { archiveBlobs: opts.archiveBlobs } : {}),
      // Screening files the text's LSH bands (and the identity keys again); one write at a time: background work.
      ...(duplicates ? { indexForDuplicates: (c: CaseRecord) => duplicates.indexCase(c, 'bands', { writeConcurrency: 1 }) } : {}),
    }),
    async close() {
      storage.close();
    },
  };
}
