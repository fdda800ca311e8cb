/**
 * DuplicateIndex on the single DynamoDB table (issue 7). One item per index key, holding a string set of
 * `<yyyymmdd>#<caseId>` entries:
 *   LSH band   pk `LSH#<jur>#<band>#<hash>`         sk `LSH`
 *   identity   pk `DUP#<jur>#<PHONE|MAIL|NAME|IDNO>#<hash>` sk `DUP`   (hash = sha256 of the normalised value)
 * A look-up of all keys of one intake (32 bands + a few identities) is one BatchGetItem whatever the table
 * size. Filing is one TransactWriteItems of `ADD` updates for up to 100 keys (issue 26: a case's 32 bands in one
 * call instead of 32 UpdateItem; idempotent, as ADD to a set is). A transaction that meets another on the same key
 * (TransactionConflict) is sent again with backoff, then filed key by key with UpdateItem. dynalite has no
 * transactions: the tests run it with infra/local/dynalite-transactions.cjs.
 *
 * An item keeps at most `maxEntriesPerKey` entries, the newest, so that a boilerplate text or a shared phone cannot
 * grow an item (and the candidates it yields) without bound: a look-up answers the newest entries only and trims
 * an item it finds over the cap (a transaction returns no values, so filing cannot see the size).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { indexKeyId, type DuplicateIndex, type IndexEntry, type IndexKey } from '../../ports/duplicate-index';
import { PK_PREFIX } from './table';
import { batchGetAll } from './batch';

export const LSH_SK = 'LSH';
export const DUP_SK = 'DUP';

export interface DynamoDuplicateIndexOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** Entries kept per key (default 200); the oldest go first. */
  maxEntriesPerKey?: number;
  /** Parallel UpdateItem calls when a transaction keeps conflicting and keys are filed one by one (default 8). */
  writeConcurrency?: number;
  /** Attempts of a filing transaction that meets TransactionConflict before filing key by key (default 4). */
  transactionAttempts?: number;
}

/** Keys per TransactWriteItems (the service's limit). */
export const TRANSACT_MAX = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Another transaction (or a write inside one) held one of the items: worth sending again. */
const isConflict = (err: unknown): boolean => {
  if (!(err instanceof Error)) return false;
  if (err.name === 'TransactionConflictException' || err.name === 'TransactionInProgressException') return true;
  if (err.name !== 'TransactionCanceledException') return false;
  const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some((r) => r.Code === 'TransactionConflict') && reasons.every((r) => r.Code === 'TransactionConflict' || r.Code === 'None' || r.Code === undefined);
};

export const duplicateIndexItemKey = (jurisdiction: string, k: IndexKey): { pk: string; sk: string } =>
  k.kind === 'band' ? { pk: `${PK_PREFIX.lsh}${jurisdiction}#${k.band}#${k.hash}`, sk: LSH_SK } : { pk: `${PK_PREFIX.duplicate}${jurisdiction}#${k.kind.toUpperCase()}#${k.hash}`, sk: DUP_SK };

/** Set member of an index item: `<yyyymmdd>#<caseId>` (sorts by day, for the cap). */
export const encodeIndexEntry = (e: IndexEntry): string => `${e.day}#${e.caseId}`;
const decode = (s: string): IndexEntry | undefined => {
  const at = s.indexOf('#');
  return at === 8 ? { day: s.slice(0, 8), caseId: s.slice(9) } : undefined;
};

export class DynamoDuplicateIndex implements DuplicateIndex {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly maxEntries: number;
  private readonly concurrency: number;
  private readonly attempts: number;

  constructor(opts: DynamoDuplicateIndexOptions) {
    this.doc = opts.doc;
    this.tableName = opts.tableName;
    this.maxEntries = opts.maxEntriesPerKey ?? 200;
    this.concurrency = opts.writeConcurrency ?? 8;
    this.attempts = opts.transactionAttempts ?? 4;
  }

  async lookup(jurisdiction: string, keys: IndexKey[]): Promise<Map<string, IndexEntry[]>> {
    const idByPk = new Map<string, string>();
    for (const k of keys) idByPk.set(duplicateIndexItemKey(jurisdiction, k).pk, indexKeyId(k));
    const all = [...idByPk.keys()].map((pk) => ({ pk, sk: pk.startsWith(PK_PREFIX.lsh) ? LSH_SK : DUP_SK }));
    const out = new Map<string, IndexEntry[]>();
    const trims: Promise<void>[] = [];
    for (const item of await batchGetAll(this.doc, this.tableName, all, { projection: 'pk, entries', what: 'duplicate index keys' })) {
      const id = idByPk.get(String(item.pk));
      const raw = item.entries as Set<string> | string[] | undefined;
      if (!id || !raw) continue;
      let members = [...raw];
      if (members.length > this.maxEntries) {
        // Entries sort by day: answer the newest, and drop the oldest from the item.
        members.sort();
        const oldest = members.slice(0, members.length - this.maxEntries);
        members = members.slice(members.length - this.maxEntries);
        trims.push(this.trim({ pk: String(item.pk), sk: String(item.pk).startsWith(PK_PREFIX.lsh) ? LSH_SK : DUP_SK }, oldest));
      }
      const entries = members.map(decode).filter((e): e is IndexEntry => !!e);
      if (entries.length > 0) out.set(id, entries);
    }
    await Promise.all(trims);
    return out;
  }

  /** Drops entries beyond the cap; a failure only leaves the item longer (the next look-up trims again). */
  private async trim(Key: { pk: string; sk: string }, oldest: string[]): Promise<void> {
    try {
      // DELETE names exact values: an entry filed meanwhile survives.
      await this.doc.send(new UpdateCommand({ TableName: this.tableName, Key, UpdateExpression: 'DELETE entries :old', ExpressionAttributeValues: { ':old': new Set(oldest) } }));
    } catch {
      // deliberately ignored, see above
    }
  }

  async add(jurisdiction: string, entry: IndexEntry, keys: IndexKey[], opts: { writeConcurrency?: number } = {}): Promise<void> {
    const unique = [...new Map(keys.map((k) => [duplicateIndexItemKey(jurisdiction, k).pk, k])).values()];
    for (let i = 0; i < unique.length; i += TRANSACT_MAX) await this.fileGroup(jurisdiction, entry, unique.slice(i, i + TRANSACT_MAX), opts);
  }

  private update(jurisdiction: string, entry: IndexEntry, k: IndexKey) {
    return {
      TableName: this.tableName,
      Key: duplicateIndexItemKey(jurisdiction, k),
      UpdateExpression: 'ADD entries :e SET itemType = :t',
      ExpressionAttributeValues: { ':e': new Set([encodeIndexEntry(entry)]), ':t': k.kind === 'band' ? 'lsh' : 'dup' },
    };
  }

  private async fileGroup(jurisdiction: string, entry: IndexEntry, group: IndexKey[], opts: { writeConcurrency?: number }): Promise<void> {
    if (group.length === 0) return;
    if (group.length === 1) {
      await this.doc.send(new UpdateCommand(this.update(jurisdiction, entry, group[0]!)));
      return;
    }
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      try {
        await this.doc.send(new TransactWriteCommand({ TransactItems: group.map((k) => ({ Update: this.update(jurisdiction, entry, k) })) }));
        return;
      } catch (err) {
        if (!isConflict(err)) throw err;
        if (attempt < this.attempts) await sleep(10 * 2 ** attempt + Math.floor(Math.random() * 10));
      }
    }
    // Still meeting other filings of the same keys (a boilerplate text filed by many at once): one key at a time.
    const queue = [...group];
    const worker = async (): Promise<void> => {
      for (let k = queue.shift(); k; k = queue.shift()) await this.doc.send(new UpdateCommand(this.update(jurisdiction, entry, k)));
    };
    await Promise.all(Array.from({ length: Math.min(opts.writeConcurrency ?? this.concurrency, queue.length) }, worker));
  }
}
