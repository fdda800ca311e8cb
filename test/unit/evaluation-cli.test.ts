/**
 * `tousu report evaluation` against a data directory with a real on-disk SQLite database (`tousu.db`, as `tousu start`
 * writes it), against a DynamoDB endpoint (dynalite), and the scheduled quarterly mail service against the same facts.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../infra/cli/main';
import { runEvaluationReport } from '../../infra/cli/commands/report';
import { DynamoEvaluationFactStore } from '../../shared/adapters/aws/dynamo-evaluation-facts';
import { documentClient, ensureTable, localDynamoClient, startDynalite } from '../../infra/local/dynalite';
import type { DynaliteHandle } from '../../infra/local/dynalite';
import { DATABASE_FILE, openSqliteStores } from '../../shared/adapters/local/sqlite';
import type { EvaluationFactStore } from '../../shared/ports/evaluation-facts';
import { loadJurisdiction } from '../../shared/config/load';
import { RulesRegistry } from '../../shared/domain/rules';
import type { MailSender, OutgoingMail } from '../../shared/ports';
import { recordFacts } from '../../shared/services/evaluation';
import { sendQuarterlyReport } from '../../functions/quarterly-report/service';
import { MemoryEvaluationDecisionStore } from '../../shared/adapters/memory/evaluation-decisions';
import { concludedCase, shift } from './evaluation-fixtures';

let dir: string;

/** The data directory's own database (a second connection while a test holds it open is allowed: WAL). */
async function withStore<T>(fn: (store: EvaluationFactStore) => Promise<T>): Promise<T> {
  const s = openSqliteStores(join(dir, DATABASE_FILE));
  try {
    return await fn(s.facts);
  } finally {
    s.close();
  }
}

/** The same facts on a DynamoDB endpoint (dynalite, in memory, on loopback). */
async function withDynamo<T>(fn: (store: DynamoEvaluationFactStore, h: DynaliteHandle) => Promise<T>): Promise<T> {
  const h = await startDynalite({ listen: true });
  const client = localDynamoClient(h);
  try {
    await ensureTable(client, 'tousu');
    return await fn(new DynamoEvaluationFactStore({ doc: documentClient(client), tableName: 'tousu' }), h);
  } finally {
    client.destroy();
    await h.close();
  }
}

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tousu-eval-cli-'));
  await withStore((store) => seed(store));
});

const seed = async (store: EvaluationFactStore) => {
  const lives = Array.from({ length: 4 }, (_, i) => concludedCase({ finding: 'substantiated', unitCode: 'SCJGJ', concludedAt: shift('2024-02-01T10:00:00+08:00', i), satisfaction: 'satisfied' }));
  for (const l of lives) for (const t of l.transitions) await recordFacts({ facts: store }, t.before, t.after);
};

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tousu report evaluation', () => {
  it('prints the JSON report of a quarter from the data directory', async () => {
    const { code, stdout } = await run(['report', 'evaluation', '--quarter', '2024Q1', '--jurisdiction', '510903', '--data-dir', dir]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.jurisdiction.name).toBe('船山区');
    expect(report.respondents.units[0]).toMatchObject({ name: '遂宁市船山区市场监督管理局', counted: 4, eligible: false });
  });

  it('writes CSV and HTML files with --out', async () => {
    const csvFile = join(dir, 'q1.csv');
    const htmlFile = join(dir, 'q1.html');
    expect((await run(['report', 'evaluation', '--quarter', '2024Q1', '--jurisdiction', '510903', '--data-dir', dir, '--format', 'csv', '--out', csvFile])).code).toBe(0);
    expect((await run(['report', 'evaluation', '--quarter', '2024Q1', '--jurisdiction', '510903', '--data-dir', dir, '--format', 'html', '--out', htmlFile])).code).toBe(0);
    const csv = await readFile(csvFile);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.toString('utf8')).toContain('取消');
    expect(await readFile(htmlFile, 'utf8')).toContain('<svg ');
  });

  it('says plainly when the quarter has no data', async () => {
    const { code, stderr } = await run(['report', 'evaluation', '--quarter', '2023Q4', '--jurisdiction', '510903', '--data-dir', dir]);
    expect(code).toBe(0);
    expect(stderr).toContain('2023年第4季度没有任何考评数据');
  });

  it('exit 2 and a plain message when the data directory has no data, without creating it', async () => {
    const empty = join(dir, 'nothing-here');
    const { code, stderr } = await run(['report', 'evaluation', '--quarter', '2024Q1', '--data-dir', empty]);
    expect(code).toBe(2);
    expect(stderr).toContain('中没有数据');
    expect(existsSync(empty)).toBe(false);
  });

  it('exit 2 on a bad quarter or format', async () => {
    expect((await run(['report', 'evaluation', '--quarter', '2024-1', '--data-dir', dir])).stderr).toContain('YYYYQn');
    expect((await run(['report', 'evaluation', '--quarter', '2024Q1', '--format', 'xlsx', '--data-dir', dir])).code).toBe(2);
    expect((await run(['report', 'evaluation', '--data-dir', dir])).code).toBe(2);
  });

  it('reads the database while another connection holds it open (no runtime to ask)', async () => {
    await withStore(async () => {
      const { code, stdout } = await run(['report', 'evaluation', '--quarter', '2024Q1', '--jurisdiction', '510903', '--data-dir', dir]);
      expect(code).toBe(0);
      expect(JSON.parse(stdout).factsUsed).toBeGreaterThan(0);
    });
  });

  it('asks for tousu migrate on a data directory of the dynalite era, and writes nothing', async () => {
    const old = join(dir, 'old-era');
    await mkdir(join(old, 'dynamodb'), { recursive: true });
    await writeFile(join(old, 'dynamodb', 'CURRENT'), 'MANIFEST-000001\n');
    const { code, stderr } = await run(['report', 'evaluation', '--quarter', '2024Q1', '--data-dir', old]);
    expect(code).toBe(2);
    expect(stderr).toContain('tousu migrate');
    expect(existsSync(join(old, DATABASE_FILE))).toBe(false);
  });

  it('reads a DynamoDB endpoint through --endpoint', async () => {
    await withDynamo(async (store, h) => {
      await seed(store);
      const { report } = await runEvaluationReport({ quarter: '2024Q1', jurisdiction: '510903', endpoint: h.endpoint });
      expect(report.factsUsed).toBeGreaterThan(0);
    });
  });
});

describe('scheduled quarterly report (functions/quarterly-report)', () => {
  it('mails the last completed quarter to the agency once, with CSV, HTML and JSON attached', async () => {
    await withStore(async (store) => {
      const mails: OutgoingMail[] = [];
      const mail: MailSender = { send: async (m) => (mails.push(m), { messageId: `m${mails.length}` }) };
      const jurisdiction = loadJurisdiction('510903');
      const deps = { facts: store, rules: new RulesRegistry(), clock: { now: () => new Date('2024-04-01T01:00:00+08:00') }, mail, jurisdiction };

      const first = await sendQuarterlyReport(deps);
      expect(first).toMatchObject({ quarter: '2024Q1', sent: true, messageId: 'm1', ineligibleUnits: 1 });
      expect(mails[0]!.to).toEqual(jurisdiction.agency.contacts.map((c) => c.email));
      expect(mails[0]!.subject).toContain('2024年第1季度');
      expect(mails[0]!.text).toContain('遂宁市船山区市场监督管理局');
      expect(mails[0]!.attachments?.map((a) => a.filename)).toEqual(['510903-2024Q1-投诉考评.csv', '510903-2024Q1-投诉考评.html', '510903-2024Q1-投诉考评.json']);

      const again = await sendQuarterlyReport(deps);
      expect(again).toMatchObject({ sent: false, messageId: 'm1' });
      expect(mails).toHaveLength(1);
    });
  });

  it('with a decision store, records the art. 20 decisions and notifies each unit once', async () => {
    await withStore(async (store) => {
      const mails: OutgoingMail[] = [];
      const mail: MailSender = { send: async (m) => (mails.push(m), { messageId: `m${mails.length}` }) };
      const jurisdiction = loadJurisdiction('510903');
      const decisions = new MemoryEvaluationDecisionStore();
      const deps = { facts: store, rules: new RulesRegistry(), clock: { now: () => new Date('2024-04-01T01:00:00+08:00') }, mail, jurisdiction, decisions };
      const first = await sendQuarterlyReport(deps, { force: true });
      expect(first).toMatchObject({ quarter: '2024Q1', sent: true, ineligibleUnits: 1, decisionsChanged: 1 });
      const [decision] = await decisions.quarter('510903', '2024Q1');
      expect(decision).toMatchObject({ status: 'disqualified', respondent: { department: 'SCJGJ' } });
      expect(mails.filter((m) => m.tags.kind === 'evaluation_decision').map((m) => m.to)).toEqual([[jurisdiction.departments.find((d) => d.code === 'SCJGJ')!.chiefRepresentative.email]]);
      // A repeated schedule neither mails the report again nor changes or re-notifies the decision.
      expect(await sendQuarterlyReport(deps)).toMatchObject({ sent: false, decisionsChanged: 0 });
      expect(mails).toHaveLength(2);
    });
  });
});
