/** Task function of statemachines/case-lifecycle.asl.json — Handle <Phase> Deadline: reminder or overdue mark after States.Timeout. */
import { lifecycleRuntime } from '../lifecycle/runtime';
import { handleDeadline } from '../../shared/services/lifecycle-tasks';
import { lambdaHandler } from '../../shared/composition/aws-lambda';

const { telemetry, run } = lifecycleRuntime();

export const handler = lambdaHandler(telemetry, run(handleDeadline));
