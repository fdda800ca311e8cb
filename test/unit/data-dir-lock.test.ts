import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock, dataPaths, type LockInfo } from '../../infra/local/runtime';

// The data directory's lock is re-entrant within one process: a CLI command run in the runtime's own process must
// neither overwrite the runtime's lock nor remove it when the command ends.
describe('data directory lock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tousu-lock-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const lockOf = async (): Promise<LockInfo | undefined> => {
    try {
      return JSON.parse(await readFile(dataPaths(dir).lock, 'utf8')) as LockInfo;
    } catch {
      return undefined;
    }
  };

  it('keeps the outer holder’s lock when an inner holder in the same process releases', async () => {
    const paths = dataPaths(dir);
    const releaseRuntime = await acquireLock(paths, { kind: 'runtime', httpUrl: 'http://127.0.0.1:1' });
    const releaseCli = await acquireLock(paths, { kind: 'cli' });
    expect((await lockOf())?.kind).toBe('runtime');
    await releaseCli();
    expect(await lockOf()).toMatchObject({ kind: 'runtime', pid: process.pid, httpUrl: 'http://127.0.0.1:1' });
    await releaseRuntime();
    expect(await lockOf()).toBeUndefined();
  });

  it('takes and releases the lock when no one holds it', async () => {
    const paths = dataPaths(dir);
    const release = await acquireLock(paths, { kind: 'cli' });
    expect((await lockOf())?.kind).toBe('cli');
    await release();
    expect(await lockOf()).toBeUndefined();
  });
});
