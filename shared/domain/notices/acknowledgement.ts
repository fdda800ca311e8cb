/**
 * 投诉收件回执 (acknowledgement of receipt): the tracking number, the query code, what happens next.
 * Art. 12: promise nothing before the matter is investigated, so this text states the procedure and its
 * time limits (arts. 10, 14, 16) and never an outcome. Art. 10: acceptance is decided later by the
 * department, so the receipt says "received" (已收到), never "accepted" (已受理).
 */
import type { Channel } from '../intake';
import { CHANNEL_LABELS } from '../intake';
import type { RulesVersion } from '../rules';

export interface AcknowledgementInput {
  trackingNo: string;
  /** Shown only to the delivery that created the case; absent on a replay. */
  queryCode?: string;
  receivedAt: string;
  channel: Channel;
  anonymous: boolean;
  wantsReply: boolean;
  confidential: boolean;
  receivedByAgency: boolean;
  rules: RulesVersion;
  /** Name of the management agency (政务服务管理机构) of the jurisdiction. */
  agencyName: string;
  agencyPhone?: string;
  /** Absolute URL of the public status page, when known. */
  statusUrl?: string;
  /** The open case this complaint joined at once (art. 11): the receipt then promises no dispatch of its own. */
  joinedCase?: string;
}

export interface Acknowledgement {
  subject: string;
  heading: string;
  /** Plain sentences for the "what happens next" list. */
  nextSteps: string[];
  /** Short notes (confidentiality, anonymity, no promise). */
  notes: string[];
  text: string;
}

/** Shanghai wall time `YYYY年M月D日 HH:mm` of an ISO instant (UTC+8, no DST since 1991). */
export function shanghaiWallTime(iso: string): string {
  const t = new Date(Date.parse(iso) + 8 * 3600 * 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${t.getUTCFullYear()}年${t.getUTCMonth() + 1}月${t.getUTCDate()}日 ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}`;
}

export function renderAcknowledgement(a: AcknowledgementInput): Acknowledgement {
  const d = a.rules.deadlines;
  const nextSteps: string[] = [];
  if (a.joinedCase) {
    // Art. 11: the dispatch and the acceptance decision already happened (or happen) on the case it joined.
    nextSteps.push(`您的投诉与正在办理的投诉 ${a.joinedCase} 为同一事项，已并入该件合并办理（第十一条），不再另行交办；办理进度和结果以该件为准。`);
    nextSteps.push('凭本件受理编号和查询码可查询所并入投诉件的办理进度（不显示其他投诉人的信息）。');
  } else if (a.receivedByAgency) {
    nextSteps.push(`${a.agencyName}将在收到投诉后 ${d.dispatchWorkingDays} 个工作日内，随《政务服务投诉交办单》交有关部门（单位）办理（第十条）。`);
  }
  if (!a.joinedCase) {
    nextSteps.push(`承办部门（单位）自收到投诉之日起 ${d.acceptanceWorkingDays} 个工作日内决定是否受理${a.anonymous ? '' : '并告知您'}（第十条）。`);
    nextSteps.push(
      `受理后按事项性质分类办理：简单事项当场处理；登记转办的，承办单位收到交办单后 ${d.transferResultWorkingDays} 个工作日内反馈办理结果，特殊情况可依规延期，延期最长不超过 ${d.extensionMaxWorkingDays} 个工作日（第十四条）。`,
    );
  }
  if (a.anonymous) nextSteps.push('匿名投诉依规可以不予答复（第十六条）。您可凭受理编号和查询码查询办理进度。');
  else if (!a.wantsReply) nextSteps.push('您选择了不需要答复（第十六条）。您可凭受理编号和查询码查询办理进度。');
  else nextSteps.push('办理结果由承办单位通过电话、电子邮件或当面等方式答复您（第十六条），办结后政务服务管理机构可能回访了解您的满意情况（第十七条）。');

  const notes: string[] = [];
  notes.push('以上为办理程序和时限说明。投诉事项将依规调查核实，本回执不代表对投诉事项作出任何认定或承诺（第十二条）。');
  if (a.confidential) notes.push('您要求对投诉人信息保密，我们将依规做好保密工作，不向被投诉人透露您的身份（第十三条）。');
  if (a.queryCode) notes.push('查询码只显示这一次，请妥善保存；凭受理编号和查询码可查询办理进度。');
  if (a.agencyPhone) notes.push(`如有疑问，请致电 ${a.agencyPhone}（请提供受理编号）。`);

  const heading = '我们已收到您的投诉';
  const lines = [
    heading,
    '',
    `受理编号：${a.trackingNo}`,
    ...(a.queryCode ? [`查询码：${a.queryCode}`] : []),
    `收到时间：${shanghaiWallTime(a.receivedAt)}（北京时间）`,
    `投诉渠道：${CHANNEL_LABELS[a.channel]}`,
    ...(a.joinedCase ? [`并入投诉：${a.joinedCase}（合并办理）`] : []),
    ...(a.statusUrl ? [`进度查询：${a.statusUrl}`] : []),
    '',
    '接下来：',
    ...nextSteps.map((s, i) => `${i + 1}. ${s}`),
    '',
    ...notes,
    '',
    a.agencyName,
  ];
  return { subject: `【${a.agencyName}】投诉收件回执（受理编号 ${a.trackingNo}）`, heading, nextSteps, notes, text: lines.join('\n') };
}
