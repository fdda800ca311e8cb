/**
 * The data directory holds every case, raw mails, the outbox, the archive and the signing keys: the personal data
 * of complainants (art. 13: a confidential complainant's identity must not leak; art. 21: officials who disclose it
 * are liable). So it is the owner's alone: folders 0700, files 0600, and nothing in it readable by group or others.
 *
 * - `privateUmask()` sets the process umask to 077, so that every file and folder created afterwards (also those a
 *   library creates: LevelDB's files, log streams) is private even where no mode is passed.
 * - `securePrivateDir()` runs at each start. A data directory that others can read is
 *   - made private, with a notice, when everything in it is tousu's own (an empty folder an administrator made with
 *     `mkdir`, or a data directory of an older version): the owner's bits are kept, group and other bits removed,
 *     recursively;
 *   - refused, with a clear message, when it also holds other things (`--data-dir ~` or a shared folder): changing
 *     the permissions of someone's home or shared folder is not ours to decide.
 *   Inside a private directory, each of tousu's own top-level entries that others could read is made private (all the
 *   way down), with a notice.
 */
import { chmod, lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Sets the process umask to 077 (new files at most 0600, folders 0700). Not possible in a worker thread. */
export function privateUmask(): void {
  process.umask(0o077);
}

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;

/** Removes group and other bits from `path` and, for a folder, from everything under it (symbolic links are left). */
async function tighten(path: string): Promise<number> {
  const st = await lstat(path);
  if (st.isSymbolicLink()) return 0;
  let changed = 0;
  if ((st.mode & 0o077) !== 0) {
    await chmod(path, st.mode & 0o700);
    changed += 1;
  }
  if (st.isDirectory()) for (const name of await readdir(path)) changed += await tighten(join(path, name));
  return changed;
}

export class DataDirNotPrivateError extends Error {
  override readonly name = 'DataDirNotPrivateError';
  constructor(
    readonly root: string,
    readonly mode: number,
    readonly foreign: string[],
  ) {
    super(
      `数据目录 ${root} 的权限为 ${octal(mode)}，本机其他用户可以读取其中的投诉件和个人信息；该目录中还有不属于 tousu 的内容（${foreign.slice(0, 5).join('、')}${foreign.length > 5 ? ' 等' : ''}），因此不自动修改权限。请执行 chmod 700 ${root} 后再启动，或用 --data-dir 指定一个只供 tousu 使用的目录。 (data directory is readable by other users)`,
    );
  }
}

/**
 * Makes the existing folder `root` private as described in the module comment. `own(name)` says whether a top-level
 * entry is one tousu creates. Returns the notices to show (Chinese, for the administrator); throws
 * DataDirNotPrivateError when the folder is open to others and holds foreign entries.
 */
export async function securePrivateDir(root: string, own: (name: string) => boolean): Promise<string[]> {
  const { mode } = await stat(root);
  const entries = await readdir(root);
  if ((mode & 0o077) !== 0) {
    const foreign = entries.filter((name) => !own(name));
    if (foreign.length > 0) throw new DataDirNotPrivateError(root, mode, foreign);
    await chmod(root, (mode & 0o700) | PRIVATE_DIR_MODE);
    let changed = 0;
    for (const name of entries) changed += await tighten(join(root, name));
    return [`数据目录 ${root} 原权限为 ${octal(mode)}（本机其他用户可读），已改为 0700${changed > 0 ? `，其中 ${changed} 个文件和目录已改为仅所有者可读写` : ''}。 (data directory made private)`];
  }
  // Only the top-level entries are looked at on every start (a walk of every blob would cost start-up time); an
  // open one is made private all the way down.
  const notes: string[] = [];
  for (const name of entries.filter(own)) {
    const entry = await lstat(join(root, name));
    if (entry.isSymbolicLink() || (entry.mode & 0o077) === 0) continue;
    const changed = await tighten(join(root, name));
    if (changed > 0) notes.push(`数据目录中的 ${name} 曾对其他用户可读，已改为仅所有者可读写（${changed} 项）。 (made private)`);
  }
  return notes;
}
