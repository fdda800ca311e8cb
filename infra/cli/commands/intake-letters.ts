import { existsSync, readFileSync } from 'node:fs';
import { resolveScanFiles } from '../../../shared/intake/scan-files';
import { folderScanFiles } from '../../../shared/adapters/local/folder-scan-files';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../usage-error';
import { letterFiles } from '../../../shared/intake/channels';
import { parseLetterManifest } from '../../../shared/intake/csv';
import { postStaffIntake } from '../../../functions/staff-intake/client';
import { DEFAULT_API, runBatch } from './intake-batch';
import type { BatchRow } from './intake-batch';

export function registerIntakeLetters(intake: Command): void {
  intake
    .command('letters')
    .description('上传来信扫描件及登记信息（每封信一件投诉），显示进度并输出错误报告 / upload scanned letters with a manifest CSV')
    .argument('<dir>', '扫描件所在目录')
    .requiredOption('--manifest <file>', '登记清单 CSV：file（扫描件，多页以;分隔）、matter、name、phone、respondentUnit、envelopeDate…')
    .option('--api <url>', '运行中的实例地址', DEFAULT_API)
    .option('--token <token>', '工作人员令牌（默认读取 TOUSU_TOKEN）')
    .option('--report <file>', '错误报告 CSV（默认：<清单>.errors.csv）')
    .option('--json', '每行结果输出一行 JSON')
    .action(async (dir: string, opts: { manifest: string; api: string; token?: string; report?: string; json?: boolean }) => {
      if (!existsSync(dir)) throw new UsageError(`目录不存在：${dir}`);
      if (!existsSync(opts.manifest)) throw new UsageError(`清单文件不存在：${opts.manifest}`);
      const token = opts.token ?? process.env.TOUSU_TOKEN;
      const scans = folderScanFiles(dir);
      const rows: BatchRow[] = parseLetterManifest(readFileSync(opts.manifest, 'utf8')).map((r) => {
        if (!r.value) return { row: r.row, problems: r.problems };
        const row = r.value;
        const names = letterFiles(row);
        // The same resolver as the folder watch and S3: names stay inside the folder; every missing scan is named; read only when the row is sent.
        return {
          row: r.row,
          submit: async () => {
            const { files, problems } = await resolveScanFiles(names, scans);
            if (problems.length > 0) return { ok: false as const, badInput: true, problems };
            return postStaffIntake(
              { api: opts.api, ...(token ? { token } : {}) },
              'letter',
              row,
              files.map((f) => ({ filename: f.filename, bytes: f.bytes })),
            );
          },
        };
      });
      await runBatch(rows, opts.report ?? `${resolve(opts.manifest)}.errors.csv`, { ...(opts.json ? { json: true } : {}) });
    });
}
