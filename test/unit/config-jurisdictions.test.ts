import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../shared/domain/errors';
import { RulesRegistry, SUINING_2023 } from '../../shared/domain/rules';
import { listJurisdictions, loadJurisdiction, validateJurisdictionFile } from '../../shared/config/load';
import { isTrustedForwarder } from '../../shared/domain/jurisdiction';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = resolve(here, '../fixtures/config');
const SHIPPED = ['510900', '510900-JK', '510903', '510904', '510921', '510923', '510981'];

describe('shipped jurisdiction configurations', () => {
  const listed = listJurisdictions();

  it('ships the city, its districts and counties, and the park', () => {
    expect(listed.map((j) => j.code).sort()).toEqual([...SHIPPED].sort());
  });

  it.each(SHIPPED)('%s validates with no problem and no warning', (code) => {
    const file = listed.find((j) => j.code === code)!.file;
    const result = validateJurisdictionFile(file, { registry: new RulesRegistry() });
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it.each(SHIPPED)('%s has a realistic directory: 20 to 32 units, a leader, example mail domains only', (code) => {
    const c = loadJurisdiction(code);
    expect(c.code).toBe(code);
    expect(c.departments.length).toBeGreaterThanOrEqual(20);
    expect(c.departments.length).toBeLessThanOrEqual(32);
    expect(c.agency.leader.email).toMatch(/@/);
    expect(c.referral.note).toContain('12345');
    const addresses = JSON.stringify(c).match(/[\w.+-]+@[\w.-]+/g) ?? [];
    expect(addresses.length).toBeGreaterThan(30);
    for (const a of addresses) expect(a).toMatch(/@([\w-]+\.)*example\.(gov\.)?cn$/);
    // Taxation is vertically managed: never a unit of this level, and the directory says why.
    const tax = c.departments.find((d) => d.code === 'SWJ')!;
    expect(tax.belongsToThisLevel).toBe(false);
    expect(tax.note).toContain('税务');
    expect(c.departments.some((d) => d.code === 'GJJ')).toBe(true);
  });

  it.each(SHIPPED)('%s knows every unit a county has (issue 15): public security, 城管, emergency, farming, water, utilities, townships', (code) => {
    const c = loadJurisdiction(code);
    const all = c.departments.map((d) => [d.name, ...d.aliases].join(' ')).join('\n');
    for (const word of ['综合行政执法局', '应急管理局', '农业农村局', '水利局', '退役军人事务局', '残疾人联合会', '自来水', '燃气', '公安']) expect(all).toContain(word);
    if (c.level !== 'park') expect(all).toMatch(/发展和改革/);
    if (c.level !== 'city') expect(all).toMatch(/街道办事处/);
    expect(c.nameForms.length).toBeGreaterThan(0);
  });

  it('models the housing provident fund as a city unit with county offices', () => {
    expect(loadJurisdiction('510900').departments.find((d) => d.code === 'GJJ')!.belongsToThisLevel).toBe(true);
    const county = loadJurisdiction('510921').departments.find((d) => d.code === 'GJJ')!;
    expect(county.belongsToThisLevel).toBe(false);
    expect(county.name).toContain('遂宁市住房公积金管理中心');
  });

  it('gives the park its parent and the county-level city the county level', () => {
    const park = loadJurisdiction('510900-JK');
    expect(park.level).toBe('park');
    expect(park.parent).toBe('510900');
    expect(loadJurisdiction('510981').level).toBe('county');
  });
});

describe('validateJurisdictionFile on broken files', () => {
  it('lists every problem of the broken fixture with its dotted path and line', () => {
    const result = validateJurisdictionFile(join(fixtures, 'broken-jurisdiction.json'));
    expect(result.ok).toBe(false);
    expect(result.config).toBeUndefined();
    expect(result.problems.map((p) => p.path)).toEqual(['agency.leader', 'departments.2.forwardingAdresses', 'departments.3.chiefRepresentative.email', 'departments.4.aliases', 'departments.5.code']);
    const byPath = Object.fromEntries(result.problems.map((p) => [p.path, p]));
    expect(byPath['agency.leader']!.message).toBe('缺少必填字段');
    expect(byPath['departments.3.chiefRepresentative.email']!.message).toBe('邮箱地址格式不正确');
    expect(byPath['departments.4.aliases']!.message).toContain('社保');
    expect(byPath['departments.5.code']!.message).toContain('SCJGJ');
    // The line points at the offending field in the file.
    const lines = readFileSync(join(fixtures, 'broken-jurisdiction.json'), 'utf8').split('\n');
    expect(lines[byPath['departments.3.chiefRepresentative.email']!.line! - 1]).toContain('rsj.sxdb-at-pengxi');
    expect(lines[byPath['departments.5.code']!.line! - 1]).toContain('"code": "SCJGJ"');
  });

  it('reports JSON syntax errors with line and column', () => {
    const result = validateJurisdictionFile(join(fixtures, 'bad-syntax.json'));
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      { path: '', message: 'JSON 语法错误：此处缺少逗号“,”', line: 5, column: 3 },
      { path: '', message: 'JSON 语法错误：最后一项后面多了逗号“,”（JSON 不允许末尾逗号）', line: 7, column: 1 },
    ]);
  });

  it('reports a missing file as a problem, not a crash', () => {
    const result = validateJurisdictionFile(join(fixtures, 'no-such-file.json'));
    expect(result).toMatchObject({ ok: false, problems: [{ path: '', message: '文件不存在' }] });
  });

  function variant(mutate: (c: Record<string, unknown> & { departments: Record<string, unknown>[] }) => void, name = '510921.json'): string {
    const c = JSON.parse(readFileSync(listJurisdictions().find((j) => j.code === '510921')!.file, 'utf8'));
    mutate(c);
    const dir = mkdtempSync(join(tmpdir(), 'tousu-config-'));
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(c, null, 2));
    return file;
  }

  it('rejects a pinned rules version that is not registered', () => {
    const file = variant((c) => (c.rulesVersion = 'suining-2099'));
    const result = validateJurisdictionFile(file, { registry: new RulesRegistry([SUINING_2023]) });
    expect(result.problems).toMatchObject([{ path: 'rulesVersion' }]);
  });

  it('rejects a forwarding mailbox owned by two departments', () => {
    const file = variant((c) => {
      c.departments[1]!.forwardingAddresses = c.departments[0]!.forwardingAddresses;
    });
    expect(validateJurisdictionFile(file).problems).toMatchObject([{ path: 'departments.1.forwardingAddresses.0' }]);
  });

  it('checks the trusted forwarders: addresses, plain domains, no public mail provider', () => {
    const file = variant((c) => {
      (c.mail as Record<string, unknown>).trustedForwarders = { addresses: ['not-an-address'], domains: ['*.pengxi.example.gov.cn', 'QQ.com'] };
    });
    const result = validateJurisdictionFile(file);
    expect(result.ok).toBe(false);
    expect(result.problems).toMatchObject([
      { path: 'mail.trustedForwarders.addresses.0', message: '邮箱地址格式不正确' },
      { path: 'mail.trustedForwarders.domains.0', message: expect.stringContaining('不用通配符') },
      { path: 'mail.trustedForwarders.domains.1', message: expect.stringContaining('公共邮箱') },
    ]);
    const onlyPublic = variant((c) => {
      (c.mail as Record<string, unknown>).trustedForwarders = { domains: ['QQ.com'] };
    });
    expect(validateJurisdictionFile(onlyPublic).problems).toMatchObject([{ path: 'mail.trustedForwarders.domains.0', message: expect.stringContaining('公共邮箱') }]);
  });

  it('trusts the listed addresses and domains and every department forwarding mailbox, nothing else', () => {
    const c = loadJurisdiction(
      variant((j) => {
        (j.mail as Record<string, unknown>).trustedForwarders = { addresses: ['12345@suining.example.gov.cn'], domains: ['Pengxi.example.gov.cn'] };
      }),
    );
    const dept = c.departments.find((d) => d.forwardingAddresses.length > 0)!.forwardingAddresses[0]!;
    expect(c.mail.trustedForwarders.domains).toEqual(['pengxi.example.gov.cn']);
    expect(isTrustedForwarder('12345@Suining.example.gov.cn', c)).toBe(true);
    expect(isTrustedForwarder('anyone@pengxi.example.gov.cn', c)).toBe(true);
    expect(isTrustedForwarder(dept.toUpperCase(), c)).toBe(true);
    expect(isTrustedForwarder('anyone@sub.pengxi.example.gov.cn', c)).toBe(false);
    expect(isTrustedForwarder('pengxi.example.gov.cn@qq.com', c)).toBe(false);
    expect(isTrustedForwarder(undefined, c)).toBe(false);
    // Absent from the file: only the departments' mailboxes.
    const bare = loadJurisdiction(variant((j) => delete (j.mail as Record<string, unknown>).trustedForwarders));
    expect(bare.mail.trustedForwarders).toEqual({ addresses: [], domains: [] });
    expect(isTrustedForwarder(dept, bare)).toBe(true);
    expect(isTrustedForwarder('12345@suining.example.gov.cn', bare)).toBe(false);
  });

  it('warns when the file name does not match the code', () => {
    const file = variant(() => undefined, 'pengxi.json');
    const result = validateJurisdictionFile(file);
    expect(result.ok).toBe(true);
    expect(result.warnings.join()).toContain('510921.json');
  });
});

describe('loadJurisdiction', () => {
  it('loads by code and by path alike', () => {
    const byCode = loadJurisdiction('510903');
    const byPath = loadJurisdiction(listJurisdictions().find((j) => j.code === '510903')!.file);
    expect(byPath).toEqual(byCode);
    expect(byCode.name).toBe('船山区');
  });

  it('throws a ConfigError naming the known codes for an unknown code', () => {
    expect(() => loadJurisdiction('999999')).toThrow(ConfigError);
    expect(() => loadJurisdiction('999999')).toThrow(/510903/);
  });

  it('throws a ConfigError whose problems name each broken field', () => {
    let error: unknown;
    try {
      loadJurisdiction(join(fixtures, 'broken-jurisdiction.json'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.field)).toEqual([
      'agency.leader',
      'departments.2.forwardingAdresses',
      'departments.3.chiefRepresentative.email',
      'departments.4.aliases',
      'departments.5.code',
    ]);
  });
});
