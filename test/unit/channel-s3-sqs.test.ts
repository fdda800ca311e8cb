import { readFileSync } from 'node:fs';
import { jest } from '@jest/globals';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import type { GetObjectCommandInput } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import type { S3Event, SQSEvent } from 'aws-lambda';
import { S3ObjectReader } from '../../shared/adapters/aws/s3-object-reader';
import { handleLetterUploads } from '../../functions/letter-intake/service';
import { handleBoxUploads } from '../../functions/box-intake/service';
import { handleWorkOrders } from '../../functions/workorder-intake/service';
import { startHarness } from '../fixtures/channels/harness';
import type { Harness } from '../fixtures/channels/harness';
import { PNG } from '../fixtures/channels/apigw';

const PDF = Buffer.from('%PDF-1.4\n%test\n');
const fixture = (name: string) => readFileSync(new URL(`../fixtures/channels/${name}`, import.meta.url));

function s3Event(bucket: string, ...keys: string[]): S3Event {
  return {
    Records: keys.map((key) => ({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'ap-east-1',
      eventTime: '2026-03-02T02:00:00.000Z',
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: 'x' },
      requestParameters: { sourceIPAddress: '203.0.113.1' },
      responseElements: { 'x-amz-request-id': 'r', 'x-amz-id-2': 'i' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'c',
        bucket: { name: bucket, ownerIdentity: { principalId: 'x' }, arn: `arn:aws:s3:::${bucket}` },
        object: { key: encodeURIComponent(key).replace(/%2F/g, '/'), size: 1, eTag: 'e', sequencer: '1' },
      },
    })),
  };
}

describe('S3 and SQS channel adapters → case and started execution', () => {
  let h: Harness;
  const s3 = new S3Client({ region: 'ap-east-1' });
  const s3Mock = mockClient(s3);
  const objects = new Map<string, Buffer>();
  beforeEach(async () => {
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    h = await startHarness();
    objects.clear();
    s3Mock.reset();
    s3Mock.on(GetObjectCommand).callsFake((input: GetObjectCommandInput) => {
      const bytes = objects.get(`${input.Bucket}/${input.Key}`);
      if (!bytes) throw new NoSuchKey({ message: 'no such key', $metadata: {} });
      return { Body: { transformToByteArray: async () => new Uint8Array(bytes) }, ETag: '"etag"' };
    });
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await h.close();
  });
  afterAll(() => s3Mock.restore());

  it('letters: an S3 event per sidecar makes one case per letter; a bad letter is reported, the good ones filed; replay → same cases', async () => {
    objects.set('scans/letters/b1/l1.png', PNG);
    objects.set(
      'scans/letters/b1/l1.letter.json',
      Buffer.from(JSON.stringify({ file: 'l1.png', envelopeDate: '2026-02-27', name: '陈七', phone: '13811112222', respondentUnit: '某窗口', matter: '来信事项' })),
    );
    objects.set('scans/letters/b1/l2.pdf', PDF);
    objects.set('scans/letters/b1/l2.letter.json', Buffer.from(JSON.stringify({ file: 'l2.pdf', anonymous: '是', matter: '匿名来信' })));
    objects.set('scans/letters/b1/l3.letter.json', Buffer.from(JSON.stringify({ file: 'missing.png', name: '周八', matter: 'x' })));
    const event = s3Event('scans', 'letters/b1/l1.letter.json', 'letters/b1/l2.letter.json', 'letters/b1/l3.letter.json');
    const reader = new S3ObjectReader(s3);

    const out = await handleLetterUploads(h.deps, reader, event);
    expect(out.created).toHaveLength(2);
    expect(out.rejected).toEqual([{ key: 'letters/b1/l3.letter.json', problems: [expect.objectContaining({ field: 'file', code: 'scan_missing' })] }]);
    const c1 = await h.store.get(out.created[0]!.caseId);
    expect(c1?.intake).toMatchObject({
      channel: 'letter',
      channelDetails: { envelopeDate: '2026-02-27', batch: 'b1' },
      evidence: [expect.objectContaining({ ref: 's3://scans/letters/b1/l1.png', kind: 'letter_scan', contentType: 'image/png' })],
    });
    expect((await h.store.get(out.created[1]!.caseId))?.flags.anonymous).toBe(true);
    expect(h.started.map((s) => s.name).sort()).toEqual(out.created.map((c) => c.caseId).sort());

    const replay = await handleLetterUploads(h.deps, reader, event);
    expect(replay.created.map((c) => [c.caseId, c.duplicate])).toEqual(out.created.map((c) => [c.caseId, true]));
    expect(h.started).toHaveLength(2);
  });

  it('letters: a sidecar without the matter (a letter to be read by OCR) is refused by name on Lambda, not filed and not dropped', async () => {
    objects.set('scans/letters/b2/l1.png', PNG);
    objects.set('scans/letters/b2/l1.letter.json', Buffer.from(JSON.stringify({ file: 'l1.png' })));
    const out = await handleLetterUploads(h.deps, new S3ObjectReader(s3), s3Event('scans', 'letters/b2/l1.letter.json'));
    expect(out.created).toEqual([]);
    expect(out.rejected).toEqual([
      { key: 'letters/b2/l1.letter.json', problems: [expect.objectContaining({ field: 'matter', code: 'ocr_not_available', message: expect.stringContaining('文字识别（OCR）') })] },
    ]);
    expect(h.started).toHaveLength(0);
  });

  it('boxes: one opening CSV → one case per valid slip, anonymous unless signed; mismatching or bad rows reported; replay → same cases', async () => {
    objects.set('scans/boxes/2026-03-02-B01.csv', fixture('box-opening.csv'));
    const event = s3Event('scans', 'boxes/2026-03-02-B01.csv');
    const out = (await handleBoxUploads(h.deps, new S3ObjectReader(s3), event))['boxes/2026-03-02-B01.csv']!;
    expect(out.filter((r) => r.caseId).map((r) => r.row)).toEqual([1, 2]);
    expect(out.find((r) => r.row === 3)?.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'name', code: 'name_required' }), expect.objectContaining({ field: 'matter', code: 'required' })]),
    );
    expect(out.find((r) => r.row === 4)?.problems).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'openedBy', code: 'two_openers_required' })]));
    const anon = await h.store.get(out[0]!.caseId!);
    expect(anon?.intake).toMatchObject({ channel: 'suggestion_box', complainant: { anonymous: true, wantsReply: false }, channelDetails: { box: 'B-01', openedBy: ['张三', '李四'], slipNo: '1' } });
    expect(anon?.receivedAt).toBe('2026-03-02T10:00:00+08:00');
    const signed = await h.store.get(out[1]!.caseId!);
    expect(signed?.intake.complainant).toMatchObject({ name: '刘九', anonymous: false });
    const again = (await handleBoxUploads(h.deps, new S3ObjectReader(s3), event))['boxes/2026-03-02-B01.csv']!;
    expect(again.filter((r) => r.caseId).map((r) => [r.caseId, r.duplicate])).toEqual([
      [out[0]!.caseId, true],
      [out[1]!.caseId, true],
    ]);
    expect(h.started).toHaveLength(2);
  });

  it('12345 work orders: SQS messages → cases keeping the work-order number; a bad message fails alone; redelivery → one case', async () => {
    const order = JSON.parse(fixture('workorder.json').toString('utf8')) as Record<string, unknown>;
    const sqs = (bodies: string[]): SQSEvent => ({
      Records: bodies.map((body, i) => ({
        messageId: `m${i}`,
        receiptHandle: 'r',
        body,
        attributes: {} as never,
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:ap-east-1:1:q',
        awsRegion: 'ap-east-1',
      })),
    });
    const res = await handleWorkOrders(h.deps, sqs([JSON.stringify(order), '{"workOrderNo": "bad no!"}', 'not json']));
    expect(res.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m1', 'm2']);
    const page = await h.store.query({ jurisdiction: '510903' });
    expect(page.items).toHaveLength(1);
    const c = page.items[0]!;
    expect(c.intake).toMatchObject({
      channel: 'hotline_12345',
      sourceKey: '12345:SN12345-20260302-0042',
      workOrderNo: 'SN12345-20260302-0042',
      receivedBy: { department: 'SCJGJ' },
      originalSentAt: '2026-03-02T08:55:00+08:00',
    });
    expect(c.department).toBe('SCJGJ');
    const again = await handleWorkOrders(h.deps, sqs([JSON.stringify(order)]));
    expect(again.batchItemFailures).toEqual([]);
    expect((await h.store.query({ jurisdiction: '510903' })).items).toHaveLength(1);
    expect(h.started.map((s) => s.name)).toEqual([c.caseId]);
  });
});
