/** The source claims the reconciler walks (adapter: shared/adapters/aws/dynamo-claim-source.ts). */
/** One idempotency claim as stored (`SRC#<sourceKey>`). */
export interface ClaimRecord {
  sourceKey: string;
  claimedAt: string;
  caseId?: string;
}

/** Lists the source claims (on DynamoDB a filtered Scan: claims have no index; the reconciler runs rarely). */
export interface ClaimSource {
  claims(): AsyncIterable<ClaimRecord>;
}
