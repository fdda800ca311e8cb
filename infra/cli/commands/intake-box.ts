import { existsSync, readFileSync } from 'node:fs';
import { resolveScanFiles, scanNames } from '../../../shared/intake/scan-files';
import { folderScanFiles } from '../../../shared/adapters/local/folder-scan-files';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../usage-error';
import { parseBoxCsv } from '../../../shared/intake/csv';
import { postStaffIntake } from '../../../functions/staff-intake/client';
import { DEFAULT_API, runBatch } from './intake-batch';
import type { BatchRow } from './intake-batch';

export function registerIntakeBox(intake: Command): void {
  intake
    .command('box')
    .description('登记一次意见箱/意见簿开箱（每张意见单一件投诉；未署名的为匿名） / one suggestion-box opening')
    .argument('<file>', 'CSV：box、place、openedAt、openedBy（两人，以;分隔）、slipNo、signed、matter、respondentUnit、name、phone、file…')
    .option('--scans <dir>', '意见单扫描件目录（默认：CSV 所在目录）')
    .option('--api <url>', '运行中的实例地址', DEFAULT_API)
    .option('--token <token>', '工作人员令牌（默认读取 TOUSU_TOKEN）')
    .option('--report <file>', '错误报告 CSV（默认：<文件>.errors.csv）')
    .option('--json', '每行结果输出一行 JSON')
    .action(async (file: string, opts: { scans?: string; api: string; token?: string; report?: string; json?: boolean }) => {
      if (!existsSync(file)) throw new UsageError(`文件不存在：${file}`);
      const token = opts.token ?? process.env.TOUSU_TOKEN;
      const scanDir = opts.scans ?? dirname(resolve(file));
      const scans = folderScanFiles(scanDir);
      const rows: BatchRow[] = parseBoxCsv(readFileSync(file, 'utf8')).map((r) => {
        if (!r.value) return { row: r.row, problems: r.problems };
        const slip = r.value;
        const names = scanNames(slip.file);
        // The same resolver as the folder watch and S3: names stay inside the folder; every missing scan is named; read only when the row is sent.
        return {
          row: r.row,
          submit: async () => {
            const { files, problems } = await resolveScanFiles(names, scans);
            if (problems.length > 0) return { ok: false as const, badInput: true, problems };
            return postStaffIntake(
              { api: opts.api, ...(token ? { token } : {}) },
              'box',
              slip,
              files.map((f) => ({ filename: f.filename, bytes: f.bytes })),
            );
          },
        };
      });
      await runBatch(rows, opts.report ?? `${resolve(file)}.errors.csv`, { ...(opts.json ? { json: true } : {}) });
    });
}
