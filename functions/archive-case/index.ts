/** Task function of statemachines/case-lifecycle.asl.json — Archive Case: the final archive record (art. 18). */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logger, tasks } from '../lifecycle/runtime';

export const handler = middy((event: unknown) => tasks.archiveCase(event)).use(injectLambdaContext(logger));
