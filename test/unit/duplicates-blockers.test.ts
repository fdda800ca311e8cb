/**
 * Two contradictions the automatic band used to miss (issue 22, found on the held-out seed and the held-out
 * hand-written set; docs/BENCHMARKS.md): a hall visit about one unit merged with another unit's window matter, and
 * an intake merged into a case because the case's root said nothing of the county that another intake merged into
 * it names.
 */
import { SYSTEM_ACTOR } from '../../shared/domain/case';
import type { Complainant } from '../../shared/domain/intake';
import { applyMerge, compareSignals, fingerprint } from '../../shared/domain/duplicates/index';
import { createDuplicateCheck } from '../../shared/services/duplicates';
import { DEPARTMENTS } from '../fixtures/duplicates/labelled-set';
import { MemoryCases, MemoryDuplicateIndex } from '../fixtures/duplicates/memory-index';
import { WRITTEN_SET_DEPARTMENTS } from '../fixtures/duplicates/written-set';
import { intakeOf, JURISDICTION, recordOf } from '../fixtures/duplicates/records';

const xu: Complainant = { name: '徐杰', phone: '18356424324', anonymous: false, wantsReply: true, confidential: false };
const HALLS = ['政务服务中心', '政务大厅'];

it('a hall visit naming one unit and another unit’s window matter are about different units', () => {
  const opts = { departments: DEPARTMENTS, halls: HALLS };
  const hall = fingerprint(intakeOf({ matter: '4月20日办一件事联办，政务服务中心和船山区住房和城乡建设局互相推诿。', respondent: { unit: '政务大厅' }, complainant: xu }), opts);
  const window = fingerprint(intakeOf({ matter: '4月20日我到船山区不动产登记中心办理更正登记，窗口要清单外的材料。', respondent: { unit: '房产登记窗口' }, complainant: xu }), opts);
  expect(compareSignals(hall, window, '2025-04-24T09:00:00+08:00', '2025-05-27T09:00:00+08:00').unit).toBe('different');
  // A hall naming no unit besides itself still contradicts nothing.
  const hallOnly = fingerprint(intakeOf({ matter: '4月20日在政务大厅排队三个小时。', respondent: { unit: '政务大厅' }, complainant: xu }), opts);
  expect(compareSignals(hallOnly, window, '2025-04-24T09:00:00+08:00', '2025-05-27T09:00:00+08:00').unit).toBe('unknown');
});

it('what any intake merged into a case contradicts forbids an automatic merge into it', async () => {
  const places = [
    { name: '船山区', forms: ['船山区', '船山'] },
    { name: '蓬溪县', forms: ['蓬溪县', '蓬溪'] },
  ];
  const cases = new MemoryCases();
  const check = createDuplicateCheck({ index: new MemoryDuplicateIndex(), store: cases, departments: WRITTEN_SET_DEPARTMENTS, places });
  const ctx = (at: string) => ({ jurisdiction: JURISDICTION, now: new Date(at) });
  const guo: Complainant = { name: '郭女士', phone: '15708254466', anonymous: false, wantsReply: true, confidential: false };
  // A phone note that names no unit, then the same matter at Chuanshan's tax office, merged into it.
  const first = recordOf('A', intakeOf({ channel: 'phone', matter: '来电称个税汇算的退税5月就申请了，一直显示税务机关审核中。', receivedAt: '2025-09-23T09:00:00+08:00', complainant: guo }));
  cases.put(first);
  await check.indexCase(first);
  const web = intakeOf({
    matter: '个税退税审核了四个月，船山区税务局说要补充资料。',
    respondent: { unit: '船山区税务局' },
    receivedAt: '2025-09-23T20:00:00+08:00',
    complainant: { ...guo, name: '郭婷' },
  });
  const merged = applyMerge(first, recordOf('B', web), SYSTEM_ACTOR, web.receivedAt);
  cases.put(merged.target);
  cases.put(merged.source);
  await check.indexCase(merged.source);
  // The same kind of matter at Pengxi's tax office: the root says no county, the merged intake says Chuanshan.
  const pengxi = intakeOf({
    matter: '个税汇算的退税5月就申请了，蓬溪县税务局一直显示税务机关审核中。',
    respondent: { unit: '蓬溪县税务局' },
    receivedAt: '2025-09-26T20:00:00+08:00',
    complainant: { ...guo, name: '郭婷' },
  });
  const d = await check(pengxi, ctx(pengxi.receivedAt));
  // Against the root alone it would merge (same phone, the same words); the merged intake's county forbids it.
  expect(d.kind).toBe('possible');
  if (d.kind === 'possible') expect(d.candidates[0]!.explanation.join('；')).toContain('所涉区县不同');
});
