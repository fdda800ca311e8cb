/** Task function of statemachines/case-lifecycle.asl.json — Prepare <Phase> Wait: the next wake-up of the waiting step. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logger, tasks } from '../lifecycle/runtime';

export const handler = middy((event: unknown) => tasks.prepareWait(event)).use(injectLambdaContext(logger));
