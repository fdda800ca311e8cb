/**
 * The year-end cliff on the real ASL: with the clock at 2026-12-29 and no 2027 notice loaded, a new complaint is
 * dispatched, accepted and handled on provisional (暂定) dates; loading the notice recomputes them, records it on
 * the timeline, keeps what already happened and moves the waiting step's wake-ups to the official dates.
 */
import { ManualClock } from '../../infra/local/clock';
import { openLifecycleSandbox } from '../../infra/local/lifecycle-sandbox';
import { MemoryMailSender } from '../../shared/adapters/memory/mail-sender';
import type { LifecycleSandbox } from '../../infra/local/lifecycle-sandbox';
import { scenarioIntake } from '../../infra/local/lifecycle-scenarios';
import type { CalendarYearData } from '../../shared/domain/calendar';
import type { Actor } from '../../shared/domain/case';
import { provisionalStatus, recomputeProvisional } from '../../shared/services/calendar-recompute';

/** A 2027 arrangement as a notice could make it (元旦 Fri-Sun; 春节 2-5 to 2-13 with two adjusted Sundays). */
const NOTICE_2027: CalendarYearData = {
  year: 2027,
  source: '国务院办公厅关于2027年部分节假日安排的通知（测试数据）',
  holidays: ['2027-01-01', '2027-01-02', '2027-01-03', ...['05', '06', '07', '08', '09', '10', '11', '12', '13'].map((d) => `2027-02-${d}`)],
  workdays: ['2027-01-31', '2027-02-14'],
  labels: { '2027-01-01': '元旦', '2027-02-06': '春节' },
};

const agency: Actor = { role: 'agency', id: 'agency-staff' };
const owner: Actor = { role: 'department', id: 'scjgj-rep', department: 'SCJGJ' };

let sb: LifecycleSandbox;
let clock: ManualClock;
let mail: MemoryMailSender;

beforeAll(async () => {
  clock = new ManualClock('2026-12-29T10:00:00+08:00');
  mail = new MemoryMailSender();
  sb = await openLifecycleSandbox({ clock, mail, retryIntervalMs: 5 });
  clock.setSettle(() => sb.workflow.idle());
});
afterAll(async () => {
  await sb?.close();
});

it('keeps a case moving across the year end on provisional dates, then recomputes them when the notice is imported', async () => {
  expect(sb.calendar.hasYear(2027)).toBe(false);
  const filed = await sb.file(scenarioIntake({ receivedBy: 'agency', respondent: 'SCJGJ' }, sb, 'year-end'));
  await sb.workflow.idle();
  let c = await sb.get(filed.caseId);
  expect(c.phase).toBe('dispatch');
  // Two working days from 12-29 stay inside 2026: official.
  expect(c.deadlines[0]).toMatchObject({ clock: 'dispatch', dueAt: '2026-12-31T23:59:59+08:00' });
  expect(c.deadlines[0]!.provisional).toBeUndefined();

  await clock.advanceTo('2026-12-31T10:00:00+08:00');
  await sb.act(c.caseId, agency, { action: 'dispatch', department: 'SCJGJ', note: '请按期办理' });
  await sb.workflow.idle();
  c = await sb.get(c.caseId);
  expect(c.phase).toBe('acceptance');
  const acceptance = c.deadlines.find((d) => d.clock === 'acceptance')!;
  expect(acceptance.provisional?.years).toEqual([2027]);
  // Provisional: 01-01 is 元旦; the weekend after it may be an adjusted working day, so it counts.
  expect(acceptance.dueAt).toBe('2027-01-03T23:59:59+08:00');
  expect(c.waiting).toMatchObject({ step: 'acceptance', dueProvisional: true });
  // The slip mailed to the department says the date is provisional and why.
  const slip = mail.of(c.caseId, 'assignment_slip')[0]!;
  expect(slip.text).toMatch(/暂定/);
  expect(slip.text).toMatch(/2027 年的国务院办公厅节假日安排通知尚未导入/);

  await sb.act(c.caseId, owner, { action: 'accept' });
  await sb.workflow.idle();
  await sb.act(c.caseId, owner, { action: 'classify', kind: 'transfer' });
  await sb.workflow.idle();
  c = await sb.get(c.caseId);
  expect(c.phase).toBe('handling');
  const result = c.deadlines.find((d) => d.clock === 'result')!;
  expect(result.provisional?.years).toEqual([2027]);
  const status = await provisionalStatus({ store: sb.store, clock, calendar: sb.calendar, jurisdiction: sb.jurisdiction });
  expect(status).toMatchObject({ missingYears: [2027], openProvisionalCases: 1, provisionalYears: [2027] });
  expect(status.warning).toMatch(/tousu calendar import/);
  const tokenBefore = c.waiting!.taskToken;

  // The administrator imports the notice: the calendar every task holds sees it at once.
  const mailsBefore = mail.sent.length;
  sb.calendar.loadYear(NOTICE_2027);
  const report = await recomputeProvisional({ store: sb.store, clock, calendar: sb.calendar, rules: sb.rules, jurisdiction: sb.jurisdiction, workflow: sb.workflow });
  await sb.workflow.idle();
  expect(report).toMatchObject({ casesRecomputed: 1, stillProvisional: 0, problems: [] });
  c = await sb.get(c.caseId);
  const official = sb.calendar.addWorkingDays(result.startedAt, result.workingDays!);
  const recomputed = c.deadlines.find((d) => d.clock === 'result' && d.metAt === undefined)!;
  expect(recomputed.dueAt).toBe(official.dueAt);
  expect(Date.parse(recomputed.dueAt)).toBeGreaterThanOrEqual(Date.parse(result.dueAt));
  expect(recomputed.provisional).toBeUndefined();
  // The met acceptance deadline is history and keeps its mark; the waiting step re-planned from the new date.
  expect(c.deadlines.find((d) => d.clock === 'acceptance')!.provisional?.years).toEqual([2027]);
  expect(c.waiting).toMatchObject({ step: 'handling', dueAt: official.dueAt });
  expect(c.waiting!.dueProvisional).toBeUndefined();
  expect(c.waiting!.taskToken).not.toBe(tokenBefore);
  const timeline = await sb.timeline(c.caseId);
  const event = timeline.find((e) => e.type === 'deadlines_recomputed')!;
  expect(event.summary).toMatch(/2027 年节假日安排已导入/);
  // Nobody is sent a new notice for a later date.
  expect(mail.sent.length).toBe(mailsBefore);
  // Idempotent: a second run finds nothing provisional.
  expect((await recomputeProvisional({ store: sb.store, clock, calendar: sb.calendar, rules: sb.rules, jurisdiction: sb.jurisdiction })).casesRecomputed).toBe(0);

  // The case goes on to its end on official dates: the reminder fires at the official instant.
  const remindAt = c.waiting!.remindAt!;
  expect(remindAt).toBe(sb.calendar.reminderAt(official.dueAt, sb.rules.byId(c.rulesVersion).reminderLeadWorkingDays));
  await clock.advanceTo(remindAt);
  const reminded = (await sb.timeline(c.caseId)).filter((e) => e.type === 'reminder_sent' && e.data?.clock === 'result');
  expect(reminded).toHaveLength(1);
  expect(Date.parse(reminded[0]!.at)).toBe(Date.parse(remindAt));
  expect(sb.workflow.executionsOf(c.caseId).filter((e) => e.status === 'failed')).toEqual([]);
});
