/**
 * Back-pressure of the embedded runtime's intake (issue 26 item 3): the in-process engine runs the screening of every
 * new case on the same two cores as the intake, so under a burst the intake can accept cases far faster than they
 * are screened. Past a bound, a new intake is refused before anything is stored (HTTP 503 with Retry-After, SMTP
 * 451; shared/domain/errors.ts IntakeBusyError) instead of being accepted as work that cannot start soon.
 *
 * The backlog is the number of running executions that do not wait in a callback task: cases between their start
 * and their first wait (screening, preparing the wait), plus the few moving between two waits. An execution parked
 * for staff or for the clock costs nothing and is not counted.
 *
 * Configuration: the `intakeBacklog` object of `<data-dir>/tousu.config.json` (or the workflow option of the same
 * name), every field with a default; a wrong value is refused with a Chinese message naming the field.
 *
 * Retry-After is measured, not guessed: the time the engine needs, at the rate it settled executions (parked or
 * ended) over the last `rateWindowMs`, to bring the backlog back under the bound, within
 * [minRetryAfterSeconds, maxRetryAfterSeconds].
 */
import * as z from 'zod';
import { chineseErrors, zodProblems } from '../../shared/config/json';
import { IntakeBusyError } from '../../shared/domain/errors';

export const IntakeBacklogLimits = z
  .object({
    /** Executions not yet waiting (the screening backlog) above which a new intake is refused. */
    maxBusyExecutions: z.number().int().min(1).max(1_000_000).default(1_000),
    /** Retry-After bounds, in seconds. */
    minRetryAfterSeconds: z.number().int().min(1).max(3_600).default(1),
    maxRetryAfterSeconds: z.number().int().min(1).max(3_600).default(120),
    /** Window over which the engine's settle rate is measured. */
    rateWindowMs: z.number().int().min(1_000).max(600_000).default(10_000),
  })
  .strict()
  .refine((l) => l.minRetryAfterSeconds <= l.maxRetryAfterSeconds, { message: 'minRetryAfterSeconds 不能大于 maxRetryAfterSeconds', path: ['minRetryAfterSeconds'] });
export type IntakeBacklogLimits = z.infer<typeof IntakeBacklogLimits>;
export type IntakeBacklogLimitsInput = z.input<typeof IntakeBacklogLimits>;

export const DEFAULT_INTAKE_BACKLOG: IntakeBacklogLimits = IntakeBacklogLimits.parse({});

/** An invalid `intakeBacklog` object: `problems` name each field (`intakeBacklog.maxBusyExecutions`). */
export class IntakeBacklogLimitsError extends Error {
  override readonly name = 'IntakeBacklogLimitsError';
  constructor(readonly problems: { path: string; message: string }[]) {
    super(`受理积压上限配置有误：${problems.map((p) => `${p.path}：${p.message}`).join('；')}`);
  }
}

/** Validates and fills the defaults; throws IntakeBacklogLimitsError with Chinese messages. */
export function parseIntakeBacklog(input: unknown, prefix = 'intakeBacklog'): IntakeBacklogLimits {
  const result = IntakeBacklogLimits.safeParse(input ?? {}, { error: chineseErrors });
  if (result.success) return result.data;
  throw new IntakeBacklogLimitsError(zodProblems(result.error).map((p) => ({ ...p, path: p.path ? `${prefix}.${p.path}` : prefix })));
}

/** The gate the intake asks (LocalWorkflow.checkIntakeCapacity). Wall time (`now`), not the case clock. */
export class IntakeBacklogGate {
  /** Times (ms) at which an execution settled (parked or ended), oldest first, within the rate window. */
  private readonly settledAt: number[] = [];
  private refusedCount = 0;

  constructor(
    readonly limits: IntakeBacklogLimits,
    private readonly backlog: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  /** An execution of the backlog settled (parked in a wait or ended). */
  settled(): void {
    const t = this.now();
    this.settledAt.push(t);
    this.trim(t);
  }

  /** Intakes refused since start. */
  get refused(): number {
    return this.refusedCount;
  }

  /** Throws IntakeBusyError when the backlog is past the bound. */
  check(): void {
    const backlog = this.backlog();
    if (backlog < this.limits.maxBusyExecutions) return;
    this.refusedCount += 1;
    throw new IntakeBusyError(this.retryAfterSeconds(backlog));
  }

  /** Seconds for the backlog to fall under the bound at the measured settle rate (bounded). */
  retryAfterSeconds(backlog = this.backlog()): number {
    const t = this.now();
    this.trim(t);
    const { minRetryAfterSeconds: lo, maxRetryAfterSeconds: hi, maxBusyExecutions, rateWindowMs } = this.limits;
    const perSecond = this.settledAt.length / (rateWindowMs / 1000);
    if (perSecond <= 0) return hi;
    const excess = backlog - maxBusyExecutions + 1;
    return Math.min(hi, Math.max(lo, Math.ceil(excess / perSecond)));
  }

  private trim(t: number): void {
    const from = t - this.limits.rateWindowMs;
    let drop = 0;
    while (drop < this.settledAt.length && this.settledAt[drop]! < from) drop += 1;
    if (drop > 0) this.settledAt.splice(0, drop);
  }
}
