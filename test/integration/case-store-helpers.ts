/** Shared set-up for the CaseStore integration tests: dynalite on disk, a fresh table per test, case fixtures. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CaseRecord } from '../../shared/domain/case';
import type { NewEvent } from '../../shared/ports';
import { DynamoCaseStore } from '../../shared/adapters/aws/dynamo-case-store';
import { documentClient, ensureTable, localDynamoClient, startDynalite } from '../../infra/local/dynalite';
import type { DynaliteHandle } from '../../infra/local/dynalite';

export interface Harness {
  dir: string;
  dynalite: DynaliteHandle;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  /** A new, empty table and a store on it. */
  freshStore(): Promise<{ store: DynamoCaseStore; tableName: string }>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'tousu-casestore-'));
  const h: Harness = {
    dir,
    dynalite: await startDynalite({ path: dir }),
    client: undefined as unknown as DynamoDBClient,
    doc: undefined as unknown as DynamoDBDocumentClient,
    async freshStore() {
      const tableName = `t${randomUUID().slice(0, 8)}`;
      await ensureTable(h.client, tableName);
      return { store: new DynamoCaseStore({ doc: h.doc, tableName }), tableName };
    },
    async restart() {
      h.client.destroy();
      await h.dynalite.close();
      h.dynalite = await startDynalite({ path: dir });
      connect();
    },
    async stop() {
      h.client.destroy();
      await h.dynalite.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  const connect = () => {
    h.client = localDynamoClient(h.dynalite);
    h.doc = documentClient(h.client);
  };
  connect();
  return h;
}

export function makeCase(overrides: Partial<CaseRecord> = {}): CaseRecord {
  const caseId = overrides.caseId ?? `510903-20261127-${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}${randomUUID().slice(0, 4)}`;
  const receivedAt = overrides.receivedAt ?? '2026-11-27T09:30:00+08:00';
  return {
    caseId,
    jurisdiction: '510903',
    trackingNo: caseId,
    queryCodeHash: 'a'.repeat(64),
    rulesVersion: 'suining-2023',
    receivedAt,
    createdAt: receivedAt,
    updatedAt: receivedAt,
    version: 0,
    phase: 'received',
    intake: {
      channel: 'web',
      sourceKey: `web:${caseId}`,
      receivedAt,
      receivedBy: 'agency',
      complainant: { name: '张三', phone: '13800000000', anonymous: false, wantsReply: true, confidential: false },
      respondent: { unit: '船山区市场监督管理局' },
      matter: '办理营业执照变更登记时被多次要求补交同一材料。',
      evidence: [],
    },
    sources: [{ channel: 'web', sourceKey: `web:${caseId}`, receivedAt }],
    assignments: [],
    deadlines: [],
    flags: { confidential: false, anonymous: false },
    timelineLength: 0,
    ...overrides,
  };
}

export function makeEvent(type: string, overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    at: '2026-11-27T09:30:00+08:00',
    type,
    actor: { role: 'system', id: 'tousu' },
    phase: 'received',
    summary: `事件：${type}`,
    ...overrides,
  };
}
