/**
 * The composition root of the embedded platform: the runtime (`tousu start`), its life-cycle sandbox (`tousu
 * demo`, the state-machine tests, the benches) and the CLI commands that open a stopped data directory build
 * their ports here. The jurisdiction, its calendar (with its `calendarOverrides` and the years imported into
 * `<data-dir>/calendar`) and the rules come from shared/composition/jurisdiction.ts, as on AWS
 * (shared/composition/aws.ts); the store, duplicate matching, quarantine, dead letters and claims are the same
 * DynamoDB adapters on dynalite. The caller brings the clock, the mail sender and the workflow engine.
 */
import { duplicateEvidenceFor } from '../../shared/config/catalogue';
import { jiebaTokens } from '../../shared/text/jieba-tokens';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createCaseStore } from '../../shared/adapters/aws/case-store-factory';
import { DynamoCaseStore } from '../../shared/adapters/aws/dynamo-case-store';
import { DynamoClaimSource } from '../../shared/adapters/aws/dynamo-claim-source';
import { DynamoDeadLetterStore } from '../../shared/adapters/aws/dynamo-dead-letter-store';
import { DynamoDuplicateIndex } from '../../shared/adapters/aws/dynamo-duplicate-index';
import { DynamoEvaluationFactStore } from '../../shared/adapters/aws/dynamo-evaluation-facts';
import { DynamoQuarantineStore } from '../../shared/adapters/aws/dynamo-quarantine-store';
import { cryptoIds } from '../../shared/adapters/ids';
import { composeJurisdiction } from '../../shared/composition/jurisdiction';
import type { JurisdictionSetup } from '../../shared/composition/jurisdiction';
import type { CaseRecord } from '../../shared/domain/case';
import type { IntakeDeps } from '../../shared/intake/core';
import type { BlobStore, CaseStore, Clock, Ids, Logger, MailSender, Workflow } from '../../shared/ports';
import type { ClaimSource } from '../../shared/ports/claims';
import type { DeadLetterStore } from '../../shared/ports/dead-letters';
import type { EvaluationFactStore } from '../../shared/ports/evaluation-facts';
import type { QuarantineStore } from '../../shared/ports/quarantine';
import type { ActionDeps } from '../../shared/services/actions';
import { createDuplicateCheck } from '../../shared/services/duplicates';
import type { DuplicateChecker } from '../../shared/services/duplicates';
import type { LifecycleTaskDeps } from '../../shared/services/lifecycle-tasks';
import { documentClient, ensureTable, localDynamoClient, startDynalite } from './dynalite';
import type { DynaliteHandle } from './dynalite';

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
  /** dynalite's LevelDB directory (`<data-dir>/dynamodb`); omit for in memory. */
  dynamoDir?: string;
  /** Run dynalite in a worker thread (the runtime). */
  thread?: boolean;
  onThreadError?: (err: Error) => void;
  tableName?: string;
  /** Sees the DynamoDB client before first use (tests' fault injection, benches' counters). */
  instrumentDynamo?: (client: DynamoDBClient) => void;
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
}

export interface EmbeddedComposition<C extends Clock = Clock> extends JurisdictionSetup {
  dynalite: DynaliteHandle;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  tableName: string;
  clock: C;
  ids: Ids;
  mail: MailSender;
  logger?: Logger;
  store: CaseStore;
  duplicates?: DuplicateChecker;
  blobs?: BlobStore;
  archiveBlobs?: BlobStore;
  quarantine: QuarantineStore;
  deadLetters: DynamoDeadLetterStore & DeadLetterStore;
  claims: ClaimSource;
  facts: EvaluationFactStore;
  /** The intake core's ports over a workflow (the engine, or a deferred one when the runtime is stopped). */
  intakeDeps(workflow: Workflow, extra?: Pick<IntakeDeps, 'statusUrl'>): IntakeDeps;
  actionDeps(workflow: Workflow): ActionDeps;
  /** The task services' ports (the engine adds its own callbacks). */
  lifecycleDeps(): Omit<LifecycleTaskDeps, 'workflow' | 'clock'> & { clock: C };
  /** Closes the client and dynalite. */
  close(): Promise<void>;
}

/** The jurisdiction, its calendar (overrides, years imported into the data directory) and the rules. */
export function embeddedJurisdiction(opts: Pick<EmbeddedOptions, 'jurisdiction' | 'jurisdictionDir' | 'importedCalendarDir'>): JurisdictionSetup {
  return composeJurisdiction(opts.jurisdiction, {
    ...(opts.jurisdictionDir ? { jurisdictionDir: opts.jurisdictionDir } : {}),
    ...(opts.importedCalendarDir ? { importedCalendarDir: opts.importedCalendarDir } : {}),
  });
}

export async function composeEmbedded<C extends Clock>(opts: EmbeddedOptions<C>): Promise<EmbeddedComposition<C>> {
  // Configuration first: a bad jurisdiction file fails before any storage is opened.
  const setup = opts.setup ?? embeddedJurisdiction(opts);
  const { jurisdiction, calendar, rules } = setup;
  const dynalite = await startDynalite({ ...(opts.dynamoDir ? { path: opts.dynamoDir } : {}), ...(opts.thread ? { thread: true } : {}), ...(opts.onThreadError ? { onThreadError: opts.onThreadError } : {}) });
  const client = localDynamoClient(dynalite);
  opts.instrumentDynamo?.(client);
  const tableName = opts.tableName ?? 'tousu';
  try {
    await ensureTable(client, tableName);
  } catch (err) {
    client.destroy();
    await dynalite.close();
    throw err;
  }
  const doc = documentClient(client);
  const asDeployed = opts.asDeployed ?? true;
  const logger = opts.logger;
  const store: CaseStore = asDeployed
    ? createCaseStore({ doc, tableName, onFactError: (caseId, err) => logger?.error('evaluation facts not written', { caseId, error: err instanceof Error ? err.name : 'unknown' }) })
    : new DynamoCaseStore({ doc, tableName });
  const duplicates = asDeployed ? createDuplicateCheck({ index: new DynamoDuplicateIndex({ doc, tableName }), store, departments: jurisdiction.departments, ...duplicateEvidenceFor(jurisdiction, opts.jurisdictionDir), tokenize: jiebaTokens, rules: jurisdiction.duplicateMatching }) : undefined;
  const { clock, mail } = opts;
  return {
    ...setup,
    dynalite,
    client,
    doc,
    tableName,
    clock,
    ids: cryptoIds,
    mail,
    ...(logger ? { logger } : {}),
    store,
    ...(duplicates ? { duplicates } : {}),
    ...(opts.blobs ? { blobs: opts.blobs } : {}),
    ...(opts.archiveBlobs ? { archiveBlobs: opts.archiveBlobs } : {}),
    quarantine: new DynamoQuarantineStore(doc, tableName),
    deadLetters: new DynamoDeadLetterStore(doc, tableName),
    claims: new DynamoClaimSource(doc, tableName),
    facts: new DynamoEvaluationFactStore({ doc, tableName }),
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
      ...(opts.archiveBlobs ? { archiveBlobs: opts.archiveBlobs } : {}),
      // Screening files the text's LSH bands (and the identity keys again); one write at a time: background work.
      ...(duplicates ? { indexForDuplicates: (c: CaseRecord) => duplicates.indexCase(c, 'bands', { writeConcurrency: 1 }) } : {}),
    }),
    async close() {
      client.destroy();
      await dynalite.close();
    },
  };
}
