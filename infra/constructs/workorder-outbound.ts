/**
 * WorkOrderOutbound: the 12345 loop on AWS (art. 7(2), docs/workorder-outbound.md). Every function that writes
 * cases marks work-order cases (`WORKORDER_MARKS=1`, shared/composition/aws.ts); the reconciler, on its schedule,
 * collects their reports and posts them to the platform's webhook, with the settings (no secret) in
 * `WORKORDER_OUTBOUND` and read access to the existing Secrets Manager secret holding `{ "secret": "…" }`.
 */
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { IConstruct } from 'constructs';
import type { WorkOrderOutboundDeployConfig } from '../../shared/services/workorder-outbound';

export interface WorkOrderOutboundProps {
  settings: WorkOrderOutboundDeployConfig;
}

export class WorkOrderOutbound extends Construct {
  readonly secret: secretsmanager.ISecret;
  readonly settings: WorkOrderOutboundDeployConfig;

  constructor(scope: Construct, id: string, props: WorkOrderOutboundProps) {
    super(scope, id);
    this.settings = props.settings;
    this.secret = secretsmanager.Secret.fromSecretNameV2(this, 'Secret', props.settings.secretName);
  }

  /** The sender (the reconciler): settings without the secret name, the secret's ARN, read access to it. */
  grantSender(fn: lambda.Function): void {
    const { secretName: _secretName, ...settings } = this.settings;
    fn.addEnvironment('WORKORDER_OUTBOUND', JSON.stringify(settings));
    fn.addEnvironment('WORKORDER_SECRET_ARN', this.secret.secretArn);
    this.secret.grantRead(fn);
  }

  /** Every Lambda function under `root` marks the work-order cases it writes (they all have the table already). */
  markIn(root: IConstruct): void {
    for (const c of root.node.findAll()) if (c instanceof lambda.Function && 'functionLogGroup' in c) c.addEnvironment('WORKORDER_MARKS', '1');
  }
}
