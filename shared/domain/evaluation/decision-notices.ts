/**
 * The notices of art. 20 decisions, in Chinese: to the unit that lost its award eligibility (取消评优评先资格), and
 * for a staff member to their unit, which handles it "按有关规定或劳动合同约定" and reports back. They name the
 * grounds by case id only: no complainant and no complaint text (art. 21). Pure.
 */
import { DECISION_STATUS_LABELS, GROUND_KIND_LABELS } from './decisions';
import type { EvaluationDecision } from './decisions';
import { quarterLabel } from './quarter';

export interface DecisionNoticeText {
  subject: string;
  text: string;
}

export function decisionNoticeText(d: EvaluationDecision, agencyName: string, consoleUrl?: string): DecisionNoticeText {
  const period = quarterLabel(d.quarter);
  const who = d.respondent.kind === 'person' ? `${d.respondent.unitName ?? ''}工作人员 ${d.respondent.name}` : d.respondent.name;
  const live = d.grounds.filter((g) => !g.excluded && !g.droppedAt);
  const gone = d.grounds.filter((g) => g.excluded || g.droppedAt);
  const lines: string[] = [`${d.respondent.kind === 'person' ? (d.respondent.unitName ?? '') : d.respondent.name}：`, ''];
  if (d.status === 'disqualified') {
    lines.push(`依照《遂宁市政务服务投诉处理办法（试行）》第二十条，${agencyName}决定：${period}${who}${DECISION_STATUS_LABELS.disqualified}。`);
  } else {
    lines.push(`${agencyName}经复核，撤销${period}${who}取消评优评先资格的决定。`);
  }
  lines.push(`理由：${d.reasons.join('；')}。`, '');
  if (live.length > 0) lines.push('依据（投诉件编号）：', ...live.map((g) => `  · ${g.caseId}（${GROUND_KIND_LABELS[g.kind]}）`));
  if (gone.length > 0)
    lines.push('经复核或更正不再计入：', ...gone.map((g) => `  · ${g.caseId}（${GROUND_KIND_LABELS[g.kind]}${g.excluded ? `：${g.excluded.reason}` : '：办理结论或超期记录已更正'}）`));
  lines.push('');
  if (d.respondent.kind === 'person' && d.status === 'disqualified') {
    lines.push('被投诉人是工作人员，请所在单位按有关规定或劳动合同约定严肃处理（第二十条），并将处理结果报政务服务管理机构。');
  }
  if (d.status === 'disqualified') lines.push('如对依据有异议，请在工作台“考评决定”中提出，并说明理由和证明材料。');
  lines.push(`决定编号：${d.id}（第 ${d.revision} 版）。`);
  if (consoleUrl) lines.push(`查看：${consoleUrl}`);
  lines.push('', '本邮件由政务服务投诉处理系统发送。');
  const subject = d.status === 'disqualified' ? `【考评决定】${period}${who}${DECISION_STATUS_LABELS.disqualified}` : `【考评决定更正】撤销${period}${who}取消评优评先资格的决定`;
  return { subject, text: lines.join('\n') };
}
