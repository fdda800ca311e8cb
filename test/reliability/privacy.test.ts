/**
 * Privacy: an end-to-end run (web form and mail intake, every life-cycle path of the scenario list on the real
 * ASL and engine, staff actions, failing mail so that the failure paths log too) with every log sink captured:
 * the runtime's JSON logger (file and terminal), console.*, process.stdout and process.stderr. No line may
 * contain a complainant's name, phone number, ID-card number, e-mail or address from the fixtures or the stored
 * cases.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApp } from '../../functions/api/app';
import { ManualClock } from '../../infra/local/clock';
import { openLifecycleSandbox } from '../../infra/local/lifecycle-sandbox';
import { LIFECYCLE_SCENARIOS, runScenario } from '../../infra/local/lifecycle-scenarios';
import { createLogger } from '../../infra/local/log';
import { cryptoIds } from '../../shared/adapters/ids';
import { ingestEmail } from '../../shared/email-intake/service';
import { MemoryQuarantineStore } from '../../shared/adapters/memory/quarantine-store';
import { submitIntake } from '../../shared/intake/core';
import type { IntakeDeps } from '../../shared/intake/core';
import { performAction } from '../../shared/services/actions';
import type { Workflow } from '../../shared/ports';
import { FailingMailSender } from '../fixtures/faults';
import { MemoryBlobStore, PEOPLE, citizenMail, webBody } from './helpers';

const T0 = '2025-03-03T10:00:00+08:00';

test('no log line of an end-to-end run carries personal data', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const dir = await mkdtemp(join(tmpdir(), 'tousu-privacy-'));
  const logFile = join(dir, 'tousu.log');
  const logger = createLogger({ file: logFile, format: 'json', out: sink, err: sink, verbose: true });

  // Every console and process stream write is captured too (and kept off the test output).
  const original = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug, out: process.stdout.write, err: process.stderr.write };
  const capture = (...args: unknown[]) => {
    lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  };
  console.log = console.info = console.warn = console.error = console.debug = capture;
  process.stdout.write = ((chunk: string | Uint8Array) => (lines.push(String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;

  const clock = new ManualClock(T0);
  // Every third mail fails (all attempts of some notices), so that the failure paths log as well.
  const mail = new FailingMailSender((n) => n % 3 === 0);
  const sb = await openLifecycleSandbox({ clock, mail, logger, retryIntervalMs: 5 });
  clock.setSettle(() => sb.workflow.idle());
  // A restart step replaces sb.workflow: always use the current one.
  const workflow: Workflow = {
    start: (...a) => sb.workflow.start(...a),
    sendTaskSuccess: (...a) => sb.workflow.sendTaskSuccess(...a),
    sendTaskFailure: (...a) => sb.workflow.sendTaskFailure(...a),
  };
  const actionDeps = { store: sb.store, mail, clock, calendar: sb.calendar, rules: sb.rules, jurisdiction: sb.jurisdiction, logger, mailRetry: { attempts: 2, backoffMs: 0 } };
  sb.act = (caseId, actor, body) => performAction({ ...actionDeps, workflow }, caseId, actor, body);
  const intakeDeps: IntakeDeps = {
    store: sb.store,
    workflow,
    clock,
    ids: cryptoIds,
    rules: sb.rules,
    jurisdiction: sb.jurisdiction,
    mail,
    calendar: sb.calendar,
    blobs: new MemoryBlobStore(),
    logger,
  };
  sb.file = (i) => submitIntake(intakeDeps, i);

  let stored: string[] | undefined;
  try {
    // Web form: good, bad (validation errors quote nothing back into logs) and replayed submissions.
    const app = createApp({ deps: { intake: intakeDeps } });
    for (let i = 0; i < 6; i++) {
      const init = { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': `privacy-${i}` }, body: JSON.stringify(webBody(i)) };
      expect((await app.request('/api/complaints', init)).status).toBe(201);
      expect((await app.request('/api/complaints', init)).status).toBe(200);
    }
    const bad = { ...webBody(9), complainant: { name: PEOPLE[9]!.name, phone: `x${PEOPLE[9]!.phone}`, email: 'not-an-address' } };
    expect((await app.request('/api/complaints', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(bad) })).status).toBe(400);
    // Mail intake.
    const quarantine = new MemoryQuarantineStore();
    for (let i = 10; i < 14; i++) {
      const r = await ingestEmail(citizenMail(i), 'smtp', { clock, jurisdiction: sb.jurisdiction, blobs: new MemoryBlobStore(), quarantine, submit: (x) => submitIntake(intakeDeps, x) });
      expect(r.ignored).toBe(false);
    }
    await sb.workflow.idle();
    // Every life-cycle path.
    for (const s of LIFECYCLE_SCENARIOS) {
      const r = await runScenario(sb, s, { advanceTo: (at) => clock.advanceTo(at) });
      expect(r.problems).toEqual([]);
    }
    await sb.workflow.idle();
    stored = await collectStoredPersons(intakeDeps);
  } finally {
    await sb.close();
    await logger.close();
    Object.assign(console, { log: original.log, info: original.info, warn: original.warn, error: original.error, debug: original.debug });
    process.stdout.write = original.out;
    process.stderr.write = original.err;
  }
  lines.push(...(await readFile(logFile, 'utf8')).split('\n'));
  await rm(dir, { recursive: true, force: true });

  // What must never appear: the fixtures' people and every complainant and respondent person actually stored.
  const secrets = new Set<string>();
  for (const p of PEOPLE) [p.name, p.phone, p.idNumber, p.email].forEach((s) => secrets.add(s));
  (stored ?? []).forEach((s) => secrets.add(s));
  for (const s of [...secrets]) if (s.length < 3) secrets.delete(s);

  expect(lines.length).toBeGreaterThan(20); // the run logged (mail failures, executions, actions): the scan is not vacuous
  expect(mail.attempts).toBeGreaterThan(mail.sent.length); // some sends failed, so the failure paths ran
  const leaks = lines.flatMap((line) => [...secrets].filter((s) => line.includes(s)).map((s) => ({ secret: s, line: line.slice(0, 300) })));
  expect(leaks).toEqual([]);
}, 120_000);

async function collectStoredPersons(deps: IntakeDeps): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.query({ jurisdiction: deps.jurisdiction.code, limit: 200, ...(cursor ? { cursor } : {}) });
    for (const c of page.items) {
      const p = c.intake.complainant;
      for (const v of [p.name, p.phone, p.email, p.address, p.organization, c.intake.respondent.person]) if (v) out.push(v);
    }
    cursor = page.cursor;
  } while (cursor);
  expect(out.length).toBeGreaterThan(10);
  return out;
}
