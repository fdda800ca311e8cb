/**
 * Evaluation and analysis (art. 17, art. 20): facts derived from case transitions, the quarterly report built
 * from one quarter's facts, and its renderings (JSON, CSV for Excel, self-contained HTML). Pure.
 */
export * from './quarter';
export * from './topics';
export * from './facts';
export * from './report';
export { renderJson } from './render-json';
export { renderCsv } from './render-csv';
export { renderHtml, barChart, rateChart } from './render-html';
export type { BarItem } from './render-html';

export const REPORT_FORMATS = ['json', 'csv', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

import type { EvaluationReport } from './report';
import { renderJson as json } from './render-json';
import { renderCsv as csv } from './render-csv';
import { renderHtml as html } from './render-html';

export const REPORT_MEDIA: Record<ReportFormat, { contentType: string; extension: string }> = {
  json: { contentType: 'application/json; charset=utf-8', extension: 'json' },
  csv: { contentType: 'text/csv; charset=utf-8', extension: 'csv' },
  html: { contentType: 'text/html; charset=utf-8', extension: 'html' },
};

export function renderReport(report: EvaluationReport, format: ReportFormat): string {
  return format === 'csv' ? csv(report) : format === 'html' ? html(report) : json(report);
}
