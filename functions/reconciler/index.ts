/**
 * Lambda for the EventBridge Scheduler's reconcile schedule (every 15 minutes): finds and repairs what crashes,
 * throttling and lost executions left half done. Wiring only; the work is in ./service and
 * shared/services/reconcile.ts. Clients and the logger are created once per container.
 */
import { lambdaHandler, lambdaTelemetry } from '../../shared/composition/aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { systemClock } from '../../shared/ports';
import type { ReconcileDeps } from '../../shared/services/reconcile';
import type { ReplayOutcome } from '../../shared/services/dead-letters';
import type { PumpRun } from '../../shared/services/workorder-outbound';
import { ReconcilerEnv } from './env';
import { calendarCheck, reconcilerDeps, runReconciler } from './service';
import type { ReconcilerLogger, ReconcilerSummary } from './service';

const telemetry = lambdaTelemetry('reconciler');
const log: ReconcilerLogger = telemetry.ports.logger;
let built: { deps: ReconcileDeps; thresholdMs: number; calendar: ReturnType<typeof calendarCheck>; replayHandovers?: () => Promise<ReplayOutcome[]>; workOrders?: () => Promise<PumpRun> } | undefined;

export const handler = lambdaHandler(telemetry, async (): Promise<ReconcilerSummary> => {
  if (!built) {
    const env = ReconcilerEnv.parse(process.env);
    const deps = reconcilerDeps(env, { dynamo: new DynamoDBClient({}) }, systemClock, log);
    built = {
      deps,
      thresholdMs: env.THRESHOLD_MINUTES * 60_000,
      calendar: calendarCheck(deps, deps.refreshCalendar),
      ...(deps.replayHandovers ? { replayHandovers: deps.replayHandovers } : {}),
      ...(deps.workOrders ? { workOrders: deps.workOrders } : {}),
    };
  }
  return runReconciler(
    built.deps,
    {
      thresholdMs: built.thresholdMs,
      calendar: built.calendar,
      ...(built.replayHandovers ? { replayHandovers: built.replayHandovers } : {}),
      ...(built.workOrders ? { workOrders: built.workOrders } : {}),
    },
    log,
  );
});
