/** The staff action service against the real DynamoDB adapter on dynalite, with a recording Workflow and MailSender. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoCaseStore } from '../../shared/adapters/aws/dynamo-case-store';
import { documentClient, ensureTable, localDynamoClient, startDynalite } from '../../infra/local/dynalite';
import type { DynaliteHandle } from '../../infra/local/dynalite';
import type { CaseRecord } from '../../shared/domain/case';
import { ForbiddenError, NotFoundError, PhaseConflictError, RuleViolationError, ValidationError } from '../../shared/domain/errors';
import { RulesRegistry } from '../../shared/domain/rules';
import { screen } from '../../shared/domain/lifecycle';
import type { MailSender, OutgoingMail, Workflow } from '../../shared/ports';
import { performAction } from '../../shared/services/actions';
import type { ActionDeps } from '../../shared/services/actions';
import { AGENCY, DEPT, NAME, OTHER_DEPT, PHONE, calendar, ctxAt, jurisdiction, newCase } from '../fixtures/lifecycle';

class RecordingWorkflow implements Workflow {
  successes: { token: string; output: Record<string, unknown> }[] = [];
  starts: { caseId: string; input: Record<string, unknown>; name?: string }[] = [];
  stale = new Set<string>();
  async start(caseId: string, input: Record<string, unknown>, name?: string) {
    this.starts.push({ caseId, input, name });
    return { executionId: name ?? caseId, alreadyRunning: false };
  }
  async sendTaskSuccess(token: string, output: Record<string, unknown>) {
    if (this.stale.has(token)) throw Object.assign(new Error('Task Timed Out'), { name: 'TaskTimedOut' });
    this.successes.push({ token, output });
  }
  async sendTaskFailure() {}
}

class RecordingMail implements MailSender {
  sent: OutgoingMail[] = [];
  failuresLeft = 0;
  async send(mail: OutgoingMail) {
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('SMTP 421');
    }
    this.sent.push(mail);
    return { messageId: `<${this.sent.length}@test>` };
  }
}

let dir: string;
let dyn: DynaliteHandle;
let client: DynamoDBClient;
let store: DynamoCaseStore;
let workflow: RecordingWorkflow;
let mail: RecordingMail;
let now: Date;
let deps: ActionDeps;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tousu-actions-'));
  dyn = await startDynalite({ path: dir });
  client = localDynamoClient(dyn);
  await ensureTable(client, 'actions');
  store = new DynamoCaseStore({ doc: documentClient(client), tableName: 'actions' });
});

afterAll(async () => {
  client.destroy();
  await dyn.close();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  workflow = new RecordingWorkflow();
  mail = new RecordingMail();
  now = new Date('2025-03-03T15:00:00+08:00');
  deps = { store, workflow, mail, clock: { now: () => now }, calendar, rules: new RulesRegistry(), jurisdiction, mailRetry: { attempts: 2, backoffMs: 0 } };
});

/** A screened case in the store, waiting in its phase with a task token. */
async function storedCase(o: Parameters<typeof newCase>[0] = {}): Promise<CaseRecord> {
  const c = newCase(o);
  c.caseId = `${c.caseId}-${Math.random().toString(36).slice(2, 8)}`;
  c.trackingNo = c.caseId;
  await store.create(c, []);
  const t = screen(c, ctxAt('2025-03-03T10:00:00+08:00'));
  const waiting = { step: t.record.phase, taskToken: `tok-${c.caseId}`, allowedActions: ['dispatch'], since: '2025-03-03T02:00:00.000Z' };
  return store.update({ ...t.record, waiting }, 0, t.events);
}

async function setWaiting(caseId: string, token: string) {
  const c = (await store.get(caseId))!;
  await store.update({ ...c, waiting: { step: c.phase, taskToken: token, allowedActions: [], since: c.updatedAt } }, c.version, []);
}

describe('performAction', () => {
  it('dispatches: writes, audits, mails the slip, and completes the waiting task', async () => {
    const c = await storedCase();
    const out = await performAction(deps, c.caseId, AGENCY, { action: 'dispatch', department: 'SCJGJ' });
    expect(out.phase).toBe('acceptance');
    const stored = (await store.get(c.caseId))!;
    expect(stored.waiting).toBeUndefined();
    expect(stored.department).toBe('SCJGJ');
    expect((await store.timeline(c.caseId)).map((e) => e.type)).toEqual(['screened', 'dispatched']);
    expect((await store.auditTrail(c.caseId)).map((a) => a.what)).toContain('action:dispatch');
    expect(mail.sent).toEqual([expect.objectContaining({ from: jurisdiction.mail.from, to: ['scjgj.sxdb@chuanshan.example.gov.cn'], tags: { kind: 'assignment_slip', caseId: c.caseId } })]);
    expect(mail.sent[0]!.attachments?.[0]?.filename).toMatch(/^交办单-/);
    expect(workflow.successes).toEqual([{ token: `tok-${c.caseId}`, output: { phase: 'acceptance', action: 'dispatch' } }]);
  });

  it('403 for a department without a part in the case, 409 for an action of another phase, 400 for a bad body, 404 for no case', async () => {
    const c = await storedCase();
    await performAction(deps, c.caseId, AGENCY, { action: 'dispatch', department: 'SCJGJ' });
    await expect(performAction(deps, c.caseId, OTHER_DEPT, { action: 'accept' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(performAction(deps, c.caseId, DEPT, { action: 'conclude', finding: 'partial', summary: 'x' })).rejects.toBeInstanceOf(PhaseConflictError);
    await expect(performAction(deps, c.caseId, DEPT, { action: 'reject', reason: 'art8-9' })).rejects.toBeInstanceOf(ValidationError);
    await expect(performAction(deps, 'nope', DEPT, { action: 'accept' })).rejects.toBeInstanceOf(NotFoundError);
    expect((await store.get(c.caseId))!.phase).toBe('acceptance');
  });

  it('audits a refused action like a refused read (art. 21): who tried what on which case; nothing for an unknown case', async () => {
    const c = await storedCase();
    await performAction(deps, c.caseId, AGENCY, { action: 'dispatch', department: 'SCJGJ' });
    await expect(performAction(deps, c.caseId, OTHER_DEPT, { action: 'accept' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(performAction(deps, c.caseId, { role: 'leader', id: 'leader-wu' }, { action: 'conclude', finding: 'partial', summary: 'x' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(performAction(deps, c.caseId, { role: 'admin', id: 'admin' }, { action: 'nonsense' })).rejects.toBeInstanceOf(ForbiddenError);
    const denied = (await store.auditTrail(c.caseId)).filter((a) => a.what.endsWith('_denied'));
    // Entries of the same instant are ordered by their random id: compare as sets.
    expect(denied.map((a) => [a.actor.id, a.what]).sort()).toEqual([
      ['admin', 'action_denied'],
      ['leader-wu', 'action:conclude_denied'],
      [OTHER_DEPT.id, 'action:accept_denied'],
    ]);
    await expect(performAction(deps, 'nope', OTHER_DEPT, { action: 'accept' })).rejects.toBeInstanceOf(NotFoundError);
    expect(await store.auditTrail('nope')).toEqual([]);
  });

  it('walks transfer → extension refused and granted → conclusion (result mail = reply) → rectification → follow-up', async () => {
    const c = await storedCase({ confidential: true });
    await performAction(deps, c.caseId, AGENCY, { action: 'dispatch', department: 'SCJGJ' });
    now = new Date('2025-03-04T10:00:00+08:00');
    const seen = await performAction(deps, c.caseId, DEPT, { action: 'accept' });
    // The department sees the confidential case redacted (art. 13).
    expect(JSON.stringify(seen)).not.toContain(NAME);
    await performAction(deps, c.caseId, DEPT, { action: 'classify', kind: 'transfer' });
    await setWaiting(c.caseId, 'tok-handling');
    now = new Date('2025-03-06T10:00:00+08:00');
    await expect(performAction(deps, c.caseId, DEPT, { action: 'request-extension', newDueDate: '2025-04-30', reason: '调查' })).rejects.toBeInstanceOf(RuleViolationError);
    await performAction(deps, c.caseId, DEPT, { action: 'request-extension', newDueDate: '2025-03-20', reason: '调查' });
    expect(workflow.successes.at(-1)).toEqual({ token: 'tok-handling', output: { phase: 'handling', action: 'request-extension' } });
    now = new Date('2025-03-19T10:00:00+08:00');
    await performAction(deps, c.caseId, DEPT, { action: 'conclude', finding: 'partial', summary: '部分属实。' });
    // The result mail sent at the conclusion is the reply (arts. 14(2), 16): a second reply is refused.
    const told = await store.get(c.caseId);
    expect(told).toMatchObject({ phase: 'rectification', reply: { method: 'email' } });
    await expect(performAction(deps, c.caseId, DEPT, { action: 'reply', method: 'phone', summary: '已电话答复。' })).rejects.toBeInstanceOf(PhaseConflictError);
    await performAction(deps, c.caseId, DEPT, { action: 'file-rectification', summary: '已整改。' });
    const done = await performAction(deps, c.caseId, AGENCY, { action: 'record-follow-up', satisfaction: 'satisfied' });
    expect(done.phase).toBe('archived');
    expect(done.flags.overdue).toBeUndefined();
    for (const m of mail.sent.filter((x) => !x.to.includes('wangxl@example.com'))) {
      expect(m.text).not.toContain(NAME);
      expect(m.text).not.toContain(PHONE);
    }
  });

  it('a stale task token is ignored; the action stands', async () => {
    const c = await storedCase();
    workflow.stale.add(`tok-${c.caseId}`);
    const out = await performAction(deps, c.caseId, AGENCY, { action: 'dispatch', department: 'SCJGJ' });
    expect(out.phase).toBe('acceptance');
    expect(workflow.successes).toEqual([]);
  });

  it('a mail that still fails after retries is recorded in the audit trail, not lost', async () => {
    const c = await storedCase();
    mail.failuresLeft = 2;
    await performAction(deps, c.caseId, AGENCY, { action: 'dispatch', department: 'SCJGJ' });
    const failed = (await store.auditTrail(c.caseId)).find((a) => a.what === 'notice_failed');
    expect(failed?.detail).toMatchObject({ kind: 'assignment_slip', attempts: 2, notice: expect.objectContaining({ to: ['scjgj.sxdb@chuanshan.example.gov.cn'] }) });
    mail.failuresLeft = 1;
    const d = await storedCase();
    await performAction(deps, d.caseId, AGENCY, { action: 'dispatch', department: 'SCJGJ' });
    expect(mail.sent).toHaveLength(1);
  });

  it('merges into another case and unmerges, restarting the workflow of the restored case', async () => {
    const target = await storedCase();
    const source = await storedCase();
    const merged = await performAction(deps, source.caseId, AGENCY, { action: 'merge', into: target.caseId });
    expect(merged).toMatchObject({ phase: 'merged', mergedInto: target.caseId });
    expect((await store.get(target.caseId))!.mergedFrom).toEqual([source.caseId]);
    expect(workflow.successes.at(-1)).toEqual({ token: `tok-${source.caseId}`, output: { phase: 'merged', action: 'merge' } });
    const back = await performAction(deps, source.caseId, AGENCY, { action: 'unmerge' });
    expect(back.phase).toBe('dispatch');
    expect(workflow.starts).toEqual([{ caseId: source.caseId, input: { caseId: source.caseId, resumeFrom: 'dispatch' }, name: `${source.caseId}-r${back.version}` }]);
    expect((await store.get(target.caseId))!.mergedFrom).toEqual([]);
  });
});
