/**
 * cdk-nag (v3: CDK policy validation) acknowledgments of a jurisdiction stack, each with its reason. cdk-nag v3
 * replaced NagSuppressions with CDK's `Validations.of(scope).acknowledge({ id, reason })`; granular IAM5 findings
 * are named `AwsSolutions-IAM5[Resource::…]` / `[Action::…]`. Everything here is listed in one place so a reviewer
 * sees every exception at once; test/infra checks that nothing else is left.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { JurisdictionStack } from '../stacks/jurisdiction-stack';

export interface Acknowledgment {
  scope: IConstruct;
  id: string;
  reason: string;
}

const logicalId = (c: IConstruct): string => Stack.of(c).getLogicalId(c.node.defaultChild as CfnResource);

/** The acknowledgments of one stack (exported for tests: each must have a reason). */
export function nagAcknowledgments(stack: JurisdictionStack): Acknowledgment[] {
  const acks: Acknowledgment[] = [];
  const add = (scope: IConstruct, id: string, reason: string) => acks.push({ scope, id, reason });
  const { data, workflow, intake, api, reporting } = stack;

  add(
    stack,
    'AwsSolutions-IAM5[Resource::*]',
    'X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) and Step Functions log delivery (logs:*LogDelivery*, logs:DescribeResourcePolicies/PutResourcePolicy/DescribeLogGroups) support no resource-level permissions: AWS requires "*". test/infra asserts these are the only actions granted on "*".',
  );
  add(
    stack,
    'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
    'CDK key grant for the data key: GenerateDataKey and GenerateDataKeyWithoutPlaintext are both used by S3 bucket keys and SQS; scoped to the one customer-managed key.',
  );
  add(stack, 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', 'CDK key grant (ReEncryptFrom/To) for the one customer-managed data key, used when S3 or DynamoDB re-wraps data keys; scoped to that key.');
  add(
    stack,
    `AwsSolutions-IAM5[Resource::<${logicalId(data.table)}.Arn>/index/*]`,
    'Queries on the three GSIs of the single table (phase queue, department queue, jurisdiction by receipt); the wildcard covers only indexes of this one table.',
  );
  for (const action of ['s3:Abort*', 's3:GetBucket*', 's3:GetObject*', 's3:List*']) {
    add(stack, `AwsSolutions-IAM5[Action::${action}]`, `CDK bucket grant (${action}: multipart abort, object versions/tags, bucket location for the SDK) on this stack's own buckets only.`);
  }
  add(
    stack,
    `AwsSolutions-IAM5[Resource::<${logicalId(data.evidence)}.Arn>/*]`,
    'Evidence objects are keyed by case and sha256 (shared/adapters/blob-key.ts); intake writes and the API reads any of them.',
  );
  add(stack, `AwsSolutions-IAM5[Resource::<${logicalId(data.archive)}.Arn>/*]`, 'The archive task writes each case file under its case id; Object Lock keeps every version.');
  add(stack, `AwsSolutions-IAM5[Resource::<${logicalId(data.rawMail)}.Arn>/mail/*]`, 'email-intake reads the mails SES delivered under mail/ (object keys are SES message ids).');
  add(stack, `AwsSolutions-IAM5[Resource::<${logicalId(data.scans)}.Arn>/letters/*]`, 'letter-intake reads the scans and sidecars of a batch under letters/.');
  add(stack, `AwsSolutions-IAM5[Resource::<${logicalId(data.scans)}.Arn>/boxes/*]`, 'box-intake reads box-opening CSVs under boxes/.');
  for (const fn of [...Object.values(workflow.tasks), reporting.handler]) {
    add(
      stack,
      `AwsSolutions-IAM5[Resource::<${logicalId(fn)}.Arn>:*]`,
      'lambda:InvokeFunction on the function and its versions/aliases (CDK grantInvoke), for the state machine or the scheduler only.',
    );
  }
  if (intake.imapPoller) {
    add(stack, `AwsSolutions-IAM5[Resource::<${logicalId(intake.imapPoller)}.Arn>:*]`, 'The scheduler invokes the IMAP poller and its versions (CDK grantInvoke).');
  }
  add(stack, `AwsSolutions-IAM5[Resource::<${logicalId(intake.reconciler)}.Arn>:*]`, 'The scheduler invokes the reconciler and its versions (CDK grantInvoke).');
  add(stack, 'AwsSolutions-L1', 'The Lambda target is pinned to nodejs22.x (project decision: the runtime the handlers are tested against); upgrade deliberately, not by default.');
  add(intake.deadLetters, 'AwsSolutions-SQS3', "This queue IS the dead-letter destination of the intake adapters' asynchronous invocations (and of the schedules); a DLQ of a DLQ adds nothing.");
  add(intake.workOrderDeadLetters, 'AwsSolutions-SQS3', 'This queue IS the dead-letter queue of the 12345 work-order queue.');
  add(intake.startDeadLetters, 'AwsSolutions-SQS3', 'This queue IS the dead-letter queue of the start queue (execution starts that failed 5 receives); a DLQ of a DLQ adds nothing.');
  add(
    stack,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'Only on the CDK-internal BucketNotificationsHandler that configures S3 event notifications at deploy time (not a data-plane function).',
  );
  for (const route of api.publicRoutes) {
    add(
      route,
      'AwsSolutions-APIG4',
      'Public route by design (INTERFACES.md): the complaint form, status look-up with the query code, OpenAPI document, page shells and staff sign-in (the password or Cognito challenge session is the credential; TOTP MFA required); throttled per route on the stage.',
    );
  }
  return acks;
}

export function applyNagSuppressions(stack: JurisdictionStack): void {
  for (const a of nagAcknowledgments(stack)) Validations.of(a.scope).acknowledge({ id: a.id, reason: a.reason });
}
