/**
 * The quarantine, dead-letter, claim and decision stores of the AWS composition (../../composition/aws.ts), each loaded on
 * its first call (issue 26, bundle size): every function's composition offers them, but only the API, the mail
 * intakes and the reconciler call them, so the life-cycle tasks and the other intakes do not carry their code at
 * init. Once loaded, the same Dynamo* store serves the container; a failed load is retried on the next call.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ClaimRecord, ClaimSource } from '../../ports/claims';
import type { DeadLetterStore } from '../../ports/dead-letters';
import type { EvaluationDecisionStore } from '../../ports/evaluation-decisions';
import type { QuarantineStore } from '../../ports/quarantine';
import type { StaffRevocations } from '../../ports/staff-auth';

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () =>
    (p ??= load().catch((err: unknown) => {
      p = undefined;
      throw err;
    }));
}

export function lazyQuarantineStore(doc: DynamoDBDocumentClient, tableName: string): QuarantineStore {
  const s = once(async () => new (await import('./dynamo-quarantine-store')).DynamoQuarantineStore(doc, tableName));
  return {
    put: async (entry) => (await s()).put(entry),
    get: async (id) => (await s()).get(id),
    list: async (jurisdiction, opts) => (await s()).list(jurisdiction, opts),
  };
}

export function lazyDeadLetterStore(doc: DynamoDBDocumentClient, tableName: string): DeadLetterStore {
  const s = once(async () => new (await import('./dynamo-dead-letter-store')).DynamoDeadLetterStore(doc, tableName));
  return {
    record: async (entry) => (await s()).record(entry),
    get: async (id) => (await s()).get(id),
    list: async (q) => (await s()).list(q),
    resolve: async (id, at, resolution) => (await s()).resolve(id, at, resolution),
    retried: async (id, at, error) => (await s()).retried(id, at, error),
  };
}

export function lazyClaimSource(doc: DynamoDBDocumentClient, tableName: string): ClaimSource {
  const s = once(async () => new (await import('./dynamo-claim-source')).DynamoClaimSource(doc, tableName));
  return {
    async *claims(): AsyncIterable<ClaimRecord> {
      yield* (await s()).claims();
    },
  };
}

/** The art. 20 decision store, loaded on its first call (only the API's decision routes and the quarterly run use it). */
export function lazyDecisionStore(doc: DynamoDBDocumentClient, tableName: string): EvaluationDecisionStore {
  const s = once(async () => new (await import('./dynamo-evaluation-decisions')).DynamoEvaluationDecisionStore({ doc, tableName }));
  return {
    get: async (jurisdiction, id) => (await s()).get(jurisdiction, id),
    quarter: async (jurisdiction, quarter) => (await s()).quarter(jurisdiction, quarter),
    save: async (decision) => (await s()).save(decision),
  };
}

/** Staff log-out records (the API's staff side only). */
export function lazyStaffRevocations(doc: DynamoDBDocumentClient, tableName: string): StaffRevocations {
  const s = once(async () => new (await import('./staff-revocations')).DynamoStaffRevocations(doc, tableName));
  return {
    notBefore: async (username) => (await s()).notBefore(username),
    revoke: async (username, atMs) => (await s()).revoke(username, atMs),
  };
}
