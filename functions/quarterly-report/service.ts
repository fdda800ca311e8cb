/**
 * The scheduled quarterly report (art. 20): builds the report of the quarter that just ended and mails it to
 * the agency's contacts with the CSV (Excel), the HTML page and the JSON attached. Mailed once per quarter: a
 * retried or repeated schedule finds the "sent" mark and does not mail again (unless `force`).
 */
import * as z from 'zod';
import { REPORT_MEDIA, lastCompletedQuarter, renderCsv, renderHtml, renderJson } from '../../shared/domain/evaluation';
import type { EvaluationReport } from '../../shared/domain/evaluation';
import type { JurisdictionConfig } from '../../shared/domain/jurisdiction';
import type { RulesRegistry } from '../../shared/domain/rules';
import type { Clock, MailSender, OutgoingMail } from '../../shared/ports';
import type { EvaluationFactStore } from '../../shared/ports/evaluation-facts';
import { buildQuarterReport } from '../../shared/services/evaluation';
import type { EvaluationDecisionStore } from '../../shared/ports/evaluation-decisions';

/** The scheduler's input (EventBridge Scheduler `Input`); empty = the last completed quarter. */
export const QuarterlyReportInput = z
  .object({
    quarter: z
      .string()
      .regex(/^\d{4}Q[1-4]$/, '季度应为 YYYYQn 格式')
      .optional(),
    force: z.boolean().optional(),
  })
  .loose();
export type QuarterlyReportInput = z.infer<typeof QuarterlyReportInput>;

export interface QuarterlyReportDeps {
  facts: EvaluationFactStore;
  rules: RulesRegistry;
  clock: Clock;
  mail: MailSender;
  jurisdiction: JurisdictionConfig;
  /** Where the art. 20 decisions are recorded; with it, the run also decides and notifies the units. */
  decisions?: EvaluationDecisionStore;
}

export interface QuarterlyReportResult {
  quarter: string;
  sent: boolean;
  messageId?: string;
  alreadySentAt?: string;
  ineligibleUnits: number;
  ineligiblePersons: number;
  factsUsed: number;
  /** Decisions made or changed by this run (with `decisions`). */
  decisionsChanged?: number;
}

export function reportMail(report: EvaluationReport, jurisdiction: JurisdictionConfig): OutgoingMail {
  const lostUnits = report.respondents.units.filter((r) => !r.eligible);
  const lostPersons = report.respondents.persons.filter((r) => !r.eligible);
  const base = `${jurisdiction.code}-${report.quarter}-投诉考评`;
  const lines = [
    `${jurisdiction.agency.name}：`,
    '',
    `附件为${report.title}，统计期间 ${report.period.firstDay} 至 ${report.period.lastDay}（北京时间）。`,
    `本季度收到投诉 ${report.totals.received} 件，办结 ${report.totals.concluded} 件，回访 ${report.totals.followUps} 件。`,
    lostUnits.length + lostPersons.length === 0
      ? '依照第二十条，本季度没有应取消评优评先资格的被投诉单位或人员。'
      : `依照第二十条，本季度应取消评优评先资格的被投诉单位 ${lostUnits.length} 个、人员 ${lostPersons.length} 名：`,
    ...lostUnits.map((r) => `  · ${r.name}：${r.reasons.join('；')}`),
    ...lostPersons.map((r) => `  · ${r.name}（${r.unitName ?? ''}）：${r.reasons.join('；')}`),
    '',
    '附件：CSV（可用 Excel 打开）、HTML（含图表，可直接用浏览器打开或打印）、JSON（供系统对接）。',
    '本邮件由政务服务投诉处理系统按季度自动发送。',
  ];
  return {
    from: jurisdiction.mail.from,
    to: jurisdiction.agency.contacts.map((c) => c.email),
    subject: `【季度考评】${report.title}`,
    text: lines.join('\n'),
    attachments: [
      { filename: `${base}.csv`, contentType: REPORT_MEDIA.csv.contentType, content: renderCsv(report) },
      { filename: `${base}.html`, contentType: REPORT_MEDIA.html.contentType, content: renderHtml(report) },
      { filename: `${base}.json`, contentType: REPORT_MEDIA.json.contentType, content: renderJson(report) },
    ],
    tags: { kind: 'quarterly_evaluation' },
  };
}

export async function sendQuarterlyReport(deps: QuarterlyReportDeps, input: QuarterlyReportInput = {}): Promise<QuarterlyReportResult> {
  const quarter = input.quarter ?? lastCompletedQuarter(deps.clock.now());
  const code = deps.jurisdiction.code;
  const previous = input.force ? undefined : await deps.facts.reportSent(code, quarter);
  const report = await buildQuarterReport(deps, deps.jurisdiction, quarter);
  const summary = {
    quarter,
    ineligibleUnits: report.respondents.units.filter((r) => !r.eligible).length,
    ineligiblePersons: report.respondents.persons.filter((r) => !r.eligible).length,
    factsUsed: report.factsUsed,
  };
  // Art. 20: the ineligible respondents become recorded decisions, each notified to its unit. A repeated run
  // changes nothing that did not change, so it runs even when the report was mailed before.
  // The decision use case is a chunk of its own, loaded at the run (bundle size at init).
  const decide = deps.decisions ? (await import('../../shared/services/evaluation-decisions')).evaluateQuarterDecisions : undefined;
  const decided = decide && deps.decisions ? { decisionsChanged: (await decide({ ...deps, decisions: deps.decisions }, quarter)).changed } : {};
  if (previous) return { ...summary, ...decided, sent: false, alreadySentAt: previous.at, messageId: previous.messageId };
  // Mail first, then mark: a crash in between mails twice rather than never.
  const { messageId } = await deps.mail.send(reportMail(report, deps.jurisdiction));
  await deps.facts.markReportSent(code, quarter, deps.clock.now().toISOString(), messageId);
  return { ...summary, ...decided, sent: true, messageId };
}
