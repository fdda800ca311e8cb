/** Task function of statemachines/case-lifecycle.asl.json — Record Failure: makes a failed execution visible on the case timeline. */
import { lifecycleRuntime } from '../lifecycle/runtime';
import { recordFailure } from '../../shared/services/lifecycle-tasks';
import { lambdaHandler } from '../../shared/composition/aws-lambda';

const { telemetry, run } = lifecycleRuntime({ refreshCalendar: false });

export const handler = lambdaHandler(telemetry, run(recordFailure));
