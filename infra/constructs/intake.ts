/**
 * Intake: every channel adapter that starts executions, and the dead-letter queue behind them.
 *
 * - email: SES receipt rule (the jurisdiction's intakeAddress, spam/virus scan) → S3 raw-mail bucket (`mail/`)
 *   → email-intake (S3 event); or, where the config says `imap`, imap-poller on an EventBridge Scheduler schedule
 *   with the password in Secrets Manager (the function reads it at cold start: only the secret's ARN is in its
 *   configuration, and it may read that secret only);
 * - scanned letters and suggestion-box openings: S3 events on the scans bucket → letter-intake / box-intake;
 * - 12345 work orders: an SQS queue (with its own DLQ) → workorder-intake, partial batch failures reported.
 *
 * The adapters (and the API) call the intake core (claim → create → start; idempotent on the source key). Two
 * buffers keep a burst or an outage from losing anything:
 *
 * - before the adapters, Lambda's asynchronous invocation queue: S3 and Scheduler invoke asynchronously, Lambda
 *   retries twice over up to six hours, and an event that still fails (DynamoDB down) lands in the KMS-encrypted
 *   IntakeDeadLetters queue (alarmed), from which it can be replayed;
 * - between the adapters and the start of executions, the start queue (SQS, KMS, StartDeadLetters after 5
 *   receives, alarmed): the adapters and the API only send `{ caseId, input, executionName }` to it
 *   (START_QUEUE_URL, shared/adapters/aws/queued-workflow.ts), and the execution starter, the only function that
 *   may call states:StartExecution, starts them at a bounded concurrency. A message delivered twice is one
 *   execution (the name is the case id). A Step Functions outage leaves the starts in the queue, then in its DLQ:
 *   redrive them (`aws sqs start-message-move-task --source-arn <StartDeadLetters ARN>`) once it is over.
 *
 * And behind both, the reconciler (functions/reconciler, EventBridge Scheduler every 15 minutes): it finds cases
 * without a running execution or a waiting task and intakes (claims) without a case, and repairs them: starts are
 * queued on the start queue like every other start; a claim whose intake is parked as a dead letter is replayed.
 * It may read and write the table and send to the start queue, nothing else.
 *
 * Replay commands (docs/runtime.md, "Dead letters"):
 * - IntakeDeadLetters (S3 / Scheduler events that failed their asynchronous retries): each message is the Lambda
 *   failure record with the original event under `requestPayload`; re-invoke the adapter with it
 *   (`aws lambda invoke --function-name <adapter> --invocation-type Event --payload <requestPayload>`), or re-copy
 *   the object onto itself to raise a new S3 event. Intake is idempotent on the source key: nothing doubles.
 * - WorkOrderDeadLetters (work orders that failed 5 receives): `aws sqs start-message-move-task --source-arn
 *   <WorkOrderDeadLetters ARN>` moves them back to the WorkOrders queue.
 * - StartDeadLetters: as above; the reconciler also re-queues the start of a case that did not move.
 */
import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sesActions from 'aws-cdk-lib/aws-ses-actions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { z } from 'zod';
import type { EmailIntakeEnv } from '../../functions/email-intake/index';
import type { ImapPollerEnv } from '../../functions/imap-poller/index';
import type { ExecutionStarterEnv } from '../../functions/execution-starter/env';
import type { ReconcilerEnvInput } from '../../functions/reconciler/env';
import type { IntakeEnv } from '../../shared/composition/aws-intake';
import type { JurisdictionConfig } from '../../shared/domain/jurisdiction';
import type { DeployConfig } from '../config';
import type { Data } from './data';
import type { Handover } from './handover';
import type { Mail } from './mail';
import { TousuFunction } from './tousu-function';
import type { EnvVars } from './tousu-function';

/** S3 key layout the adapters expect (functions/letter-intake, functions/box-intake, SES action prefix). */
export const KEYS = { rawMail: 'mail/', letters: 'letters/', letterSuffix: '.letter.json', boxes: 'boxes/', boxSuffix: '.csv' } as const;

/** How often the reconciler runs on AWS (and its threshold: a case must be stuck that long to be repaired). */
export const RECONCILE_EVERY_MINUTES = 15;

export interface IntakeProps {
  jurisdiction: JurisdictionConfig;
  intake: DeployConfig['intake'];
  data: Data;
  stateMachine: sfn.IStateMachine;
  logRetentionDays: number;
  statusUrl?: string;
  /** Outgoing mail: the mail intakes acknowledge receipt to the complainant, as the web form does. */
  mail?: Mail;
  /** Hand-over to other jurisdictions' stacks (issue 15): the reconciler sends the parked ones again. */
  handover?: Handover;
}

export class Intake extends Construct {
  readonly deadLetters: sqs.Queue;
  /** The start queue between every function that starts cases and StartExecution. */
  readonly startQueue: sqs.Queue;
  readonly startDeadLetters: sqs.Queue;
  /** The only function that may call states:StartExecution. */
  readonly executionStarter: lambda.Function;
  readonly workOrders: sqs.Queue;
  readonly workOrderDeadLetters: sqs.Queue;
  /** Every function of this construct but the execution starter: the adapters and the reconciler (alarmed on errors). */
  readonly functions: lambda.Function[] = [];
  /** The scheduled reconciler (functions/reconciler). */
  readonly reconciler: lambda.Function;
  readonly reconcileSchedule: scheduler.Schedule;
  readonly receiptRuleSet?: ses.ReceiptRuleSet;
  readonly imapPoller?: lambda.Function;

  constructor(scope: Construct, id: string, props: IntakeProps) {
    super(scope, id);
    const { data, jurisdiction } = props;
    const queueDefaults = { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: data.key, enforceSSL: true, retentionPeriod: Duration.days(14) } as const;
    this.deadLetters = new sqs.Queue(this, 'IntakeDeadLetters', queueDefaults);

    this.startDeadLetters = new sqs.Queue(this, 'StartDeadLetters', queueDefaults);
    this.startQueue = new sqs.Queue(this, 'StartQueue', {
      ...queueDefaults,
      // At least 6 × the starter's timeout (AWS guidance for Lambda event sources); with 5 receives, a Step
      // Functions outage of about half an hour is absorbed before a start moves to the DLQ.
      visibilityTimeout: Duration.minutes(6),
      deadLetterQueue: { queue: this.startDeadLetters, maxReceiveCount: 5 },
    });
    const starterEnv: EnvVars<z.input<typeof ExecutionStarterEnv>> = { STATE_MACHINE_ARN: props.stateMachine.stateMachineArn };
    this.executionStarter = new TousuFunction<z.input<typeof ExecutionStarterEnv>>(this, 'ExecutionStarter', {
      name: 'execution-starter',
      entry: 'functions/execution-starter/index.ts',
      description: 'tousu: starts the queued case executions (start queue → StartExecution)',
      environment: starterEnv,
      logKey: data.key,
      logRetentionDays: props.logRetentionDays,
      memorySize: 256,
      timeout: Duration.seconds(60),
    });
    props.stateMachine.grantStartExecution(this.executionStarter);
    // Small batches at a bounded concurrency keep StartExecution well under its per-account rate in a burst.
    this.executionStarter.addEventSource(new SqsEventSource(this.startQueue, { batchSize: 5, maxConcurrency: 5, reportBatchItemFailures: true }));

    // The reconciler: table read/write (cases, claims, dead letters) and SendMessage to the start queue only.
    const reconcilerEnv: EnvVars<ReconcilerEnvInput> = {
      TABLE_NAME: data.table.tableName,
      JURISDICTION: jurisdiction.code,
      STATE_MACHINE_ARN: props.stateMachine.stateMachineArn,
      START_QUEUE_URL: this.startQueue.queueUrl,
      THRESHOLD_MINUTES: String(RECONCILE_EVERY_MINUTES),
    };
    this.reconciler = new TousuFunction<ReconcilerEnvInput>(this, 'Reconciler', {
      name: 'reconciler',
      entry: 'functions/reconciler/index.ts',
      description: 'tousu: finds cases without an execution or waiting task and claims without a case, and repairs them',
      environment: reconcilerEnv,
      logKey: data.key,
      logRetentionDays: props.logRetentionDays,
      memorySize: 512,
      timeout: Duration.minutes(5),
    });
    data.table.grantReadWriteData(this.reconciler);
    this.startQueue.grantSendMessages(this.reconciler);
    if (props.handover) {
      // Parked hand-overs (issue 15) are sent again at every run: the case's evidence (read only), the keys, and
      // the waiting task of the case (screened locally meanwhile) completed once it is transferred.
      this.reconciler.addEnvironment('EVIDENCE_BUCKET', data.evidence.bucketName);
      this.reconciler.addEnvironment('EVIDENCE_KMS_KEY_ID', data.key.keyArn);
      data.evidence.grantRead(this.reconciler);
      props.handover.grantTo(this.reconciler);
      props.stateMachine.grantTaskResponse(this.reconciler);
    }
    // One run at a time: two would find the same cases (harmless, every repair is idempotent, but noisy).
    (this.reconciler.node.defaultChild as lambda.CfnFunction).reservedConcurrentExecutions = 1;
    this.reconcileSchedule = new scheduler.Schedule(this, 'Reconcile', {
      description: `tousu ${jurisdiction.code}: reconcile every ${RECONCILE_EVERY_MINUTES} min`,
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(RECONCILE_EVERY_MINUTES)),
      // A missed run is not retried: the next one comes in 15 minutes and does the same work.
      target: new targets.LambdaInvoke(this.reconciler, { deadLetterQueue: this.deadLetters, retryAttempts: 0, maxEventAge: Duration.minutes(RECONCILE_EVERY_MINUTES) }),
    });
    // Alarmed on errors with the adapters (the stack alarms every function of `functions`).
    this.functions.push(this.reconciler);

    const intakeEnv: EnvVars<z.input<typeof IntakeEnv>> = {
      TABLE_NAME: data.table.tableName,
      STATE_MACHINE_ARN: props.stateMachine.stateMachineArn,
      EVIDENCE_BUCKET: data.evidence.bucketName,
      JURISDICTION: jurisdiction.code,
      EVIDENCE_KMS_KEY_ID: data.key.keyArn,
      ...(props.statusUrl ? { STATUS_URL: props.statusUrl } : {}),
      START_QUEUE_URL: this.startQueue.queueUrl,
    };

    const adapter = <Env>(fnId: string, name: string, entry: string, environment: EnvVars<Env>, extra: { timeout?: Duration; memorySize?: number } = {}) => {
      const fn = new TousuFunction<Env>(this, fnId, {
        name,
        entry,
        description: `tousu intake adapter ${name}`,
        environment,
        logKey: data.key,
        logRetentionDays: props.logRetentionDays,
        memorySize: extra.memorySize ?? 1024,
        timeout: extra.timeout ?? Duration.minutes(2),
      });
      data.table.grantReadWriteData(fn);
      data.evidence.grantPut(fn);
      data.evidence.grantRead(fn);
      this.startQueue.grantSendMessages(fn);
      fn.configureAsyncInvoke({ onFailure: new destinations.SqsDestination(this.deadLetters), retryAttempts: 2, maxEventAge: Duration.hours(6) });
      this.functions.push(fn);
      return fn;
    };

    if (props.intake.mode === 'ses') {
      const email = adapter<z.input<typeof EmailIntakeEnv>>('EmailIntake', 'email-intake', 'functions/email-intake/index.ts', intakeEnv);
      data.rawMail.grantRead(email, `${KEYS.rawMail}*`);
      props.mail?.grantSend(email);
      data.rawMail.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(email), { prefix: KEYS.rawMail });
      this.receiptRuleSet = new ses.ReceiptRuleSet(this, 'ReceiptRules', {
        ...(props.intake.ruleSetName ? { receiptRuleSetName: props.intake.ruleSetName } : {}),
        rules: [
          {
            recipients: [jurisdiction.intakeAddress],
            scanEnabled: true,
            // Agencies forward from many mail systems; refusing plaintext SMTP would lose complaints.
            tlsPolicy: ses.TlsPolicy.OPTIONAL,
            actions: [new sesActions.S3({ bucket: data.rawMail, objectKeyPrefix: KEYS.rawMail })],
          },
        ],
      });
    } else {
      const imap = props.intake;
      const secret = secretsmanager.Secret.fromSecretNameV2(this, 'ImapSecret', imap.secretName);
      const poller = adapter<z.input<typeof ImapPollerEnv>>(
        'ImapPoller',
        'imap-poller',
        'functions/imap-poller/index.ts',
        {
          ...intakeEnv,
          IMAP_HOST: imap.host,
          IMAP_PORT: String(imap.port),
          IMAP_USER: imap.user,
          IMAP_MAILBOX: imap.mailbox,
          IMAP_MAX_MESSAGES: String(imap.maxMessages),
          IMAP_SECRET_ARN: secret.secretArn,
        },
        { timeout: Duration.minutes(5) },
      );
      secret.grantRead(poller);
      props.mail?.grantSend(poller);
      this.imapPoller = poller;
      // One poller at a time: two would fetch the same messages (harmless, idempotent, but wasteful).
      (poller.node.defaultChild as lambda.CfnFunction).reservedConcurrentExecutions = 1;
      new scheduler.Schedule(this, 'ImapPoll', {
        description: `tousu ${jurisdiction.code}: poll ${imap.user}@${imap.host} every ${imap.everyMinutes} min`,
        schedule: scheduler.ScheduleExpression.rate(Duration.minutes(imap.everyMinutes)),
        target: new targets.LambdaInvoke(poller, { deadLetterQueue: this.deadLetters, retryAttempts: 0, maxEventAge: Duration.minutes(imap.everyMinutes) }),
      });
    }

    const letters = adapter<z.input<typeof IntakeEnv>>('LetterIntake', 'letter-intake', 'functions/letter-intake/index.ts', intakeEnv);
    const boxes = adapter<z.input<typeof IntakeEnv>>('BoxIntake', 'box-intake', 'functions/box-intake/index.ts', intakeEnv);
    data.scans.grantRead(letters, `${KEYS.letters}*`);
    data.scans.grantRead(boxes, `${KEYS.boxes}*`);
    data.scans.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(letters), { prefix: KEYS.letters, suffix: KEYS.letterSuffix });
    data.scans.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(boxes), { prefix: KEYS.boxes, suffix: KEYS.boxSuffix });

    this.workOrderDeadLetters = new sqs.Queue(this, 'WorkOrderDeadLetters', queueDefaults);
    this.workOrders = new sqs.Queue(this, 'WorkOrders', {
      ...queueDefaults,
      visibilityTimeout: Duration.minutes(12),
      deadLetterQueue: { queue: this.workOrderDeadLetters, maxReceiveCount: 5 },
    });
    const workOrders = adapter<z.input<typeof IntakeEnv>>('WorkOrderIntake', 'workorder-intake', 'functions/workorder-intake/index.ts', intakeEnv);
    workOrders.addEventSource(new SqsEventSource(this.workOrders, { batchSize: 10, reportBatchItemFailures: true }));
  }
}
