/**
 * The respondent's view (shared/domain/redaction.ts, arts. 13 and 21): one rule for every complainant record of a
 * case (its own and those merged in), pattern redaction of free text (property tests), neutral evidence names, the
 * outbox as each role sees it.
 */
import fc from 'fast-check';
import type { CaseRecord } from '../../shared/domain/case';
import type { EvidenceRef } from '../../shared/domain/intake';
import { viewFor } from '../../shared/domain/access';
import { applyMerge } from '../../shared/domain/duplicates/merge';
import { assignmentSlipNotice, assignmentSlipPage, reminderNotice } from '../../shared/domain/notices';
import { caseFields } from '../../shared/domain/notices/format';
import { evidenceFilenameFor, isConfidentialCase, redactForRespondent, redactText, scrubIdentity, searchablePhones, timelineFor } from '../../shared/domain/redaction';
import { maskAddress, outboxItemFor, outboxPageFor, officialAddresses, MASKED_SUBJECT } from '../../shared/services/outbox-view';
import type { AuditEntry } from '../../shared/ports';
import { ADDRESS, ADMIN, AGENCY, DEPT, NAME, PHONE, T0, caseIn, ctxAt, jurisdiction, newCase } from '../fixtures/lifecycle';

const SECRET = { name: '赵六', phone: '13911112222', email: 'zhaoliu@example.net', address: '船山区明月路7号', id: '510903199001011237' };

const ev = (filename: string, sha: string, contentType = 'image/png'): EvidenceRef => ({ filename, contentType, size: 10, sha256: sha.repeat(64), ref: `s3://bucket/letters/${filename}` });

/** A confidential complaint (its own words repeat the identity in other spellings) merged into a non-confidential one. */
function mergedCase(opts: { carryFlag?: boolean } = {}): CaseRecord {
  const target = caseIn('acceptance').c;
  target.intake.evidence = [ev('王秀兰-身份证510903199001011237.png', 'a')];
  const source = newCase({ confidential: true, matter: `我是${SECRET.name}，电话139-1111-2222，身份证${SECRET.id}，邮箱${SECRET.email}，住${SECRET.address}。` });
  source.intake.complainant = { name: SECRET.name, phone: SECRET.phone, email: SECRET.email, address: SECRET.address, anonymous: false, wantsReply: true, confidential: true };
  source.intake.evidence = [ev(`${SECRET.name}身份证.pdf`, 'b', 'application/pdf')];
  source.sources = [{ channel: 'letter', sourceKey: `letter:s3://bucket/letters/${SECRET.name}.pdf`, receivedAt: T0 }];
  const merged = applyMerge(target, source, AGENCY, '2025-03-04T09:00:00+08:00').target;
  // Records stored before the flag carried over (or edited since) have a non-confidential case flag: the
  // per-record rule must hold on its own.
  return opts.carryFlag === false ? { ...merged, flags: { ...merged.flags, confidential: false } } : merged;
}

const secretsOf = (s: typeof SECRET) => [s.name, s.phone, '139-1111-2222', s.email, s.address, s.id];

describe('one rule for every complainant record (art. 13)', () => {
  for (const carryFlag of [true, false]) {
    it(`a confidential complainant merged into another case is hidden from the department (case flag ${carryFlag ? 'carried' : 'not carried'})`, () => {
      const c = mergedCase({ carryFlag });
      expect(JSON.stringify(c)).toContain(SECRET.name); // the agency's record keeps the original
      expect(isConfidentialCase(c)).toBe(true);
      const json = JSON.stringify(viewFor(DEPT, c));
      for (const s of secretsOf(SECRET)) expect({ s, leaked: json.includes(s) }).toEqual({ s, leaked: false });
      expect(JSON.stringify(viewFor(AGENCY, c))).toContain(SECRET.phone);
    });
  }

  it('the own, non-confidential complainant stays visible beside a hidden merged one', () => {
    const v = viewFor(DEPT, mergedCase({ carryFlag: false }));
    expect(v.intake.complainant.name).toBe(NAME);
    expect(v.intake.complainant.phone).toBe(PHONE);
    expect(v.merges![0]!.complainants[0]!.name).not.toBe(SECRET.name);
  });

  it('the slip page, the 交办单 mail with its attachment, the reminder and the case fields carry no merged identity', () => {
    const c = mergedCase({ carryFlag: false });
    const ctx = ctxAt('2025-03-04T10:00:00+08:00');
    const a = c.assignments[0]!;
    const slip = assignmentSlipNotice(c, ctx, a);
    const deadline = c.deadlines.find((d) => d.clock === 'acceptance')!;
    const texts = [
      assignmentSlipPage(c, ctx, a),
      slip.subject,
      slip.text,
      slip.html ?? '',
      ...(slip.attachments ?? []).map((x) => x.content),
      reminderNotice(c, ctx, deadline).text,
      JSON.stringify(caseFields(c, ctx)),
    ];
    for (const t of texts) for (const s of secretsOf(SECRET)) expect(t.includes(s)).toBe(false);
  });

  it('timeline summaries are scrubbed and their raw data dropped for the department only', () => {
    const c = mergedCase({ carryFlag: false });
    const events = [{ caseId: c.caseId, seq: 1, at: T0, type: 'note', actor: AGENCY, phase: c.phase, summary: `已联系${SECRET.name}（139 1111 2222）`, data: { note: SECRET.address } }];
    const dept = timelineFor(DEPT, c, events);
    expect(JSON.stringify(dept)).not.toMatch(/赵六|1111|明月路/);
    expect(dept[0]!.data).toBeUndefined();
    expect(timelineFor(AGENCY, c, events)).toBe(events);
  });

  it('notices to a confidential complainant (call script, letter for post) reach the department scrubbed', () => {
    const c = mergedCase();
    c.contacts = [
      {
        id: 'C1',
        kind: 'acceptance',
        channel: 'phone',
        createdAt: T0,
        subject: `致${SECRET.name}的受理告知`,
        text: `${SECRET.name}您好，请拨打${SECRET.phone}确认；信件寄往${SECRET.address}。`,
        status: 'pending',
        attempts: [{ at: T0, by: AGENCY, outcome: 'no_answer', note: `${SECRET.name}的号码139-1111-2222未接` }],
      },
    ] as CaseRecord['contacts'];
    const json = JSON.stringify(viewFor(DEPT, c).contacts);
    for (const s of secretsOf(SECRET)) expect({ s, leaked: json.includes(s) }).toEqual({ s, leaked: false });
    expect(JSON.stringify(viewFor(AGENCY, c).contacts)).toContain(SECRET.phone);
  });

  it('no view carries the workflow task token', () => {
    const c = caseIn('acceptance').c;
    c.waiting = { step: c.phase, taskToken: 'tok-secret-123', allowedActions: [], since: T0 };
    for (const actor of [DEPT, AGENCY, ADMIN]) expect(JSON.stringify(viewFor(actor, c))).not.toContain('tok-secret-123');
    expect(c.waiting.taskToken).toBe('tok-secret-123');
  });

  it('a department finds no case by the phone of a confidential record; the agency does', () => {
    const c = mergedCase({ carryFlag: false });
    expect(searchablePhones(DEPT, c)).toEqual([PHONE]);
    expect(searchablePhones(AGENCY, c)).toEqual(expect.arrayContaining([PHONE, SECRET.phone]));
  });
});

describe('neutral evidence names (art. 21)', () => {
  it('departments see 材料N with the type’s extension everywhere; the agency keeps the original', () => {
    const c = mergedCase({ carryFlag: false });
    const v = viewFor(DEPT, c);
    expect(v.intake.evidence.map((e) => e.filename)).toEqual(['材料1.png']);
    expect(v.merges![0]!.evidence.map((e) => e.filename)).toEqual(['材料2.pdf']);
    expect(JSON.stringify(v)).not.toMatch(/身份证|letters\//);
    expect(evidenceFilenameFor(DEPT, c, c.merges![0]!.evidence[0]!)).toBe('材料2.pdf');
    expect(evidenceFilenameFor(AGENCY, c, c.merges![0]!.evidence[0]!)).toBe(`${SECRET.name}身份证.pdf`);
    const slip = assignmentSlipPage(c, ctxAt('2025-03-04T10:00:00+08:00'), c.assignments[0]!);
    expect(slip).toContain('材料1.png、材料2.pdf');
    expect(slip).not.toContain('王秀兰-身份证');
  });

  it('neutral names hold for non-confidential cases too, and source keys are neutral', () => {
    const c = caseIn('acceptance').c;
    c.intake.evidence = [ev('张三 510903199001011237.jpg', 'c', 'image/jpeg'), ev('scan.weird-ext', 'd', 'application/x-unknown')];
    const v = redactForRespondent(c);
    expect(v.intake.evidence.map((e) => e.filename)).toEqual(['材料1.jpg', '材料2']);
    expect(v.sources.map((s) => s.sourceKey)).toEqual(['web:1']);
    expect(v.intake.sourceKey).toBe('web:1');
    expect(v.intake.complainant.name).toBe(NAME);
  });
});

// ------------------------------------------------------------------------------------------ free text by pattern

/** Text around a secret: anything but digits, ASCII letters, full-width digits and letters, and mail characters. */
const filler = fc.string({ unit: fc.constantFrom(...'我在窗口办事被推诿，请核实处理。联系：电话号码手机身份证邮箱 ，。！？\n'), maxLength: 20 });

const digitsOf = (n: number, len: number) => String(n).padStart(len, '0');

/** Mainland mobiles, written as people write them. */
const mobile = fc.tuple(fc.constantFrom('3', '5', '7', '8', '9'), fc.nat({ max: 9 }), fc.nat({ max: 99_999_999 })).map(([b, c, rest]) => `1${b}${c}${digitsOf(rest, 8)}`);
const spelledMobile = fc.tuple(mobile, fc.constantFrom('plain', 'space', 'hyphen', 'dot', '+86', '+86-', '0086', 'fullwidth', '86 ')).map(([m, how]) => {
  const g = `${m.slice(0, 3)}|${m.slice(3, 7)}|${m.slice(7)}`;
  switch (how) {
    case 'space':
      return g.replaceAll('|', ' ');
    case 'hyphen':
      return g.replaceAll('|', '-');
    case 'dot':
      return g.replaceAll('|', '.');
    case '+86':
      return `+86 ${m}`;
    case '+86-':
      return `+86-${g.replaceAll('|', '-')}`;
    case '0086':
      return `0086${m}`;
    case 'fullwidth':
      return [...m].map((d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)).join('');
    case '86 ':
      return `86 ${m}`;
    default:
      return m;
  }
});
const landline = fc
  .tuple(fc.constantFrom('0825', '028', '010', '0831'), fc.integer({ min: 2, max: 9 }), fc.nat({ max: 999_999 }), fc.constantFrom('-', ' ', '', '()', '（）'))
  .map(([area, first, rest, sep]) => {
    const number = `${first}${digitsOf(rest, area.length === 3 ? 7 : 6)}`;
    if (sep === '()') return `(${area})${number}`;
    if (sep === '（）') return `（${area}）${number}`;
    return `${area}${sep}${number}`;
  });

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** 18-digit ID numbers with a correct check character (GB 11643), some grouped 6-8-4 with spaces. */
const idNumber = fc
  .tuple(fc.integer({ min: 110000, max: 659999 }), fc.date({ min: new Date('1930-01-01'), max: new Date('2020-12-31'), noInvalidDate: true }), fc.nat({ max: 999 }), fc.boolean())
  .map(([region, birth, seq, grouped]) => {
    const body = `${region}${birth.toISOString().slice(0, 10).replaceAll('-', '')}${digitsOf(seq, 3)}`;
    const sum = [...body].reduce((s, d, i) => s + Number(d) * WEIGHTS[i]!, 0);
    const id = body + '10X98765432'[sum % 11]!;
    return grouped ? `${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14)}` : id;
  });
const email = fc.emailAddress();

const PROPERTY_RUNS = 1000;

describe('redactText: phones in any common form, ID numbers with their check digit, emails (property tests)', () => {
  const noDigitsLeft = (out: string) => !/[0-9０-９]/.test(out);

  it('mobiles written plain, grouped, with +86 or 0086, or in full-width digits', () => {
    fc.assert(
      fc.property(filler, spelledMobile, filler, (a, phone, b) => {
        const out = redactText(`${a}${phone}${b}`);
        expect(noDigitsLeft(out)).toBe(true);
        expect(out).toContain('***');
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('landlines with their area code', () => {
    fc.assert(
      fc.property(filler, landline, filler, (a, phone, b) => expect(noDigitsLeft(redactText(`${a}${phone}${b}`))).toBe(true)),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('18-digit ID numbers', () => {
    fc.assert(
      fc.property(filler, idNumber, filler, (a, id, b) => expect(noDigitsLeft(redactText(`${a}${id}${b}`))).toBe(true)),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('email addresses', () => {
    fc.assert(
      fc.property(filler, email, filler, (a, addr, b) => {
        const out = redactText(`${a}${addr}${b}`);
        expect(out).not.toContain('@');
        expect(out.startsWith(a)).toBe(true);
        expect(out.endsWith(b)).toBe(true);
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('several numbers side by side are all hidden, and the words around them are kept', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(spelledMobile, landline, idNumber), { minLength: 2, maxLength: 4 }), fc.constantFrom(' ', '，', '、', ' 或 '), (numbers, sep) => {
        const out = redactText(`联系方式：${numbers.join(sep)}。`);
        expect(noDigitsLeft(out)).toBe(true);
        expect(out.startsWith('联系方式：')).toBe(true);
        expect(out.endsWith('。')).toBe(true);
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('is idempotent and leaves text without personal data unchanged', () => {
    fc.assert(
      fc.property(filler, fc.oneof(spelledMobile, idNumber, email), (a, x) => {
        const once = redactText(`${a}${x}`);
        expect(redactText(once)).toBe(once);
        expect(redactText(a)).toBe(a);
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('stays linear on hostile text (long runs of mail characters, digits and separators)', () => {
    const started = Date.now();
    for (const chunk of ['a', 'a.', '1', '1-', 'a@', '@a.', '0825-']) redactText(chunk.repeat(50_000 / chunk.length));
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('the street part of a confidential address goes too', () => {
    const c = newCase({ confidential: true, matter: '我家就在南津路88号，窗口推诿。' });
    expect(scrubIdentity(c.intake.matter, c)).toBe('我家就在***，窗口推诿。');
  });

  it('keeps dates, tracking numbers, amounts and short numbers', () => {
    const text = '2025年3月3日（2025-03-03）三次到窗口，受理编号 510903-20250303-0001，缴费 1280 元，排队 4 小时，拨打12345。';
    expect(redactText(text)).toBe(text);
  });

  it('the literal name and address of a confidential record go as well, also with spaces inside', () => {
    const c = newCase({ confidential: true, matter: `${NAME.split('').join(' ')}住在${ADDRESS}，电话 ${PHONE.slice(0, 3)}-${PHONE.slice(3, 7)}-${PHONE.slice(7)}。` });
    const out = scrubIdentity(c.intake.matter, c);
    expect(out).not.toMatch(/王|南津路|\d{4}/);
    expect(out).toContain('住在');
  });

  it('a confidential case’s matter, as the department sees it, holds no phone, ID number, email or name in any of these forms', () => {
    fc.assert(
      fc.property(filler, spelledMobile, idNumber, email, (a, phone, id, addr) => {
        const c = newCase({ confidential: true, matter: `${a}本人${NAME}，手机${phone}，身份证${id}，邮箱${addr}。` });
        const m = viewFor(DEPT, c).intake.matter;
        expect(noDigitsLeft(m)).toBe(true);
        expect(m).not.toContain('@');
        expect(m).not.toContain(NAME);
        expect(viewFor(AGENCY, c).intake.matter).toBe(c.intake.matter);
      }),
      { numRuns: 300 },
    );
  });
});

// ------------------------------------------------------------------------------------------ outbox

describe('outbox view (art. 21)', () => {
  const official = officialAddresses(jurisdiction);
  const dept = jurisdiction.departments[0]!.chiefRepresentative.email;
  const item = {
    file: 'x.eml',
    at: T0,
    kind: 'acceptance',
    caseId: '510903-20250303-0001',
    to: ['wangxiuying@qq.com', dept],
    subject: '投诉受理告知（受理编号 510903-20250303-0001）',
    relay: { ok: false, at: T0, error: '550 <wangxiuying@qq.com> unknown user' },
  };

  it('masks a complainant’s address, the subject and a relay error for the administrator; keeps official mailboxes', () => {
    const v = outboxItemFor(ADMIN, item, official);
    expect(v.to).toEqual(['w***@q***.com', dept]);
    expect(v.subject).toBe(MASKED_SUBJECT);
    expect(JSON.stringify(v)).not.toContain('wangxiuying');
    expect(v.kind).toBe('acceptance');
    expect(maskAddress('a@b')).toBe('a***@b***');
  });

  it('shows the agency everything and audits each case on the page once', async () => {
    const audits: AuditEntry[] = [];
    const deps = { store: { audit: async (e: AuditEntry) => void audits.push(e) }, clock: { now: () => new Date(T0) }, jurisdiction };
    const page = await outboxPageFor(deps, AGENCY, { items: [item, { ...item, file: 'y.eml' }, { ...item, caseId: undefined }], cursor: '3' });
    expect(page.items[0]).toEqual(item);
    expect(page.cursor).toBe('3');
    expect(audits.map((a) => [a.caseId, a.what, a.actor.id])).toEqual([[item.caseId, 'read_outbox', AGENCY.id]]);
    audits.length = 0;
    await outboxPageFor(deps, ADMIN, { items: [item] });
    expect(audits).toEqual([]);
  });
});
