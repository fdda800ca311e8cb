/** Task function of statemachines/case-lifecycle.asl.json — Handle <Phase> Deadline: reminder or overdue mark after States.Timeout. */
import { lifecycleRuntime } from '../lifecycle/runtime';
import { lambdaHandler } from '../../shared/composition/aws-lambda';

const { telemetry, tasks } = lifecycleRuntime();

export const handler = lambdaHandler(telemetry, (event: unknown) => tasks.handleDeadline(event));
