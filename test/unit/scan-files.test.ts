/**
 * One resolver of the scans a row names (shared/intake/scan-files.ts), over both sources: S3 (an ObjectReader)
 * and a folder (the watched folder, the CLI). The same names give the same files and the same problems.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isBatchRelative, resolveScanFiles, scanNames } from '../../shared/intake/scan-files';
import { s3ScanFiles } from '../../shared/adapters/aws/s3-scan-files';
import { folderScanFiles } from '../../shared/adapters/local/folder-scan-files';
import type { ScanFileSource } from '../../shared/ports/scan-files';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('scan files of a batch: one resolver for S3, the folder watch and the CLI', () => {
  let dir: string;
  const sources: Record<string, () => ScanFileSource> = {};
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tousu-scans-'));
    mkdirSync(join(dir, 'pages'));
    writeFileSync(join(dir, 'a.png'), PNG);
    writeFileSync(join(dir, 'pages', 'b.png'), PNG);
    writeFileSync(join(tmpdir(), 'tousu-outside.png'), PNG);
    const objects = new Map([
      ['letters/b1/a.png', PNG],
      ['letters/b1/pages/b.png', PNG],
      ['letters/tousu-outside.png', PNG],
    ]);
    sources.s3 = () => s3ScanFiles({ get: async (_bucket, key) => (objects.has(key) ? { bytes: objects.get(key)! } : undefined) }, 'scans', 'letters/b1/');
    sources.folder = () => folderScanFiles(dir);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(tmpdir(), 'tousu-outside.png'), { force: true });
  });

  it('splits a file cell on ; and ；', () => {
    expect(scanNames(' a.png；pages/b.png; ;')).toEqual(['a.png', 'pages/b.png']);
    expect(scanNames(undefined)).toEqual([]);
  });

  it.each(['../x.png', 'pages/../../x.png', '/etc/passwd', '\\\\host\\x.png', 'C:\\x.png', 'a\0.png'])('refuses %j before reading anything', (name) => {
    expect(isBatchRelative(name)).toBe(false);
  });

  for (const kind of ['s3', 'folder']) {
    it(`${kind}: reads every named scan, a sub-folder included, under its last segment`, async () => {
      const { files, problems } = await resolveScanFiles(['a.png', 'pages/b.png'], sources[kind]!());
      expect(problems).toEqual([]);
      expect(files.map((f) => [f.name, f.filename, f.bytes.byteLength])).toEqual([
        ['a.png', 'a.png', 8],
        ['pages/b.png', 'b.png', 8],
      ]);
    });

    it(`${kind}: names every missing scan in one problem`, async () => {
      const { files, problems } = await resolveScanFiles(['a.png', 'gone.png', 'pages/also-gone.png'], sources[kind]!());
      expect(files).toEqual([]);
      expect(problems).toEqual([{ field: 'file', code: 'scan_missing', message: '找不到扫描件：gone.png、pages/also-gone.png。' }]);
    });

    it(`${kind}: a name that leaves the batch is refused, though the file exists there`, async () => {
      const { problems } = await resolveScanFiles(['../tousu-outside.png'], sources[kind]!());
      expect(problems).toEqual([{ field: 'file', code: 'invalid_path', message: expect.stringContaining('../tousu-outside.png') }]);
    });
  }

  it('an S3 scan carries its object reference for the evidence record', async () => {
    const { files } = await resolveScanFiles(['pages/b.png'], sources.s3!());
    expect(files[0]?.ref).toBe('s3://scans/letters/b1/pages/b.png');
  });

  it('the folder source itself reads nothing outside its folder', async () => {
    expect(await folderScanFiles(dir).read('../tousu-outside.png')).toBeUndefined();
  });
});
