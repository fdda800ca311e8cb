/** Task function of statemachines/case-lifecycle.asl.json — Handle <Phase> Deadline: reminder or overdue mark after States.Timeout. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { lifecycleRuntime } from '../lifecycle/runtime';
import { handleDeadline } from '../../shared/services/lifecycle-tasks';

const { logger, run } = lifecycleRuntime();

export const handler = middy(run(handleDeadline)).use(injectLambdaContext(logger));
