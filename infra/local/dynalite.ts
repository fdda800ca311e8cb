/**
 * The embedded DynamoDB: dynalite (DynamoDB API over LevelDB) on 127.0.0.1, on disk when given a path.
 * Used by the embedded runtime (`tousu start`) and by the integration tests.
 */
import type { AddressInfo } from 'node:net';
import { mkdir } from 'node:fs/promises';
import dynalite from 'dynalite';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../shared/adapters/aws/dynamo-case-store';
import { tableCreateInput } from '../../shared/adapters/aws/table';

export interface DynaliteHandle {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  /** Stops the server and closes the LevelDB store (so the same path can be opened again). */
  close(): Promise<void>;
}

export interface DynaliteOptions {
  /** On-disk LevelDB directory (created if missing); omit for in-memory. */
  path?: string;
  /** 0 or omitted = a random free port. */
  port?: number;
}

export async function startDynalite(opts: DynaliteOptions = {}): Promise<DynaliteHandle> {
  if (opts.path) await mkdir(opts.path, { recursive: true });
  const server = dynalite({ path: opts.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    close() {
      // SDK clients keep sockets alive; without this the close waits for them to time out.
      server.closeAllConnections?.();
      closed ??= new Promise<void>((resolve, reject) => server.close((err?: Error) => (err ? reject(err) : resolve())));
      return closed;
    },
  };
}

/** A DynamoDB client for the local endpoint with dummy credentials (dynalite checks none). */
export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });
}

/** The document client every adapter uses (same options as on AWS): plain JS objects, undefined values dropped. */
export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return createDocumentClient(client);
}

/** Creates the single table if it does not exist and waits until it is ACTIVE. */
export async function ensureTable(client: DynamoDBClient, name: string, timeoutMs = 10_000): Promise<void> {
  try {
    await client.send(new CreateTableCommand(tableCreateInput(name)));
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
      if (Table?.TableStatus === 'ACTIVE') return;
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException)) throw err;
    }
    if (Date.now() > deadline) throw new Error(`table ${name} did not become ACTIVE within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
