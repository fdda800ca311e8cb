/**
 * The hand-over on AWS (issue 15): the settings from the environment, the keys from Secrets Manager
 * (aws-sdk-client-mock), the API Lambda's POST /api/handover verifying against them, the sender's retries and the
 * dead letter of a failed send.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import type { LambdaEvent } from 'hono/aws-lambda';
import { awsHandoverFromEnv } from '../../shared/composition/aws-handover';
import { ConfigError } from '../../shared/domain/errors';
import { signHandover } from '../../shared/domain/handover';
import type { HandoverEnvelope } from '../../shared/domain/handover';
import { HandoverSendError, isRetryableHandoverError, parkHandover, withHandoverRetries } from '../../shared/services/handover';
import { MemoryDeadLetterStore } from '../../shared/adapters/memory/dead-letter-store';
import type { CaseRecord } from '../../shared/domain/case';

const KEY = { id: 'cs-px-2026', secret: 'f'.repeat(64) };
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:tousu/510921/handover-AbCdEf';
const SETTINGS = { secretName: 'tousu/510921/handover', peers: [{ jurisdiction: '510903', url: 'https://cs.example.com/api/handover', keyIds: [KEY.id], signWith: KEY.id }] };
const HANDOVER_ENV = { HANDOVER: JSON.stringify(SETTINGS), HANDOVER_SECRET_ARN: SECRET_ARN };

const sm = mockClient(SecretsManagerClient);
afterEach(() => sm.reset());
afterAll(() => sm.restore());

describe('settings and keys', () => {
  test('none set: no hand-over; one without the other, or bad settings: a ConfigError naming the variable', () => {
    expect(awsHandoverFromEnv({})).toBeUndefined();
    expect(() => awsHandoverFromEnv({ HANDOVER: HANDOVER_ENV.HANDOVER })).toThrow(ConfigError);
    expect(() => awsHandoverFromEnv({ HANDOVER_SECRET_ARN: SECRET_ARN })).toThrow(/HANDOVER 与 HANDOVER_SECRET_ARN 须同时设置/);
    expect(() => awsHandoverFromEnv({ ...HANDOVER_ENV, HANDOVER: '{nope' })).toThrow(/不是有效的 JSON/);
    expect(() => awsHandoverFromEnv({ ...HANDOVER_ENV, HANDOVER: JSON.stringify({ ...SETTINGS, peers: [{ ...SETTINGS.peers[0], signWith: 'x' }] }) })).toThrow(/handover\.peers\.0\.signWith/);
  });

  test('the keys come from the secret, read once per container; the defaults of attempts and backoff apply', async () => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: JSON.stringify({ [KEY.id]: KEY.secret }) });
    const h = awsHandoverFromEnv(HANDOVER_ENV)!;
    expect(h.settings).toMatchObject({ attempts: 3, backoffMs: 1000 });
    const cfg = await h.config();
    expect(cfg.peers).toEqual([{ jurisdiction: '510903', url: SETTINGS.peers[0]!.url, keys: [KEY], signWith: KEY.id, timeoutMs: 10000 }]);
    await h.config();
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  test('a secret without the key, or a key too short: refused with the field named, the content never quoted; a failed read is tried again', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ other: 'x'.repeat(64) }) });
    const h = awsHandoverFromEnv(HANDOVER_ENV)!;
    await expect(h.config()).rejects.toThrow(`缺少非空字符串字段 ${KEY.id}`);
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ [KEY.id]: 'short-secret-value' }) });
    const err = await h.config().then(
      () => new Error('accepted'),
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('handover(secret).peers.0.keys.0.secret');
    expect(err.message).not.toContain('short-secret-value');
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ [KEY.id]: KEY.secret }) });
    expect((await h.config()).peers[0]!.keys[0]!.id).toBe(KEY.id);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(3);
  });
});

describe('sender: retries, then a dead letter', () => {
  const unreachable = () => new HandoverSendError('handover_unreachable', 'x');
  test('retries an unreachable or failing peer with doubling waits; a refusal is not retried', async () => {
    expect(isRetryableHandoverError(unreachable())).toBe(true);
    expect(isRetryableHandoverError(new HandoverSendError('handover_http_503', 'x'))).toBe(true);
    expect(isRetryableHandoverError(new HandoverSendError('handover_http_429', 'x'))).toBe(true);
    expect(isRetryableHandoverError(new HandoverSendError('handover_signature_invalid', 'x'))).toBe(false);
    expect(isRetryableHandoverError(new HandoverSendError('handover_http_400', 'x'))).toBe(false);
    expect(isRetryableHandoverError(new Error('boom'))).toBe(false);

    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);
    let calls = 0;
    const ok = await withHandoverRetries(async () => (++calls < 3 ? Promise.reject(unreachable()) : 'filed'), 3, 1000, undefined, sleep);
    expect([ok, calls, waits]).toEqual(['filed', 3, [1000, 2000]]);

    calls = 0;
    await expect(withHandoverRetries(async () => (++calls, Promise.reject(unreachable())), 3, 10, undefined, sleep)).rejects.toThrow(HandoverSendError);
    expect(calls).toBe(3);
    calls = 0;
    await expect(withHandoverRetries(async () => (++calls, Promise.reject(new HandoverSendError('handover_signature_invalid', 'x'))), 3, 10, undefined, sleep)).rejects.toThrow(HandoverSendError);
    expect(calls).toBe(1);
  });

  test('a failed send is one dead letter of kind handover per case; a second failure counts an attempt', async () => {
    const store = new MemoryDeadLetterStore();
    let now = new Date('2026-03-02T01:00:00Z');
    const park = parkHandover({ deadLetters: store, clock: { now: () => now }, jurisdiction: '510903' });
    const c = { caseId: '510903-20260302-0001' } as CaseRecord;
    await park(c, unreachable());
    now = new Date('2026-03-02T01:15:00Z');
    await park(c, unreachable());
    const page = await store.list({ jurisdiction: '510903', status: 'open', limit: 10 });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ kind: 'handover', caseId: c.caseId, sourceKey: `handover-out:${c.caseId}`, attempts: 2, error: { name: 'HandoverSendError', code: 'handover_unreachable' } });
  });
});

// ---------------------------------------------------------------------------------------------- API Lambda

const API_ENV = {
  TABLE_NAME: 'tousu-test',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:case',
  EVIDENCE_BUCKET: 'evidence',
  JURISDICTION: '510921',
  MAIL_MODE: 'ses',
  COGNITO_USER_POOL_ID: 'us-east-1_Example1',
  COGNITO_CLIENT_ID: 'console-client',
};

const envelope = (to = '510921'): HandoverEnvelope =>
  ({
    version: 1,
    id: '510903:510903-20260302-0001',
    from: { code: '510903', name: '船山区' },
    to: { code: to, name: '蓬溪县' },
    sentAt: '2026-03-02T02:00:00.000Z',
    caseId: '510903-20260302-0001',
    originalReceivedAt: '2026-03-02T01:00:00.000Z',
    intake: {
      channel: 'email',
      sourceKey: 'email:<a@b>',
      receivedAt: '2026-03-02T01:00:00.000Z',
      receivedBy: 'agency',
      complainant: { name: '李建国', phone: '13700000011', anonymous: false, confidential: false, wantsReply: true },
      respondent: { unit: '蓬溪县行政审批局' },
      matter: '施工许可申请材料被窗口拒收。',
      evidence: [],
    },
    evidence: [],
    timeline: [],
    reason: '单位：蓬溪县行政审批局 → 蓬溪县',
  }) as unknown as HandoverEnvelope;

function post(body: string, signature?: string): LambdaEvent {
  const path = '/api/handover';
  return {
    version: '2.0',
    routeKey: `POST ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', host: 'px.example.com', ...(signature ? { 'x-tousu-handover-signature': signature } : {}) },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'px.example.com',
      domainPrefix: 'px',
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'jest' },
      requestId: 'r1',
      routeKey: `POST ${path}`,
      stage: '$default',
      time: '02/Mar/2026:02:00:00 +0000',
      timeEpoch: 1772416800000,
    },
    body,
    isBase64Encoded: false,
  } as unknown as LambdaEvent;
}

describe('API Lambda: POST /api/handover on AWS', () => {
  const saved = { ...process.env };

  // The Lambda's own wiring from its environment (apiBaseFromEnv), as the handler builds it at cold start.
  const freshHandler = async (env: Record<string, string>) => {
    const { createLambdaHandler } = await import('../../functions/api/index');
    const { apiBaseFromEnv } = await import('../../functions/api/aws-base');
    const { lambdaTelemetry } = await import('../../shared/composition/aws-lambda');
    return createLambdaHandler(apiBaseFromEnv({ ...saved, ...env }, lambdaTelemetry('api').ports).deps) as (e: LambdaEvent) => Promise<{ statusCode: number; body: string }>;
  };

  test('without HANDOVER the route does not exist (404)', async () => {
    const handler = await freshHandler(API_ENV);
    const signed = signHandover(envelope(), KEY);
    expect((await handler(post(signed.body, signed.signature))).statusCode).toBe(404);
  });

  test('with HANDOVER: verified against the key from Secrets Manager (401 unsigned or forged, 422 wrong recipient); the secret unreadable: 503, read again next time', async () => {
    const handler = await freshHandler({ ...API_ENV, ...HANDOVER_ENV });
    sm.on(GetSecretValueCommand).rejectsOnce(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const signed = signHandover(envelope(), KEY);
    const down = await handler(post(signed.body, signed.signature));
    expect(down.statusCode).toBe(503);
    expect(JSON.parse(down.body)).toEqual({ code: 'handover_unavailable', message: '本系统暂时无法校验移交（密钥未能读取），请稍后重试。' });

    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ [KEY.id]: KEY.secret }) });
    const unsigned = await handler(post(signed.body));
    expect([unsigned.statusCode, JSON.parse(unsigned.body).code]).toEqual([401, 'handover_signature_missing']);
    const forged = signHandover(envelope(), { id: KEY.id, secret: 'e'.repeat(64) });
    expect(JSON.parse((await handler(post(forged.body, forged.signature))).body).code).toBe('handover_signature_invalid');
    const tampered = await handler(post(signed.body.replace('拒收', '拒绝'), signed.signature));
    expect(tampered.statusCode).toBe(401);
    const elsewhere = signHandover(envelope('510923'), KEY);
    const wrong = await handler(post(elsewhere.body, elsewhere.signature));
    expect([wrong.statusCode, JSON.parse(wrong.body).code]).toEqual([422, 'handover_wrong_recipient']);
    expect(sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.SecretId)).toEqual([SECRET_ARN, SECRET_ARN]);
  });
});
