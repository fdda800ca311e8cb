/**
 * The SMTP intake listener on its own (real smtp-server, real nodemailer client): recipients other than the
 * intake address are refused (no relay), an oversized message is refused, and a message whose processing
 * fails is kept as a dead letter (accepted, nothing lost) and replayed later.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { replayDeadLetters, startSmtpIntake } from '../../infra/local/smtp-intake';
import type { SmtpIntakeHandle } from '../../infra/local/smtp-intake';

const INTAKE = 'tousu@chuanshan.example.gov.cn';

describe('SMTP intake listener', () => {
  let dir: string;
  let smtp: SmtpIntakeHandle;
  let fail = true;
  const received: Uint8Array[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tousu-smtp-'));
    smtp = await startSmtpIntake({
      host: '127.0.0.1',
      port: 0,
      addresses: [INTAKE],
      deadLetterDir: join(dir, 'dead'),
      limits: { maxBytes: 64 * 1024 },
      ingest: async (raw) => {
        if (fail) throw Object.assign(new Error('store unavailable'), { name: 'ServiceUnavailable' });
        received.push(raw);
        return { ignored: false, caseId: `510903-20260302-000${received.length}` };
      },
    });
  });

  afterAll(async () => {
    await smtp.close();
    await rm(dir, { recursive: true, force: true });
  });

  const send = (to: string, text: string, messageId: string) =>
    nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, ignoreTLS: true }).sendMail({ from: 'a@example.com', to, subject: '投诉', text, messageId });

  it('refuses other recipients with 550 and oversized mail with 552', async () => {
    await expect(send('postmaster@elsewhere.example', '内容', '<r1@x>')).rejects.toMatchObject({ responseCode: 550 });
    await expect(send(INTAKE, 'x'.repeat(100 * 1024), '<big@x>')).rejects.toMatchObject({ responseCode: 552 });
    expect(await readdir(join(dir, 'dead')).catch(() => [])).toEqual([]);
  });

  it('keeps a mail whose processing failed as a dead letter, then replays it', async () => {
    const info = await send(INTAKE.toUpperCase(), '窗口工作人员态度恶劣。', '<dl-1@x>');
    expect(info.response).toMatch(/^250/);
    const kept = (await readdir(join(dir, 'dead'))).filter((n) => n.endsWith('.eml'));
    expect(kept).toHaveLength(1);

    fail = false;
    const results = await replayDeadLetters(join(dir, 'dead'), async (raw) => {
      received.push(raw);
      return { ignored: false, caseId: 'C-1' };
    });
    expect(results).toEqual([{ file: kept[0], ok: true, ignored: false, caseId: 'C-1' }]);
    expect(Buffer.from(received[0]!).toString()).toContain('Message-ID: <dl-1@x>');
    expect((await readdir(join(dir, 'dead'))).filter((n) => n.endsWith('.eml'))).toEqual([]);
    expect(await readdir(join(dir, 'dead', 'replayed'))).toContain(kept[0]);
  });
});
