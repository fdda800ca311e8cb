/**
 * Lambda for the EventBridge Scheduler's quarterly rule (e.g. `cron(0 9 1 1,4,7,10 ? *)` in Asia/Shanghai):
 * mails the report of the quarter that just ended to the agency and records the art. 20 decisions (each notified to
 * its unit). Wiring only; the work is in ./service.
 */
import { lambdaHandler, lambdaTelemetry } from '../../shared/composition/aws-lambda';
import * as z from 'zod';
import { composeAws } from '../../shared/composition/aws';
import { QuarterlyReportInput, sendQuarterlyReport } from './service';
import type { QuarterlyReportResult } from './service';

export const QuarterlyReportEnv = z.object({
  TABLE_NAME: z.string().min(1),
  JURISDICTION: z.string().min(1),
  SES_CONFIGURATION_SET: z.string().optional(),
});
export type QuarterlyReportEnv = z.infer<typeof QuarterlyReportEnv>;

const telemetry = lambdaTelemetry('quarterly-report');
const { logger } = telemetry;

function build(): (input: QuarterlyReportInput) => Promise<QuarterlyReportResult> {
  const { facts, rules, clock, mail, jurisdiction, decisions } = composeAws(process.env, telemetry.ports);
  return (input) => sendQuarterlyReport({ facts, rules, clock, mail, jurisdiction, decisions }, input);
}

let service: ((input: QuarterlyReportInput) => Promise<QuarterlyReportResult>) | undefined;

export const handler = lambdaHandler(telemetry, async (event: unknown) => {
  service ??= (QuarterlyReportEnv.parse(process.env), build());
  const result = await service(QuarterlyReportInput.parse(event ?? {}));
  // Counts and ids only: the report itself names people and is mailed, never logged.
  logger.info('quarterly evaluation report', { ...result });
  return result;
});
