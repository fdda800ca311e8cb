/**
 * `tousu demo` (what `npm run demo` runs), in two parts:
 *
 * 1. Channels (infra/local/demo-channels.ts): the real embedded runtime (`startRuntime`) on random ports and a
 *    data directory of its own; sample complaints through every intake channel (mail over SMTP, the web form over
 *    HTTP as JSON and as a no-JavaScript form, a letter batch and a box opening dropped into the watched folders,
 *    a 12345 work order, a phone and a window entry through the staff intake API, a duplicate merged at once);
 *    staff accounts made through the runtime's UserStore take each case along its path over the staff HTTP API.
 * 2. Life-cycle paths: every entry of LIFECYCLE_SCENARIOS (infra/local/lifecycle-scenarios.ts) on the real ASL, the
 *    in-process engine and dynalite (engine restarts included, which the running runtime cannot show).
 *
 * Both print each case's timeline in Chinese. Exit 0 when every channel case and every path ended as expected,
 * 1 otherwise with the failed expectations listed in Chinese and English.
 *
 * Clock: by default a stepping virtual clock (time jumps to the next action, reminder or due time at once, so the
 * run is deterministic); `--clock-scale N` runs on a clock N times faster than real time instead.
 * Data: a temporary directory removed at the end; `--data-dir DIR` (empty or new) keeps it: `DIR/runtime` can be
 * opened afterwards with `tousu start --data-dir DIR/runtime` to browse the cases in the console.
 */
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { PHASE_LABELS } from '../../../shared/domain/case';
import { CHANNEL_LABELS } from '../../../shared/domain/intake';
import type { Channel } from '../../../shared/domain/intake';
import { ManualClock, ScaledClock } from '../../local/clock';
import type { SleepingClock } from '../../../shared/ports';
import { CHANNEL_SCENARIOS, printTimeline, runChannelDemo } from '../../local/demo-channels';
import type { ChannelDemoResult } from '../../local/demo-channels';
import { openLifecycleSandbox } from '../../local/lifecycle-sandbox';
import { MemoryMailSender } from '../../../shared/adapters/memory/mail-sender';
import { LIFECYCLE_SCENARIOS, runScenario } from '../../local/lifecycle-scenarios';
import type { Scenario, ScenarioResult } from '../../local/lifecycle-scenarios';
import { UsageError } from '../usage-error';

/** Monday 09:00 in Shanghai, in the validity of the suining-2023 rules and of the calendar data. */
export const DEMO_START = '2025-03-03T09:00:00+08:00';

export interface DemoOptions {
  only?: string;
  list?: boolean;
  clockScale?: string;
  keepData?: boolean;
  dataDir?: string;
  channelsOnly?: boolean;
  pathsOnly?: boolean;
}

export interface DemoResult {
  ok: boolean;
  /** Life-cycle path results (empty when the paths were not run). */
  results: ScenarioResult[];
  /** Channel part (undefined when it was not run). */
  channels?: ChannelDemoResult;
  /** Every failed expectation, one line each, Chinese then English. */
  failures: string[];
  ms: number;
}

const shanghai = (iso: string): string => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

interface Selection {
  channels: string[];
  paths: Scenario[];
}

function select(opts: DemoOptions): Selection {
  if (opts.channelsOnly && opts.pathsOnly) throw new UsageError('--channels-only 与 --paths-only 不能同时使用。 (use at most one of --channels-only and --paths-only)');
  let channels = opts.pathsOnly ? [] : CHANNEL_SCENARIOS.map((s) => s.id);
  let paths = opts.channelsOnly ? [] : LIFECYCLE_SCENARIOS;
  if (opts.only) {
    const ids = opts.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = ids.filter((id) => !CHANNEL_SCENARIOS.some((s) => s.id === id) && !LIFECYCLE_SCENARIOS.some((s) => s.id === id));
    if (unknown.length > 0) throw new UsageError(`未知的演示项：${unknown.join('、')}（用 tousu demo --list 查看全部） (unknown demo id)`);
    channels = channels.filter((id) => ids.includes(id));
    paths = paths.filter((s) => ids.includes(s.id));
  }
  if (channels.length === 0 && paths.length === 0) throw new UsageError('所选条件下没有可运行的演示项。 (nothing selected to run)');
  return { channels, paths };
}

function parseScale(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const scale = Number(v);
  if (!Number.isFinite(scale) || scale < 1) throw new UsageError('--clock-scale 应为不小于 1 的数字。 (--clock-scale must be a number ≥ 1)');
  return scale;
}

/** The demo root: a fresh temporary directory, or `--data-dir` (which must be empty or not exist yet). */
async function demoRoot(dataDir: string | undefined): Promise<{ root: string; keep: boolean }> {
  if (!dataDir) return { root: await mkdtemp(join(tmpdir(), 'tousu-demo-')), keep: false };
  const root = resolve(dataDir);
  const existing = await readdir(root).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : Promise.reject(err)));
  if (existing.length > 0) throw new UsageError(`--data-dir ${root} 不是空目录；演示需要一个新的（或空的）目录，以免与已有数据混在一起。 (--data-dir must be empty or new)`);
  await mkdir(root, { recursive: true, mode: 0o700 });
  return { root, keep: true };
}

async function runPaths(scenarios: Scenario[], scale: number | undefined, dataDir: string, out: NodeJS.WritableStream): Promise<ScenarioResult[]> {
  const manual = scale === undefined ? new ManualClock(DEMO_START) : undefined;
  const clock: SleepingClock = manual ?? new ScaledClock({ scale: scale!, start: DEMO_START });
  const mail = new MemoryMailSender();
  const sb = await openLifecycleSandbox({ clock, mail, dataDir, retryIntervalMs: 20 });
  manual?.setSettle(() => sb.workflow.idle());
  const advanceTo = manual
    ? (instant: string) => manual.advanceTo(instant)
    : async (instant: string) => {
        // A little past the instant, so that the engine's own timer fires first.
        await clock.sleepUntil(Date.parse(instant) + 10 * 60_000);
        await sb.workflow.idle();
      };
  out.write(`━━━━ 第二部分：办理流程各路径（${sb.jurisdiction.name}，规则版本 ${sb.rules.inForceOn('2025-03-03').version.id}；进程内引擎，可演示引擎重启）\n`);
  out.write(`虚拟时钟自 ${shanghai(DEMO_START)} 起${manual ? '按需快进' : `以 ${scale} 倍速运行`}；数据库目录 ${dataDir}\n\n`);
  const results: ScenarioResult[] = [];
  try {
    for (const [i, scenario] of scenarios.entries()) {
      const r = await runScenario(sb, scenario, { advanceTo, ...(manual ? { paceMs: 30 * 60_000 } : {}) });
      results.push(r);
      out.write(`━━ [路径 ${i + 1}/${scenarios.length}] ${scenario.title}\n`);
      out.write(`    路径 ${scenario.id}；依据 ${scenario.articles.join('、')}；受理编号 ${r.caseId}\n`);
      printTimeline(out, r.timeline);
      const mails = mail.sent.filter((m) => m.tags.caseId === r.caseId).length;
      if (r.ok) out.write(`    ✔ 符合预期：${PHASE_LABELS[r.record.phase]}；发出通知 ${mails} 封；状态迁移 ${r.transitions} 次\n\n`);
      else out.write(`    ✘ 与预期不符 (did not end as expected)：\n${r.problems.map((p) => `      - ${p}\n`).join('')}\n`);
    }
  } finally {
    await sb.close();
  }
  return results;
}

export async function runDemo(opts: DemoOptions, out: NodeJS.WritableStream = process.stdout): Promise<DemoResult> {
  const t0 = Date.now();
  const sel = select(opts);
  const scale = parseScale(opts.clockScale);
  const { root, keep } = await demoRoot(opts.dataDir);

  out.write('遂宁市政务服务投诉处理 — 演示：各渠道投诉和全部办理路径\n');
  out.write(`数据目录 ${root}${keep || opts.keepData ? '（保留）' : '（结束后删除）'}\n\n`);
  let channels: ChannelDemoResult | undefined;
  let results: ScenarioResult[] = [];
  const failures: string[] = [];
  try {
    if (sel.channels.length > 0) {
      try {
        channels = await runChannelDemo({
          dataDir: join(root, 'runtime'),
          stagingDir: join(root, 'staging'),
          start: DEMO_START,
          only: sel.channels,
          out,
          ...(scale !== undefined ? { clockScale: scale } : {}),
        });
      } catch (err) {
        failures.push(`[渠道] 嵌入式运行环境未能运行：${err instanceof Error ? err.message : String(err)} (the embedded runtime could not run the channel demo)`);
      }
      for (const d of channels?.deliveryProblems ?? []) failures.push(`[${d.scenarioId}] ${d.problem}`);
      for (const c of channels?.cases.filter((x) => !x.ok) ?? []) for (const problem of c.problems) failures.push(`[${c.scenarioId}] ${c.label} ${c.caseId ?? ''}：${problem}`);
    }
    if (sel.paths.length > 0) {
      results = await runPaths(sel.paths, scale, join(root, 'paths'), out);
      for (const r of results.filter((x) => !x.ok)) for (const problem of r.problems) failures.push(`[路径 ${r.scenario.id}] ${r.caseId}：与预期不符 (did not end as expected): ${problem}`);
    }
  } finally {
    if (!keep && !opts.keepData) await rm(root, { recursive: true, force: true });
  }

  const ms = Date.now() - t0;
  out.write('━━━━ 总结 (summary)\n');
  if (channels) {
    const seen = [...new Set(channels.cases.map((c) => c.channel))] as Channel[];
    out.write(`渠道投诉 ${channels.cases.length} 件（${seen.map((c) => CHANNEL_LABELS[c]).join('、')}）：${channels.cases.filter((c) => c.ok).length} 件符合预期。\n`);
  }
  if (sel.paths.length > 0) out.write(`办理路径 ${results.length} 条：${results.filter((r) => r.ok).length} 条符合预期。\n`);
  out.write(`用时 ${(ms / 1000).toFixed(1)} 秒。\n`);
  const ok = failures.length === 0 && (sel.channels.length === 0 || channels?.ok === true);
  if (ok) out.write('全部符合预期。 (every channel case and every path ended as expected)\n');
  else out.write(`✘ 以下预期未满足 (these expectations failed):\n${failures.map((f) => `  - ${f}\n`).join('')}`);
  return { ok, results, ...(channels ? { channels } : {}), failures, ms };
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('在嵌入式运行环境中演示各渠道投诉（邮件、网上表单、来信、意见箱、12345、电话、现场窗口、重复投诉合并）和全部办理路径，快速虚拟时钟，打印每件投诉的时间线；全部符合预期时退出码为 0')
    .option('--only <ids>', '只运行这些演示项（逗号分隔，渠道和路径的编号见 --list）')
    .option('--list', '列出全部演示项（渠道和路径）')
    .option('--channels-only', '只演示各渠道投诉（嵌入式运行环境）')
    .option('--paths-only', '只演示办理流程各路径（进程内引擎）')
    .option('--clock-scale <n>', '改用按倍速连续运行的虚拟时钟（例如 86400：每秒一天）')
    .option('--data-dir <dir>', '保留演示数据的目录（须为空或不存在）；之后可用 tousu start --data-dir <dir>/runtime 在控制台查看')
    .option('--keep-data', '保留临时数据目录')
    .action(async (opts: DemoOptions) => {
      if (opts.list) {
        const lines = [
          '渠道 (channels, embedded runtime):',
          ...CHANNEL_SCENARIOS.map((s) => `  ${s.id.padEnd(30)} ${s.title}`),
          '办理路径 (life-cycle paths):',
          ...LIFECYCLE_SCENARIOS.map((s) => `  ${s.id.padEnd(30)} ${s.title}`),
        ];
        process.stdout.write(lines.join('\n') + '\n');
        return;
      }
      const { ok } = await runDemo(opts);
      process.exitCode = ok ? 0 : 1;
    });
}
