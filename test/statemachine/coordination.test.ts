/**
 * Art. 14(3) on the real ASL: a task-force case with two coordination meetings and an inquiry step; the records
 * are on the timeline, in the archive file, cited by the lead unit's result, and printed in the dossier.
 */
import type { CaseRecord, TimelineEvent } from '../../shared/domain/case';
import { renderDossier } from '../../shared/domain/dossier';
import { SUINING_2023 } from '../../shared/domain/rules';
import { expectOk, useHarness } from './harness';

const harness = useHarness();

it('archives and prints the task force, both meetings and the inquiry, cited by the result', async () => {
  const h = harness();
  const r = await h.run('intervention-task-force');
  expectOk(r);
  const c = r.record;
  expect(c.coordination?.taskForce?.members).toEqual([
    { name: '李某', unit: '自然资源和规划局' },
    { name: '王某', unit: '不动产登记中心' },
    { name: '赵某', unit: '政务服务和大数据管理局' },
  ]);
  expect(c.coordination?.meetings.map((m) => m.id)).toEqual(['H1', 'H2']);
  expect(c.coordination?.inquiries).toEqual([expect.objectContaining({ id: 'D1', method: 'video', materials: ['窗口监控录像（2月）', '受理登记簿复印件'] })]);
  // The lead unit's result cites them.
  expect(c.conclusion?.cites).toEqual(['专班', 'H1', 'H2', 'D1']);
  const concluded = r.timeline.find((e) => e.type === 'concluded')!;
  expect(concluded.summary).toMatch(/办理结果依据：工作专班（3 人）、.*协调会（H1）、.*协调会（H2）、.*调取视频（D1）/);

  // In the archive file (art. 18).
  const bytes = await h.sb.archiveBlobs!.get(c.archive!.ref!);
  const file = JSON.parse(Buffer.from(bytes!).toString('utf8')) as { case: CaseRecord; timeline: TimelineEvent[] };
  expect(file.case.coordination).toEqual(c.coordination);
  expect(file.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['task_force_formed', 'coordination_meeting', 'inquiry_recorded']));

  // Printed.
  const html = renderDossier({
    case: file.case,
    timeline: file.timeline,
    viewer: { role: 'agency', id: 'agency-staff' },
    jurisdiction: h.sb.jurisdiction,
    rules: SUINING_2023,
    printedAt: h.clock.now().toISOString(),
  });
  for (const s of ['工作专班', '李某（自然资源和规划局）', '协调会 H1', '协调会 H2', '建立材料流转台账', '调查核实 D1', '调取视频', '窗口监控录像（2月）', '办理结果依据']) expect(html).toContain(s);
});

it('refuses a meeting without its minutes, in Chinese', async () => {
  const h = harness();
  const r = await h.run('intervention-task-force');
  expectOk(r);
  const { parseAction } = await import('../../shared/domain/lifecycle');
  expect(() => parseAction({ action: 'record-coordination', kind: 'meeting', date: '2025-03-03', attendees: ['a'] })).toThrow(
    expect.objectContaining({ problems: expect.arrayContaining([expect.objectContaining({ field: 'minutes', message: '请填写会议纪要' })]) }),
  );
});
