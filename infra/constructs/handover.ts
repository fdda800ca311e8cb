/**
 * Handover: the signed hand-over between two jurisdictions' stacks (issue 15, docs/ROUTING.md "Pairing two
 * stacks"). The keys live in an existing Secrets Manager secret (created by the administrator before deploy, JSON
 * `{ "<key id>": "<key>" }`); the functions get its ARN and the settings without keys (`HANDOVER`), and read
 * access to that secret only: the API (receiver), screen-case (sender) and the reconciler (replays parked ones).
 */
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { HandoverDeployConfig } from '../../shared/domain/handover';

export interface HandoverProps {
  settings: HandoverDeployConfig;
}

export class Handover extends Construct {
  readonly secret: secretsmanager.ISecret;
  readonly settings: HandoverDeployConfig;

  constructor(scope: Construct, id: string, props: HandoverProps) {
    super(scope, id);
    this.settings = props.settings;
    this.secret = secretsmanager.Secret.fromSecretNameV2(this, 'Keys', props.settings.secretName);
  }

  /** The settings and the secret's ARN in the function's environment, and read access to the secret. */
  grantTo(fn: lambda.Function): void {
    fn.addEnvironment('HANDOVER', JSON.stringify(this.settings));
    fn.addEnvironment('HANDOVER_SECRET_ARN', this.secret.secretArn);
    this.secret.grantRead(fn);
  }
}
