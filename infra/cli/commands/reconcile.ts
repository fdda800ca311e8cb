/**
 * `tousu reconcile`: finds and repairs what crashes, throttling and lost executions left half done
 * (shared/services/reconcile.ts). Two targets:
 *
 * - the embedded runtime's data directory (default `.tousu`). While `tousu start` runs on it, the command asks the
 *   runtime through its admin endpoint, a Unix socket in the data directory (one process owns a data directory) and the running
 *   engine starts what is needed; the runtime also runs the reconciler itself every 10 minutes. When it is
 *   stopped, the command opens the directory: claims and dead letters are repaired at once; cases that need an
 *   execution are marked on their timeline and resumed by the next `tousu start` (it resumes every open case).
 * - a deployed table on AWS: `--table NAME --state-machine-arn ARN --jurisdiction CODE` with the usual AWS
 *   credentials; executions are started with StartExecution.
 *
 * Output: a summary (or `--json`, the whole report). Exit 0 when nothing is left to do by hand, 1 when problems
 * or dead letters remain.
 */
import type { Command } from 'commander';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SfnWorkflow } from '../../../shared/adapters/aws/sfn-workflow';
import { composeAws } from '../../../shared/composition/aws';
import { systemClock } from '../../../shared/ports';
import type { Workflow } from '../../../shared/ports';
import { submitIntake } from '../../../shared/intake/core';
import type { ReconcileTarget } from '../../../shared/ports/reconcile-target';
import { reconcile } from '../../../shared/services/reconcile';
import type { ReconcileDeps, ReconcileReport } from '../../../shared/services/reconcile';
import { composeEmbedded } from '../../local/composition';
import type { EmbeddedComposition } from '../../local/composition';
import { OutboxMailSender } from '../../local/outbox-mail-sender';
import { acquireLock, checkDataDir, dataPaths, DEFAULT_JURISDICTION } from '../../local/runtime';
import { migrateIfNeeded } from '../../local/migrate';
import { readFile } from 'node:fs/promises';
import { UsageError } from '../usage-error';
import { adminRequest } from './users';

export interface TargetOptions {
  dataDir: string;
  table?: string;
  stateMachineArn?: string;
  jurisdiction?: string;
  /** Directory of jurisdiction files (default config/jurisdictions). */
  jurisdictionDir?: string;
}

/**
 * A Workflow for a stopped embedded runtime: remembers what it was asked to start; `tousu start` resumes every
 * open case from its phase anyway, so nothing is lost.
 */
class DeferredWorkflow implements Workflow {
  readonly deferred: string[] = [];
  async start(caseId: string, _input: Record<string, unknown>, executionName?: string) {
    this.deferred.push(caseId);
    return { executionId: `deferred:${executionName ?? caseId}`, alreadyRunning: false };
  }
  async sendTaskSuccess(): Promise<void> {}
  async sendTaskFailure(): Promise<void> {}
}

/** Opens the data directory (runtime stopped) or a deployed table, through the platform's composition root. */
export async function openTarget(o: TargetOptions): Promise<ReconcileTarget> {
  if (o.table) {
    if (!o.stateMachineArn?.startsWith('arn:')) throw new UsageError('与 --table 一起使用时需要 --state-machine-arn（状态机 ARN）。');
    if (!o.jurisdiction) throw new UsageError('与 --table 一起使用时需要 --jurisdiction（辖区代码）。');
    const client = new DynamoDBClient({});
    const stateMachineArn = o.stateMachineArn;
    const c = composeAws(
      { TABLE_NAME: o.table, JURISDICTION: o.jurisdiction, STATE_MACHINE_ARN: stateMachineArn },
      { dynamo: client, workflow: () => new SfnWorkflow(new SFNClient({}), stateMachineArn), calendarRefreshMs: 0, logger: silentLogger },
    );
    // The years imported through the admin API, as the deployed functions read them.
    await c.refreshCalendar();
    const deps = c.intakeDeps();
    return {
      store: c.store,
      workflow: deps.workflow,
      deadLetters: c.deadLetters,
      claims: c.claims,
      jurisdiction: c.jurisdiction,
      calendar: c.calendar,
      rules: c.rules,
      submit: (i) => submitIntake(deps, i),
      where: `DynamoDB ${o.table}`,
      close: async () => client.destroy(),
    };
  }
  const paths = dataPaths(o.dataDir);
  const instance = await readFile(paths.instance, 'utf8').then(
    (t) => JSON.parse(t) as { jurisdiction?: string },
    () => undefined,
  );
  if (!instance) throw new UsageError(`数据目录 ${paths.root} 还没有运行过 tousu start（没有 instance.json）。`);
  for (const note of await checkDataDir(paths)) process.stderr.write(`${note}\n`);
  let release: () => Promise<void>;
  try {
    release = await acquireLock(paths, { kind: 'cli' });
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)} 请先停止 tousu start 再运行此命令。`);
  }
  const workflow = new DeferredWorkflow();
  let c: EmbeddedComposition;
  try {
    await migrateIfNeeded(paths);
    c = await composeEmbedded({
      jurisdiction: o.jurisdiction ?? instance.jurisdiction ?? DEFAULT_JURISDICTION,
      ...(o.jurisdictionDir ? { jurisdictionDir: o.jurisdictionDir } : {}),
      importedCalendarDir: paths.calendar,
      clock: systemClock,
      mail: new OutboxMailSender({ dir: paths.outbox, clock: systemClock }),
      databaseFile: paths.database,
      // As `tousu start` builds them: a replayed intake is filed in the duplicate index too.
      asDeployed: true,
    });
  } catch (err) {
    await release();
    throw err;
  }
  const deps = c.intakeDeps(workflow);
  return {
    store: c.store,
    workflow,
    deadLetters: c.deadLetters,
    claims: c.claims,
    jurisdiction: c.jurisdiction,
    calendar: c.calendar,
    rules: c.rules,
    submit: (i) => submitIntake(deps, i),
    where: `数据目录 ${paths.root}`,
    close: async () => {
      await c.close();
      await release();
    },
  };
}

const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function addTargetOptions(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', '嵌入式运行时的数据目录（tousu start 运行中时经其管理接口处理）', '.tousu')
    .option('--table <name>', 'AWS 上的 DynamoDB 表名（改为处理已部署的系统）')
    .option('--state-machine-arn <arn>', 'AWS 上的生命周期状态机 ARN（与 --table 一起使用）')
    .option('--jurisdiction <code>', '辖区代码（与 --table 一起使用时必填）');
}

const ACTION_LABELS: Record<string, string> = {
  started: '已补启动流程',
  restarted: '流程失败后已重新启动',
  already_restarted: '已重新启动过（等待其推进）',
  already_running: '已有流程但未推进（请人工检查）',
  resumed: '已从当前环节恢复流程',
  already_resumed: '已恢复过（等待其推进）',
  replayed: '已用死信重放立案',
  dead_lettered: '已记入死信（需来源重新投递）',
  reported: '仅报告',
  joined: '已补记到合并目标',
  would_join: '将补记到合并目标',
};

export function summarize(report: ReconcileReport, deferred: string[] | undefined): string {
  const lines = [`检查了 ${report.casesChecked} 件投诉、${report.claimsChecked} 条来源登记；发现 ${report.findings.length} 处需修复${report.dryRun ? '（演练，未做任何修改）' : ''}。`];
  for (const f of report.findings) {
    const who =
      f.kind === 'orphan_claim'
        ? `来源 ${f.sourceKey}${f.caseId ? `（编号 ${f.caseId}）` : ''}`
        : f.kind === 'unjoined_merge'
          ? `投诉件 ${f.caseId}（并入 ${f.into}）`
          : `投诉件 ${f.caseId}（${f.phase}）`;
    lines.push(`  ${who}：${ACTION_LABELS[f.action] ?? f.action}`);
  }
  for (const p of report.problems) lines.push(`  ✗ ${p.caseId ?? p.sourceKey}：${p.error}`);
  if (deferred && deferred.length > 0) lines.push(`${deferred.length} 件投诉的流程将在下次 tousu start 时自动恢复。`);
  return lines.join('\n') + '\n';
}

/** Problems, or findings a person must act on (a source to redeliver, an execution that does not move). */
function needsPerson(report: ReconcileReport): boolean {
  return (
    report.problems.length > 0 ||
    report.findings.some((f) => f.action === 'dead_lettered' || f.action === 'already_running' || f.action === 'already_resumed' || (f.kind === 'unjoined_merge' && f.action === 'reported'))
  );
}

export function registerReconcile(program: Command): void {
  addTargetOptions(program.command('reconcile').description('对账修复：找出未启动流程、没有等待任务的投诉件和没有投诉件的来源登记，并修复 (find and repair half-done intakes and lost executions)'))
    .option('--threshold-minutes <n>', '多久没有进展才算需要修复（分钟）', '15')
    .option('--dry-run', '只报告，不修改')
    .option('--json', '输出完整的 JSON 报告')
    .action(async (o: TargetOptions & { thresholdMinutes: string; dryRun?: boolean; json?: boolean }) => {
      const minutes = Number(o.thresholdMinutes);
      if (!Number.isFinite(minutes) || minutes < 0) throw new UsageError(`--threshold-minutes 应为非负数，收到“${o.thresholdMinutes}”。`);
      const live = o.table ? undefined : ((await adminRequest(o.dataDir, 'POST', '/admin/reconcile', { thresholdMs: minutes * 60_000, dryRun: o.dryRun === true })) as ReconcileReport | undefined);
      if (live) {
        process.stdout.write(o.json ? JSON.stringify(live, null, 2) + '\n' : summarize(live, undefined));
        if (needsPerson(live)) process.exitCode = 1;
        return;
      }
      const target = await openTarget(o);
      try {
        const deps: ReconcileDeps = {
          store: target.store,
          workflow: target.workflow,
          clock: systemClock,
          jurisdiction: target.jurisdiction.code,
          claims: target.claims,
          deadLetters: target.deadLetters,
          submit: target.submit,
          lifecycle: { calendar: target.calendar, rules: target.rules, jurisdiction: target.jurisdiction },
        };
        const report = await reconcile(deps, { thresholdMs: minutes * 60_000, dryRun: o.dryRun === true });
        process.stdout.write(o.json ? JSON.stringify(report, null, 2) + '\n' : summarize(report, target.workflow.deferred));
        if (needsPerson(report)) process.exitCode = 1;
      } finally {
        await target.close();
      }
    });
}
