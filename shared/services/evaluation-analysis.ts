/**
 * The periodic analysis of art. 17 (shared/domain/evaluation/analysis.ts) as a use case: the quarters' facts read
 * one partition each, the report built and rendered. Its own module so that a Lambda loads it on the first request.
 */
import { buildAnalysis } from '../domain/evaluation/analysis';
import type { AnalysisReport } from '../domain/evaluation/analysis';
import { renderAnalysisCsv, renderAnalysisHtml } from '../domain/evaluation/analysis-render';
import { DEFAULT_CAUSE_CATEGORIES } from '../domain/evaluation/causes';
import type { CauseCategory } from '../domain/evaluation/causes';
import { parseQuarter, previousQuarter } from '../domain/evaluation/quarter';
import type { JurisdictionRef } from '../domain/evaluation/report';
import type { QuarterReportDeps } from './evaluation';

export { renderAnalysisCsv, renderAnalysisHtml };

/** Quarters an analysis shows by default: the quarter and the three before it (a year of trend). */
export const ANALYSIS_QUARTERS = 4;

/**
 * The art. 17 analysis of a quarter with the quarters before it (`span` in all, oldest first): one partition read
 * per quarter, never a scan of cases.
 */
export async function buildAnalysisReport(
  deps: Pick<QuarterReportDeps, 'facts' | 'clock'>,
  jurisdiction: JurisdictionRef & { analysis?: { causeCategories?: CauseCategory[] } },
  quarter: string,
  span = ANALYSIS_QUARTERS,
): Promise<AnalysisReport> {
  parseQuarter(quarter);
  const list = [quarter];
  while (list.length < Math.max(1, Math.min(span, 12))) list.unshift(previousQuarter(list[0]!));
  const quarters = [];
  for (const q of list) quarters.push({ quarter: q, facts: (await deps.facts.quarter(jurisdiction.code, q)).facts });
  return buildAnalysis({ jurisdiction, quarters, categories: jurisdiction.analysis?.causeCategories ?? DEFAULT_CAUSE_CATEGORIES, generatedAt: deps.clock.now().toISOString() });
}
