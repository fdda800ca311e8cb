/**
 * The single DynamoDB table, as data. The CDK Data construct, the dynalite harness and the tests all build the
 * table from these constants, so the three never drift. The design is documented in docs/data-model.md.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

// ---------------------------------------------------------------------------------------------- schema

export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';

/** Generic global secondary indexes; what each one means is decided per item type (docs/data-model.md). */
export const GSI = {
  /** Phase queue: `JUR#<jur>#PHASE#<phase>` / `<dueAt|9999>#<caseId>`. */
  phaseQueue: { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /** Department queue (owner on the case item, other departments on DEPTLINK items): `DEPT#<jur>#<dept>` / `<dueAt|9999>#<caseId>`. */
  departmentQueue: { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  /** All cases of a jurisdiction by receipt: `JUR#<jur>` / `<receivedAt UTC>#<caseId>`. */
  jurisdictionByReceipt: { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
} as const;

export interface GsiDefinition {
  indexName: string;
  partitionKey: string;
  sortKey: string;
}

/** The three GSIs in index order (gsi1, gsi2, gsi3), all with projection ALL. */
export const TABLE_GSIS: readonly GsiDefinition[] = [GSI.phaseQueue, GSI.departmentQueue, GSI.jurisdictionByReceipt];

/** Every key attribute of the table and its indexes; all are strings. */
export const KEY_ATTRIBUTES: readonly string[] = [PARTITION_KEY, SORT_KEY, ...TABLE_GSIS.flatMap((g) => [g.partitionKey, g.sortKey])];

export const BILLING_MODE = 'PAY_PER_REQUEST' as const;

/**
 * TTL attribute (epoch seconds) for item types that expire (reserved; set by the CDK table, ignored by dynalite,
 * which lacks UpdateTimeToLive). No case, event, audit or claim item ever carries it.
 */
export const TTL_ATTRIBUTE = 'expiresAt';

/** CreateTable input for dynalite and tests. The CDK construct builds the same shape from the constants above. */
export function tableCreateInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: BILLING_MODE,
    AttributeDefinitions: KEY_ATTRIBUTES.map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
      { AttributeName: SORT_KEY, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: TABLE_GSIS.map((g) => ({
      IndexName: g.indexName,
      KeySchema: [
        { AttributeName: g.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: g.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
  };
}

// ---------------------------------------------------------------------------------------------- key prefixes

/**
 * Reserved partition-key prefixes. Each owner builds its own keys under its prefix; nobody else writes there.
 * The CaseStore owns CASE#, SRC# and SEQ#; the others are reserved for the engineers named in docs/data-model.md.
 */
export const PK_PREFIX = {
  case: 'CASE#',
  source: 'SRC#',
  counter: 'SEQ#',
  quarantine: 'QUAR#',
  lsh: 'LSH#',
  duplicate: 'DUP#',
  evaluation: 'EVAL#',
  /** Art. 20 decisions: `EVALDEC#<jurisdiction>#<YYYYQn>` / `<decision id>`. */
  evaluationDecision: 'EVALDEC#',
  deadLetter: 'DLQ#',
  user: 'USER#',
  outbox: 'OUTBOX#',
  /** Imported State Council holiday notices: `CAL#<jurisdiction>` / `YEAR#<yyyy>`. */
  calendar: 'CAL#',
} as const;

/** Sort keys / sort-key prefixes under `CASE#<caseId>`. */
export const CASE_SK = {
  case: 'CASE',
  event: 'EVT#',
  audit: 'AUDIT#',
  deptLink: 'DEPTLINK#',
} as const;

export const SOURCE_SK = 'SRC';
export const COUNTER_SK = 'SEQ';

/** Width of the zero-padded event sequence in `EVT#<seq>` (sorts correctly up to 99,999,999 events per case). */
export const EVENT_SEQ_WIDTH = 8;

/** Sort-key stand-in for "no due date": sorts after every ISO instant, so undated cases come last. */
export const NO_DUE = '9999';

export interface TableKey {
  pk: string;
  sk: string;
}

export const caseKey = (caseId: string): TableKey => ({ pk: `${PK_PREFIX.case}${caseId}`, sk: CASE_SK.case });

export const padSeq = (seq: number): string => {
  if (!Number.isInteger(seq) || seq < 1) throw new RangeError(`event seq must be a positive integer, got ${seq}`);
  return String(seq).padStart(EVENT_SEQ_WIDTH, '0');
};

export const eventKey = (caseId: string, seq: number): TableKey => ({ pk: `${PK_PREFIX.case}${caseId}`, sk: `${CASE_SK.event}${padSeq(seq)}` });

/** Audit entries sort by time (normalised to UTC so that offsets do not disturb the order), then by a uuid. */
export const auditKey = (caseId: string, at: string, entryId: string): TableKey => ({
  pk: `${PK_PREFIX.case}${caseId}`,
  sk: `${CASE_SK.audit}${toSortableInstant(at)}#${entryId}`,
});

/** Pointer item that makes a case visible in another department's queue (lead unit, co-handlers). */
export const deptLinkKey = (caseId: string, department: string): TableKey => ({
  pk: `${PK_PREFIX.case}${caseId}`,
  sk: `${CASE_SK.deptLink}${department}`,
});

/** Idempotency claim of one delivery (Message-ID, object key + ETag, form key, work-order number). */
export const sourceKey = (deliverySourceKey: string): TableKey => ({ pk: `${PK_PREFIX.source}${deliverySourceKey}`, sk: SOURCE_SK });

/** Atomic counter `SEQ#<name>`, e.g. `counterKey('TRACK#510903#20261127')`. */
export const counterKey = (name: string): TableKey => ({ pk: `${PK_PREFIX.counter}${name}`, sk: COUNTER_SK });

/** Counter of 受理编号 for one jurisdiction and Shanghai day (`yyyymmdd`). */
export const trackingCounterKey = (jurisdiction: string, yyyymmdd: string): TableKey => counterKey(`TRACK#${jurisdiction}#${yyyymmdd}`);

// ---------------------------------------------------------------------------------------------- index keys

/** ISO instant normalised to UTC with milliseconds (`2026-01-05T15:59:59.000Z`) so that string order is time order. */
export function toSortableInstant(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO instant: ${iso}`);
  return new Date(ms).toISOString();
}

export const phaseQueuePk = (jurisdiction: string, phase: string): string => `JUR#${jurisdiction}#PHASE#${phase}`;
export const departmentQueuePk = (jurisdiction: string, department: string): string => `DEPT#${jurisdiction}#${department}`;
export const jurisdictionPk = (jurisdiction: string): string => `JUR#${jurisdiction}`;

/** `<dueAt UTC | 9999>#<caseId>`: queues sort by what is due first. */
export const dueSortKey = (dueAt: string | undefined, caseId: string): string => `${dueAt ? toSortableInstant(dueAt) : NO_DUE}#${caseId}`;

export const receiptSortKey = (receivedAt: string, caseId: string): string => `${toSortableInstant(receivedAt)}#${caseId}`;
