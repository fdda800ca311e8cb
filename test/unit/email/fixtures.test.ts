import { buildFixtures, type EmailFixture } from '../../fixtures/email/generate';
import { testJurisdiction } from '../../fixtures/email/jurisdiction';
import { ingestEmail, type EmailIntakeResult } from '../../../shared/email-intake/service';
import { MemoryQuarantineStore } from '../../../shared/adapters/memory/quarantine-store';
import { CanonicalIntake } from '../../../shared/domain/intake';
import { MemoryBlobStore } from './memory-blobs';
import { ValidationError } from '../../../shared/domain/errors';

const clock = { now: () => new Date('2024-03-06T02:00:00Z') };
let fixtures: EmailFixture[] = [];

beforeAll(async () => {
  fixtures = await buildFixtures();
});

test('the corpus has at least 30 mails', () => {
  expect(fixtures.length).toBeGreaterThanOrEqual(30);
});

describe('each fixture, dry run', () => {
  // The list is built asynchronously; a fixed list of names keeps one test per mail.
  const names = [
    'qq-gbk-inline',
    'qq-html-only',
    'foxmail-gb2312-qp',
    'netease-163-gbk',
    'netease-126-gb18030-astral',
    'outlook-zh-plain',
    'outlook-zh-html',
    'outlook-en-html',
    'outlook-en-original-message',
    'gmail-zh',
    'gmail-en',
    'apple-zh',
    'apple-en',
    'thunderbird-en',
    'thunderbird-zh-gbk',
    'rfc822-attachment-gbk',
    'rfc822-with-rfc2231-photo',
    'nested-inline-gmail-qq',
    'nested-rfc822-netease',
    'direct-utf8-qp-attachment',
    'direct-gb18030-idcard',
    'direct-anonymous',
    'direct-inline-fields-confidential',
    'gbk-q-headers-refused-exe',
    'gb2312-html-only',
    'department-retyped',
    'untrusted-forward-names-other',
    'direct-names-other-email',
    'trusted-domain-forward',
    'from-one-encoded-word',
    'malformed-no-headers',
    'malformed-8000-from',
    'malformed-header-without-colon',
    'auto-reply-auto-submitted',
    'auto-reply-gbk-subject',
    'auto-reply-x-autoreply',
    'bounce-multipart-report',
    'bounce-netease-tuixin',
    'ses-spam-fail',
    'ses-virus-fail',
    'ses-pass',
  ];

  test('the list names every fixture', () => {
    expect(fixtures.map((f) => f.name).sort()).toEqual([...names].sort());
  });

  test.each(names)('%s', async (name) => {
    const fx = fixtures.find((f) => f.name === name)!;
    const result: EmailIntakeResult = await ingestEmail(fx.raw, 'cli', { clock, jurisdiction: testJurisdiction, dryRun: true });
    const e = fx.expect;
    if (e.ignored) {
      expect(result).toMatchObject({ ignored: true, reason: e.ignored });
      if (e.detail) expect(result.ignored && result.detail).toContain(e.detail);
      return;
    }
    if (result.ignored) throw new Error(`${name} was ignored: ${result.reason} ${result.detail}`);
    const intake = result.intake;
    expect(CanonicalIntake.parse(intake)).toEqual(intake);
    expect(intake.channel).toBe('email');
    expect(intake.complainant.name ?? null).toBe(e.complainantName ?? null);
    if (e.complainantEmail) expect(intake.complainant.email).toBe(e.complainantEmail);
    if (e.phone) expect(intake.complainant.phone).toBe(e.phone);
    if (e.anonymous !== undefined) expect(intake.complainant.anonymous).toBe(e.anonymous);
    if (e.wantsReply !== undefined) expect(intake.complainant.wantsReply).toBe(e.wantsReply);
    if (e.confidential !== undefined) expect(intake.complainant.confidential).toBe(e.confidential);
    expect(intake.respondent.unitCode ?? null).toBe(e.respondentCode ?? null);
    if (e.respondentPerson) expect(intake.respondent.person).toBe(e.respondentPerson);
    expect(intake.matter).toContain(e.matter!);
    if (e.facts) expect(intake.facts).toContain(e.facts);
    expect(intake.originalSentAt ?? null).toBe(e.originalSentAt ?? null);
    expect(intake.forwardedBy ?? null).toBe(e.forwardedBy ?? null);
    expect(intake.receivedBy).toEqual(e.receivedBy ?? 'agency');
    if (e.evidence) expect(intake.evidence.map((x) => x.filename)).toEqual(e.evidence);
    for (const ev of intake.evidence) expect(ev.ref).toBe(`dryrun:${ev.sha256}`);
    if (e.refused) {
      const refused = (intake.channelDetails?.refusedAttachments ?? []) as { filename: string; reason: string }[];
      expect(refused.map((r) => r.filename)).toEqual(e.refused);
      for (const r of refused) expect(r.reason).toMatch(/不接受|上限/);
    }
    for (const secret of e.absent ?? []) expect(JSON.stringify(intake)).not.toContain(secret);
    expect(intake.unverifiedMentions ?? []).toEqual(e.unverified ?? []);
    if (e.forwarderTrusted !== undefined) expect(intake.channelDetails?.forwarderTrusted).toBe(e.forwarderTrusted);
  });
});

describe('with storage', () => {
  test('evidence and the raw mail go to the BlobStore, the case through submit, identity numbers masked', async () => {
    const fx = fixtures.find((f) => f.name === 'direct-gb18030-idcard')!;
    const blobs = new MemoryBlobStore();
    const quarantine = new MemoryQuarantineStore();
    const submitted: CanonicalIntake[] = [];
    const result = await ingestEmail(fx.raw, 'ses', {
      clock,
      jurisdiction: testJurisdiction,
      blobs,
      quarantine,
      submit: async (intake) => {
        submitted.push(intake);
        return { caseId: 'C-1' };
      },
    });
    expect(result).toMatchObject({ ignored: false, caseId: 'C-1', sourceKey: 'email:ses:direct-21@163.com' });
    expect(submitted).toHaveLength(1);
    const stored = JSON.stringify(submitted[0]);
    expect(stored).not.toContain('510903199001011237');
    expect(stored).toContain('510903********1237');
    const rawKeys = [...blobs.blobs.keys()].filter((k) => k.startsWith('mail/raw/'));
    expect(rawKeys).toHaveLength(1);
    expect(submitted[0]!.channelDetails?.rawMailRef).toBe(`mem:${rawKeys[0]}`);
    expect((await quarantine.list('510903')).items).toHaveLength(0);
  });

  test('attachments are stored with their sha256 and size', async () => {
    const fx = fixtures.find((f) => f.name === 'gbk-q-headers-refused-exe')!;
    const blobs = new MemoryBlobStore();
    const result = await ingestEmail(fx.raw, 'imap:INBOX', { clock, jurisdiction: testJurisdiction, blobs, quarantine: new MemoryQuarantineStore() });
    if (result.ignored) throw new Error('ignored');
    expect(result.sourceKey).toBe('email:imap:INBOX:direct-24@foxmail.com');
    const [pdf] = result.intake.evidence;
    expect(pdf).toMatchObject({ filename: '补贴申请表.pdf', contentType: 'application/pdf', size: 16 });
    const body = await blobs.get(pdf!.ref);
    expect(Buffer.from(body!).toString()).toBe('%PDF-1.4 receipt');
    // The refused executable is recorded but not stored.
    expect([...blobs.blobs.values()].some((b) => Buffer.from(b.body).toString() === 'MZ fake')).toBe(false);
  });

  test('not-complaints are quarantined with the raw mail, never dropped; redelivery keeps one entry', async () => {
    const blobs = new MemoryBlobStore();
    const quarantine = new MemoryQuarantineStore();
    let submitted = 0;
    const submit = async (): Promise<{ caseId: string }> => {
      submitted++;
      return { caseId: 'never' };
    };
    for (const name of ['ses-spam-fail', 'ses-virus-fail', 'bounce-multipart-report', 'auto-reply-auto-submitted', 'ses-spam-fail']) {
      const fx = fixtures.find((f) => f.name === name)!;
      const r = await ingestEmail(fx.raw, 'ses', { clock, jurisdiction: testJurisdiction, blobs, quarantine, submit });
      expect(r.ignored).toBe(true);
      if (r.ignored) {
        const entry = await quarantine.get(r.quarantineId!);
        expect(entry).toMatchObject({ reason: r.reason, source: 'ses', jurisdiction: '510903' });
        expect(await blobs.get(entry!.rawRef!)).toEqual(new Uint8Array(fx.raw));
      }
    }
    expect(submitted).toBe(0);
    expect((await quarantine.list('510903')).items.map((e) => e.reason).sort()).toEqual(['auto_reply', 'bounce', 'spam', 'virus']);
  });

  test('without a Message-ID the source key is the sha256 of the raw bytes', async () => {
    const raw = Buffer.from('From: a@b.test\r\nSubject: x\r\n\r\n投诉事项：审批局不作为。\r\n');
    const r = await ingestEmail(raw, 'smtp', { clock, jurisdiction: testJurisdiction, dryRun: true });
    expect(r.sourceKey).toMatch(/^email:smtp:[0-9a-f]{64}$/);
  });
});

describe('bad input is final: quarantined, never parked for replay', () => {
  const plain = (from: string, text: string, id: string) =>
    Buffer.from([`From: ${from}`, 'To: tousu@zwfw.cs.test.gov.cn', 'Subject: 投诉', `Message-ID: <${id}>`, 'Content-Type: text/plain; charset=utf-8', '', text, ''].join('\r\n'));

  test('a mail that cannot make a valid intake (no name, art. 4) is quarantined with the reason; submit is not called', async () => {
    const quarantine = new MemoryQuarantineStore();
    let submitted = 0;
    const r = await ingestEmail(plain('wang@example.com', '投诉事项：审批局窗口态度恶劣。', 'noname@x'), 'smtp', {
      clock,
      jurisdiction: testJurisdiction,
      blobs: new MemoryBlobStore(),
      quarantine,
      submit: async () => ({ caseId: String(++submitted) }),
    });
    expect(r).toMatchObject({ ignored: true, reason: 'invalid' });
    expect(r.ignored && r.detail).toContain('实名投诉请填写姓名');
    expect(submitted).toBe(0);
    expect((await quarantine.list('510903')).items).toHaveLength(1);
  });

  test('a ValidationError from the intake core (submit) is quarantined as invalid, not thrown to the transport', async () => {
    const quarantine = new MemoryQuarantineStore();
    const r = await ingestEmail(plain('张三 <zhang@example.com>', '投诉事项：审批局窗口态度恶劣。', 'core-refuses@x'), 'ses', {
      clock,
      jurisdiction: testJurisdiction,
      blobs: new MemoryBlobStore(),
      quarantine,
      submit: async () => {
        throw new ValidationError([{ field: 'respondent.unitCode', code: 'unknown_unit', message: '被投诉单位编码 X 不在本辖区的部门名录中。' }]);
      },
    });
    expect(r).toMatchObject({ ignored: true, reason: 'invalid' });
    expect(r.ignored && r.detail).toContain('不在本辖区的部门名录中');
    expect((await quarantine.get(r.ignored ? r.quarantineId! : ''))?.reason).toBe('invalid');
  });
});
