/** Task function of statemachines/case-lifecycle.asl.json — Prepare <Phase> Wait: the next wake-up of the waiting step. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { lifecycleRuntime } from '../lifecycle/runtime';
import { prepareWait } from '../../shared/services/lifecycle-tasks';

const { logger, run } = lifecycleRuntime();

export const handler = middy(run(prepareWait)).use(injectLambdaContext(logger));
