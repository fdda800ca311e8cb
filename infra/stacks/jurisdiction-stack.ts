/**
 * One stack per jurisdiction (art. 6: territorial, tiered): composes the constructs, nothing else (STYLE rule 5).
 * Configuration enters as typed, already validated props; nothing here reads process.env or context.
 */
import { Aws, CfnOutput, CfnRule, Fn, Stack, Tags } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { SES_RECEIVING_REGIONS } from '../config';
import type { Deployment } from '../config';
import { Api } from '../constructs/api';
import { Data } from '../constructs/data';
import { Intake } from '../constructs/intake';
import { Mail } from '../constructs/mail';
import { applyNagSuppressions } from '../constructs/nag-suppressions';
import { Observability } from '../constructs/observability';
import { Reporting } from '../constructs/reporting';
import { Workflow, lifecycleServiceName } from '../constructs/workflow';
import { Handover } from '../constructs/handover';
import { WorkOrderOutbound } from '../constructs/workorder-outbound';

export interface JurisdictionStackProps extends StackProps {
  deployment: Deployment;
}

export class JurisdictionStack extends Stack {
  readonly data: Data;
  readonly workflow: Workflow;
  readonly intake: Intake;
  readonly api: Api;
  readonly reporting: Reporting;
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: JurisdictionStackProps) {
    super(scope, id, props);
    const { jurisdiction, deploy } = props.deployment;
    // cfn-lint 1.51's schema has no Tags on AWS::CloudWatch::Dashboard.
    Tags.of(this).add('tousu:jurisdiction', jurisdiction.code, { excludeResourceTypes: ['AWS::CloudWatch::Dashboard'] });
    this.templateOptions.description = `tousu complaint pipeline for ${jurisdiction.code} (${jurisdiction.name})`;
    const logRetentionDays = deploy.logRetentionDays;

    // Environment-agnostic stacks check the region when CloudFormation knows it (at deploy).
    if (deploy.region === undefined && deploy.intake.mode === 'ses') {
      new CfnRule(this, 'SesReceivingRegion', {
        assertions: [
          {
            assert: Fn.conditionContains([...SES_RECEIVING_REGIONS], Aws.REGION),
            assertDescription: `intake mode "ses" needs SES email receiving (${SES_RECEIVING_REGIONS.join(', ')}); choose "imap" in config/deploy/${jurisdiction.code}.json for other regions`,
          },
        ],
      });
    }

    this.data = new Data(this, 'Data', {
      jurisdictionCode: jurisdiction.code,
      archiveRetentionYears: deploy.archive.retentionYears,
      archiveLockMode: deploy.archive.lockMode,
    });
    const mail = new Mail(this, 'Mail', { jurisdiction, sending: deploy.sending });
    // Signed hand-overs to and from the paired stacks of other jurisdictions (issue 15), when configured.
    const handover = deploy.handover ? new Handover(this, 'Handover', { settings: deploy.handover }) : undefined;
    this.workflow = new Workflow(this, 'Workflow', {
      jurisdictionCode: jurisdiction.code,
      data: this.data,
      logRetentionDays,
      mail,
      ...(handover ? { handover } : {}),
    });
    const stateMachine = this.workflow.stateMachine;
    this.intake = new Intake(this, 'Intake', {
      jurisdiction,
      mail,
      intake: deploy.intake,
      data: this.data,
      stateMachine,
      logRetentionDays,
      ...(deploy.statusUrl ? { statusUrl: deploy.statusUrl } : {}),
      ...(handover ? { handover } : {}),
    });
    this.api = new Api(this, 'Api', {
      jurisdiction,
      api: deploy.api,
      data: this.data,
      stateMachine,
      startQueue: this.intake.startQueue,
      mail,
      logRetentionDays,
      ...(deploy.statusUrl ? { statusUrl: deploy.statusUrl } : {}),
      ...(handover ? { handover } : {}),
    });
    this.reporting = new Reporting(this, 'Reporting', {
      jurisdictionCode: jurisdiction.code,
      data: this.data,
      mail,
      deadLetters: this.intake.deadLetters,
      logRetentionDays,
    });

    // The 12345 loop (art. 7(2)), when configured: every function marks work-order cases, the reconciler reports them.
    if (deploy.workOrderOutbound) {
      const outbound = new WorkOrderOutbound(this, 'WorkOrderOutbound', { settings: deploy.workOrderOutbound });
      outbound.markIn(this);
      outbound.grantSender(this.intake.reconciler);
    }

    const functions: Record<string, lambda.IFunction> = { Api: this.api.handler, QuarterlyReport: this.reporting.handler };
    for (const fn of this.intake.functions) functions[fn.node.id] = fn;
    functions[this.intake.executionStarter.node.id] = this.intake.executionStarter;
    for (const [placeholder, fn] of Object.entries(this.workflow.tasks)) functions[placeholder.replace(/FunctionArn$/, '')] = fn;
    this.observability = new Observability(this, 'Observability', {
      jurisdictionCode: jurisdiction.code,
      key: this.data.key,
      ...(deploy.alarmEmail ? { alarmEmail: deploy.alarmEmail } : {}),
      deadLetterQueues: { IntakeDeadLetters: this.intake.deadLetters, WorkOrderDeadLetters: this.intake.workOrderDeadLetters, StartDeadLetters: this.intake.startDeadLetters },
      stateMachine,
      functions,
      overdueService: lifecycleServiceName('handle-deadline'),
      calendarLogGroup: this.intake.reconciler.logGroup,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Public form, status page and API' });
    new CfnOutput(this, 'UserPoolId', { value: this.api.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.api.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'IntakeAddress', { value: jurisdiction.intakeAddress, description: 'Agencies forward complaint mail here' });
    if (this.intake.receiptRuleSet) {
      new CfnOutput(this, 'ReceiptRuleSetName', { value: this.intake.receiptRuleSet.receiptRuleSetName, description: 'Activate: aws ses set-active-receipt-rule-set --rule-set-name <this>' });
      new CfnOutput(this, 'MxRecord', { value: `10 inbound-smtp.${Aws.REGION}.amazonaws.com`, description: `MX record of ${jurisdiction.intakeAddress.split('@')[1]}` });
    }
    new CfnOutput(this, 'ScansBucket', { value: this.data.scans.bucketName, description: 'Scanned letters (letters/) and box openings (boxes/)' });
    new CfnOutput(this, 'WorkOrderQueueUrl', { value: this.intake.workOrders.queueUrl, description: '12345 work orders (one JSON message each)' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.observability.topic.topicArn });
    if (handover) new CfnOutput(this, 'HandoverUrl', { value: `${this.api.url}api/handover`, description: 'Give this to the paired stacks as their peer url (docs/ROUTING.md)' });

    applyNagSuppressions(this);
  }
}
