/**
 * What duplicate matching (art. 11, issue 22) is given, the same on both runtimes: the embedded composition
 * (infra/local/composition.ts) and the AWS one (./aws-duplicates.ts) both take their options from here, so that
 * a case merged on one would be merged on the other. The department directory and the jurisdiction's thresholds,
 * the service catalogue's items, halls and the counties (evidence that pins a matter down), and the words of the
 * text by jieba's dictionary in plain JavaScript (shared/text/dictionary-tokens.ts; no native module on Lambda).
 */
import { duplicateEvidenceFor } from '../config/catalogue';
import type { JurisdictionConfig } from '../domain/jurisdiction';
import type { DuplicateServiceDeps } from '../services/duplicates';
import { dictionaryWordTokens } from '../text/dictionary-tokens';

export type DuplicateMatcherOptions = Pick<DuplicateServiceDeps, 'departments' | 'services' | 'halls' | 'places' | 'tokenize' | 'rules'>;

export function duplicateMatcherOptions(jurisdiction: JurisdictionConfig, jurisdictionDir?: string): DuplicateMatcherOptions {
  return { departments: jurisdiction.departments, ...duplicateEvidenceFor(jurisdiction, jurisdictionDir), tokenize: dictionaryWordTokens, rules: jurisdiction.duplicateMatching };
}
