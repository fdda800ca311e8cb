/** Task function of statemachines/case-lifecycle.asl.json — Prepare <Phase> Wait: the next wake-up of the waiting step. */
import { lifecycleRuntime } from '../lifecycle/runtime';
import { lambdaHandler } from '../../shared/composition/aws-lambda';

const { telemetry, tasks } = lifecycleRuntime();

export const handler = lambdaHandler(telemetry, (event: unknown) => tasks.prepareWait(event));
