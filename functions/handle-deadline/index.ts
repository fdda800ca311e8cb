/** Task function of statemachines/case-lifecycle.asl.json — Handle <Phase> Deadline: reminder or overdue mark after States.Timeout. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logger, tasks } from '../lifecycle/runtime';

export const handler = middy((event: unknown) => tasks.handleDeadline(event)).use(injectLambdaContext(logger));
