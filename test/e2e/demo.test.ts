/**
 * `tousu demo` (issue 6, item 10): the channel part runs in-process on the real embedded runtime (random ports,
 * a temporary data directory, the stepping virtual clock) and must end with every case as expected and a case
 * from every intake channel; a wrong expectation and a failed delivery must make the run fail with a Chinese and
 * English explanation; the command's exit status is checked on the real `bin/tousu.js`.
 */
import { Writable } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo } from '../../infra/cli/commands/demo';
import type { DemoResult } from '../../infra/cli/commands/demo';
import { CHANNEL_SCENARIOS, DemoDeliveryError, runChannelDemo, scanPdf, scanPng } from '../../infra/local/demo-channels';
import type { ChannelScenario } from '../../infra/local/demo-channels';
import { sniffType } from '../../shared/domain/evidence-limits';
import { runCli } from './runtime-helpers';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

const ALL_CHANNELS = ['email', 'web', 'letter', 'suggestion_box', 'phone', 'hotline_12345', 'onsite'];

describe('tousu demo — every channel on the embedded runtime', () => {
  let result: DemoResult;
  const out = new Sink();

  beforeAll(async () => {
    result = await runDemo({ channelsOnly: true }, out);
  }, 120_000);

  it('ends as expected (exit status 0) with no failure listed', () => {
    if (!result.ok) throw new Error(`demo failed:\n${result.failures.join('\n')}\n${out.text.slice(-3000)}`);
    expect(result.failures).toEqual([]);
    expect(result.results).toEqual([]); // --channels-only: no life-cycle paths
    expect(out.text).toContain('全部符合预期。');
  });

  it('produced a case from every intake channel, each ending as expected', () => {
    const cases = result.channels!.cases;
    expect(result.channels!.deliveryProblems).toEqual([]);
    expect(new Set(cases.map((c) => c.channel))).toEqual(new Set(ALL_CHANNELS));
    expect(new Set(cases.map((c) => c.scenarioId))).toEqual(new Set(CHANNEL_SCENARIOS.map((s) => s.id)));
    for (const c of cases) {
      expect(c.caseId).toMatch(/^510903-\d{8}-\d{4}$/);
      expect(c.ok).toBe(true);
      expect(c.timeline[0]?.type).toBe('received');
    }
    const ids = new Set(cases.map((c) => c.caseId));
    expect(ids.size).toBe(cases.length);
    // Every case ended: archived, or merged into the 12345 case (art. 11).
    expect(cases.filter((c) => c.phase === 'merged')).toHaveLength(1);
    expect(cases.filter((c) => c.phase !== 'merged' && c.phase !== 'archived')).toEqual([]);
    // The timelines are printed in Chinese.
    expect(out.text).toContain('通过电子邮件收到投诉');
    expect(out.text).toContain('已并入该件合并办理（第十一条）');
    expect(out.text).toContain('记录超期并报政务服务管理机构（第二十条）');
  });

  it('keeps the default run short', () => {
    expect(result.ms).toBeLessThan(60_000);
  });
});

describe('tousu demo — failures are reported, not hidden', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'tousu-demo-test-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('fails with a Chinese and English explanation when a case does not end as expected or a delivery fails', async () => {
    const wrong: ChannelScenario = {
      id: 'test-wrong-expectation',
      title: '测试：预期错误',
      articles: [],
      async deliver(ctx) {
        const r = await ctx.http.call<{ caseId: string }>('POST', '/api/complaints', {
          json: { complainant: { name: '测试人', phone: '13900001234' }, respondent: { unit: '船山区市场监督管理局' }, matter: '测试：窗口未一次性告知材料。' },
        });
        // Nobody acts on it: it stays in dispatch, yet the expectation says archived.
        return [{ label: '测试件', caseId: r.body.caseId, steps: [], expect: { channel: 'web', phase: 'archived' } }];
      },
    };
    const broken: ChannelScenario = {
      id: 'test-broken-delivery',
      title: '测试：投递失败',
      articles: [],
      async deliver() {
        throw new DemoDeliveryError('测试投递失败 (test delivery failure)');
      },
    };
    const sink = new Sink();
    const r = await runChannelDemo({ dataDir: join(root, 'runtime'), stagingDir: join(root, 'staging'), start: '2025-03-03T09:00:00+08:00', scenarios: [wrong, broken], out: sink });
    expect(r.ok).toBe(false);
    expect(r.cases).toHaveLength(1);
    expect(r.cases[0]!.ok).toBe(false);
    expect(r.cases[0]!.phase).toBe('dispatch');
    expect(r.cases[0]!.problems).toEqual(
      expect.arrayContaining(['结束于“待交办”环节，预期“已归档” (ended in phase dispatch, expected archived)', '没有归档记录（第十八条） (no archive record (art. 18))']),
    );
    expect(r.deliveryProblems).toEqual([{ scenarioId: 'test-broken-delivery', problem: '测试投递失败 (test delivery failure)' }]);
    expect(sink.text).toContain('✘ 与预期不符 (did not end as expected)');
  }, 60_000);
});

describe('generated scans', () => {
  it('are valid PNG and PDF files that the evidence check accepts, distinct per seed', () => {
    const a = scanPng('a');
    const b = scanPng('b');
    expect(sniffType(a)).toBe('image/png');
    expect(a.equals(b)).toBe(false);
    const pdf = scanPdf('Letter 1');
    expect(sniffType(pdf)).toBe('application/pdf');
    const text = pdf.toString('latin1');
    // The xref offset points at the xref table.
    const startxref = Number(/startxref\n(\d+)/.exec(text)![1]);
    expect(text.slice(startxref, startxref + 4)).toBe('xref');
    const firstObj = Number(/xref\n0 \d+\n0000000000 65535 f \n(\d{10})/.exec(text)![1]);
    expect(text.slice(firstObj, firstObj + 7)).toBe('1 0 obj');
  });
});

describe('tousu demo — command line', () => {
  it('exits 0 for a selection that ends as expected, 2 for an unknown id', async () => {
    const good = await runCli(['demo', '--only', 'channel-phone,not-accepted-art8-1']);
    expect(good.stdout).toContain('全部符合预期');
    expect(good.code).toBe(0);
    const bad = await runCli(['demo', '--only', 'no-such-path']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('未知的演示项');
  }, 90_000);
});
