/**
 * The in-process Step Functions engine of the embedded runtime: aws-local-stepfunctions 3.0.0 driving the REAL
 * statemachines/case-lifecycle.asl.json (ARCHITECTURE.md, "The embedded runtime: facts measured").
 *
 * What this adds on top of the library, and why:
 * - `Promise.withResolvers` is polyfilled (Node 20: every Task fails without it).
 * - Every Task state is overridden by state name with the task behind its `${…FunctionArn}` substitution
 *   (shared/services/lifecycle-tasks.ts), wrapped the way the Lambda service integration shapes it
 *   (`arn:aws:states:::lambda:invoke` → `{ Payload, StatusCode }`).
 * - The callback pattern (`.waitForTaskToken`, ignored by the library, which has no `$$.Task.Token`): the
 *   context carries a placeholder token so the ASL's `"taskToken.$": "$$.Task.Token"` resolves; the override
 *   replaces it with a fresh token, registers a deferred promise, calls the await task (which stores the token
 *   on the case) and parks until `sendTaskSuccess` / `sendTaskFailure` settles the deferred.
 * - Callback timeouts run on the Clock (virtual time): the override sleeps until the payload's `wakeUpAt`
 *   and then fails with an error named `States.Timeout`, which the ASL's Catch matches by name. The library's
 *   own timer (TimeoutSecondsPath read as real seconds) is never shorter on a real or scaled clock; on a manual
 *   clock it may fire for a wake-up a few virtual seconds away, and the deadline task then finds nothing due
 *   and the machine waits again (no effect on the case).
 * - Measured: the library evaluates TimeoutSecondsPath against the effective Parameters, AWS against the state
 *   input; the ASL keeps the wait plan under `$.Payload` so the same path resolves in both.
 * - Task functions take a place in one lane (LocalEngineOptions.taskConcurrency) where the tasks of executions
 *   already past screening go before new screenings (TaskLane), so a burst's executions reach their first wait
 *   one by one instead of all at the end of the burst.
 * - State transitions are counted per execution (StateEntered + StateRetried), the main cost on AWS.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StateMachine } from 'aws-local-stepfunctions';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import type { SleepingClock } from '../../shared/ports';

/** Node 20 lacks Promise.withResolvers; aws-local-stepfunctions calls it in every Task state. */
export function polyfillPromiseWithResolvers(): void {
  const P = Promise as unknown as { withResolvers?: unknown };
  if (typeof P.withResolvers === 'function') return;
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>() {
      let resolve!: (v: T | PromiseLike<T>) => void;
      let reject!: (e?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
polyfillPromiseWithResolvers();

export const LIFECYCLE_ASL_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../../statemachines/case-lifecycle.asl.json');

/** The raw ASL (with `${Substitutions}`), as CDK's DefinitionBody.fromFile reads it. */
export function readLifecycleDefinition(path = LIFECYCLE_ASL_PATH): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** `${Name}` → `arn:aws:lambda:local:000000000000:function:Name` (what CDK does with real ARNs). */
export function substituteLocalArns<T>(definition: T): T {
  return JSON.parse(JSON.stringify(definition).replace(/\$\{([A-Za-z0-9]+)\}/g, (_m, name: string) => localArn(name))) as T;
}

export const localArn = (substitution: string): string => `arn:aws:lambda:local:000000000000:function:${substitution.replace(/FunctionArn$/, '')}`;

export interface TaskStateInfo {
  stateName: string;
  /** The `${…}` name in the state's FunctionName, e.g. `AwaitActionFunctionArn`. */
  substitution: string;
  /** `.waitForTaskToken`: completes by callback. */
  callback: boolean;
  timeoutSeconds?: number;
  timeoutSecondsPath?: string;
}

interface RawState {
  Type?: string;
  Resource?: string;
  Parameters?: { FunctionName?: unknown };
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Retry?: unknown[];
}

/** The Task states of a raw definition and the function each invokes (top-level States only: no Map/Parallel here). */
export function taskStates(definition: Record<string, unknown>): TaskStateInfo[] {
  const states = (definition.States ?? {}) as Record<string, RawState>;
  const out: TaskStateInfo[] = [];
  for (const [stateName, s] of Object.entries(states)) {
    if (s.Type !== 'Task') continue;
    const fn = s.Parameters?.FunctionName;
    const m = typeof fn === 'string' ? /^\$\{([A-Za-z0-9]+)\}$/.exec(fn) : null;
    if (!m || !s.Resource?.startsWith('arn:aws:states:::lambda:invoke')) {
      throw new Error(`Task state "${stateName}" must invoke a Lambda by a \${…FunctionArn} substitution through arn:aws:states:::lambda:invoke`);
    }
    out.push({
      stateName,
      substitution: m[1]!,
      callback: s.Resource.endsWith('.waitForTaskToken'),
      ...(s.TimeoutSeconds !== undefined ? { timeoutSeconds: s.TimeoutSeconds } : {}),
      ...(s.TimeoutSecondsPath !== undefined ? { timeoutSecondsPath: s.TimeoutSecondsPath } : {}),
    });
  }
  return out;
}

/** A task behind a substitution: receives the Lambda payload, returns the Lambda result. */
export type TaskFunction = (payload: Record<string, unknown>) => Promise<unknown>;

/** The error a task-token call gets for a token that is unknown, completed or timed out (AWS: TaskTimedOut). */
export class TaskTimedOutError extends Error {
  override readonly name = 'TaskTimedOut';
  constructor(message = 'Task Timed Out: the task token is unknown, already completed or timed out') {
    super(message);
  }
}

/** A callback task's wait ended by its timeout: matched by the ASL's `Catch` on `States.Timeout`. */
export class LocalStatesTimeoutError extends Error {
  override readonly name = 'States.Timeout';
  constructor() {
    super('States.Timeout');
  }
}

/** A task failure reported through sendTaskFailure: its `name` is the error name the ASL matches. */
export class CallbackTaskFailure extends Error {
  constructor(name: string, cause?: string) {
    super(cause ?? name);
    this.name = name;
  }
}

/** A task function queued for an execution that ended before its turn: it is dropped, never run. */
export class ExecutionEndedError extends Error {
  override readonly name = 'Local.ExecutionEnded';
  constructor(execution: string) {
    super(`execution ${execution} ended before its queued task ran`);
  }
}

/** An execution stopped because the runtime shut down (not a life-cycle outcome). */
export class EngineStoppedError extends Error {
  override readonly name = 'Local.EngineStopped';
  constructor() {
    super('the in-process engine stopped');
  }
}

export type ExecutionStatus = 'running' | 'succeeded' | 'failed' | 'aborted';

export interface ExecutionSummary {
  name: string;
  input: Record<string, unknown>;
  status: ExecutionStatus;
  /** State transitions so far: states entered plus retries (what AWS bills for a Standard workflow). */
  transitions: number;
  /** Names of the states entered, in order. */
  states: string[];
  output?: unknown;
  error?: { name: string; message: string };
}

export interface LocalExecution extends ExecutionSummary {
  /** True while the execution waits in a callback task (for staff or for the clock). */
  parked: boolean;
  /** Settles when the execution ends (never rejects). */
  done: Promise<ExecutionSummary>;
  abort(): void;
}

export interface LocalEngineOptions {
  tasks: Record<string, TaskFunction>;
  clock: SleepingClock;
  /** The raw ASL with `${Substitutions}` (default: statemachines/case-lifecycle.asl.json). */
  definition?: Record<string, unknown>;
  /** Pause before a Retry, in ms, instead of the ASL's IntervalSeconds (tests). */
  retryIntervalMs?: number;
  /** Called whenever an execution starts, parks, wakes or ends (idle detection). */
  onChange?: () => void;
  /**
   * How many task functions may run at once, asked before each one starts (default: no limit). The runtime
   * lowers it while HTTP requests are in flight, so that a burst of intakes is answered first and the engine
   * catches up after it (one process shares two cores; on AWS, Lambda and Step Functions scale apart).
   */
  taskConcurrency?: () => number;
  /**
   * Substitutions whose task functions are new work (default: ScreenCaseFunctionArn): they queue behind the tasks
   * of executions already past screening (see TaskLane).
   */
  newWorkTasks?: readonly string[];
  /** Called when a running execution stops being busy: it parks in a callback task or ends (the backlog's drain rate). */
  onSettled?: () => void;
}

interface PendingToken {
  execution: LocalExecution;
  resolve: (output: unknown) => void;
  reject: (err: Error) => void;
}

const TOKEN_PLACEHOLDER = 'local-task-token-placeholder';

export class LocalEngine {
  readonly definition: Record<string, unknown>;
  readonly tasks: readonly TaskStateInfo[];
  private readonly taskByState: ReadonlyMap<string, TaskStateInfo>;
  private readonly machine: StateMachine;
  private readonly pending = new Map<string, PendingToken>();
  /** The pending tokens of each execution (at most one: no Parallel or Map state), for `abort`. */
  private readonly tokensOf = new Map<LocalExecution, Set<string>>();
  private readonly executions = new Set<LocalExecution>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly lane: TaskLane;
  private readonly newWork: ReadonlySet<string>;
  /** Task functions dropped from the lane because their execution had ended (see `run`). */
  private droppedTasks = 0;

  constructor(private readonly opts: LocalEngineOptions) {
    this.lane = new TaskLane(opts.taskConcurrency ?? (() => Number.POSITIVE_INFINITY));
    this.newWork = new Set(opts.newWorkTasks ?? DEFAULT_NEW_WORK_TASKS);
    this.definition = opts.definition ?? readLifecycleDefinition();
    this.tasks = taskStates(this.definition);
    this.taskByState = new Map(this.tasks.map((t) => [t.stateName, t]));
    for (const name of this.newWork) {
      if (!this.tasks.some((t) => t.substitution === name)) throw new Error(`newWorkTasks: no task state invokes \${${name}}`);
    }
    for (const t of this.tasks) {
      if (!opts.tasks[t.substitution]) throw new Error(`no local task for \${${t.substitution}} (state "${t.stateName}")`);
    }
    // asl-validator (inside the library) annotates the object it validates: give it a copy.
    // The library's Task timer starts when the state is entered, so it would count the time a task function
    // waits for its place in the lane: under a burst every queued screening failed with States.Timeout. Its timer
    // is pushed out of the way for function tasks, and `laneTask` times the function from the moment it runs.
    this.machine = new StateMachine(withoutLibraryTaskTimers(substituteLocalArns(this.definition), this.tasks) as unknown as StateMachineDefinition, {
      validationOptions: { checkPaths: true, checkArn: true },
    });
  }

  /** Starts one execution. The caller (LocalWorkflow) keeps names unique. */
  run(name: string, input: Record<string, unknown>): LocalExecution {
    const notify = () => this.opts.onChange?.();
    let abortRun: () => void = () => undefined;
    let aborted = false;
    const execution: LocalExecution = {
      name,
      input,
      status: 'running',
      transitions: 0,
      states: [],
      parked: false,
      done: undefined as unknown as Promise<ExecutionSummary>,
      abort: () => {
        aborted = true;
        // Its own tokens only (a scan of every pending token per abort made stopping 10,000 waiting cases quadratic).
        for (const token of [...(this.tokensOf.get(execution) ?? [])]) {
          const p = this.pending.get(token)!;
          this.dropPending(token);
          p.reject(new EngineStoppedError());
        }
        // Its queued task functions leave the lane now, unrun: they neither wait for a place nor count as backlog.
        if (this.lane.drop(execution, new EngineStoppedError()) > 0) this.lane.admit();
        abortRun();
      },
    };
    // The handler of a Task state is made when the library asks for it (each time it enters the state), not for
    // every state at the start: made eagerly, they were 24 closures per execution, held for as long as the case
    // waits (about 25 KB a parked execution; issue 26 item 4).
    const handlerFor = (t: TaskStateInfo): ((input: unknown) => Promise<unknown>) => {
      const raw = this.opts.tasks[t.substitution]!;
      // Only the function call takes a place in the lane; a callback task's wait for its token does not. A task
      // still queued when its execution is aborted (the runtime stopping) never runs: a stop does not wait for
      // a backlog of screenings.
      // A task of an execution that ended meanwhile is dropped from the queue when it ends (below), and never runs.
      const gone = () => (aborted ? new EngineStoppedError() : execution.status !== 'running' ? new ExecutionEndedError(execution.name) : undefined);
      const cls: LaneClass = this.newWork.has(t.substitution) ? 'new' : 'later';
      const continues = () => !aborted && execution.status === 'running';
      const fn: TaskFunction = (p) => this.lane.run(execution, cls, () => (gone() ? Promise.reject(gone()!) : raw(p)), continues);
      // Function tasks: the state's TimeoutSeconds (the library's default of 60 s without one) counts from the
      // moment the function runs, not from the moment it queued.
      const timed: TaskFunction = (p) =>
        this.lane.run(execution, cls, () => (gone() ? Promise.reject(gone()!) : withTimeout(raw(p), (t.timeoutSeconds ?? DEFAULT_TASK_TIMEOUT_SECONDS) * 1000)), continues);
      return (i) => this.track(t.callback ? this.callbackTask(execution, t, fn, i) : invokeTask(timed, i));
    };
    const overrides = new Proxy({} as Record<string, (input: unknown) => Promise<unknown>>, {
      get: (_target, stateName) => {
        const t = typeof stateName === 'string' ? this.taskByState.get(stateName) : undefined;
        return t ? handlerFor(t) : undefined;
      },
    });
    const retryIntervalOverrides: Record<string, number> = {};
    if (this.opts.retryIntervalMs !== undefined) {
      for (const [stateName, s] of Object.entries((this.definition.States ?? {}) as Record<string, RawState>)) {
        if (s.Retry) retryIntervalOverrides[stateName] = this.opts.retryIntervalMs;
      }
    }
    const run = this.machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: overrides as never, retryIntervalOverrides },
      noThrowOnAbort: true,
      context: { Execution: { Id: `local:${name}`, Name: name }, Task: { Token: TOKEN_PLACEHOLDER } } as never,
    });
    abortRun = run.abort;
    this.executions.add(execution);

    const counting = (async () => {
      for await (const ev of run.eventLogs) {
        if (ev.type === 'StateEntered') {
          execution.transitions += 1;
          execution.states.push(ev.state.name);
        } else if (ev.type === 'StateRetried') {
          execution.transitions += 1;
        }
      }
    })();

    execution.done = (async () => {
      try {
        const output = await run.result;
        if (output === null && aborted) execution.status = 'aborted';
        else {
          execution.status = 'succeeded';
          execution.output = output;
        }
      } catch (err) {
        execution.status = 'failed';
        const e = err as Error & { cause?: unknown };
        const inner = e.cause instanceof Error ? e.cause : e;
        execution.error = { name: inner.name, message: inner.message };
      }
      await counting.catch(() => undefined);
      execution.parked = false;
      // A task function still queued for an execution that has ended (a state the library timed out, an abort)
      // would run against a case whose execution is gone: it is dropped instead.
      this.droppedTasks += this.lane.drop(execution, new ExecutionEndedError(execution.name));
      const wasBusy = this.executions.delete(execution);
      if (wasBusy) this.opts.onSettled?.();
      notify();
      return summarize(execution);
    })();
    notify();
    return execution;
  }

  /** Completes a callback task (AWS SendTaskSuccess). */
  sendTaskSuccess(token: string, output: unknown): void {
    const p = this.take(token);
    p.resolve(output);
  }

  /** Fails a callback task (AWS SendTaskFailure): the ASL sees an error with this name. */
  sendTaskFailure(token: string, error: string, cause?: string): void {
    const p = this.take(token);
    p.reject(new CallbackTaskFailure(error, cause));
  }

  /** Executions still running. */
  running(): LocalExecution[] {
    return [...this.executions];
  }

  /** Number of running executions not parked in a callback task. */
  busyCount(): number {
    let n = 0;
    for (const e of this.executions) if (!e.parked) n += 1;
    return n;
  }

  /** Task functions running now / waiting for a place in the lane / dropped unrun since start (execution ended). */
  taskLoad(): { running: number; queued: number; dropped: number } {
    return { running: this.lane.running, queued: this.lane.queued, dropped: this.droppedTasks };
  }

  /** Queued task functions per lane class (later-stage / new screenings). */
  queuedByClass(): Record<LaneClass, number> {
    return this.lane.queuedBy();
  }

  /** The concurrency limit may have risen: admit waiting task functions. */
  admitTasks(): void {
    this.lane.admit();
  }

  /** Resolves when no task function is running any more (after `abort`, before closing the store). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    const remove = () => this.inFlight.delete(p);
    p.then(remove, remove);
    return p;
  }

  private addPending(token: string, p: PendingToken): void {
    this.pending.set(token, p);
    let tokens = this.tokensOf.get(p.execution);
    if (!tokens) this.tokensOf.set(p.execution, (tokens = new Set()));
    tokens.add(token);
  }

  private dropPending(token: string): void {
    const p = this.pending.get(token);
    if (!p) return;
    this.pending.delete(token);
    const tokens = this.tokensOf.get(p.execution);
    tokens?.delete(token);
    if (tokens?.size === 0) this.tokensOf.delete(p.execution);
  }

  private take(token: string): PendingToken {
    const p = this.pending.get(token);
    if (!p) throw new TaskTimedOutError();
    this.dropPending(token);
    // Busy from now on: the execution moves to its next state.
    p.execution.parked = false;
    this.opts.onChange?.();
    return p;
  }

  private async callbackTask(execution: LocalExecution, t: TaskStateInfo, fn: TaskFunction, input: unknown): Promise<unknown> {
    const payload = { ...payloadOf(input) };
    const token = `local:${execution.name}:${randomUUID()}`;
    payload.taskToken = token;
    const wakeUpAt =
      typeof payload.wakeUpAt === 'string' ? payload.wakeUpAt : t.timeoutSeconds !== undefined ? new Date(this.opts.clock.now().getTime() + t.timeoutSeconds * 1000).toISOString() : undefined;
    if (!wakeUpAt) throw new Error(`callback task "${t.stateName}" needs "wakeUpAt" in its Payload (or a static TimeoutSeconds) to time out on the clock`);

    let resolve!: (v: unknown) => void;
    let reject!: (e: Error) => void;
    const settled = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // An abort (engine stop) or a timeout can reject it while the await task below is still writing: mark it
    // handled now, or Node ends the process on an unhandled rejection; `await settled` still sees the error.
    settled.catch(() => undefined);
    this.addPending(token, { execution, resolve, reject });
    const timer = new AbortController();
    try {
      try {
        await fn(payload);
      } catch (err) {
        this.dropPending(token);
        throw err;
      }
      if (this.pending.has(token)) {
        execution.parked = true;
        this.lane.release(execution);
        this.opts.onSettled?.();
        this.opts.onChange?.();
        this.opts.clock.sleepUntil(wakeUpAt, timer.signal).then(
          () => {
            const p = this.pending.get(token);
            if (!p) return;
            this.dropPending(token);
            execution.parked = false;
            this.opts.onChange?.();
            p.reject(new LocalStatesTimeoutError());
          },
          () => undefined,
        );
      }
      return await settled;
    } finally {
      timer.abort();
      this.dropPending(token);
      execution.parked = false;
    }
  }
}

/** The task functions that start new work: a screening waits behind the tasks of cases already screened. */
export const DEFAULT_NEW_WORK_TASKS: readonly string[] = ['ScreenCaseFunctionArn'];

/** aws-local-stepfunctions' timeout of a Task without TimeoutSeconds (AWS's own default is 99999999 s). */
export const DEFAULT_TASK_TIMEOUT_SECONDS = 60;
/**
 * The library's timer for function tasks, which `withTimeout` replaces: far beyond any task, and below Node's
 * setTimeout limit (2^31 - 1 ms; a longer delay fires after 1 ms).
 */
const LIBRARY_TIMER_OFF_SECONDS = 2_000_000;

/** The definition the library runs: function (non-callback) tasks get a TimeoutSeconds it never reaches. */
function withoutLibraryTaskTimers<T>(definition: T, tasks: readonly TaskStateInfo[]): T {
  const copy = JSON.parse(JSON.stringify(definition)) as { States: Record<string, RawState> };
  for (const t of tasks) {
    if (t.callback || t.timeoutSecondsPath !== undefined) continue;
    copy.States[t.stateName]!.TimeoutSeconds = LIBRARY_TIMER_OFF_SECONDS;
  }
  return copy as T;
}

/** Rejects with States.Timeout (the name the ASL's Catch and Retry match) when `work` takes longer than `ms`. */
function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new LocalStatesTimeoutError()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Admission of task functions under a concurrency limit that may change between calls, in two classes: tasks of
 * executions already past screening (`later`: preparing a wait, the await task, deadlines, archiving, resumed
 * callbacks) go before new screenings (`new`); FIFO within a class. With one FIFO queue, a burst of N intakes
 * queued every screening ahead of the first "Prepare … Wait", so no execution parked (and the back-pressure gate,
 * which counts executions not yet waiting, stayed shut) until the whole burst had been screened. Later tasks cannot
 * starve screenings: each execution runs a bounded chain of them before it parks or ends.
 */
export type LaneClass = 'later' | 'new';

interface LaneEntry {
  owner: object;
  admit: () => void;
  drop: (err: Error) => void;
}

/** A FIFO queue with O(1) push and shift (an array's shift is O(n): a 10,000-task burst made it quadratic). */
class EntryQueue {
  private items: (LaneEntry | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(e: LaneEntry): void {
    this.items.push(e);
  }

  shift(): LaneEntry | undefined {
    if (this.head >= this.items.length) return undefined;
    const e = this.items[this.head];
    this.items[this.head] = undefined;
    this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return e;
  }

  /** Removes the owner's entries, keeping the others in order; returns the removed ones. */
  remove(owner: object): LaneEntry[] {
    const out: LaneEntry[] = [];
    const kept: (LaneEntry | undefined)[] = [];
    for (let i = this.head; i < this.items.length; i += 1) {
      const e = this.items[i]!;
      if (e.owner === owner) out.push(e);
      else kept.push(e);
    }
    if (out.length > 0) {
      this.items = kept;
      this.head = 0;
    }
    return out;
  }
}

export class TaskLane {
  running = 0;
  private readonly later = new EntryQueue();
  private readonly fresh = new EntryQueue();
  /** Places held for an owner whose task just ended, until its next task takes it (see `run`). */
  private readonly held = new Map<object, NodeJS.Timeout>();

  constructor(
    private readonly limit: () => number,
    /** How long a held place waits for the owner's next task before it is given to the queue. */
    private readonly holdMs = LANE_HOLD_MS,
  ) {}

  get queued(): number {
    return this.later.length + this.fresh.length;
  }

  /** Queued task functions per class. */
  queuedBy(): Record<LaneClass, number> {
    return { later: this.later.length, new: this.fresh.length };
  }

  private room(): boolean {
    return this.running < Math.max(1, this.limit());
  }

  /**
   * Runs `fn` when there is room; `owner` (the execution) lets `drop` take it out of the queue before it runs.
   * When `fn` succeeds and `continues()` says the owner goes on to another state, its place is held for the owner's
   * next task function (a later-stage task): the library needs a few turns of the event loop between two states,
   * and a place freed at once would go to the next queued screening before that task had even queued. The hold
   * ends when the owner's next task takes it, `release(owner)` (it parks or ends) or after `holdMs`.
   */
  async run<T>(owner: object, cls: LaneClass, fn: () => Promise<T>, continues: () => boolean = () => false): Promise<T> {
    const hold = this.held.get(owner);
    if (hold !== undefined) {
      clearTimeout(hold);
      this.held.delete(owner);
    } else if (this.queued === 0 && this.room()) this.running += 1;
    else await new Promise<void>((admit, drop) => (cls === 'later' ? this.later : this.fresh).push({ owner, admit, drop })); // admit() counted it in `running`
    let ok = false;
    try {
      const out = await fn();
      ok = true;
      return out;
    } finally {
      if (ok && continues() && !this.held.has(owner)) {
        const timer = setTimeout(() => this.release(owner), this.holdMs);
        timer.unref?.();
        this.held.set(owner, timer);
      } else {
        this.running -= 1;
        this.admit();
      }
    }
  }

  /** Gives up the place held for `owner`, if any (it parked in a callback task or ended). */
  release(owner: object): void {
    const hold = this.held.get(owner);
    if (hold === undefined) return;
    clearTimeout(hold);
    this.held.delete(owner);
    this.running -= 1;
    this.admit();
  }

  /** Lets waiting functions in while there is room, later-stage ones first (call it too when the limit may have risen). */
  admit(): void {
    while (this.queued > 0 && this.room()) {
      this.running += 1;
      (this.later.shift() ?? this.fresh.shift())!.admit();
    }
  }

  /** Takes the owner's queued functions out of the queue, unrun, rejecting each with `err`; frees a held place. Returns how many were queued. */
  drop(owner: object, err: Error): number {
    const removed = [...this.later.remove(owner), ...this.fresh.remove(owner)];
    for (const w of removed) w.drop(err);
    this.release(owner);
    return removed.length;
  }
}

/** See TaskLane.run: a held place goes back to the queue after this long without the owner's next task. */
export const LANE_HOLD_MS = 20;

function payloadOf(input: unknown): Record<string, unknown> {
  const p = (input as { Payload?: unknown } | null)?.Payload;
  if (p === null || typeof p !== 'object' || Array.isArray(p)) throw new Error('a lambda:invoke task needs an object Payload');
  return p as Record<string, unknown>;
}

/** `arn:aws:states:::lambda:invoke` returns the function's result under `Payload`. */
async function invokeTask(fn: TaskFunction, input: unknown): Promise<unknown> {
  const result = await fn(payloadOf(input));
  return { ExecutedVersion: '$LATEST', Payload: result ?? null, StatusCode: 200 };
}

function summarize(e: LocalExecution): ExecutionSummary {
  return {
    name: e.name,
    input: e.input,
    status: e.status,
    transitions: e.transitions,
    states: [...e.states],
    ...(e.output !== undefined ? { output: e.output } : {}),
    ...(e.error ? { error: e.error } : {}),
  };
}
