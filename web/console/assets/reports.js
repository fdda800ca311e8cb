/* global window, location */
/**
 * 考核评价: the quarterly art. 20 evaluation and art. 17 analysis (issue 10) for the agency and leaders.
 * Data from GET /api/reports/evaluation (JSON), rendered as text only (dom.js h(): text nodes and
 * textContent, never innerHTML): respondents' names come from complainants' free text. The CSV and the HTML
 * page are fetched with the bearer token (a plain link would get 401): the CSV is saved as a download, the
 * HTML opened in a new tab from a Blob URL (the page has no script; its own CSP allows inline style only).
 */
import { api, download, qs } from './api.js';
import { append, fmtDateTime, h } from './dom.js';

export const REPORT_ROLES = ['agency', 'leader'];
const QUARTER_RE = /^(\d{4})Q([1-4])$/;
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

/** `2026Q1` of an instant, in Asia/Shanghai. */
export function quarterOf(iso) {
  const d = new Date(Date.parse(iso) + SHANGHAI_OFFSET_MS);
  return `${d.getUTCFullYear()}Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

export function previousQuarter(q) {
  const m = QUARTER_RE.exec(q);
  if (!m) return q;
  const year = Number(m[1]);
  const n = Number(m[2]);
  return n === 1 ? `${year - 1}Q4` : `${year}Q${n - 1}`;
}

const quarterLabel = (q) => {
  const m = QUARTER_RE.exec(q);
  return m ? `${m[1]}年第${m[2]}季度` : q;
};

/** `87.5%`, or `—` when there was nothing to divide (the server sends null). */
const rate = (r) => (typeof r === 'number' ? `${(Math.round(r * 1000) / 10).toFixed(1)}%` : '—');

/** The quarters offered: the current one (in progress) and the eleven before it, on the server's clock. */
function quarterOptions(current, selected) {
  const list = [current];
  while (list.length < 12) list.push(previousQuarter(list[list.length - 1]));
  if (selected && !list.includes(selected)) list.push(selected);
  return list.map((q) => h('option', { value: q, text: q === current ? `${quarterLabel(q)}（进行中）` : quarterLabel(q), selected: q === selected }));
}

function table(caption, head, rows, rowClass) {
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'plain report' },
      h('caption', { text: caption }),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          head.map((t) => h('th', { scope: 'col', text: t })),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r, i) =>
          h(
            'tr',
            { class: rowClass ? rowClass(i) : undefined },
            r.map((cell) => h('td', {}, cell)),
          ),
        ),
      ),
    ),
  );
}

function respondentTable(caption, rows, person) {
  if (rows.length === 0) return [h('h3', { text: caption }), h('p', { class: 'empty', text: '本季度无记录。' })];
  const head = [person ? '被投诉人员' : '被投诉单位', ...(person ? ['所在单位'] : []), '收到投诉', '属实', '部分属实', '不属实', '计入属实', '超期办结', '评优评先资格', '理由'];
  return table(
    caption,
    head,
    rows.map((r) => [
      r.name,
      ...(person ? [r.unitName ?? ''] : []),
      String(r.received),
      String(r.substantiated),
      String(r.partial),
      String(r.unfounded),
      String(r.counted),
      String(r.overdueConclusions),
      r.eligible ? '保留' : h('strong', { text: '取消' }),
      (r.reasons ?? []).join('；'),
    ]),
    (i) => (rows[i].eligible ? undefined : 'lost'),
  );
}

function clockText(overdueByClock, clocks) {
  const parts = Object.entries(overdueByClock ?? {}).map(([clock, n]) => `${clocks?.[clock] ?? clock} ${n}`);
  return parts.length ? parts.join('；') : '—';
}

function departmentTable(report, clocks) {
  const head = ['承办部门', '收到', '受理', '不予受理', '受理率', '办结', '按期办结率', '延期率', '回访', '满意率', '超期（各环节）'];
  const row = (g) => [
    g.label,
    String(g.received),
    String(g.accepted),
    String(g.notAccepted),
    rate(g.acceptanceRate),
    String(g.concluded),
    rate(g.onTimeRate),
    rate(g.extensionRate),
    String(g.followUps),
    rate(g.satisfactionRate),
    clockText(g.overdueByClock, clocks),
  ];
  const rows = [...report.byDepartment.map(row), row(report.totals)];
  return table('按承办部门统计（第十七条）', head, rows, (i) => (i === rows.length - 1 ? 'total' : undefined));
}

function summaryCards(report) {
  const t = report.totals;
  const cards = [
    ['收到投诉', String(t.received)],
    ['办结', String(t.concluded)],
    ['按期办结率', rate(t.onTimeRate)],
    ['满意率', rate(t.satisfactionRate)],
    ['取消资格的单位', String(report.respondents.units.filter((r) => !r.eligible).length)],
    ['取消资格的人员', String(report.respondents.persons.filter((r) => !r.eligible).length)],
  ];
  return h(
    'dl',
    { class: 'report-cards' },
    cards.map(([k, v]) => h('div', { class: 'report-card' }, h('dt', { text: k }), h('dd', { text: v }))),
  );
}

/** Fetches the HTML report with the token and opens it in a tab from a Blob URL. */
async function openHtml(path, status) {
  // Opened synchronously in the click, so no pop-up blocker stops it; pointed at the report once it arrived.
  const win = window.open('', '_blank');
  try {
    const res = await api.raw(path);
    const url = URL.createObjectURL(new Blob([await res.blob()], { type: 'text/html;charset=utf-8' }));
    setTimeout(() => URL.revokeObjectURL(url), 10 * 60_000);
    if (win) {
      win.opener = null;
      win.location.replace(url);
      status.textContent = '已在新标签页打开 HTML 报告。';
    } else {
      // Pop-ups blocked: a link the user clicks (a Blob URL we made, never data from the report).
      const a = h('a', { target: '_blank', rel: 'noopener', text: '点此打开 HTML 报告' });
      a.setAttribute('href', url);
      status.textContent = '';
      status.append('浏览器阻止了新窗口：', a);
    }
  } catch (err) {
    win?.close();
    status.textContent = err.message;
  }
}

/**
 * The page. `ctx`: { main, page(title, ...children), errorBox(err), go(path), role, jurisdiction }.
 */
export async function reportPage(ctx) {
  const { main, page, errorBox, go } = ctx;
  const title = '考核评价';
  if (!REPORT_ROLES.includes(ctx.role)) {
    page(title, h('div', { class: 'error-box', role: 'alert', text: '只有政务服务管理机构和主管领导可以查看考核评价报告。' }));
    return;
  }
  const wanted = new URLSearchParams(location.search).get('quarter') ?? '';
  const lead = h('p', { class: 'lead', text: '依据第二十条（一个季度内属实投诉超过 3 次或存在超期办结的，取消评优评先资格）和第十七条（定期分析）统计；季度按北京时间划分。' });
  page(title, lead, h('p', { class: 'loading', text: '正在生成报告……' }));

  let report;
  try {
    report = await api.get(`/api/reports/evaluation${qs({ quarter: wanted })}`);
  } catch (err) {
    main.querySelector('.loading')?.remove();
    append(main, [errorBox(err), wanted ? h('p', {}, h('a', { href: '/console/reports', dataset: { nav: '1' }, text: '查看上一个已结束的季度' })) : null]);
    return;
  }
  const quarter = report.quarter;
  const current = quarterOf(report.generatedAt);

  const form = h(
    'form',
    { class: 'filters', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'report-quarter', text: '季度' }), h('select', { id: 'report-quarter', name: 'quarter' }, quarterOptions(current, quarter))),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn', text: '查看' })),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    go(`/console/reports${qs({ quarter: form.elements.namedItem('quarter').value })}`);
  });

  const base = `/api/reports/evaluation${qs({ quarter })}`;
  const status = h('span', { class: 'hint', role: 'status' });
  const csvButton = h('button', {
    type: 'button',
    class: 'btn',
    text: '下载 CSV（Excel）',
    on: {
      click: async () => {
        status.textContent = '';
        try {
          await download(`${base}&format=csv`, `考核评价-${report.jurisdiction.code}-${quarter}.csv`);
        } catch (err) {
          status.textContent = err.message;
        }
      },
    },
  });
  const htmlButton = h('button', { type: 'button', class: 'btn', text: '打开 HTML 报告', on: { click: () => void openHtml(`${base}&format=html`, status) } });
  // Art. 17: the analysis of this quarter and the three before it (causes, service items, trends, repeat respondents).
  const analysisBase = `/api/reports/analysis${qs({ quarter })}`;
  const analysisButton = h('button', { type: 'button', class: 'btn', text: '打开投诉分析（第十七条）', on: { click: () => void openHtml(`${analysisBase}&format=html`, status) } });
  const analysisCsvButton = h('button', {
    type: 'button',
    class: 'btn',
    text: '下载投诉分析 CSV',
    on: {
      click: async () => {
        status.textContent = '';
        try {
          await download(`${analysisBase}&format=csv`, `投诉分析-${report.jurisdiction.code}-${quarter}.csv`);
        } catch (err) {
          status.textContent = err.message;
        }
      },
    },
  });

  const units = report.respondents.units;
  const persons = report.respondents.persons;
  page(
    title,
    lead,
    form,
    h(
      'section',
      { class: 'card report-head' },
      h('h2', { text: report.title }),
      h('p', {
        class: 'hint',
        text: `统计期间：${report.period.firstDay} 至 ${report.period.lastDay}（北京时间）· 生成时间：${fmtDateTime(report.generatedAt)} · 适用规则：${report.rule.rulesTitle}（${report.rule.rulesVersion}）`,
      }),
      summaryCards(report),
      h('p', { class: 'toolbar' }, csvButton, htmlButton, analysisButton, analysisCsvButton, status),
    ),
    h('section', { class: 'card', id: 'report-units' }, h('h2', { text: '一、被投诉单位考评（第二十条）' }), respondentTable(`被投诉单位（${units.length}）`, units, false)),
    h('section', { class: 'card', id: 'report-persons' }, h('h2', { text: '二、被投诉工作人员考评（第二十条）' }), respondentTable(`被投诉工作人员（${persons.length}）`, persons, true)),
    h('section', { class: 'card', id: 'report-departments' }, h('h2', { text: '三、按承办部门统计（第十七条）' }), departmentTable(report, ctx.clocks)),
    h(
      'section',
      { class: 'card', id: 'report-notes' },
      h('h2', { text: '说明' }),
      h(
        'ul',
        { class: 'notes' },
        report.notes.map((n) => h('li', { text: n })),
      ),
    ),
  );
}
