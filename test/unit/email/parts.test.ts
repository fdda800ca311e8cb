import { maskIdCards, hasValidIdChecksum, findMobiles, findLandlines, extractLabelledFields, detectStatements, extractComplaint, cleanSubject } from '../../../shared/domain/extraction';
import { parseMailDate } from '../../../shared/mail/dates';
import { unwrapInlineForwards } from '../../../shared/mail/forward';
import { parsePrintedAddress } from '../../../shared/mail/address';
import { type QuarantineEntry } from '../../../shared/email-intake/quarantine';
import { MemoryQuarantineStore } from '../../../shared/adapters/memory/quarantine-store';
import { DynamoQuarantineStore } from '../../../shared/adapters/aws/dynamo-quarantine-store';
import { createEmailIntakeRoute } from '../../../shared/email-intake/route';
import { processSesMailEvent } from '../../../functions/email-intake/service';
import { pollMailbox } from '../../../functions/imap-poller/poller';
import type { ImapClientLike } from '../../../shared/ports/imap';
import { startDynalite, localDynamoClient, documentClient, ensureTable, type DynaliteHandle } from '../../../infra/local/dynalite';
import { testJurisdiction } from '../../fixtures/email/jurisdiction';
import { buildFixtures } from '../../fixtures/email/generate';
import { MemoryBlobStore } from './memory-blobs';
import type { S3Event } from 'aws-lambda';

const clock = { now: () => new Date('2024-03-06T02:00:00Z') };

describe('identity numbers', () => {
  test('checksum and masking of 18- and 15-digit numbers; hashes and phones untouched', () => {
    expect(hasValidIdChecksum('11010519491231002X')).toBe(true);
    expect(hasValidIdChecksum('110105194912310021')).toBe(false);
    const r = maskIdCards('号码11010519491231002X，旧证510903900101123，电话13812345678，哈希a510903199001011237b');
    expect(r.text).toBe('号码110105********002X，旧证510903*****1123，电话13812345678，哈希a510903199001011237b');
    expect(r.masked).toBe(2);
    expect(maskIdCards(r.text).masked).toBe(0);
  });
});

describe('phones', () => {
  test('mobiles with separators and +86, landlines with area codes and extensions', () => {
    expect(findMobiles('电话 +86 138-1234-5678 或 139 0825 1234')).toEqual(['13812345678', '13908251234']);
    expect(findLandlines('座机（0825）2345678，或0825-2223344转801')).toEqual(['0825-2345678', '0825-2223344转801']);
    expect(findMobiles('订单号2138123456789')).toEqual([]);
  });
});

describe('labelled fields', () => {
  test('full-width and half-width colons, spaced labels, value on the next line, several fields on one line', () => {
    const f = extractLabelledFields('姓　　名 ： 张三\n联系电话:\n13812345678\n单位名称：某公司；被投诉人：李四\n投诉事项：\n第一行\n第二行\n事实和理由：经过');
    expect(f).toEqual({ name: '张三', phone: '13812345678', organization: '某公司', respondentPerson: '李四', matter: '第一行\n第二行', facts: '经过' });
  });
  test('被投诉人 is not read as 投诉人', () => {
    expect(extractLabelledFields('被投诉人：王五').name).toBeUndefined();
  });
});

describe('statements', () => {
  test('anonymity, no reply and confidentiality', () => {
    expect(detectStatements('我匿名反映，无需回复')).toEqual({ anonymous: true, noReplyWanted: true, confidential: false });
    expect(detectStatements('请对我的身份保密')).toMatchObject({ confidential: true, anonymous: false });
    expect(detectStatements('x', '匿名').anonymous).toBe(true);
  });
  test('an anonymous complaint carries no name and wants no reply (art. 16)', () => {
    const e = extractComplaint({ body: '投诉人：匿名\n投诉事项：审批局乱收费', sender: { name: '张三', address: 'z@x.test' }, departments: testJurisdiction.departments });
    expect(e.complainant).toMatchObject({ anonymous: true, wantsReply: false });
    expect(e.complainant.name).toBeUndefined();
    expect(e.respondent.unitCode).toBe('XZSPJ');
  });
  test('subjects lose reply and forward prefixes', () => {
    expect(cleanSubject('Fwd: 转发：回复: RE: 投诉')).toBe('投诉');
  });
});

describe('dates', () => {
  test.each([
    ['2024年3月5日(星期二) 上午10:12', '2024-03-05T10:12:00+08:00', true],
    ['2024年3月5日(星期二) 下午3:05', '2024-03-05T15:05:00+08:00', true],
    ['2024年3月5日周二 10:12', '2024-03-05T10:12:00+08:00', true],
    ['2024年3月5日 GMT+8 10:12:33', '2024-03-05T10:12:33+08:00', false],
    ['Tue, Mar 5, 2024 at 10:12\u202fPM', '2024-03-05T22:12:00+08:00', true],
    ['March 5, 2024 at 12:10:33 AM GMT+8', '2024-03-05T00:10:33+08:00', false],
    ['Tuesday, March 5, 2024 10:12 AM', '2024-03-05T10:12:00+08:00', true],
    ['Tue, 5 Mar 2024 10:12:33 -0500', '2024-03-05T10:12:33-05:00', false],
    ['2024-03-06 09:05', '2024-03-06T09:05:00+08:00', true],
  ])('%s', (text, iso, assumed) => {
    expect(parseMailDate(text)).toEqual({ iso, zoneAssumed: assumed });
  });
  test('nonsense is not a date', () => {
    expect(parseMailDate('2024年13月45日 10:12')).toBeUndefined();
    expect(parseMailDate('hello')).toBeUndefined();
  });
});

describe('forward blocks', () => {
  test('innermost of nested blocks, with the forwarder note kept apart', () => {
    const r = unwrapInlineForwards(
      '请处理\n-----原始邮件-----\n发件人: A <a@x.test>\n发送时间: 2024年3月5日 10:12\n主题: s\n\nmiddle\n---------- Forwarded message ---------\nFrom: B <b@x.test>\nDate: Tue, Mar 5, 2024 at 9:00 AM\nSubject: t\n\ninner body',
    );
    expect(r.note).toBe('请处理');
    expect(r.blocks.map((b) => b.from.address)).toEqual(['a@x.test', 'b@x.test']);
    expect(r.blocks[1]!.body).toBe('inner body');
  });
  test('prose mentioning From: is not a block', () => {
    expect(unwrapInlineForwards('我想说 From: 这里\n没有转发').blocks).toEqual([]);
  });
  test('printed addresses', () => {
    expect(parsePrintedAddress('"王秀英"<WXY@qq.com>;')).toEqual({ name: '王秀英', address: 'wxy@qq.com' });
    expect(parsePrintedAddress('刘洋 [mailto:ly@hotmail.com]')).toEqual({ name: '刘洋', address: 'ly@hotmail.com' });
    expect(parsePrintedAddress('孙丽')).toEqual({ name: '孙丽' });
  });
});

describe('route, SES event and IMAP poller', () => {
  test('the route answers 201 with the case id, 202 for quarantine, and a ValidationError for an empty body', async () => {
    const fixtures = await buildFixtures();
    const route = createEmailIntakeRoute({ clock, jurisdiction: testJurisdiction, blobs: new MemoryBlobStore(), quarantine: new MemoryQuarantineStore(), submit: async () => ({ caseId: 'C-9' }) });
    expect(await route({ body: fixtures.find((f) => f.name === 'gmail-zh')!.raw })).toMatchObject({ status: 201, body: { caseId: 'C-9', sourceKey: 'email:cli:gmail-zh-1@test' } });
    expect(await route({ body: fixtures.find((f) => f.name === 'ses-spam-fail')!.raw, source: 'smtp' })).toMatchObject({ status: 202, body: { ignored: true, reason: 'spam' } });
    await expect(route({ body: new Uint8Array() })).rejects.toMatchObject({ name: 'ValidationError' });
  });

  test('the SES S3 event: keys are URL-decoded, the source is ses, outcomes logged without personal data', async () => {
    const fixtures = await buildFixtures();
    const objects = new Map([
      ['inbound/a b+c', fixtures.find((f) => f.name === 'qq-gbk-inline')!.raw],
      ['inbound/spam', fixtures.find((f) => f.name === 'ses-spam-fail')!.raw],
    ]);
    const logs: Record<string, unknown>[] = [];
    const event = { Records: [{ s3: { bucket: { name: 'mail' }, object: { key: 'inbound/a+b%2Bc' } } }, { s3: { bucket: { name: 'mail' }, object: { key: 'inbound/spam' } } }] } as unknown as S3Event;
    const out = await processSesMailEvent(event, {
      readObject: async (_b, key) => objects.get(key)!,
      ingest: (raw, source) =>
        import('../../../shared/email-intake/service').then((m) =>
          m.ingestEmail(raw, source, { clock, jurisdiction: testJurisdiction, blobs: new MemoryBlobStore(), quarantine: new MemoryQuarantineStore(), submit: async () => ({ caseId: 'C-1' }) }),
        ),
      log: (_m, d) => logs.push(d),
    });
    expect(out).toEqual([
      { key: 'inbound/a b+c', ignored: false, caseId: 'C-1' },
      { key: 'inbound/spam', ignored: true, reason: 'spam', quarantineId: expect.any(String) },
    ]);
    expect(JSON.stringify(logs)).not.toMatch(/王秀英|13812345678|qq\.com/);
  });

  test('the IMAP poller marks a message seen only after intake, and leaves failures for the next run', async () => {
    const fixtures = await buildFixtures();
    const box = new Map<number, { source: Buffer; seen: boolean }>([
      [1, { source: fixtures[0]!.raw, seen: false }],
      [2, { source: fixtures[1]!.raw, seen: false }],
      [3, { source: fixtures[2]!.raw, seen: true }],
    ]);
    const client: ImapClientLike = {
      connect: async () => undefined,
      logout: async () => undefined,
      getMailboxLock: async () => ({ release: () => undefined }),
      search: async () => [...box.entries()].filter(([, m]) => !m.seen).map(([uid]) => uid),
      fetchOne: async (uid) => ({ source: box.get(Number(uid))!.source }),
      messageFlagsAdd: async (uid) => ((box.get(Number(uid))!.seen = true), true),
    };
    const sources: string[] = [];
    let calls = 0;
    const summary = await pollMailbox(client, {
      mailbox: 'INBOX',
      ingest: async (_raw, source) => {
        sources.push(source);
        if (++calls === 2) throw new Error('store down');
        return { ignored: false, sourceKey: 'k', intake: {} as never, caseId: 'C' };
      },
    });
    expect(summary).toEqual({ mailbox: 'INBOX', seen: 2, accepted: 1, quarantined: 0, failed: 1 });
    expect(sources).toEqual(['imap:INBOX', 'imap:INBOX']);
    expect(box.get(1)!.seen).toBe(true);
    expect(box.get(2)!.seen).toBe(false);
  });
});

describe('quarantine in DynamoDB (dynalite)', () => {
  let dyn: DynaliteHandle;
  beforeAll(async () => {
    dyn = await startDynalite();
  });
  afterAll(async () => {
    await dyn.close();
  });

  test('put is idempotent, get returns the entry, list is per jurisdiction and newest first with a cursor', async () => {
    const client = localDynamoClient(dyn);
    await ensureTable(client, 'tousu');
    const store = new DynamoQuarantineStore(documentClient(client), 'tousu');
    const entry = (id: string, at: string, jurisdiction = '510903'): QuarantineEntry => ({
      id,
      sourceKey: `email:ses:${id}`,
      source: 'ses',
      jurisdiction,
      reason: 'spam',
      detail: '垃圾邮件',
      receivedAt: at,
      size: 10,
      rawSha256: 'a'.repeat(64),
    });
    await store.put(entry('q1', '2024-03-06T01:00:00.000Z'));
    await store.put(entry('q1', '2024-03-06T01:00:00.000Z'));
    await store.put(entry('q2', '2024-03-06T02:00:00.000Z'));
    await store.put(entry('q3', '2024-03-06T03:00:00.000Z', '510904'));
    expect(await store.get('q1')).toEqual(entry('q1', '2024-03-06T01:00:00.000Z'));
    const page1 = await store.list('510903', { limit: 1 });
    expect(page1.items.map((e) => e.id)).toEqual(['q2']);
    const page2 = await store.list('510903', { limit: 5, cursor: page1.cursor! });
    expect(page2.items.map((e) => e.id)).toEqual(['q1']);
    client.destroy();
  });
});
