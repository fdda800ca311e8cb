/**
 * Outgoing mail permissions and settings per sending mode: SES (ses:SendEmail on the jurisdiction's identities)
 * or SMTP (host, port and a Secrets Manager secret with `username`/`password`, for regions without SES).
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { DeployConfig } from '../config';
import type { JurisdictionConfig } from '../../shared/domain/jurisdiction';

export interface MailGrants {
  /** Lets the function send the jurisdiction's notices (and sets the SMTP settings where that is the mode). */
  grantSend(fn: lambda.Function): void;
}

export interface MailProps {
  jurisdiction: JurisdictionConfig;
  sending: DeployConfig['sending'];
}

export class Mail extends Construct implements MailGrants {
  private readonly statement?: iam.PolicyStatement;
  private readonly secret?: secretsmanager.ISecret;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: MailProps,
  ) {
    super(scope, id);
    const stack = Stack.of(this);
    const { sending, jurisdiction } = props;
    if (sending.mode === 'ses') {
      const identity = (name: string) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: name });
      const resources = [identity(jurisdiction.mail.domain), identity(jurisdiction.mail.from)];
      if (sending.configurationSetName) resources.push(stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: sending.configurationSetName }));
      this.statement = new iam.PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources,
        conditions: { StringEquals: { 'ses:FromAddress': jurisdiction.mail.from } },
      });
    } else {
      this.secret = secretsmanager.Secret.fromSecretNameV2(this, 'SmtpSecret', sending.secretName);
    }
  }

  grantSend(fn: lambda.Function): void {
    const { sending } = this.props;
    // Every sender alike (API, mail intakes, life-cycle tasks, the quarterly report): one Reply-To, one configuration set.
    if (this.props.jurisdiction.mail.replyTo) fn.addEnvironment('MAIL_REPLY_TO', this.props.jurisdiction.mail.replyTo);
    if (this.statement) {
      fn.addToRolePolicy(this.statement);
      fn.addEnvironment('MAIL_MODE', 'ses');
      if (sending.mode === 'ses' && sending.configurationSetName) fn.addEnvironment('SES_CONFIGURATION_SET', sending.configurationSetName);
      return;
    }
    if (sending.mode === 'smtp' && this.secret) {
      this.secret.grantRead(fn);
      fn.addEnvironment('MAIL_MODE', 'smtp');
      fn.addEnvironment('SMTP_HOST', sending.host);
      fn.addEnvironment('SMTP_PORT', String(sending.port));
      fn.addEnvironment('SMTP_SECRET_ARN', this.secret.secretArn);
    }
  }
}
