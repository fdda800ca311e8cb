/**
 * The art. 17 analysis of the demo data, rendered in Debian's Chromium (playwright-core): `tousu demo` runs every
 * channel on the embedded runtime and every life-cycle path in the sandbox, keeping its data directory; the channel
 * cases' evaluation facts are in the runtime's database, and the paths' cases (which the sandbox runs without the
 * fact-recording store) are back-filled the documented way (recordFacts(undefined, record) per case). The analysis of
 * the busiest quarter then renders with its charts as inline SVG and nothing loaded from outside (its CSP allows
 * inline style only); the page is screenshot to docs/analysis-report.png.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { chromium } from 'playwright-core';
import { runDemo } from '../../infra/cli/commands/demo';
import { DATABASE_FILE, openSqliteStores } from '../../shared/adapters/local/sqlite';
import { loadJurisdiction } from '../../shared/config/load';
import { CaseRecord } from '../../shared/domain/case';
import { recordFacts } from '../../shared/services/evaluation';
import { buildAnalysisReport, renderAnalysisHtml } from '../../shared/services/evaluation-analysis';
import { REPO } from './runtime-helpers';

const CHROMIUM = '/usr/bin/chromium';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

describe('the art. 17 analysis of the demo data in headless Chromium', () => {
  let root: string;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    root = await mkdtemp(join(tmpdir(), 'tousu-analysis-demo-'));
  });
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('renders with charts and no outside resource', async () => {
    const out = new Sink();
    const demo = await runDemo({ dataDir: join(root, 'demo') }, out);
    if (!demo.ok) throw new Error(`demo failed:\n${demo.failures.join('\n')}`);

    const stores = openSqliteStores(join(root, 'demo', 'runtime', DATABASE_FILE));
    try {
      const paths = new Database(join(root, 'demo', 'paths', DATABASE_FILE), { readonly: true });
      const records = paths
        .prepare<[], { record: string }>('SELECT record FROM cases')
        .all()
        .map((r) => CaseRecord.parse(JSON.parse(r.record)));
      paths.close();
      for (const r of records) await recordFacts({ facts: stores.facts }, undefined, r);
      const runtimeCases = stores.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM cases').get()!.n;
      expect(records.length).toBeGreaterThan(5);
      expect(runtimeCases).toBeGreaterThan(5);

      const code = records[0]!.jurisdiction;
      const quarters = stores.db
        .prepare<[string], { quarter: string; n: number }>('SELECT quarter, count(*) AS n FROM evaluation_facts WHERE jurisdiction = ? GROUP BY quarter ORDER BY n DESC')
        .all(code);
      const quarter = quarters[0]!.quarter;
      const report = await buildAnalysisReport({ facts: stores.facts, clock: { now: () => new Date() } }, loadJurisdiction(code), quarter);
      expect(report.trend.at(-1)!.received).toBeGreaterThan(5);
      expect(report.byCause.some((c) => c.key !== '(untagged)' && c.current > 0)).toBe(true);
      const html = renderAnalysisHtml(report);

      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
      try {
        const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1240, height: 900 } });
        const page = await context.newPage();
        const requests: string[] = [];
        const csp: string[] = [];
        page.on('request', (r) => {
          if (!r.url().startsWith('data:') && !r.url().startsWith('about:')) requests.push(r.url());
        });
        page.on('console', (m) => {
          if (/Content Security Policy|Refused to/i.test(m.text())) csp.push(m.text());
        });
        await page.setContent(html, { waitUntil: 'load' });
        expect(await page.locator('svg').count()).toBeGreaterThanOrEqual(5);
        expect(await page.locator('svg polyline').count()).toBe(3); // the trend lines
        expect(await page.locator('h2').allTextContents()).toEqual(expect.arrayContaining(['二、投诉原因分类', '三、按政务服务事项', '六、重复被投诉的单位和人员']));
        expect(requests).toEqual([]);
        expect(csp).toEqual([]);
        await page.screenshot({ path: resolve(REPO, 'docs/analysis-report.png'), fullPage: true });
      } finally {
        await browser.close();
      }
    } finally {
      stores.close();
    }
  }, 600_000);
});
