/**
 * The quarterly evaluation report (art. 20) and periodic analysis (art. 17) in the staff API (issue 10, item 3):
 *
 *   GET /api/reports/evaluation?quarter=YYYYQn&format=json|csv|html
 *
 * For the agency and leaders only (401 without a valid token, 403 for every other role). `quarter` defaults to
 * the last completed Asia/Shanghai quarter on the deployment's clock; a malformed or not yet begun quarter is a
 * 400 with a Chinese message. The report is built from that quarter's evaluation facts only
 * (shared/services/evaluation.ts buildQuarterReport: one Query of one partition, never a scan of cases).
 *
 * - JSON: the EvaluationReport object.
 * - CSV: a download (Content-Disposition: attachment), UTF-8 with BOM and CRLF as renderReport writes it.
 * - HTML: one self-contained page (inline CSS, inline SVG, no script, no external resource). The app's CSP
 *   (functions/api/app.ts: `style-src 'self' 'unsafe-inline'`, no script source but 'self') already allows
 *   exactly what the page uses, and the page narrows it further with its own
 *   `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`.
 *
 * The report names no complainant, holds no complaint text and reads no case, so the request is not written to a
 * case's audit trail; it is logged (who by staff user name and role, which quarter and format, how many facts),
 * never with a respondent's name or any report content.
 */
import type { StaffPrincipal, StaffTokenVerifier } from '../../../shared/ports/staff-auth';
import type { Context, Hono } from 'hono';
import * as z from 'zod';
import { ForbiddenError, ValidationError } from '../../../shared/domain/errors';
import type { JurisdictionConfig } from '../../../shared/domain/jurisdiction';
import type { RulesRegistry } from '../../../shared/domain/rules';
import { REPORT_FORMATS, REPORT_MEDIA, lastCompletedQuarter, parseQuarter, quarterRange, renderReport } from '../../../shared/domain/evaluation';
import type { ReportFormat } from '../../../shared/domain/evaluation';
import type { Clock, Logger } from '../../../shared/ports';
import type { EvaluationFactStore } from '../../../shared/ports/evaluation-facts';
import { consoleJsonLogger } from '../../../shared/adapters/local/console-logger';
import { authenticate } from '../../../shared/auth/principal';
import type { StaffRole } from '../../../shared/auth/principal';
import { buildQuarterReport } from '../../../shared/services/evaluation';

/** Where the route logs (the runtime's logger locally; a JSON line on stdout on Lambda). No personal data. */
export type ReportLogger = Pick<Logger, 'info'>;

export interface ReportRouteDeps {
  /** The same verifier as the staff API (Cognito on AWS, the local issuer in the runtime). */
  verifier: StaffTokenVerifier;
  facts: EvaluationFactStore;
  rules: RulesRegistry;
  clock: Clock;
  jurisdiction: JurisdictionConfig;
  logger?: ReportLogger;
}

/** Roles that may read the evaluation report: it judges every unit and named staff member of the jurisdiction. */
export const REPORT_ROLES: readonly StaffRole[] = ['agency', 'leader'];

const consoleLogger: ReportLogger = consoleJsonLogger;

const FORMAT_MESSAGE = `报告格式无效，应为 ${REPORT_FORMATS.join('、')} 之一。`;
const ReportQuery = z.object({
  quarter: z.string().max(16).optional(),
  format: z.enum(REPORT_FORMATS, { error: FORMAT_MESSAGE }).optional(),
});

async function principalOf(c: Context, deps: ReportRouteDeps): Promise<StaffPrincipal> {
  const p = await authenticate(deps.verifier, c.req.header('authorization'));
  if (p.jurisdiction && p.jurisdiction !== deps.jurisdiction.code) throw new ForbiddenError('该账户不属于本辖区。');
  return p;
}

/** `quarter` of the request, or the last completed Shanghai quarter; a quarter that has not begun is refused. */
export function reportQuarter(raw: string | undefined, now: Date): string {
  if (raw === undefined || raw.trim() === '') return lastCompletedQuarter(now);
  const quarter = raw.trim().toUpperCase();
  const { year } = parseQuarter(quarter);
  if (year < 2000) {
    const message = `季度“${quarter}”无效：年份应不早于 2000 年。`;
    throw new ValidationError([{ field: 'quarter', code: 'invalid_quarter', message }], message);
  }
  if (Date.parse(quarterRange(quarter).startsAt) > now.getTime()) {
    const message = `季度“${quarter}”尚未开始，无法生成考评报告。`;
    throw new ValidationError([{ field: 'quarter', code: 'quarter_not_begun', message }], message);
  }
  return quarter;
}

/** RFC 6266 file name: an ASCII fallback plus the UTF-8 name. */
function contentDisposition(kind: 'attachment' | 'inline', filename: string, ascii: string): string {
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export function mountReportRoutes(app: Hono, deps: ReportRouteDeps): void {
  const logger = deps.logger ?? consoleLogger;

  // Art. 17: the periodic analysis of the quarter and the three before it (`quarters`, 1 to 8), as JSON, CSV or HTML.
  app.get('/api/reports/analysis', async (c) => {
    const p = await principalOf(c, deps);
    if (!REPORT_ROLES.includes(p.role)) throw new ForbiddenError('只有政务服务管理机构和主管领导可以查看投诉分析报告。');
    const parsed = ReportQuery.extend({ quarters: z.coerce.number().int().min(1).max(8).optional() }).safeParse(c.req.query());
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => ({
        field: String(i.path[0] ?? '(query)'),
        message: i.path[0] === 'format' ? FORMAT_MESSAGE : i.path[0] === 'quarters' ? '季度数应为 1 到 8 之间的整数。' : '季度无效，应为 YYYYQn 格式，例如 2024Q1。',
      }));
      throw new ValidationError(problems, problems.map((x) => x.message).join(' '));
    }
    const format: ReportFormat = parsed.data.format ?? 'json';
    const quarter = reportQuarter(parsed.data.quarter, deps.clock.now());
    // The analysis is a chunk of its own, loaded on the first request (the API's bundle at init stays as it was).
    const { buildAnalysisReport, renderAnalysisCsv, renderAnalysisHtml } = await import('../../../shared/services/evaluation-analysis');
    const report = await buildAnalysisReport(deps, deps.jurisdiction, quarter, parsed.data.quarters);
    logger.info('analysis_report', { user: p.username, role: p.role, jurisdiction: deps.jurisdiction.code, quarter, format, quarters: report.quarters.length });
    const media = REPORT_MEDIA[format];
    const body = format === 'csv' ? renderAnalysisCsv(report) : format === 'html' ? renderAnalysisHtml(report) : JSON.stringify(report, null, 2);
    const headers: Record<string, string> = { 'content-type': media.contentType, 'cache-control': 'no-store' };
    const name = `投诉分析-${deps.jurisdiction.code}-${quarter}.${media.extension}`;
    const ascii = `analysis-${deps.jurisdiction.code}-${quarter}.${media.extension}`;
    if (format !== 'json') headers['content-disposition'] = contentDisposition(format === 'csv' ? 'attachment' : 'inline', name, ascii);
    return new Response(body, { status: 200, headers });
  });

  app.get('/api/reports/evaluation', async (c) => {
    const p = await principalOf(c, deps);
    if (!REPORT_ROLES.includes(p.role)) throw new ForbiddenError('只有政务服务管理机构和主管领导可以查看考核评价报告。');
    const parsed = ReportQuery.safeParse(c.req.query());
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => ({
        field: String(i.path[0] ?? '(query)'),
        message: i.path[0] === 'format' ? FORMAT_MESSAGE : '季度无效，应为 YYYYQn 格式，例如 2024Q1。',
      }));
      throw new ValidationError(problems, problems.map((x) => x.message).join(' '));
    }
    const format: ReportFormat = parsed.data.format ?? 'json';
    const quarter = reportQuarter(parsed.data.quarter, deps.clock.now());
    const started = Date.now();
    const report = await buildQuarterReport({ facts: deps.facts, rules: deps.rules, clock: deps.clock }, deps.jurisdiction, quarter);
    const body = renderReport(report, format);
    logger.info('evaluation_report', {
      user: p.username,
      role: p.role,
      jurisdiction: deps.jurisdiction.code,
      quarter,
      format,
      facts: report.factsUsed,
      ms: Date.now() - started,
    });

    const media = REPORT_MEDIA[format];
    const base = `evaluation-${deps.jurisdiction.code}-${quarter}`;
    const headers: Record<string, string> = { 'content-type': media.contentType, 'cache-control': 'no-store' };
    if (format === 'csv') headers['content-disposition'] = contentDisposition('attachment', `考核评价-${deps.jurisdiction.code}-${quarter}.${media.extension}`, `${base}.${media.extension}`);
    if (format === 'html') headers['content-disposition'] = contentDisposition('inline', `考核评价-${deps.jurisdiction.code}-${quarter}.${media.extension}`, `${base}.${media.extension}`);
    return new Response(body, { status: 200, headers });
  });
}
