/**
 * The Workflow port of the embedded runtime: executions of the life-cycle ASL on the in-process engine.
 *
 * - `start` is idempotent per execution name (the case id), like StartExecution with a name.
 * - `sendTaskSuccess` / `sendTaskFailure` complete a waiting callback task by its token; an unknown, completed
 *   or timed-out token fails with `TaskTimedOut` (the action service logs and ignores it).
 * - The engine keeps no executions across restarts: `resumeAll()` restarts every open case from the phase
 *   recorded on its item (`resumeFrom`), and since every wait is on an absolute instant from the domain, a
 *   resumed case waits only for the time left (ARCHITECTURE.md, "Durable by design").
 * - `idle()` / `drain()` for tests and the demo; `stop()` aborts the executions and lets running tasks finish.
 */
import { casesInPhases } from '../../shared/services/case-queries';
import { FINAL_PHASES, PHASES } from '../../shared/domain/case';
import type { Phase } from '../../shared/domain/case';
import type { CaseStore, Workflow } from '../../shared/ports';
import { isOpen, lifecycleTasks, TASK_FUNCTION_SUBSTITUTIONS } from '../../shared/services/lifecycle-tasks';
import type { LifecycleTaskDeps, LifecycleTasks, TaskLogger } from '../../shared/services/lifecycle-tasks';
import type { SleepingClock } from '../../shared/ports';
import { LocalEngine } from './engine';
import type { ExecutionSummary, LocalExecution, TaskFunction } from './engine';
import { IntakeBacklogGate, parseIntakeBacklog } from './intake-backlog';
import type { IntakeBacklogLimitsInput } from './intake-backlog';

export interface LocalWorkflowOptions {
  clock: SleepingClock;
  /** The task services; receives this workflow, through which the await task completes its own callback. */
  tasks: (workflow: Workflow) => LifecycleTasks;
  /** For `resumeAll`: where the open cases are, and in which jurisdictions to look. */
  store?: CaseStore;
  jurisdictions?: string[];
  /** The raw ASL (default: statemachines/case-lifecycle.asl.json). */
  definition?: Record<string, unknown>;
  retryIntervalMs?: number;
  logger?: TaskLogger;
  /** Called when an execution ends (any status). */
  onExecutionEnd?: (summary: ExecutionSummary) => void;
  /** See LocalEngineOptions.taskConcurrency. */
  taskConcurrency?: () => number;
  /**
   * The bound of the screening backlog past which `checkIntakeCapacity` refuses new intakes (./intake-backlog.ts;
   * default DEFAULT_INTAKE_BACKLOG, `false` for no bound: tests that queue on purpose).
   */
  intakeBacklog?: IntakeBacklogLimitsInput | false;
  /** Wall time for the backlog gate's rate (tests). */
  wallClock?: () => number;
  /**
   * Summaries of ended executions kept for `summaries` / `execution` / `executionsOf` (issue 26 item 4: they were
   * all kept, each with its input and states, for the life of the process). Default 1,000, the most recent.
   * Names of ended executions (for idempotent `start`) are kept up to 100 times as many.
   */
  keepFinished?: number;
}

/** See LocalWorkflowOptions.keepFinished. */
export const DEFAULT_KEEP_FINISHED = 1_000;

export class LocalWorkflow implements Workflow {
  readonly engine: LocalEngine;
  private readonly byName = new Map<string, LocalExecution>();
  /** The most recent ended executions (insertion order, oldest first), bounded by `keepFinished`. */
  private readonly finished = new Map<string, ExecutionSummary>();
  /** Names of ended executions (start stays idempotent after their summary is dropped), bounded too. */
  private readonly finishedNames = new Set<string>();
  /** Execution names per case id (running and retained ended ones), so `executionsOf` reads no other case. */
  private readonly namesByCase = new Map<string, string[]>();
  private readonly caseOfName = new Map<string, string>();
  private readonly waiters = new Set<() => void>();
  private stopping = false;
  private readonly backlogGate: IntakeBacklogGate | undefined;

  constructor(private readonly opts: LocalWorkflowOptions) {
    this.backlogGate = opts.intakeBacklog === false ? undefined : new IntakeBacklogGate(parseIntakeBacklog(opts.intakeBacklog), () => this.engine.busyCount(), opts.wallClock);
    const tasks = opts.tasks(this);
    const fns: Record<string, TaskFunction> = {};
    for (const [substitution, name] of Object.entries(TASK_FUNCTION_SUBSTITUTIONS)) fns[substitution] = (p) => tasks[name](p);
    this.engine = new LocalEngine({
      tasks: fns,
      clock: opts.clock,
      ...(opts.definition ? { definition: opts.definition } : {}),
      ...(opts.retryIntervalMs !== undefined ? { retryIntervalMs: opts.retryIntervalMs } : {}),
      onChange: () => this.changed(),
      ...(this.backlogGate ? { onSettled: () => this.backlogGate!.settled() } : {}),
      ...(opts.taskConcurrency ? { taskConcurrency: opts.taskConcurrency } : {}),
    });
  }

  async start(caseId: string, input: Record<string, unknown>, executionName?: string): Promise<{ executionId: string; alreadyRunning: boolean }> {
    if (this.stopping) throw new Error('the workflow engine is stopping');
    const name = executionName ?? caseId;
    const executionId = `local:${name}`;
    if (this.byName.has(name) || this.finishedNames.has(name)) return { executionId, alreadyRunning: true };
    const execution = this.engine.run(name, { ...input });
    this.byName.set(name, execution);
    this.indexName(String(input.caseId ?? caseId), name);
    void execution.done.then((summary) => {
      this.byName.delete(name);
      this.retainFinished(summary);
      if (summary.status === 'failed') this.opts.logger?.error('execution failed', { execution: name, error: summary.error?.name });
      this.opts.onExecutionEnd?.(summary);
      this.changed();
    });
    return { executionId, alreadyRunning: false };
  }

  /** The intake's back-pressure (Workflow port): throws IntakeBusyError past the screening backlog's bound. */
  checkIntakeCapacity(): void {
    this.backlogGate?.check();
  }

  /** The screening backlog now, its bound, and the intakes refused since start (health and benches). */
  intakeBacklog(): { busy: number; bound: number | null; refused: number } {
    return { busy: this.engine.busyCount(), bound: this.backlogGate?.limits.maxBusyExecutions ?? null, refused: this.backlogGate?.refused ?? 0 };
  }

  async sendTaskSuccess(taskToken: string, output: Record<string, unknown>): Promise<void> {
    this.engine.sendTaskSuccess(taskToken, output);
  }

  async sendTaskFailure(taskToken: string, error: string, cause?: string): Promise<void> {
    this.engine.sendTaskFailure(taskToken, error, cause);
  }

  /**
   * Restarts every open case that has no running execution here, from the phase on its item. Returns the
   * case ids resumed. Needs `store` and `jurisdictions`.
   */
  async resumeAll(): Promise<string[]> {
    const { store, jurisdictions } = this.opts;
    if (!store || !jurisdictions) throw new Error('resumeAll needs the case store and the jurisdictions');
    const runningCases = new Set([...this.byName.values()].map((e) => String(e.input.caseId)));
    const phases: Phase[] = PHASES.filter((p) => !FINAL_PHASES.includes(p) || p === 'archived');
    const resumed: string[] = [];
    for (const jurisdiction of jurisdictions) {
      for await (const c of casesInPhases(store, jurisdiction, phases)) {
        if (!isOpen(c) || runningCases.has(c.caseId)) continue;
        await this.start(c.caseId, { caseId: c.caseId, resumeFrom: c.phase }, this.freshName(c.caseId));
        runningCases.add(c.caseId);
        resumed.push(c.caseId);
      }
    }
    return resumed;
  }

  /** Resolves when every running execution waits in a callback task (for people or the clock). */
  async idle(): Promise<void> {
    for (;;) {
      await macrotask();
      if (this.engine.busyCount() === 0) {
        await macrotask();
        if (this.engine.busyCount() === 0) return;
      } else {
        await this.nextChange(50);
      }
    }
  }

  /** Resolves when no execution is running any more. */
  async drain(): Promise<ExecutionSummary[]> {
    while (this.byName.size > 0) await Promise.all([...this.byName.values()].map((e) => e.done));
    await macrotask();
    return this.summaries();
  }

  /** Aborts every execution (their cases stay where they are, for `resumeAll`) and waits for running tasks. */
  async stop(): Promise<void> {
    this.stopping = true;
    const running = [...this.byName.values()];
    for (const e of running) e.abort();
    await this.engine.settled();
    await Promise.all(running.map((e) => e.done));
  }

  /** Every execution of this instance, running or finished. */
  summaries(): ExecutionSummary[] {
    return [...[...this.finished.values()], ...[...this.byName.values()].map(snapshot)];
  }

  /** One execution by name, running or finished. */
  execution(name: string): ExecutionSummary | undefined {
    const running = this.byName.get(name);
    return running ? snapshot(running) : this.finished.get(name);
  }

  /** Executions of one case (first start, resumes), in start order; ended ones as far as they are retained. */
  executionsOf(caseId: string): ExecutionSummary[] {
    const out: ExecutionSummary[] = [];
    for (const name of this.namesByCase.get(caseId) ?? []) {
      const s = this.execution(name);
      if (s) out.push(s);
    }
    return out;
  }

  /** Ended executions retained now (summaries, names): what `keepFinished` bounds. */
  retained(): { summaries: number; names: number; cases: number } {
    return { summaries: this.finished.size, names: this.finishedNames.size, cases: this.namesByCase.size };
  }

  private indexName(caseId: string, name: string): void {
    this.caseOfName.set(name, caseId);
    const names = this.namesByCase.get(caseId);
    if (names) names.push(name);
    else this.namesByCase.set(caseId, [name]);
  }

  private retainFinished(summary: ExecutionSummary): void {
    const keep = Math.max(0, this.opts.keepFinished ?? DEFAULT_KEEP_FINISHED);
    this.finished.set(summary.name, summary);
    this.finishedNames.add(summary.name);
    while (this.finished.size > keep) {
      const oldest = this.finished.keys().next().value as string;
      this.finished.delete(oldest);
      this.unindex(oldest);
    }
    const keepNames = Math.max(keep * 100, 1);
    while (this.finishedNames.size > keepNames) this.finishedNames.delete(this.finishedNames.values().next().value as string);
  }

  private unindex(name: string): void {
    const caseId = this.caseOfName.get(name);
    this.caseOfName.delete(name);
    if (caseId === undefined) return;
    const names = this.namesByCase.get(caseId);
    if (!names) return;
    const rest = names.filter((n) => n !== name);
    if (rest.length > 0) this.namesByCase.set(caseId, rest);
    else this.namesByCase.delete(caseId);
  }

  private freshName(caseId: string): string {
    const taken = (name: string) => this.byName.has(name) || this.finishedNames.has(name);
    if (!taken(caseId)) return caseId;
    for (let n = 2; ; n += 1) {
      const name = `${caseId}-resume-${n}`;
      if (!taken(name)) return name;
    }
  }

  private changed(): void {
    for (const w of [...this.waiters]) w();
  }

  private nextChange(maxMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, maxMs);
      this.waiters.add(done);
    });
  }
}

function snapshot(e: LocalExecution): ExecutionSummary {
  return { name: e.name, input: e.input, status: e.status, transitions: e.transitions, states: [...e.states] };
}

const macrotask = () => new Promise<void>((r) => setImmediate(r));

/** Wires the task services to a local workflow: `deps` without the workflow, which is this engine. */
export function createLocalWorkflow(deps: Omit<LifecycleTaskDeps, 'workflow' | 'clock'> & { clock: SleepingClock }, opts: Omit<LocalWorkflowOptions, 'tasks' | 'clock' | 'store'> = {}): LocalWorkflow {
  return new LocalWorkflow({
    ...opts,
    clock: deps.clock,
    store: deps.store,
    ...(deps.logger && !opts.logger ? { logger: deps.logger } : {}),
    tasks: (workflow) => lifecycleTasks({ ...deps, workflow }),
  });
}
