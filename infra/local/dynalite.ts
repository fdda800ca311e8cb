/**
 * dynalite (DynamoDB API over LevelDB), on disk when given a path. The embedded runtime no longer stores here (it uses
 * SQLite, infra/local/composition.ts); this serves the tests and benches of the DynamoDB adapters, and the one-off
 * migration of a dynalite-era data directory (infra/local/migrate.ts, loaded only then).
 *
 * Performance (bench/http-intake.bench.ts, docs/BENCHMARKS.md): a DynamoDB call costs about as much CPU in
 * dynalite (validation, LevelDB, index maintenance) as in the SDK that sends it. With `thread: true` dynalite runs
 * in a worker thread, so the two halves use both cores instead of one event loop; the runtime does this.
 *
 * Transactions. dynalite has no TransactWriteItems; infra/local/dynalite-transactions.cjs adds it over dynalite's own
 * single-item calls (atomic by undo, serialised, not isolated from concurrent single-item calls: tests only).
 *
 * Transport. dynalite is an HTTP server, but it does not listen: dynalite only checks that a SigV4 signature is
 * there, never that it is right, so any process on the machine that reaches its port reads and rewrites every case.
 * The SDK clients of this process use the in-process transport instead: `localDynamoClient(handle)` gives the SDK a
 * request handler (`handle.requestHandler`) that hands the same DynamoDB JSON request (headers with the X-Amz-Target
 * and the SigV4 Authorization, body) to dynalite's own request listener, in the worker over a MessagePort or directly
 * without a thread, and returns its response as-is. Only tests ask for a loopback listener (`listen: true`), to
 * point SDK clients they do not build (Lambda handlers) at an endpoint. Nothing above the transport changes: the SDK serialises,
 * signs, retries and parses errors exactly as over HTTP, and dynalite validates and answers exactly as it would.
 * Measured (PutItem, 32 concurrent, both threads): 0.85 ms CPU per call over loopback HTTP with SigV4, 0.54 ms
 * in-process, 0.39 ms in-process with the placeholder signature below.
 */
import type { AddressInfo } from 'node:net';
import { Agent } from 'node:http';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { mkdir } from 'node:fs/promises';
import { EventEmitter } from 'node:events';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { EventLoopUtilization } from 'node:perf_hooks';
import type dynaliteFactory from 'dynalite';
import type { HttpRequest, HttpResponse, RequestHandler } from '@smithy/types';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../shared/adapters/aws/dynamo-case-store';
import { tableCreateInput } from '../../shared/adapters/aws/table';

type HttpHandler = RequestHandler<HttpRequest, HttpResponse>;

export interface DynaliteHandle {
  /** With `listen`: `http://127.0.0.1:<port>`; otherwise a placeholder URL that only the in-process transport serves. */
  endpoint: string;
  /** With `listen`: the loopback port. */
  port?: number;
  /** In-process transport to this dynalite for SDK clients (see the module comment); `localDynamoClient` uses it. */
  requestHandler: HttpHandler;
  /** With `thread`: the worker's event-loop utilisation (as performance.eventLoopUtilization), for benchmarks. */
  eventLoopUtilization?: (since?: EventLoopUtilization) => EventLoopUtilization;
  /** Stops the server and closes the LevelDB store (so the same path can be opened again). */
  close(): Promise<void>;
}

export interface DynaliteOptions {
  /** On-disk LevelDB directory (created if missing, 0700); omit for in-memory. */
  path?: string;
  /** Tests only: also serve DynamoDB over HTTP on 127.0.0.1 (open to every local user: no real authentication). */
  listen?: boolean;
  /** With `listen`: 0 or omitted = a random free port. */
  port?: number;
  /** Run dynalite in a worker thread (its own event loop, on the second core). */
  thread?: boolean;
  /** With `thread`: called if the thread fails after it started (every DynamoDB call then fails too). */
  onThreadError?: (err: Error) => void;
}

// dynalite and its db module through one loader (Node's), so that `openDynalite` patches the module dynalite uses.
const requireHere = createRequire(import.meta.url);

/** The endpoint URL of a dynalite that does not listen: the SDK needs one; the in-process transport ignores it. */
const IN_PROCESS_ENDPOINT = 'http://dynalite.in-process.invalid';

/**
 * The worker's script (CommonJS, evaluated): dynalite as `openDynalite` below (kept in step with it by hand),
 * answering over a MessagePort, closed on the 'close' message.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { EventEmitter } = require('node:events');
const dynalite = require(workerData.dynalitePath);
const dbModule = require(workerData.dynaliteDbPath);
const create = dbModule.create;
let store;
dbModule.create = (o) => (store = create(o));
let server;
try {
  server = dynalite({ path: workerData.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
} finally {
  dbModule.create = create;
}
{
  const original = server.listeners('request')[0];
  server.removeAllListeners('request');
  server.on('request', require(workerData.transactionsPath).withTransactions(original));
}
if (workerData.listen) {
  server.once('error', (err) => parentPort.postMessage({ type: 'error', message: err.message, code: err.code }));
  server.listen(workerData.port, '127.0.0.1', () => parentPort.postMessage({ type: 'listening', port: server.address().port }));
} else parentPort.postMessage({ type: 'listening' });
const listener = server.listeners('request')[0];
// In-process calls: the request as dynalite's HTTP listener would read it, the response as it writes it.
workerData.calls.on('message', (m) => {
  const req = new EventEmitter();
  req.method = 'POST';
  req.url = '/';
  req.headers = m.headers;
  const headers = {};
  const res = {
    statusCode: 200,
    setHeader(name, value) { headers[String(name).toLowerCase()] = String(value); },
    end(body) { workerData.calls.postMessage({ id: m.id, statusCode: res.statusCode, headers, body: body === undefined ? '' : String(body) }); },
  };
  listener(req, res);
  if (m.body) req.emit('data', Buffer.from(m.body, 'utf8'));
  req.emit('end');
});
parentPort.on('message', (m) => {
  if (m !== 'close') return;
  const closed = (err) => parentPort.postMessage({ type: 'closed', message: err ? err.message : undefined });
  if (!workerData.listen) return store.lifecycleManager.gracefulClose(closed);
  if (server.closeAllConnections) server.closeAllConnections();
  server.close(closed);
});
`;

interface DynaliteServer extends Server {
  listeners(event: 'request'): ((req: unknown, res: unknown) => void)[];
}
interface DynaliteStore {
  lifecycleManager: { gracefulClose(cb: (err?: Error | null) => void): void };
}

/**
 * A dynalite server that has not listened, and its store. dynalite closes its LevelDB only in `server.close()`,
 * which fails before it reaches the store when the server never listened; so the store is taken from dynalite's
 * own `db.create` while the server is made (dynalite 4 looks it up on its db module at that moment) and is closed
 * directly, with the same wait for pending operations as `server.close()`.
 */
function openDynalite(path: string | undefined): { server: DynaliteServer; store: DynaliteStore; inflight: Inflight } {
  const dynalite = requireHere('dynalite') as typeof dynaliteFactory;
  const dbModule = requireHere('dynalite/db') as { create: (o: unknown) => DynaliteStore };
  const create = dbModule.create;
  let store: DynaliteStore | undefined;
  dbModule.create = (o) => (store = create(o));
  try {
    const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as DynaliteServer;
    if (!store) throw new Error('dynalite did not create its store through db.create (changed dynalite version?)');
    addTransactions(server);
    const inflight = trackInflight(server);
    return { server, store, inflight };
  } finally {
    dbModule.create = create;
  }
}

interface Inflight {
  /** Resolves once no request is being answered (or after `ms`, for a request that never answers). */
  drained(ms: number): Promise<void>;
}

/**
 * Counts the requests dynalite is answering. Closing the store under one of them makes dynalite throw "Database is
 * closed" from its callback, an uncaught exception that ends the whole process (a jest run with it); so `close()`
 * first refuses new requests, then waits for these to answer, then closes the store.
 */
function trackInflight(server: DynaliteServer): Inflight {
  const original = server.listeners('request')[0]!;
  let count = 0;
  const waiters: (() => void)[] = [];
  server.removeAllListeners('request');
  server.on('request', (req: unknown, res: { end: (...a: unknown[]) => unknown }) => {
    count += 1;
    const end = res.end.bind(res);
    let ended = false;
    res.end = (...a: unknown[]) => {
      if (!ended) {
        ended = true;
        count -= 1;
        if (count === 0) for (const w of waiters.splice(0)) w();
      }
      return end(...a);
    };
    original(req, res);
  });
  return {
    drained: (ms) =>
      count === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, ms);
            waiters.push(() => {
              clearTimeout(timer);
              resolve();
            });
          }),
  };
}

/** Tests only: TransactWriteItems, which dynalite lacks, emulated over its own single-item calls (see the module). */
const TRANSACTIONS_PATH = requireHere.resolve('./dynalite-transactions.cjs');
function addTransactions(server: DynaliteServer): void {
  const { withTransactions } = requireHere(TRANSACTIONS_PATH) as { withTransactions: (l: (req: unknown, res: unknown) => void) => (req: unknown, res: unknown) => void };
  const original = server.listeners('request')[0];
  if (!original) throw new Error('dynalite has no request listener (changed dynalite version?)');
  server.removeAllListeners('request');
  server.on('request', withTransactions(original));
}

interface WireRequest {
  id: number;
  headers: Record<string, string>;
  body: string;
}
interface WireResponse {
  id: number;
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const requestBody = (request: HttpRequest): string => {
  const body: unknown = request.body;
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  // The DynamoDB JSON protocol always sends a string; anything else is a programming error here.
  throw new TypeError('dynalite in-process transport: unsupported request body type');
};

// The SDK recognises a response by its shape (HttpResponse.isInstance); a Uint8Array body is read as-is.
const toResponse = (m: Omit<WireResponse, 'id'>): { response: HttpResponse } => ({
  response: { statusCode: m.statusCode, headers: m.headers, body: Buffer.from(m.body, 'utf8') },
});

abstract class InProcessHandler implements HttpHandler {
  readonly metadata = { handlerProtocol: 'in-process' };
  abstract handle(request: HttpRequest): Promise<{ response: HttpResponse }>;
  destroy(): void {}
}

/** SDK → dynalite in its worker thread, over a MessagePort (no sockets, no HTTP parsing). */
class PortRequestHandler extends InProcessHandler {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (r: { response: HttpResponse }) => void; reject: (e: Error) => void }>();
  private failure: Error | undefined;

  constructor(private readonly port: MessagePort) {
    super();
    port.on('message', (m: WireResponse) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      p.resolve(toResponse(m));
    });
    // No pending call keeps the process alive by itself (as with an idle keep-alive socket).
    port.unref();
  }

  fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  handle(request: HttpRequest): Promise<{ response: HttpResponse }> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    const wire: WireRequest = { id, headers: { ...request.headers }, body: requestBody(request) };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.port.ref();
      this.port.postMessage(wire);
    }).finally(() => {
      if (this.pending.size === 0) this.port.unref();
    }) as Promise<{ response: HttpResponse }>;
  }
}

/** SDK → dynalite's request listener in this thread (no thread, no sockets). */
class DirectRequestHandler extends InProcessHandler {
  private failure: Error | undefined;

  constructor(private readonly listener: (req: unknown, res: unknown) => void) {
    super();
  }

  fail(err: Error): void {
    this.failure ??= err;
  }

  handle(request: HttpRequest): Promise<{ response: HttpResponse }> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve) => {
      const req = Object.assign(new EventEmitter(), { method: 'POST', url: '/', headers: { ...request.headers } });
      const headers: Record<string, string> = {};
      const res = {
        statusCode: 200,
        setHeader(name: string, value: unknown) {
          headers[name.toLowerCase()] = String(value);
        },
        end(body?: string) {
          resolve(toResponse({ statusCode: res.statusCode, headers, body: body ?? '' }));
        },
      };
      const body = requestBody(request);
      this.listener(req, res);
      if (body) req.emit('data', Buffer.from(body, 'utf8'));
      req.emit('end');
    });
  }
}

async function startDynaliteThread(opts: DynaliteOptions): Promise<DynaliteHandle> {
  const dynalitePath = requireHere.resolve('dynalite');
  const dynaliteDbPath = requireHere.resolve('dynalite/db');
  const listen = opts.listen === true;
  const { port1: calls, port2: workerCalls } = new MessageChannel();
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { dynalitePath, dynaliteDbPath, transactionsPath: TRANSACTIONS_PATH, path: opts.path, listen, port: opts.port ?? 0, calls: workerCalls },
    transferList: [workerCalls],
  });
  type Msg = { type: 'listening'; port?: number } | { type: 'error' | 'closed'; message?: string; code?: string };
  const port = await new Promise<number | undefined>((resolve, reject) => {
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
  const requestHandler = new PortRequestHandler(calls);
  worker.on('error', (err) => {
    failed = err;
    requestHandler.fail(err);
    opts.onThreadError?.(err);
  });
  let closed: Promise<void> | undefined;
  return {
    endpoint: port === undefined ? IN_PROCESS_ENDPOINT : `http://127.0.0.1:${port}`,
    ...(port === undefined ? {} : { port }),
    requestHandler,
    eventLoopUtilization: (since) => (since ? worker.performance.eventLoopUtilization(since) : worker.performance.eventLoopUtilization()),
    close() {
      requestHandler.fail(new Error('dynalite is closed'));
      calls.close();
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
  if (opts.path) await mkdir(opts.path, { recursive: true, mode: 0o700 });
  if (opts.thread) return startDynaliteThread(opts);
  const { server, store, inflight } = openDynalite(opts.path);
  let port: number | undefined;
  if (opts.listen) {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      server.once('error', onError);
      server.listen(opts.port ?? 0, '127.0.0.1', () => {
        server.off('error', onError);
        resolve();
      });
    });
    port = (server.address() as AddressInfo).port;
  }
  const requestHandler = new DirectRequestHandler(server.listeners('request')[0] as (req: unknown, res: unknown) => void);
  let closed: Promise<void> | undefined;
  return {
    endpoint: port === undefined ? IN_PROCESS_ENDPOINT : `http://127.0.0.1:${port}`,
    ...(port === undefined ? {} : { port }),
    requestHandler,
    close() {
      requestHandler.fail(new Error('dynalite is closed'));
      closed ??= new Promise<void>((resolve, reject) => {
        const done = (err?: Error | null) => (err ? reject(err) : resolve());
        if (port === undefined) return void inflight.drained(5000).then(() => store.lifecycleManager.gracefulClose(done));
        // SDK clients keep sockets alive; without this the close waits for them to time out.
        server.closeAllConnections?.();
        server.close(done);
      });
      return closed;
    },
  };
}

/**
 * Signs like SigV4 in shape only: the headers dynalite requires (an `AWS4-` Authorization with Credential,
 * SignedHeaders and Signature, and X-Amz-Date), without computing the HMACs that cost a quarter of the SDK's
 * CPU per call. Only for the in-process transport to a dynalite of this process.
 */
const placeholderSigner = {
  sign: async (request: HttpRequest): Promise<HttpRequest> => {
    const now = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
    request.headers['x-amz-date'] = now;
    request.headers.authorization = `AWS4-HMAC-SHA256 Credential=local/${now.slice(0, 8)}/local/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=local`;
    return request;
  },
};

/**
 * A DynamoDB client for local dynalite with dummy credentials (dynalite checks none). Given the handle of a
 * dynalite started in this process, it uses the in-process transport; given an endpoint URL, HTTP.
 */
export function localDynamoClient(target: string | Pick<DynaliteHandle, 'endpoint' | 'requestHandler'>): DynamoDBClient {
  if (typeof target !== 'string') {
    const url = new URL(target.endpoint);
    return new DynamoDBClient({
      endpoint: target.endpoint,
      // One fixed endpoint: skip evaluating the DynamoDB endpoint rule set on every call.
      endpointProvider: () => ({ url }),
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 3,
      requestHandler: target.requestHandler,
      // dynalite checks that a SigV4 Authorization header is there, never the signature: skip the HMACs.
      httpAuthSchemes: [{ schemeId: 'aws.auth#sigv4', identityProvider: (ipc) => ipc.getIdentityProvider('aws.auth#sigv4'), signer: placeholderSigner }],
    });
  }
  return new DynamoDBClient({
    endpoint: target,
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
