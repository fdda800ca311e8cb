/** Task function of statemachines/case-lifecycle.asl.json — Await <Phase> … (lambda:invoke.waitForTaskToken): stores the task token on the case. */
import { lifecycleRuntime } from '../lifecycle/runtime';
import { lambdaHandler } from '../../shared/composition/aws-lambda';

const { telemetry, tasks } = lifecycleRuntime();

export const handler = lambdaHandler(telemetry, (event: unknown) => tasks.awaitAction(event));
