/**
 * Who the sender is, through the real runtime's SMTP listener (nodemailer as the client): a forward from an
 * address that is not a trusted forwarder makes its sender the complainant, the person named inside an
 * unverified mention that gets no mail; malformed mail is quarantined, never a dead letter; a From written as one
 * RFC 2047 encoded word becomes a case.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { ManualClock } from '../../infra/local/clock';
import { startRuntime } from '../../infra/local/runtime';
import type { Runtime } from '../../infra/local/runtime';
import { api, type Api, type Json } from './runtime-helpers';

const PASSWORD = 'correct horse battery staple';

describe('runtime: senders who are who they say', () => {
  let dir: string;
  let rt: Runtime;
  let http: Api;
  let token: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tousu-mail-trust-'));
    const clock = new ManualClock('2026-03-02T09:00:00+08:00');
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock, quiet: true, folderPollMs: 60_000 });
    clock.setSettle(() => rt.workflow.idle());
    http = api(rt.httpUrl);
    await rt.users.add({ username: 'agency1', role: 'agency', password: PASSWORD });
    token = await http.login('agency1', PASSWORD);
  });

  afterAll(async () => {
    await rt?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const transport = () => nodemailer.createTransport({ host: '127.0.0.1', port: rt.smtpPort, ignoreTLS: true });
  const sendRaw = async (raw: string, from = 'sender@example.com') => (await transport().sendMail({ envelope: { from, to: [rt.jurisdiction.intakeAddress] }, raw })).response;
  const caseIdOf = (response: string) => /Accepted as (\S+)/.exec(response)?.[1];
  const acknowledgementsTo = async (address: string) => (await rt.outbox.list()).filter((m) => m.kind === 'acknowledgement' && m.to.includes(address));

  it('a forward from an untrusted sender: the sender is the complainant and alone gets the receipt; the person inside is unverified', async () => {
    const info = await transport().sendMail({
      from: { name: '钱多多', address: 'qianduoduo@example.com' },
      to: rt.jurisdiction.intakeAddress,
      subject: 'Fwd: 营业执照变更登记三次被退回',
      messageId: '<untrusted-fwd-1@example.com>',
      text: [
        '---------- Forwarded message ---------',
        'From: 王秀英 <wangxiuying@example.net>',
        'Date: Tue, Mar 3, 2026 at 10:12 AM',
        'Subject: 营业执照变更登记三次被退回',
        '',
        '姓名：王秀英',
        '手机：13812345678',
        '被投诉单位：船山区市场监督管理局',
        '投诉事项：营业执照变更登记三次被退回，每次退回的理由都不一样。',
      ].join('\n'),
    });
    const caseId = caseIdOf(info.response);
    expect(caseId).toBeDefined();
    await rt.workflow.idle();
    const c = (await rt.store.get(caseId!))!;
    expect(c.intake.complainant).toMatchObject({ name: '钱多多', email: 'qianduoduo@example.com' });
    expect(c.intake.complainant.phone).toBeUndefined();
    expect(c.intake.forwardedBy).toBeUndefined();
    expect(c.intake.unverifiedMentions).toEqual([{ source: 'forwarded_original', name: '王秀英', email: 'wangxiuying@example.net', phone: '13812345678' }]);
    expect(await acknowledgementsTo('qianduoduo@example.com')).toHaveLength(1);
    expect((await rt.outbox.list()).filter((m) => m.to.includes('wangxiuying@example.net'))).toEqual([]);
    // Staff see the mention, marked as unverified.
    const view = await http.call('GET', `/api/cases/${caseId}`, { token });
    expect(view.status).toBe(200);
    expect(view.body.intake.unverifiedMentions[0]).toMatchObject({ name: '王秀英', source: 'forwarded_original' });
  });

  it('the same forward from a department forwarding mailbox (trusted by default) makes the person inside the complainant', async () => {
    const info = await transport().sendMail({
      from: { name: '区市场监管局投诉信箱', address: 'scjgj.tousu@chuanshan.example.gov.cn' },
      to: rt.jurisdiction.intakeAddress,
      subject: 'Fwd: 营业执照变更登记三次被退回',
      messageId: '<trusted-fwd-1@chuanshan.example.gov.cn>',
      text: [
        '---------- Forwarded message ---------',
        'From: 孙丽 <sunli@example.net>',
        'Date: Tue, Mar 3, 2026 at 10:12 AM',
        'Subject: 退回',
        '',
        '被投诉单位：船山区市场监督管理局',
        '投诉事项：食品经营许可延续申请被无故退回两次。',
      ].join('\n'),
    });
    await rt.workflow.idle();
    const c = (await rt.store.get(caseIdOf(info.response)!))!;
    expect(c.intake.complainant).toMatchObject({ name: '孙丽', email: 'sunli@example.net' });
    expect(c.intake.forwardedBy).toBe('scjgj.tousu@chuanshan.example.gov.cn');
    expect(c.intake.unverifiedMentions).toBeUndefined();
    expect(await acknowledgementsTo('sunli@example.net')).toHaveLength(1);
  });

  it('a From written as one RFC 2047 encoded word becomes a case', async () => {
    const raw = [
      `From: =?UTF-8?B?${Buffer.from('张三 <zhangsan@example.com>').toString('base64')}?=`,
      `To: ${rt.jurisdiction.intakeAddress}`,
      'Subject: =?UTF-8?B?5oqV6K+J?=',
      'Message-ID: <one-encoded-word@example.com>',
      'Content-Type: text/plain; charset=utf-8',
      '',
      '被投诉单位：船山区市场监督管理局',
      '投诉事项：窗口工作人员拒不说明退回理由。',
      '',
    ].join('\r\n');
    const caseId = caseIdOf(await sendRaw(raw));
    expect(caseId).toBeDefined();
    expect((await rt.store.get(caseId!))!.intake.complainant).toMatchObject({ name: '张三', email: 'zhangsan@example.com' });
  });

  it('malformed mail is accepted for review and quarantined, never parked as a dead letter', async () => {
    const to = rt.jurisdiction.intakeAddress;
    const mails = {
      noHeaders: '窗口工作人员态度恶劣，拖延办理。\r\n电话13800001111\r\n',
      fromFlood: [`From: ${Array.from({ length: 8000 }, (_, i) => `u${i}@flood.example`).join(', ')}`, `To: ${to}`, 'Subject: x', 'Message-ID: <flood@x>', '', '投诉事项：窗口态度恶劣。', ''].join(
        '\r\n',
      ),
      noColon: ['From: 李四 <lisi@example.com>', `To: ${to}`, 'This header has no colon', 'Subject: x', 'Message-ID: <nocolon@x>', '', '投诉事项：窗口态度恶劣。', ''].join('\r\n'),
      noName: ['From: nobody@example.com', `To: ${to}`, 'Subject: x', 'Message-ID: <noname@x>', '', '投诉事项：窗口态度恶劣。', ''].join('\r\n'),
    };
    for (const raw of Object.values(mails)) expect(await sendRaw(raw)).toMatch(/^250 .*not filed/);
    expect(await readdir(rt.paths.deadLetters).catch(() => [])).toEqual([]);
    expect((await rt.recovery.listDeadLetters()).items).toEqual([]);
    const q = await http.call('GET', '/api/quarantine', { token });
    expect(q.status).toBe(200);
    const reasons = (q.body.items as Json[]).map((e) => e.reason).sort();
    expect(reasons).toEqual(['invalid', 'malformed', 'malformed', 'malformed']);
  });
});

describe('runtime: SMTP limits are configuration, validated at start', () => {
  it('refuses to start on a wrong `smtp` object in tousu.config.json, naming the field in Chinese', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tousu-smtp-config-'));
    try {
      await writeFile(join(dir, 'tousu.config.json'), JSON.stringify({ smtp: { maxClients: 0, mailFromTimeoutSeconds: 5 } }));
      await expect(startRuntime({ dataDir: dir, port: 0, smtpPort: 0, quiet: true })).rejects.toMatchObject({
        name: 'RuntimeStartError',
        code: 'invalid_smtp_limits',
        message: expect.stringMatching(/smtp\.maxClients：.*smtp/s),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
