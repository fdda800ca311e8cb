/**
 * The data directory is the owner's alone (infra/local/private-dir.ts, runtime.ts checkDataDir): created 0700;
 * an existing one that others can read is made private with a notice when it holds only tousu's files, and refused
 * with a clear message (and left as it was) when it holds anything else; files written by the runtime are 0600.
 */
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { checkDataDir, dataPaths, RuntimeStartError, startRuntime } from '../../infra/local/runtime';
import { writeFileAtomic } from '../../infra/local/atomic-file';

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe('private data directory', () => {
  let parent: string;
  const umask = process.umask();

  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'tousu-private-'));
    // What an administrator's shell gives: new files 0644, new folders 0755.
    process.umask(0o022);
  });
  afterEach(async () => {
    process.umask(umask);
    await rm(parent, { recursive: true, force: true });
  });

  it('creates a missing data directory 0700 and sets the umask to 077 for what follows', async () => {
    const paths = dataPaths(join(parent, 'new', 'data'));
    expect(await checkDataDir(paths)).toEqual([]);
    expect(await modeOf(paths.root)).toBe(0o700);
    expect(process.umask()).toBe(0o077);
    await writeFile(join(paths.root, 'written-later'), 'x');
    expect(await modeOf(join(paths.root, 'written-later'))).toBe(0o600);
  });

  it('makes a 0755 directory holding only tousu files private, all the way down, and says so', async () => {
    const paths = dataPaths(join(parent, 'data'));
    await mkdir(join(paths.outbox), { recursive: true, mode: 0o755 });
    await chmod(paths.root, 0o755);
    await writeFile(paths.instance, '{"jurisdiction":"510903"}', { mode: 0o644 });
    await writeFile(join(paths.outbox, 'a.eml'), 'raw', { mode: 0o644 });
    await writeFile(join(paths.outbox, 'run.sh'), 'raw', { mode: 0o755 });

    const notes = await checkDataDir(paths);

    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('原权限为 0755');
    expect(notes[0]).toContain('已改为 0700');
    expect(await modeOf(paths.root)).toBe(0o700);
    expect(await modeOf(paths.outbox)).toBe(0o700);
    expect(await modeOf(paths.instance)).toBe(0o600);
    expect(await modeOf(join(paths.outbox, 'a.eml'))).toBe(0o600);
    expect(await modeOf(join(paths.outbox, 'run.sh'))).toBe(0o700); // the owner's bits are kept
  });

  it('refuses a group- or world-readable directory that also holds other things, and changes nothing', async () => {
    for (const mode of [0o755, 0o750]) {
      process.umask(0o022); // checkDataDir set 077 in the round before
      const root = join(parent, `home-${mode.toString(8)}`);
      await mkdir(root);
      await chmod(root, mode);
      await writeFile(join(root, '.bashrc'), '# not ours', { mode: 0o644 });
      await writeFile(join(root, 'instance.json'), '{}', { mode: 0o644 });

      const failure = await checkDataDir(dataPaths(root)).catch((e: unknown) => e);

      expect(failure).toBeInstanceOf(RuntimeStartError);
      expect(failure).toMatchObject({ code: 'data_dir_not_private' });
      expect((failure as Error).message).toContain(`权限为 0${mode.toString(8)}`);
      expect((failure as Error).message).toContain('.bashrc');
      expect((failure as Error).message).toContain(`chmod 700 ${root}`);
      expect(await modeOf(root)).toBe(mode);
      expect(await modeOf(join(root, 'instance.json'))).toBe(0o644);
    }
  });

  it('tousu start refuses it too, before it takes the lock or opens the store', async () => {
    const root = join(parent, 'shared');
    await mkdir(root);
    await chmod(root, 0o755);
    await writeFile(join(root, 'notes.txt'), 'someone else', { mode: 0o644 });
    await expect(startRuntime({ dataDir: root, port: 0, smtpPort: 0, quiet: true })).rejects.toMatchObject({ code: 'data_dir_not_private' });
    expect((await readdir(root)).sort()).toEqual(['notes.txt']);
  });

  it('leaves foreign files in a private directory alone, and makes an open tousu folder in it private', async () => {
    const paths = dataPaths(join(parent, 'data'));
    await mkdir(paths.root, { mode: 0o700 });
    await chmod(paths.root, 0o700);
    await writeFile(join(paths.root, 'README'), 'kept as it is', { mode: 0o644 });
    await mkdir(paths.logs);
    await chmod(paths.logs, 0o755);
    await writeFile(paths.logFile, '{}\n', { mode: 0o644 });

    const notes = await checkDataDir(paths);

    expect(notes).toEqual([expect.stringContaining('logs')]);
    expect(await modeOf(paths.logs)).toBe(0o700);
    expect(await modeOf(paths.logFile)).toBe(0o600);
    expect(await modeOf(join(paths.root, 'README'))).toBe(0o644);
    expect(await checkDataDir(paths)).toEqual([]); // nothing left to say on the next start
  });

  it('puts the admin socket in a private temporary folder when the data directory path is too long for a socket', async () => {
    const dir = join(parent, 'a-long-folder-name-'.repeat(6));
    const rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, quiet: true, reconcileEveryMs: 0 });
    let socketDir: string;
    try {
      expect(Buffer.byteLength(join(dir, 'admin.sock'))).toBeGreaterThan(107);
      socketDir = dirname(rt.adminSocket);
      expect(socketDir.startsWith(join(tmpdir(), 'tousu-admin-'))).toBe(true);
      expect(await modeOf(socketDir)).toBe(0o700);
      expect(await modeOf(rt.adminSocket)).toBe(0o600);
      expect(JSON.parse(await readFile(join(dir, 'runtime.json'), 'utf8'))).toMatchObject({ adminSocket: rt.adminSocket });
      // (The CLI's adminRequest skips a lock of its own process; ask the socket directly, with the key.)
      const key = (await readFile(join(dir, 'secrets', 'admin.key'), 'utf8')).trim();
      const status = await new Promise<number | undefined>((resolve, reject) =>
        request({ socketPath: rt.adminSocket, path: '/admin/status', headers: { 'x-tousu-admin-key': key } }, (res) => {
          res.resume();
          resolve(res.statusCode);
        })
          .on('error', reject)
          .end(),
      );
      expect(status).toBe(200);
    } finally {
      await rt.stop();
    }
    await expect(stat(socketDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('writes files 0600 by default (the one atomic writer of the runtime)', async () => {
    const file = join(parent, 'x.json');
    await writeFileAtomic(file, '{}');
    expect(await modeOf(file)).toBe(0o600);
  });
});
