/**
 * The one middy chain of every Lambda handler (issue 16): the Powertools Logger with the Lambda context
 * (request id, cold start, function name on every line) and Powertools Metrics (CloudWatch embedded metric
 * format on stdout, no API call), published after the invocation and after an error.
 *
 * Each function's index creates its telemetry once per container (`lambdaTelemetry`), gives `ports.logger` and
 * `ports.metrics` to the composition root, and exports `lambdaHandler(telemetry, fn)`. Nothing else in a
 * handler writes to the console: services log through the Logger port (ids and counts, never personal data)
 * and count through the Counters port.
 *
 * Metrics: the namespace is POWERTOOLS_METRICS_NAMESPACE, `Tousu/<code>`, which the stack gives every function
 * (infra/stacks/jurisdiction-stack.ts); the service dimension is POWERTOOLS_SERVICE_NAME or the given name, so a
 * metric is `Tousu/<code> <name> {service}` (infra/constructs/observability.ts reads OverdueCases so).
 * Powertools' own `logMetrics` middleware warns on every invocation that added no metric (most of them); this
 * chain publishes only when there is something to publish, through the same `publishStoredMetrics`.
 */
import middy from '@middy/core';
import type { MiddlewareObj, MiddyfiedHandler } from '@middy/core';
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { Counters, Logger } from '../ports';
import { portLogger } from './aws-logger';

export interface LambdaTelemetry {
  /** The function's Powertools Logger (the chain adds the Lambda context to it). */
  logger: PowertoolsLogger;
  metrics: Metrics;
  /** The same two as ports, for the composition root and the services. */
  ports: { logger: Logger; metrics: Counters };
}

/** The metrics port over Powertools Metrics: each count is one `Count` datum, published by the chain. */
export function portCounters(metrics: Pick<Metrics, 'addMetric'>): Counters {
  return {
    count: (name, value = 1) => {
      if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
    },
  };
}

/** Logger and metrics of one function, created once per container (at module scope of its index). */
export function lambdaTelemetry(serviceName: string): LambdaTelemetry {
  const service = process.env.POWERTOOLS_SERVICE_NAME || serviceName;
  const logger = new PowertoolsLogger({ serviceName: service });
  const metrics = new Metrics({ serviceName: service, logger });
  return { logger, metrics, ports: { logger: portLogger(logger), metrics: portCounters(metrics) } };
}

/** Publishes the invocation's metrics (after success and after an error); nothing when none was added. */
export function publishMetrics(metrics: Metrics): MiddlewareObj {
  const publish = (): void => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: publish, onError: publish };
}

/** The handler of a Lambda: `fn` inside the one chain (logger context, metrics). */
export function lambdaHandler<E, R>(t: Pick<LambdaTelemetry, 'logger' | 'metrics'>, fn: (event: E, context: Context) => Promise<R>): MiddyfiedHandler<E, R, Error, Context> {
  return middy<E, R, Error, Context>(fn).use(injectLambdaContext(t.logger)).use(publishMetrics(t.metrics));
}
