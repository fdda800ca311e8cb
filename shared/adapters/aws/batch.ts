/**
 * BatchGetItem and BatchWriteItem on one table, to completion: requests are cut to the service's limits (100 keys
 * per get, 25 requests per write) and whatever the service leaves unprocessed is sent again with exponential
 * backoff, up to a number of retries, after which the call fails loudly (nothing is silently dropped).
 */
import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { BatchGetCommandOutput, BatchWriteCommandOutput, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const BATCH_GET_MAX = 100;
export const BATCH_WRITE_MAX = 25;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface BatchRetry {
  /** Retries of the unprocessed part before failing (default 8). */
  retries?: number;
  /** Longest pause between retries in ms (default 1000); the pause is 25 ms · 2^attempt up to it. */
  maxBackoffMs?: number;
  /** What the error names when retries run out, e.g. "evaluation facts" (default "items" / "keys"). */
  what?: string;
}

async function untilProcessed<T>(first: T[], send: (batch: T[]) => Promise<T[] | undefined>, retry: BatchRetry, what: string, verb: string): Promise<void> {
  const retries = retry.retries ?? 8;
  let pending: T[] | undefined = first;
  for (let attempt = 0; pending && pending.length > 0; attempt++) {
    if (attempt > retries) throw new Error(`${verb} left ${pending.length} ${retry.what ?? what} unprocessed after ${retries} retries`);
    if (attempt > 0) await sleep(Math.min(retry.maxBackoffMs ?? 1000, 25 * 2 ** attempt));
    pending = await send(pending);
  }
}

/** Every item found for `keys` (any order; missing keys are simply absent). */
export async function batchGetAll(
  doc: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Record<string, unknown>[],
  opts: BatchRetry & { consistentRead?: boolean; projection?: string } = {},
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += BATCH_GET_MAX) {
    await untilProcessed(
      keys.slice(i, i + BATCH_GET_MAX),
      async (Keys) => {
        const out: BatchGetCommandOutput = await doc.send(
          new BatchGetCommand({
            RequestItems: { [tableName]: { Keys, ...(opts.consistentRead ? { ConsistentRead: true } : {}), ...(opts.projection ? { ProjectionExpression: opts.projection } : {}) } },
          }),
        );
        found.push(...(out.Responses?.[tableName] ?? []));
        return out.UnprocessedKeys?.[tableName]?.Keys;
      },
      opts,
      'keys',
      'BatchGetItem',
    );
  }
  return found;
}

/** Writes every put or delete request, `concurrency` chunks of 25 at a time (default 1: in order). */
export async function batchWriteAll(doc: DynamoDBDocumentClient, tableName: string, requests: readonly Record<string, unknown>[], opts: BatchRetry & { concurrency?: number } = {}): Promise<void> {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < requests.length; i += BATCH_WRITE_MAX) chunks.push(requests.slice(i, i + BATCH_WRITE_MAX));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      await untilProcessed(
        chunks[next++]!,
        async (batch) => {
          const out: BatchWriteCommandOutput = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: batch as never } }));
          return out.UnprocessedItems?.[tableName] as Record<string, unknown>[] | undefined;
        },
        opts,
        'items',
        'BatchWriteItem',
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, opts.concurrency ?? 1), chunks.length) }, worker));
}
