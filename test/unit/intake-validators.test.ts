/** Property tests of the form and CSV validators: never a crash, a field-level error for each bad field. */
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { ValidationError } from '../../shared/domain/errors';
import { parseBoxSlipRow, parseLetterRow, parseWebComplaint, parseWorkOrder } from '../../shared/intake/channels';
import { parseBoxCsv, parseLetterManifest, readCsv } from '../../shared/intake/csv';
import { validateIntake } from '../../shared/intake/validate';
import { sampleIntake } from '../fixtures/channels/harness';

const CJK = /[\u4e00-\u9fff]/;

/** Runs `fn`; only a ValidationError with Chinese messages and codes may come out. */
function outcome(fn: () => unknown): { ok: true } | { ok: false; fields: Map<string, string> } {
  try {
    fn();
    return { ok: true };
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    for (const p of err.problems) {
      expect(p.message).toMatch(CJK);
      expect(p.code).toMatch(/^[a-z_]+$/);
    }
    return { ok: false, fields: new Map(err.problems.map((p) => [p.field, p.code!])) };
  }
}

const validForm = {
  complainant: { name: '张三', phone: '13800138000', email: 'z@example.cn', anonymous: false, wantsReply: true, confidential: false },
  respondent: { unit: '某局' },
  matter: '事项',
};

/** Bad values per form field, and the field the error must name. */
const BAD_FORM_FIELDS: { path: string[]; bad: fc.Arbitrary<unknown> }[] = [
  { path: ['complainant', 'phone'], bad: fc.constantFrom('12', 'abc', '1380013800', '+1 555 0100', '0000') },
  { path: ['complainant', 'email'], bad: fc.constantFrom('a@', 'not mail', '@b.cn', 'a b@c.cn') },
  { path: ['complainant', 'name'], bad: fc.string({ minLength: 101, maxLength: 150 }).filter((s) => s.trim().length > 100) },
  { path: ['matter'], bad: fc.constantFrom('', '   ', undefined, 42, null) },
  { path: ['complainant', 'anonymous'], bad: fc.constantFrom('maybe', 7, [], {}) },
  { path: ['respondent', 'unitCode'], bad: fc.constantFrom('含中文', 'a b', '/') },
];

function setPath(obj: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(obj);
  let cur = copy;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
  cur[path[path.length - 1]!] = value;
  return copy;
}

describe('web form validator', () => {
  it('accepts the valid form', () => {
    expect(outcome(() => parseWebComplaint(validForm))).toEqual({ ok: true });
  });

  it('never crashes on arbitrary input', () => {
    fc.assert(
      fc.property(fc.anything(), (raw) => void outcome(() => parseWebComplaint(raw))),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.object({ maxDepth: 3 }), (raw) => void outcome(() => parseWebComplaint({ ...validForm, ...raw }))),
      { numRuns: 300 },
    );
  });

  it('names every bad field, each with its own error', () => {
    fc.assert(
      fc.property(
        fc.subarray(BAD_FORM_FIELDS, { minLength: 1 }).chain((fields) => fc.tuple(fc.constant(fields), fc.tuple(...fields.map((f) => f.bad)))),
        ([fields, values]) => {
          let raw: Record<string, unknown> = validForm;
          fields.forEach((f, i) => (raw = setPath(raw, f.path, values[i])));
          const r = outcome(() => parseWebComplaint(raw));
          expect(r.ok).toBe(false);
          if (!r.ok) for (const f of fields) expect(r.fields.has(f.path.join('.'))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the canonical validator never crashes and reports field paths', () => {
    fc.assert(
      fc.property(fc.anything(), (raw) => void outcome(() => validateIntake(raw))),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.object({ maxDepth: 2 }), (raw) => void outcome(() => validateIntake({ ...sampleIntake(), ...raw }))),
      { numRuns: 300 },
    );
  });

  it('12345 work orders never crash the parser', () => {
    fc.assert(
      fc.property(fc.anything(), (raw) => void outcome(() => parseWorkOrder(raw))),
      { numRuns: 300 },
    );
  });
});

const validLetter = { file: 'a.png', envelopeDate: '2026-02-27', name: '陈七', phone: '13811112222', respondentUnit: '某局', matter: '事项' };
const BAD_LETTER_CELLS: Record<string, fc.Arbitrary<string>> = {
  file: fc.constantFrom('', '  '),
  envelopeDate: fc.constantFrom('2026-02-30', '27/02/2026', 'yesterday'),
  phone: fc.constantFrom('12', 'abc', '999'),
  email: fc.constantFrom('a@', 'x y@z'),
  matter: fc.constantFrom('', ' '),
  anonymous: fc.constantFrom('maybe', '2'),
  receivedAt: fc.constantFrom('2026-13-01', 'noon'),
};

const validSlip = { box: 'B-01', place: '大厅', openedAt: '2026-03-02 10:00', openedBy: '张三;李四', slipNo: '1', signed: '否', matter: '事项' };
const BAD_SLIP_CELLS: Record<string, fc.Arbitrary<string>> = {
  box: fc.constant(''),
  openedAt: fc.constantFrom('2026-02-30 10:00', 'today', ''),
  openedBy: fc.constantFrom('张三', '张三;张三', ''),
  slipNo: fc.constantFrom('', 'a b', '第1张'),
  signed: fc.constantFrom('maybe', 'x'),
  matter: fc.constant(''),
};

describe('CSV validators (letter manifest, box opening)', () => {
  const cellsArb = (bad: Record<string, fc.Arbitrary<string>>) => fc.subarray(Object.keys(bad), { minLength: 1 }).chain((keys) => fc.tuple(fc.constant(keys), fc.tuple(...keys.map((k) => bad[k]!))));

  it('letter rows: a field-level error for each bad cell', () => {
    fc.assert(
      fc.property(cellsArb(BAD_LETTER_CELLS), ([keys, values]) => {
        const row: Record<string, string> = { ...validLetter };
        keys.forEach((k, i) => (row[k] = values[i]!));
        const r = outcome(() => parseLetterRow(row));
        expect(r.ok).toBe(false);
        if (!r.ok) for (const k of keys) expect(r.fields.has(k)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('box slips: a field-level error for each bad cell', () => {
    fc.assert(
      fc.property(cellsArb(BAD_SLIP_CELLS), ([keys, values]) => {
        const row: Record<string, string> = { ...validSlip };
        keys.forEach((k, i) => (row[k] = values[i]!));
        const r = outcome(() => parseBoxSlipRow(row));
        expect(r.ok).toBe(false);
        if (!r.ok) for (const k of keys) expect(r.fields.has(k)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('whole files: arbitrary text never crashes; bad rows never sink good ones', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => void outcome(() => parseLetterManifest(text))),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => void outcome(() => parseBoxCsv(text))),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), fc.array(fc.string({ maxLength: 20 }), { minLength: 12, maxLength: 12 }), (goodness, junk) => {
        const rows = goodness.map((good, i) => (good ? { ...validLetter, file: `l${i}.png` } : { ...validLetter, file: `l${i}.png`, matter: '', phone: `x${junk[i]}` }));
        const results = parseLetterManifest(stringify(rows, { header: true }));
        expect(results.map((r) => r.value !== undefined)).toEqual(goodness);
        results.filter((r) => !r.value).forEach((r) => expect(r.problems.map((p) => p.field)).toEqual(expect.arrayContaining(['matter', 'phone'])));
      }),
      { numRuns: 200 },
    );
  });

  it('Chinese headers are understood', () => {
    expect(readCsv('文件,投诉事项,姓名\na.png,事项,张三\n')).toEqual([{ file: 'a.png', matter: '事项', name: '张三' }]);
  });
});
