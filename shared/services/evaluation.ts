/**
 * Evaluation service (art. 17, art. 20; docs/evaluation.md).
 *
 * - `recordFacts(deps, before, after)`: call after every successful case write (intake create: before =
 *   undefined; staff actions, workflow tasks: the record before and after the write). It derives the
 *   evaluation facts of the transition and writes them into the quarter partitions. Idempotent: call it
 *   again with the same records (a retry) and it writes the same items. Calling it for a transition that
 *   changed nothing relevant is harmless.
 * - `buildQuarterReport(deps, jurisdiction, quarter)`: the report of one Shanghai quarter, read from that
 *   quarter's facts only. For the CLI, the scheduled Lambda and the console.
 */
import type { CaseRecord } from '../domain/case';
import { deriveFacts, retractedFacts } from '../domain/evaluation/facts';
import type { EvaluationFact, FactKey } from '../domain/evaluation/facts';
import { parseQuarter, quarterRange } from '../domain/evaluation/quarter';
import { buildEvaluationReport } from '../domain/evaluation/report';
import type { EvaluationReport, JurisdictionRef } from '../domain/evaluation/report';
import type { RulesRegistry, RulesVersion } from '../domain/rules';
import type { Clock } from '../ports';
import type { EvaluationFactStore } from '../ports/evaluation-facts';

export interface RecordFactsDeps {
  facts: EvaluationFactStore;
}

export interface RecordedFacts {
  written: EvaluationFact[];
  removed: FactKey[];
}

/**
 * Writes the evaluation facts of one case transition. `before` is the record before the write (undefined for
 * a new case), `after` the record as written. Record-derived facts are rewritten every time (so a later call
 * repairs one an earlier call missed); overdue marks are never removed.
 */
export async function recordFacts(deps: RecordFactsDeps, before: CaseRecord | undefined, after: CaseRecord): Promise<RecordedFacts> {
  const written = deriveFacts(before, after);
  const removed = retractedFacts(before, after);
  await deps.facts.put(written);
  if (removed.length > 0) await deps.facts.remove(removed);
  return { written, removed };
}

export interface QuarterReportDeps {
  facts: EvaluationFactStore;
  rules: RulesRegistry;
  clock: Clock;
}

/** The rules version that judges a quarter: the jurisdiction's pinned one, else the one in force on its last day. */
export function rulesForQuarter(rules: RulesRegistry, jurisdiction: JurisdictionRef, quarter: string): RulesVersion {
  if (jurisdiction.rulesVersion) return rules.byId(jurisdiction.rulesVersion);
  return rules.inForceOn(quarterRange(quarter).lastDay).version;
}

/** Builds the art. 20 / art. 17 report of one jurisdiction and Shanghai quarter (`YYYYQn`). */
export async function buildQuarterReport(deps: QuarterReportDeps, jurisdiction: JurisdictionRef | string, quarter: string): Promise<EvaluationReport> {
  parseQuarter(quarter);
  const ref: JurisdictionRef = typeof jurisdiction === 'string' ? { code: jurisdiction } : jurisdiction;
  const { facts, itemsRead, skipped } = await deps.facts.quarter(ref.code, quarter);
  const report = buildEvaluationReport({
    jurisdiction: ref,
    quarter,
    facts,
    rules: rulesForQuarter(deps.rules, ref, quarter),
    generatedAt: deps.clock.now().toISOString(),
    itemsRead,
  });
  if (skipped.length > 0) {
    report.notes.push(
      `有 ${skipped.length} 条考评数据格式错误，未计入本报告（${skipped
        .slice(0, 5)
        .map((s) => s.id)
        .join('、')}${skipped.length > 5 ? ' 等' : ''}），请联系管理员核查。`,
    );
  }
  return report;
}
