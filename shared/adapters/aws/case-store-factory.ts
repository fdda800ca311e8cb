/**
 * The one way to build the production CaseStore: the DynamoDB adapter recording the evaluation facts (art. 17,
 * art. 20) in the transaction of every case write (issue 26: before, an EvaluationRecordingStore around it wrote
 * them with a BatchWriteItem of their own after each write). Used by every Lambda.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CaseStore } from '../../ports';
import { consoleJsonLogger } from '../local/console-logger';
import { DynamoCaseStore } from './dynamo-case-store';

export interface CaseStoreFactoryOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** Receives the case id of a case whose evaluation facts could not be written (no personal data). */
  onFactError?: (caseId: string, error: unknown) => void;
}

export function createCaseStore(opts: CaseStoreFactoryOptions): CaseStore {
  return new DynamoCaseStore({
    doc: opts.doc,
    tableName: opts.tableName,
    facts: true,
    onFactError: opts.onFactError ?? ((caseId, error) => consoleJsonLogger.error('evaluation facts not written', { caseId, error: error instanceof Error ? error.name : 'unknown' })),
  });
}
