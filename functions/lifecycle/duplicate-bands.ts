/**
 * The screening task's share of duplicate matching (shared/services/duplicates.ts, `IndexPart`): it files the
 * case's 32 LSH bands in the duplicate index before the case leaves 'received', and its identity keys again
 * (the intake filed them; idempotent, so a case whose intake stopped between create and filing, and that the
 * reconciler started later, is filed completely). Imported by screen-case only.
 */
import { DynamoDuplicateIndex } from '../../shared/adapters/aws/dynamo-duplicate-index';
import { createDuplicateCheck } from '../../shared/services/duplicates';
import type { LifecycleRuntimeOptions } from './runtime';

export const indexBandsForDuplicates: NonNullable<LifecycleRuntimeOptions['indexForDuplicates']> = ({ doc, tableName, store, jurisdiction }) => {
  const duplicates = createDuplicateCheck({ index: new DynamoDuplicateIndex({ doc, tableName }), store, departments: jurisdiction.departments });
  return (c) => duplicates.indexCase(c, 'all');
};
