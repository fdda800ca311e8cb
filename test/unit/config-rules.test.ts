import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../shared/domain/errors';
import { RulesRegistry, SUINING_2023 } from '../../shared/domain/rules';
import { loadRulesRegistry, rulesStatus, validateRulesDir } from '../../shared/config/load';
import { shanghaiDate } from '../../shared/domain/calendar';

const SUCCESSOR = {
  ...SUINING_2023,
  id: 'suining-2025',
  title: '遂宁市政务服务投诉处理办法（测试用后续版本）',
  source: '测试数据，非真实文件',
  effectiveFrom: '2025-10-01',
  validUntil: '2027-09-30',
  deadlines: { ...SUINING_2023.deadlines, transferResultWorkingDays: 5 },
};

function rulesDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tousu-rules-'));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

describe('rules lapse warning', () => {
  it('warns today: suining-2023 lapsed on 2025-09-30 and no successor is registered, so it keeps applying', () => {
    const today = shanghaiDate(new Date());
    const status = rulesStatus(loadRulesRegistry(), today);
    expect(status.inForce.id).toBe('suining-2023');
    expect(status.lapsed).toBe(true);
    expect(status.warnings).toHaveLength(1);
    expect(status.warnings[0]).toContain('2025-09-30 届满');
    expect(status.warnings[0]).toContain('继续适用');
    expect(status.warnings[0]).toContain('config/rules/');
  });

  it('does not warn inside the validity of a registered successor', () => {
    const registry = new RulesRegistry([SUINING_2023, SUCCESSOR]);
    const status = rulesStatus(registry, '2026-06-01');
    expect(status.inForce.id).toBe('suining-2025');
    expect(status.lapsed).toBe(false);
    expect(status.warnings).toEqual([]);
  });

  it('does not warn well inside the validity of suining-2023', () => {
    expect(rulesStatus(new RulesRegistry(), '2024-05-01').warnings).toEqual([]);
  });

  it('gives notice in the last 60 days before the validity ends without a successor', () => {
    const status = rulesStatus(new RulesRegistry(), '2025-08-15');
    expect(status.lapsed).toBe(false);
    expect(status.warnings[0]).toContain('还有 46 天');
  });

  it('names a successor registered for a later date during the gap', () => {
    const late = { ...SUCCESSOR, effectiveFrom: '2026-01-01' };
    const status = rulesStatus(new RulesRegistry([SUINING_2023, late]), '2025-11-03');
    expect(status.inForce.id).toBe('suining-2023');
    expect(status.lapsed).toBe(true);
    expect(status.next?.id).toBe('suining-2025');
    expect(status.warnings[0]).toContain('suining-2025 自 2026-01-01 起施行');
  });
});

describe('loadRulesRegistry', () => {
  it('holds only suining-2023 when the directory is absent or empty', () => {
    expect(
      loadRulesRegistry(join(tmpdir(), 'tousu-no-such-dir'))
        .all()
        .map((v) => v.id),
    ).toEqual(['suining-2023']);
    expect(
      loadRulesRegistry(rulesDir({}))
        .all()
        .map((v) => v.id),
    ).toEqual(['suining-2023']);
  });

  it('picks up a successor file and binds by date of receipt', () => {
    const registry = loadRulesRegistry(rulesDir({ 'suining-2025.json': SUCCESSOR }));
    expect(registry.all().map((v) => v.id)).toEqual(['suining-2023', 'suining-2025']);
    expect(registry.inForceOn('2025-09-30').version.id).toBe('suining-2023');
    expect(registry.inForceOn('2025-10-01').version.deadlines.transferResultWorkingDays).toBe(5);
    expect(rulesStatus(registry, '2026-11-27').warnings).toEqual([]);
  });

  it('refuses a file that reuses the id of the built-in version', () => {
    const dir = rulesDir({ 'suining-2023.json': { ...SUCCESSOR, id: 'suining-2023' } });
    expect(() => loadRulesRegistry(dir)).toThrow(ConfigError);
    expect(() => loadRulesRegistry(dir)).toThrow(/suining-2023\.json#id/);
  });

  it('lists every problem of a broken successor with its path', () => {
    const { terminationReasons, ...rest } = SUCCESSOR;
    const broken = {
      ...rest,
      effectiveFrom: '2025-13-01',
      deadlines: { ...SUCCESSOR.deadlines, dispatchWorkingDays: 0 },
      terminationReasons: { 'art19-1': terminationReasons['art19-1'] },
      extra: true,
    };
    const result = validateRulesDir(rulesDir({ 'suining-2025.json': broken }));
    const file = result.files[0]!;
    expect(file.ok).toBe(false);
    expect(file.problems.map((p) => p.path).sort()).toEqual(['deadlines.dispatchWorkingDays', 'effectiveFrom', 'extra']);
    expect(result.registry.all().map((v) => v.id)).toEqual(['suining-2023']);

    const missingCodes = validateRulesDir(rulesDir({ 'suining-2025.json': { ...rest, terminationReasons: { 'art19-1': terminationReasons['art19-1'] } } }));
    expect(missingCodes.files[0]!.problems.map((p) => p.path)).toEqual(['terminationReasons.art19-2', 'terminationReasons.art19-3', 'terminationReasons.art19-4']);
  });

  it('reports a syntax error in a rules file with its position', () => {
    const result = validateRulesDir(rulesDir({ 'suining-2025.json': '{\n  "id": "suining-2025"\n  "title": "x"\n}' }));
    expect(result.files[0]!.problems).toEqual([{ path: '', message: 'JSON 语法错误：此处缺少逗号“,”', line: 3, column: 3 }]);
  });
});
