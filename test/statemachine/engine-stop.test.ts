/**
 * Stopping the runtime (SIGTERM) while an await task is still writing must not end the process with an
 * unhandled rejection. Run in a child process: Node's own unhandled-rejection policy is the judge.
 */
import { spawnSync } from 'node:child_process';

test('an execution aborted while its await task writes stops cleanly', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/fixtures/engine/stop-while-writing.ts'], { encoding: 'utf8', timeout: 60_000 });
  expect(r.stderr).not.toContain('EngineStopped');
  expect(r.stdout.trim()).toBe('stopped aborted');
  expect(r.status).toBe(0);
});
