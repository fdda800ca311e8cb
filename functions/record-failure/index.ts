/** Task function of statemachines/case-lifecycle.asl.json — Record Failure: makes a failed execution visible on the case timeline. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { lifecycleRuntime } from '../lifecycle/runtime';

const { logger, tasks } = lifecycleRuntime();

export const handler = middy((event: unknown) => tasks.recordFailure(event)).use(injectLambdaContext(logger));
