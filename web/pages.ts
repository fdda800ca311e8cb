/**
 * The public pages (Simplified Chinese, mobile first, accessible): the complaint form, the result page and the
 * status look-up. Rendered on the server with hono/html (which escapes every interpolated value), so the
 * basic submit works without JavaScript; web/script.ts adds progressive enhancement.
 */
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { FieldProblem } from '../shared/domain/errors';
import type { Acknowledgement } from '../shared/domain/notices/acknowledgement';
import { EVIDENCE_LIMITS } from '../shared/domain/evidence-limits';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const STYLE = `
*{box-sizing:border-box}body{margin:0;font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;font-size:17px;line-height:1.6;color:#1a1a1a;background:#f6f7f9}
header{background:#b0191e;color:#fff;padding:.8rem 1rem}header a{color:#fff}header p{margin:0;font-size:.9rem}
main{max-width:42rem;margin:0 auto;padding:1rem}h1{font-size:1.4rem;margin:.5rem 0 1rem}
fieldset{border:1px solid #ccd;border-radius:6px;margin:0 0 1rem;padding:.8rem;background:#fff}legend{font-weight:600;padding:0 .3rem}
.field{margin:0 0 .9rem}label{display:block;font-weight:600}.hint{display:block;color:#555;font-size:.9rem}
input[type=text],input[type=tel],input[type=email],textarea{width:100%;padding:.55rem;font-size:1rem;border:1px solid #889;border-radius:4px}
textarea{min-height:8rem}.check label{display:inline;font-weight:400}.check input{width:1.2rem;height:1.2rem;vertical-align:middle;margin-right:.4rem}
[aria-invalid=true]{border-color:#b0191e;outline:2px solid #b0191e}.error{color:#b0191e;font-weight:600;margin:.2rem 0 0}
.summary{border:3px solid #b0191e;background:#fff;padding:.8rem;margin-bottom:1rem}.summary:empty{display:none}.summary h2{font-size:1.1rem;margin:0 0 .4rem}.summary ul{margin:0;padding-left:1.2rem}.summary:focus{outline:3px solid #ffbf47}
button{background:#b0191e;color:#fff;border:0;border-radius:4px;padding:.8rem 1.4rem;font-size:1.05rem;width:100%}button:focus,a:focus,input:focus,textarea:focus{outline:3px solid #ffbf47;outline-offset:1px}
.result{background:#fff;border:2px solid #1d6b33;border-radius:6px;padding:1rem}.code{font-family:ui-monospace,monospace;font-size:1.3rem;letter-spacing:.08em;background:#f0f0f0;padding:.1rem .4rem}
dl div{margin-bottom:.4rem}dt{font-weight:600}dd{margin:0}ol.timeline{padding-left:1.2rem}.nowrap{white-space:nowrap}.result h2{font-size:1.15rem;margin-top:0}.again{margin-top:1.5rem}
@media(min-width:40rem){button{width:auto}}
`;

export function layout(title: string, body: Html, opts: { script?: boolean } = {}): Html {
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} - 政务服务投诉</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<header><p><a href="/">政务服务投诉</a> · <a href="/status">进度查询</a></p></header>
<main id="main">
${body}
</main>
${opts.script ? raw('<script src="/static/tousu-form.js" defer></script>') : ''}
</body>
</html>`;
}

export type FormValues = Record<string, string | boolean | undefined>;

const fieldId = (name: string): string => `f-${name.replace(/\./g, '-')}`;

function errorFor(problems: FieldProblem[], name: string): FieldProblem | undefined {
  return problems.find((p) => p.field === name);
}

function describedBy(name: string, hint: boolean, error: boolean): string {
  return [hint ? `${fieldId(name)}-hint` : '', error ? `${fieldId(name)}-error` : ''].filter(Boolean).join(' ');
}

function textField(
  name: string,
  label: string,
  values: FormValues,
  problems: FieldProblem[],
  opts: { type?: string; hint?: string; required?: boolean; autocomplete?: string; multiline?: boolean; maxlength?: number } = {},
): Html {
  const id = fieldId(name);
  const err = errorFor(problems, name);
  const value = typeof values[name] === 'string' ? (values[name] as string) : '';
  const desc = describedBy(name, Boolean(opts.hint), Boolean(err));
  const req = opts.required ? html`<span aria-hidden="true">（必填）</span>` : '';
  const input = opts.multiline
    ? html`<textarea id="${id}" name="${name}" ${opts.required ? raw('aria-required="true"') : ''} ${desc ? html`aria-describedby="${desc}"` : ''} ${err ? raw('aria-invalid="true"') : ''} maxlength="${opts.maxlength ?? 20000}">${value}</textarea>`
    : html`<input type="${opts.type ?? 'text'}" id="${id}" name="${name}" value="${value}" ${opts.autocomplete ? html`autocomplete="${opts.autocomplete}"` : ''} ${opts.required ? raw('aria-required="true"') : ''} ${desc ? html`aria-describedby="${desc}"` : ''} ${err ? raw('aria-invalid="true"') : ''} maxlength="${opts.maxlength ?? 300}">`;
  return html`<div class="field" data-field="${name}">
<label for="${id}">${label}${req}</label>
${opts.hint ? html`<span class="hint" id="${id}-hint">${opts.hint}</span>` : ''}
${input}
<p class="error" id="${id}-error" ${err ? '' : raw('hidden')}>${err?.message ?? ''}</p>
</div>`;
}

function checkField(name: string, label: string, values: FormValues, problems: FieldProblem[], hint?: string, checkedByDefault = false): Html {
  const id = fieldId(name);
  const err = errorFor(problems, name);
  const v = values[name];
  const checked = v === undefined ? checkedByDefault : v === true || v === 'on' || v === 'true';
  const desc = describedBy(name, Boolean(hint), Boolean(err));
  return html`<div class="field check" data-field="${name}">
<input type="checkbox" id="${id}" name="${name}" value="on" ${checked ? raw('checked') : ''} ${desc ? html`aria-describedby="${desc}"` : ''} ${err ? raw('aria-invalid="true"') : ''}>
<label for="${id}">${label}</label>
${hint ? html`<span class="hint" id="${id}-hint">${hint}</span>` : ''}
<p class="error" id="${id}-error" ${err ? '' : raw('hidden')}>${err?.message ?? ''}</p>
</div>`;
}

/** The form's fields in page order: the error summary lists problems in the order a reader meets the fields. */
const FIELD_ORDER = [
  'complainant',
  'complainant.anonymous',
  'complainant.name',
  'complainant.organization',
  'complainant.phone',
  'complainant.email',
  'complainant.address',
  'complainant.wantsReply',
  'complainant.confidential',
  'respondent',
  'respondent.unit',
  'respondent.person',
  'matter',
  'facts',
  'evidence',
  'caseId',
  'code',
];

function inFormOrder(problems: FieldProblem[]): FieldProblem[] {
  const rank = (f: string): number => {
    const i = FIELD_ORDER.indexOf(f);
    return i >= 0 ? i : FIELD_ORDER.length;
  };
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank(a.p.field) - rank(b.p.field) || a.i - b.i)
    .map((x) => x.p);
}

export function errorSummary(problems: FieldProblem[]): Html {
  problems = inFormOrder(problems);
  return html`<div class="summary" id="error-summary" role="alert" aria-live="assertive" tabindex="-1">${
    problems.length > 0 ? html`<h2>提交未成功，请修改以下 ${problems.length} 处：</h2><ul>${problems.map((p) => html`<li><a href="#${fieldId(p.field)}">${p.message}</a></li>`)}</ul>` : ''
  }</div>`;
}

export function formPage(args: {
  idempotencyKey: string;
  values?: FormValues;
  problems?: FieldProblem[];
  agencyName: string;
  jurisdictionName: string;
  evidence?: { maxFiles: number; maxFileBytes: number; maxTotalBytes: number };
}): Html {
  const ev = args.evidence ?? EVIDENCE_LIMITS;
  const values = args.values ?? {};
  const problems = args.problems ?? [];
  // 4 MB, 2.5 MB, 512 KB: a configured cap below a megabyte is not shown as "0 MB".
  const size = (n: number): string => (n >= 1024 * 1024 ? `${Number((n / (1024 * 1024)).toFixed(1))} MB` : `${Math.floor(n / 1024)} KB`);
  const mb = size(ev.maxFileBytes);
  const totalMb = size(ev.maxTotalBytes);
  return layout(
    '我要投诉',
    html`<h1>${args.jurisdictionName}政务服务投诉</h1>
<p>对政务服务审批部门（办理单位）及其工作人员在办事过程中的服务提出意见或建议。请如实填写，我们将依照《遂宁市政务服务投诉处理办法（试行）》办理。标注“必填”的为必填项。</p>
${errorSummary(problems)}
<form id="complaint-form" method="post" action="/api/complaints" enctype="multipart/form-data" novalidate>
<input type="hidden" name="idempotencyKey" value="${args.idempotencyKey}">
<fieldset><legend>投诉人信息</legend>
${checkField('complainant.anonymous', '我要匿名投诉', values, problems, '匿名投诉不保存您的姓名和联系方式，也不会收到答复（第十六条），但可凭受理编号和查询码查询进度。')}
<div id="identity">
${textField('complainant.name', '姓名', values, problems, { hint: '实名投诉请填写姓名或单位名称（第四条）。', autocomplete: 'name', maxlength: 100 })}
${textField('complainant.organization', '单位名称（企业投诉时填写）', values, problems, { autocomplete: 'organization', maxlength: 200 })}
${textField('complainant.phone', '联系电话', values, problems, { type: 'tel', hint: '手机号码或带区号的固定电话。', autocomplete: 'tel', maxlength: 40 })}
${textField('complainant.email', '电子邮箱', values, problems, { type: 'email', hint: '填写后，收件回执将发送到该邮箱。', autocomplete: 'email', maxlength: 254 })}
${textField('complainant.address', '联系地址', values, problems, { autocomplete: 'street-address', maxlength: 300 })}
${checkField('complainant.wantsReply', '我需要答复', values, problems, '办理结果将通过电话、电子邮件或当面告知（第十六条）。', true)}
</div>
${checkField('complainant.confidential', '请对我的身份信息保密', values, problems, '涉及个人隐私、商业秘密或您要求不公开的，我们将做好保密工作，不向被投诉人透露您的身份（第十三条）。')}
</fieldset>
<fieldset><legend>被投诉人信息</legend>
${textField('respondent.unit', '被投诉单位', values, problems, { required: true, hint: '例如：市市场监督管理局、某某窗口。', maxlength: 200 })}
${textField('respondent.person', '被投诉工作人员（如知道）', values, problems, { maxlength: 100 })}
</fieldset>
<fieldset><legend>投诉内容</legend>
${textField('matter', '具体投诉事项', values, problems, { required: true, multiline: true, hint: '请写明办理的是什么事项、遇到了什么问题。', maxlength: 20000 })}
${textField('facts', '事实和理由', values, problems, { multiline: true, hint: '时间、地点、经过，以及您的理由。', maxlength: 50000 })}
<div class="field" data-field="evidence">
<label for="f-evidence">证明材料（可选）</label>
<span class="hint" id="f-evidence-hint">最多 ${ev.maxFiles} 个文件，每个不超过 ${mb}，合计不超过 ${totalMb}；支持 JPG、PNG、WEBP 图片和 PDF。</span>
<input type="file" id="f-evidence" name="evidence" multiple accept=".jpg,.jpeg,.png,.webp,.pdf,image/jpeg,image/png,image/webp,application/pdf" aria-describedby="f-evidence-hint${errorFor(problems, 'evidence') ? ' f-evidence-error' : ''}" ${errorFor(problems, 'evidence') ? raw('aria-invalid="true"') : ''}>
<p class="error" id="f-evidence-error" ${errorFor(problems, 'evidence') ? '' : raw('hidden')}>${errorFor(problems, 'evidence')?.message ?? ''}</p>
</div>
</fieldset>
<p>提交即表示您确认所填内容真实。借投诉之机捏造事实、诬告他人的，依法承担责任（第五条）。</p>
<button type="submit">提交投诉</button>
</form>`,
    { script: true },
  );
}

export interface ResultView {
  caseId: string;
  queryCode?: string;
  status: string;
  mergedInto?: string;
  duplicate: boolean;
  ack: Acknowledgement;
}

export function resultPage(r: ResultView): Html {
  return layout(
    '投诉已提交',
    html`<section class="result" aria-labelledby="result-title" tabindex="-1" id="result">
<h1 id="result-title">${r.ack.heading}</h1>
<dl>
<div><dt>受理编号</dt><dd><span class="code" id="tracking-no">${r.caseId}</span></dd></div>
${
  r.queryCode
    ? html`<div><dt>查询码</dt><dd><span class="code" id="query-code">${r.queryCode}</span></dd></div>`
    : html`<div><dt>查询码</dt><dd id="query-code-note">这是同一投诉的重复提交，查询码已在首次提交成功时显示，出于安全原因不再显示。如已遗失，请携带受理编号联系政务服务管理机构。</dd></div>`
}
</dl>
${r.queryCode ? html`<p><strong>请记下或截图保存受理编号和查询码。查询码只显示这一次。</strong></p>` : ''}
${r.mergedInto ? html`<p>您的投诉与正在办理的投诉 <span class="nowrap">${r.mergedInto}</span> 为同一事项，已合并办理（第十一条）。</p>` : ''}
<h2>接下来</h2>
<ol>${r.ack.nextSteps.map((s) => html`<li>${s}</li>`)}</ol>
${
  // The page already says, in bold above, that the query code is shown only once: skip the note repeating it.
  (r.queryCode ? r.ack.notes.filter((n) => !n.startsWith('查询码只显示这一次')) : r.ack.notes).map((n) => html`<p>${n}</p>`)
}
<p><a href="/status?caseId=${encodeURIComponent(r.caseId)}">查询办理进度</a></p>
</section>
<p class="again"><a href="/">返回投诉页面</a></p>`,
  );
}

export interface PublicCaseView {
  caseId: string;
  trackingNo: string;
  status: string;
  statusLabel: string;
  receivedAt: string;
  channel: string;
  mergedInto?: string;
  /** The open deadline of the current step: its label, its due day in Chinese, and whether it is provisional (暂定). */
  due?: { label: string; date: string; provisional: boolean };
  timeline: { at: string; phase: string; label: string }[];
  /** Merged (art. 11): the progress of the case it joined, without anything of that case's complainant. */
  joined?: { trackingNo: string; status: string; statusLabel: string; due?: { label: string; date: string; provisional: boolean }; timeline: { at: string; phase: string; label: string }[] };
}

/** An instant as Beijing time, "2026-11-27 20:15" (mainland China has no daylight saving time: UTC+8). */
export function beijingTime(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return new Date(t + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

export function statusPage(args: { caseId?: string; view?: PublicCaseView; notFound?: string; problems?: FieldProblem[] }): Html {
  const problems = args.problems ?? [];
  const v = args.view;
  const caseErr = errorFor(problems, 'caseId');
  const codeErr = errorFor(problems, 'code');
  return layout(
    '进度查询',
    html`<h1>投诉办理进度查询</h1>
${errorSummary(problems)}
${args.notFound ? html`<div class="summary" role="alert" id="not-found"><p>${args.notFound}</p></div>` : ''}
${
  v
    ? html`<section class="result" aria-labelledby="status-title" id="status-result">
<h2 id="status-title">受理编号 <span class="nowrap">${v.trackingNo}</span></h2>
<p>当前状态：<strong id="status-label">${v.statusLabel}</strong></p>
${v.mergedInto ? html`<p>本投诉已与投诉 <span class="nowrap">${v.mergedInto}</span> 合并办理（第十一条），办理进度和结果以该件为准。</p>` : ''}
${
  v.joined
    ? html`<section class="joined" id="status-joined" aria-labelledby="joined-title">
<h3 id="joined-title">所并入投诉 <span class="nowrap">${v.joined.trackingNo}</span> 的办理进度</h3>
<p>当前状态：<strong id="joined-status-label">${v.joined.statusLabel}</strong></p>
${v.joined.due ? html`<p id="joined-due">${v.joined.due.label}：${v.joined.due.date}${v.joined.due.provisional ? html`<span class="provisional">（暂定）</span>` : ''}</p>` : ''}
<ol class="timeline">${v.joined.timeline.map((t) => html`<li><time datetime="${t.at}">${beijingTime(t.at)}</time> ${t.label}</li>`)}</ol>
<p class="hint">为保护其他投诉人的信息，此处只显示办理环节和时间。</p>
</section>`
    : ''
}
${v.due ? html`<p id="status-due">${v.due.label}：${v.due.date}${v.due.provisional ? html`<span class="provisional">（暂定：该年度国务院节假日安排尚未导入，导入后按正式安排重新确定）</span>` : ''}</p>` : ''}
<h3>办理过程</h3>
<p class="hint">时间为北京时间。</p>
<ol class="timeline">${v.timeline.map((t) => html`<li><time datetime="${t.at}">${beijingTime(t.at)}</time> ${t.label}</li>`)}</ol>
</section>
<h2 class="again">查询其他投诉</h2>`
    : ''
}
<form method="post" action="/status" id="status-form" novalidate>
<div class="field"><label for="f-caseId">受理编号</label>
<input type="text" id="f-caseId" name="caseId" value="${args.caseId ?? ''}" autocomplete="off" aria-required="true" ${caseErr ? raw('aria-invalid="true" aria-describedby="f-caseId-error"') : ''}>
<p class="error" id="f-caseId-error" ${caseErr ? '' : raw('hidden')}>${caseErr?.message ?? ''}</p></div>
<div class="field"><label for="f-code">查询码</label>
<span class="hint" id="f-code-hint">提交投诉时显示的 8 位查询码，不区分大小写。</span>
<input type="text" id="f-code" name="code" value="" autocomplete="off" autocapitalize="characters" aria-required="true" aria-describedby="f-code-hint${codeErr ? ' f-code-error' : ''}" ${codeErr ? raw('aria-invalid="true"') : ''}>
<p class="error" id="f-code-error" ${codeErr ? '' : raw('hidden')}>${codeErr?.message ?? ''}</p></div>
<button type="submit">查询</button>
</form>`,
  );
}

export function errorPage(title: string, message: string): Html {
  return layout(title, html`<h1>${title}</h1><div class="summary" role="alert"><p>${message}</p></div><p><a href="/">返回投诉页面</a></p>`);
}
