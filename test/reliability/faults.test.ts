/**
 * Fault injection on the intake: a crash between any two writes, DynamoDB throttling and spurious conditional
 * failures at every call of an intake, StartExecution failures and SES failures. After the faults, every intake
 * ends either as a case with an execution, or as a dead letter that a replay turns into the case; and the
 * reconciler repairs what a delivery left behind when nobody redelivered it.
 */
import { loadCalendar } from '../../shared/calendar/load';
import type { CaseRecord } from '../../shared/domain/case';
import { submitIntake, STALE_CLAIM_MS } from '../../shared/intake/core';
import { IntakeInProgressError } from '../../shared/intake/errors';
import type { CanonicalIntake } from '../../shared/domain/intake';
import { deliverOrDeadLetter, replayAll, replayDeadLetter } from '../../shared/services/dead-letters';
import { DynamoDeadLetterStore } from '../../shared/adapters/aws/dynamo-dead-letter-store';
import { UNJOINED_MERGE_WINDOW_MS, reconcile } from '../../shared/services/reconcile';
import { DynamoClaimSource } from '../../shared/adapters/aws/dynamo-claim-source';
import type { ReconcileDeps } from '../../shared/services/reconcile';
import { CrashError, FailingMailSender, FailingWorkflow, WRITE_COMMANDS } from '../fixtures/faults';
import { DynamoDuplicateIndex } from '../../shared/adapters/aws/dynamo-duplicate-index';
import { ConcurrentUpdateError } from '../../shared/domain/errors';
import { createDuplicateCheck } from '../../shared/services/duplicates';
import { openHarness, webBody } from './helpers';
import type { ReliabilityHarness } from './helpers';

const TIMEOUT = 60_000;
let h: ReliabilityHarness;
let dlq: DynamoDeadLetterStore;
beforeEach(async () => {
  h = await openHarness();
  dlq = new DynamoDeadLetterStore(h.doc, h.tableName);
});
afterEach(async () => {
  await h.close();
});

let seq = 0;
function intake(overrides: Partial<CanonicalIntake> = {}): CanonicalIntake {
  seq++;
  const body = webBody(seq);
  return {
    channel: 'web',
    sourceKey: `web:fault-${seq}-${Math.random().toString(36).slice(2, 8)}`,
    receivedAt: '2026-03-02T09:30:00+08:00',
    receivedBy: 'agency',
    complainant: { ...(body.complainant as object), anonymous: false, wantsReply: true, confidential: false },
    respondent: { unit: '遂宁市船山区市场监督管理局' },
    matter: String(body.matter),
    evidence: [],
    ...overrides,
  } as CanonicalIntake;
}

const advance = (ms: number) => {
  h.now.value = new Date(h.now.value.getTime() + ms);
};

/** What the source does: deliver again, and again after the claim went stale if it is "in progress". */
async function redeliver(i: CanonicalIntake) {
  try {
    return await submitIntake(h.deps, i);
  } catch (err) {
    if (!(err instanceof IntakeInProgressError)) throw err;
    advance(STALE_CLAIM_MS + 1000);
    return submitIntake(h.deps, i);
  }
}

async function casesBySource(): Promise<Map<string, CaseRecord[]>> {
  const map = new Map<string, CaseRecord[]>();
  for (const c of await h.allCases()) map.set(c.intake.sourceKey, [...(map.get(c.intake.sourceKey) ?? []), c]);
  return map;
}

function reconcileDeps(extra: Partial<ReconcileDeps> = {}): ReconcileDeps {
  return {
    store: h.store,
    workflow: h.workflow,
    clock: h.deps.clock,
    jurisdiction: '510903',
    claims: new DynamoClaimSource(h.doc, h.tableName),
    deadLetters: dlq,
    submit: (x) => submitIntake(h.deps, x),
    ...extra,
  };
}

describe('a crash between any two writes of the intake', () => {
  test('a clean intake makes four writes (claim, tracking number, bind, case with its first events in one transaction)', async () => {
    await submitIntake(h.deps, intake());
    expect(h.faults.writes().map((c) => `${c.command}:${c.pk?.split('#')[0] ?? 'batch'}`)).toEqual([
      'PutItemCommand:SRC',
      'UpdateItemCommand:SEQ',
      'UpdateItemCommand:SRC',
      'TransactWriteItemsCommand:batch',
    ]);
  });

  test.each([1, 2, 3, 4])(
    'crash after write %i: the redelivery completes exactly one case with one execution',
    async (k) => {
      const i = intake();
      h.faults.set({ kind: 'crash-after', commands: WRITE_COMMANDS, at: k });
      const first = await submitIntake(h.deps, i).then(
        (r) => r,
        (err: unknown) => err,
      );
      h.faults.clear();
      expect(first).toBeInstanceOf(CrashError);

      const again = await redeliver(i);
      const cases = (await casesBySource()).get(i.sourceKey) ?? [];
      expect(cases).toHaveLength(1);
      expect(again.caseId).toBe(cases[0]!.caseId);
      expect(h.workflow.caseIds()).toEqual(new Set([cases[0]!.caseId]));
      expect((await h.store.timeline(again.caseId)).map((e) => e.type)).toEqual(['received', 'routed']);
    },
    TIMEOUT,
  );

  test.each([1, 2, 3, 4])(
    'crash after write %i and no redelivery: the reconciler finds it and records it, the redelivery completes it',
    async (k) => {
      const i = intake();
      h.faults.set({ kind: 'crash-after', commands: WRITE_COMMANDS, at: k });
      await expect(submitIntake(h.deps, i)).rejects.toBeInstanceOf(CrashError);
      h.faults.clear();
      advance(20 * 60_000);

      const report = await reconcile(reconcileDeps());
      if (k === 4) {
        // The case exists: the reconciler starts its execution.
        expect(report.findings).toEqual([expect.objectContaining({ kind: 'not_started', action: 'started' })]);
        expect(h.workflow.executions.size).toBe(1);
        return;
      }
      expect(report.findings).toEqual([expect.objectContaining({ kind: 'orphan_claim', sourceKey: i.sourceKey, action: 'dead_lettered' })]);
      const open = await dlq.list({ jurisdiction: '510903' });
      expect(open.items).toEqual([expect.objectContaining({ kind: 'orphan_claim', sourceKey: i.sourceKey })]);
      // Replay cannot invent the content: it asks for a redelivery.
      const replay = await replayDeadLetter({ submit: (x) => submitIntake(h.deps, x), deadLetters: dlq, store: h.store, clock: h.deps.clock }, open.items[0]!.id);
      expect(replay).toMatchObject({ ok: false, error: { code: 'redelivery_required' } });
      // Idempotent: a second run records nothing new.
      const second = await reconcile(reconcileDeps());
      expect((await dlq.list({ jurisdiction: '510903' })).items).toHaveLength(1);
      expect(second.findings.every((f) => f.kind === 'orphan_claim' && f.action === 'dead_lettered')).toBe(true);

      const r = await redeliver(i);
      expect((await casesBySource()).get(i.sourceKey)).toHaveLength(1);
      expect(h.workflow.caseIds()).toEqual(new Set([r.caseId]));
      if (k === 3) {
        const after = await replayDeadLetter({ submit: (x) => submitIntake(h.deps, x), deadLetters: dlq, store: h.store, clock: h.deps.clock }, open.items[0]!.id);
        expect(after).toMatchObject({ ok: true, caseId: r.caseId });
      }
    },
    TIMEOUT,
  );
});

describe('DynamoDB throttling and conditional failures at every call of an intake', () => {
  test.each(['throttle', 'conditional', 'server-error'] as const)(
    '%s at call n: a case with an execution, or a dead letter that replays into it',
    async (kind) => {
      // Calls of a clean intake.
      await submitIntake(h.deps, intake());
      const callsPerIntake = h.faults.calls.length;
      // claim, tracking number, bind, case (its first events stay pending for the screening task's read: deferFlush)
      expect(callsPerIntake).toBeGreaterThanOrEqual(4);

      const intakes: CanonicalIntake[] = [];
      let parked = 0;
      for (let n = 1; n <= callsPerIntake; n++) {
        const i = intake();
        intakes.push(i);
        h.faults.set({ kind, at: n });
        const out = await deliverOrDeadLetter({ submit: (x) => submitIntake(h.deps, x), deadLetters: dlq, clock: h.deps.clock, jurisdiction: '510903' }, i);
        h.faults.clear();
        if (out.outcome === 'dead_letter') parked++;
        else expect(h.workflow.caseIds().has(out.caseId)).toBe(true);
      }
      expect(parked).toBeGreaterThan(0);

      advance(STALE_CLAIM_MS + 1000); // claims left unbound by a failed first write are taken over by the replay
      const replays = await replayAll({ submit: (x) => submitIntake(h.deps, x), deadLetters: dlq, store: h.store, clock: h.deps.clock }, '510903');
      expect(replays).toHaveLength(parked);
      expect(replays.every((r) => r.ok)).toBe(true);
      expect((await dlq.list({ jurisdiction: '510903' })).items).toHaveLength(0);

      const bySource = await casesBySource();
      for (const i of intakes) expect(bySource.get(i.sourceKey)).toHaveLength(1);
      expect(bySource.size).toBe(intakes.length + 1);
      expect(h.workflow.caseIds()).toEqual(new Set([...bySource.values()].map((cs) => cs[0]!.caseId)));
    },
    TIMEOUT,
  );
});

describe('StartExecution failures', () => {
  test(
    'the case waits in received; a dead-letter replay or the reconciler starts its execution, once',
    async () => {
      const failing = new FailingWorkflow(h.workflow, () => true);
      const deps = { ...h.deps, workflow: failing };
      const intakes = Array.from({ length: 6 }, () => intake());
      for (const i of intakes) {
        const out = await deliverOrDeadLetter({ submit: (x) => submitIntake(deps, x), deadLetters: dlq, clock: h.deps.clock, jurisdiction: '510903' }, i);
        expect(out).toMatchObject({ outcome: 'dead_letter', error: { name: 'ThrottlingException' } });
      }
      const cases = await h.allCases();
      expect(cases.map((c) => c.phase)).toEqual(Array(6).fill('received'));
      expect(h.workflow.executions.size).toBe(0);

      // Three are replayed by staff at once…
      const open = (await dlq.list({ jurisdiction: '510903' })).items;
      for (const d of open.slice(0, 3))
        expect(await replayDeadLetter({ submit: (x) => submitIntake(h.deps, x), deadLetters: dlq, store: h.store, clock: h.deps.clock }, d.id)).toMatchObject({ ok: true, duplicate: true });
      expect(h.workflow.executions.size).toBe(3);
      // …the reconciler, later, starts the others (and not the three again).
      advance(20 * 60_000);
      const report = await reconcile(reconcileDeps());
      expect(report.findings.filter((f) => f.kind === 'not_started' && f.action === 'started')).toHaveLength(3);
      // The three replayed ones have an execution that has not moved them yet: reported, not started twice.
      expect(report.findings.filter((f) => f.kind === 'not_started' && f.action === 'already_running')).toHaveLength(3);
      expect(h.workflow.executions.size).toBe(6);
      expect(h.workflow.caseIds()).toEqual(new Set(cases.map((c) => c.caseId)));
      // The parked letters of those three replay as duplicates of the same cases.
      const rest = await replayAll({ submit: (x) => submitIntake(h.deps, x), deadLetters: dlq, store: h.store, clock: h.deps.clock }, '510903');
      expect(rest.map((r) => r.ok)).toEqual([true, true, true]);
      expect(await h.allCases()).toHaveLength(6);
      // A second run changes nothing (no second execution for any case).
      const again = await reconcile(reconcileDeps());
      expect(again.findings.every((f) => f.kind === 'not_started' && f.action === 'already_running')).toBe(true);
      expect(h.workflow.executions.size).toBe(6);
    },
    TIMEOUT,
  );
});

describe('SES failures', () => {
  test('a failed acknowledgement never fails the intake and is logged without the address', async () => {
    const warnings: string[] = [];
    const mail = new FailingMailSender(() => true);
    const deps = { ...h.deps, mail, logger: { warn: (m: string, d?: Record<string, unknown>) => warnings.push(JSON.stringify({ m, ...d })) } };
    const i = intake();
    const r = await submitIntake(deps, i);
    expect(r.queryCode).toBeDefined();
    expect(h.workflow.caseIds()).toEqual(new Set([r.caseId]));
    expect(mail.attempts).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('TooManyRequestsException');
    expect(warnings[0]).not.toContain(i.complainant.email!);
    expect(warnings[0]).not.toContain(i.complainant.name!);
  });
});

describe('the reconciler', () => {
  async function caseIn(phase: CaseRecord['phase'], patch: Partial<CaseRecord> = {}): Promise<CaseRecord> {
    const r = await submitIntake(h.deps, intake());
    const c = (await h.store.get(r.caseId))!;
    return h.store.update({ ...c, phase, updatedAt: h.now.value.toISOString(), ...patch }, c.version, []);
  }

  test('resumes an open case that lost its waiting task, once, from its phase', async () => {
    const c = await caseIn('acceptance');
    const before = h.workflow.executions.size;
    advance(10 * 60_000);
    expect((await reconcile(reconcileDeps())).findings).toEqual([]); // within the threshold: nothing
    advance(10 * 60_000);
    const report = await reconcile(reconcileDeps());
    expect(report.findings).toEqual([expect.objectContaining({ kind: 'no_waiting_task', caseId: c.caseId, phase: 'acceptance', action: 'resumed' })]);
    expect(h.workflow.executions.get(`${c.caseId}-rc-v${c.version}`)).toEqual({ caseId: c.caseId, input: { caseId: c.caseId, resumeFrom: 'acceptance' } });
    expect((await h.store.timeline(c.caseId)).map((e) => e.type)).toContain('reconciled');
    expect((await reconcile(reconcileDeps())).findings).toEqual([]);
    expect(h.workflow.executions.size).toBe(before + 1);
  });

  test('restarts a received case whose execution failed (workflow_failed on the timeline), once per failure', async () => {
    const r = await submitIntake(h.deps, intake());
    const c = (await h.store.get(r.caseId))!;
    const at = h.now.value.toISOString();
    await h.store.update({ ...c, updatedAt: at }, c.version, [
      { at, type: 'workflow_failed', actor: { role: 'system', id: 'tousu' }, phase: 'received', summary: '自动流程处理出错。', data: { error: 'States.TaskFailed' } },
    ]);
    advance(20 * 60_000);
    const report = await reconcile(reconcileDeps());
    expect(report.findings).toEqual([expect.objectContaining({ kind: 'not_started', caseId: r.caseId, action: 'restarted', execution: `exec:${r.caseId}-rc-v1` })]);
    expect(h.workflow.executions.get(`${r.caseId}-rc-v1`)?.input).toEqual({ caseId: r.caseId, resumeFrom: 'received' });
    advance(20 * 60_000);
    expect((await reconcile(reconcileDeps())).findings).toEqual([expect.objectContaining({ action: 'already_running' })]);
    expect(h.workflow.executions.size).toBe(2);
  });

  test('a case that waits properly is left alone; one whose wake-up passed unnoticed is resumed', async () => {
    const calendar = loadCalendar();
    const lifecycle = { calendar, rules: h.deps.rules, jurisdiction: h.deps.jurisdiction };
    const due = '2026-03-04T23:59:59+08:00';
    const deadline = { clock: 'acceptance' as const, startedAt: h.now.value.toISOString(), workingDays: 2, dueAt: due };
    const waiting = { step: 'acceptance' as const, taskToken: 'tok', allowedActions: ['accept'], dueAt: due, since: h.now.value.toISOString() };
    const fine = await caseIn('acceptance', { waiting, deadlines: [deadline] });
    advance(30 * 60_000);
    expect((await reconcile({ ...reconcileDeps(), lifecycle })).findings).toEqual([]);
    advance(5 * 24 * 3600_000); // days later: the reminder and the due time passed and nobody marked them
    const report = await reconcile({ ...reconcileDeps(), lifecycle });
    expect(report.findings).toEqual([expect.objectContaining({ kind: 'missed_wake_up', caseId: fine.caseId, action: 'resumed' })]);
  });

  test('replays a parked intake whose claim has no case; a dry run changes nothing', async () => {
    const i = intake();
    // The case's first write (one transaction with its events since issue 26; a single put before) is throttled.
    h.faults.set({
      kind: 'throttle',
      commands: ['PutItemCommand', 'TransactWriteItemsCommand'],
      match: (_c, input) => JSON.stringify(input.Item ?? input.TransactItems ?? {}).includes('"CASE#'),
      at: 1,
    });
    const out = await deliverOrDeadLetter({ submit: (x) => submitIntake(h.deps, x), deadLetters: dlq, clock: h.deps.clock, jurisdiction: '510903' }, i);
    h.faults.clear();
    expect(out.outcome).toBe('dead_letter');
    advance(20 * 60_000);

    const dry = await reconcile(reconcileDeps(), { dryRun: true });
    expect(dry.findings).toEqual([expect.objectContaining({ kind: 'orphan_claim', action: 'would_dead_letter' })]);
    expect(await h.allCases()).toHaveLength(0);

    const report = await reconcile(reconcileDeps());
    expect(report.findings).toEqual([expect.objectContaining({ kind: 'orphan_claim', action: 'replayed' })]);
    const cases = await h.allCases();
    expect(cases).toHaveLength(1);
    expect(h.workflow.caseIds()).toEqual(new Set([cases[0]!.caseId]));
    expect((await dlq.list({ jurisdiction: '510903', status: 'resolved' })).items).toHaveLength(1);
    expect((await reconcile(reconcileDeps())).findings).toEqual([]);
  });
});

describe('an automatic merge whose join into the open case failed', () => {
  /** An open case, and a second delivery of the same complaint whose join into it loses every race. */
  async function failedJoin() {
    const index = new DynamoDuplicateIndex({ doc: h.doc, tableName: h.tableName });
    const check = createDuplicateCheck({ index, store: h.store, departments: h.deps.jurisdiction.departments });
    const deps = { ...h.deps, duplicateCheck: check, indexCase: (c: CaseRecord) => check.indexCase(c) };
    const first = intake();
    const target = await submitIntake(deps, first);
    const losing = Object.assign(Object.create(Object.getPrototypeOf(h.store)) as typeof h.store, h.store, {
      update: (record: CaseRecord, expected: number, events: Parameters<typeof h.store.update>[2]) =>
        record.caseId === target.caseId ? Promise.reject(new ConcurrentUpdateError()) : h.store.update(record, expected, events),
    });
    const again = intake({ complainant: first.complainant, matter: first.matter, respondent: first.respondent });
    await expect(submitIntake({ ...deps, store: losing }, again)).rejects.toBeInstanceOf(ConcurrentUpdateError);
    return { target, again };
  }
  test(
    'the reconciler joins it (once), as the intake would have; a dry run only reports it',
    async () => {
      // Every write of the open case loses its optimistic-lock race: the join gives up after its retries.
      const { target, again } = await failedJoin();
      const merged = (await h.allCases()).find((c) => c.intake.sourceKey === again.sourceKey)!;
      expect(merged).toMatchObject({ phase: 'merged', mergedInto: target.caseId });
      expect((await h.store.get(target.caseId))!.merges ?? []).toEqual([]);

      // Not before the threshold (a join may still be under way).
      expect((await reconcile(reconcileDeps())).findings.filter((f) => f.kind === 'unjoined_merge')).toEqual([]);
      advance(20 * 60_000);
      const dry = await reconcile(reconcileDeps(), { dryRun: true });
      expect(dry.findings.filter((f) => f.kind === 'unjoined_merge')).toEqual([{ kind: 'unjoined_merge', caseId: merged.caseId, into: target.caseId, action: 'would_join' }]);
      expect((await h.store.get(target.caseId))!.merges ?? []).toEqual([]);

      const report = await reconcile(reconcileDeps());
      expect(report.findings.filter((f) => f.kind === 'unjoined_merge')).toEqual([{ kind: 'unjoined_merge', caseId: merged.caseId, into: target.caseId, action: 'joined' }]);
      const joined = (await h.store.get(target.caseId))!;
      expect(joined.merges?.map((m) => [m.caseId, m.previousPhase])).toEqual([[merged.caseId, 'received']]);
      expect(joined.sources.map((x) => x.sourceKey)).toContain(again.sourceKey);
      const events = (await h.store.timeline(target.caseId)).filter((e) => e.type === 'merged_in');
      expect(events).toHaveLength(1);
      expect(events[0]!.summary).toMatch(/^系统对账：/);

      // Idempotent: a second run finds nothing to join.
      const second = await reconcile(reconcileDeps());
      expect(second.findings.filter((f) => f.kind === 'unjoined_merge')).toEqual([]);
      expect((await h.store.timeline(target.caseId)).filter((e) => e.type === 'merged_in')).toHaveLength(1);
    },
    TIMEOUT,
  );

  test(
    'merged cases older than the window are not looked at again',
    async () => {
      await failedJoin();
      advance(UNJOINED_MERGE_WINDOW_MS + 60_000);
      expect((await reconcile(reconcileDeps())).findings.filter((f) => f.kind === 'unjoined_merge')).toEqual([]);
    },
    TIMEOUT,
  );
});
