import { normaliseIdNumber, idNumbersInText, canonicalTerms, simplify } from '../../shared/domain/duplicates/normalize';
import { phonesInText } from '../../shared/domain/duplicates/fingerprint';
import { compareSignals } from '../../shared/domain/duplicates/score';
import {
  extractFacts,
  compareFacts,
  normaliseEmail,
  normaliseName,
  normaliseOrganisation,
  normalisePhone,
  normaliseText,
  shingles,
  minhash,
  estimateJaccard,
  jaccard,
  lshBands,
  fingerprint,
  resolveUnit,
} from '../../shared/domain/duplicates/index';
import { DEPARTMENTS } from '../fixtures/duplicates/labelled-set';
import { intakeOf } from '../fixtures/duplicates/records';
import { isValidPhone } from '../../shared/intake/validate';

describe('normalisation of identity signals', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['+86 138 1234 5678', '13812345678'],
    ['0086-138-1234-5678', '13812345678'],
    ['(+86)13812345678', '13812345678'],
    ['１３８１２３４５６７８', '13812345678'],
    ['86 13812345678', '13812345678'],
    ['0825-2345678 转 801', '08252345678'],
    ['0825-2345678-801', '08252345678'],
    ['2345678', '08252345678'],
    ['(0825)2345678', '08252345678'],
    ['+86 825 2345678', '08252345678'],
    ['138-1234-5678', '13812345678'],
    ['028-87654321', '02887654321'],
    // Suining landlines as callers give them (issue 22, item 1): the local 7 digits without 0825, grouped or not,
    // and extensions after 转 / 分机 / ext / x / #, a dash, a space or in brackets.
    ['234-5678', '08252345678'],
    ['234 5678', '08252345678'],
    ['2345678-806', '08252345678'],
    ['2345678 806', '08252345678'],
    ['2345678转806', '08252345678'],
    ['2345678（分机806）', '08252345678'],
    ['2345678(806)', '08252345678'],
    ['2345678 ext.806', '08252345678'],
    ['2345678#806', '08252345678'],
    ['（0825）2345678-806', '08252345678'],
    ['0825 234 5678', '08252345678'],
    ['0825.2345678', '08252345678'],
    ['86-825-2345678', '08252345678'],
    ['86 825 2345678', '08252345678'],
    ['+86-825-2345678-806', '08252345678'],
    ['0086 825 2345678 转 806', '08252345678'],
    ['０８２５－２３４５６７８', '08252345678'],
  ])('phone %s → %s', (raw, expected) => {
    expect(normalisePhone(raw)).toBe(expected);
  });

  it('keeps a mobile a mobile and other areas’ landlines in their area', () => {
    expect(normalisePhone('86 13812345678')).toBe('13812345678');
    expect(normalisePhone('138 1234 5678')).toBe('13812345678');
    expect(normalisePhone('(028)8765-4321')).toBe('02887654321');
    expect(normalisePhone('2345678', '028')).toBe('0282345678');
  });

  it('rejects fragments that are no phone number', () => {
    expect(normalisePhone('12345')).toBeUndefined();
    expect(normalisePhone('5678')).toBeUndefined();
    expect(normalisePhone(undefined)).toBeUndefined();
  });

  it('normalises mail addresses with display names, case and full-width characters', () => {
    expect(normaliseEmail('王芳 <Wang.Fang88@QQ.com>')).toBe('wang.fang88@qq.com');
    expect(normaliseEmail('ＷＡＮＧ＠１６３．ＣＯＭ')).toBe('wang@163.com');
    expect(normaliseEmail('not a mail')).toBeUndefined();
  });

  it('recognises forms of address and compound surnames', () => {
    expect(normaliseName('王女士')).toEqual({ surname: '王', gender: 'f' });
    expect(normaliseName('老张')).toEqual({ surname: '张' });
    expect(normaliseName('張先生')).toEqual({ surname: '张', gender: 'm' });
    expect(normaliseName('王 芳')).toEqual({ full: '王芳', surname: '王' });
    expect(normaliseName('欧阳明先生')).toEqual({ full: '欧阳明', surname: '欧阳', gender: 'm' });
    expect(normaliseName('匿名')).toEqual({});
  });

  it('accepts identity card numbers only with the right check digit', () => {
    expect(normaliseIdNumber('11010519491231002X')).toBe('11010519491231002X');
    expect(normaliseIdNumber('11010519491231002x')).toBe('11010519491231002X');
    expect(normaliseIdNumber('110105194912310021')).toBeUndefined();
    expect(normaliseIdNumber('110105491231002')).toMatch(/^11010519491231002[\dX]$/);
    expect(idNumbersInText('身份证号11010519491231002X，另一个110105194912310021')).toEqual(['11010519491231002X']);
  });

  it('reads traditional characters as simplified and service terms in one form', () => {
    expect(simplify('張國華')).toBe('张国华');
    expect(canonicalTerms('营照和社保')).toBe('营业执照和社会保险');
    expect(normaliseText('辦理營業執照')).toBe(normaliseText('办理营照'));
  });

  it('compares names by surname and title, and organisations with their short names', () => {
    const fp = (name: string | undefined, organization?: string) =>
      fingerprint(intakeOf({ matter: '营业执照变更', complainant: { name, organization, anonymous: false, wantsReply: true, confidential: false } }));
    const sig = (a: ReturnType<typeof fp>, b: ReturnType<typeof fp>) => compareSignals(a, b, '2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z');
    expect(sig(fp('张三'), fp('张先生')).name).toBe('surname');
    expect(sig(fp('老张'), fp('张三')).name).toBe('surname');
    expect(sig(fp('张先生'), fp('张女士')).name).toBe('conflict');
    expect(sig(fp('張三'), fp('张三')).name).toBe('full');
    expect(sig(fp(undefined, '遂宁市鑫源商贸有限公司'), fp(undefined, '鑫源')).organization).toBe('same');
    expect(sig(fp(undefined, '鑫源商贸'), fp(undefined, '宏达建材')).organization).toBe('different');
  });

  it('drops place prefixes and legal forms from organisation names', () => {
    expect(normaliseOrganisation('遂宁市鑫源商贸有限公司')).toBe(normaliseOrganisation('鑫源商贸'));
    expect(normaliseOrganisation('四川遂宁宏达建材有限责任公司')).toBe('宏达建材');
  });

  it('folds full-width text and removes punctuation, contacts and boilerplate before shingling', () => {
    expect(normaliseText('尊敬的领导：您好！５号窗口，联系电话：13812345678')).toBe('5号窗口');
  });
});

describe('key facts', () => {
  it('reads dates in arabic and Chinese numerals, windows, amounts and file numbers', () => {
    const f = extractFacts('２月２６日在5号窗口被收取300元，受理号SL2025123456；三月十二日再去，电话13812345678');
    expect(f.date).toEqual(['02-26', '03-12']);
    expect(f.window).toEqual(['5']);
    expect(f.amount).toEqual(['300']);
    expect(f.reference).toEqual(['sl2025123456']);
  });

  it('finds agreement and conflict per kind of fact', () => {
    const c = compareFacts(extractFacts('3月5日 5号窗口'), extractFacts('三月五日 6号窗口'));
    expect(c.agree.map((x) => x.kind)).toEqual(['date']);
    expect(c.conflict.map((x) => x.kind)).toEqual(['window']);
  });
});

describe('MinHash and LSH', () => {
  it('estimates the Jaccard similarity of bigram sets within a few hundredths', () => {
    const a = shingles(normaliseText('我到不动产登记中心办理二手房过户，5号窗口要求提供清单以外的材料，跑了三趟没有办成'));
    const b = shingles(normaliseText('在不动产登记中心5号窗口办二手房过户，被要求提供清单以外的证明材料，前后跑了三趟'));
    const exact = jaccard(a, b);
    const est = estimateJaccard(minhash(a, { bands: 64, rows: 4 }), minhash(b, { bands: 64, rows: 4 }));
    expect(Math.abs(est - exact)).toBeLessThan(0.1);
  });

  it('gives identical texts identical bands and unrelated texts (almost) none in common', () => {
    const sig = (t: string) => lshBands(minhash(shingles(normaliseText(t))));
    const a = sig('社保局窗口工作人员态度恶劣，对我大声呵斥');
    expect(sig('社保局窗口工作人员态度恶劣，对我大声呵斥')).toEqual(a);
    const other = sig('公积金提取申请超过承诺时限仍未办结，多次催问没有答复');
    expect(a.filter((h, i) => other[i] === h).length).toBeLessThanOrEqual(2);
  });

  it('files an intake under 32 bands and hashed identity keys, never the clear values', () => {
    const fp = fingerprint(intakeOf({ matter: '社保局态度恶劣', complainant: { name: '王芳', phone: '+86 138 1234 5678', email: 'a@b.cn', anonymous: false, wantsReply: true, confidential: false } }));
    expect(fp.keys.filter((k) => k.kind === 'band')).toHaveLength(32);
    expect(
      fp.keys
        .filter((k) => k.kind !== 'band')
        .map((k) => k.kind)
        .sort(),
    ).toEqual(['mail', 'name', 'phone']);
    expect(JSON.stringify(fp.keys)).not.toMatch(/13812345678|a@b\.cn|王芳/);
  });
});

describe('respondent unit through the directory', () => {
  it('resolves names and aliases in the unit field or the text, and names both units of buck passing', () => {
    expect(resolveUnit({ unit: '市监局' }, '', DEPARTMENTS).code).toBe('SCJG');
    expect(resolveUnit({}, '在船山区税务局办税服务厅排队', DEPARTMENTS).code).toBe('SW');
    const passing = resolveUnit({}, '我到户籍窗口办理，窗口说归社保局管', DEPARTMENTS);
    expect(passing.code).toBe('GA');
    expect(passing.mentioned.sort()).toEqual(['GA', 'RS']);
    expect(resolveUnit({ unit: '不知名单位' }, '', DEPARTMENTS)).toEqual({ name: '不知名单位', mentioned: [] });
  });
});

describe('intake accepts the phone forms the matcher reads (issue 22, item 1)', () => {
  it.each(['2345678', '234-5678', '2345678转806', '2345678(806)', '0825-2345678 转 801', '86-825-2345678', '13812345678', '400-800-1234'])('%s is a phone we can call back', (raw) => {
    expect(isValidPhone(raw)).toBe(true);
  });
  it.each(['12', '12345', '95588', '12345678', 'abc', '1381234567'])('%s is refused', (raw) => {
    expect(isValidPhone(raw)).toBe(false);
  });
});

describe('landlines written in the text (issue 22)', () => {
  it.each([
    ['联系电话0825-2345678', '08252345678'],
    ['请回电 0825 2345678 转801', '08252345678'],
    ['(0825)2345678', '08252345678'],
    ['（0825）2345678-806', '08252345678'],
    ['0825-2345678(801)', '08252345678'],
    ['座机：2345678', '08252345678'],
    ['我的座机 2345678，请回电', '08252345678'],
    ['办公室电话是 22345678', '082522345678'],
    ['成都的号码 028-86123456', '02886123456'],
  ])('%s → %s, like the same number in the contact field', (text, phone) => {
    expect(phonesInText(text)).toEqual([phone]);
    expect(phonesInText(text)).toEqual([normalisePhone(phone)]);
  });

  it.each(['金额 2345678 元', '工单号GD20250304000123', '身份证510903199001011234', '打了8765432好几次', '打中心电话0825-2345678没人接', '窗口电话 2345678 一直占线', '拨打0825-2345678咨询'])(
    '%s: no identity (an amount, a file number, or a number the complainant called)',
    (text) => {
      expect(phonesInText(text)).toEqual([]);
    },
  );

  it('a call note with the landline in its text and a web form with it in the contact field share the phone signal', () => {
    const note = fingerprint(
      intakeOf({ complainant: { anonymous: false, wantsReply: true, confidential: false, name: '王先生' }, matter: '来电人王先生反映营业执照变更被驳回，留座机 0825-2345678 转 806，请回电。' }),
    );
    const web = fingerprint(intakeOf({ complainant: { anonymous: false, wantsReply: true, confidential: false, name: '王建国', phone: '2345678' }, matter: '营业执照变更申请被驳回，理由不清。' }));
    expect(note.phones).toEqual(['08252345678']);
    expect(note.keys.filter((k) => k.kind === 'phone')).toEqual(web.keys.filter((k) => k.kind === 'phone'));
  });
});
