import { submitIntake } from '../../shared/intake/core';
import type { IntakeDeps } from '../../shared/intake/core';
import { hashQueryCode } from '../../shared/adapters/ids';
import { ValidationError } from '../../shared/domain/errors';
import { IntakeInProgressError } from '../../shared/intake/errors';
import type { CaseStore } from '../../shared/ports';
import { sampleIntake, startHarness } from '../fixtures/channels/harness';
import type { Harness } from '../fixtures/channels/harness';

describe('intake core (CaseStore on dynalite, SfnWorkflow over a mocked SFNClient)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('creates the case in phase received, starts its execution named after the case id and mails the receipt', async () => {
    const r = await submitIntake(h.deps, sampleIntake());

    expect(r.caseId).toMatch(/^510903-20260302-\d{4}$/);
    expect(r.queryCode).toMatch(/^[2-9A-Z]{8}$/);
    expect(r.duplicate).toBe(false);
    const c = await h.store.get(r.caseId);
    expect(c?.phase).toBe('received');
    expect(c?.queryCodeHash).toBe(hashQueryCode(r.queryCode!));
    expect(c?.rulesVersion).toBe('suining-2023');
    expect(c?.intake.respondent.unitCode).toBe('SCJGJ');
    expect((await h.store.timeline(r.caseId)).map((e) => e.type)).toEqual(['received', 'routed']);
    expect(h.started).toEqual([{ stateMachineArn: expect.any(String), name: r.caseId, input: JSON.stringify({ caseId: r.caseId }) }]);
    expect(h.mail.sent).toHaveLength(1);
    expect(h.mail.sent[0]!.to).toEqual(['zhangsan@example.cn']);
    expect(h.mail.sent[0]!.text).toContain(r.queryCode!);
    expect(h.mail.sent[0]!.text).toContain('不代表对投诉事项作出任何认定或承诺');
  });

  it('replays give the same case, no query code, and one started execution', async () => {
    const intake = sampleIntake();
    const first = await submitIntake(h.deps, intake);
    const second = await submitIntake(h.deps, intake);

    expect(second).toEqual({ caseId: first.caseId, status: 'received', duplicate: true });
    expect(h.started).toHaveLength(1);
    expect(h.startCalls()).toHaveLength(2); // the replay re-checks the execution; Step Functions refuses the duplicate
    expect(h.mail.sent).toHaveLength(1);
  });

  it('a retry after a crash between claim and create completes the same case', async () => {
    const intake = sampleIntake();
    const crashing: CaseStore = Object.create(h.store);
    crashing.create = async () => {
      throw new Error('crash before create');
    };
    await expect(submitIntake({ ...h.deps, store: crashing }, intake)).rejects.toThrow('crash before create');
    expect(h.started).toHaveLength(0);

    const retry = await submitIntake(h.deps, intake);
    expect(retry.queryCode).toBeDefined();
    expect((await h.store.get(retry.caseId))?.queryCodeHash).toBe(hashQueryCode(retry.queryCode!));
    expect(h.started.map((s) => s.name)).toEqual([retry.caseId]);
    expect(retry.caseId).toMatch(/-0001$/); // the bound id is reused: no second tracking number
  });

  it('a retry after a crash between create and start starts the execution', async () => {
    const intake = sampleIntake();
    const failing: IntakeDeps = { ...h.deps, workflow: { ...h.deps.workflow, start: async () => Promise.reject(new Error('throttled')) } };
    await expect(submitIntake(failing, intake)).rejects.toThrow('throttled');
    const retry = await submitIntake(h.deps, intake);
    expect(retry.duplicate).toBe(true);
    expect(h.started.map((s) => s.name)).toEqual([retry.caseId]);
  });

  it('a fresh unbound claim is "in progress"; a stale one is taken over', async () => {
    const intake = sampleIntake();
    await h.store.claimSource(intake.sourceKey as string, h.now.value.toISOString());
    await expect(submitIntake(h.deps, intake)).rejects.toBeInstanceOf(IntakeInProgressError);
    h.now.value = new Date(h.now.value.getTime() + 3 * 60_000);
    const r = await submitIntake(h.deps, intake);
    expect(r.duplicate).toBe(false);
    expect(h.started).toHaveLength(1);
  });

  it('rejects bad input with Chinese field messages and stable codes, writing nothing', async () => {
    const bad = sampleIntake({ matter: '', complainant: { phone: '12', anonymous: false, wantsReply: true, confidential: false } });
    const err = await submitIntake(h.deps, bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).problems).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'matter', code: 'required', message: expect.stringMatching(/具体投诉事项/) })]));
    expect(h.startCalls()).toHaveLength(0);
  });

  it('a major on-site matter needs the signed written form (art. 7(1))', async () => {
    const onsite = sampleIntake({ channel: 'onsite', major: true, sourceKey: 'staff:onsite:abcdefgh' });
    const err = (await submitIntake(h.deps, onsite).catch((e: unknown) => e)) as ValidationError;
    expect(err.problems).toEqual([expect.objectContaining({ field: 'evidence', code: 'signed_form_required' })]);
    const signed = { filename: 'form.pdf', contentType: 'application/pdf', size: 10, sha256: 'a'.repeat(64), ref: 'x/form.pdf', kind: 'signed_form' };
    const ok = await submitIntake(h.deps, { ...onsite, evidence: [signed] });
    expect((await h.store.get(ok.caseId))?.flags.major).toBe(true);
  });

  it('anonymous intakes get no mail; confidential and anonymous flags are set', async () => {
    const r = await submitIntake(h.deps, sampleIntake({ complainant: { anonymous: true, wantsReply: false, confidential: true, email: 'a@b.cn' } }));
    const c = await h.store.get(r.caseId);
    expect(c?.flags).toMatchObject({ anonymous: true, confidential: true });
    expect(h.mail.sent).toHaveLength(0);
  });

  it('a merge decision files the case as merged into the open case, which keeps the source; no execution starts', async () => {
    const open = await submitIntake(h.deps, sampleIntake());
    const dupDeps: IntakeDeps = { ...h.deps, duplicateCheck: async () => ({ kind: 'merge', into: open.caseId, score: 0.95, explanation: ['同一手机号', '内容相同'] }) };
    const intake = sampleIntake({ channel: 'email', sourceKey: 'email:<m1@example.cn>' });
    const r = await submitIntake(dupDeps, intake);
    expect(r).toMatchObject({ status: 'merged', mergedInto: open.caseId, duplicate: false });
    const target = await h.store.get(open.caseId);
    expect(target?.sources.map((s) => s.sourceKey)).toContain('email:<m1@example.cn>');
    expect(h.started.map((s) => s.name)).toEqual([open.caseId]);
    const replay = await submitIntake(dupDeps, intake);
    expect(replay).toMatchObject({ caseId: r.caseId, mergedInto: open.caseId, duplicate: true });
    expect((await h.store.get(open.caseId))?.merges).toHaveLength(1);
  });

  it('a possible duplicate is named in the answer with its reasons, once, and files the identity keys before the case', async () => {
    const open = await submitIntake(h.deps, sampleIntake());
    const filed: { caseId: string; existed: boolean }[] = [];
    const dupDeps: IntakeDeps = {
      ...h.deps,
      duplicateCheck: async () => ({ kind: 'possible', candidates: [{ caseId: open.caseId, score: 0.62, explanation: ['投诉人姓氏一致（一方仅留姓氏和称谓）', '被投诉单位相同'] }] }),
      indexCase: async (c) => {
        filed.push({ caseId: c.caseId, existed: !!(await h.store.get(c.caseId)) });
      },
    };
    const intake = sampleIntake({ channel: 'phone', sourceKey: 'phone:note-1' });
    const r = await submitIntake(dupDeps, intake);
    expect(r.possibleDuplicates).toEqual([{ caseId: open.caseId, score: 0.62, reasons: ['投诉人姓氏一致（一方仅留姓氏和称谓）', '被投诉单位相同'] }]);
    expect((await h.store.get(r.caseId))?.flags.possibleDuplicateOf).toEqual([open.caseId]);
    expect(filed).toEqual([{ caseId: r.caseId, existed: false }]);
    const replay = await submitIntake(dupDeps, intake);
    expect(replay.possibleDuplicates).toBeUndefined();
  });

  it('a possible duplicate shows on both cases: the reasons on the new one, the back-reference on the candidate (once)', async () => {
    const open = await submitIntake(h.deps, sampleIntake());
    const dupDeps: IntakeDeps = {
      ...h.deps,
      duplicateCheck: async () => ({
        kind: 'possible',
        candidates: [{ caseId: open.caseId, score: 0.62, explanation: [`可能与案件 ${open.caseId} 为同一投诉事项，请人工判断是否合并`, '被投诉单位相同'] }],
      }),
    };
    const intake = sampleIntake({ channel: 'phone', sourceKey: 'phone:note-2' });
    const r = await submitIntake(dupDeps, intake);
    const later = await h.store.get(r.caseId);
    expect(later?.duplicateSuspects).toEqual([
      expect.objectContaining({ caseId: open.caseId, direction: 'of', score: 0.62, reasons: [`可能与案件 ${open.caseId} 为同一投诉事项，请人工判断是否合并`, '被投诉单位相同'] }),
    ]);
    const earlier = await h.store.get(open.caseId);
    expect(earlier?.duplicateSuspects).toEqual([
      expect.objectContaining({ caseId: r.caseId, direction: 'by', reasons: [`后收到的投诉件 ${r.caseId} 可能与本件为同一投诉事项，请人工判断是否合并`, '被投诉单位相同'] }),
    ]);
    expect((await h.store.timeline(open.caseId)).filter((e) => e.type === 'possible_duplicate')).toHaveLength(1);
    // A redelivery completes the link idempotently: still one entry, one timeline line.
    await submitIntake(dupDeps, intake);
    expect((await h.store.get(open.caseId))?.duplicateSuspects).toHaveLength(1);
    expect((await h.store.timeline(open.caseId)).filter((e) => e.type === 'possible_duplicate')).toHaveLength(1);
  });

  it('passes the art. 11 window of the rules version in force (duplicates.windowDays) to the duplicate check', async () => {
    const seen: (number | undefined)[] = [];
    const windowed: IntakeDeps = { ...h.deps, duplicateCheck: async (_i, ctx) => (seen.push(ctx.windowDays), { kind: 'new' }) };
    await submitIntake(windowed, sampleIntake({ sourceKey: 'web:window-1' }));
    expect(seen).toEqual([h.deps.rules.inForceOn('2026-03-02').version.duplicates.windowDays]);
    expect(seen[0]).toBe(90);
  });
});
