/** Task function of statemachines/case-lifecycle.asl.json — Prepare <Phase> Wait: the next wake-up of the waiting step. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { lifecycleRuntime } from '../lifecycle/runtime';

const { logger, tasks } = lifecycleRuntime();

export const handler = middy((event: unknown) => tasks.prepareWait(event)).use(injectLambdaContext(logger));
