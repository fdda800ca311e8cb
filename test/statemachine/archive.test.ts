/**
 * Art. 18 on the real ASL: an archived case has its archive file (`archive.ref`) whose stored bytes hash to
 * `archive.sha256` and hold the complete timeline; an archive store that fails sends the execution to its
 * failure handler, and the case is archived on resume (isOpen keeps it open until the file is recorded).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../infra/local/clock';
import { FolderBlobStore } from '../../infra/local/folder-blob-store';
import { openLifecycleSandbox } from '../../infra/local/lifecycle-sandbox';
import { MemoryMailSender } from '../../shared/adapters/memory/mail-sender';
import { runScenario } from '../../infra/local/lifecycle-scenarios';
import { ARCHIVE_FORMAT } from '../../shared/domain/archive';
import type { TimelineEvent } from '../../shared/domain/case';
import type { BlobStore } from '../../shared/ports';
import { isOpen } from '../../shared/services/lifecycle-tasks';
import { T0, expectOk, scenario, statesOf, useHarness } from './harness';

const harness = useHarness();
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

it('transfer path: the archived case points to its archive file, whose bytes hash to archive.sha256', async () => {
  const h = harness();
  const r = await h.run('transfer');
  expectOk(r);
  expect(statesOf(h, r.caseId)).toContain('Archive Case');
  const c = await h.sb.get(r.caseId);
  expect(c.phase).toBe('archived');
  expect(c.archive?.ref).toMatch(new RegExp(`^file:510903/\\d{4}/${r.caseId}\\.json$`));
  const bytes = await h.sb.archiveBlobs!.get(c.archive!.ref!);
  expect(bytes).toBeDefined();
  expect(sha(bytes!)).toBe(c.archive!.sha256);
  const file = JSON.parse(Buffer.from(bytes!).toString('utf8')) as { format: string; caseId: string; timeline: TimelineEvent[]; case: { outcome: { kind: string } } };
  expect(file.format).toBe(ARCHIVE_FORMAT);
  expect(file.caseId).toBe(r.caseId);
  expect(file.case.outcome.kind).toBe('concluded');
  expect(file.timeline).toEqual(await h.sb.timeline(r.caseId));
  expect(file.timeline.at(-1)?.type).toBe('archived');
  expect(isOpen(c)).toBe(false);
});

it('the archive store fails: the execution fails, the case stays open, and a resume writes the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tousu-archive-sm-'));
  const folder = new FolderBlobStore(dir);
  let failing = true;
  const flaky: BlobStore = {
    put: (key, body, type) => (failing ? Promise.reject(new Error('archive volume unavailable')) : folder.put(key, body, type)),
    get: (ref) => folder.get(ref),
  };
  const clock = new ManualClock(T0);
  const sb = await openLifecycleSandbox({ clock, mail: new MemoryMailSender(), retryIntervalMs: 5, archiveBlobs: flaky });
  clock.setSettle(() => sb.workflow.idle());
  try {
    const r = await runScenario(sb, scenario('general'), { advanceTo: (i) => clock.advanceTo(i) });
    const half = await sb.get(r.caseId);
    expect(half.phase).toBe('archived');
    expect(half.archive?.at).toBeDefined();
    expect(half.archive?.ref).toBeUndefined();
    expect((await sb.timeline(r.caseId)).map((e) => e.type)).toContain('workflow_failed');
    expect(isOpen(half)).toBe(true);

    failing = false;
    await sb.workflow.stop();
    const wf = sb.restartWorkflow();
    expect(await wf.resumeAll()).toContain(r.caseId);
    await wf.idle();
    const done = await sb.get(r.caseId);
    expect(done.archive?.at).toBe(half.archive?.at);
    expect(sha((await folder.get(done.archive!.ref!))!)).toBe(done.archive!.sha256);
    expect((await sb.timeline(r.caseId)).filter((e) => e.type === 'archived')).toHaveLength(1);
    expect(await wf.resumeAll()).not.toContain(r.caseId);
  } finally {
    await sb.close();
    await rm(dir, { recursive: true, force: true });
  }
});
