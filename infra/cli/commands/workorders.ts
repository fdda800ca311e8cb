/**
 * `tousu workorders list|replay|export`: the 12345 work-order reports (art. 7(2), docs/workorder-outbound.md) in the
 * outbox: what waits, what was delivered, what failed for good (dead letters), and their replay.
 *
 * - `list [--status pending|delivered|dead] [--json]`: report id, work order, kind, status, attempts, last error;
 *   never the result text.
 * - `replay [ID...] | --all`: dead letters back in the queue, due at once; the running runtime posts them now, a
 *   stopped one at its next start.
 * - `export --format csv|json [--status]`: the reports as an export batch (the documented CSV/JSON schema), for a
 *   platform that takes files instead of the webhook.
 *
 * Targets as `tousu dead-letters`: the running runtime's admin endpoint, else the stopped data directory's database
 * (under the lock), or with `--table` a deployed table on AWS.
 */
import type { Command } from 'commander';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { openEmbeddedStorage } from '../../local/composition';
import { exportBatch } from '../../../shared/domain/workorder/report';
import { systemClock } from '../../../shared/ports';
import type { OutboxStatus, WorkOrderOutbox, WorkOrderOutboxItem } from '../../../shared/ports/workorder-outbox';
import { outboxItemView, replayWorkOrderDeadLetters } from '../../../shared/services/workorder-outbound';
import { migrateIfNeeded } from '../../local/migrate';
import { acquireLock, checkDataDir, dataPaths } from '../../local/runtime';
import { UsageError } from '../usage-error';
import { adminRequest } from './users';

interface Options {
  dataDir: string;
  table?: string;
}

const STATUS_LABELS: Record<OutboxStatus, string> = { pending: '待发送', delivered: '已送达', dead: '失败（死信）' };

type View = ReturnType<typeof outboxItemView>;

function line(x: View): string {
  const err = x.lastError ? `${x.lastError.code ?? x.lastError.name}${x.lastError.status ? ` ${x.lastError.status}` : ''}` : '-';
  return [
    x.report.id,
    x.report.workOrderNo,
    x.report.kind,
    STATUS_LABELS[x.status],
    `尝试${x.attempts}次`,
    err,
    x.status === 'pending' ? `下次 ${x.nextAttemptAt}` : (x.deliveredAt ?? x.deadAt ?? ''),
  ].join('\t');
}

function parseStatus(s: string | undefined): OutboxStatus | undefined {
  if (s === undefined) return undefined;
  if (s !== 'pending' && s !== 'delivered' && s !== 'dead') throw new UsageError(`--status 只能是 pending、delivered 或 dead，收到“${s}”。`);
  return s;
}

/** The outbox of a stopped data directory (under the lock) or of a deployed table; `fn` runs on it. */
async function withOutbox<T>(o: Options, fn: (outbox: WorkOrderOutbox) => Promise<T>): Promise<T> {
  if (o.table) {
    const client = new DynamoDBClient({});
    try {
      return await fn(openEmbeddedStorage({ dynamo: { client, tableName: o.table } }).workOrderOutbox);
    } finally {
      client.destroy();
    }
  }
  const paths = dataPaths(o.dataDir);
  for (const note of await checkDataDir(paths)) process.stderr.write(`${note}\n`);
  let release: () => Promise<void>;
  try {
    release = await acquireLock(paths, { kind: 'cli' });
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)} 请先停止 tousu start 再运行此命令。`);
  }
  try {
    await migrateIfNeeded(paths);
    // The outbox as the runtime opens it (infra/local/composition.ts, the embedded composition root).
    const storage = openEmbeddedStorage({ databaseFile: paths.database });
    try {
      return await fn(storage.workOrderOutbox);
    } finally {
      storage.close();
    }
  } finally {
    await release();
  }
}

const live = <T>(o: Options, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T | undefined> =>
  o.table ? Promise.resolve(undefined) : (adminRequest(o.dataDir, method, path, body) as Promise<T | undefined>);

function target(cmd: Command): Command {
  return cmd.option('--data-dir <dir>', '嵌入式运行时的数据目录（tousu start 运行中时经其管理接口处理）', '.tousu').option('--table <name>', 'AWS 上的 DynamoDB 表名（改为处理已部署的系统）');
}

export function registerWorkOrders(program: Command): void {
  const wo = program.command('workorders').description('12345 工单回传（第七条第二款）：查看、重放失败的回传、导出 (12345 work-order reports: list, replay, export)');

  target(wo.command('list').description('列出回传 (list)'))
    .option('--status <status>', 'pending、delivered 或 dead（默认全部）')
    .option('--json', '每条一行 JSON（不含办理结果正文）')
    .action(async (o: Options & { status?: string; json?: boolean }) => {
      const status = parseStatus(o.status);
      const answer = await live<{ items: View[] }>(o, 'GET', `/admin/workorders${status ? `?status=${status}` : ''}`);
      const items = answer?.items ?? (await withOutbox(o, async (outbox) => (await outbox.list(status)).map(outboxItemView)));
      for (const x of items) process.stdout.write(`${o.json ? JSON.stringify(x) : line(x)}\n`);
      if (items.length === 0 && !o.json) process.stdout.write('没有回传记录。\n');
    });

  target(wo.command('replay [ids...]').description('重放失败的回传（死信），立即重新发送 (replay dead letters)'))
    .option('--all', '重放全部失败的回传')
    .action(async (ids: string[], o: Options & { all?: boolean }) => {
      if (ids.length === 0 && !o.all) throw new UsageError('请给出回传编号（tousu workorders list --status dead 可查看），或用 --all 重放全部。');
      const body = ids.length > 0 ? { ids } : {};
      const answer = await live<{ replayed: string[]; run?: { delivered: number; failed: number } }>(o, 'POST', '/admin/workorders/replay', body);
      if (answer) {
        process.stdout.write(
          answer.replayed.length === 0 ? '没有失败的回传。\n' : `已重放 ${answer.replayed.length} 条；本次送达 ${answer.run?.delivered ?? 0} 条，仍失败 ${answer.run?.failed ?? 0} 条。\n`,
        );
        return;
      }
      const replayed = await withOutbox(o, async (outbox) => {
        try {
          return await replayWorkOrderDeadLetters({ outbox, clock: systemClock }, ids.length > 0 ? ids : undefined);
        } catch (err) {
          throw new UsageError(`以下编号不是失败的回传：${(err as Error).message.replace(/^not dead letters: /, '')}`);
        }
      });
      process.stdout.write(replayed.length === 0 ? '没有失败的回传。\n' : `已重放 ${replayed.length} 条，${o.table ? '将由下一次定时任务发送' : '将在下次 tousu start 时发送'}。\n`);
    });

  target(wo.command('export').description('导出回传批次（CSV 或 JSON，格式见 docs/workorder-outbound.md）(export batch)'))
    .requiredOption('--format <format>', 'csv 或 json')
    .option('--status <status>', 'pending、delivered 或 dead（默认全部）')
    .action(async (o: Options & { format: string; status?: string }) => {
      if (o.format !== 'csv' && o.format !== 'json') throw new UsageError(`--format 只能是 csv 或 json，收到“${o.format}”。`);
      const status = parseStatus(o.status);
      const answer = await live<{ items: WorkOrderOutboxItem[] }>(o, 'GET', `/admin/workorders?full=1${status ? `&status=${status}` : ''}`);
      const items = answer?.items ?? (await withOutbox(o, (outbox) => outbox.list(status)));
      process.stdout.write(
        exportBatch(
          items.map((x) => x.report),
          o.format,
          systemClock.now().toISOString(),
        ),
      );
    });
}
