/**
 * Observability: an SNS topic for alarms (KMS, TLS only; e-mail subscription when configured), alarms on every
 * dead-letter queue (depth > 0), on failed / timed-out / aborted executions, on function errors and on overdue
 * cases, and one dashboard.
 *
 * Overdue cases: the handle-deadline task counts each overdue mark (art. 20) in the Powertools metric
 * `Tousu/<code> OverdueCases {service: tousu-handle-deadline}` (embedded metric format, shared/composition/aws-lambda.ts,
 * OVERDUE_METRIC of shared/services/lifecycle-tasks.ts), and the alarm fires on any.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { OVERDUE_METRIC } from '../../shared/services/lifecycle-tasks';
import { metricsNamespace } from './tousu-function';

export interface ObservabilityProps {
  jurisdictionCode: string;
  key: kms.IKey;
  alarmEmail?: string;
  deadLetterQueues: Record<string, sqs.IQueue>;
  stateMachine: sfn.IStateMachine;
  functions: Record<string, lambda.IFunction>;
  /** Powertools service name (the metric's `service` dimension) of the task that marks cases overdue. */
  overdueService: string;
  /** Log group of the reconciler, whose every run logs the calendar status (functions/reconciler/service.ts). */
  calendarLogGroup?: logs.ILogGroup;
}

/** The reconciler's log line with the calendar status (functions/reconciler/service.ts CALENDAR_STATUS_LOG_MESSAGE). */
export const CALENDAR_STATUS_LOG_MESSAGE = 'calendar status';

export class Observability extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;
  readonly overdueMetric: cloudwatch.Metric;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Alarms', { displayName: `tousu ${props.jurisdictionCode} alarms`, masterKey: props.key, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new subs.EmailSubscription(props.alarmEmail));
    const action = new cwActions.SnsAction(this.topic);
    const alarm = (alarmId: string, metric: cloudwatch.IMetric, description: string, threshold = 0) => {
      const a = new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(action);
      this.alarms.push(a);
      return a;
    };

    const dlqWidgets: cloudwatch.IWidget[] = [];
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      const depth = queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' });
      alarm(`${name}NotEmpty`, depth, `${name}: a delivery or event failed after retries and waits for replay (nothing is lost until it expires, 14 days).`);
      dlqWidgets.push(new cloudwatch.GraphWidget({ title: `${name} depth`, left: [depth], width: 8 }));
    }

    const sm = props.stateMachine;
    const period = { period: Duration.minutes(5), statistic: 'Sum' };
    alarm('ExecutionsFailed', sm.metricFailed(period), 'A case life-cycle execution failed: the case is stuck until resumed (resumeFrom).');
    alarm('ExecutionsTimedOut', sm.metricTimedOut(period), 'A case life-cycle execution timed out.');
    alarm('ExecutionsAborted', sm.metricAborted(period), 'A case life-cycle execution was aborted.');

    const errorMetrics: cloudwatch.IMetric[] = [];
    for (const [name, fn] of Object.entries(props.functions)) {
      const errors = fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum', label: name });
      errorMetrics.push(errors);
      alarm(`${name}Errors`, errors, `${name}: the function failed (see its log group; retries and DLQs keep the event).`);
    }

    const namespace = metricsNamespace(props.jurisdictionCode);
    this.overdueMetric = new cloudwatch.Metric({ namespace, metricName: OVERDUE_METRIC, dimensionsMap: { service: props.overdueService }, period: Duration.hours(1), statistic: 'Sum' });
    alarm('CasesOverdue', this.overdueMetric, 'A case passed its deadline (art. 20 records it; the agency has been told).');

    // From 1 November: next year's State Council holiday notice is not imported; deadlines reaching into it are provisional.
    const yearsMissing = new cloudwatch.Metric({ namespace, metricName: 'CalendarYearsMissing', period: Duration.hours(1), statistic: 'Maximum' });
    const provisionalCases = new cloudwatch.Metric({ namespace, metricName: 'ProvisionalOpenCases', period: Duration.hours(1), statistic: 'Maximum' });
    if (props.calendarLogGroup) {
      const status = logs.FilterPattern.stringValue('$.message', '=', CALENDAR_STATUS_LOG_MESSAGE);
      new logs.MetricFilter(this, 'CalendarYearsMissingFilter', {
        logGroup: props.calendarLogGroup,
        filterPattern: status,
        metricNamespace: namespace,
        metricName: 'CalendarYearsMissing',
        metricValue: '$.calendarYearsMissing',
      });
      new logs.MetricFilter(this, 'ProvisionalCasesFilter', {
        logGroup: props.calendarLogGroup,
        filterPattern: status,
        metricNamespace: namespace,
        metricName: 'ProvisionalOpenCases',
        metricValue: '$.provisionalOpenCases',
      });
    }
    alarm(
      'CalendarYearMissing',
      yearsMissing,
      "Next year's State Council holiday notice is not imported: deadlines reaching into it are provisional (暂定). Import it: POST /api/admin/calendar or the console.",
    );

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(7) });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Executions', left: [sm.metricStarted(period), sm.metricSucceeded(period), sm.metricFailed(period)], width: 12 }),
      new cloudwatch.GraphWidget({ title: 'Overdue cases (per hour)', left: [this.overdueMetric], width: 12 }),
    );
    this.dashboard.addWidgets(new cloudwatch.GraphWidget({ title: 'Calendar: years missing, open cases on provisional dates', left: [yearsMissing], right: [provisionalCases], width: 24 }));
    this.dashboard.addWidgets(...dlqWidgets);
    this.dashboard.addWidgets(new cloudwatch.GraphWidget({ title: 'Function errors', left: errorMetrics, width: 24 }));
  }
}
