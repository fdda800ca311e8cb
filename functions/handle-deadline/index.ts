/** Task function of statemachines/case-lifecycle.asl.json — Handle <Phase> Deadline: reminder or overdue mark after States.Timeout. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { lifecycleRuntime } from '../lifecycle/runtime';

const { logger, tasks } = lifecycleRuntime();

export const handler = middy((event: unknown) => tasks.handleDeadline(event)).use(injectLambdaContext(logger));
