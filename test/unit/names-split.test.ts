/** Issue 15 item 5: a person's name and their organisation in one field, on every channel that takes a name. */
import { extractComplaint, splitNameAndOrganisation } from '../../shared/domain/extraction';
import { letterIntake, parseLetterRow, parseWebComplaint, webIntake } from '../../shared/intake/channels';

describe('splitNameAndOrganisation', () => {
  it.each([
    ['欧阳淼淼（𠮷祥建材有限公司）', { name: '欧阳淼淼', organization: '𠮷祥建材有限公司' }],
    ['欧阳淼淼(𠮷祥建材有限公司)', { name: '欧阳淼淼', organization: '𠮷祥建材有限公司' }],
    ['𠮷祥建材有限公司（欧阳淼淼）', { name: '欧阳淼淼', organization: '𠮷祥建材有限公司' }],
    ['𠮷祥建材有限公司 欧阳淼淼', { name: '欧阳淼淼', organization: '𠮷祥建材有限公司' }],
    ['欧阳淼淼/𠮷祥建材有限公司', { name: '欧阳淼淼', organization: '𠮷祥建材有限公司' }],
    ['阿依古丽·买买提（射洪棉纺厂）', { name: '阿依古丽·买买提', organization: '射洪棉纺厂' }],
    ['张三', { name: '张三' }],
    ['王小明（代理人）', { name: '王小明（代理人）' }],
    ['张三 李四', { name: '张三 李四' }],
    ['蓬溪县宏达农机专业合作社', { organization: '蓬溪县宏达农机专业合作社' }],
  ])('%s', (raw, parts) => {
    expect(splitNameAndOrganisation(raw)).toEqual(parts);
  });
});

describe('the split on each channel', () => {
  it('mail: the signature and the display name', () => {
    const signed = extractComplaint({ body: '姓名：欧阳淼淼（𠮷祥建材有限公司）\n电话：13800138000\n营业执照变更被拒。', departments: [] });
    expect(signed.complainant).toMatchObject({ name: '欧阳淼淼', organization: '𠮷祥建材有限公司' });
    const display = extractComplaint({ body: '营业执照变更被拒。', sender: { name: '欧阳淼淼（𠮷祥建材有限公司）', address: 'o@example.cn' }, departments: [] });
    expect(display.complainant).toMatchObject({ name: '欧阳淼淼', organization: '𠮷祥建材有限公司' });
  });

  it('web form: the name field; an organisation stated on its own is kept', () => {
    const base = { respondent: { unit: '行政审批局' }, matter: '营业执照变更被拒', facts: '三次往返' };
    const a = webIntake(parseWebComplaint({ ...base, complainant: { name: '欧阳淼淼（𠮷祥建材有限公司）', phone: '13800138000', anonymous: false } }), {
      sourceKey: 'w1',
      receivedAt: '2026-12-01T02:00:00Z',
      evidence: [],
    });
    expect(a.complainant).toMatchObject({ name: '欧阳淼淼', organization: '𠮷祥建材有限公司' });
    const b = webIntake(parseWebComplaint({ ...base, complainant: { name: '欧阳淼淼（𠮷祥建材有限公司）', organization: '𠮷祥建材（遂宁）有限公司', phone: '13800138000', anonymous: false } }), {
      sourceKey: 'w2',
      receivedAt: '2026-12-01T02:00:00Z',
      evidence: [],
    });
    expect(b.complainant).toMatchObject({ name: '欧阳淼淼', organization: '𠮷祥建材（遂宁）有限公司' });
  });

  it('keyed letter row', () => {
    const row = parseLetterRow({ file: 'a.pdf', name: '欧阳淼淼（𠮷祥建材有限公司）', phone: '13800138000', respondentUnit: '房产局', matter: '房产证办了半年' });
    const i = letterIntake(row, { sourceKey: 'l1', receivedAt: '2026-12-01T02:00:00Z', scans: [] });
    expect(i.complainant).toMatchObject({ name: '欧阳淼淼', organization: '𠮷祥建材有限公司' });
  });
});
