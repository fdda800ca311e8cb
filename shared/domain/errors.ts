/**
 * Domain errors. Each has an explicit, stable `name` (used by the ASL Retry/Catch `ErrorEquals` lists and by
 * the HTTP error mapping) and a machine `code`; `message` is plain language for the person who sees it.
 */
import { PHASE_LABELS } from './case';
import type { Phase } from './case';
export interface FieldProblem {
  /** Dotted path of the field, e.g. `complainant.phone`. */
  field: string;
  /** Message for people, in Simplified Chinese. */
  message: string;
  /** Stable machine code, e.g. `required`, `too_long`, `invalid_phone`. */
  code?: string;
}

export abstract class TousuError extends Error {
  abstract override readonly name: string;
  abstract readonly code: string;
  /** HTTP status this error maps to at the API edge. */
  abstract readonly status: number;
}

export class ValidationError extends TousuError {
  override readonly name = 'ValidationError';
  readonly code = 'validation_failed';
  readonly status = 400;
  constructor(
    readonly problems: FieldProblem[],
    message = '提交的内容有误，请按提示修改。',
  ) {
    super(message);
  }
}

export class NotFoundError extends TousuError {
  override readonly name = 'NotFoundError';
  readonly code = 'not_found';
  readonly status = 404;
  constructor(message = '未找到对应的记录。') {
    super(message);
  }
}

/** The action is not allowed in the case's current phase (HTTP 409). */
export class PhaseConflictError extends TousuError {
  override readonly name = 'PhaseConflictError';
  readonly code = 'action_not_allowed_in_phase';
  readonly status = 409;
  constructor(
    readonly action: string,
    readonly phase: string,
    message?: string,
  ) {
    super(message ?? `当前环节（${PHASE_LABELS[phase as Phase] ?? phase}）不能执行该操作（${action}）。`);
  }
}

/** The caller may not read or act on this case (HTTP 403). */
export class ForbiddenError extends TousuError {
  override readonly name = 'ForbiddenError';
  readonly status = 403;
  /**
   * `forbidden`, or a precise reason: `respondent_person_conflict` (the caller is the respondent person the case
   * names, art. 21), `recused` (the caller recused from the case, art. 21).
   */
  constructor(
    message = '您无权查看或办理该投诉件。',
    readonly code: string = 'forbidden',
  ) {
    super(message);
  }
}

export class UnauthorizedError extends TousuError {
  override readonly name = 'UnauthorizedError';
  readonly code = 'unauthorized';
  readonly status = 401;
  constructor(message = '请先登录。') {
    super(message);
  }
}

/** A conditional write lost a race (optimistic lock); the caller should re-read and retry. */
export class ConcurrentUpdateError extends TousuError {
  override readonly name = 'ConcurrentUpdateError';
  readonly code = 'concurrent_update';
  readonly status = 409;
  constructor(message = '该投诉件刚被他人更新，请刷新后重试。') {
    super(message);
  }
}

/** The working-day calendar has no data for a year: never guessed (SPEC.md, Deadlines). */
export class CalendarDataMissingError extends TousuError {
  override readonly name = 'CalendarDataMissingError';
  readonly code = 'calendar_year_missing';
  readonly status = 422;
  constructor(readonly year: number) {
    super(
      `缺少 ${year} 年的工作日历数据（节假日与调休安排），无法计算。请管理员导入国务院办公厅公布的 ${year} 年节假日安排通知：npx tousu calendar import 通知全文.txt（或在 config/calendar/${year}.json 登记）。投诉件的办理期限不受影响：缺少通知的年份按法定节假日暂定。 (no calendar data for year ${year})`,
    );
  }
}

export class ConfigError extends TousuError {
  override readonly name = 'ConfigError';
  readonly code = 'invalid_config';
  readonly status = 500;
  constructor(
    readonly problems: FieldProblem[],
    message = '配置文件有误。',
  ) {
    super(message);
  }
}

/** A policy rule was violated by a staff request, e.g. an extension longer than the rules allow. */
export class RuleViolationError extends TousuError {
  override readonly name = 'RuleViolationError';
  readonly code: string;
  readonly status = 422;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export const isTousuError = (e: unknown): e is TousuError => e instanceof TousuError;

/**
 * The name of a thrown value, for logs and dead letters (never its message, which may hold personal data). Read by
 * shape, not by `instanceof Error`: an error made in another realm (a native addon's error class bound to the first
 * module registry that loaded it, a vm context) is still an error with a name.
 */
export function errorName(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'name' in err && typeof (err as { name: unknown }).name === 'string') return (err as { name: string }).name.slice(0, 128) || 'Error';
  return 'unknown';
}

/**
 * The intake pushes back (issue 26): the workflow engine's backlog of cases not yet screened is past its configured
 * bound, so a new intake is refused before anything is stored, instead of being accepted as work that cannot start.
 * HTTP 503 with `Retry-After`; SMTP 451 (the sender's MTA retries); never parked as a dead letter.
 */
export class IntakeBusyError extends TousuError {
  override readonly name = 'IntakeBusyError';
  readonly code = 'intake_busy';
  readonly status = 503;
  constructor(readonly retryAfterSeconds: number) {
    super(`当前待处理的投诉较多，系统暂不受理新的提交，请在 ${retryAfterSeconds} 秒后重新提交（本次提交未被受理，也未保存）。`);
  }
}
