/**
 * The report as CSV for Excel: UTF-8 with a byte-order mark and CRLF line ends (Excel on Windows then opens
 * Chinese text correctly), one section per table, separated by an empty line. Cells that Excel would read
 * as a formula (=, +, -, @ first) are prefixed with an apostrophe: names come from complainants' free text.
 */
import { stringify } from 'csv-stringify/sync';
import { CLOCK_LABELS } from './labels';
import { formatRate } from './report';
import type { EvaluationReport, GroupStats, RespondentRow } from './report';

type Cell = string | number;

const FORMULA_START = /^[=+\-@\t\r]/;
const safe = (v: Cell): Cell => (typeof v === 'string' && FORMULA_START.test(v) ? `'${v}` : v);

const RESPONDENT_HEADER = ['收到投诉', '属实', '部分属实', '不属实', '计入属实件数', '超期办结', '评优评先资格', '理由', '计入属实的投诉编号', '超期办结的投诉编号'];

function respondentCells(r: RespondentRow): Cell[] {
  return [
    r.received,
    r.substantiated,
    r.partial,
    r.unfounded,
    r.counted,
    r.overdueConclusions,
    r.eligible ? '保留' : '取消',
    r.reasons.join('；'),
    r.countedCaseIds.join(' '),
    r.overdueCaseIds.join(' '),
  ];
}

const GROUP_HEADER = [
  '收到',
  '合并',
  '受理',
  '不予受理',
  '受理率',
  '办结',
  '按期办结',
  '按期办结率',
  '延期',
  '延期率',
  '回访',
  '满意',
  '基本满意',
  '不满意',
  '满意率',
  '终止',
  '改派件数',
  '改派次数',
  '超期（各环节）',
  '主要投诉事项',
];

function groupCells(g: GroupStats): Cell[] {
  const overdue = Object.entries(g.overdueByClock)
    .map(([clock, n]) => `${CLOCK_LABELS[clock as keyof typeof CLOCK_LABELS]} ${n}`)
    .join('；');
  return [
    g.received,
    g.merged,
    g.accepted,
    g.notAccepted,
    formatRate(g.acceptanceRate),
    g.concluded,
    g.concludedOnTime,
    formatRate(g.onTimeRate),
    g.extended,
    formatRate(g.extensionRate),
    g.followUps,
    g.satisfied,
    g.basicallySatisfied,
    g.dissatisfied,
    formatRate(g.satisfactionRate),
    g.terminated,
    g.reroutedCases,
    g.reroutes,
    overdue,
    g.topMatters.map((m) => `${m.label} ${m.count}`).join('；'),
  ];
}

export function renderCsv(report: EvaluationReport): string {
  const rows: Cell[][] = [
    [report.title],
    ['辖区', `${report.jurisdiction.name ?? ''}（${report.jurisdiction.code}）`],
    ['季度', report.quarterLabel, `${report.period.firstDay} 至 ${report.period.lastDay}`],
    ['生成时间', report.generatedAt],
    ['适用规则', `${report.rule.rulesTitle}（${report.rule.rulesVersion}）`],
    [],
    ['一、被投诉单位考评（第二十条）'],
    ['被投诉单位', ...RESPONDENT_HEADER],
    ...report.respondents.units.map((r) => [r.name, ...respondentCells(r)]),
    [],
    ['二、被投诉工作人员考评（第二十条）'],
    ['被投诉人员', '所在单位', ...RESPONDENT_HEADER],
    ...report.respondents.persons.map((r) => [r.name, r.unitName ?? '', ...respondentCells(r)]),
    [],
    ['三、按投诉渠道统计（第十七条）'],
    ['投诉渠道', ...GROUP_HEADER],
    ...report.byChannel.map((g) => [g.label, ...groupCells(g)]),
    [report.totals.label, ...groupCells(report.totals)],
    [],
    ['四、按承办部门统计（第十七条）'],
    ['承办部门', ...GROUP_HEADER],
    ...report.byDepartment.map((g) => [g.label, ...groupCells(g)]),
    [report.totals.label, ...groupCells(report.totals)],
    [],
    ['说明'],
    ...report.notes.map((n) => [n]),
  ];
  return stringify(
    rows.map((r) => r.map(safe)),
    { bom: true, record_delimiter: 'windows' },
  );
}
