/**
 * A data directory of today's dynalite era migrates into SQLite on the first `tousu start`, with no case lost
 * (issue 26, item 1). The directory is made as the previous runtime made it: the DynamoDB adapters on dynalite in
 * `<data-dir>/dynamodb` (table `tousu`), cases filed through the real intake core and moved by the real ASL and
 * staff actions (closed, archived and still waiting ones), a staff account and a dead letter. Then the real runtime
 * starts on the directory: it backs up, migrates, checks, and serves every case as it was (record and timeline),
 * the account signs in, the dead letter is listed. `tousu migrate` run again changes nothing, and `tousu backup`
 * of the stopped directory is a readable copy with every case.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ManualClock } from '../../infra/local/clock';
import { ensureTable, localDynamoClient, startDynalite } from '../../infra/local/dynalite';
import { openLifecycleSandbox } from '../../infra/local/lifecycle-sandbox';
import { LIFECYCLE_SCENARIOS, runScenario } from '../../infra/local/lifecycle-scenarios';
import { startRuntime } from '../../infra/local/runtime';
import { UserStore } from '../../infra/local/users';
import { DynamoDeadLetterStore } from '../../shared/adapters/aws/dynamo-dead-letter-store';
import { createDocumentClient } from '../../shared/adapters/aws/dynamo-case-store';
import { MemoryMailSender } from '../../shared/adapters/memory/mail-sender';
import type { CaseRecord, TimelineEvent } from '../../shared/domain/case';
import { runCli } from './runtime-helpers';

const PASSWORD = 'correct-horse-battery';

describe('a dynalite-era data directory migrates into SQLite on first start, with no case lost', () => {
  let dir: string;
  const before = new Map<string, { record: CaseRecord; timeline: TimelineEvent[] }>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tousu-migration-'));
    const dynalite = await startDynalite({ path: join(dir, 'dynamodb') });
    const client = localDynamoClient(dynalite);
    await ensureTable(client, 'tousu');
    const clock = new ManualClock('2026-03-02T09:00:00+08:00');
    const sb = await openLifecycleSandbox({ clock, mail: new MemoryMailSender(), retryIntervalMs: 5, asDeployed: true, dynamo: { client, tableName: 'tousu' }, archiveBlobs: undefined });
    clock.setSettle(() => sb.workflow.idle());
    try {
      // Two paths to their end, then complaints left waiting in screening (the runtime resumes those).
      for (const s of LIFECYCLE_SCENARIOS.filter((x) => ['transfer', 'general'].includes(x.id))) {
        const r = await runScenario(sb, s, { advanceTo: (at) => clock.advanceTo(at) });
        expect(r.problems).toEqual([]);
      }
      for (let i = 0; i < 5; i++) {
        await sb.file({
          channel: 'web',
          sourceKey: `web:migration-${i}`,
          receivedAt: clock.now().toISOString(),
          receivedBy: 'agency',
          complainant: { name: `投诉人${'甲乙丙丁戊'[i]}`, phone: `1380000000${i}`, anonymous: false, wantsReply: true, confidential: i === 0 },
          respondent: { unit: '遂宁市船山区市场监督管理局' },
          matter: `第${i + 1}件：办理营业执照变更时窗口要求重复提交材料，往返${i + 2}次。`,
          evidence: [],
        });
      }
      await sb.workflow.idle();
      const doc = createDocumentClient(client);
      await new UserStore({ doc, tableName: 'tousu' }).add({ username: 'clerk1', role: 'agency', password: PASSWORD });
      await new DynamoDeadLetterStore(doc, 'tousu').record({
        id: 'b'.repeat(32),
        kind: 'intake',
        jurisdiction: '510903',
        sourceKey: 'web:parked',
        firstFailedAt: '2026-03-02T01:00:00.000Z',
        at: '2026-03-02T01:00:00.000Z',
        error: { name: 'ProvisionedThroughputExceededException' },
      });
      for (let cursor: string | undefined, first = true; first || cursor; first = false) {
        const page = await sb.store.query({ jurisdiction: '510903', limit: 100, ...(cursor ? { cursor } : {}) });
        for (const c of page.items) before.set(c.caseId, { record: c, timeline: await sb.store.timeline(c.caseId) });
        cursor = page.cursor;
      }
    } finally {
      await sb.close();
      client.destroy();
      await dynalite.close();
    }
    await writeFile(join(dir, 'instance.json'), JSON.stringify({ jurisdiction: '510903', createdAt: '2026-03-02T00:00:00.000Z' }));
    expect(before.size).toBe(7);
  }, 180_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('tousu start backs up, migrates and serves every case, account and dead letter as they were', async () => {
    const rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock: new ManualClock('2026-03-05T09:00:00+08:00'), quiet: true, reconcileEveryMs: 0 });
    try {
      // Closed cases are as they were; waiting ones were resumed (new task token, overdue marks since), so their
      // old timeline is the start of the new one and the complaint itself is unchanged.
      for (const [caseId, old] of before) {
        const now = (await rt.store.get(caseId))!;
        if (old.record.waiting) {
          expect(now.version).toBeGreaterThanOrEqual(old.record.version);
          expect({ intake: now.intake, trackingNo: now.trackingNo, receivedAt: now.receivedAt }).toEqual({
            intake: old.record.intake,
            trackingNo: old.record.trackingNo,
            receivedAt: old.record.receivedAt,
          });
        } else expect(now).toEqual(old.record);
        expect((await rt.store.timeline(caseId)).slice(0, old.timeline.length)).toEqual(old.timeline);
      }
      const all = await rt.store.query({ jurisdiction: '510903', limit: 100 });
      expect(all.items.map((c) => c.caseId).sort()).toEqual([...before.keys()].sort());
      await expect(rt.users.authenticate('clerk1', PASSWORD)).resolves.toMatchObject({ username: 'clerk1', role: 'agency' });
      expect((await rt.recovery.listDeadLetters('open')).items.map((d) => d.id)).toEqual(['b'.repeat(32)]);
      // The waiting cases were resumed on the migrated store.
      const waiting = [...before.values()].filter((c) => c.record.waiting).map((c) => c.record.caseId);
      expect(waiting.length).toBeGreaterThan(0);
      expect(rt.resumed.sort()).toEqual(waiting.sort());
    } finally {
      await rt.stop();
    }
    const backups = readdirSync(join(dir, 'backups'));
    expect(backups).toEqual([expect.stringMatching(/-before-migrate$/)]);
    expect(existsSync(join(dir, 'backups', backups[0]!, 'dynamodb', 'CURRENT'))).toBe(true);
  }, 120_000);

  it('tousu migrate again changes nothing; tousu backup of the stopped directory holds every case', async () => {
    const again = await runCli(['migrate', '--data-dir', dir, '--no-progress']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`投诉件 新迁移 0，已存在 ${before.size}`);
    expect(again.stdout).toContain(`cases ${before.size}/${before.size}`);

    const out = join(dir, 'copy.db');
    const backup = await runCli(['backup', '--data-dir', dir, '--out', out]);
    expect(backup.code).toBe(0);
    expect(backup.stdout).toContain('已备份到');
    const copy = new Database(out, { readonly: true });
    try {
      expect((copy.prepare('SELECT count(*) AS n FROM cases').get() as { n: number }).n).toBe(before.size);
    } finally {
      copy.close();
    }
  }, 120_000);
});
