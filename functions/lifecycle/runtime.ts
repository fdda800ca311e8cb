/**
 * Cold-start wiring shared by the life-cycle task functions: the environment is parsed once, the SDK clients,
 * the logger, the calendar, the rules and the jurisdiction are created once per container (STYLE.md rule 2).
 * Each task's index calls `lifecycleRuntime()` at module scope. The archive store (S3 client, ~110 KB of bundle)
 * is passed in by the archive-case function only (./archive-store), so the other five bundles do not carry it.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../../shared/adapters/aws/dynamo-case-store';
import { lazySfnCallbacks } from '../../shared/adapters/aws/lazy-sfn-workflow';
import { createCaseStore } from '../../shared/adapters/aws/case-store-factory';
import { lazyMailSenderFromEnv } from '../../shared/adapters/aws/lazy-mail-sender';
import { loadCalendar } from '../../shared/calendar/load';
import { calendarRefresher } from '../../shared/calendar/refresh';
import { DynamoCalendarYearStore } from '../../shared/adapters/aws/dynamo-calendar-years';
import { loadJurisdiction, loadRulesRegistry } from '../../shared/config/load';
import { systemClock } from '../../shared/ports';
import type { BlobStore, CaseStore, Workflow } from '../../shared/ports';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CaseRecord } from '../../shared/domain/case';
import type { JurisdictionConfig } from '../../shared/domain/jurisdiction';
import { lifecycleTasks } from '../../shared/services/lifecycle-tasks';
import type { LifecycleTasks } from '../../shared/services/lifecycle-tasks';
import { LifecycleFunctionEnv } from './env';

export interface LifecycleRuntimeOptions {
  /** The art. 18 archive store from the environment (archive-case only; undefined when ARCHIVE_BUCKET is unset). */
  archiveBlobs?: (env: LifecycleFunctionEnv) => BlobStore | undefined;
  /**
   * The duplicate-index filing of the screening task (screen-case only, ./duplicate-bands): the other task
   * bundles do not carry the fingerprinting code.
   */
  indexForDuplicates?: (ctx: { doc: DynamoDBDocumentClient; tableName: string; store: CaseStore; jurisdiction: JurisdictionConfig }) => (c: CaseRecord) => Promise<void>;
}

export function lifecycleRuntime(opts: LifecycleRuntimeOptions = {}): { logger: Logger; tasks: LifecycleTasks } {
  const env = LifecycleFunctionEnv.parse(process.env);

  const logger = new Logger({ serviceName: env.POWERTOOLS_SERVICE_NAME });

  const jurisdiction = loadJurisdiction(env.JURISDICTION, env.JURISDICTION_DIR ? { dir: env.JURISDICTION_DIR } : {});

  /**
   * Only SendTaskSuccess is needed here (the await task completing its own callback). Not a full Workflow: starting
   * would need the state machine's ARN, which would make the machine and its own functions depend on each other.
   * The Step Functions client loads on the first callback (only the await task ever sends one).
   */
  const callbacks: Pick<Workflow, 'sendTaskSuccess'> = lazySfnCallbacks();

  const archiveBlobs = opts.archiveBlobs?.(env);
  const doc = createDocumentClient(new DynamoDBClient({}));
  const store = createCaseStore({ doc, tableName: env.TABLE_NAME });
  const indexForDuplicates = opts.indexForDuplicates?.({ doc, tableName: env.TABLE_NAME, store, jurisdiction });
  // The jurisdiction's local adjustments as everywhere else, and the years imported through the admin API.
  const calendar = loadCalendar({ ...(env.CALENDAR_DIR ? { yearDir: env.CALENDAR_DIR } : {}), overrides: jurisdiction.calendarOverrides });
  const refresher = calendarRefresher(calendar, new DynamoCalendarYearStore(doc, env.TABLE_NAME, jurisdiction.code), { logger: { warn: (message, extra) => logger.warn(message, extra ?? {}) } });
  const inner = lifecycleTasks({
    store,
    clock: systemClock,
    calendar,
    rules: env.RULES_DIR ? loadRulesRegistry(env.RULES_DIR) : loadRulesRegistry(),
    jurisdiction,
    mail: lazyMailSenderFromEnv(process.env, jurisdiction.mail.replyTo ? { replyTo: jurisdiction.mail.replyTo } : {}),
    workflow: callbacks,
    ...(archiveBlobs ? { archiveBlobs } : {}),
    ...(indexForDuplicates ? { indexForDuplicates } : {}),
    logger: {
      info: (message, extra) => logger.info(message, extra ?? {}),
      warn: (message, extra) => logger.warn(message, extra ?? {}),
      error: (message, extra) => logger.error(message, extra ?? {}),
    },
  });
  const fresh =
    <P, R>(task: (payload: P) => Promise<R>) =>
    async (payload: P): Promise<R> => {
      await refresher.ensureFresh();
      return task(payload);
    };
  const tasks: LifecycleTasks = {
    screenCase: fresh(inner.screenCase),
    prepareWait: fresh(inner.prepareWait),
    awaitAction: fresh(inner.awaitAction),
    handleDeadline: fresh(inner.handleDeadline),
    archiveCase: fresh(inner.archiveCase),
    recordFailure: inner.recordFailure,
  };
  return { logger, tasks };
}
