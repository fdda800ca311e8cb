import type { APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createLambdaHandler } from '../../functions/api/index';
import { startHarness } from '../fixtures/channels/harness';
import type { Harness } from '../fixtures/channels/harness';
import { httpApiEvent, multipart, PNG } from '../fixtures/channels/apigw';

const form = {
  complainant: { name: '李四', phone: '13912345678', anonymous: false, wantsReply: true, confidential: true },
  respondent: { unit: '遂宁市船山区不动产登记中心' },
  matter: '不动产登记窗口以系统故障为由拒绝受理，未一次性告知所需材料。',
};

describe('web form channel: API Gateway v2 event → functions/api/index.ts → case and execution', () => {
  let h: Harness;
  let invoke: (e: ReturnType<typeof httpApiEvent>) => Promise<APIGatewayProxyStructuredResultV2 & { json: () => Record<string, unknown> }>;
  beforeEach(async () => {
    h = await startHarness();
    const handler = createLambdaHandler({ intake: h.deps });
    invoke = async (e) => {
      const res = (await handler(e as unknown as Parameters<typeof handler>[0])) as APIGatewayProxyResultV2 as APIGatewayProxyStructuredResultV2;
      return { ...res, json: () => JSON.parse(res.body ?? '{}') as Record<string, unknown> };
    };
  });
  afterEach(async () => {
    await h.close();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    invoke(httpApiEvent('POST', '/api/complaints', { headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body: JSON.stringify(body) }));

  it('201 with caseId, queryCode, status; the case exists and its execution started', async () => {
    const res = await post(form, { 'idempotency-key': 'key-00000001' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toEqual({ caseId: expect.stringMatching(/^510903-/), queryCode: expect.any(String), status: 'received' });
    const c = await h.store.get(body.caseId as string);
    expect(c?.intake).toMatchObject({ channel: 'web', sourceKey: 'web:key-00000001', receivedBy: 'agency', respondent: { unitCode: 'BDCDJ' } });
    expect(c?.flags.confidential).toBe(true);
    expect(h.started.map((s) => s.name)).toEqual([body.caseId]);
  });

  it('replaying the same Idempotency-Key gives 200, the same caseId, no query code, one case and one execution', async () => {
    const first = (await post(form, { 'idempotency-key': 'key-00000002' })).json();
    const again = await post(form, { 'idempotency-key': 'key-00000002' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ caseId: first.caseId, status: 'received', duplicate: true, queryCodeShown: false });
    expect(again.json().queryCode).toBeUndefined();
    expect(h.started).toHaveLength(1);
    const page = await h.store.query({ jurisdiction: '510903' });
    expect(page.items).toHaveLength(1);
  });

  it('400 with a Chinese message per bad field', async () => {
    const res = await post({ complainant: { phone: 'abc', email: 'not-mail', anonymous: false }, matter: '' });
    expect(res.statusCode).toBe(400);
    const errors = res.json().errors as { field: string; code: string; message: string }[];
    const byField = Object.fromEntries(errors.map((e) => [e.field, e.code]));
    expect(byField).toMatchObject({
      'complainant.phone': 'invalid_phone',
      'complainant.email': 'invalid_email',
      matter: 'required',
      'complainant.name': 'name_required',
      'respondent.unit': 'respondent_required',
    });
    expect(errors.every((e) => /[\u4e00-\u9fff]/.test(e.message))).toBe(true);
    expect(h.startCalls()).toHaveLength(0);
  });

  it('status look-up: the right code shows the status; a wrong code and an unknown id give the same 404', async () => {
    const { caseId, queryCode } = (await post(form)).json() as { caseId: string; queryCode: string };
    const ok = await invoke(httpApiEvent('GET', `/api/complaints/${caseId}`, { query: { code: queryCode.toLowerCase() } }));
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ caseId, status: 'received', statusLabel: '已接收', timeline: [expect.objectContaining({ phase: 'received' })] });
    expect(JSON.stringify(ok.json())).not.toContain('李四');
    const wrong = await invoke(httpApiEvent('GET', `/api/complaints/${caseId}`, { query: { code: 'ZZZZZZZZ' } }));
    const unknown = await invoke(httpApiEvent('GET', '/api/complaints/510903-20260302-9999', { query: { code: queryCode } }));
    expect(wrong.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    expect(wrong.body).toBe(unknown.body);
  });

  it('multipart form POST without JavaScript renders the result page; evidence is stored by content type', async () => {
    const { body, contentType } = multipart(
      { idempotencyKey: 'form-key-0001', 'complainant.name': '王五', 'complainant.phone': '0825-2222222', 'complainant.wantsReply': 'on', 'respondent.unit': '某窗口', matter: '排队两小时无人叫号。' },
      [{ name: 'evidence', filename: '照片.png', type: 'image/png', bytes: PNG }],
    );
    const res = await invoke(httpApiEvent('POST', '/api/complaints', { headers: { 'content-type': contentType, accept: 'text/html,application/xhtml+xml' }, body }));
    expect(res.statusCode).toBe(201);
    expect(res.headers?.['content-type']).toMatch(/text\/html/);
    const trackingNo = /id="tracking-no">([^<]+)</.exec(res.body ?? '')?.[1];
    expect(trackingNo).toMatch(/^510903-/);
    expect(res.body).toMatch(/id="query-code">[2-9A-Z]{8}</);
    const c = await h.store.get(trackingNo!);
    expect(c?.intake.evidence).toEqual([expect.objectContaining({ filename: '照片.png', contentType: 'image/png', size: PNG.length })]);
  });

  it('rejects an evidence file whose content is not an allowed type, next to the field', async () => {
    const { body, contentType } = multipart({ 'complainant.name': '王五', 'complainant.phone': '13800000000', 'respondent.unit': '某窗口', matter: '事项' }, [
      { name: 'evidence', filename: 'x.png', type: 'image/png', bytes: Buffer.from('MZ not a png') },
    ]);
    const res = await invoke(httpApiEvent('POST', '/api/complaints', { headers: { 'content-type': contentType, accept: 'application/json' }, body }));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([expect.objectContaining({ field: 'evidence', code: 'file_type_not_allowed' })]);
  });

  it('serves the form, the status page and an OpenAPI document listing every INTERFACES.md route', async () => {
    const page = await invoke(httpApiEvent('GET', '/'));
    expect(page.body).toContain('<html lang="zh-CN">');
    expect(page.body).toMatch(/<label for="f-matter">/);
    const doc = (await invoke(httpApiEvent('GET', '/api/openapi.json'))).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/',
        '/status',
        '/api/complaints',
        '/api/complaints/{caseId}',
        '/api/auth/login',
        '/api/cases',
        '/api/cases/{caseId}',
        '/api/cases/{caseId}/actions',
        '/api/openapi.json',
        '/console',
      ]),
    );
  });
});
