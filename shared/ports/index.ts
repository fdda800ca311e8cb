/**
 * Ports: what the handlers and services need from the outside world. Implementations live in
 * `shared/adapters/aws/` (AWS) and `infra/local/` (embedded runtime). Nothing here knows which.
 */
import type { CaseRecord, Phase, TimelineEvent, Actor, NewEvent } from '../domain/case';
import type { CalendarYearData } from '../domain/calendar';

// ---------------------------------------------------------------------------------------------- Clock

export interface Clock {
  /** The current instant. Every "now" in handlers comes from here. */
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * A Clock one can also sleep on: the embedded runtime's in-process engine waits on it for callback-task timeouts, so a
 * virtual clock (infra/local/clock.ts: RealClock, ScaledClock, ManualClock) moves deadlines without waiting.
 */
export interface SleepingClock extends Clock {
  /** Resolves once the clock reaches `instant` (at once if it has); rejects when `signal` aborts. */
  sleepUntil(instant: Date | string | number, signal?: AbortSignal): Promise<void>;
}

// ---------------------------------------------------------------------------------------------- Logger

/**
 * Structured logging: an event name and data with ids and counts, never personal data. Services ask for the
 * levels they use (`Pick<Logger, 'warn'>`); Powertools' Logger on Lambda and the runtime's log both fit.
 */
export interface Logger {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

// ---------------------------------------------------------------------------------------------- Counters

/**
 * Operational counts (CloudWatch metrics through Powertools Metrics on Lambda, shared/composition/aws-lambda.ts):
 * a name and how many, never personal data. `count(name)` is one.
 */
export interface Counters {
  count(name: string, value?: number): void;
}

// ---------------------------------------------------------------------------------------------- Ids

export interface Ids {
  /** Random unique id (UUID v4). */
  uuid(): string;
  /** Unguessable query code for the complainant (≥ 40 bits, unambiguous characters). */
  queryCode(): string;
}

// ---------------------------------------------------------------------------------------------- CaseStore

/** A timeline event before the store assigns its sequence number (a domain type, shared/domain/case.ts). */
export type { NewEvent };

export type SourceClaim =
  /** This caller owns the source key now: allocate the tracking number, `bindSource`, then create the case (docs/data-model.md). */
  | { outcome: 'claimed' }
  /** Someone claimed it before. `caseId` is set once the case exists (claim completed). */
  | { outcome: 'duplicate'; caseId?: string; claimedAt: string };

export interface CaseQuery {
  jurisdiction: string;
  phase?: Phase;
  department?: string;
  /** Only cases with a waiting step due at or before this instant. */
  dueBefore?: string;
  /** Only cases with an overdue mark. */
  overdue?: boolean;
  limit?: number;
  cursor?: string;
}

export interface CasePage {
  items: CaseRecord[];
  cursor?: string;
}

export interface AuditEntry {
  caseId: string;
  at: string;
  actor: Actor;
  /** `read`, `action:<name>`, `export`, … */
  what: string;
  detail?: Record<string, unknown>;
}

export interface CaseStore {
  /**
   * Idempotency claim on a delivery's source key (conditional put). Exactly one concurrent caller gets
   * `claimed`; the others get `duplicate`. A claim older than `staleAfterMs` without a case may be
   * re-claimed so that a crash between claim and create does not lose the intake.
   */
  claimSource(sourceKey: string, at: string, opts?: { staleAfterMs?: number }): Promise<SourceClaim>;
  /** Completes a claim by recording the case it became. */
  bindSource(sourceKey: string, caseId: string): Promise<void>;
  /** Next 受理编号 for a jurisdiction and Shanghai day (atomic counter), e.g. `510903-20261127-0007`. */
  allocateTrackingNo(jurisdiction: string, shanghaiDate: string): Promise<string>;
  /**
   * Creates the case (fails with ConcurrentUpdateError if it exists) and writes its first events. With
   * `deferFlush` the events stay pending on the case item, and the next read or write moves them to their own
   * items (the state a crash between the two writes leaves, completed the same way): for a case the workflow
   * reads at once, which saves the intake two writes on its request path.
   */
  create(record: CaseRecord, events: NewEvent[], opts?: { deferFlush?: boolean }): Promise<CaseRecord>;
  get(caseId: string): Promise<CaseRecord | undefined>;
  /** Several cases at once, each as `get` returns it; missing ones are absent. Optional: callers fall back to `get`. */
  getMany?(caseIds: readonly string[]): Promise<Map<string, CaseRecord>>;
  /**
   * Replaces the case item if its stored `version` equals `expectedVersion` (else ConcurrentUpdateError),
   * incrementing `version`, and appends `events` to the timeline. Events are first written into the case item
   * as pending and then flushed to their own items, so a crash in between is completed by the next write or read.
   */
  update(record: CaseRecord, expectedVersion: number, events: NewEvent[]): Promise<CaseRecord>;
  timeline(caseId: string): Promise<TimelineEvent[]>;
  query(q: CaseQuery): Promise<CasePage>;
  audit(entry: AuditEntry): Promise<void>;
  auditTrail(caseId: string): Promise<AuditEntry[]>;
}

// ---------------------------------------------------------------------------------------------- BlobStore

export interface StoredBlob {
  ref: string;
  sha256: string;
  size: number;
  contentType: string;
}

export interface BlobStore {
  put(key: string, body: Uint8Array, contentType: string): Promise<StoredBlob>;
  get(ref: string): Promise<Uint8Array | undefined>;
}

// ---------------------------------------------------------------------------------------------- MailSender

export interface OutgoingMail {
  from: string;
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  html?: string;
  attachments?: { filename: string; contentType: string; content: Uint8Array | string }[];
  /** Not sent as headers to outsiders: for the outbox index and metrics. */
  tags: { caseId?: string; kind: string };
}

export interface MailSender {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
}

// ---------------------------------------------------------------------------------------------- Workflow

export interface Workflow {
  /** Starts the case's execution; idempotent per execution name (derived from the case id). */
  start(caseId: string, input: Record<string, unknown>, executionName?: string): Promise<{ executionId: string; alreadyRunning: boolean }>;
  sendTaskSuccess(taskToken: string, output: Record<string, unknown>): Promise<void>;
  sendTaskFailure(taskToken: string, error: string, cause?: string): Promise<void>;
  /**
   * Asked by the intake before it stores anything: throws IntakeBusyError (shared/domain/errors.ts) when the engine
   * cannot start more work soon (the embedded runtime's bounded screening backlog, infra/local/intake-backlog.ts).
   * Absent: always room (Step Functions on AWS).
   */
  checkIntakeCapacity?(): void;
}

// ---------------------------------------------------------------------------------------------- CalendarYearStore

/**
 * Years of the working-day calendar imported by an administrator (the State Council's annual holiday notice),
 * kept where every function of a deployment reads them: a DynamoDB item per year on AWS; the embedded runtime
 * keeps year files in its calendar directory instead (shared/calendar/load.ts).
 */
export interface CalendarYearStore {
  list(): Promise<CalendarYearData[]>;
  put(year: CalendarYearData, meta: { at: string; by: string }): Promise<void>;
}

/**
 * Keeps a WorkingCalendar up to date with the years of a CalendarYearStore (AWS; shared/calendar/refresh.ts).
 */
export interface CalendarRefresher {
  /** Loads what the store has when the last read is older than the interval. */
  ensureFresh(): Promise<void>;
  /** Years loaded from the store so far. */
  loaded(): number[];
}

/** A staff account as the action service checks a named hand-over (art. 21); undefined for no such account. */
export interface StaffAccount {
  role: string;
  department?: string;
  /** The person's own name, when the account has one. */
  name?: string;
}

/** Staff accounts: local accounts in the embedded runtime, the Cognito user pool on AWS. */
export interface StaffDirectory {
  lookup(username: string): Promise<StaffAccount | undefined>;
}
