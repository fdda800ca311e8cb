/**
 * The one way to build the production CaseStore: the DynamoDB adapter wrapped so that evaluation facts
 * (art. 17, art. 20) are recorded with every case write. Used by every Lambda and by the embedded runtime.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CaseStore } from '../../ports';
import { consoleJsonLogger } from '../local/console-logger';
import { EvaluationRecordingStore } from '../../services/evaluation-store';
import { DynamoCaseStore } from './dynamo-case-store';
import { DynamoEvaluationFactStore } from './dynamo-evaluation-facts';

export interface CaseStoreFactoryOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** Receives the case id of a case whose evaluation facts could not be written (no personal data). */
  onFactError?: (caseId: string, error: unknown) => void;
}

export function createCaseStore(opts: CaseStoreFactoryOptions): CaseStore {
  const inner = new DynamoCaseStore({ doc: opts.doc, tableName: opts.tableName });
  const facts = new DynamoEvaluationFactStore({ doc: opts.doc, tableName: opts.tableName });
  return new EvaluationRecordingStore(inner, {
    facts,
    onError:
      opts.onFactError ?? ((caseId, error) => consoleJsonLogger.error('evaluation facts not written', { caseId, error: error instanceof Error ? error.name : 'unknown' })),
  });
}
