/** The report as JSON (stable field names, see EvaluationReport). */
import type { EvaluationReport } from './report';

export function renderJson(report: EvaluationReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
