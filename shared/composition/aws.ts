/**
 * The composition root on AWS: every Lambda function builds its ports here, from its zod-checked environment,
 * once per container (module scope or the handler's first call). Jurisdiction, calendar (with the jurisdiction's
 * `calendarOverrides` and the years imported through the admin API), rules, the case store, the mail sender and
 * the Step Functions callbacks are made the same way for every function, so they cannot drift apart.
 *
 * Parts a function may not need are passed in from small modules of their own (./aws-parts.ts), so that a bundle
 * carries only the SDK clients it uses (issue 11: the S3 client is ~120 KB, the duplicate fingerprinting code
 * and the SQS client are used by a few functions only): `composeAws(process.env, { workflow: sfnStartWorkflow,
 * evidence: s3Evidence, duplicates: dynamoDuplicates })`.
 *
 * The embedded runtime's counterpart is infra/local/composition.ts; both start from ./jurisdiction.ts.
 */
import * as z from 'zod';
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { portLogger } from './aws-logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { lazySfnCallbacks } from '../adapters/aws/lazy-sfn-workflow';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createCaseStore } from '../adapters/aws/case-store-factory';
import { DynamoCalendarYearStore } from '../adapters/aws/dynamo-calendar-years';
import { createDocumentClient } from '../adapters/aws/dynamo-case-store';
import type { EvaluationDecisionStore } from '../ports/evaluation-decisions';
import type { StaffRevocations } from '../ports/staff-auth';
import { lazyClaimSource, lazyDeadLetterStore, lazyDecisionStore, lazyQuarantineStore, lazyStaffRevocations } from '../adapters/aws/lazy-stores';
import { DynamoEvaluationFactStore } from '../adapters/aws/dynamo-evaluation-facts';
import { lazyMailSenderFromEnv } from '../adapters/aws/lazy-mail-sender';
import { cryptoIds } from '../adapters/ids';
import { calendarRefresher } from '../calendar/refresh';
import { ConfigError, errorName } from '../domain/errors';
import type { CaseRecord } from '../domain/case';
import type { JurisdictionConfig } from '../domain/jurisdiction';
import type { IntakeDeps } from '../intake/core';
import { systemClock } from '../ports';
import type { BlobStore, CaseStore, Clock, Counters, Ids, Logger, MailSender, Workflow } from '../ports';
import type { ClaimSource } from '../ports/claims';
import type { DeadLetterStore } from '../ports/dead-letters';
import type { EvaluationFactStore } from '../ports/evaluation-facts';
import type { QuarantineStore } from '../ports/quarantine';
import type { ActionDeps } from '../services/actions';
import type { DuplicateChecker } from '../services/duplicates';
import type { LifecycleTaskDeps } from '../services/lifecycle-tasks';
import { composeJurisdiction } from './jurisdiction';
import type { WorkOrderOutbox } from '../ports/workorder-outbox';
import { withWorkOrderMarks } from '../services/workorder-marks';
import type { JurisdictionSetup } from './jurisdiction';

/** What the composition reads from a function's environment (each function's own schema checks its required variables). */
export const AwsEnv = z.object({
  /** The single DynamoDB table (shared/adapters/aws/table.ts). */
  TABLE_NAME: z.string().min(1),
  /** The jurisdiction this stack serves (one stack per jurisdiction), e.g. `510903`. */
  JURISDICTION: z.string().regex(/^\d{6}(-[A-Za-z0-9]+)?$/),
  /** Directory of jurisdiction files bundled with the function (default: config/jurisdictions). */
  JURISDICTION_DIR: z.string().min(1).optional(),
  /** Administrator calendar year files (default: config/calendar). */
  CALENDAR_DIR: z.string().min(1).optional(),
  /** Rules version files (default: config/rules). */
  RULES_DIR: z.string().min(1).optional(),
  STATE_MACHINE_ARN: z.string().startsWith('arn:').optional(),
  /** The start queue (SQS): set, executions are started by the execution-starter Lambda from it. */
  START_QUEUE_URL: z.url().optional(),
  EVIDENCE_BUCKET: z.string().min(1).optional(),
  EVIDENCE_KMS_KEY_ID: z.string().optional(),
  /** The art. 18 archive bucket (S3 Object Lock): set on the archive-case function only. */
  ARCHIVE_BUCKET: z.string().min(1).optional(),
  ARCHIVE_KMS_KEY_ID: z.string().min(1).optional(),
  STATUS_URL: z.url().optional(),
  /**
   * `1` when the stack reports 12345 work orders back (art. 7(2), `workOrderOutbound` in config/deploy): writes of
   * work-order cases mark them for the reconciler, which collects and posts their reports (set on every function).
   */
  WORKORDER_MARKS: z.literal('1').optional(),
});
export type AwsEnv = z.infer<typeof AwsEnv>;

/** What a part builder sees. */
export interface AwsPartContext {
  env: AwsEnv;
  doc: DynamoDBDocumentClient;
  store: CaseStore;
  jurisdiction: JurisdictionConfig;
}

export interface AwsParts {
  /** The Workflow that starts executions (./aws-parts.ts `sfnStartWorkflow`); task-token callbacks need none. */
  workflow?: (ctx: AwsPartContext) => Workflow;
  /** The evidence store of the intakes (./aws-parts.ts `s3Evidence`). */
  evidence?: (ctx: AwsPartContext) => BlobStore | undefined;
  /** The art. 18 archive store (./aws-parts.ts `s3Archive`). */
  archive?: (ctx: AwsPartContext) => BlobStore | undefined;
  /** Duplicate matching, art. 11 (./aws-duplicates.ts `dynamoDuplicates`). */
  duplicates?: (ctx: AwsPartContext) => DuplicateChecker;
}

export interface AwsCompositionOptions extends AwsParts {
  /** The function's logger (its Powertools Logger through `portLogger`; default: a new Powertools Logger). */
  logger?: Logger;
  /** The function's metrics (its Powertools Metrics through `portCounters`, ./aws-lambda.ts); default: none counted. */
  metrics?: Counters;
  clock?: Clock;
  /** Clients to use instead of new ones (tests, the CLI). */
  dynamo?: DynamoDBClient;
  sfn?: SFNClient;
  /** Years imported through the admin API are read at most this often (default 5 minutes; 0: at every refresh). */
  calendarRefreshMs?: number;
}

export interface AwsComposition extends JurisdictionSetup {
  env: AwsEnv;
  doc: DynamoDBDocumentClient;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  /** The production case store (evaluation facts recorded with every write). */
  store: CaseStore;
  /** The one mail sender: the jurisdiction's Reply-To, the environment's mode and SES configuration set. */
  mail: MailSender;
  /**
   * Whether the function was given mail settings (infra/constructs/mail.ts `grantSend` sets MAIL_MODE): only then
   * does the intake core send acknowledgements (the letter, box and work-order intakes send none).
   */
  sendsMail: boolean;
  /** Completes a waiting task (SendTaskSuccess) without the state machine's ARN. */
  callbacks: Pick<Workflow, 'sendTaskSuccess'>;
  /** Starts executions (set when the `workflow` part was given). */
  workflow?: Workflow;
  blobs?: BlobStore;
  archiveBlobs?: BlobStore;
  duplicates?: DuplicateChecker;
  calendarYears: DynamoCalendarYearStore;
  /** Loads the years imported through the admin API into `calendar` (at most every `calendarRefreshMs`). */
  refreshCalendar(): Promise<void>;
  quarantine: QuarantineStore;
  /** Art. 20 decisions (the API and the quarterly report), loaded on first use. */
  decisions: EvaluationDecisionStore;
  /** Staff log-out records (the API's staff side), loaded on first use. */
  staffRevocations: StaffRevocations;
  deadLetters: DeadLetterStore;
  claims: ClaimSource;
  facts: EvaluationFactStore;
  /** The intake core's ports (needs the `workflow` part). */
  intakeDeps(): IntakeDeps;
  /** The staff action service's ports (needs the `workflow` part). */
  actionDeps(): ActionDeps;
  /** The life-cycle task services' ports. */
  lifecycleDeps(): LifecycleTaskDeps;
}

export { portLogger };

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new ConfigError([{ field: what, message: `${what} is not configured for this function` }], `此函数未配置 ${what}。`);
  return value;
}

export function composeAws(raw: Record<string, string | undefined>, opts: AwsCompositionOptions = {}): AwsComposition {
  const env = AwsEnv.parse(raw);
  const logger = opts.logger ?? portLogger(new PowertoolsLogger());
  const clock = opts.clock ?? systemClock;
  const { jurisdiction, calendar, rules } = composeJurisdiction(env.JURISDICTION, {
    ...(env.JURISDICTION_DIR ? { jurisdictionDir: env.JURISDICTION_DIR } : {}),
    ...(env.CALENDAR_DIR ? { calendarDir: env.CALENDAR_DIR } : {}),
    ...(env.RULES_DIR ? { rulesDir: env.RULES_DIR } : {}),
  });
  const doc = createDocumentClient(opts.dynamo ?? new DynamoDBClient({}));
  const baseStore = createCaseStore({ doc, tableName: env.TABLE_NAME, onFactError: (caseId, err) => logger.error('evaluation facts not written', { caseId, error: errorName(err) }) });
  // The outbox adapter is a chunk of its own, loaded on the first mark (a work-order case's reported step).
  let marks: Promise<Pick<WorkOrderOutbox, 'markCase'>> | undefined;
  const markCase: WorkOrderOutbox['markCase'] = async (...args) => {
    marks ??= import('../adapters/aws/dynamo-workorder-outbox').then((m) => new m.DynamoWorkOrderOutbox({ doc, tableName: env.TABLE_NAME }));
    return (await marks).markCase(...args);
  };
  const store = env.WORKORDER_MARKS ? withWorkOrderMarks(baseStore, { outbox: { markCase }, clock, newToken: () => cryptoIds.uuid() }) : baseStore;
  const replyTo = jurisdiction.mail.replyTo;
  const mail = lazyMailSenderFromEnv(raw, replyTo ? { replyTo } : {});
  const sendsMail = raw.MAIL_MODE !== undefined;
  const calendarYears = new DynamoCalendarYearStore(doc, env.TABLE_NAME, jurisdiction.code);
  const refresher = calendarRefresher(calendar, calendarYears, { ...(opts.calendarRefreshMs !== undefined ? { everyMs: opts.calendarRefreshMs } : {}), logger });
  // The Step Functions client loads on the first callback (only the await task ever sends one).
  const callbacks: Pick<Workflow, 'sendTaskSuccess'> = lazySfnCallbacks(opts.sfn);
  const ctx: AwsPartContext = { env, doc, store, jurisdiction };
  const workflow = opts.workflow?.(ctx);
  const blobs = opts.evidence?.(ctx);
  const archiveBlobs = opts.archive?.(ctx);
  const duplicates = opts.duplicates?.(ctx);
  const c: AwsComposition = {
    env,
    doc,
    clock,
    ids: cryptoIds,
    logger,
    jurisdiction,
    calendar,
    rules,
    store,
    mail,
    sendsMail,
    callbacks,
    ...(workflow ? { workflow } : {}),
    ...(blobs ? { blobs } : {}),
    ...(archiveBlobs ? { archiveBlobs } : {}),
    ...(duplicates ? { duplicates } : {}),
    calendarYears,
    refreshCalendar: () => refresher.ensureFresh(),
    // Loaded on first call: only the API, the mail intakes and the reconciler use them.
    quarantine: lazyQuarantineStore(doc, env.TABLE_NAME),
    deadLetters: lazyDeadLetterStore(doc, env.TABLE_NAME),
    claims: lazyClaimSource(doc, env.TABLE_NAME),
    decisions: lazyDecisionStore(doc, env.TABLE_NAME),
    staffRevocations: lazyStaffRevocations(doc, env.TABLE_NAME),
    facts: new DynamoEvaluationFactStore({ doc, tableName: env.TABLE_NAME }),
    intakeDeps: () => ({
      store,
      workflow: required(workflow, 'STATE_MACHINE_ARN (workflow)'),
      clock,
      ids: cryptoIds,
      rules,
      jurisdiction,
      calendar,
      ...(sendsMail ? { mail } : {}),
      logger,
      ...(blobs ? { blobs } : {}),
      ...(duplicates ? { duplicateCheck: duplicates, indexCase: (r: CaseRecord) => duplicates.indexCase(r, 'identity') } : {}),
      ...(env.STATUS_URL ? { statusUrl: env.STATUS_URL } : {}),
      ...(opts.metrics ? { metrics: opts.metrics } : {}),
    }),
    actionDeps: () => ({ store, workflow: required(workflow, 'STATE_MACHINE_ARN (workflow)'), mail, clock, calendar, rules, jurisdiction, logger }),
    lifecycleDeps: () => ({
      store,
      clock,
      calendar,
      rules,
      jurisdiction,
      mail,
      workflow: callbacks,
      logger,
      ...(opts.metrics ? { metrics: opts.metrics } : {}),
      ...(archiveBlobs ? { archiveBlobs } : {}),
      // Screening files the case's text in the duplicate index (the intake filed its identity keys).
      ...(duplicates ? { indexForDuplicates: (r: CaseRecord) => duplicates.indexCase(r, 'bands') } : {}),
    }),
  };
  return c;
}
