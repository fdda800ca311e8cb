/**
 * The report as one self-contained HTML page: inline CSS, charts as inline SVG drawn here, no script, no
 * external resource (a Content-Security-Policy forbids loading any). Opens offline, prints, and can be
 * attached to a mail.
 */
import { CLOCK_LABELS } from './labels';
import { formatRate } from './report';
import type { EvaluationReport, GroupStats, Rate, RespondentRow } from './report';

const esc = (s: string | number): string => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const COLORS = { ok: '#2f6db5', bad: '#c0392b', grey: '#9aa5b1', series: ['#2f6db5', '#27ae60', '#e67e22'] };

/** Rough width of a label in px at 12px: CJK characters are about twice as wide as Latin ones. */
const textWidth = (s: string): number => [...s].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 12 : 7), 0);

const clip = (s: string, maxPx: number): string => {
  if (textWidth(s) <= maxPx) return s;
  let out = '';
  for (const ch of s) {
    if (textWidth(`${out}${ch}…`) > maxPx) break;
    out += ch;
  }
  return `${out}…`;
};

export interface BarItem {
  label: string;
  value: number;
  color?: string;
  /** Text shown after the bar (defaults to the value). */
  text?: string;
}

/** Horizontal bar chart as an SVG element; `threshold` draws a dashed line (e.g. art. 20's "more than 3"). */
export function barChart(opts: { title: string; items: BarItem[]; threshold?: { value: number; label: string }; max?: number }): string {
  const labelW = 190;
  const barW = 420;
  const rowH = 24;
  const top = 34;
  const items = opts.items;
  if (items.length === 0) return `<figure class="chart"><figcaption>${esc(opts.title)}</figcaption><p class="empty">本季度无数据</p></figure>`;
  const max = Math.max(opts.max ?? 0, ...items.map((i) => i.value), opts.threshold ? opts.threshold.value + 1 : 0, 1);
  const height = top + items.length * rowH + 12;
  const x = (v: number) => labelW + (v / max) * barW;
  const bars = items
    .map((it, i) => {
      const y = top + i * rowH;
      const w = Math.max(0, x(it.value) - labelW);
      return (
        `<text x="${labelW - 8}" y="${y + 16}" text-anchor="end" class="lbl"><title>${esc(it.label)}</title>${esc(clip(it.label, labelW - 12))}</text>` +
        `<rect x="${labelW}" y="${y + 4}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${it.color ?? COLORS.ok}" rx="2"/>` +
        `<text x="${(labelW + w + 6).toFixed(1)}" y="${y + 16}" class="val">${esc(it.text ?? String(it.value))}</text>`
      );
    })
    .join('');
  const threshold = opts.threshold
    ? `<line x1="${x(opts.threshold.value).toFixed(1)}" x2="${x(opts.threshold.value).toFixed(1)}" y1="${top - 6}" y2="${height - 8}" stroke="${COLORS.bad}" stroke-dasharray="4 3"/>` +
      `<text x="${(x(opts.threshold.value) + 4).toFixed(1)}" y="${top - 10}" class="thr">${esc(opts.threshold.label)}</text>`
    : '';
  return (
    `<figure class="chart"><figcaption>${esc(opts.title)}</figcaption>` +
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${labelW + barW + 90} ${height}" width="${labelW + barW + 90}" height="${height}" role="img" aria-label="${esc(opts.title)}">` +
    `<line x1="${labelW}" x2="${labelW}" y1="${top - 4}" y2="${height - 8}" stroke="#555"/>${bars}${threshold}</svg></figure>`
  );
}

/** Grouped horizontal bars of rates (0..1) per category; a missing rate (nothing to divide) is shown as —. */
export function rateChart(opts: { title: string; categories: string[]; series: { name: string; values: Rate[] }[] }): string {
  const labelW = 190;
  const barW = 360;
  const barH = 10;
  const groupH = opts.series.length * (barH + 3) + 12;
  const top = 40;
  if (opts.categories.length === 0) return `<figure class="chart"><figcaption>${esc(opts.title)}</figcaption><p class="empty">本季度无数据</p></figure>`;
  const height = top + opts.categories.length * groupH + 8;
  const legend = opts.series
    .map((s, k) => `<rect x="${labelW + k * 120}" y="8" width="12" height="12" fill="${COLORS.series[k % 3]}"/><text x="${labelW + k * 120 + 16}" y="18" class="lbl">${esc(s.name)}</text>`)
    .join('');
  const groups = opts.categories
    .map((cat, i) => {
      const y0 = top + i * groupH;
      const label = `<text x="${labelW - 8}" y="${y0 + groupH / 2}" text-anchor="end" class="lbl"><title>${esc(cat)}</title>${esc(clip(cat, labelW - 12))}</text>`;
      const bars = opts.series
        .map((s, k) => {
          const v = s.values[i] ?? null;
          const y = y0 + k * (barH + 3);
          const w = v === null ? 0 : v * barW;
          return (
            `<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${COLORS.series[k % 3]}"/>` +
            `<text x="${(labelW + w + 4).toFixed(1)}" y="${y + barH - 1}" class="val small">${esc(formatRate(v))}</text>`
          );
        })
        .join('');
      return label + bars;
    })
    .join('');
  return (
    `<figure class="chart"><figcaption>${esc(opts.title)}</figcaption>` +
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${labelW + barW + 70} ${height}" width="${labelW + barW + 70}" height="${height}" role="img" aria-label="${esc(opts.title)}">` +
    `${legend}<line x1="${labelW}" x2="${labelW}" y1="${top - 4}" y2="${height - 4}" stroke="#555"/>${groups}</svg></figure>`
  );
}

function respondentTable(rows: RespondentRow[], person: boolean): string {
  if (rows.length === 0) return '<p class="empty">本季度无记录</p>';
  const head = `<tr><th>${person ? '被投诉人员' : '被投诉单位'}</th>${person ? '<th>所在单位</th>' : ''}<th>收到投诉</th><th>属实</th><th>部分属实</th><th>不属实</th><th>计入属实</th><th>超期办结</th><th>评优评先资格</th><th>理由</th><th>相关投诉编号</th></tr>`;
  const body = rows
    .map(
      (r) =>
        `<tr class="${r.eligible ? '' : 'lost'}"><td>${esc(r.name)}</td>${person ? `<td>${esc(r.unitName ?? '')}</td>` : ''}` +
        `<td>${r.received}</td><td>${r.substantiated}</td><td>${r.partial}</td><td>${r.unfounded}</td><td>${r.counted}</td><td>${r.overdueConclusions}</td>` +
        `<td>${r.eligible ? '保留' : '<strong>取消</strong>'}</td><td>${esc(r.reasons.join('；'))}</td>` +
        `<td class="ids">${esc([...r.countedCaseIds, ...r.overdueCaseIds.filter((id) => !r.countedCaseIds.includes(id))].join(' '))}</td></tr>`,
    )
    .join('');
  return `<table><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

function groupTable(first: string, groups: GroupStats[], totals: GroupStats): string {
  const head = `<tr><th>${esc(first)}</th><th>收到</th><th>合并</th><th>受理</th><th>不予受理</th><th>受理率</th><th>办结</th><th>按期办结率</th><th>延期</th><th>延期率</th><th>回访</th><th>满意率</th><th>不满意</th><th>改派</th><th>超期（各环节）</th><th>主要投诉事项</th></tr>`;
  const row = (g: GroupStats, cls = '') => {
    const overdue = Object.entries(g.overdueByClock)
      .map(([clock, n]) => `${CLOCK_LABELS[clock as keyof typeof CLOCK_LABELS]} ${n}`)
      .join('；');
    return (
      `<tr class="${cls}"><td>${esc(g.label)}</td><td>${g.received}</td><td>${g.merged}</td><td>${g.accepted}</td><td>${g.notAccepted}</td>` +
      `<td>${formatRate(g.acceptanceRate)}</td><td>${g.concluded}</td><td>${formatRate(g.onTimeRate)}</td><td>${g.extended}</td><td>${formatRate(g.extensionRate)}</td>` +
      `<td>${g.followUps}</td><td>${formatRate(g.satisfactionRate)}</td><td>${g.dissatisfied}</td><td>${g.reroutes}</td><td>${esc(overdue || '—')}</td>` +
      `<td>${esc(g.topMatters.map((m) => `${m.label} ${m.count}`).join('；') || '—')}</td></tr>`
    );
  };
  return `<table><thead>${head}</thead><tbody>${groups.map((g) => row(g)).join('')}${row(totals, 'total')}</tbody></table>`;
}

const STYLE = `
body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",sans-serif;margin:24px auto;max-width:1180px;color:#222;line-height:1.5;padding:0 12px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;border-left:4px solid #2f6db5;padding-left:8px;margin-top:32px}
.meta{color:#555;font-size:13px}.summary{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.card{border:1px solid #d5dbe3;border-radius:6px;padding:10px 16px;min-width:120px}.card b{display:block;font-size:22px}
table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0}th,td{border:1px solid #d5dbe3;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#eef2f7}tr.lost td{background:#fdecea}tr.total td{font-weight:bold;background:#f6f8fa}td.ids{font-size:11px;color:#555;word-break:break-all}
figure.chart{margin:12px 0}figcaption{font-weight:bold;margin-bottom:4px}svg .lbl{font-size:12px;fill:#333}svg .val{font-size:12px;fill:#333}svg .small{font-size:10px}svg .thr{font-size:11px;fill:#c0392b}
.empty{color:#888}.notes li{font-size:13px;color:#444}
@media print{body{margin:0}h2{break-after:avoid}}`;

/**
 * The opening of a self-contained report page, to its title: nothing is loaded from outside (inline styles and SVG
 * only, images as data: URLs), as the art. 17 and art. 20 reports are opened offline and mailed.
 */
export function reportHead(title: string, style: string): string {
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${style}</style>
</head>
<body>
<h1>${esc(title)}</h1>`;
}

export function renderHtml(report: EvaluationReport): string {
  const units = report.respondents.units;
  const lostUnits = units.filter((r) => !r.eligible).length;
  const lostPersons = report.respondents.persons.filter((r) => !r.eligible).length;
  const t = report.totals;
  const threshold = report.rule.substantiatedMoreThan;
  const chartUnits = units
    .filter((r) => r.counted > 0 || r.overdueConclusions > 0)
    .slice(0, 25)
    .map((r) => ({ label: r.name, value: r.counted, color: r.eligible ? COLORS.ok : COLORS.bad, text: `${r.counted}${r.overdueConclusions ? `（超期 ${r.overdueConclusions}）` : ''}` }));
  const channels = report.byChannel.filter((g) => g.received > 0 || g.concluded > 0 || g.followUps > 0);
  const depts = report.byDepartment.slice(0, 25);
  const cards = [
    ['收到投诉', t.received],
    ['办结', t.concluded],
    ['按期办结率', formatRate(t.onTimeRate)],
    ['满意率', formatRate(t.satisfactionRate)],
    ['取消资格的单位', lostUnits],
    ['取消资格的人员', lostPersons],
  ]
    .map(([k, v]) => `<div class="card">${esc(k!)}<b>${esc(v!)}</b></div>`)
    .join('');
  return `${reportHead(report.title, STYLE)}
<p class="meta">辖区：${esc(report.jurisdiction.name ?? '')}（${esc(report.jurisdiction.code)}）· 统计期间：${esc(report.period.firstDay)} 至 ${esc(report.period.lastDay)}（北京时间）· 生成时间：${esc(report.generatedAt)} · 适用规则：${esc(report.rule.rulesTitle)}（${esc(report.rule.rulesVersion)}）</p>
<div class="summary">${cards}</div>
<h2>一、被投诉单位考评（第二十条）</h2>
${barChart({ title: `各单位计入属实投诉件数（超过 ${threshold} 件或存在超期办结即取消评优评先资格；红色为取消）`, items: chartUnits, threshold: { value: threshold, label: `${threshold} 件` } })}
${respondentTable(units, false)}
<h2>二、被投诉工作人员考评（第二十条）</h2>
${respondentTable(report.respondents.persons, true)}
<h2>三、按投诉渠道统计（第十七条）</h2>
${barChart({ title: '各渠道收到投诉件数', items: channels.map((g) => ({ label: g.label, value: g.received })) })}
${groupTable('投诉渠道', report.byChannel, t)}
<h2>四、按承办部门统计（第十七条）</h2>
${rateChart({
  title: '各部门受理率、按期办结率、满意率',
  categories: depts.map((g) => g.label),
  series: [
    { name: '受理率', values: depts.map((g) => g.acceptanceRate) },
    { name: '按期办结率', values: depts.map((g) => g.onTimeRate) },
    { name: '满意率', values: depts.map((g) => g.satisfactionRate) },
  ],
})}
${groupTable('承办部门', report.byDepartment, t)}
<h2>五、主要投诉事项</h2>
${barChart({ title: '本季度收到投诉的主要事项（按关键词归类）', items: t.topMatters.map((m) => ({ label: m.label, value: m.count })) })}
<h2>说明</h2>
<ul class="notes">${report.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>
</body>
</html>
`;
}
