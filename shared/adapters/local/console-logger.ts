/**
 * The one fallback Logger: JSON lines on the console (`{ level, message, ...data }`), for a service whose caller
 * gave no logger (tests, scripts). Lambdas pass their Powertools Logger (shared/composition/aws-lambda.ts) and
 * the embedded runtime its own; this is the only place outside them that writes log lines to the console.
 * Ids and counts only, never personal data: the callers' contract (the Logger port).
 */
import type { Logger } from '../../ports';

const line = (level: string, message: string, data?: Record<string, unknown>): string => JSON.stringify({ level, message, ...data });

export const consoleJsonLogger: Logger = {
  info: (message, data) => console.log(line('INFO', message, data)),
  warn: (message, data) => console.warn(line('WARN', message, data)),
  error: (message, data) => console.error(line('ERROR', message, data)),
};
