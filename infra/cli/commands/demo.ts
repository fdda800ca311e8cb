/**
 * `tousu demo`: every life-cycle path of LIFECYCLE_SCENARIOS (infra/local/lifecycle-scenarios.ts) on the real
 * ASL, the in-process engine and dynalite in a temporary directory, on a fast virtual clock; prints each
 * case's timeline in Chinese; exit 0 when every path ended as expected, 1 otherwise.
 *
 * Clock: by default a stepping virtual clock (time jumps to the next reminder or due time at once, so the
 * run is deterministic); `--clock-scale N` runs the same paths one after another on a clock N times faster
 * than real time instead. More scenarios (e.g. channels) are added to the list, not here.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { PHASE_LABELS } from '../../../shared/domain/case';
import type { TimelineEvent } from '../../../shared/domain/case';
import { ManualClock, ScaledClock } from '../../local/clock';
import type { SleepingClock } from '../../local/clock';
import { MemoryMailSender, openLifecycleSandbox } from '../../local/lifecycle-sandbox';
import { LIFECYCLE_SCENARIOS, runScenario } from '../../local/lifecycle-scenarios';
import type { Scenario, ScenarioResult } from '../../local/lifecycle-scenarios';
import { UsageError } from '../usage-error';

/** Monday 09:00 in Shanghai, in the validity of the suining-2023 rules and of the calendar data. */
export const DEMO_START = '2025-03-03T09:00:00+08:00';

interface DemoOptions {
  only?: string;
  list?: boolean;
  clockScale?: string;
  keepData?: boolean;
}

const shanghai = (iso: string): string => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

function printTimeline(out: NodeJS.WritableStream, events: TimelineEvent[]): void {
  for (const e of events) out.write(`    ${shanghai(e.at)}  ${PHASE_LABELS[e.phase].padEnd(6, '　')}  ${e.summary}\n`);
}

function selectScenarios(only: string | undefined): Scenario[] {
  if (!only) return LIFECYCLE_SCENARIOS;
  const ids = only.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = ids.filter((id) => !LIFECYCLE_SCENARIOS.some((s) => s.id === id));
  if (unknown.length > 0) throw new UsageError(`未知的演示路径：${unknown.join('、')}（用 tousu demo --list 查看全部）`);
  return LIFECYCLE_SCENARIOS.filter((s) => ids.includes(s.id));
}

export async function runDemo(opts: DemoOptions, out: NodeJS.WritableStream = process.stdout): Promise<{ ok: boolean; results: ScenarioResult[] }> {
  const scenarios = selectScenarios(opts.only);
  const scale = opts.clockScale === undefined ? undefined : Number(opts.clockScale);
  if (scale !== undefined && (!Number.isFinite(scale) || scale < 1)) throw new UsageError('--clock-scale 应为不小于 1 的数字');

  const manual = scale === undefined ? new ManualClock(DEMO_START) : undefined;
  const clock: SleepingClock = manual ?? new ScaledClock({ scale: scale!, start: DEMO_START });
  const dataDir = await mkdtemp(join(tmpdir(), 'tousu-demo-'));
  const mail = new MemoryMailSender();
  const sb = await openLifecycleSandbox({ clock, mail, dataDir: join(dataDir, 'dynamodb'), retryIntervalMs: 20 });
  manual?.setSettle(() => sb.workflow.idle());
  const advanceTo = manual
    ? (instant: string) => manual.advanceTo(instant)
    : async (instant: string) => {
        // A little past the instant, so that the engine's own timer fires first.
        await clock.sleepUntil(Date.parse(instant) + 10 * 60_000);
        await sb.workflow.idle();
      };

  out.write(`遂宁市政务服务投诉处理 — 办理流程演示（${sb.jurisdiction.name}，规则版本 ${sb.rules.inForceOn('2025-03-03').version.id}）\n`);
  out.write(`虚拟时钟自 ${shanghai(DEMO_START)} 起${manual ? '按需快进' : `以 ${scale} 倍速运行`}；数据目录 ${dataDir}\n\n`);
  const results: ScenarioResult[] = [];
  try {
    for (const [i, scenario] of scenarios.entries()) {
      const r = await runScenario(sb, scenario, { advanceTo, ...(manual ? { paceMs: 30 * 60_000 } : {}) });
      results.push(r);
      out.write(`━━ [${i + 1}/${scenarios.length}] ${scenario.title}\n`);
      out.write(`    路径 ${scenario.id}；依据 ${scenario.articles.join('、')}；受理编号 ${r.caseId}\n`);
      printTimeline(out, r.timeline);
      const mails = mail.sent.filter((m) => m.tags.caseId === r.caseId).length;
      if (r.ok) out.write(`    ✔ 符合预期：${PHASE_LABELS[r.record.phase]}；发出通知 ${mails} 封；状态迁移 ${r.transitions} 次\n\n`);
      else out.write(`    ✘ 与预期不符：\n${r.problems.map((p) => `      - ${p}\n`).join('')}\n`);
    }
  } finally {
    await sb.close();
    if (!opts.keepData) await rm(dataDir, { recursive: true, force: true });
  }
  const failed = results.filter((r) => !r.ok);
  out.write(
    failed.length === 0
      ? `全部 ${results.length} 条办理路径均符合预期。\n`
      : `${failed.length} 条路径与预期不符：${failed.map((r) => r.scenario.id).join('、')}\n`,
  );
  return { ok: failed.length === 0, results };
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('在快速虚拟时钟上运行投诉件的全部办理路径，打印每件投诉的时间线；全部符合预期时退出码为 0')
    .option('--only <ids>', '只运行这些路径（逗号分隔，见 --list）')
    .option('--list', '列出全部演示路径')
    .option('--clock-scale <n>', '改用按倍速连续运行的虚拟时钟（例如 86400：每秒一天），路径依次运行')
    .option('--keep-data', '保留临时数据目录（DynamoDB 数据）')
    .action(async (opts: DemoOptions) => {
      if (opts.list) {
        for (const s of LIFECYCLE_SCENARIOS) process.stdout.write(`${s.id.padEnd(30)} ${s.title}\n`);
        return;
      }
      const { ok } = await runDemo(opts);
      process.exitCode = ok ? 0 : 1;
    });
}
