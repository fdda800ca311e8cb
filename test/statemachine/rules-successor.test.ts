/**
 * Art. 22 on the real ASL: a successor rules version loaded as data (a file in the rules directory) with its
 * validity start; a case keeps the version it was received under; the console's meta carries a banner while only
 * the lapsed version is in force, and none once the successor applies.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { ManualClock } from '../../infra/local/clock';
import { openLifecycleSandbox } from '../../infra/local/lifecycle-sandbox';
import type { LifecycleSandbox } from '../../infra/local/lifecycle-sandbox';
import { scenarioIntake } from '../../infra/local/lifecycle-scenarios';
import { MemoryMailSender } from '../../shared/adapters/memory/mail-sender';
import { principalFromClaims } from '../../shared/auth/principal';
import { RulesRegistry, SUINING_2023, rulesStatus } from '../../shared/domain/rules';
import { lapsedRulesBanner, registerConsoleApiRoutes } from '../../functions/api/routes/console-api';
import { errorResponse } from '../../functions/api/app';

const SUCCESSOR = {
  ...SUINING_2023,
  id: 'suining-2025',
  title: '遂宁市政务服务投诉处理办法（后续版本，测试用）',
  source: '测试用后续版本',
  effectiveFrom: '2025-10-13',
  validUntil: '2027-10-12',
  deadlines: { ...SUINING_2023.deadlines, dispatchWorkingDays: 3 },
};

let dir: string;
let sb: LifecycleSandbox;
let clock: ManualClock;
let app: Hono;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tousu-rules-'));
  await writeFile(join(dir, 'suining-2025.json'), JSON.stringify(SUCCESSOR, null, 2));
  // After the 2023 measures lapsed (2025-09-30), before the successor's start.
  clock = new ManualClock('2025-10-09T10:00:00+08:00');
  sb = await openLifecycleSandbox({ clock, mail: new MemoryMailSender(), retryIntervalMs: 5, rulesDir: dir });
  clock.setSettle(() => sb.workflow.idle());
  app = new Hono();
  app.onError((err, c) => errorResponse(c, err));
  registerConsoleApiRoutes(app, {
    // The token is the claims as base64url JSON: the route under test is the meta, not the sign-in.
    verifier: { verifyStaffToken: async (token) => principalFromClaims(JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))) },
    store: sb.store,
    jurisdiction: sb.jurisdiction,
    calendar: sb.calendar,
    rules: sb.rules,
    clock,
    performAction: (caseId, actor, body) => sb.act(caseId, actor, body as Record<string, unknown>),
  });
});
afterAll(async () => {
  await sb?.close();
  await rm(dir, { recursive: true, force: true });
});

async function meta(role: 'agency' | 'department' | 'admin') {
  const claims = { sub: `${role}-1`, role, ...(role === 'department' ? { department: 'SCJGJ' } : {}) };
  const res = await app.request('/api/console/meta', { headers: { authorization: `Bearer ${Buffer.from(JSON.stringify(claims)).toString('base64url')}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as { rules: { inForce: { id: string }; lapsed: boolean; next?: { id: string }; banner?: string } };
}

it('binds each case to the version in force when it was received, and shows the banner only while the lapsed one is', async () => {
  expect(sb.rules.all().map((v) => v.id)).toEqual(['suining-2023', 'suining-2025']);
  const before = await meta('department');
  expect(before.rules).toMatchObject({ inForce: { id: 'suining-2023' }, lapsed: true, next: { id: 'suining-2025' } });
  expect(before.rules.banner).toContain('有效期已于 2025-09-30 届满');
  expect(before.rules.banner).toContain('后续版本 suining-2025 自 2025-10-13 起施行');
  expect((await meta('admin')).rules.banner).toContain('已登记的后续版本 suining-2025');

  const a = await sb.file(scenarioIntake({ receivedBy: 'agency', respondent: 'SCJGJ' }, sb, 'old'));
  await sb.workflow.idle();
  const caseA = await sb.get(a.caseId);
  expect(caseA.rulesVersion).toBe('suining-2023');
  // suining-2023: dispatch within 2 working days (Thu 10-09 → Fri 10-10; 10-11 is a make-up working day).
  const dueA = caseA.deadlines.find((d) => d.clock === 'dispatch')!.dueAt;

  await clock.advanceTo('2025-10-13T10:00:00+08:00');
  const after = await meta('department');
  expect(after.rules).toMatchObject({ inForce: { id: 'suining-2025' }, lapsed: false });
  expect(after.rules.banner).toBeUndefined();

  const b = await sb.file(scenarioIntake({ receivedBy: 'agency', respondent: 'SCJGJ' }, sb, 'new'));
  await sb.workflow.idle();
  const caseB = await sb.get(b.caseId);
  expect(caseB.rulesVersion).toBe('suining-2025');
  expect(caseB.deadlines.find((d) => d.clock === 'dispatch')!.dueAt).toBe(sb.calendar.addWorkingDays(caseB.receivedAt, 3).dueAt);
  expect(dueA).toBe(sb.calendar.addWorkingDays(caseA.receivedAt, 2).dueAt);

  // The old case goes on under its own version after the successor started: still 2023's numbers.
  await sb.act(a.caseId, { role: 'agency', id: 'agency-1' }, { action: 'dispatch', department: 'SCJGJ' });
  await sb.workflow.idle();
  const dispatchedA = await sb.get(a.caseId);
  expect(dispatchedA.rulesVersion).toBe('suining-2023');
  expect(dispatchedA.deadlines.find((d) => d.clock === 'acceptance')!.dueAt).toBe(sb.calendar.addWorkingDays(dispatchedA.updatedAt, SUINING_2023.deadlines.acceptanceWorkingDays).dueAt);
});

it('without a successor the banner says none is registered', () => {
  const status = rulesStatus(new RulesRegistry([SUINING_2023]), '2025-10-09');
  expect(lapsedRulesBanner(status, 'department')).toContain('尚未登记后续版本');
  expect(lapsedRulesBanner(status, 'agency')).toContain('config/rules/');
});
