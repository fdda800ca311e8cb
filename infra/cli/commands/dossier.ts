/**
 * `tousu dossier CASE_ID [--out FILE] [--api URL] [--token TOKEN]`: the art. 18 dossier (归档成册) of an archived
 * case as printable HTML, fetched from the running system (`GET /api/cases/{caseId}/dossier`), so the read follows
 * the caller's role and is audited like any case read. Writes to FILE or to stdout.
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { UsageError } from '../usage-error';

export interface DossierOptions {
  api: string;
  token?: string;
  out?: string;
}

export async function fetchDossier(caseId: string, opts: DossierOptions): Promise<void> {
  const token = opts.token ?? process.env.TOUSU_TOKEN;
  if (!token) throw new UsageError('读取归档案卷需要登录令牌：请用 --token 或环境变量 TOUSU_TOKEN 提供。');
  if (!/^[A-Za-z0-9-]{1,128}$/.test(caseId)) throw new UsageError(`受理编号“${caseId}”的格式不正确。`);
  const url = `${opts.api.replace(/\/+$/, '')}/api/cases/${encodeURIComponent(caseId)}/dossier`;
  let response: Response;
  try {
    response = await fetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: 'text/html' } });
  } catch (err) {
    throw new Error(`无法连接 ${url}：${err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err)}`, { cause: err });
  }
  const text = await response.text();
  if (!response.ok) {
    let message = text.slice(0, 200);
    try {
      message = String((JSON.parse(text) as { message?: unknown }).message ?? message);
    } catch {
      // not JSON: the first characters as they are
    }
    const error = `读取归档案卷失败（HTTP ${response.status}）：${message}`;
    // A refusal or a case that is not there / not archived is the caller's input; anything else a failure.
    if ([400, 403, 404, 409].includes(response.status)) throw new UsageError(error);
    throw new Error(error);
  }
  if (opts.out) {
    await writeFile(opts.out, text, 'utf8');
    process.stderr.write(`已写入 ${opts.out}：用浏览器打开后打印（Ctrl+P）。\n`);
  } else {
    process.stdout.write(text);
  }
}

export function registerDossier(program: Command): void {
  program
    .command('dossier')
    .description('归档案卷（第十八条，归档成册）：输出已归档投诉件的可打印 HTML / the printable dossier of an archived case')
    .argument('<caseId>', '受理编号')
    .option('--out <file>', '写入文件（默认输出到标准输出）')
    .option('--api <url>', '运行中的系统地址', 'http://127.0.0.1:8080')
    .option('--token <token>', '登录令牌（默认取环境变量 TOUSU_TOKEN）')
    .action(async (caseId: string, opts: DossierOptions) => {
      await fetchDossier(caseId, opts);
    });
}
