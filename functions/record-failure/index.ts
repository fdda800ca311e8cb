/** Task function of statemachines/case-lifecycle.asl.json — Record Failure: makes a failed execution visible on the case timeline. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { lifecycleRuntime } from '../lifecycle/runtime';
import { recordFailure } from '../../shared/services/lifecycle-tasks';

const { logger, run } = lifecycleRuntime({ refreshCalendar: false });

export const handler = middy(run(recordFailure)).use(injectLambdaContext(logger));
