import { describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { buildEvaluationReport, deriveFacts, renderCsv, renderHtml, renderJson, renderReport } from '../../shared/domain/evaluation';
import type { EvaluationReport } from '../../shared/domain/evaluation';
import { SUINING_2023 } from '../../shared/domain/rules';
import { concludedCase, shift } from './evaluation-fixtures';

function sampleReport(): EvaluationReport {
  const lives = [
    ...Array.from({ length: 4 }, (_, i) =>
      concludedCase({ finding: 'substantiated', unitCode: 'SCJGJ', person: '李四', concludedAt: shift('2024-02-01T10:00:00+08:00', i), satisfaction: 'satisfied' }),
    ),
    concludedCase({ finding: 'partial', unit: '=HYPERLINK("http://evil.example","点我")', concludedAt: '2024-02-10T10:00:00+08:00' }),
    concludedCase({ finding: 'unfounded', unit: '<script>alert(1)</script>街道办', channel: 'email', concludedAt: '2024-02-11T10:00:00+08:00', satisfaction: 'dissatisfied' }),
  ];
  const facts = lives.flatMap((l) => l.transitions.flatMap((t) => deriveFacts(t.before, t.after))).filter((f) => f.quarter === '2024Q1');
  return buildEvaluationReport({
    jurisdiction: { code: '510903', name: '船山区', departments: [{ code: 'SCJGJ', name: '遂宁市船山区市场监督管理局' }] },
    quarter: '2024Q1',
    facts,
    rules: SUINING_2023,
    generatedAt: '2024-04-01T01:00:00.000Z',
  });
}

describe('CSV for Excel', () => {
  const csv = renderCsv(sampleReport());

  it('starts with a UTF-8 BOM and ends every line with CRLF', () => {
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '').includes('\n')).toBe(false);
  });

  it('parses back into the Chinese tables with the verdicts', () => {
    const rows = parse(csv.slice(1), { relax_column_count: true, record_delimiter: '\r\n' }) as string[][];
    expect(rows[0]![0]).toBe('船山区政务服务投诉季度考评与分析报告（2024年第1季度）');
    const header = rows.findIndex((r) => r[0] === '被投诉单位');
    expect(rows[header]).toContain('评优评先资格');
    const scjgj = rows.find((r) => r[0] === '遂宁市船山区市场监督管理局')!;
    expect(scjgj[5]).toBe('4');
    expect(scjgj[7]).toBe('取消');
    expect(rows.find((r) => r[0] === '李四')?.[1]).toBe('遂宁市船山区市场监督管理局');
    expect(rows.some((r) => r[0] === '电子邮件')).toBe(true);
  });

  it('neutralises cells Excel would run as a formula', () => {
    const rows = parse(csv.slice(1), { relax_column_count: true }) as string[][];
    const evil = rows.find((r) => r[0]?.includes('HYPERLINK'))!;
    expect(evil[0]!.startsWith("'=")).toBe(true);
  });
});

describe('HTML page', () => {
  const html = renderHtml(sampleReport());

  it('is self-contained: inline SVG charts, no script, no external resource', () => {
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain("default-src 'none'");
    expect((html.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(3);
    expect(html).not.toMatch(/<script|<link|\bsrc=|href="http|@import|url\(/i);
  });

  it('escapes text from complaints and shows the verdicts in Chinese', () => {
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;街道办');
    expect(html).toContain('<strong>取消</strong>');
    expect(html).toContain('被投诉单位考评（第二十条）');
    expect(html).toContain('按期办结率');
  });
});

describe('JSON', () => {
  it('round-trips the report', () => {
    const r = sampleReport();
    expect(JSON.parse(renderJson(r))).toEqual(JSON.parse(JSON.stringify(r)));
    expect(renderReport(r, 'json')).toBe(renderJson(r));
    expect(renderReport(r, 'csv').charCodeAt(0)).toBe(0xfeff);
  });
});
