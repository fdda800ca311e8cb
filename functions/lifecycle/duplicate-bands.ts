/**
 * The screening task's share of duplicate matching (shared/services/duplicates.ts, `IndexPart`): it files the
 * case's 32 LSH bands in the duplicate index before the case leaves 'received'. The identity keys are the
 * intake's, filed once before the case is created, so they are not written again here (issue 26).
 * Imported by screen-case only.
 */
import { DynamoDuplicateIndex } from '../../shared/adapters/aws/dynamo-duplicate-index';
import { createDuplicateCheck } from '../../shared/services/duplicates';
import type { LifecycleRuntimeOptions } from './runtime';

export const indexBandsForDuplicates: NonNullable<LifecycleRuntimeOptions['indexForDuplicates']> = ({ doc, tableName, store, jurisdiction }) => {
  const duplicates = createDuplicateCheck({ index: new DynamoDuplicateIndex({ doc, tableName }), store, departments: jurisdiction.departments, rules: jurisdiction.duplicateMatching });
  return (c) => duplicates.indexCase(c, 'bands');
};
