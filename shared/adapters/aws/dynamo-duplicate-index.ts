/**
 * DuplicateIndex on the single DynamoDB table (issue 7). One item per index key, holding a string set of
 * `<yyyymmdd>#<caseId>` entries:
 *   LSH band   pk `LSH#<jur>#<band>#<hash>`         sk `LSH`
 *   identity   pk `DUP#<jur>#<PHONE|MAIL|NAME|IDNO>#<hash>` sk `DUP`   (hash = sha256 of the normalised value)
 * A look-up of all keys of one intake (32 bands + a few identities) is one BatchGetItem whatever the table
 * size. Filing is one UpdateItem `ADD` per key (idempotent, no transaction, works on dynalite). An item keeps at
 * most `maxEntriesPerKey` entries, dropping the oldest, so that a boilerplate text or a shared phone cannot grow
 * an item (and the candidates it yields) without bound.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
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
  /** Parallel UpdateItem calls when filing a case (default 8). */
  writeConcurrency?: number;
}

export const duplicateIndexItemKey = (jurisdiction: string, k: IndexKey): { pk: string; sk: string } =>
  k.kind === 'band'
    ? { pk: `${PK_PREFIX.lsh}${jurisdiction}#${k.band}#${k.hash}`, sk: LSH_SK }
    : { pk: `${PK_PREFIX.duplicate}${jurisdiction}#${k.kind.toUpperCase()}#${k.hash}`, sk: DUP_SK };

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

  constructor(opts: DynamoDuplicateIndexOptions) {
    this.doc = opts.doc;
    this.tableName = opts.tableName;
    this.maxEntries = opts.maxEntriesPerKey ?? 200;
    this.concurrency = opts.writeConcurrency ?? 8;
  }

  async lookup(jurisdiction: string, keys: IndexKey[]): Promise<Map<string, IndexEntry[]>> {
    const idByPk = new Map<string, string>();
    for (const k of keys) idByPk.set(duplicateIndexItemKey(jurisdiction, k).pk, indexKeyId(k));
    const all = [...idByPk.keys()].map((pk) => ({ pk, sk: pk.startsWith(PK_PREFIX.lsh) ? LSH_SK : DUP_SK }));
    const out = new Map<string, IndexEntry[]>();
    for (const item of await batchGetAll(this.doc, this.tableName, all, { projection: 'pk, entries', what: 'duplicate index keys' })) {
      const id = idByPk.get(String(item.pk));
      const raw = item.entries as Set<string> | string[] | undefined;
      if (!id || !raw) continue;
      const entries = [...raw].map(decode).filter((e): e is IndexEntry => !!e);
      if (entries.length > 0) out.set(id, entries);
    }
    return out;
  }

  async add(jurisdiction: string, entry: IndexEntry, keys: IndexKey[], opts: { writeConcurrency?: number } = {}): Promise<void> {
    const unique = new Map(keys.map((k) => [duplicateIndexItemKey(jurisdiction, k).pk, k]));
    const queue = [...unique.values()];
    const worker = async (): Promise<void> => {
      for (let k = queue.shift(); k; k = queue.shift()) await this.file(jurisdiction, entry, k);
    };
    await Promise.all(Array.from({ length: Math.min(opts.writeConcurrency ?? this.concurrency, queue.length) }, worker));
  }

  private async file(jurisdiction: string, entry: IndexEntry, k: IndexKey): Promise<void> {
    const Key = duplicateIndexItemKey(jurisdiction, k);
    const res = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key,
        UpdateExpression: 'ADD entries :e SET itemType = :t',
        ExpressionAttributeValues: { ':e': new Set([encodeIndexEntry(entry)]), ':t': k.kind === 'band' ? 'lsh' : 'dup' },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const entries = res.Attributes?.entries as Set<string> | undefined;
    if (!entries || entries.size <= this.maxEntries) return;
    // Entries sort by day: drop the oldest beyond the cap. A concurrent ADD survives (DELETE names exact values).
    const oldest = [...entries].sort().slice(0, entries.size - this.maxEntries);
    await this.doc.send(
      new UpdateCommand({ TableName: this.tableName, Key, UpdateExpression: 'DELETE entries :old', ExpressionAttributeValues: { ':old': new Set(oldest) } }),
    );
  }
}
