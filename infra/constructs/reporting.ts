/**
 * Reporting: the art. 20 quarterly evaluation, mailed to the agency on the first day of each quarter at 09:00
 * Asia/Shanghai by EventBridge Scheduler → functions/quarterly-report (empty input = the quarter just ended).
 */
import { Duration } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { TimeZone } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { z } from 'zod';
import type { QuarterlyReportEnv } from '../../functions/quarterly-report/index';
import type { Data } from './data';
import type { MailGrants } from './mail';
import { TousuFunction } from './tousu-function';
import type { EnvVars } from './tousu-function';

export interface ReportingProps {
  jurisdictionCode: string;
  data: Data;
  mail: MailGrants;
  deadLetters: sqs.IQueue;
  logRetentionDays: number;
}

export class Reporting extends Construct {
  readonly handler: TousuFunction;
  readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: ReportingProps) {
    super(scope, id);
    const environment: EnvVars<z.input<typeof QuarterlyReportEnv>> = {
      TABLE_NAME: props.data.table.tableName,
      JURISDICTION: props.jurisdictionCode,
    };
    this.handler = new TousuFunction(this, 'QuarterlyReport', {
      name: 'quarterly-report',
      entry: 'functions/quarterly-report/index.ts',
      description: 'tousu art. 20 quarterly evaluation report',
      environment,
      logKey: props.data.key,
      logRetentionDays: props.logRetentionDays,
      memorySize: 1024,
      timeout: Duration.minutes(5),
    });
    props.data.table.grantReadWriteData(this.handler);
    props.mail.grantSend(this.handler);
    this.schedule = new scheduler.Schedule(this, 'Quarterly', {
      description: `tousu ${props.jurisdictionCode}: art. 20 quarterly evaluation`,
      schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '9', day: '1', month: '1,4,7,10', timeZone: TimeZone.ASIA_SHANGHAI }),
      target: new targets.LambdaInvoke(this.handler, { input: scheduler.ScheduleTargetInput.fromObject({}), deadLetterQueue: props.deadLetters, retryAttempts: 3, maxEventAge: Duration.hours(12) }),
    });
  }
}
