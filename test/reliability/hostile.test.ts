/**
 * Hostile input: at least 10,000 generated inputs for each parser and validator of the channels (web form,
 * letter manifest CSV, box CSV, 12345 work order, staff entry), the staff actions (parseAction and applyAction on
 * cases in every waiting phase) and the mail intake (ingestEmail dry run). None may crash: the only outcomes are
 * a valid value or a domain error with field problems in Chinese.
 */
import fc from 'fast-check';
import { isTousuError, ValidationError } from '../../shared/domain/errors';
import { CanonicalIntake } from '../../shared/domain/intake';
import { parseAction, applyAction, applyMergeAction, ACTION_SCHEMAS } from '../../shared/domain/lifecycle';
import { boxIntake, letterIntake, parseStaffEntry, parseWebComplaint, parseWorkOrder, staffIntake, unflattenForm, webIntake, workOrderIntake } from '../../shared/intake/channels';
import { parseBoxCsv, parseLetterManifest } from '../../shared/intake/csv';
import { ingestEmail } from '../../shared/email-intake/service';
import { loadJurisdiction } from '../../shared/config/load';
import { AGENCY, DEPT, OTHER_DEPT, caseIn, ctxAt, T0 } from '../fixtures/lifecycle';

const RUNS = 10_000;
const CHINESE = /[\u4e00-\u9fff]/;
const TIMEOUT = 120_000;

/**
 * A thrown error must be a domain error with a clear message; a ValidationError must name its fields, in Chinese
 * unless `chineseFields` is false (see the staff-action test).
 */
function expectClearError(err: unknown, chineseFields = true): void {
  if (!isTousuError(err)) throw err; // a crash: the property fails with the original error
  expect(err.message).toMatch(CHINESE);
  if (err instanceof ValidationError) {
    expect(err.problems.length).toBeGreaterThan(0);
    for (const p of err.problems) {
      expect(typeof p.field).toBe('string');
      expect(p.message.length).toBeGreaterThan(0);
      if (chineseFields) expect(p.message).toMatch(CHINESE);
    }
  }
}

function outcome<T>(fn: () => T, chineseFields = true): T | undefined {
  try {
    return fn();
  } catch (err) {
    expectClearError(err, chineseFields);
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------- generators

const nasty = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\uFEFF',
    '\u202E',
    '是',
    '否',
    'on',
    'true',
    '13800138000',
    '028-12345678',
    'a@b.cn',
    '2026-03-02',
    '2026-03-02 09:00',
    '2026-13-45T99:99:99Z',
    '__proto__',
    'constructor',
    'agency',
    'SCJGJ',
    '../../etc/passwd',
    '<script>alert(1)</script>',
    "'; DROP TABLE cases; --",
    '${jndi:ldap://x}',
    '%s%s%n',
  ),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  fc.nat({ max: 60_000 }).map((n) => '投'.repeat(n)),
);

/** Objects built from the real field names (and a few poison keys) with hostile values: closer to real attacks than pure noise. */
function recordOf(keys: readonly string[]) {
  return fc.dictionary(fc.constantFrom(...keys, '__proto__', 'constructor', 'prototype', 'extra'), nasty, { maxKeys: keys.length + 2 });
}

const KEYED = [
  'name',
  'organization',
  'phone',
  'email',
  'address',
  'anonymous',
  'wantsReply',
  'confidential',
  'respondentUnit',
  'respondentUnitCode',
  'respondentPerson',
  'matter',
  'facts',
  'receivedBy',
  'major',
  'stabilityRisk',
] as const;

const anyInput = (keys: readonly string[]) => fc.oneof({ weight: 1, arbitrary: fc.anything() }, { weight: 4, arbitrary: recordOf(keys) });

// ---------------------------------------------------------------------------------------------- channels

test(
  `web form: ${RUNS} hostile bodies`,
  () => {
    const complainant = recordOf(['name', 'organization', 'phone', 'email', 'address', 'anonymous', 'wantsReply', 'confidential']);
    const respondent = recordOf(['unit', 'unitCode', 'person']);
    const body = fc.oneof(
      fc.anything(),
      fc.record({ complainant: fc.oneof(complainant, nasty), respondent: fc.oneof(respondent, nasty), matter: nasty, facts: nasty, major: nasty, jurisdiction: nasty }, { requiredKeys: [] }),
      fc
        .dictionary(
          fc.constantFrom('complainant.name', 'complainant.phone', 'respondent.unit', 'matter', '__proto__.polluted', 'constructor.prototype.polluted', 'a.b.c.d'),
          fc.string({ maxLength: 20 }),
        )
        .map(unflattenForm),
    );
    fc.assert(
      fc.property(body, (raw) => {
        const form = outcome(() => parseWebComplaint(raw));
        if (form) {
          const intake = webIntake(form, { sourceKey: 'web:prop', receivedAt: '2026-03-02T09:30:00+08:00', evidence: [] });
          expect(CanonicalIntake.safeParse(intake).success).toBe(true);
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: RUNS },
    );
  },
  TIMEOUT,
);

test(
  `12345 work orders: ${RUNS} hostile orders`,
  () => {
    const order = fc.oneof(
      fc.anything(),
      fc.record(
        {
          workOrderNo: nasty,
          createdAt: nasty,
          receivedAt: nasty,
          caller: fc.oneof(recordOf(['name', 'phone', 'anonymous', 'wantsReply', 'email']), nasty),
          respondentUnit: nasty,
          matter: nasty,
          facts: nasty,
          dispatchedTo: nasty,
          platformDeadline: nasty,
          category: nasty,
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(order, (raw) => {
        const o = outcome(() => parseWorkOrder(raw));
        if (o) expect(CanonicalIntake.safeParse(workOrderIntake(o, { receivedAt: '2026-03-02T09:30:00+08:00' })).success).toBe(true);
      }),
      { numRuns: RUNS },
    );
  },
  TIMEOUT,
);

test(
  `phone and window entries: ${RUNS} hostile entries`,
  () => {
    fc.assert(
      fc.property(anyInput([...KEYED, 'channel', 'entryId', 'receivedAt', 'form', 'hotline']), (raw) => {
        const e = outcome(() => parseStaffEntry(raw));
        if (e) expect(CanonicalIntake.safeParse(staffIntake(e, { receivedAt: '2026-03-02T09:30:00+08:00', evidence: [] })).success).toBe(true);
      }),
      { numRuns: RUNS },
    );
  },
  TIMEOUT,
);

// ---------------------------------------------------------------------------------------------- CSV

const cell = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('"', '""', '"a,b"', '\n', '\r\n', ',', '是', '2026-03-02 09:00', '张三;李四', 'S1', 'x.png', "=cmd|' /C calc'!A0", '\uFEFF'));
const csvText = (headers: readonly string[]) =>
  fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc
      .tuple(fc.shuffledSubarray([...headers, 'junk', '姓名', '投诉事项']), fc.array(fc.array(cell, { maxLength: 14 }), { maxLength: 6 }))
      .map(([h, rows]) => [h.join(','), ...rows.map((r) => r.join(','))].join(fc.sample(fc.constantFrom('\n', '\r\n'), 1)[0])),
  );

test(
  `letter manifest CSV: ${RUNS} hostile files`,
  () => {
    fc.assert(
      fc.property(csvText([...KEYED, 'file', 'envelopeDate', 'receivedAt']), (text) => {
        const rows = outcome(() => parseLetterManifest(text));
        for (const r of rows ?? []) {
          if (r.value) expect(CanonicalIntake.safeParse(letterIntake(r.value, { sourceKey: 'letter:prop', receivedAt: '2026-03-02T09:30:00+08:00', scans: [] })).success).toBe(true);
          else for (const p of r.problems) expect(p.message).toMatch(CHINESE);
        }
      }),
      { numRuns: RUNS },
    );
  },
  TIMEOUT,
);

test(
  `suggestion-box CSV: ${RUNS} hostile files`,
  () => {
    fc.assert(
      fc.property(csvText([...KEYED, 'box', 'place', 'openedAt', 'openedBy', 'slipNo', 'signed', 'file']), (text) => {
        const rows = outcome(() => parseBoxCsv(text));
        for (const r of rows ?? []) {
          if (r.value) expect(CanonicalIntake.safeParse(boxIntake(r.value, { scans: [] })).success).toBe(true);
          else for (const p of r.problems) expect(p.message).toMatch(CHINESE);
        }
      }),
      { numRuns: RUNS },
    );
  },
  TIMEOUT,
);

// ---------------------------------------------------------------------------------------------- staff actions

function actionProperty(chineseFields: boolean): void {
  const phases = ['dispatch', 'acceptance', 'classification', 'handling', 'rectification', 'reply', 'follow_up'] as const;
  const cases = phases.map((p) => caseIn(p).c);
  const actors = [AGENCY, DEPT, OTHER_DEPT];
  const names = Object.keys(ACTION_SCHEMAS);
  const fields = [
    'reason',
    'referral',
    'transferTo12345',
    'kind',
    'leadUnit',
    'coHandlers',
    'dueDate',
    'newDueDate',
    'finding',
    'summary',
    'method',
    'record',
    'satisfaction',
    'into',
    'note',
    'to',
    'department',
    'comment',
  ];
  const body = fc.oneof(
    { weight: 1, arbitrary: fc.anything() },
    { weight: 6, arbitrary: fc.tuple(fc.oneof(fc.constantFrom(...names), nasty), recordOf(fields)).map(([action, rest]) => ({ ...rest, action })) },
  );
  const ctx = ctxAt(T0);
  fc.assert(
    fc.property(body, fc.nat({ max: cases.length - 1 }), fc.nat({ max: actors.length - 1 }), (b, ci, ai) => {
      outcome(() => parseAction(b), chineseFields);
      // merge / unmerge change two cases: the action service routes them to applyMergeAction, as here.
      const name = (b as { action?: unknown } | null | undefined)?.action;
      const t =
        name === 'merge' || name === 'unmerge'
          ? outcome(() => applyMergeAction(cases[ci]!, b, actors[ai]!, ctx, cases[(ci + 1) % cases.length]!).source, chineseFields)
          : outcome(() => applyAction(cases[ci]!, b, actors[ai]!, ctx), chineseFields);
      if (t) expect(t.record.caseId).toBe(cases[ci]!.caseId);
    }),
    { numRuns: RUNS },
  );
}

test(`staff actions: ${RUNS} hostile bodies through parseAction and applyAction in every waiting phase never crash`, () => actionProperty(false), TIMEOUT);

/** Every field message a person sees is Chinese, also for schema limits without a custom message. */
test('staff actions: every field message is in Chinese', () => actionProperty(true), TIMEOUT);

// ---------------------------------------------------------------------------------------------- mail

test(
  `mail intake (dry run): ${RUNS} small hostile mails`,
  async () => {
    const jurisdiction = loadJurisdiction('510903');
    const clock = { now: () => new Date('2026-03-02T01:30:00Z') };
    const header = fc.oneof(
      fc.constantFrom(
        'From: a@b.cn',
        'From: =?UTF-8?B?5byg5LiJ?= <z@s.cn>',
        'From: =?GBK?B?1cXI/Q==?= <z@s.cn>',
        'From: <>',
        'From: "\\"" <@@>',
        'Subject: =?UTF-8?Q?=E6=8A=95=E8=AF=89?=',
        'Subject: =?bogus?X?zz?=',
        'Content-Type: multipart/mixed; boundary=x',
        'Content-Type: text/plain; charset=gb2312',
        'Content-Type: text/html',
        'Content-Transfer-Encoding: base64',
        'Content-Transfer-Encoding: quoted-printable',
        'Auto-Submitted: auto-replied',
        'X-SES-Spam-Verdict: FAIL',
        'Message-ID: <x@y>',
        'Date: yesterday',
        'MIME-Version: 1.0',
      ),
      fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 40 })).map(([k, v]) => `${k}: ${v}`),
    );
    const body = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.constantFrom(
        '投诉人：张三\r\n联系电话：13800138000\r\n被投诉单位：遂宁市船山区市场监督管理局\r\n投诉事项：窗口推诿。',
        '--x\r\nContent-Type: text/plain\r\n\r\n投诉\r\n--x--',
        '------------------ 原始邮件 ------------------\r\n发件人: "李四"<l@s.cn>;\r\n主题: 投诉\r\n\r\n窗口推诿',
        '=E6=8A=95=E8=AF=89',
        '5oqV6K+J',
      ),
    );
    const mail = fc.oneof(
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
      { weight: 4, arbitrary: fc.tuple(fc.array(header, { maxLength: 8 }), body).map(([hs, b]) => Buffer.from(`${hs.join('\r\n')}\r\n\r\n${b}`)) },
    );
    await fc.assert(
      fc.asyncProperty(mail, async (raw) => {
        const r = await ingestEmail(raw, 'cli', { clock, jurisdiction, dryRun: true });
        if (r.ignored) expect(r.detail).toMatch(CHINESE);
        else expect(CanonicalIntake.safeParse(r.intake).success).toBe(true);
      }),
      { numRuns: RUNS },
    );
  },
  TIMEOUT,
);
