/** Task function of statemachines/case-lifecycle.asl.json — Archive Case: the final archive record (art. 18). */
import { lifecycleRuntime } from '../lifecycle/runtime';
import { archiveCase } from '../../shared/services/lifecycle-tasks';
import { lambdaHandler } from '../../shared/composition/aws-lambda';
import { s3Archive } from '../../shared/composition/aws-s3';

const { telemetry, run } = lifecycleRuntime({ archive: s3Archive });

export const handler = lambdaHandler(telemetry, run(archiveCase));
