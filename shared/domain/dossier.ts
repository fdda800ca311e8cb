/**
 * The art. 18 dossier (“建立投诉处理工作档案，妥善保管相关材料，并归档成册”): one archived case as one printable HTML
 * volume — cover, table of contents, the complaint record, the assignment slips and the notices as issued, the
 * conclusion (with the art. 15 records), the rectification report, the reply, the follow-up and the timeline.
 *
 * Slips and notices are printed from what was kept when they were issued (shared/domain/notices/issued.ts, the
 * contact tasks): never rendered again from the case as it stands at printing. A slip is embedded in a declarative
 * shadow root, so its own stylesheet applies to it alone and its markup is printed as issued.
 *
 * Pure: the same case, timeline, viewer and time give the same bytes. Who prints sees what the role may see: a
 * department gets the respondent's view (art. 13: a confidential complainant's identity hidden, in the notices to
 * the complainant too) and only the documents addressed to departments.
 */
import type { Actor, CaseRecord, ContactTask, IssuedDocument, TimelineEvent } from './case';
import { PHASE_LABELS } from './case';
import { ROLE_LABELS, mustRedactFor, timelineFor, viewFor } from './access';
import { identityStrings, redactText } from './redaction';
import { CHANNEL_LABELS } from './intake';
import type { JurisdictionConfig } from './jurisdiction';
import type { RulesVersion } from './rules';
import { CLOCK_LABELS } from './lifecycle/deadlines';
import { CORRECTION_CHANNEL_LABELS, INQUIRY_METHOD_LABELS, NO_REPLY_REASON_LABELS } from './lifecycle/actions';
import { CONTACT_CHANNEL_LABELS, CONTACT_OUTCOME_LABELS } from './notices/contacts';
import { cnDateTime, departmentName, escapeHtml } from './notices/format';
import { issuedDocumentsOf } from './notices/issued';
import { CLASSIFICATION_LABELS, FINDING_LABELS_INTERNAL, REPLY_METHOD_LABELS, SATISFACTION_LABELS } from './notices/labels';
import { PhaseConflictError } from './errors';

export interface DossierInput {
  /** The stored case (the renderer applies the viewer's view itself). */
  case: CaseRecord;
  /** The complete stored timeline. */
  timeline: TimelineEvent[];
  /** Who prints it: what they may see decides what is printed. */
  viewer: Actor;
  jurisdiction: JurisdictionConfig;
  rules: Pick<RulesVersion, 'title' | 'notAcceptedReasons' | 'terminationReasons'>;
  /** When it is printed (shown on the cover). */
  printedAt: string;
}

/** Names of the notice kinds as the dossier lists them. */
export const DOCUMENT_KIND_LABELS: Record<string, string> = {
  acceptance: '受理告知书',
  not_accepted: '不予受理告知书',
  referral_12345: '转接12345记录',
  assignment_slip: '政务服务投诉交办单',
  reminder: '到期提醒',
  overdue_alert: '超期通知',
  stability_risk: '信访维稳风险报告',
  extension: '延期办理通知',
  reply_record: '办理结果及答复记录',
  follow_up_survey: '回访',
  termination: '终止办理通知',
  escalation: '上报',
  intervention: '介入处理通知',
  rectification_filed: '整改情况报备',
  recusal: '回避通知',
  name_clearing: '提请协助澄清事实',
};

const AUDIENCE_LABELS: Record<IssuedDocument['audience'], string> = { agency: '政务服务管理机构', department: '承办单位', leader: '主管领导' };
const CONTACT_STATUS_LABELS: Record<ContactTask['status'], string> = { pending: '未完成', done: '已完成', failed: '发送失败' };

const e = escapeHtml;

function actorText(a: Actor | undefined, j: JurisdictionConfig): string {
  if (!a) return '';
  if (a.role === 'system') return '系统';
  const dept = a.department ? departmentName(j, a.department) : '';
  return `${dept || ROLE_LABELS[a.role]} ${a.id}`;
}

type Row = readonly [label: string, value: string | undefined];

function table(rows: readonly Row[], cls = 'fields'): string {
  const shown = rows.filter((r): r is readonly [string, string] => r[1] !== undefined && r[1] !== '');
  if (shown.length === 0) return '<p class="empty">（无）</p>';
  return `<table class="${cls}">${shown.map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`).join('')}</table>`;
}

interface Section {
  id: string;
  title: string;
  /** Items in the section, for the table of contents (e.g. “2 份”). */
  count?: string;
  body: string;
}

/** The slip as issued inside a shadow root: its stylesheet for it alone (the page rule and `body` selector adapted). */
function embeddedPage(html: string): string {
  const styles = [...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => m[1] ?? '').join('\n');
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1] ?? html;
  const scoped = styles.replace(/@page\s*\{[^}]*\}/g, '').replace(/(^|[\s,}])body(?=[\s,{])/g, '$1.issued-page');
  return `<div class="issued-host"><template shadowrootmode="open"><style>${scoped}\n.noprint{display:none}</style><div class="issued-page">${body}</div></template></div>`;
}

function issuedMeta(d: IssuedDocument & { at: string }, j: JurisdictionConfig): string {
  return table(
    [
      ['发出时间', cnDateTime(d.at)],
      ['发送对象', `${AUDIENCE_LABELS[d.audience]}${d.department ? `（${departmentName(j, d.department)}）` : ''}`],
      ['发送方式', d.to.length > 0 ? `电子邮件：${d.to.join('、')}` : '无收件邮箱，由工作台打印送达'],
      ['原文校验', `SHA-256 ${d.sha256}`],
    ],
    'meta',
  );
}

/** Free text a viewer may read: the respondent's side of a confidential case gets the identity blanked (art. 13). */
function textFor(input: DossierInput): (s: string) => string {
  if (!mustRedactFor(input.viewer, input.case)) return (s) => s;
  const secrets = identityStrings(input.case);
  return (s) => redactText(s, secrets);
}

// ---------------------------------------------------------------------------------------------- sections

function complaintRecord(input: DossierInput, v: CaseRecord): Section {
  const j = input.jurisdiction;
  const i = v.intake;
  const p = i.complainant;
  const flags = [
    v.flags.anonymous || p.anonymous ? '匿名投诉' : '',
    v.flags.confidential || p.confidential ? '投诉人要求保密（第十三条）' : '',
    v.flags.major ? '重大事项' : '',
    v.flags.stabilityRisk ? '存在信访维稳风险' : '',
  ]
    .filter(Boolean)
    .join('、');
  const evidence = [...i.evidence, ...(v.merges ?? []).filter((m) => !m.unmergedAt).flatMap((m) => m.evidence)];
  const screening = v.screening
    ? `${v.screening.complete ? '材料齐全' : `材料不全（缺：${v.screening.missing.join('、')}）`}${v.screening.proposedReasons.length ? `；提示：${v.screening.proposedReasons.map((r) => r.reason).join('、')}` : ''}（${cnDateTime(v.screening.at)}）`
    : undefined;
  const body = [
    table([
      ['受理编号', v.trackingNo],
      ['投诉渠道', v.sources.map((s) => CHANNEL_LABELS[s.channel]).join('、') || CHANNEL_LABELS[i.channel]],
      ['收到时间', cnDateTime(v.receivedAt)],
      ['接收单位', i.receivedBy === 'agency' ? j.agency.name : departmentName(j, i.receivedBy.department)],
      ['转来单位', i.forwardedBy],
      ['投诉人', p.name ?? (p.anonymous ? '（匿名）' : undefined)],
      ['单位名称', p.organization],
      ['联系电话', p.phone],
      ['电子邮箱', p.email],
      ['通讯地址', p.address],
      ['是否需要答复', p.wantsReply ? '需要' : '不需要'],
      ['标记', flags || undefined],
      ['被投诉单位', i.respondent.unit ?? departmentName(j, i.respondent.unitCode)],
      ['被投诉人', i.respondent.person],
      ['具体投诉事项', i.matter],
      ['事实和理由', i.facts],
      ['证明材料', evidence.length ? evidence.map((x) => `${x.filename}（SHA-256 ${x.sha256.slice(0, 16)}…）`).join('\n') : '（无）'],
      [
        '合并的投诉',
        (v.merges ?? [])
          .filter((m) => !m.unmergedAt)
          .map((m) => `${m.trackingNo}（${cnDateTime(m.at)}）`)
          .join('、') || undefined,
      ],
      ['初审', screening],
      ['适用规则', input.rules.title],
    ]),
  ].join('');
  return { id: 'record', title: '投诉登记', body };
}

function slipsSection(input: DossierInput, docs: (IssuedDocument & { seq: number; at: string })[]): Section {
  const slips = docs.filter((d) => d.kind === 'assignment_slip');
  const withSlip = input.case.assignments.filter((a) => a.slipNo);
  const parts = slips.map(
    (d, n) =>
      `<article class="document" id="slip-${n + 1}"><h3>${e(d.subject)}</h3>${issuedMeta(d, input.jurisdiction)}${d.html ? embeddedPage(d.html) : `<pre class="issued-text">${e(d.text)}</pre>`}</article>`,
  );
  if (slips.length < withSlip.length && (input.viewer.role !== 'department' || slips.length === 0)) {
    // A case handled before slips were kept as issued: said loudly, never filled with a page rendered today.
    parts.push(
      `<p class="missing">本件共有 ${withSlip.length} 份交办单（${withSlip.map((a) => e(a.slipNo!)).join('、')}），其中 ${withSlip.length - slips.length} 份未留存发出时的原文（系统留存交办单原文之前办理），本卷不以现在的数据重新生成。</p>`,
    );
  }
  if (parts.length === 0) parts.push('<p class="empty">本件未交办，没有交办单。</p>');
  return { id: 'slips', title: '交办单', count: `${slips.length} 份`, body: parts.join('') };
}

function contactBlock(t: ContactTask, input: DossierInput, scrub: (s: string) => string): string {
  const attempts = t.attempts.map(
    (a) => `${cnDateTime(a.at)} ${CONTACT_OUTCOME_LABELS[a.outcome]}${a.retryBy ? `，最迟${a.retryBy}再拨` : ''}（${actorText(a.by, input.jurisdiction)}）${a.note ? `：${scrub(a.note)}` : ''}`,
  );
  return `<article class="document" id="contact-${e(t.id)}"><h3>${e(t.id)} ${e(CONTACT_CHANNEL_LABELS[t.channel])}：${e(scrub(t.subject))}</h3>${table(
    [
      ['生成时间', cnDateTime(t.createdAt)],
      ['告知方式', t.channel === 'email' ? '电子邮件（系统发送）' : t.channel === 'phone' ? '电话（按话术告知，记录结果）' : '信函（打印邮寄）'],
      ['办理状态', `${CONTACT_STATUS_LABELS[t.status]}${t.doneAt ? `（${cnDateTime(t.doneAt)}）` : ''}${t.error ? `：${t.error}` : ''}`],
      ['记录', attempts.join('\n') || undefined],
    ],
    'meta',
  )}<pre class="issued-text">${e(scrub(t.text))}</pre></article>`;
}

function noticesSection(input: DossierInput, docs: (IssuedDocument & { seq: number; at: string })[]): Section {
  const scrub = textFor(input);
  const contacts = input.case.contacts ?? [];
  const official = docs.filter((d) => d.kind !== 'assignment_slip');
  const redacted = mustRedactFor(input.viewer, input.case);
  const body = [
    '<h3 class="sub">（一）告知投诉人</h3>',
    redacted ? '<p class="hint">投诉人要求保密，告知书中投诉人的身份信息已隐去（第十三条）。</p>' : '',
    contacts.length ? contacts.map((t) => contactBlock(t, input, scrub)).join('') : '<p class="empty">无需告知投诉人或投诉人无法联系（匿名、未留联系方式）。</p>',
    '<h3 class="sub">（二）报送、通知有关单位</h3>',
    official.length
      ? official
          .map(
            (d) =>
              `<article class="document"><h3>${e(DOCUMENT_KIND_LABELS[d.kind] ?? d.kind)}：${e(d.subject)}</h3>${issuedMeta(d, input.jurisdiction)}<pre class="issued-text">${e(d.text)}</pre></article>`,
          )
          .join('')
      : '<p class="empty">（无）</p>',
  ].join('');
  return { id: 'notices', title: '告知书和通知', count: `${contacts.length + official.length} 份`, body };
}

function conclusionSection(input: DossierInput, v: CaseRecord): Section {
  const j = input.jurisdiction;
  const o = v.outcome;
  const rows: Row[] = [
    ['承办单位', v.department ? departmentName(j, v.department) : undefined],
    [
      '牵头、协办单位',
      v.assignments
        .filter((a) => a.role !== 'owner')
        .map((a) => `${departmentName(j, a.department)}（${a.role === 'lead' ? '牵头' : '协办'}）`)
        .join('、') || undefined,
    ],
    ['投诉类型', v.classification ? CLASSIFICATION_LABELS[v.classification] : undefined],
  ];
  if (v.conclusion) {
    rows.push(
      ['核查结论', FINDING_LABELS_INTERNAL[v.conclusion.finding]],
      ['办理结果', v.conclusion.summary],
      ['办结时间', `${cnDateTime(v.conclusion.at)}（${actorText(v.conclusion.by, j)}）`],
      ['调查中发现的其他问题', v.conclusion.otherProblems],
    );
  }
  if (v.nameClearing) {
    rows.push(
      ['提请澄清事实', `${v.nameClearing.request}（${cnDateTime(v.nameClearing.requestedAt)}，${actorText(v.nameClearing.requestedBy, j)}）`],
      ['澄清情况', v.nameClearing.clearedAt ? `${v.nameClearing.summary ?? ''}（${cnDateTime(v.nameClearing.clearedAt)}，${actorText(v.nameClearing.clearedBy, j)}）` : '政务服务管理机构尚未记录'],
    );
  }
  if (o?.kind === 'not_accepted') {
    const r = input.rules.notAcceptedReasons[o.reason];
    rows.push(
      ['不予受理', `${r?.article ?? o.reason}：${r?.label ?? ''}（${cnDateTime(o.at)}）`],
      ['告知去向', o.referral],
      ['转接12345', o.transferredTo12345 ? '是' : undefined],
      ['解释说明', o.explanation],
    );
  }
  if (o?.kind === 'terminated') {
    const r = input.rules.terminationReasons[o.reason];
    rows.push(['终止办理', `${r?.article ?? o.reason}：${r?.label ?? ''}（${cnDateTime(o.at)}）`], ['终止依据', o.basis], ['终止说明', o.note]);
  }
  const co = v.coordination;
  if (co?.taskForce) rows.push(['工作专班', co.taskForce.members.map((m) => `${m.name}（${m.unit}）`).join('、')]);
  for (const m of co?.meetings ?? []) rows.push([`协调会 ${m.id}`, `${m.date}；参会：${m.attendees.join('、')}；纪要：${m.minutes}；议定事项：${m.decisions}`]);
  for (const q of co?.inquiries ?? []) {
    rows.push([`调查核实 ${q.id}`, `${q.date} ${INQUIRY_METHOD_LABELS[q.method]}（${q.conductedBy}）：${q.what}${q.materials.length ? `；取得材料：${q.materials.join('、')}` : ''}`]);
  }
  if (v.conclusion?.cites?.length) rows.push(['办理结果依据', v.conclusion.cites.join('、')]);
  for (const q of v.correctionRequests ?? []) {
    rows.push([`补正提醒 ${q.id}`, `${q.sentOn}以${CORRECTION_CHANNEL_LABELS[q.channel]}提醒，补正期限至${q.correctBy}：${q.content}（${actorText(q.by, j)}）`]);
  }
  const deadlines = v.deadlines.length
    ? `<h3 class="sub">办理期限</h3><table class="grid"><thead><tr><th>期限</th><th>起算</th><th>截止</th><th>完成</th><th>超期</th></tr></thead><tbody>${v.deadlines
        .map(
          (d) =>
            `<tr${d.overdueAt ? ' class="overdue"' : ''}><td>${e(CLOCK_LABELS[d.clock])}${d.extended ? '（已延期）' : ''}</td><td>${e(cnDateTime(d.startedAt))}</td><td>${e(cnDateTime(d.dueAt))}${d.provisional ? '（暂定）' : ''}</td><td>${d.metAt ? e(cnDateTime(d.metAt)) : '—'}</td><td>${d.overdueAt ? `超期（${e(cnDateTime(d.overdueAt))}）` : '—'}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  return { id: 'conclusion', title: '办理结论', body: table(rows) + deadlines };
}

function rectificationSection(input: DossierInput, v: CaseRecord): Section {
  const r = v.rectification;
  const needed = v.conclusion && (v.conclusion.finding !== 'unfounded' || v.conclusion.otherProblems);
  const body = r
    ? table([
        ['整改情况', r.summary],
        ['其他问题整改情况', r.otherProblems],
        ['报备时间', `${cnDateTime(r.at)}（${actorText(r.by, input.jurisdiction)}）`],
      ])
    : `<p class="empty">${needed ? '应报备整改情况，但未报备。' : '无需整改报备（未办结，或投诉不属实且未发现其他问题，第十五条）。'}</p>`;
  return { id: 'rectification', title: '整改报备', body };
}

function replySection(input: DossierInput, v: CaseRecord): Section {
  const r = v.reply;
  const body = r
    ? table([
        ['答复方式', REPLY_METHOD_LABELS[r.method]],
        ['不予答复原因', r.reasonNone ? (NO_REPLY_REASON_LABELS[r.reasonNone as keyof typeof NO_REPLY_REASON_LABELS] ?? r.reasonNone) : undefined],
        ['答复记录', r.summary],
        ['答复时间', `${cnDateTime(r.at)}（${actorText(r.by, input.jurisdiction)}）`],
      ])
    : '<p class="empty">无答复记录。</p>';
  return { id: 'reply', title: '答复记录', body };
}

function followUpSection(input: DossierInput, v: CaseRecord, timeline: TimelineEvent[]): Section {
  const f = v.followUp;
  const skipped = timeline.find((x) => x.type === 'follow_up_skipped');
  const body = f
    ? table([
        ['满意度', SATISFACTION_LABELS[f.satisfaction]],
        ['回访记录', f.note],
        ['回访时间', `${cnDateTime(f.at)}（${actorText(f.by, input.jurisdiction)}）`],
      ])
    : `<p class="empty">${skipped ? e(skipped.summary) : '无回访记录。'}</p>`;
  return { id: 'follow-up', title: '回访记录', body };
}

function timelineSection(input: DossierInput, timeline: TimelineEvent[]): Section {
  const rows = timeline
    .map((x) => `<tr><td>${x.seq}</td><td>${e(cnDateTime(x.at))}</td><td>${e(PHASE_LABELS[x.phase])}</td><td>${e(actorText(x.actor, input.jurisdiction))}</td><td>${e(x.summary)}</td></tr>`)
    .join('');
  return {
    id: 'timeline',
    title: '办理过程记录',
    count: `${timeline.length} 条`,
    body: `<table class="grid timeline"><thead><tr><th>序号</th><th>时间</th><th>环节</th><th>办理人</th><th>内容</th></tr></thead><tbody>${rows}</tbody></table>`,
  };
}

// ---------------------------------------------------------------------------------------------- the volume

const CN_NUMBERS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

const STYLE = `
  @page { size: A4; margin: 18mm 16mm 18mm 16mm; }
  * { box-sizing: border-box; }
  body { margin: 0; font-family: 'SimSun', 'Songti SC', 'Noto Serif CJK SC', serif; font-size: 11.5pt; line-height: 1.6; color: #000; background: #e8e8e8; }
  .sheet { background: #fff; width: 210mm; min-height: 297mm; margin: 8mm auto; padding: 18mm 16mm; box-shadow: 0 1px 4px rgba(0,0,0,.25); }
  h1, h2, h3 { font-family: 'SimHei', 'Heiti SC', 'Noto Sans CJK SC', sans-serif; font-weight: bold; }
  h2 { font-size: 16pt; border-bottom: 2px solid #000; padding-bottom: 2mm; margin: 0 0 5mm; }
  h3 { font-size: 12.5pt; margin: 6mm 0 2mm; }
  h3.sub { font-size: 13pt; }
  .cover { display: flex; flex-direction: column; justify-content: space-between; }
  .cover h1 { text-align: center; font-size: 26pt; letter-spacing: .3em; margin: 40mm 0 6mm; }
  .cover .subtitle { text-align: center; font-size: 13pt; margin-bottom: 24mm; }
  .cover table.fields { width: 80%; margin: 0 auto; }
  .cover .foot { text-align: center; font-size: 10pt; color: #333; }
  table { border-collapse: collapse; width: 100%; }
  table.fields th, table.fields td, table.grid th, table.grid td { border: 1px solid #000; padding: 1.6mm 2.4mm; vertical-align: top; text-align: left; }
  table.fields th { width: 34mm; font-weight: normal; background: #f3f3f3; white-space: nowrap; }
  table.fields td, table.grid td { white-space: pre-wrap; word-break: break-word; }
  table.meta { margin: 0 0 3mm; font-size: 9.5pt; color: #222; }
  table.meta th { width: 22mm; font-weight: normal; text-align: left; padding: .4mm 2mm .4mm 0; white-space: nowrap; vertical-align: top; }
  table.meta td { padding: .4mm 0; word-break: break-all; white-space: pre-wrap; }
  table.grid thead th { background: #f3f3f3; font-weight: normal; }
  table.timeline td:nth-child(1) { width: 9mm; text-align: right; }
  table.timeline td:nth-child(2) { width: 30mm; white-space: nowrap; }
  table.timeline td:nth-child(3) { width: 20mm; }
  table.timeline td:nth-child(4) { width: 34mm; }
  tr.overdue td { font-weight: bold; }
  .toc-title { letter-spacing: 1em; text-align: center; }
  .toc ol { list-style: none; padding: 0; font-size: 13pt; }
  .toc li { display: flex; border-bottom: 1px dotted #777; padding: 2.5mm 0; }
  .toc li a { color: #000; text-decoration: none; flex: 1; }
  .toc li .count { color: #333; }
  .document { border: 1px solid #999; padding: 3mm 4mm; margin: 0 0 5mm; break-inside: avoid-page; }
  .document h3 { margin-top: 0; }
  pre.issued-text { white-space: pre-wrap; word-break: break-word; font-family: inherit; font-size: 10.5pt; margin: 0; padding: 3mm; background: #fafafa; border-left: 3px solid #999; }
  .issued-host { border-top: 1px dashed #999; padding-top: 3mm; }
  .missing { border: 2px solid #000; padding: 3mm; font-weight: bold; }
  .empty { color: #444; }
  .hint { font-size: 10pt; color: #333; }
  .end { margin-top: 8mm; font-size: 10pt; }
  @media print {
    body { background: #fff; }
    .sheet { width: auto; min-height: 0; margin: 0; padding: 0; box-shadow: none; break-after: page; }
    .sheet:last-child { break-after: auto; }
    .cover { min-height: 255mm; }
    a { color: #000; text-decoration: none; }
    .noprint { display: none !important; }
  }
`;

/**
 * The dossier of an archived case as one HTML page. Throws PhaseConflictError for a case that is not archived
 * (art. 18: the volume is made when the case is archived).
 */
export function renderDossier(input: DossierInput): string {
  const c = input.case;
  if (c.phase !== 'archived' || !c.archive?.at) {
    throw new PhaseConflictError('dossier', c.phase, `投诉件当前环节为“${PHASE_LABELS[c.phase]}”，尚未归档，没有归档案卷。`);
  }
  const j = input.jurisdiction;
  const v = viewFor(input.viewer, c);
  const timeline = timelineFor(
    input.viewer,
    c,
    [...input.timeline].sort((a, b) => a.seq - b.seq),
  );
  // Documents addressed to officials were built from the redacted case (art. 13); a department reads those sent to units.
  const docs = issuedDocumentsOf(input.timeline).filter((d) => input.viewer.role !== 'department' || d.audience === 'department');
  const sections: Section[] = [
    complaintRecord(input, v),
    slipsSection(input, docs),
    noticesSection(input, docs),
    conclusionSection(input, v),
    rectificationSection(input, v),
    replySection(input, v),
    followUpSection(input, v, timeline),
    timelineSection(input, timeline),
  ];
  const o = c.outcome;
  const how = o?.kind === 'concluded' ? `办结（${FINDING_LABELS_INTERNAL[o.finding]}）` : o?.kind === 'not_accepted' ? '不予受理' : o?.kind === 'terminated' ? '终止办理' : '归档';
  const cover = `<section class="sheet cover" id="cover"><div><h1>投诉处理工作档案</h1><p class="subtitle">${e(j.agency.name)}</p>${table([
    ['受理编号', c.trackingNo],
    ['被投诉单位', v.intake.respondent.unit ?? departmentName(j, v.intake.respondent.unitCode)],
    ['投诉事项', v.intake.matter.length > 80 ? `${v.intake.matter.slice(0, 80)}……` : v.intake.matter],
    ['收到日期', cnDateTime(c.receivedAt)],
    ['办理结果', how],
    ['归档日期', cnDateTime(c.archive.at)],
    ['档案文件', c.archive.sha256 ? `SHA-256 ${c.archive.sha256}` : '（未写入档案存储）'],
    ['卷内材料', `交办单 ${sections[1]!.count}，告知书和通知 ${sections[2]!.count}，办理过程记录 ${sections[7]!.count}`],
  ])}</div><p class="foot">依据《${e(input.rules.title)}》第十八条建立投诉处理工作档案，归档成册。<br>打印：${e(actorText(input.viewer, j))}，${e(cnDateTime(input.printedAt))}</p></section>`;
  const toc = `<section class="sheet toc" id="toc"><h2 class="toc-title">目录</h2><ol>${sections
    .map((s, n) => `<li><a href="#${s.id}">${CN_NUMBERS[n]}、${e(s.title)}</a><span class="count">${s.count ? e(s.count) : ''}</span></li>`)
    .join('')}</ol></section>`;
  const body = sections.map((s, n) => `<section class="sheet" id="${s.id}"><h2>${CN_NUMBERS[n]}、${e(s.title)}</h2>${s.body}</section>`).join('\n');
  const end = `<p class="end">本卷至此结束。档案文件（JSON）${c.archive.ref ? `存于 ${e(c.archive.ref)}` : '未写入档案存储'}；交办单和通知为发出时的原文，可按 SHA-256 与档案文件核对。</p>`;
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>投诉处理工作档案 ${e(c.trackingNo)}</title>
<style>${STYLE}</style>
</head>
<body>
${cover}
${toc}
${body.replace(/<\/section>$/, `${end}</section>`)}
</body>
</html>
`;
}
