/**
 * TransactWriteItems for dynalite, TESTS AND BENCHES ONLY (infra/local/dynalite.ts wraps dynalite's request listener
 * with it, in this thread and in the worker). dynalite 4 has no transactions (architect/dynalite#151); the DynamoDB
 * adapters group writes with TransactWriteItems on AWS (docs/data-model.md), so the adapter tests need the call.
 *
 * What it does: the transaction's Put, Update and Delete actions are applied one by one through dynalite's own
 * PutItem / UpdateItem / DeleteItem (so conditions and update expressions are evaluated by dynalite exactly as for
 * single calls); if one fails, the actions already applied are undone from the items' images read before, and the
 * call fails as DynamoDB's does: TransactionCanceledException with one CancellationReason per action
 * (ConditionalCheckFailed for a failed condition). Transactions of one dynalite are serialised with each other.
 *
 * What it does NOT do (limits, not a DynamoDB): it is not isolated from single-item calls running at the same time
 * (they may see a transaction half applied, or interleave with its undo); ConditionCheck actions and
 * ClientRequestToken idempotency are not emulated (ConditionCheck is refused loudly with a ValidationException).
 * The runtime never uses this: it stores in SQLite.
 */
'use strict';
// CommonJS on purpose: the dynalite worker (infra/local/dynalite.ts) loads it with require.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { EventEmitter } = require('node:events');

const TARGET_PREFIX = 'DynamoDB_20120810.';
const MAX_ACTIONS = 100;

/** Calls dynalite's listener with one JSON request; resolves with { statusCode, body (parsed) }. */
function call(listener, headers, operation, input) {
  return new Promise((resolve) => {
    const body = JSON.stringify(input);
    const req = new EventEmitter();
    req.method = 'POST';
    req.url = '/';
    req.headers = { ...headers, 'x-amz-target': TARGET_PREFIX + operation, 'content-length': String(Buffer.byteLength(body)) };
    const res = {
      statusCode: 200,
      setHeader() {},
      end(out) {
        let parsed;
        try {
          parsed = out ? JSON.parse(String(out)) : {};
        } catch {
          parsed = { __type: 'InternalFailure', message: String(out) };
        }
        resolve({ statusCode: res.statusCode, body: parsed });
      },
    };
    listener(req, res);
    req.emit('data', Buffer.from(body, 'utf8'));
    req.emit('end');
  });
}

const errorType = (body) =>
  String(body.__type || '')
    .split('#')
    .pop();

function failure(type, message, extra) {
  return { statusCode: 400, body: { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message, ...(extra || {}) } };
}

async function keySchema(listener, headers, cache, table) {
  if (!cache.has(table)) {
    const out = await call(listener, headers, 'DescribeTable', { TableName: table });
    if (out.statusCode !== 200) return undefined;
    cache.set(
      table,
      out.body.Table.KeySchema.map((k) => k.AttributeName),
    );
  }
  return cache.get(table);
}

async function transact(listener, headers, raw, schemas) {
  let input;
  try {
    input = JSON.parse(raw);
  } catch {
    return failure('SerializationException', 'Start of structure or map found where not expected');
  }
  const items = Array.isArray(input.TransactItems) ? input.TransactItems : [];
  if (items.length < 1 || items.length > MAX_ACTIONS) {
    return failure('ValidationException', `1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length between 1 and ${MAX_ACTIONS}`);
  }
  const actions = [];
  const seen = new Set();
  for (const it of items) {
    const kinds = Object.keys(it).filter((k) => it[k]);
    if (kinds.length !== 1) return failure('ValidationException', 'TransactItems can only contain one of ConditionCheck, Put, Update or Delete');
    const kind = kinds[0];
    if (kind === 'ConditionCheck') return failure('ValidationException', 'ConditionCheck is not emulated on dynalite (infra/local/dynalite-transactions.cjs)');
    const a = it[kind];
    const names = await keySchema(listener, headers, schemas, a.TableName);
    if (!names) return failure('ResourceNotFoundException', 'Requested resource not found');
    const source = kind === 'Put' ? a.Item : a.Key;
    const Key = {};
    for (const n of names) Key[n] = source && source[n];
    const id = `${a.TableName}\u0000${JSON.stringify(Key)}`;
    if (seen.has(id)) return failure('ValidationException', 'Transaction request cannot include multiple operations on one item');
    seen.add(id);
    actions.push({ kind, input: a, table: a.TableName, Key });
  }
  // Images before, for the undo.
  for (const a of actions) {
    const out = await call(listener, headers, 'GetItem', { TableName: a.table, Key: a.Key, ConsistentRead: true });
    if (out.statusCode !== 200) return out;
    a.before = out.body.Item;
  }
  const wantCapacity = input.ReturnConsumedCapacity && input.ReturnConsumedCapacity !== 'NONE';
  const capacity = new Map();
  const applied = [];
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i];
    const op = a.kind === 'Put' ? 'PutItem' : a.kind === 'Update' ? 'UpdateItem' : 'DeleteItem';
    const { ReturnValuesOnConditionCheckFailure: _ignored, ...rest } = a.input;
    const out = await call(listener, headers, op, { ...rest, ...(wantCapacity ? { ReturnConsumedCapacity: 'TOTAL' } : {}) });
    if (out.statusCode === 200) {
      applied.push(a);
      const units = (out.body.ConsumedCapacity && out.body.ConsumedCapacity.CapacityUnits) || 0;
      capacity.set(a.table, (capacity.get(a.table) || 0) + 2 * units); // transactional writes cost two units
      continue;
    }
    // Undo in reverse order, then fail the whole call as DynamoDB does.
    for (const done of applied.reverse()) {
      if (done.before) await call(listener, headers, 'PutItem', { TableName: done.table, Item: done.before });
      else await call(listener, headers, 'DeleteItem', { TableName: done.table, Key: done.Key });
    }
    const type = errorType(out.body);
    if (type !== 'ConditionalCheckFailedException') return out;
    const reasons = actions.map((_, j) => (j === i ? { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' } : { Code: 'None' }));
    return failure('TransactionCanceledException', `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`, {
      CancellationReasons: reasons,
    });
  }
  const body = wantCapacity ? { ConsumedCapacity: [...capacity].map(([TableName, CapacityUnits]) => ({ TableName, CapacityUnits, WriteCapacityUnits: CapacityUnits })) } : {};
  return { statusCode: 200, body };
}

/** dynalite's request listener with TransactWriteItems added (every other call goes straight through). */
function withTransactions(listener) {
  let queue = Promise.resolve();
  const schemas = new Map();
  return function transactionsListener(req, res) {
    if (req.headers['x-amz-target'] !== `${TARGET_PREFIX}TransactWriteItems`) return listener(req, res);
    const chunks = [];
    req.on('data', (c) => chunks.push(Buffer.from(c)));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const run = queue.then(() => transact(listener, req.headers, raw, schemas));
      queue = run.then(
        () => undefined,
        () => undefined,
      );
      run.then(
        (out) => {
          res.statusCode = out.statusCode;
          res.setHeader('content-type', 'application/x-amz-json-1.0');
          res.end(JSON.stringify(out.body));
        },
        (err) => {
          res.statusCode = 500;
          res.setHeader('content-type', 'application/x-amz-json-1.0');
          res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalFailure', message: String(err && err.message) }));
        },
      );
    });
  };
}

module.exports = { withTransactions };
