import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { askYesNo } from '../../infra/cli/commands/calendar-import';
import { packageYears, PACKAGE_YEAR_SOURCES, readChineseDaysData } from '../../shared/calendar/load';
import { importNoticeText } from '../../shared/calendar/notice-import';

const ROOT = resolve(import.meta.dirname, '../..');
const NOTICES = join(ROOT, 'test/fixtures/calendar/notices');

function tousu(args: string[], tz: string, input?: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, TZ: tz };
  delete env.NODE_OPTIONS;
  const r = spawnSync(process.execPath, ['bin/tousu.js', ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 60000, ...(input !== undefined ? { input } : {}) });
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

  it("honours the jurisdiction's calendarOverrides (a county's local day off), as the runtime and the Lambdas do", () => {
    const dir = mkdtempSync(join(tmpdir(), 'tousu-cal-jur-'));
    try {
      const config = JSON.parse(readFileSync(join(ROOT, 'config/jurisdictions/510903.json'), 'utf8')) as Record<string, unknown>;
      writeFileSync(join(dir, '510903.json'), JSON.stringify({ ...config, calendarOverrides: [{ date: '2026-09-29', workday: false, source: '某县临时调整（测试）' }] }));
      const jur = ['--jurisdiction', '510903', '--jurisdiction-dir', dir];
      expect(tousu(['calendar', 'is-workday', '2026-09-29'], 'UTC').stdout).toBe('true\n');
      const off = tousu(['calendar', 'is-workday', '2026-09-29', '--json', ...jur], 'UTC');
      expect(off.code).toBe(0);
      expect(JSON.parse(off.stdout)).toMatchObject({ date: '2026-09-29', workday: false });
      expect(off.stdout).toContain('某县临时调整（测试）');
      const due = ['calendar', 'due', '--from', '2026-09-28T10:00:00+08:00', '--days', '1'];
      expect(tousu(due, 'UTC').stdout).toBe('2026-09-29\n');
      expect(tousu([...due, ...jur], 'UTC').stdout).toBe('2026-09-30\n');
      const unknown = tousu([...due, '--jurisdiction', '999999', '--jurisdiction-dir', dir], 'UTC');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('999999');
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
    for (const cmd of [['calendar'], ['calendar', 'due'], ['calendar', 'is-workday'], ['calendar', 'years'], ['calendar', 'import']]) {
      const r = tousu([...cmd, '--help'], 'UTC');
      expect({ cmd, code: r.code }).toEqual({ cmd, code: 0 });
      expect(r.stdout).toContain('Usage: tousu calendar');
    }
  });
});

describe('tousu calendar import (spawned, as an administrator runs it)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tousu-cal-import-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const n2026 = join(NOTICES, '2026.txt');
  const url2026 = PACKAGE_YEAR_SOURCES[2026]!.split(' ')[1]!;

  it('国办发明电〔2025〕7号: --dry-run shows every paragraph with weekdays and counts, writes nothing', () => {
    const r = tousu(['calendar', 'import', n2026, '--dry-run', '--calendar-dir', dir], 'UTC');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）');
    expect(r.stdout).toContain('二、春节\n    放假：2月15日（周日）至2月23日（周一），共9天\n    调休上班：2月14日（周六）、2月28日（周六）');
    expect(r.stdout).toContain('合计：放假 33 天，调休上班 6 天。');
    expect(r.stdout).toContain('与程序自带的 2026 年数据一致');
    expect(existsSync(join(dir, '2026.json'))).toBe(false);
  });

  it('without --yes and without a terminal it refuses (exit 2) and writes nothing; with --yes it writes the file the calendar then uses', () => {
    const refused = tousu(['calendar', 'import', n2026, '--calendar-dir', dir], 'UTC');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('标准输入不是终端');
    expect(refused.stderr).toContain('--yes');
    expect(existsSync(join(dir, '2026.json'))).toBe(false);

    const ok = tousu(['calendar', 'import', '-', '--yes', '--url', url2026, '--calendar-dir', dir], 'UTC', readFileSync(n2026, 'utf8'));
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`已写入 ${join(dir, '2026.json')}`);
    expect(ok.stdout).toContain('tousu calendar years');
    const written = JSON.parse(readFileSync(join(dir, '2026.json'), 'utf8'));
    expect(written).toEqual(packageYears(readChineseDaysData(), [2026])[0]);
    expect(tousu(['calendar', 'years', '--calendar-dir', dir], 'UTC').stdout).toContain(`2026\t${PACKAGE_YEAR_SOURCES[2026]}`);
  });

  it('an existing year file: identical is left alone; different is refused (exit 2, differences named) unless --force', () => {
    const first = tousu(['calendar', 'import', n2026, '--yes', '--calendar-dir', dir, '--json'], 'UTC');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ status: 'written', year: 2026, file: join(dir, '2026.json') });
    expect(JSON.parse(tousu(['calendar', 'import', n2026, '--yes', '--calendar-dir', dir, '--json'], 'UTC').stdout).status).toBe('unchanged');

    const before = readFileSync(join(dir, '2026.json'), 'utf8');
    const changed = readFileSync(n2026, 'utf8').replace('5月9日（周六）上班', '5月9日（周六）、4月26日（周日）上班');
    const refused = tousu(['calendar', 'import', '-', '--yes', '--calendar-dir', dir], 'UTC', changed);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain('与通知不同：调休上班日：新增 2026-04-26');
    expect(refused.stderr).toContain('--force');
    expect(readFileSync(join(dir, '2026.json'), 'utf8')).toBe(before);

    const forced = tousu(['calendar', 'import', '-', '--yes', '--force', '--calendar-dir', dir], 'UTC', changed);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('已替换');
    expect(JSON.parse(readFileSync(join(dir, '2026.json'), 'utf8')).workdays).toContain('2026-04-26');
  });

  it('a notice it cannot read exits 2 listing every problem with its code; bad options exit 2', () => {
    const bad = readFileSync(n2026, 'utf8').replace('共9天', '共8天').replace('1月4日（周日）', '1月4日（周一）');
    const r = tousu(['calendar', 'import', '-', '--yes', '--calendar-dir', dir], 'UTC', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('无法读取通知，未写入任何文件');
    expect(r.stderr).toContain('[weekday_mismatch]');
    expect(r.stderr).toContain('[count_mismatch]');
    expect(existsSync(join(dir, '2026.json'))).toBe(false);
    expect(tousu(['calendar', 'import', n2026, '--year', '2027', '--dry-run', '--calendar-dir', dir], 'UTC').stderr).toContain('[year_mismatch]');
    expect(tousu(['calendar', 'import', n2026, '--url', 'gov.cn/x', '--dry-run'], 'UTC').code).toBe(2);
    expect(tousu(['calendar', 'import', join(dir, 'missing.txt'), '--dry-run'], 'UTC').code).toBe(2);
    const noDir = tousu(['calendar', 'import', n2026, '--dry-run', '--calendar-dir', join(dir, 'nope')], 'UTC');
    expect({ code: noDir.code, err: noDir.stderr }).toEqual({ code: 2, err: expect.stringContaining('日历目录不存在') });
  });

  const hasScript = spawnSync('script', ['--version']).status === 0;
  (hasScript ? it : it.skip)('on a terminal it asks "确认写入 2026.json？(y/N)": y writes, anything else does not (exit 1)', () => {
    const onTty = (answer: string) => {
      const env: NodeJS.ProcessEnv = { ...process.env, TZ: 'UTC' };
      delete env.NODE_OPTIONS;
      const cmd = `${process.execPath} bin/tousu.js calendar import ${n2026} --calendar-dir ${dir}; echo "rc=$?"`;
      return spawnSync('script', ['-qfec', cmd, '/dev/null'], { cwd: ROOT, env, encoding: 'utf8', input: answer, timeout: 60000 }).stdout;
    };
    const no = onTty('n\n');
    expect(no).toContain('确认写入 2026.json？(y/N)');
    expect(no).toContain('已取消，未写入。');
    expect(no).toContain('rc=1');
    expect(existsSync(join(dir, '2026.json'))).toBe(false);
    const yes = onTty('y\n');
    expect(yes).toContain('rc=0');
    expect(existsSync(join(dir, '2026.json'))).toBe(true);
  });
});

describe('askYesNo and importNoticeText (in process)', () => {
  it('only y, yes or 是 is yes; end of input is no', async () => {
    const ask = async (typed: string | null) => {
      const input = new PassThrough();
      const output = new PassThrough();
      const answer = askYesNo('确认写入 2027.json？(y/N) ', input, output);
      if (typed === null) input.end();
      else input.write(typed);
      return answer;
    };
    expect(await ask('y\n')).toBe(true);
    expect(await ask(' YES \n')).toBe(true);
    expect(await ask('是\n')).toBe(true);
    expect(await ask('\n')).toBe(false);
    expect(await ask('n\n')).toBe(false);
    expect(await ask(null)).toBe(false);
  });

  it('compares the notice with the existing year file and with the shipped data, without writing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tousu-cal-import-'));
    try {
      const text = readFileSync(join(NOTICES, '2025.txt'), 'utf8');
      const fresh = importNoticeText(text, { calendarDir: dir });
      expect(fresh).toMatchObject({ year: 2025, file: join(dir, '2025.json'), shipped: { differences: [] } });
      expect(fresh.existingFile).toBeUndefined();
      writeFileSync(join(dir, '2025.json'), JSON.stringify({ ...fresh.data, workdays: ['2025-01-26'] }));
      expect(importNoticeText(text, { calendarDir: dir }).existingFile!.differences).toEqual([{ field: 'workdays', added: ['2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'], removed: [] }]);
      writeFileSync(join(dir, '2025.json'), '{');
      expect(importNoticeText(text, { calendarDir: dir }).existingFile!.problem).toContain('JSON');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
