/** The Powertools Logger as the Logger port (a module of its own so that importing it loads nothing else). */
import type { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Logger } from '../ports';

/** A Powertools Logger (or anything with its methods) as the Logger port. */
export function portLogger(logger: Pick<PowertoolsLogger, 'info' | 'warn' | 'error'>): Logger {
  return {
    info: (message, data) => logger.info(message, data ?? {}),
    warn: (message, data) => logger.warn(message, data ?? {}),
    error: (message, data) => logger.error(message, data ?? {}),
  };
}
