/**
 * 政务服务投诉交办单 (art. 10, art. 14(2)): the assignment slip as mail fields and as a printable HTML page.
 * Built from the respondent's view of the case (redaction.ts), whoever prints it: a confidential complainant's
 * identity is never on the slip (art. 13) and the evidence is listed under neutral names (art. 21).
 */
import type { Assignment, CaseRecord, Deadline } from '../case';
import { CHANNEL_LABELS } from '../intake';
import { isConfidentialCase, redactForRespondent, scrubIdentity } from '../redaction';
import { withholdPassages, withheldNotice } from '../secrecy';
import type { LifecycleContext } from '../lifecycle/context';
import { CLOCK_LABELS } from '../lifecycle/deadlines';
import type { Field } from './format';
import { cnDate, cnDateTime, cnDue, complainantLine, departmentName, escapeHtml, provisionalField } from './format';

const ROLE_LABEL: Record<Assignment['role'], string> = { owner: '承办单位', lead: '牵头单位', co_handler: '协办单位' };

function deadlineLines(c: CaseRecord, ctx: LifecycleContext, a: Assignment): Field[] {
  const d = ctx.rules.deadlines;
  const out: Field[] = [];
  const open = c.deadlines.filter((x) => x.metAt === undefined && (x.clock === 'acceptance' || x.clock === 'result'));
  for (const x of open) out.push([CLOCK_LABELS[x.clock], cnDue(x)]);
  const shown: Pick<Deadline, 'provisional'>[] = [...open];
  if (!open.some((x) => x.clock === 'result') && c.classification !== 'intervention') {
    const transfer = ctx.calendar.addWorkingDays(a.assignedAt, d.transferResultWorkingDays);
    out.push(['登记转办类反馈时限', `收到交办单后 ${d.transferResultWorkingDays} 个工作日内，即${cnDue(transfer)}（第十四条第（二）项）`]);
    shown.push(transfer);
  }
  const note = provisionalField(shown);
  if (note) out.push(note);
  out.push(['延期', `特殊情况需延期的，应在期限届满前明确办理时限并告知投诉人和本级政务服务管理机构，延期最长不超过 ${d.extensionMaxWorkingDays} 个工作日`]);
  return out;
}

export function slipFields(c: CaseRecord, ctx: LifecycleContext, a: Assignment): Field[] {
  const v = redactForRespondent(c);
  const r = v.intake.respondent;
  const others = c.assignments.filter((x) => x.department !== a.department && (x.role === 'lead' || x.role === 'co_handler'));
  const fields: Field[] = [
    ['交办单编号', a.slipNo ?? '（未编号）'],
    ['受理编号', v.trackingNo],
    ['投诉渠道', CHANNEL_LABELS[v.intake.channel]],
    ['接收时间', cnDateTime(v.receivedAt)],
    ['交办时间', cnDateTime(a.assignedAt)],
    [ROLE_LABEL[a.role], departmentName(ctx.jurisdiction, a.department)],
  ];
  if (others.length) fields.push(['其他单位', others.map((x) => `${departmentName(ctx.jurisdiction, x.department)}（${ROLE_LABEL[x.role]}）`).join('、')]);
  fields.push(['被投诉单位', r.unit ?? departmentName(ctx.jurisdiction, r.unitCode)]);
  if (r.person) fields.push(['被投诉人', r.person]);
  fields.push(['投诉人', complainantLine(c)]);
  fields.push(['投诉事项', v.intake.matter]);
  if (v.intake.facts) fields.push(['事实和理由', v.intake.facts]);
  const evidence = [...v.intake.evidence, ...(v.merges ?? []).filter((m) => !m.unmergedAt).flatMap((m) => m.evidence)];
  const names = [...new Set(evidence.map((e) => e.filename))];
  if (names.length) fields.push(['证明材料', names.join('、')]);
  const slipNote = a.note ? withholdPassages(a.note, c) : undefined;
  fields.push(['交办意见', slipNote ? (isConfidentialCase(c) ? scrubIdentity(slipNote, c) : slipNote) : '（无）']);
  fields.push(...deadlineLines(c, ctx, a));
  const withheld = withheldNotice(c);
  if (withheld) fields.push(['保密提示', withheld]);
  return fields;
}

/** The whole slip as one printable HTML page (A4), with the agency's seal line and the receipt line. */
export function assignmentSlipPage(c: CaseRecord, ctx: LifecycleContext, a: Assignment): string {
  const rows = slipFields(c, ctx, a)
    .map(([k, val]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(val)}</td></tr>`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>政务服务投诉交办单 ${escapeHtml(a.slipNo ?? c.trackingNo)}</title>
<style>
  @page { size: A4; margin: 20mm; }
  body { font-family: 'SimSun', 'Songti SC', serif; font-size: 14pt; color: #000; max-width: 180mm; margin: auto; }
  h1 { text-align: center; font-size: 22pt; letter-spacing: 0.2em; margin-bottom: 4mm; }
  .no { text-align: right; font-size: 11pt; }
  table { width: 100%; border-collapse: collapse; }
  th, td { border: 1px solid #000; padding: 3mm; vertical-align: top; font-size: 12pt; }
  th { width: 30mm; text-align: center; font-weight: normal; white-space: nowrap; }
  td { white-space: pre-wrap; }
  .seal { margin-top: 12mm; display: flex; justify-content: space-between; font-size: 12pt; }
  .note { margin-top: 6mm; font-size: 10pt; }
  @media print { .noprint { display: none; } tr, .seal, .note { break-inside: avoid; } }
</style>
</head>
<body>
<h1>政务服务投诉交办单</h1>
<p class="no">编号：${escapeHtml(a.slipNo ?? '')}</p>
<table>
${rows}
</table>
<div class="seal">
  <div>交办单位（盖章）：${escapeHtml(ctx.jurisdiction.agency.name)}<br>交办日期：${escapeHtml(cnDate(a.assignedAt))}</div>
  <div>承办单位签收人：__________<br>签收时间：______年___月___日</div>
</div>
<p class="note">依据《${escapeHtml(ctx.rules.title)}》第十条、第十四条。承办单位应将办理结果反馈投诉人和本级政务服务管理机构；对投诉人信息及投诉内容负有保密义务，不得泄露（第十三条、第二十一条）。在调查核实前不得对投诉人作出承诺（第十二条）。</p>
<p class="noprint">打印：请使用浏览器的“打印”功能（Ctrl+P）。</p>
</body>
</html>
`;
}
