/**
 * Data: the single table (shared/adapters/aws/table.ts), the customer-managed KMS key, and the buckets for raw
 * mail, evidence, scans and the archive, with a server-access-log bucket. Everything holding case data is
 * RETAINed when the stack is deleted: deleting complaint records is a decision for a person, not for CloudFormation.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PARTITION_KEY, SORT_KEY, TABLE_GSIS, TTL_ATTRIBUTE } from '../../shared/adapters/aws/table';

export interface DataProps {
  jurisdictionCode: string;
  archiveRetentionYears: number;
  archiveLockMode: 'GOVERNANCE' | 'COMPLIANCE';
}

export class Data extends Construct {
  /** Encrypts the table, the evidence/scans/archive buckets, log groups, queues and the alarm topic. */
  readonly key: kms.Key;
  readonly table: dynamodb.Table;
  readonly accessLogs: s3.Bucket;
  /** SES writes received mail here (S3-managed encryption: SES receiving cannot write with a customer key). */
  readonly rawMail: s3.Bucket;
  readonly evidence: s3.Bucket;
  readonly scans: s3.Bucket;
  readonly archive: s3.Bucket;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.key = new kms.Key(this, 'Key', {
      description: `tousu ${props.jurisdictionCode}: case data, evidence, archive, logs, queues, alarms`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });
    // CloudWatch Logs encrypts the log groups (functions, state machine, API access) with this key.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogs',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*` } },
      }),
    );
    // CloudWatch alarms publish to the KMS-encrypted SNS topic.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToEncryptedTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      sortKey: { name: SORT_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const gsi of TABLE_GSIS) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: { name: gsi.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: gsi.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    const common = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
    } as const;

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...common,
      // Server access logging can only deliver to a bucket with S3-managed encryption.
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(400), noncurrentVersionExpiration: Duration.days(30) }],
    });

    const logged = (prefix: string) => ({ serverAccessLogsBucket: this.accessLogs, serverAccessLogsPrefix: `${prefix}/` });

    this.rawMail = new s3.Bucket(this, 'RawMail', {
      ...common,
      ...logged('raw-mail'),
      encryption: s3.BucketEncryption.S3_MANAGED,
      // Raw mail is parsed into a case (evidence kept separately); the MIME original is kept for a year.
      lifecycleRules: [{ id: 'expire-raw-mail', expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
    });

    this.evidence = new s3.Bucket(this, 'Evidence', { ...common, ...logged('evidence'), encryption: s3.BucketEncryption.KMS, encryptionKey: this.key, bucketKeyEnabled: true });
    this.scans = new s3.Bucket(this, 'Scans', { ...common, ...logged('scans'), encryption: s3.BucketEncryption.KMS, encryptionKey: this.key, bucketKeyEnabled: true });

    const retention =
      props.archiveLockMode === 'COMPLIANCE'
        ? s3.ObjectLockRetention.compliance(Duration.days(365 * props.archiveRetentionYears))
        : s3.ObjectLockRetention.governance(Duration.days(365 * props.archiveRetentionYears));
    this.archive = new s3.Bucket(this, 'Archive', {
      ...common,
      ...logged('archive'),
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: retention,
    });
  }
}
