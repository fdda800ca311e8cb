/**
 * The art. 17 analysis as one self-contained HTML page (inline CSS, charts as inline SVG drawn here, no script, no
 * external resource: its CSP forbids any) and as CSV for Excel (UTF-8 with BOM, CRLF, formula-like cells defused).
 */
import { stringify } from 'csv-stringify/sync';
import type { AnalysisReport, AnalysisRow } from './analysis';
import { barChart, reportHead } from './render-html';
import { formatRate } from './report';

const esc = (s: string | number): string => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const SERIES = ['#2f6db5', '#c0392b', '#27ae60', '#e67e22'];
const signed = (n: number | null) => (n === null ? '—' : n > 0 ? `+${n}` : String(n));

/** Line chart of counts over the quarters, one line per series, values written at each point. */
export function lineChart(opts: { title: string; labels: string[]; series: { name: string; values: number[] }[] }): string {
  const w = 640;
  const h = 240;
  const left = 48;
  const right = 56;
  const top = 40;
  const bottom = 40;
  if (opts.labels.length === 0) return `<figure class="chart"><figcaption>${esc(opts.title)}</figcaption><p class="empty">无数据</p></figure>`;
  const max = Math.max(1, ...opts.series.flatMap((s) => s.values));
  const step = opts.labels.length > 1 ? (w - left - right) / (opts.labels.length - 1) : 0;
  const x = (i: number) => left + (opts.labels.length > 1 ? i * step : (w - left - right) / 2);
  const y = (v: number) => top + (h - top - bottom) * (1 - v / max);
  const grid = [0, 0.5, 1]
    .map((k) => {
      const v = Math.round(max * k);
      return `<line x1="${left}" x2="${w - right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e1e6ec"/><text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" class="val small">${v}</text>`;
    })
    .join('');
  const xLabels = opts.labels.map((l, i) => `<text x="${x(i).toFixed(1)}" y="${h - bottom + 18}" text-anchor="middle" class="lbl">${esc(l)}</text>`).join('');
  const legend = opts.series
    .map((s, k) => `<rect x="${left + k * 130}" y="8" width="12" height="12" fill="${SERIES[k % 4]}"/><text x="${left + k * 130 + 16}" y="18" class="lbl">${esc(s.name)}</text>`)
    .join('');
  const lines = opts.series
    .map((s, k) => {
      const pts = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
      const dots = s.values
        .map(
          (v, i) =>
            `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3.5" fill="${SERIES[k % 4]}"/><text x="${x(i).toFixed(1)}" y="${(y(v) - 8).toFixed(1)}" text-anchor="middle" class="val small">${v}</text>`,
        )
        .join('');
      return `<polyline points="${pts}" fill="none" stroke="${SERIES[k % 4]}" stroke-width="2"/>${dots}`;
    })
    .join('');
  return (
    `<figure class="chart"><figcaption>${esc(opts.title)}</figcaption>` +
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${esc(opts.title)}">${legend}${grid}${xLabels}${lines}</svg></figure>`
  );
}

function rowTable(first: string, report: AnalysisReport, list: AnalysisRow[]): string {
  if (list.length === 0) return '<p class="empty">无记录</p>';
  const head = `<tr><th>${esc(first)}</th>${report.quarterLabels.map((q) => `<th>${esc(q)}</th>`).join('')}<th>环比</th><th>本季度属实（含部分）</th><th>本季度回访</th><th>不满意</th><th>满意率</th></tr>`;
  const body = list
    .map(
      (r) =>
        `<tr><td>${esc(r.label)}</td>${r.received.map((n) => `<td>${n}</td>`).join('')}<td class="${(r.change ?? 0) > 0 ? 'up' : ''}">${signed(r.change)}</td>` +
        `<td>${r.substantiated}</td><td>${r.followUps}</td><td>${r.dissatisfied}</td><td>${formatRate(r.satisfactionRate)}</td></tr>`,
    )
    .join('');
  return `<table><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

const bars = (list: AnalysisRow[], limit = 15) =>
  list
    .filter((r) => r.current > 0)
    .slice(0, limit)
    .map((r) => ({ label: r.label, value: r.current, text: `${r.current}（环比 ${signed(r.change)}）` }));

const STYLE = `
body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",sans-serif;margin:24px auto;max-width:1180px;color:#222;line-height:1.5;padding:0 12px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;border-left:4px solid #2f6db5;padding-left:8px;margin-top:32px}
.meta{color:#555;font-size:13px}.summary{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.card{border:1px solid #d5dbe3;border-radius:6px;padding:10px 16px;min-width:120px}.card b{display:block;font-size:22px}
table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0}th,td{border:1px solid #d5dbe3;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#eef2f7}td.up{color:#c0392b;font-weight:bold}td.ids{font-size:11px;color:#555;word-break:break-all}
figure.chart{margin:12px 0}figcaption{font-weight:bold;margin-bottom:4px}svg .lbl{font-size:12px;fill:#333}svg .val{font-size:12px;fill:#333}svg .small{font-size:10px}
.charts{display:flex;flex-wrap:wrap;gap:12px}.empty{color:#888}.notes li{font-size:13px;color:#444}
@media print{body{margin:0}h2{break-after:avoid}}`;

export function renderAnalysisHtml(r: AnalysisReport): string {
  const now = r.trend[r.trend.length - 1]!;
  const prev = r.trend.length > 1 ? r.trend[r.trend.length - 2] : undefined;
  const cards = [
    ['本季度收到', now.received, prev ? `环比 ${signed(now.received - prev.received)}` : ''],
    ['本季度办结', now.concluded, ''],
    ['属实（含部分）', now.substantiated, ''],
    ['满意率', formatRate(now.satisfactionRate), `回访 ${now.followUps} 件`],
    ['重复被投诉', r.repeatRespondents.length, '单位或人员'],
  ]
    .map(([k, v, sub]) => `<div class="card">${esc(k!)}<b>${esc(v!)}</b>${sub ? `<small>${esc(sub)}</small>` : ''}</div>`)
    .join('');
  const repeat =
    r.repeatRespondents.length === 0
      ? '<p class="empty">无重复被投诉的单位或人员</p>'
      : `<table><thead><tr><th>被投诉人</th><th>类别</th>${r.quarterLabels.map((q) => `<th>${esc(q)}</th>`).join('')}<th>合计</th><th>本季度投诉编号</th></tr></thead><tbody>${r.repeatRespondents
          .map(
            (x) =>
              `<tr><td>${esc(x.name)}${x.unitName ? `（${esc(x.unitName)}）` : ''}</td><td>${x.kind === 'person' ? '工作人员' : '单位'}</td>${x.received.map((n) => `<td>${n}</td>`).join('')}<td>${x.total}</td><td class="ids">${esc(x.currentCaseIds.join(' '))}</td></tr>`,
          )
          .join('')}</tbody></table>`;
  return `${reportHead(r.title, STYLE)}
<p class="meta">辖区：${esc(r.jurisdiction.name ?? '')}（${esc(r.jurisdiction.code)}）· 所列季度：${esc(r.quarterLabels.join('、'))} · 生成时间：${esc(r.generatedAt)} · 依据：第十七条“定期对投诉内容进行分析，作为改进工作的重要参考”</p>
<div class="summary">${cards}</div>
<h2>一、季度趋势</h2>
${lineChart({
  title: '各季度收到、办结、属实投诉件数',
  labels: r.quarterLabels,
  series: [
    { name: '收到', values: r.trend.map((t) => t.received) },
    { name: '属实（含部分）', values: r.trend.map((t) => t.substantiated) },
    { name: '办结', values: r.trend.map((t) => t.concluded) },
  ],
})}
<table><thead><tr><th>季度</th><th>收到</th><th>办结</th><th>属实（含部分）</th><th>按期办结率</th><th>回访</th><th>不满意</th><th>满意率</th></tr></thead><tbody>${r.trend
    .map(
      (t) =>
        `<tr><td>${esc(t.label)}</td><td>${t.received}</td><td>${t.concluded}</td><td>${t.substantiated}</td><td>${formatRate(t.onTimeRate)}</td><td>${t.followUps}</td><td>${t.dissatisfied}</td><td>${formatRate(t.satisfactionRate)}</td></tr>`,
    )
    .join('')}</tbody></table>
<h2>二、投诉原因分类</h2>
${barChart({ title: `${r.quarterLabel}各原因分类收到件数（分类时标注：工作人员选定 ${r.causeTagging.staff} 件，系统建议 ${r.causeTagging.proposed} 件，尚未分类 ${r.causeTagging.untagged} 件）`, items: bars(r.byCause) })}
${rowTable('原因分类', r, r.byCause)}
<h2>三、按政务服务事项</h2>
${barChart({ title: `${r.quarterLabel}各服务事项收到件数（前 15 项）`, items: bars(r.byServiceItem) })}
${rowTable('服务事项', r, r.byServiceItem)}
<h2>四、按承办部门</h2>
${barChart({ title: `${r.quarterLabel}各部门收到件数`, items: bars(r.byDepartment) })}
${rowTable('承办部门', r, r.byDepartment)}
<h2>五、按投诉渠道</h2>
${barChart({ title: `${r.quarterLabel}各渠道收到件数`, items: bars(r.byChannel) })}
${rowTable(
  '投诉渠道',
  r,
  r.byChannel.filter((x) => x.received.some((n) => n > 0)),
)}
<h2>六、重复被投诉的单位和人员</h2>
${repeat}
<h2>说明</h2>
<ul class="notes">${r.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>
</body>
</html>
`;
}

type Cell = string | number;
const FORMULA_START = /^[=+\-@\t\r]/;
const safe = (v: Cell): Cell => (typeof v === 'string' && FORMULA_START.test(v) ? `'${v}` : v);

export function renderAnalysisCsv(r: AnalysisReport): string {
  const section = (title: string, first: string, list: AnalysisRow[]): Cell[][] => [
    [title],
    [first, '代码', ...r.quarterLabels, '环比', '本季度属实（含部分）', '本季度回访', '不满意', '满意率'],
    ...list.map((x) => [x.label, x.key, ...x.received, x.change === null ? '' : x.change, x.substantiated, x.followUps, x.dissatisfied, formatRate(x.satisfactionRate)]),
    [],
  ];
  const rows: Cell[][] = [
    [r.title],
    ['生成时间', r.generatedAt],
    [],
    ['一、季度趋势'],
    ['季度', '收到', '办结', '属实（含部分）', '按期办结率', '回访', '不满意', '满意率'],
    ...r.trend.map((t) => [t.label, t.received, t.concluded, t.substantiated, formatRate(t.onTimeRate), t.followUps, t.dissatisfied, formatRate(t.satisfactionRate)]),
    [],
    ...section('二、投诉原因分类', '原因分类', r.byCause),
    ...section('三、按政务服务事项', '服务事项', r.byServiceItem),
    ...section('四、按承办部门', '承办部门', r.byDepartment),
    ...section('五、按投诉渠道', '投诉渠道', r.byChannel),
    ['六、重复被投诉的单位和人员'],
    ['被投诉人', '类别', '所在单位', ...r.quarterLabels, '合计', '本季度投诉编号'],
    ...r.repeatRespondents.map((x) => [x.name, x.kind === 'person' ? '工作人员' : '单位', x.unitName ?? '', ...x.received, x.total, x.currentCaseIds.join(' ')]),
    [],
    ['说明'],
    ...r.notes.map((n) => [n]),
  ];
  return stringify(
    rows.map((row) => row.map(safe)),
    { bom: true, record_delimiter: 'windows' },
  );
}
