/**
 * Clocks of the embedded runtime. Every "now" in handlers comes from the Clock port; the in-process engine
 * also sleeps on it (callback-task timeouts), so a virtual clock moves deadlines, reminders and overdue marks
 * without waiting for real working days (ARCHITECTURE.md, "Time").
 *
 * - RealClock: wall time.
 * - ScaledClock: virtual time that runs `scale` times faster than wall time from a start instant
 *   (`tousu start --clock-scale N`, `tousu demo`).
 * - ManualClock: time moves only when a test calls `advanceTo` / `advanceBy`; sleepers are released one by
 *   one in instant order, each at its own instant, so tests are deterministic.
 */
import type { SleepingClock } from '../../shared/ports';

/** Largest delay setTimeout accepts (2^31 - 1 ms); longer sleeps are chained. */
const MAX_TIMER_MS = 2_147_483_647;

function toMs(instant: Date | string | number): number {
  const ms = instant instanceof Date ? instant.getTime() : typeof instant === 'number' ? instant : Date.parse(instant);
  if (Number.isNaN(ms)) throw new TypeError(`invalid instant: ${String(instant)}`);
  return ms;
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const err = new Error('sleep aborted');
  err.name = 'AbortError';
  return err;
}

/** Sleeps on real timers until `virtualNow()` reaches the target; re-checks after each timer (drift, chaining). */
function sleepOnTimers(targetMs: number, virtualNow: () => number, scale: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      if (timer) clearTimeout(timer);
      reject(abortError(signal!));
    };
    const arm = () => {
      const left = targetMs - virtualNow();
      if (left <= 0) {
        signal?.removeEventListener('abort', onAbort);
        resolve();
        return;
      }
      timer = setTimeout(arm, Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(left / scale))));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    arm();
  });
}

export class RealClock implements SleepingClock {
  now(): Date {
    return new Date();
  }

  sleepUntil(instant: Date | string | number, signal?: AbortSignal): Promise<void> {
    return sleepOnTimers(toMs(instant), () => Date.now(), 1, signal);
  }
}

/** Virtual time: `start + (wall elapsed) × scale`. Scale 1 with start = now behaves like the real clock. */
export class ScaledClock implements SleepingClock {
  readonly scale: number;
  private readonly virtualStartMs: number;
  private readonly realStartMs: number;

  constructor(opts: { scale: number; start?: Date | string | number }) {
    if (!Number.isFinite(opts.scale) || opts.scale < 1) throw new RangeError('clock scale must be a number ≥ 1');
    this.scale = opts.scale;
    this.realStartMs = Date.now();
    this.virtualStartMs = opts.start === undefined ? this.realStartMs : toMs(opts.start);
  }

  private nowMs(): number {
    return this.virtualStartMs + (Date.now() - this.realStartMs) * this.scale;
  }

  now(): Date {
    return new Date(Math.floor(this.nowMs()));
  }

  sleepUntil(instant: Date | string | number, signal?: AbortSignal): Promise<void> {
    return sleepOnTimers(toMs(instant), () => this.nowMs(), this.scale, signal);
  }
}

interface Sleeper {
  at: number;
  order: number;
  resolve: () => void;
}

/**
 * Test clock: time stands still until advanced. `advanceTo` releases every sleeper due by the target in
 * instant order, setting `now()` to each sleeper's own instant and letting the released work settle
 * (see `setSettle`) before the next one, then sets `now()` to the target.
 */
export class ManualClock implements SleepingClock {
  private current: number;
  private sleepers: Sleeper[] = [];
  private counter = 0;
  private settle: () => Promise<void> = defaultSettle;

  constructor(start: Date | string | number) {
    this.current = toMs(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  /** What to await after releasing each sleeper, e.g. `() => workflow.idle()`. */
  setSettle(fn: () => Promise<void>): void {
    this.settle = fn;
  }

  sleepUntil(instant: Date | string | number, signal?: AbortSignal): Promise<void> {
    const at = toMs(instant);
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (at <= this.current) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const sleeper: Sleeper = {
        at,
        order: this.counter++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(abortError(signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
    });
  }

  /** Instants of the pending sleepers, earliest first. */
  pending(): Date[] {
    return this.sorted().map((s) => new Date(s.at));
  }

  async advanceTo(instant: Date | string | number): Promise<void> {
    const target = toMs(instant);
    if (target < this.current) throw new RangeError(`the manual clock cannot go back from ${this.now().toISOString()} to ${new Date(target).toISOString()}`);
    for (;;) {
      const next = this.sorted()[0];
      if (!next || next.at > target) break;
      this.sleepers = this.sleepers.filter((s) => s !== next);
      this.current = Math.max(this.current, next.at);
      next.resolve();
      await this.settle();
    }
    this.current = target;
    await this.settle();
  }

  advanceBy(ms: number): Promise<void> {
    return this.advanceTo(this.current + ms);
  }

  private sorted(): Sleeper[] {
    return [...this.sleepers].sort((a, b) => a.at - b.at || a.order - b.order);
  }
}

async function defaultSettle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise<void>((r) => setImmediate(r));
}

/** The clock for `--clock-scale N` (N = 1 or absent: real time). */
export function clockFromScale(scale: number | undefined, start?: Date | string | number): SleepingClock {
  if (scale === undefined || (scale === 1 && start === undefined)) return new RealClock();
  return new ScaledClock({ scale, start });
}
