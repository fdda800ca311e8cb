/** Task function of statemachines/case-lifecycle.asl.json — Await <Phase> … (lambda:invoke.waitForTaskToken): stores the task token on the case. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { lifecycleRuntime } from '../lifecycle/runtime';

const { logger, tasks } = lifecycleRuntime();

export const handler = middy((event: unknown) => tasks.awaitAction(event)).use(injectLambdaContext(logger));
