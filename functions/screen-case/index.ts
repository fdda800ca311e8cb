/** Task function of statemachines/case-lifecycle.asl.json — Screen Case: art. 4 / art. 8 / art. 9(2) pre-checks. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { lifecycleRuntime } from '../lifecycle/runtime';

const { logger, tasks } = lifecycleRuntime();

export const handler = middy((event: unknown) => tasks.screenCase(event)).use(injectLambdaContext(logger));
