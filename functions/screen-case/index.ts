/** Task function of statemachines/case-lifecycle.asl.json — Screen Case: art. 4 / art. 8 / art. 9(2) pre-checks. */
import { lifecycleRuntime } from '../lifecycle/runtime';
import { screenCase } from '../../shared/services/lifecycle-tasks';
import { lambdaHandler } from '../../shared/composition/aws-lambda';
import { dynamoDuplicates } from '../../shared/composition/aws-duplicates';
import { s3Evidence } from '../../shared/composition/aws-parts';
import { lifecycleHandoverFromEnv } from '../../shared/composition/aws-handover';

// Screening also files the case's text in the duplicate index (the intake filed its identity keys), and hands a
// case confidently routed to another jurisdiction with a stack of its own over to it (issue 15, `HANDOVER`).
const { telemetry, run } = lifecycleRuntime({ duplicates: dynamoDuplicates, evidence: s3Evidence, handover: lifecycleHandoverFromEnv });

export const handler = lambdaHandler(telemetry, run(screenCase));
