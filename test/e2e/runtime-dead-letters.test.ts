/**
 * Dead letters and the reconciler on the embedded runtime (issue 11, item 1): the real runtime in-process with a
 * fault in its SQLite database (a trigger, added by a second connection to the file, aborts every insert into the
 * source-claim table: every idempotency claim fails), so that a mail over real SMTP, a staff entry
 * over HTTP and a letter batch dropped into the watched folder cannot be filed. Each is parked as a dead letter
 * (SMTP 250, HTTP 202, a report line naming it) and nothing is lost. Then the `tousu` CLI, as a child process,
 * talks to the running runtime through its admin socket (it never opens the database itself): it lists
 * the dead letters without their content, replays them into exactly one case each (with a running execution), a
 * second replay and a redelivery make nothing new, and `tousu reconcile` finds nothing left to repair.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../infra/local/clock';
import { startRuntime } from '../../infra/local/runtime';
import type { Runtime } from '../../infra/local/runtime';
import type { CaseRecord } from '../../shared/domain/case';
import { mutateCase } from '../../shared/services/case-mutation';
import { SqliteFaults } from '../fixtures/sqlite-faults';
import { api, REPO, runCli, sendForwardedComplaint, waitFor } from './runtime-helpers';
import type { Api, Json } from './runtime-helpers';

const PASSWORD = 'correct-horse-battery';
const LETTER_WRITER = { name: '陈七', phone: '13811112222' };
const PHONE_CALLER = { name: '赵六', phone: '13955556666' };

describe('embedded runtime: failed intakes become dead letters; the CLI replays them through the running runtime', () => {
  let dir: string;
  let rt: Runtime;
  let faults: SqliteFaults;
  let http: Api;
  let token: string;
  let clock: ManualClock;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tousu-dlq-'));
    clock = new ManualClock('2026-03-02T09:00:00+08:00');
    rt = await startRuntime({
      dataDir: dir,
      port: 0,
      smtpPort: 0,
      clock,
      quiet: true,
      folderPollMs: 100,
      reconcileEveryMs: 0,
    });
    faults = new SqliteFaults(rt.paths.database);
    http = api(rt.httpUrl);
    await rt.users.add({ username: 'agency1', role: 'agency', password: PASSWORD });
    token = await http.login('agency1', PASSWORD);
  }, 60_000);

  afterAll(async () => {
    faults?.close();
    await rt?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const allCases = async (): Promise<CaseRecord[]> => (await rt.store.query({ jurisdiction: rt.jurisdiction.code, limit: 100 })).items;

  it('parks a mail (SMTP), a staff entry (HTTP) and a letter row (folder) when the store fails, and lists them without content', async () => {
    // Every claim write fails (the database refuses inserts into `sources`); dead-letter writes still succeed.
    faults.failInserts('sources', 'disk refused the write');

    const smtpAnswer = await sendForwardedComplaint(rt.smtpPort, rt.jurisdiction.intakeAddress, { messageId: '<dlq-0001@chuanshan.example.gov.cn>' });
    expect(smtpAnswer).toMatch(/^250 .*kept for processing/);

    const entry = { entryId: 'window-0001', name: PHONE_CALLER.name, phone: PHONE_CALLER.phone, respondentUnit: '遂宁市船山区市场监督管理局', matter: '不动产登记窗口推诿，要求到其他部门开具证明。' };
    const staff = await http.call('POST', '/api/intake/phone', { token, body: entry });
    expect(staff.status).toBe(202);
    expect(staff.body).toMatchObject({ code: 'intake_parked', message: expect.stringContaining('已妥善保存') });

    const batch = join(dir, 'staging', 'batch-dlq');
    await mkdir(batch, { recursive: true });
    await copyFile(join(REPO, 'test/fixtures/channels/scans/letter-001.png'), join(batch, 'letter-001.png'));
    await writeFile(
      join(batch, 'manifest.csv'),
      `file,envelopeDate,name,phone,respondentUnit,matter,facts\nletter-001.png,2026-02-27,${LETTER_WRITER.name},${LETTER_WRITER.phone},遂宁市船山区人力资源和社会保障局,社保窗口要求开具不存在的证明。,去年12月起多次前往。\n`,
    );
    await rename(batch, join(rt.paths.inbox, 'letters', 'batch-dlq'));
    await waitFor('letter batch processed', async () => (await readdir(join(rt.paths.inbox, 'letters', 'done'))).includes('batch-dlq.report.json'));
    const report = JSON.parse(await readFile(join(rt.paths.inbox, 'letters', 'done', 'batch-dlq.report.json'), 'utf8')) as Json;
    expect(report.rows).toEqual([expect.objectContaining({ row: 1, ok: false, deadLetterId: expect.stringMatching(/^[a-f0-9]{32}$/) })]);
    expect(await readFile(join(rt.paths.inbox, 'letters', 'done', 'batch-dlq.report.txt'), 'utf8')).toContain(`死信 ${report.rows[0].deadLetterId}`);

    expect(await allCases()).toEqual([]);
    // Nothing went to the raw-mail folder: the store held the parsed mail.
    expect((await readdir(rt.paths.deadLetters).catch(() => [] as string[])).filter((f) => f.endsWith('.eml'))).toEqual([]);

    const listed = await runCli(['dead-letters', 'list', '--json', '--data-dir', dir]);
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    const items = listed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Json);
    expect(items.map((d) => d.channel).sort()).toEqual(['email', 'letter', 'phone']);
    for (const d of items) expect(d).toMatchObject({ kind: 'intake', status: 'open', error: { name: 'SqliteError' } });
    expect(items.find((d) => d.channel === 'phone').actor).toMatchObject({ role: 'agency' });
    for (const secret of [LETTER_WRITER.name, LETTER_WRITER.phone, PHONE_CALLER.name, PHONE_CALLER.phone, '王秀英', '13812345678']) expect(listed.stdout).not.toContain(secret);
    expect(items.some((d) => 'payload' in d)).toBe(false);
  }, 90_000);

  it('replays them into exactly one case each, with a running execution; replaying again and redelivering make nothing new', async () => {
    faults.clear();
    const replay = await runCli(['dead-letters', 'replay', '--all', '--data-dir', dir]);
    expect(replay.stderr).toBe('');
    expect(replay.code).toBe(0);
    expect(replay.stdout.match(/已立案 510903-20260302-\d{4}/g)).toHaveLength(3);

    await rt.workflow.idle();
    const cases = await allCases();
    expect(cases).toHaveLength(3);
    expect(new Set(cases.map((c) => c.intake.sourceKey)).size).toBe(3);
    for (const c of cases) {
      expect(rt.workflow.executionsOf(c.caseId)).toHaveLength(1);
      expect(rt.workflow.executionsOf(c.caseId)[0]!.status).toBe('running');
    }
    const phoneCase = cases.find((c) => c.intake.channel === 'phone')!;
    const received = (await rt.store.timeline(phoneCase.caseId)).find((e) => e.type === 'received')!;
    expect(received.actor).toMatchObject({ role: 'agency' });

    const again = await runCli(['dead-letters', 'replay', '--all', '--data-dir', dir]);
    expect(again.stdout).toContain('没有未处理的死信');
    const resolved = await runCli(['dead-letters', 'list', '--status', 'resolved', '--json', '--data-dir', dir]);
    const done = resolved.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Json);
    expect(done.map((d) => d.resolution.caseId).sort()).toEqual(cases.map((c) => c.caseId).sort());

    // The source redelivers (the mail server retries, staff submit again): the same cases.
    const mailCase = cases.find((c) => c.intake.channel === 'email')!;
    expect(await sendForwardedComplaint(rt.smtpPort, rt.jurisdiction.intakeAddress, { messageId: '<dlq-0001@chuanshan.example.gov.cn>' })).toContain(`Accepted as ${mailCase.caseId}`);
    const entry = { entryId: 'window-0001', name: PHONE_CALLER.name, phone: PHONE_CALLER.phone, respondentUnit: '遂宁市船山区市场监督管理局', matter: '不动产登记窗口推诿，要求到其他部门开具证明。' };
    const staff = await http.call('POST', '/api/intake/phone', { token, body: entry });
    expect(staff).toMatchObject({ status: 200, body: { caseId: phoneCase.caseId, duplicate: true } });
    expect(await allCases()).toHaveLength(3);
  }, 90_000);

  it('tousu reconcile runs in the running runtime: nothing left to repair, and its engine never starts a case twice', async () => {
    const rec = await runCli(['reconcile', '--json', '--threshold-minutes', '0', '--data-dir', dir]);
    expect(rec.stderr).toBe('');
    const report = JSON.parse(rec.stdout) as Json;
    expect(report.casesChecked).toBeGreaterThanOrEqual(3);
    expect(report.claimsChecked).toBe(3);
    // Threshold 0: every case counts as stale; the guarded workflow sees their running executions.
    for (const f of report.findings) expect(['already_running', 'already_resumed', 'already_restarted']).toContain(f.action);
    for (const c of await allCases()) expect(rt.workflow.executionsOf(c.caseId)).toHaveLength(1);
    expect(report.problems).toEqual([]);
  }, 60_000);

  it('the reconciler finds a case whose waiting task is gone, but does not start a second execution while one runs', async () => {
    const [c] = await allCases();
    // The waiting task vanishes from the case (as after a lost write) while its execution still waits.
    await mutateCase(rt.store, c!.caseId, (x) => {
      const { waiting: _waiting, ...rest } = x;
      return { record: rest, events: [] };
    });
    await clock.advanceTo(clock.now().getTime() + 60_000); // a minute: no wake-up is due yet
    const report = await rt.recovery.reconcile({ thresholdMs: 0 });
    expect(report.findings).toEqual([expect.objectContaining({ kind: 'no_waiting_task', caseId: c!.caseId, action: 'already_resumed' })]);
    expect(rt.workflow.executionsOf(c!.caseId)).toHaveLength(1);
    expect((await rt.store.timeline(c!.caseId)).some((e) => e.type === 'reconciled')).toBe(false);
  }, 30_000);

  it('refuses a malformed dead-letter id before asking the runtime (exit 2)', async () => {
    const bad = await runCli(['dead-letters', 'replay', 'not-an-id', '--data-dir', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('32 位十六进制');
  }, 30_000);
});
