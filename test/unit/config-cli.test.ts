import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SUINING_2023 } from '../../shared/domain/rules';

const ROOT = resolve(import.meta.dirname, '../..');

function tousu(args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS;
  const r = spawnSync(process.execPath, ['bin/tousu.js', ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tousu config validate (spawned, as an administrator runs it)', () => {
  it('accepts every shipped jurisdiction and warns, exit code 0, that suining-2023 has lapsed and keeps applying', () => {
    const r = tousu(['config', 'validate']);
    expect(r.code).toBe(0);
    for (const code of ['510900', '510900-JK', '510903', '510904', '510921', '510923', '510981']) {
      expect(r.stdout).toContain(`✔ config/jurisdictions/${code}.json`);
    }
    expect(r.stdout).not.toContain('✘');
    expect(r.stderr).toContain('警告：规则版本 suining-2023');
    expect(r.stderr).toContain('2025-09-30 届满');
    expect(r.stderr).toContain('config/rules/');
  });

  it('checks a runtime tousu.config.json (evidence caps, limits, hand-over) and a deploy file, naming each bad field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tousu-cfg-'));
    const good = join(dir, 'tousu.config.json');
    writeFileSync(good, JSON.stringify({ jurisdiction: '510903', limits: { sizes: { evidence: { maxFiles: 3, maxFileBytes: 2097152, maxTotalBytes: 3145728 } } } }));
    const ok = tousu(['config', 'validate', good]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('证明材料最多 3 个文件，每个 ≤ 2097152 字节，合计 ≤ 3145728 字节');
    const badDir = mkdtempSync(join(tmpdir(), 'tousu-cfg-'));
    const bad = join(badDir, 'tousu.config.json');
    writeFileSync(
      bad,
      JSON.stringify({
        limits: { sizes: { evidence: { maxFiles: 0, maxFileBytes: 8388608 } } },
        handover: { peers: [{ jurisdiction: '510921', url: 'ftp://x', keys: [{ id: 'k', secret: 'short' }], signWith: 'k' }] },
        smtp: { maxClients: 0 },
        intakeBacklog: { maxBusyExecutions: 0 },
      }),
    );
    const r = tousu(['config', 'validate', bad]);
    expect(r.code).toBe(2);
    for (const path of [
      'limits.sizes.evidence.maxFiles',
      'limits.sizes.evidence.maxFileBytes',
      'handover.peers.0.url',
      'handover.peers.0.keys.0.secret',
      'smtp.maxClients',
      'intakeBacklog.maxBusyExecutions',
    ])
      expect(r.stdout).toContain(path);
    const deployDir = join(mkdtempSync(join(tmpdir(), 'tousu-cfg-')), 'deploy');
    mkdirSync(deployDir);
    const deploy = join(deployDir, '510903.json');
    writeFileSync(deploy, JSON.stringify({ api: { limits: { sizes: { evidence: { maxTotalBytes: 6291456, maxFileBytes: 6291456, maxRequestBytes: 7340032 } } } } }));
    const d = tousu(['config', 'validate', deploy]);
    expect(d.code).toBe(2);
    expect(d.stdout).toContain('api.limits.sizes.evidence.maxRequestBytes');
  });

  it('exits 2 on a broken file and prints every problem with its path and line', () => {
    const r = tousu(['config', 'validate', 'test/fixtures/config/broken-jurisdiction.json', 'test/fixtures/config/bad-syntax.json']);
    expect(r.code).toBe(2);
    for (const path of [
      'agency.leader（第 6 行',
      'departments.2.forwardingAdresses',
      'departments.3.chiefRepresentative.email（第 118 行第 9 列）：邮箱地址格式不正确',
      'departments.4.aliases',
      'departments.5.code',
      '（第 5 行第 3 列）：JSON 语法错误',
    ]) {
      expect(r.stdout).toContain(path);
    }
    expect(r.stderr).toContain('2 个文件有错误');
  });

  it('--json prints a machine-readable result; no lapse warning on a date inside the validity', () => {
    const r = tousu(['config', 'validate', 'test/fixtures/config/broken-jurisdiction.json', 'config/jurisdictions/510903.json', '--json', '--date', '2024-05-06']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.date).toBe('2024-05-06');
    expect(doc.rules).toMatchObject({ inForce: 'suining-2023', lapsed: false });
    expect(doc.warnings).toEqual([]);
    expect(doc.files.map((f: { ok: boolean }) => f.ok)).toEqual([false, true]);
    expect(doc.files[0].problems.map((p: { path: string }) => p.path)).toContain('departments.3.chiefRepresentative.email');
    expect(r.stderr).not.toContain('规则版本');
  });

  it('picks up a successor registered in a rules directory and stops warning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tousu-rules-cli-'));
    const successor = { ...SUINING_2023, id: 'suining-2025', title: '测试用后续版本', effectiveFrom: '2025-10-01', validUntil: '2027-09-30' };
    writeFileSync(join(dir, 'suining-2025.json'), JSON.stringify(successor, null, 2));
    const r = tousu(['config', 'validate', '--rules-dir', dir, '--date', '2026-03-02', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.rules).toMatchObject({ inForce: 'suining-2025', lapsed: false });
    expect(doc.warnings.join()).not.toContain('规则版本');
  });

  it('checks the duplicate bands of a jurisdiction (issue 22): thresholds in range, 可能重复 below automatic merging', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tousu-dup-bands-'));
    const base = JSON.parse(readFileSync(join(ROOT, 'config/jurisdictions/510903.json'), 'utf8')) as Record<string, unknown>;
    const write = (name: string, duplicateMatching: unknown) => {
      const file = join(dir, name);
      writeFileSync(file, JSON.stringify({ ...base, duplicateMatching }, null, 2));
      return file;
    };
    const good = tousu(['config', 'validate', write('good.json', { autoScore: 0.8, possibleScore: 0.55, maxPossible: 3 })]);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('✔');
    // possibleScore alone above the default automatic threshold (0.65), a score above 1, more listed than compared.
    const bad = tousu(['config', 'validate', write('above.json', { possibleScore: 0.7 }), write('range.json', { autoScore: 1.2 }), write('list.json', { maxCandidates: 3, maxPossible: 5 })]);
    expect(bad.code).toBe(2);
    expect(bad.stdout + bad.stderr).toContain('duplicateMatching.possibleScore');
    expect(bad.stdout + bad.stderr).toContain('可能重复的阈值 possibleScore 须低于自动合并阈值 autoScore');
    expect(bad.stdout + bad.stderr).toContain('duplicateMatching.autoScore');
    expect(bad.stdout + bad.stderr).toContain('duplicateMatching.maxPossible');
  });

  it('checks the OCR confidence threshold of a jurisdiction: a number from 0.5 to 1, nothing else under letterReading', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tousu-ocr-threshold-'));
    const base = JSON.parse(readFileSync(join(ROOT, 'config/jurisdictions/510903.json'), 'utf8')) as Record<string, unknown>;
    const write = (name: string, letterReading: unknown) => {
      const file = join(dir, name);
      writeFileSync(file, JSON.stringify({ ...base, letterReading }, null, 2));
      return file;
    };
    expect(tousu(['config', 'validate', write('good.json', { confidenceThreshold: 0.95 })]).code).toBe(0);
    for (const [name, value, words] of [
      ['low.json', { confidenceThreshold: 0.3 }, '识别置信度阈值不能低于 0.5'],
      ['high.json', { confidenceThreshold: 1.5 }, '识别置信度阈值不能超过 1'],
      ['text.json', { confidenceThreshold: '0.9' }, '识别置信度阈值应为数字'],
      ['typo.json', { confidenceTreshold: 0.9 }, 'confidenceTreshold'],
    ] as const) {
      const r = tousu(['config', 'validate', write(name, value)]);
      expect([name, r.code]).toEqual([name, 2]);
      expect(r.stdout + r.stderr).toContain('letterReading');
      expect(r.stdout + r.stderr).toContain(words);
    }
  });

  it('has --help', () => {
    const r = tousu(['config', 'validate', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--json');
  });
});
