/** Task function of statemachines/case-lifecycle.asl.json — Record Failure: makes a failed execution visible on the case timeline. */
import { lifecycleRuntime } from '../lifecycle/runtime';
import { lambdaHandler } from '../../shared/composition/aws-lambda';

const { telemetry, tasks } = lifecycleRuntime();

export const handler = lambdaHandler(telemetry, (event: unknown) => tasks.recordFailure(event));
