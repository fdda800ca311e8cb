/**
 * Issue 15 item 4 through two real embedded runtimes on one machine (real SMTP in, real HTTP between them): a
 * mail naming 蓬溪县行政审批局 sent to the 船山区 runtime is handed over, signed, to the 蓬溪县 runtime, which files it
 * once with the evidence and the original received time; the 船山区 case ends as transferred. A second delivery of
 * the same hand-over makes nothing new; a bad signature is refused with 401 and files nothing; while the receiver
 * is down the hand-over waits as a dead letter and a replay delivers it.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { startRuntime } from '../../infra/local/runtime';
import type { Runtime } from '../../infra/local/runtime';
import { freePort, waitFor } from './runtime-helpers';
import type { CaseRecord } from '../../shared/domain/case';
import { HANDOVER_SIGNATURE_HEADER, signHandover } from '../../shared/domain/handover';
import { buildEnvelope } from '../../shared/services/handover';
import { FolderBlobStore } from '../../infra/local/folder-blob-store';
import { quarterOf } from '../../shared/domain/evaluation/quarter';

const KEY_CS_PX = { id: 'cs-px-2026', secret: 'b3f1c0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9' };
const ATTACHMENT = Buffer.from('%PDF-1.4 施工许可申请材料被拒收的回执（扫描件）\n', 'utf8');

describe('embedded runtimes: signed hand-over 船山区 → 蓬溪县 (issue 15 item 4)', () => {
  let dirCs: string;
  let dirPx: string;
  let cs: Runtime;
  let px: Runtime;
  let pxPort: number;

  const pxCases = async (): Promise<CaseRecord[]> => (await px.store.query({ jurisdiction: '510921', limit: 100 })).items;
  const csCases = async (): Promise<CaseRecord[]> => (await cs.store.query({ jurisdiction: '510903', limit: 100 })).items;

  const startPx = async () => {
    px = await startRuntime({ dataDir: dirPx, port: pxPort, smtpPort: 0, quiet: true, jurisdiction: '510921', reconcileEveryMs: 0 });
  };

  beforeAll(async () => {
    dirCs = await mkdtemp(join(tmpdir(), 'tousu-e2e-ho-cs-'));
    dirPx = await mkdtemp(join(tmpdir(), 'tousu-e2e-ho-px-'));
    pxPort = await freePort();
    const csPort = await freePort();
    await writeFile(
      join(dirCs, 'tousu.config.json'),
      JSON.stringify({
        jurisdiction: '510903',
        handover: { peers: [{ jurisdiction: '510921', url: `http://127.0.0.1:${pxPort}/api/handover`, keys: [KEY_CS_PX], signWith: KEY_CS_PX.id, timeoutMs: 3000 }] },
      }),
    );
    await writeFile(
      join(dirPx, 'tousu.config.json'),
      JSON.stringify({ jurisdiction: '510921', handover: { peers: [{ jurisdiction: '510903', url: `http://127.0.0.1:${csPort}/api/handover`, keys: [KEY_CS_PX], signWith: KEY_CS_PX.id }] } }),
    );
    cs = await startRuntime({ dataDir: dirCs, port: csPort, smtpPort: 0, quiet: true, jurisdiction: '510903', reconcileEveryMs: 0 });
    await startPx();
  }, 60_000);

  afterAll(async () => {
    await cs?.stop();
    await px?.stop();
    await rm(dirCs, { recursive: true, force: true });
    await rm(dirPx, { recursive: true, force: true });
  });

  const mail = async (messageId: string, phone: string) => {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: cs.smtpPort, secure: false, ignoreTLS: true });
    await t.sendMail({
      from: { name: '李建国', address: 'lijianguo@example.com' },
      to: cs.jurisdiction.intakeAddress,
      subject: '投诉蓬溪县行政审批局',
      messageId,
      text: [
        '您好，我是李建国，手机' + phone + '。',
        '被投诉单位：蓬溪县行政审批局',
        '投诉事项：施工许可申请材料被窗口拒收，也不说明理由。',
        '事实和理由：2026年3月2日上午在窗口提交，被告知“回去等通知”。',
      ].join('\n'),
      attachments: [{ filename: '回执.pdf', content: ATTACHMENT, contentType: 'application/pdf' }],
    });
    t.close();
  };

  let sent: CaseRecord;
  let filed: CaseRecord;

  it('the 船山区 case ends as transferred; the 蓬溪县 runtime files it once, with evidence and the original time', async () => {
    await mail('<handover-1@example.com>', '13700000011');
    sent = await waitFor('transferred case at 船山区', async () => (await csCases()).find((c) => c.outcome?.kind === 'transferred'), 30_000);
    expect(sent.phase).toBe('archived');
    const o = sent.outcome!;
    if (o.kind !== 'transferred') throw new Error('not transferred');
    expect(o.to).toEqual({ code: '510921', name: '蓬溪县' });
    // Counted by the receiver, not the sender: no evaluation fact of the transferred case at 船山区.
    // (the facts are written just after the case, so wait for them to settle)
    await waitFor('no fact of the transferred case at 船山区', async () => (await cs.evaluationFacts.quarter('510903', quarterOf(sent.receivedAt))).facts.every((f) => f.caseId !== sent.caseId));
    const pq = await px.evaluationFacts.quarter('510921', quarterOf(sent.receivedAt));
    expect(pq.facts.filter((f) => f.caseId === o.trackingNo).map((f) => f.kind)).toContain('received');
    const csLine = (await cs.store.timeline(sent.caseId)).find((e) => e.type === 'transferred');
    expect(csLine?.summary).toContain(`已移交蓬溪县（510921）处理，对方受理编号 ${o.trackingNo}`);

    const all = await pxCases();
    expect(all).toHaveLength(1);
    filed = all[0]!;
    expect(filed.caseId).toBe(o.trackingNo);
    expect(filed.handover).toMatchObject({ id: `510903:${sent.caseId}`, from: { code: '510903', name: '船山区' }, fromCaseId: sent.caseId, originalReceivedAt: sent.receivedAt });
    // The receiver's clock counts: received when the hand-over arrived, not when the complainant mailed 船山区.
    expect(Date.parse(filed.receivedAt)).toBeGreaterThanOrEqual(Date.parse(sent.receivedAt));
    expect(filed.receivedAt).not.toBe(sent.receivedAt);
    expect(filed.intake.respondent.unit).toContain('蓬溪县行政审批局');
    expect(filed.routing?.kind).toBe('department');
    const ev = filed.intake.evidence.find((e) => e.filename === '回执.pdf');
    expect(ev?.sha256).toBe(createHash('sha256').update(ATTACHMENT).digest('hex'));
    const bytes = await new FolderBlobStore(px.paths.blobs).get(ev!.ref);
    expect(Buffer.from(bytes!).equals(ATTACHMENT)).toBe(true);
    const pxLine = (await px.store.timeline(filed.caseId)).find((e) => e.type === 'handed_over_in');
    expect(pxLine?.summary).toContain(`由船山区（510903）移交，对方受理编号 ${sent.caseId}`);
    expect(pxLine?.summary).toContain(sent.receivedAt);
  }, 60_000);

  it('a second delivery of the same hand-over makes nothing new and answers with the same case', async () => {
    const env = await buildEnvelope({ config: { peers: [] }, jurisdiction: cs.jurisdiction, store: cs.store, blobs: new FolderBlobStore(cs.paths.blobs), clock: cs.clock }, sent, {
      code: '510921',
      name: '蓬溪县',
    });
    const { body, signature } = signHandover(env, KEY_CS_PX);
    const res = await fetch(`${px.httpUrl}/api/handover`, { method: 'POST', headers: { 'content-type': 'application/json', [HANDOVER_SIGNATURE_HEADER]: signature }, body });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ caseId: filed.caseId, duplicate: true });
    expect(await pxCases()).toHaveLength(1);
  });

  it('a bad signature is refused with 401, a precise code and a Chinese message; nothing is filed', async () => {
    const env = await buildEnvelope(
      { config: { peers: [] }, jurisdiction: cs.jurisdiction, store: cs.store, blobs: new FolderBlobStore(cs.paths.blobs), clock: cs.clock },
      { ...sent, caseId: 'FORGED-1' },
      { code: '510921', name: '蓬溪县' },
    );
    const { body } = signHandover(env, { id: KEY_CS_PX.id, secret: 'x'.repeat(48) });
    const { signature } = signHandover(env, { id: KEY_CS_PX.id, secret: 'y'.repeat(48) });
    const res = await fetch(`${px.httpUrl}/api/handover`, { method: 'POST', headers: { 'content-type': 'application/json', [HANDOVER_SIGNATURE_HEADER]: signature }, body });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: 'handover_signature_invalid', message: '移交请求签名校验失败，内容可能被篡改或密钥不一致，未予接收。' });
    const tampered = signHandover(env, KEY_CS_PX);
    const res2 = await fetch(`${px.httpUrl}/api/handover`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [HANDOVER_SIGNATURE_HEADER]: tampered.signature },
      body: tampered.body.replace('施工许可', '施工许XX'),
    });
    expect(res2.status).toBe(401);
    const res3 = await fetch(`${px.httpUrl}/api/handover`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res3.status).toBe(401);
    expect(((await res3.json()) as { code: string }).code).toBe('handover_signature_missing');
    expect(await pxCases()).toHaveLength(1);
  });

  it('while 蓬溪县 is down the hand-over waits as a dead letter; a replay delivers it, once', async () => {
    await px.stop();
    await mail('<handover-2@example.com>', '13700000012');
    const parked = await waitFor(
      'parked hand-over',
      async () => {
        const page = await cs.recovery.deadLetters.list({ jurisdiction: '510903', status: 'open' });
        return page.items.find((d) => d.kind === 'handover');
      },
      30_000,
    );
    const local = await cs.store.get(parked.caseId!);
    expect(local?.outcome).toBeUndefined();
    await startPx();
    expect(await cs.recovery.replay(parked.id)).toMatchObject({ ok: true });
    const after = await waitFor('transferred after replay', async () => {
      const c = await cs.store.get(parked.caseId!);
      return c?.outcome?.kind === 'transferred' ? c : undefined;
    });
    expect(after.phase).toBe('archived');
    expect(await pxCases()).toHaveLength(2);
  }, 60_000);
});
