/**
 * LetterReviewStore on files: `<dir>/<id>/letter.json` and the letter's scans beside it, written atomically,
 * private (0700/0600) like everything in the data dir. Ids are checked to stay inside `dir`.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { LetterReviewStore, PendingLetter } from '../../shared/ports/letter-review';
import { writeFileAtomic } from './atomic-file';
import { PRIVATE_DIR_MODE } from './private-dir';

const SAFE = /^[\p{L}\p{N}_.-]{1,200}$/u;

export class FileLetterReviewStore implements LetterReviewStore {
  constructor(private readonly dir: string) {}

  private path(id: string, name = 'letter.json'): string {
    if (!SAFE.test(id) || id.startsWith('.') || !SAFE.test(name) || name.startsWith('.')) throw new Error(`invalid review id or file name: ${JSON.stringify(id)} ${JSON.stringify(name)}`);
    const p = resolve(this.dir, id, name);
    if (!p.startsWith(resolve(this.dir) + sep)) throw new Error('review path escapes its folder');
    return p;
  }

  async put(letter: PendingLetter, scans: { name: string; bytes: Uint8Array }[]): Promise<void> {
    await mkdir(join(this.dir, letter.id), { recursive: true, mode: PRIVATE_DIR_MODE });
    for (const s of scans) await writeFileAtomic(this.path(letter.id, s.name), s.bytes, { durable: true });
    await writeFileAtomic(this.path(letter.id), JSON.stringify(letter, null, 2) + '\n', { durable: true });
  }

  async update(letter: PendingLetter): Promise<void> {
    await writeFileAtomic(this.path(letter.id), JSON.stringify(letter, null, 2) + '\n', { durable: true });
  }

  async get(id: string): Promise<PendingLetter | undefined> {
    try {
      return JSON.parse(await readFile(this.path(id), 'utf8')) as PendingLetter;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async list(): Promise<PendingLetter[]> {
    const ids = await readdir(this.dir).catch(() => [] as string[]);
    const out: PendingLetter[] = [];
    for (const id of ids.sort()) {
      if (!SAFE.test(id) || id.startsWith('.')) continue;
      const l = await this.get(id);
      if (l) out.push(l);
    }
    return out;
  }

  async scan(id: string, name: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.path(id, name)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }
}
