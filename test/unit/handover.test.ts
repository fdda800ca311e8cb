/** The hand-over's canonical JSON, HMAC signature with key ids (rotation) and configuration validation. */
import { canonicalJson, parseHandoverConfig, signHandover, verifyHandover, HandoverRejectedError } from '../../shared/domain/handover';
import type { HandoverEnvelope } from '../../shared/domain/handover';
import { ConfigError } from '../../shared/domain/errors';

const OLD = { id: 'k2025', secret: 'a'.repeat(40) };
const NEW = { id: 'k2026', secret: 'b'.repeat(40) };
const peer = (keys: { id: string; secret: string }[], signWith: string) => ({ jurisdiction: '510903', url: 'http://127.0.0.1:8080/api/handover', keys, signWith });

const envelope = (): HandoverEnvelope => ({
  version: 1,
  id: '510903:510903-20260302-0001',
  from: { code: '510903', name: '船山区' },
  to: { code: '510921', name: '蓬溪县' },
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
  } as unknown as HandoverEnvelope['intake'],
  evidence: [],
  timeline: [{ at: '2026-03-02T01:00:00.000Z', type: 'received', summary: '通过电子邮件收到投诉。' }],
  reason: '单位：蓬溪县行政审批局 → 蓬溪县',
});

describe('hand-over signature', () => {
  it('canonical JSON sorts keys at every level and ignores their order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: '中' } })).toBe('{"a":{"c":"中","d":[1,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('verifies under any listed key id (rotation), refuses an unknown id, a wrong key and a changed body', () => {
    const cfg = parseHandoverConfig({ peers: [peer([OLD, NEW], NEW.id)] });
    const signedOld = signHandover(envelope(), OLD);
    const signedNew = signHandover(envelope(), NEW);
    expect(verifyHandover(signedOld.body, signedOld.signature, cfg, '510921').caseId).toBe('510903-20260302-0001');
    expect(verifyHandover(signedNew.body, signedNew.signature, cfg, '510921').id).toBe('510903:510903-20260302-0001');
    const only = parseHandoverConfig({ peers: [peer([NEW], NEW.id)] });
    expect(() => verifyHandover(signedOld.body, signedOld.signature, only, '510921')).toThrow(expect.objectContaining({ code: 'handover_unknown_key', status: 401 }));
    const forged = signHandover(envelope(), { id: NEW.id, secret: 'c'.repeat(40) });
    expect(() => verifyHandover(forged.body, forged.signature, cfg, '510921')).toThrow(expect.objectContaining({ code: 'handover_signature_invalid', status: 401 }));
    expect(() => verifyHandover(signedNew.body.replace('拒收', '拒绝'), signedNew.signature, cfg, '510921')).toThrow(HandoverRejectedError);
    expect(() => verifyHandover(signedNew.body, signedNew.signature, cfg, '510923')).toThrow(expect.objectContaining({ code: 'handover_wrong_recipient', status: 422 }));
  });

  it('refuses a bad configuration with a Chinese message naming the field', () => {
    const bad = (input: unknown) => {
      try {
        parseHandoverConfig(input);
      } catch (err) {
        if (err instanceof ConfigError) return err.message;
      }
      throw new Error('accepted');
    };
    expect(bad({ peers: [peer([{ id: 'k', secret: 'short' }], 'k')] })).toBe('移交配置 handover.peers.0.keys.0.secret 无效：共享密钥至少 32 个字符（建议 openssl rand -hex 32 生成）。');
    expect(bad({ peers: [peer([OLD], 'missing')] })).toBe('移交配置 handover.peers.0.signWith 无效：签名密钥编号 missing 不在该辖区的密钥列表中。');
    expect(bad({ peers: [peer([OLD], OLD.id), peer([NEW], NEW.id)] })).toContain('辖区 510903 重复配置');
    expect(bad({ peers: [{ ...peer([OLD], OLD.id), url: 'ftp://x' }] })).toContain('handover.peers.0.url');
  });
});
