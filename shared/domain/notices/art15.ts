/**
 * Art. 15 beyond the rectification itself: “对投诉失实并且有必要的，可以提请政务服务管理机构协助被投诉人在一定范围内
 * 澄清事实，消除影响。调查过程中发现投诉以外其他问题的，相关政务服务审批部门（办理单位）应当一并整改。” The fields the
 * rectification report carries for both, and the request to the agency when the complaint was unfounded.
 */
import type { CaseRecord } from '../case';
import type { LifecycleContext, Notice } from '../lifecycle/context';
import { scrubIdentity } from '../redaction';
import type { Field } from './format';
import { agencyAddresses, caseFields, compose, departmentName, handlingDepartments } from './format';

/** The art. 15 lines of a report to the agency: other problems and their rectification, the name-clearing request. */
export function art15Fields(c: CaseRecord): Field[] {
  const out: Field[] = [];
  if (c.conclusion?.otherProblems) out.push(['调查中发现的其他问题', scrubIdentity(c.conclusion.otherProblems, c)]);
  if (c.rectification?.otherProblems) out.push(['其他问题整改情况', scrubIdentity(c.rectification.otherProblems, c)]);
  if (c.nameClearing) {
    out.push(['提请澄清事实', scrubIdentity(c.nameClearing.request, c)]);
    if (c.nameClearing.summary) out.push(['澄清情况', scrubIdentity(c.nameClearing.summary, c)]);
  }
  return out;
}

/** 提请协助澄清事实、消除影响 (art. 15), to the agency, sent with the conclusion of an unfounded complaint. */
export function nameClearingRequestNotice(c: CaseRecord, ctx: LifecycleContext): Notice | undefined {
  const nc = c.nameClearing;
  if (!nc) return undefined;
  const unit = departmentName(ctx.jurisdiction, handlingDepartments(c)[0] ?? nc.requestedBy.department);
  const respondent = c.intake.respondent.unit ?? departmentName(ctx.jurisdiction, c.intake.respondent.unitCode);
  return compose(c, ctx, {
    kind: 'name_clearing',
    audience: 'agency',
    to: agencyAddresses(ctx.jurisdiction),
    subject: `提请协助澄清事实、消除影响（受理编号 ${c.trackingNo}）`,
    greeting: `${ctx.jurisdiction.agency.name}：`,
    paragraphs: [
      `以下投诉经调查核实，投诉失实。${unit}认为有必要，提请你机构协助被投诉人（${respondent}）在一定范围内澄清事实，消除影响（《${ctx.rules.title}》第十五条）。`,
      '协助澄清后，请在工作台记录澄清情况，随投诉档案一并归档（第十八条）。',
    ],
    fields: [...caseFields(c, ctx), ['办理结果', scrubIdentity(c.conclusion?.summary ?? '', c)], ...art15Fields(c)],
  });
}
