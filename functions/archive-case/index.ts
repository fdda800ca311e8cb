/** Task function of statemachines/case-lifecycle.asl.json — Archive Case: the final archive record (art. 18). */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { lifecycleRuntime } from '../lifecycle/runtime';
import { archiveCase } from '../../shared/services/lifecycle-tasks';
import { s3Archive } from '../../shared/composition/aws-s3';

const { logger, run } = lifecycleRuntime({ archive: s3Archive });

export const handler = middy(run(archiveCase)).use(injectLambdaContext(logger));
