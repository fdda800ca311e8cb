/** Task function of statemachines/case-lifecycle.asl.json — Await <Phase> … (lambda:invoke.waitForTaskToken): stores the task token on the case. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { lifecycleRuntime } from '../lifecycle/runtime';
import { awaitAction } from '../../shared/services/lifecycle-tasks';

const { logger, run } = lifecycleRuntime();

export const handler = middy(run(awaitAction)).use(injectLambdaContext(logger));
