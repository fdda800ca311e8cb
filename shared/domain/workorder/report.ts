/**
 * Art. 7(2): a complaint that came as a 12345 work order is reported back to the platform. One report per step
 * the platform tracks — acceptance (受理), transfer (交办/改派/指定牵头/移交), result (办结/不予受理/终止) and
 * follow-up (回访) — keyed by the work-order number. Pure: built from the case and its timeline.
 *
 * Schema `tousu.12345.report.v1` (docs/workorder-outbound.md). No personal data: no name, phone, address or
 * free text from the complainant; the result text is withheld when the case has active secrecy marks (art. 13).
 */
import * as z from 'zod';
import type { CaseRecord, TimelineEvent } from '../case';
import { hasActiveMarks } from '../secrecy';
import { isReportedEventType, REPORTED_EVENT_KINDS } from './reported-events';
import type { JurisdictionConfig } from '../jurisdiction';
import { FINDING_LABELS_INTERNAL, SATISFACTION_LABELS } from '../notices/labels';

export const WORKORDER_REPORT_SCHEMA = 'tousu.12345.report.v1';

export const WorkOrderReportKind = z.enum(['acceptance', 'transfer', 'result', 'follow_up']);
export type WorkOrderReportKind = z.infer<typeof WorkOrderReportKind>;

export const WORKORDER_REPORT_KIND_LABELS: Record<WorkOrderReportKind, string> = { acceptance: '受理', transfer: '交办', result: '办理结果', follow_up: '回访' };

export const WorkOrderReport = z.object({
  schema: z.literal(WORKORDER_REPORT_SCHEMA),
  /** Stable per step: `<caseId>:<timeline seq>`; the receiver deduplicates on it (a retry repeats it). */
  id: z.string().min(1).max(160),
  workOrderNo: z.string().min(1).max(64),
  jurisdiction: z.string(),
  /** 受理编号 of this system. */
  trackingNo: z.string(),
  kind: WorkOrderReportKind,
  /** When the step happened (ISO 8601 with offset). */
  at: z.iso.datetime({ offset: true }),
  /** The step in Chinese, e.g. 已受理, 已交办市场监督管理局, 办结（属实）. */
  status: z.string().max(200),
  /** The unit concerned (transfer: the unit it went to; result: the unit that concluded). */
  department: z.object({ code: z.string(), name: z.string() }).optional(),
  /** result: concluded / not_accepted / terminated / transferred (to another jurisdiction). */
  outcome: z.enum(['concluded', 'not_accepted', 'terminated', 'transferred']).optional(),
  /** result (concluded): substantiated / partly_substantiated / unfounded. */
  finding: z.string().optional(),
  /** result: the handling result as recorded (withheld under a secrecy mark). */
  resultText: z.string().max(5000).optional(),
  /** follow_up: satisfied / basically_satisfied / dissatisfied. */
  satisfaction: z.string().optional(),
});
export type WorkOrderReport = z.infer<typeof WorkOrderReport>;

const KIND_OF: Record<string, WorkOrderReportKind> = REPORTED_EVENT_KINDS;

export { isReportedEventType };

const WITHHELD = '（涉及保密内容，详情请向政务服务管理机构查询）';

function deptOf(j: JurisdictionConfig, code: string | undefined): { code: string; name: string } | undefined {
  if (!code) return undefined;
  return { code, name: j.departments.find((d) => d.code === code)?.name ?? code };
}

/** The reports of a case that came as a 12345 work order (none for any other case), in timeline order. */
export function workOrderReports(c: CaseRecord, timeline: readonly TimelineEvent[], j: JurisdictionConfig): WorkOrderReport[] {
  const workOrderNo = c.intake.workOrderNo?.trim();
  if (!workOrderNo) return [];
  const out: WorkOrderReport[] = [];
  for (const e of timeline) {
    const kind = KIND_OF[e.type];
    if (!kind) continue;
    const base = { schema: WORKORDER_REPORT_SCHEMA, id: `${c.caseId}:${e.seq}`, workOrderNo, jurisdiction: c.jurisdiction, trackingNo: c.trackingNo, kind, at: e.at } as const;
    const data = (e.data ?? {}) as Record<string, unknown>;
    switch (e.type) {
      case 'accepted': {
        const d = deptOf(j, e.actor.department ?? c.department);
        out.push({ ...base, status: `${d?.name ?? ''}已受理`, ...(d ? { department: d } : {}) });
        break;
      }
      case 'dispatched':
      case 'rerouted':
      case 'lead_designated': {
        const code = (typeof data.department === 'string' ? data.department : typeof data.lead === 'string' ? data.lead : typeof data.to === 'string' ? data.to : undefined) ?? c.department;
        const d = deptOf(j, code);
        const verb = e.type === 'lead_designated' ? '指定牵头单位' : e.type === 'rerouted' ? '改派' : '交办';
        out.push({ ...base, status: `已${verb}${d?.name ?? ''}`, ...(d ? { department: d } : {}) });
        break;
      }
      case 'concluded': {
        const finding = typeof data.finding === 'string' ? data.finding : c.conclusion?.finding;
        const label = finding ? ((FINDING_LABELS_INTERNAL as Record<string, string>)[finding] ?? finding) : '';
        const d = deptOf(j, c.conclusion?.by.department ?? c.department);
        const text = hasActiveMarks(c) ? WITHHELD : c.conclusion?.summary;
        out.push({ ...base, status: `办结（${label}）`, outcome: 'concluded', ...(finding ? { finding } : {}), ...(d ? { department: d } : {}), ...(text ? { resultText: text } : {}) });
        break;
      }
      case 'not_accepted':
      case 'terminated': {
        const o = c.outcome;
        const reason = o && (o.kind === 'not_accepted' || o.kind === 'terminated') ? o.reason : undefined;
        out.push({
          ...base,
          status: `${e.type === 'terminated' ? '终止办理' : '不予受理'}${reason ? `（${reason}）` : ''}`,
          outcome: e.type,
          resultText: hasActiveMarks(c) ? WITHHELD : e.summary,
        });
        break;
      }
      case 'transferred': {
        const to = c.outcome?.kind === 'transferred' ? c.outcome.to : undefined;
        out.push({ ...base, status: `已移交${to?.name ?? '其他辖区'}处理`, outcome: 'transferred', resultText: e.summary });
        break;
      }
      case 'follow_up_recorded': {
        const s = typeof data.satisfaction === 'string' ? data.satisfaction : c.followUp?.satisfaction;
        out.push({ ...base, status: `已回访（${s ? ((SATISFACTION_LABELS as Record<string, string>)[s] ?? s) : ''}）`, ...(s ? { satisfaction: s } : {}) });
        break;
      }
    }
  }
  return out;
}

/** The CSV columns of an export batch, in order (docs/workorder-outbound.md). */
export const WORKORDER_CSV_COLUMNS = [
  'id',
  'workOrderNo',
  'trackingNo',
  'jurisdiction',
  'kind',
  'at',
  'status',
  'departmentCode',
  'departmentName',
  'outcome',
  'finding',
  'satisfaction',
  'resultText',
] as const;

const csvCell = (v: string | undefined) => {
  const s = v ?? '';
  // A leading = + - @ would be run as a formula by a spreadsheet: prefixed with an apostrophe.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** An export batch as CSV (UTF-8 with BOM, CRLF) or JSON (`{ schema, generatedAt, reports }`). */
export function exportBatch(reports: readonly WorkOrderReport[], format: 'csv' | 'json', generatedAt: string): string {
  if (format === 'json') return `${JSON.stringify({ schema: `${WORKORDER_REPORT_SCHEMA}.batch`, generatedAt, count: reports.length, reports }, null, 2)}\n`;
  const rows = reports.map((r) =>
    [r.id, r.workOrderNo, r.trackingNo, r.jurisdiction, r.kind, r.at, r.status, r.department?.code, r.department?.name, r.outcome, r.finding, r.satisfaction, r.resultText].map(csvCell).join(','),
  );
  return `\ufeff${[WORKORDER_CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}
