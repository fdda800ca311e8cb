/** Task function of statemachines/case-lifecycle.asl.json — Screen Case: art. 4 / art. 8 / art. 9(2) pre-checks. */
import { lifecycleRuntime } from '../lifecycle/runtime';
import { lambdaHandler } from '../../shared/composition/aws-lambda';
import { dynamoDuplicates } from '../../shared/composition/aws-duplicates';

// Screening also files the case's text in the duplicate index (the intake filed its identity keys).
const { telemetry, tasks } = lifecycleRuntime({ duplicates: dynamoDuplicates });

export const handler = lambdaHandler(telemetry, (event: unknown) => tasks.screenCase(event));
