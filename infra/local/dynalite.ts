/**
 * The embedded DynamoDB: dynalite (DynamoDB API over LevelDB) on 127.0.0.1, on disk when given a path.
 * Used by the embedded runtime (`tousu start`) and by the integration tests.
 *
 * Performance (bench/http-intake.bench.ts, docs/BENCHMARKS.md): a DynamoDB call costs about as much CPU in
 * dynalite (request parsing, validation, LevelDB, index maintenance) as in the SDK that sends it. With
 * `thread: true` dynalite runs in a worker thread, so the two halves use both cores instead of one event loop;
 * the runtime does this. The client keeps its sockets alive (no TCP handshake per call) with enough sockets for
 * the runtime's concurrency.
 */
import type { AddressInfo } from 'node:net';
import { Agent } from 'node:http';
import { createRequire } from 'node:module';
import { mkdir } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
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
  /** Run dynalite in a worker thread (its own event loop, on the second core). */
  thread?: boolean;
  /** With `thread`: called if the thread fails after it started (every DynamoDB call then fails too). */
  onThreadError?: (err: Error) => void;
}

/** The worker's script (CommonJS, evaluated): a dynalite server on loopback, closed on the 'close' message. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const dynalite = require(workerData.dynalitePath);
const server = dynalite({ path: workerData.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.once('error', (err) => parentPort.postMessage({ type: 'error', message: err.message, code: err.code }));
server.listen(workerData.port, '127.0.0.1', () => parentPort.postMessage({ type: 'listening', port: server.address().port }));
parentPort.on('message', (m) => {
  if (m !== 'close') return;
  if (server.closeAllConnections) server.closeAllConnections();
  server.close((err) => parentPort.postMessage({ type: 'closed', message: err ? err.message : undefined }));
});
`;

async function startDynaliteThread(opts: DynaliteOptions): Promise<DynaliteHandle> {
  const dynalitePath = createRequire(import.meta.url).resolve('dynalite');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { dynalitePath, path: opts.path, port: opts.port ?? 0 } });
  type Msg = { type: 'listening'; port: number } | { type: 'error' | 'closed'; message?: string; code?: string };
  const port = await new Promise<number>((resolve, reject) => {
    const onMessage = (m: Msg) => {
      worker.off('error', onError);
      worker.off('message', onMessage);
      if (m.type === 'listening') resolve(m.port);
      else {
        void worker.terminate();
        reject(Object.assign(new Error(m.message ?? 'dynalite failed to start'), m.type === 'error' && m.code ? { code: m.code } : {}));
      }
    };
    const onError = (err: Error) => {
      worker.off('message', onMessage);
      reject(err);
    };
    worker.on('message', onMessage);
    worker.once('error', onError);
  });
  let failed: Error | undefined;
  worker.on('error', (err) => {
    failed = err;
    opts.onThreadError?.(err);
  });
  let closed: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    close() {
      if (failed) return (closed ??= worker.terminate().then(() => undefined));
      closed ??= new Promise<void>((resolve, reject) => {
        const onMessage = (m: Msg) => {
          if (m.type !== 'closed') return;
          worker.off('message', onMessage);
          // LevelDB is closed now; the thread has nothing left to do.
          void worker.terminate().then(() => (m.message ? reject(new Error(m.message)) : resolve()), reject);
        };
        worker.on('message', onMessage);
        worker.once('exit', () => resolve()); // the thread ended by itself: nothing left to close
        worker.postMessage('close');
      });
      return closed;
    },
  };
}

export async function startDynalite(opts: DynaliteOptions = {}): Promise<DynaliteHandle> {
  if (opts.path) await mkdir(opts.path, { recursive: true });
  if (opts.thread) return startDynaliteThread(opts);
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
    // Loopback: keep the connections (the SDK's default agent also does; explicit, with room for the runtime's
    // concurrent intakes and engine tasks, so calls do not queue for a socket).
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 64 }) },
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
