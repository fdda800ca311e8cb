/**
 * Back-pressure of the embedded runtime's intake (issue 26 item 3): past the bound of the screening backlog (running
 * executions not yet waiting), a new intake is refused before anything is stored: HTTP 503 with a measured
 * Retry-After, SMTP 451 (at MAIL FROM, or at the end of DATA), never a dead letter. Once the backlog drains, intakes
 * are accepted again. The chain is real (createApp's public route, the intake core, the CaseStore on dynalite, the
 * LocalWorkflow and its engine running the real ASL, smtp-server with a nodemailer client); only the task
 * services behind the ASL are gated stand-ins, so that the test decides when screening finishes.
 */
import { mkdtempSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { createApp } from '../../functions/api/app';
import { ManualClock } from '../../infra/local/clock';
import { IntakeBacklogGate, IntakeBacklogLimitsError, parseIntakeBacklog, DEFAULT_INTAKE_BACKLOG } from '../../infra/local/intake-backlog';
import { startSmtpIntake } from '../../infra/local/smtp-intake';
import { LocalWorkflow } from '../../infra/local/workflow';
import { IntakeBusyError } from '../../shared/domain/errors';
import type { LifecycleTasks } from '../../shared/services/lifecycle-tasks';
import { parkingSubmit } from '../../shared/services/dead-letters';
import { openHarness, webBody } from './helpers';
import type { ReliabilityHarness } from './helpers';

const T0 = '2026-03-02T09:30:00+08:00';

/** Task services whose screening waits for the test; every other task answers at once (the case then waits). */
function gatedTasks(gates: (() => void)[]): () => LifecycleTasks {
  const wake = new Date(Date.parse(T0) + 3_600_000).toISOString();
  return () => ({
    screenCase: async () => {
      await new Promise<void>((r) => gates.push(r));
      return { phase: 'acceptance' };
    },
    prepareWait: async () => ({ phase: 'acceptance', timeoutSeconds: 3600, wakeUpAt: wake }),
    awaitAction: async () => ({ phase: 'acceptance', waiting: true }),
    handleDeadline: async () => ({ phase: 'acceptance' }),
    archiveCase: async () => ({ phase: 'archived' }),
    recordFailure: async () => ({ recorded: true }),
  });
}

const settle = async () => {
  for (let i = 0; i < 40; i += 1) await new Promise((r) => setImmediate(r));
};

let h: ReliabilityHarness;
let workflow: LocalWorkflow;
let gates: (() => void)[];
beforeEach(async () => {
  h = await openHarness({ now: T0 });
  gates = [];
  workflow = new LocalWorkflow({ clock: new ManualClock(T0), tasks: gatedTasks(gates), retryIntervalMs: 1, intakeBacklog: { maxBusyExecutions: 2, maxRetryAfterSeconds: 30 } });
  h.deps.workflow = workflow;
});
afterEach(async () => {
  await workflow.stop();
  await h.close();
});

const post = (app: ReturnType<typeof createApp>, i: number, accept = 'application/json') =>
  app.request(
    '/api/complaints',
    { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify(webBody(i)) },
    { incoming: { socket: { remoteAddress: '198.51.100.7' } } },
  );

test('HTTP: past the bound a complaint gets 503 with Retry-After and nothing is stored; accepted again once screening drains', async () => {
  const app = createApp({ deps: { intake: h.deps } });
  expect((await post(app, 1)).status).toBe(201);
  expect((await post(app, 2)).status).toBe(201);
  await settle();
  expect(workflow.intakeBacklog()).toEqual({ busy: 2, bound: 2, refused: 0 });

  const refused = await post(app, 3);
  expect(refused.status).toBe(503);
  // Nothing has settled yet: no measured rate, so the longest wait configured.
  expect(refused.headers.get('retry-after')).toBe('30');
  expect(await refused.json()).toEqual({ code: 'intake_busy', message: expect.stringContaining('30 秒后重新提交'), retryAfterSeconds: 30 });
  const page = await post(app, 4, 'text/html');
  expect(page.status).toBe(503);
  expect(page.headers.get('retry-after')).toBe('30');
  expect(await page.text()).toContain('本次提交未被受理');
  expect(await h.allCases()).toHaveLength(2);
  expect(workflow.intakeBacklog().refused).toBe(2);

  // Screening finishes: both executions park in their first wait, the backlog is empty, intakes come in again.
  for (const g of gates.splice(0)) g();
  await workflow.idle();
  expect(workflow.intakeBacklog().busy).toBe(0);
  expect((await post(app, 5)).status).toBe(201);
  expect(await h.allCases()).toHaveLength(3);
  for (const g of gates.splice(0)) g();
  await workflow.idle();
});

test('a push-back is not parked as a dead letter (the sender retries); SMTP answers 451 at MAIL FROM and at the end of DATA, keeping nothing', async () => {
  const parked: unknown[] = [];
  const submit = parkingSubmit({ deadLetters: { record: async (d: unknown) => void parked.push(d) } as never, clock: h.deps.clock, jurisdiction: '510903' }, async () => {
    throw new IntakeBusyError(7);
  });
  await expect(submit({} as never)).rejects.toBeInstanceOf(IntakeBusyError);
  expect(parked).toEqual([]);

  const dir = mkdtempSync(join(tmpdir(), 'tousu-busy-'));
  let busy = true;
  let ingested = 0;
  const smtp = await startSmtpIntake({
    host: '127.0.0.1',
    port: 0,
    addresses: ['ts@example.gov.cn'],
    deadLetterDir: join(dir, 'dead'),
    admit: () => {
      if (busy) throw new IntakeBusyError(12);
    },
    ingest: async () => {
      ingested += 1;
      throw new IntakeBusyError(9);
    },
  });
  const send = () =>
    nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, ignoreTLS: true }).sendMail({ from: 'a@example.com', to: 'ts@example.gov.cn', subject: '投诉', text: '窗口态度恶劣。' });
  try {
    await expect(send()).rejects.toMatchObject({ responseCode: 451, response: expect.stringContaining('try again in 12 s') });
    expect(ingested).toBe(0);
    busy = false;
    // Admitted at MAIL FROM, but the backlog filled up meanwhile: the intake refuses, the listener says 451.
    await expect(send()).rejects.toMatchObject({ responseCode: 451, response: expect.stringContaining('try again in 9 s') });
    expect(ingested).toBe(1);
    expect(existsSync(join(dir, 'dead')) ? readdirSync(join(dir, 'dead')) : []).toEqual([]);
  } finally {
    await smtp.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the gate: Retry-After from the measured settle rate, within its bounds; configuration validated with field names', () => {
  let t = 0;
  let backlog = 0;
  const gate = new IntakeBacklogGate(
    parseIntakeBacklog({ maxBusyExecutions: 100, rateWindowMs: 10_000, maxRetryAfterSeconds: 60 }),
    () => backlog,
    () => t,
  );
  backlog = 99;
  expect(() => gate.check()).not.toThrow();
  backlog = 100;
  expect(() => gate.check()).toThrow(IntakeBusyError);
  expect(gate.retryAfterSeconds()).toBe(60); // nothing settled yet
  // 50 settled in the last 10 s: 5 a second; 120 over the bound by 21 → 5 s.
  for (let i = 0; i < 50; i += 1) {
    t += 200;
    gate.settled();
  }
  backlog = 120;
  expect(gate.retryAfterSeconds()).toBe(5);
  backlog = 100;
  expect(gate.retryAfterSeconds()).toBe(1);
  // The old settles leave the window: the rate falls and the wait grows back to the bound.
  t += 20_000;
  expect(gate.retryAfterSeconds()).toBe(60);
  expect(gate.refused).toBe(1);

  expect(DEFAULT_INTAKE_BACKLOG).toEqual({ maxBusyExecutions: 1000, minRetryAfterSeconds: 1, maxRetryAfterSeconds: 120, rateWindowMs: 10_000 });
  expect(() => parseIntakeBacklog({ maxBusyExecutions: 0 })).toThrow(IntakeBacklogLimitsError);
  expect(() => parseIntakeBacklog({ maxBusyExecutions: 0 })).toThrow(/intakeBacklog\.maxBusyExecutions/);
  expect(() => parseIntakeBacklog({ maxBusyExecution: 10 })).toThrow(/受理积压上限配置有误/);
  expect(() => parseIntakeBacklog({ minRetryAfterSeconds: 10, maxRetryAfterSeconds: 5 })).toThrow(/intakeBacklog\.minRetryAfterSeconds/);
});
