/**
 * `tousu dead-letters list|replay [ID]`: intakes that could not become a case after the retries
 * (shared/services/dead-letters.ts, `DLQ#` items of the table), plus, in the embedded runtime, the raw mails the
 * SMTP listener parked in `<data-dir>/dead-letters/smtp/`.
 *
 * - `list`: open (or `--status resolved`) dead letters, oldest first; ids, channel, error, attempts. Never the
 *   content (personal data).
 * - `replay ID`: submits the parked intake again (idempotent on its source key: a case that exists meanwhile is
 *   found, never doubled). `replay --all`: every open one. Without ID and `--all`, and while `tousu start` runs,
 *   the SMTP folder is replayed through the runtime (as before).
 *
 * This command supersedes the SMTP-only `dead-letters` group of infra/cli/commands/start.ts: registered after
 * it, it takes its place (commander refuses two commands with one name).
 */
import type { Command } from 'commander';
import { readdir } from 'node:fs/promises';
import { systemClock } from '../../../shared/ports';
import { replayAll, replayDeadLetter } from '../../../shared/services/dead-letters';
import type { DeadLetter, ReplayOutcome } from '../../../shared/services/dead-letters';
import { dataPaths, readLiveLock } from '../../local/runtime';
import { UsageError } from '../usage-error';
import { addTargetOptions, openTarget } from './reconcile';
import type { TargetOptions } from './reconcile';
import { adminRequest } from './users';

function line(d: DeadLetter): string {
  return [d.id, d.kind, d.channel ?? '-', d.sourceKey.slice(0, 60), `${d.error.name}${d.error.code ? `/${d.error.code}` : ''}`, `尝试${d.attempts}次`, d.firstFailedAt, d.status === 'resolved' ? `→ ${d.resolution?.caseId ?? ''}` : ''].join('\t');
}

function outcomeLine(r: ReplayOutcome): string {
  return r.ok ? `${r.id}\t已立案 ${r.caseId}\t${r.note}` : `${r.id}\t仍失败 ${r.error.name}\t${r.note}`;
}

export function registerDeadLetters(program: Command): void {
  const existing = program.commands.findIndex((c) => c.name() === 'dead-letters');
  if (existing >= 0) (program.commands as Command[]).splice(existing, 1);
  const dl = program.command('dead-letters').description('处理失败而暂存的投诉（死信）：查看与重放 (intakes parked after failures: list and replay)');

  addTargetOptions(dl.command('list').description('列出死信 (list)'))
    .option('--status <status>', 'open（默认）或 resolved', 'open')
    .option('--json', '每条一行 JSON（不含投诉内容）')
    .action(async (o: TargetOptions & { status: string; json?: boolean }) => {
      if (o.status !== 'open' && o.status !== 'resolved') throw new UsageError(`--status 只能是 open 或 resolved，收到“${o.status}”。`);
      if (!o.table && (await readLiveLock(dataPaths(o.dataDir)))) {
        throw new UsageError('tousu start 正在运行：死信存放在它的数据库中，请先停止运行时再查看；暂存的邮件可用 tousu dead-letters replay 重放。');
      }
      const target = await openTarget(o);
      try {
        let cursor: string | undefined;
        let n = 0;
        do {
          const page = await target.deadLetters.list({ jurisdiction: target.jurisdiction.code, status: o.status, limit: 100, ...(cursor ? { cursor } : {}) });
          for (const d of page.items) {
            n++;
            const { payload: _payload, ...safe } = d;
            process.stdout.write((o.json ? JSON.stringify(safe) : line(d)) + '\n');
          }
          cursor = page.cursor;
        } while (cursor);
        if (!o.table) {
          const smtp = (await readdir(dataPaths(o.dataDir).deadLetters).catch(() => [] as string[])).filter((f) => f.endsWith('.eml'));
          for (const f of smtp) process.stdout.write(`${o.json ? JSON.stringify({ kind: 'smtp_mail', file: f }) : `smtp\t${f}`}\n`);
          n += smtp.length;
        }
        if (n === 0 && !o.json) process.stdout.write('没有死信。\n');
      } finally {
        await target.close();
      }
    });

  addTargetOptions(dl.command('replay [id]').description('重放死信（幂等：已立案的不会重复）(replay; idempotent)'))
    .option('--all', '重放全部未处理的死信')
    .action(async (id: string | undefined, o: TargetOptions & { all?: boolean }) => {
      if (!id && !o.all) {
        // The runtime's SMTP folder, through the running runtime (as `tousu start`'s own group did).
        const out = (await adminRequest(o.dataDir, 'POST', '/admin/dead-letters/replay')) as { results: { file: string; ok: boolean; caseId?: string; error?: string }[] } | undefined;
        if (!out) throw new UsageError('请给出死信编号（tousu dead-letters list 可查看），或用 --all 重放全部；暂存的邮件在 tousu start 运行时重放。');
        if (out.results.length === 0) process.stdout.write('没有暂存的邮件。\n');
        for (const r of out.results) process.stdout.write(`${r.file}\t${r.ok ? `已处理 ${r.caseId ?? ''}` : `仍失败：${r.error ?? ''}`}\n`);
        if (out.results.some((r) => !r.ok)) process.exitCode = 1;
        return;
      }
      if (id !== undefined && !/^[a-f0-9]{32}$/.test(id)) throw new UsageError(`死信编号应为 32 位十六进制字符，收到“${id}”。`);
      const target = await openTarget(o);
      try {
        const deps = { submit: target.submit, deadLetters: target.deadLetters, store: target.store, clock: systemClock };
        const results = id ? [await replayDeadLetter(deps, id)] : await replayAll(deps, target.jurisdiction.code);
        if (results.length === 0) process.stdout.write('没有未处理的死信。\n');
        for (const r of results) process.stdout.write(outcomeLine(r) + '\n');
        if (target.workflow.deferred?.length) process.stdout.write(`新立案的 ${target.workflow.deferred.length} 件投诉将在下次 tousu start 时启动流程。\n`);
        if (results.some((r) => !r.ok)) process.exitCode = 1;
      } finally {
        await target.close();
      }
    });
}
