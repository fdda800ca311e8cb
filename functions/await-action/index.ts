/** Task function of statemachines/case-lifecycle.asl.json — Await <Phase> … (lambda:invoke.waitForTaskToken): stores the task token on the case. */
import { lifecycleRuntime } from '../lifecycle/runtime';
import { awaitAction } from '../../shared/services/lifecycle-tasks';
import { lambdaHandler } from '../../shared/composition/aws-lambda';

const { telemetry, run } = lifecycleRuntime();

export const handler = lambdaHandler(telemetry, run(awaitAction));
