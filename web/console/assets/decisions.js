/* global location */
/**
 * 考评决定 (art. 20): the recorded decisions "取消评优评先资格" per respondent and quarter, from
 * /api/evaluation/decisions. The agency evaluates a quarter and rules on objections; a department liaison sees the
 * decisions on its unit and staff, objects to a ground, and records how it handled a referred staff member. Each
 * ground links to its case (whose read is audited there). Text only (dom.js h()), never innerHTML.
 */
import { api, qs } from './api.js';
import { fmtDateTime, h } from './dom.js';
import { previousQuarter, quarterOf } from './reports.js';

export const DECISION_ROLES = ['agency', 'leader', 'department', 'admin'];
const STATUS = { disqualified: '取消评优评先资格', withdrawn: '已撤销（经更正不再符合取消条件）' };
const GROUND = { substantiated: '属实投诉', partial: '部分属实投诉', overdue: '超期办结' };
const WHAT = {
  decided: '作出决定',
  re_evaluated: '重新评定',
  withdrawn: '撤销决定',
  reinstated: '恢复决定',
  objection_filed: '提出异议',
  objection_ruled: '复核异议',
  notified: '通知',
  referral_outcome: '所在单位处理结果',
};
const QUARTER_RE = /^(\d{4})Q([1-4])$/;
const quarterLabel = (q) => {
  const m = QUARTER_RE.exec(q);
  return m ? `${m[1]}年第${m[2]}季度` : q;
};

function field(id, label, input) {
  return h('div', { class: 'field' }, h('label', { for: id, text: label }), input);
}

/** A small form that posts and re-renders the page; the error stays beside the form. */
function actionForm(ctx, { legend, fields, submit, send }) {
  const status = h('p', { class: 'hint', role: 'status' });
  const form = h(
    'form',
    { class: 'decision-form', novalidate: true },
    h('fieldset', {}, h('legend', { text: legend }), fields, h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn', text: submit })), status),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    status.textContent = '正在提交……';
    try {
      await send(form.elements);
      ctx.setFlash(`${legend}已记录。`);
      ctx.render();
    } catch (err) {
      status.textContent = err.message;
    }
  });
  return form;
}

function groundRow(g) {
  const state = g.excluded ? `经复核不再计入：${g.excluded.reason}` : g.droppedAt ? '已不成立（办理结论或超期记录已更正）' : '计入';
  return h(
    'tr',
    { class: g.excluded || g.droppedAt ? 'struck' : undefined },
    h('td', {}, h('a', { href: `/console/cases/${encodeURIComponent(g.caseId)}`, dataset: { nav: '1' }, text: g.caseId })),
    h('td', { text: GROUND[g.kind] ?? g.kind }),
    h('td', { text: state }),
  );
}

function decisionCard(ctx, d) {
  const role = ctx.role;
  const id = d.id;
  const liveGrounds = d.grounds.filter((g) => !g.excluded && !g.droppedAt);
  const who = d.respondent.kind === 'person' ? `${d.respondent.name}（${d.respondent.unitName ?? ''}工作人员）` : d.respondent.name;
  const parts = [
    h('h3', {}, who, ' ', h('span', { class: d.status === 'disqualified' ? 'badge badge-overdue' : 'badge', text: STATUS[d.status] })),
    h('p', { class: 'hint', text: `决定编号 ${id} · 第 ${d.revision} 版 · 作出 ${fmtDateTime(d.decidedAt)} · 更新 ${fmtDateTime(d.updatedAt)}` }),
    h('p', { text: `理由：${d.reasons.join('；')}` }),
    h(
      'table',
      { class: 'plain' },
      h('caption', { text: `依据（${liveGrounds.length} 件计入）` }),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['投诉件', '类别', '状态'].map((t) => h('th', { scope: 'col', text: t })),
        ),
      ),
      h('tbody', {}, d.grounds.map(groundRow)),
    ),
  ];
  if (d.respondent.kind === 'person') {
    const outcome = d.referral?.outcome;
    parts.push(
      h('p', { text: outcome ? `所在单位处理结果（${fmtDateTime(outcome.at)}）：${outcome.text}` : '被投诉人是工作人员：已移交所在单位按有关规定或劳动合同约定处理，尚未登记处理结果（第二十条）。' }),
    );
    if (!outcome && (role === 'department' || role === 'agency')) {
      parts.push(
        actionForm(ctx, {
          legend: '登记所在单位处理结果',
          fields: [field(`ref-${id}`, '处理结果', h('textarea', { id: `ref-${id}`, name: 'text', rows: '2', required: true }))],
          submit: '登记',
          send: (el) => api.post(`/api/evaluation/decisions/${encodeURIComponent(id)}/referral-outcome`, { text: el.namedItem('text').value }),
        }),
      );
    }
  }
  for (const o of d.objections) {
    const ruled = o.ruling ? `${o.ruling.upheld ? '异议成立' : '异议不成立'}：${o.ruling.reason}（${fmtDateTime(o.ruling.at)}）` : '待政务服务管理机构复核';
    parts.push(h('div', { class: 'objection' }, h('p', { text: `异议（${fmtDateTime(o.at)}${o.caseId ? `，针对 ${o.caseId}` : ''}）：${o.text}` }), h('p', { class: 'hint', text: ruled })));
    if (!o.ruling && role === 'agency') {
      parts.push(
        actionForm(ctx, {
          legend: '复核异议',
          fields: [
            field(
              `upheld-${o.id}`,
              '复核结论',
              h('select', { id: `upheld-${o.id}`, name: 'upheld' }, h('option', { value: 'true', text: '异议成立（该依据不再计入）' }), h('option', { value: 'false', text: '异议不成立' })),
            ),
            field(`reason-${o.id}`, '复核意见', h('textarea', { id: `reason-${o.id}`, name: 'reason', rows: '2', required: true })),
          ],
          submit: '提交复核',
          send: (el) =>
            api.post(`/api/evaluation/decisions/${encodeURIComponent(id)}/objections/${encodeURIComponent(o.id)}/ruling`, {
              upheld: el.namedItem('upheld').value === 'true',
              reason: el.namedItem('reason').value,
            }),
        }),
      );
    }
  }
  if (d.status === 'disqualified' && (role === 'department' || role === 'agency')) {
    parts.push(
      actionForm(ctx, {
        legend: '提出异议',
        fields: [
          field(
            `obj-case-${id}`,
            '针对的依据',
            h(
              'select',
              { id: `obj-case-${id}`, name: 'caseId' },
              h('option', { value: '', text: '整个决定' }),
              liveGrounds.map((g) => h('option', { value: g.caseId, text: `${g.caseId}（${GROUND[g.kind]}）` })),
            ),
          ),
          field(`obj-text-${id}`, '异议理由', h('textarea', { id: `obj-text-${id}`, name: 'text', rows: '2', required: true })),
        ],
        submit: '提交异议',
        send: (el) => api.post(`/api/evaluation/decisions/${encodeURIComponent(id)}/objections`, { caseId: el.namedItem('caseId').value || undefined, text: el.namedItem('text').value }),
      }),
    );
  }
  parts.push(
    h(
      'details',
      {},
      h('summary', { text: `通知与变更记录（${d.history.length}）` }),
      h(
        'ol',
        { class: 'timeline' },
        d.history.map((x) => h('li', {}, h('time', { datetime: x.at, text: fmtDateTime(x.at) }), ` ${WHAT[x.what] ?? x.what}：${x.summary}`)),
      ),
    ),
  );
  return h('section', { class: 'card decision', id: `decision-${id}` }, parts);
}

/** `ctx`: { main, page, errorBox, go, render, setFlash, role, now }. */
export async function decisionsPage(ctx) {
  const { page, errorBox, go } = ctx;
  const title = '考评决定';
  const lead = h('p', { class: 'lead', text: '依第二十条，一个季度内属实投诉超过 3 次或存在超期办结的被投诉人，取消其相应评优评先资格；被投诉人是工作人员的，由所在单位处理。' });
  if (!DECISION_ROLES.includes(ctx.role)) return void page(title, h('div', { class: 'error-box', role: 'alert', text: '您的角色无权查看考评决定。' }));
  const wanted = new URLSearchParams(location.search).get('quarter') ?? '';
  let r;
  try {
    r = await api.get(`/api/evaluation/decisions${qs({ quarter: wanted })}`);
  } catch (err) {
    return void page(title, lead, errorBox(err));
  }
  const current = quarterOf(new Date().toISOString());
  const options = [current];
  while (options.length < 8) options.push(previousQuarter(options[options.length - 1]));
  if (!options.includes(r.quarter)) options.push(r.quarter);
  const form = h(
    'form',
    { class: 'filters', novalidate: true },
    field(
      'decisions-quarter',
      '季度',
      h(
        'select',
        { id: 'decisions-quarter', name: 'quarter' },
        options.map((q) => h('option', { value: q, text: quarterLabel(q), selected: q === r.quarter })),
      ),
    ),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn', text: '查看' })),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    go(`/console/decisions${qs({ quarter: form.elements.namedItem('quarter').value })}`);
  });
  const status = h('span', { class: 'hint', role: 'status' });
  const evaluate = r.mayEvaluate
    ? h('button', {
        type: 'button',
        class: 'btn primary',
        id: 'decisions-evaluate',
        text: `评定${quarterLabel(r.quarter)}`,
        on: {
          click: async () => {
            status.textContent = '正在评定……';
            try {
              const run = await api.post('/api/evaluation/decisions/evaluate', { quarter: r.quarter });
              ctx.setFlash(`评定完成：新作出或变更的决定 ${run.changed} 项，已通知 ${run.notified} 项。`);
              ctx.render();
            } catch (err) {
              status.textContent = err.message;
            }
          },
        },
      })
    : null;
  const cards =
    r.items.length === 0
      ? [h('p', { class: 'empty', text: `${quarterLabel(r.quarter)}没有取消评优评先资格的决定${r.mayEvaluate ? '（如本季度已结束，请点击“评定”）' : ''}。` })]
      : r.items.map((d) => decisionCard(ctx, d));
  page(title, lead, form, h('p', { class: 'toolbar' }, evaluate, status), cards);
}
