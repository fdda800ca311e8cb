/**
 * Workflow: the life-cycle state machine from statemachines/case-lifecycle.asl.json (DefinitionBody.fromFile),
 * with a value for every `${…}` in the file, CloudWatch logging (KMS) and X-Ray tracing, and the task functions
 * behind its `${<Task>FunctionArn}` substitutions. fromFile infers no permission: every grant is explicit here.
 */
import { Annotations, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LifecycleFunctionEnvInput } from '../../functions/lifecycle/env';
import { TASK_FUNCTION_TIMEOUT_SECONDS } from './lifecycle-timeouts';
import { REPO_ROOT } from '../config';
import type { Data } from './data';
import type { Handover } from './handover';
import type { MailGrants } from './mail';
import { TousuFunction } from './tousu-function';
import type { EnvVars } from './tousu-function';

export const ASL_FILE = 'statemachines/case-lifecycle.asl.json';

/** Every `${Name}` placeholder of an ASL text, sorted, unique. */
export function aslPlaceholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]!))].sort();
}

/** `ScreenCaseFunctionArn` → `screen-case`. */
export const taskFunctionName = (substitution: string): string =>
  substitution
    .replace(/FunctionArn$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();

/** Where the engine engineer's handler of a task lives (first that exists). */
/** The Powertools service name of a life-cycle task function (its logs' `service`, its metrics' dimension). */
export const lifecycleServiceName = (name: string): string => `tousu-${name}`;

export const taskEntryCandidates = (name: string): string[] => [`functions/lifecycle/${name}/index.ts`, `functions/lifecycle/${name}.ts`, `functions/${name}/index.ts`];

/** Tasks that complete their own callback (states:SendTaskSuccess), per the life-cycle contract. */
const CALLBACK_TASKS = new Set(['await-action']);
/** Tasks that write the art. 18 archive. */
const ARCHIVE_TASKS = new Set(['archive-case']);

export interface WorkflowProps {
  jurisdictionCode: string;
  data: Data;
  logRetentionDays: number;
  mail: MailGrants;
  /** Hand-over to other jurisdictions' stacks (issue 15): screen-case sends, reading the evidence it carries. */
  handover?: Handover;
}

/** The task that hands a case over to another jurisdiction's stack before screening it. */
const HANDOVER_TASKS = new Set(['screen-case']);

export class Workflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly tasks: Record<string, lambda.IFunction> = {};
  /** Substitutions whose handler file does not exist yet (deployed as a function that fails "not built yet"). */
  readonly notBuilt: string[] = [];
  readonly substitutions: Record<string, string> = {};

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const { data } = props;
    const aslPath = join(REPO_ROOT, ASL_FILE);
    const placeholders = aslPlaceholders(readFileSync(aslPath, 'utf8'));

    for (const placeholder of placeholders) {
      if (!placeholder.endsWith('FunctionArn')) {
        throw new Error(`${ASL_FILE}: no value for substitution \${${placeholder}} (the Workflow construct knows only \${<Task>FunctionArn})`);
      }
      const name = taskFunctionName(placeholder);
      const constructId = placeholder.replace(/Arn$/, '');
      const entry = taskEntryCandidates(name).find((p) => existsSync(join(REPO_ROOT, p)));
      let fn: lambda.Function;
      if (entry) {
        const environment: EnvVars<LifecycleFunctionEnvInput> = {
          TABLE_NAME: data.table.tableName,
          JURISDICTION: props.jurisdictionCode,
          POWERTOOLS_SERVICE_NAME: lifecycleServiceName(name),
          ...(ARCHIVE_TASKS.has(name) ? { ARCHIVE_BUCKET: data.archive.bucketName, ARCHIVE_KMS_KEY_ID: data.key.keyArn } : {}),
          ...(props.handover && HANDOVER_TASKS.has(name) ? { EVIDENCE_BUCKET: data.evidence.bucketName, EVIDENCE_KMS_KEY_ID: data.key.keyArn } : {}),
        };
        const tf = new TousuFunction<typeof environment>(this, constructId, {
          name,
          entry,
          description: `tousu life-cycle task ${name} (${ASL_FILE})`,
          environment,
          logKey: data.key,
          logRetentionDays: props.logRetentionDays,
          memorySize: 512,
          timeout: Duration.seconds(TASK_FUNCTION_TIMEOUT_SECONDS),
        });
        data.table.grantReadWriteData(tf);
        props.mail.grantSend(tf);
        if (ARCHIVE_TASKS.has(name)) {
          // s3:PutObject on the archive bucket only: no read, no delete, no s3:PutObjectRetention or legal hold, so the
          // bucket's default Object Lock retention applies to every file and the function cannot change it. (Objects
          // of the whole bucket, which holds nothing but archive files, matching the cdk-nag acknowledgment.)
          // The files are SSE-KMS with the data key (the bucket's key), which the table grant above already lets it use.
          tf.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [data.archive.arnForObjects('*')] }));
        }
        if (props.handover && HANDOVER_TASKS.has(name)) {
          // Reads the case's evidence to send it with the hand-over (no write, no delete); the keys from the secret.
          data.evidence.grantRead(tf);
          props.handover.grantTo(tf);
        }
        fn = tf;
      } else {
        this.notBuilt.push(placeholder);
        Annotations.of(this).addWarningV2(
          `tousu:not-built:${name}`,
          `${placeholder}: no handler at ${taskEntryCandidates(name).join(' | ')} yet; deployed as a function that fails with "not built yet".`,
        );
        fn = notBuiltFunction(this, constructId, name, data.key, props.logRetentionDays);
      }
      this.tasks[placeholder] = fn;
      this.substitutions[placeholder] = fn.functionArn;
    }

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      encryptionKey: data.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.stateMachine = new sfn.StateMachine(this, 'CaseLifecycle', {
      definitionBody: sfn.DefinitionBody.fromFile(aslPath),
      definitionSubstitutions: this.substitutions,
      stateMachineType: sfn.StateMachineType.STANDARD,
      tracingEnabled: true,
      // Execution data stays out of the logs: inputs hold only ids and phases, but error causes may quote case text.
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    for (const fn of Object.values(this.tasks)) fn.grantInvoke(this.stateMachine);

    // The await task completes its own callback when an action landed first. A separate policy (not the role's
    // default policy, which the function depends on) keeps machine → function → policy → machine from cycling.
    for (const [placeholder, fn] of Object.entries(this.tasks)) {
      if (!CALLBACK_TASKS.has(taskFunctionName(placeholder)) || !fn.role) continue;
      new iam.Policy(this, `${placeholder.replace(/Arn$/, '')}CallbackPolicy`, {
        roles: [fn.role],
        statements: [new iam.PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'], resources: [this.stateMachine.stateMachineArn] })],
      });
    }
  }
}

function notBuiltFunction(scope: Construct, id: string, name: string, key: kms.IKey, retentionDays: number): lambda.Function {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: retentionDays as logs.RetentionDays, encryptionKey: key, removalPolicy: RemovalPolicy.RETAIN });
  const role = new iam.Role(scope, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  logGroup.grantWrite(role);
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    description: `tousu life-cycle task ${name}: NOT BUILT YET`,
    code: lambda.Code.fromInline(
      `exports.handler = async () => { const e = new Error('not built yet: life-cycle task ${name} has no handler in this release'); e.name = 'NotBuiltYetError'; throw e; };`,
    ),
    tracing: lambda.Tracing.ACTIVE,
    logGroup,
    role,
  });
}
