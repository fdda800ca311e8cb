import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

function tousu(args: string[], tz: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, TZ: tz };
  delete env.NODE_OPTIONS;
  const r = spawnSync(process.execPath, ['bin/tousu.js', ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tousu calendar (spawned, as a user runs it)', () => {
  const zones = ['America/Los_Angeles', 'UTC', 'Asia/Shanghai'];

  it('国办发明电〔2022〕16号: due --from 2023-09-28T17:00:00+08:00 --days 3 prints 2023-10-09 in every process zone', () => {
    for (const tz of zones) {
      const r = tousu(['calendar', 'due', '--from', '2023-09-28T17:00:00+08:00', '--days', '3'], tz);
      expect({ tz, code: r.code, out: r.stdout }).toEqual({ tz, code: 0, out: '2023-10-09\n' });
    }
  });

  it('国办发明电〔2023〕7号: --json gives the same document under UTC and Los Angeles, for an instant near UTC midnight', () => {
    const args = ['calendar', 'due', '--from', '2024-02-08T16:30:00Z', '--days', '1', '--json'];
    const [a, b] = [tousu(args, 'UTC'), tousu(args, 'America/Los_Angeles')];
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const doc = JSON.parse(a.stdout);
    expect(doc).toMatchObject({ due: '2024-02-18T23:59:59+08:00', dueDate: '2024-02-18', fromDate: '2024-02-09', days: 1 });
    expect(doc.calendarSources[0]).toMatchObject({ year: 2024 });
    expect(doc.calendarSources[0].source).toContain('国办发明电〔2023〕7号');
  });

  it('a year without data exits 2 naming the year; an administrator file for it makes it work', () => {
    const args = ['calendar', 'due', '--from', '2026-12-30T10:00:00+08:00', '--days', '3'];
    const r = tousu(args, 'UTC');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('2027');
    const dir = mkdtempSync(join(tmpdir(), 'tousu-cal-cli-'));
    try {
      writeFileSync(join(dir, '2027.json'), JSON.stringify({ year: 2027, source: '测试用虚构数据（非国务院办公厅通知）', holidays: ['2027-01-01'], workdays: [] }));
      const ok = tousu([...args, '--calendar-dir', dir], 'America/Los_Angeles');
      expect({ code: ok.code, out: ok.stdout }).toEqual({ code: 0, out: '2027-01-05\n' }); // 12/31 #1; 1/1 off; 1/2–1/3 weekend; 1/4 #2; 1/5 #3
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bad --from or --days exits 2 with a Chinese message', () => {
    for (const args of [
      ['--from', '2023-09-28T17:00:00', '--days', '3'],
      ['--from', 'yesterday', '--days', '3'],
      ['--from', '2023-09-28T17:00:00+08:00', '--days', '-1'],
      ['--from', '2023-09-28T17:00:00+08:00', '--days', 'three'],
    ]) {
      const r = tousu(['calendar', 'due', ...args], 'UTC');
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(/无效|应为/);
    }
  });

  it('国办发明电〔2025〕7号: is-workday prints true for Saturday 2026-02-14 and false for 2026-02-16', () => {
    expect(tousu(['calendar', 'is-workday', '2026-02-14'], 'America/Los_Angeles').stdout).toBe('true\n');
    expect(tousu(['calendar', 'is-workday', '2026-02-16'], 'UTC').stdout).toBe('false\n');
    const bad = tousu(['calendar', 'is-workday', '2026-02-30'], 'UTC');
    expect(bad.code).toBe(2);
  });

  it('every calendar command has --help', () => {
    for (const cmd of [['calendar'], ['calendar', 'due'], ['calendar', 'is-workday'], ['calendar', 'years']]) {
      const r = tousu([...cmd, '--help'], 'UTC');
      expect({ cmd, code: r.code }).toEqual({ cmd, code: 0 });
      expect(r.stdout).toContain('Usage: tousu calendar');
    }
  });
});
