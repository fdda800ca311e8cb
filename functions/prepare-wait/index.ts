/** Task function of statemachines/case-lifecycle.asl.json — Prepare <Phase> Wait: the next wake-up of the waiting step. */
import { lifecycleRuntime } from '../lifecycle/runtime';
import { prepareWait } from '../../shared/services/lifecycle-tasks';
import { lambdaHandler } from '../../shared/composition/aws-lambda';

const { telemetry, run } = lifecycleRuntime();

export const handler = lambdaHandler(telemetry, run(prepareWait));
