import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { DEFAULT_JURISDICTION, listJurisdictions, loadJurisdiction } from '../../../shared/config/load';
import type { JurisdictionConfig } from '../../../shared/domain/jurisdiction';
import { ingestEmail } from '../../../shared/email-intake/service';
import { systemClock } from '../../../shared/ports';
import { UsageError } from '../usage-error';

interface EmailOptions {
  dryRun?: boolean;
  json?: boolean;
  jurisdiction?: string;
  config?: string;
  api: string;
  token?: string;
}

function jurisdictionFor(opts: EmailOptions): JurisdictionConfig {
  if (opts.config) return loadJurisdiction(opts.config);
  if (opts.jurisdiction) return loadJurisdiction(opts.jurisdiction);
  // The same default as `tousu start`: the only configured jurisdiction, else 510903.
  const all = listJurisdictions();
  if (all.length === 0) throw new UsageError('没有找到辖区配置，请用 --jurisdiction CODE 或 --config FILE 指定。');
  const only = all.length === 1 ? all[0] : undefined;
  return loadJurisdiction(only ? only.file : DEFAULT_JURISDICTION);
}

async function readMail(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new UsageError(`无法读取邮件文件 ${file}：${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

async function dryRun(files: string[], opts: EmailOptions): Promise<void> {
  const jurisdiction = jurisdictionFor(opts);
  for (const file of files) {
    const raw = await readMail(file);
    const result = await ingestEmail(raw, 'cli', { clock: systemClock, jurisdiction, dryRun: true });
    if (opts.json) {
      const line = result.ignored ? { file, ignored: true, reason: result.reason } : { file, ignored: false, intake: result.intake };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    } else if (result.ignored) {
      process.stdout.write(`${file}: 不立案（${result.reason}）：${result.detail}\n`);
    } else {
      const i = result.intake;
      process.stdout.write(
        `${file}: 投诉人 ${i.complainant.name ?? (i.complainant.anonymous ? '匿名' : '未知')}；被投诉单位 ${i.respondent.unit ?? '未识别'}；` +
          `原始发送时间 ${i.originalSentAt ?? '未知'}；转发方 ${i.forwardedBy ?? '无'}；附件 ${i.evidence.length} 个\n`,
      );
    }
  }
}

async function submit(files: string[], opts: EmailOptions): Promise<void> {
  const token = opts.token ?? process.env.TOUSU_TOKEN;
  if (!token) throw new UsageError('提交到运行中的系统需要登录令牌：请用 --token 或环境变量 TOUSU_TOKEN 提供。');
  const url = `${opts.api.replace(/\/+$/, '')}/api/intake/email`;
  let failures = 0;
  for (const file of files) {
    const raw = await readMail(file);
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'message/rfc822', Authorization: `Bearer ${token}` }, body: raw });
    } catch (err) {
      throw new Error(`无法连接 ${url}：${err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err)}`, { cause: err });
    }
    const text = await response.text();
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = { message: text.slice(0, 200) };
    }
    if (!response.ok) {
      failures++;
      process.stderr.write(`${file}: 提交失败（HTTP ${response.status}）：${String(body.message ?? body.error ?? '')}\n`);
      continue;
    }
    if (opts.json) process.stdout.write(`${JSON.stringify({ file, ...body })}\n`);
    else if (body.ignored) process.stdout.write(`${file}: 不立案（${String(body.reason)}），已存入隔离区 ${String(body.quarantineId ?? '')}\n`);
    else process.stdout.write(`${file}: ${String(body.caseId)}\n`);
  }
  if (failures > 0) process.exitCode = 1;
}

export function registerIntakeEmail(intake: Command): void {
  intake
    .command('email')
    .description('解析原始邮件（.eml）并导入为投诉件 / parse raw MIME mails into complaints')
    .argument('<files...>', '原始邮件文件（.eml）')
    .option('--dry-run', '只解析，不提交、不存储（附件引用为 dryrun:<sha256>）')
    .option('--json', '每个文件输出一行 JSON：{"file","ignored","reason"?,"intake"?}')
    .option('--jurisdiction <code>', `辖区行政区划代码（默认 ${DEFAULT_JURISDICTION}，与 tousu start 相同）`)
    .option('--config <file>', '辖区配置文件路径')
    .option('--api <url>', '运行中的系统地址', 'http://127.0.0.1:8080')
    .option('--token <token>', '登录令牌（默认取环境变量 TOUSU_TOKEN）')
    .action(async (files: string[], opts: EmailOptions) => {
      if (opts.dryRun) await dryRun(files, opts);
      else await submit(files, opts);
    });
}
