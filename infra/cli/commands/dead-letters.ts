/**
 * `tousu dead-letters list|replay [ID]`: intakes that could not become a case after the retries
 * (shared/services/dead-letters.ts, `DLQ#` items of the table), plus, in the embedded runtime, the raw mails the
 * SMTP listener kept in `<data-dir>/dead-letters/smtp/` when even the store failed. One command for both.
 *
 * - `list`: open (or `--status resolved`) dead letters, oldest first; ids, channel, error, attempts. Never the
 *   content (personal data).
 * - `replay ID`: submits the parked intake again (idempotent on its source key: a case that exists meanwhile is
 *   found, never doubled). `replay --all`: every open one, and the raw mails.
 *
 * Targets: while `tousu start` runs on the data directory, the command goes through the runtime's admin endpoint, a
 * Unix socket in the data directory (two processes never open the same LevelDB, and new cases start on the running
 * engine); when it is stopped, the command opens the data directory itself (new cases start at the next `tousu start`); with
 * `--table`, a deployed table on AWS.
 */
import type { Command } from 'commander';
import { readdir } from 'node:fs/promises';
import { systemClock } from '../../../shared/ports';
import { replayAll, replayDeadLetter } from '../../../shared/services/dead-letters';
import type { DeadLetter, ReplayOutcome } from '../../../shared/services/dead-letters';
import type { DeadLetterListing, ReplayAllResult } from '../../local/recovery';
import type { ReplayResult } from '../../local/smtp-intake';
import { dataPaths } from '../../local/runtime';
import { UsageError } from '../usage-error';
import { addTargetOptions, openTarget } from './reconcile';
import type { TargetOptions } from './reconcile';
import { adminRequest } from './users';

type DeadLetterView = Omit<DeadLetter, 'payload'>;

function line(d: DeadLetterView): string {
  return [
    d.id,
    d.kind,
    d.channel ?? '-',
    d.sourceKey.slice(0, 60),
    `${d.error.name}${d.error.code ? `/${d.error.code}` : ''}`,
    `尝试${d.attempts}次`,
    d.firstFailedAt,
    d.status === 'resolved' ? `→ ${d.resolution?.caseId ?? ''}` : '',
  ].join('\t');
}

function outcomeLine(r: ReplayOutcome): string {
  return r.ok ? `${r.id}\t已立案 ${r.caseId}\t${r.note}` : `${r.id}\t仍失败 ${r.error.name}\t${r.note}`;
}

function smtpLine(r: ReplayResult): string {
  return `smtp ${r.file}\t${r.ok ? (r.caseId ? `已立案 ${r.caseId}` : r.ignored ? '已隔离（非投诉邮件）' : '已处理（如未立案，已转为死信，见 list）') : `仍失败 ${r.error ?? ''}`}`;
}

/** The running runtime's answer, or undefined when no runtime runs on the data directory (or `--table` is given). */
function viaRuntime<T>(o: TargetOptions, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T | undefined> {
  if (o.table) return Promise.resolve(undefined);
  return adminRequest(o.dataDir, method, path, body) as Promise<T | undefined>;
}

function printListing(listing: DeadLetterListing, json: boolean): void {
  for (const d of listing.items) process.stdout.write((json ? JSON.stringify(d) : line(d)) + '\n');
  for (const f of listing.smtp) process.stdout.write(`${json ? JSON.stringify({ kind: 'smtp_mail', file: f }) : `smtp\t${f}`}\n`);
  if (listing.items.length + listing.smtp.length === 0 && !json) process.stdout.write('没有死信。\n');
}

function printReplay(r: ReplayAllResult): void {
  if (r.store.length + r.smtp.length === 0) process.stdout.write('没有未处理的死信。\n');
  for (const x of r.store) process.stdout.write(outcomeLine(x) + '\n');
  for (const x of r.smtp) process.stdout.write(smtpLine(x) + '\n');
  if (r.store.some((x) => !x.ok) || r.smtp.some((x) => !x.ok)) process.exitCode = 1;
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
      const live = await viaRuntime<DeadLetterListing>(o, 'GET', `/admin/dead-letters?status=${o.status}`);
      if (live) return printListing(live, o.json === true);
      const target = await openTarget(o);
      try {
        const listing: DeadLetterListing = { items: [], smtp: [] };
        let cursor: string | undefined;
        do {
          const page = await target.deadLetters.list({ jurisdiction: target.jurisdiction.code, status: o.status, limit: 100, ...(cursor ? { cursor } : {}) });
          for (const { payload: _payload, ...safe } of page.items) listing.items.push(safe);
          cursor = page.cursor;
        } while (cursor);
        if (!o.table && o.status === 'open') listing.smtp = (await readdir(dataPaths(o.dataDir).deadLetters).catch(() => [] as string[])).filter((f) => f.endsWith('.eml')).sort();
        printListing(listing, o.json === true);
      } finally {
        await target.close();
      }
    });

  addTargetOptions(dl.command('replay [id]').description('重放死信（幂等：已立案的不会重复）(replay; idempotent)'))
    .option('--all', '重放全部未处理的死信（含暂存的原始邮件）')
    .action(async (id: string | undefined, o: TargetOptions & { all?: boolean }) => {
      if (!id && !o.all) throw new UsageError('请给出死信编号（tousu dead-letters list 可查看），或用 --all 重放全部。');
      if (id !== undefined && !/^[a-f0-9]{32}$/.test(id)) throw new UsageError(`死信编号应为 32 位十六进制字符，收到“${id}”。`);
      const live = await viaRuntime<ReplayAllResult>(o, 'POST', '/admin/dead-letters/replay', id ? { id } : {});
      if (live) return printReplay(live);
      const target = await openTarget(o);
      try {
        const deps = { submit: target.submit, deadLetters: target.deadLetters, store: target.store, clock: systemClock };
        const store = id ? [await replayDeadLetter(deps, id)] : await replayAll(deps, target.jurisdiction.code);
        // Raw mails need the runtime's mail parser and quarantine: they are replayed by the runtime (now, or on start).
        const smtp = !id && !o.table ? (await readdir(dataPaths(o.dataDir).deadLetters).catch(() => [] as string[])).filter((f) => f.endsWith('.eml')) : [];
        printReplay({ store, smtp: [] });
        if (smtp.length > 0) process.stdout.write(`另有 ${smtp.length} 封暂存的原始邮件，将在下次 tousu start 时自动重放。\n`);
        if (target.workflow.deferred?.length) process.stdout.write(`新立案的 ${target.workflow.deferred.length} 件投诉将在下次 tousu start 时启动流程。\n`);
      } finally {
        await target.close();
      }
    });
}
