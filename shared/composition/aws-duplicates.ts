/**
 * Duplicate matching (art. 11) for the AWS composition (./aws.ts): the intakes check and file the identity keys,
 * the screening task files the text's LSH bands. A module of its own so that the other task bundles do not carry
 * the fingerprinting code. The matcher's options are the embedded runtime's (./duplicate-matching.ts).
 */
import { DynamoDuplicateIndex } from '../adapters/aws/dynamo-duplicate-index';
import { createDuplicateCheck } from '../services/duplicates';
import type { DuplicateChecker } from '../services/duplicates';
import type { AwsPartContext } from './aws';
import { duplicateMatcherOptions } from './duplicate-matching';

export function dynamoDuplicates({ env, doc, store, jurisdiction }: AwsPartContext): DuplicateChecker {
  return createDuplicateCheck({ index: new DynamoDuplicateIndex({ doc, tableName: env.TABLE_NAME }), store, ...duplicateMatcherOptions(jurisdiction) });
}
