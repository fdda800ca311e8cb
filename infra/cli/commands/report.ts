/**
 * `tousu report evaluation --quarter YYYYQn [--format json|csv|html] [--jurisdiction CODE] [--data-dir DIR]
 * [--out FILE]`: the art. 20 quarterly evaluation and art. 17 analysis, read from the embedded runtime's
 * SQLite database (`<data-dir>/tousu.db`) or from a DynamoDB endpoint (`--endpoint`). While `tousu start` runs on
 * the data directory, the running runtime builds the report (its admin endpoint); the rendering is the same. A data
 * directory of the dynalite era is migrated by `tousu migrate` or `tousu start` first (a report never writes).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { REPORT_FORMATS, isQuarter, quarterLabel, renderReport } from '../../../shared/domain/evaluation';
import type { EvaluationReport, JurisdictionRef, ReportFormat } from '../../../shared/domain/evaluation';
import { loadJurisdiction } from '../../../shared/config/load';
import { composeRules } from '../../../shared/composition/jurisdiction';
import { isTousuError } from '../../../shared/domain/errors';
import { systemClock } from '../../../shared/ports';
import { buildQuarterReport } from '../../../shared/services/evaluation';
import { openEmbeddedStorage } from '../../local/composition';
import type { EvaluationFactStore } from '../../../shared/ports/evaluation-facts';
import { DynamoDBClient as SdkDynamoDBClient } from '@aws-sdk/client-dynamodb';
import { needsMigration } from '../../local/migrate';
import { UsageError } from '../usage-error';
import { dataPaths, DEFAULT_JURISDICTION, TABLE_NAME } from '../../local/runtime';
import { privateUmask } from '../../local/private-dir';
import { adminRequest } from './users';

export const DEFAULT_DATA_DIR = '.tousu';
export const DEFAULT_TABLE = 'tousu';

export interface EvaluationCommandOptions {
  quarter: string;
  format?: string;
  jurisdiction?: string;
  dataDir?: string;
  out?: string;
  endpoint?: string;
  table?: string;
}

/** Jurisdiction names and departments for the report; a code without a configuration file still works. */
function jurisdictionRef(code: string): { ref: JurisdictionRef; warning?: string } {
  try {
    return { ref: loadJurisdiction(code) };
  } catch (err) {
    if (isTousuError(err)) return { ref: { code }, warning: `未找到辖区 ${code} 的配置文件，报告中的部门以编码显示。` };
    throw err;
  }
}

async function tableExists(client: DynamoDBClient, table: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: table }));
    return true;
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return false;
    throw err;
  }
}

/** The jurisdiction a data directory was first started for (`tousu start` records it), when there is one. */
function recordedJurisdiction(opts: EvaluationCommandOptions): string | undefined {
  if (opts.endpoint) return undefined;
  try {
    const recorded = JSON.parse(readFileSync(dataPaths(resolve(opts.dataDir ?? DEFAULT_DATA_DIR)).instance, 'utf8')) as { jurisdiction?: unknown };
    return typeof recorded.jurisdiction === 'string' ? recorded.jurisdiction : undefined;
  } catch {
    return undefined;
  }
}

const noFactsMessage = (ref: { name?: string | undefined }, code: string, quarter: string) =>
  `${ref.name ?? code}（${code}）${quarterLabel(quarter)}没有任何考评数据：该季度没有收到、办结、超期或回访的投诉记录。`;

/** Runs the command without printing: returns the rendered report and messages for stderr. */
export async function runEvaluationReport(opts: EvaluationCommandOptions): Promise<{ output: string; report: EvaluationReport; messages: string[] }> {
  const quarter = opts.quarter?.trim() ?? '';
  if (!isQuarter(quarter)) throw new UsageError(`--quarter 应为 YYYYQn 格式（例如 2024Q1），收到“${opts.quarter ?? ''}”。`);
  const format = (opts.format ?? 'json') as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) throw new UsageError(`--format 应为 ${REPORT_FORMATS.join('、')} 之一，收到“${opts.format}”。`);
  const code = opts.jurisdiction ?? recordedJurisdiction(opts) ?? DEFAULT_JURISDICTION;
  if (!/^\d{6}(-[A-Za-z0-9]+)?$/.test(code)) throw new UsageError(`--jurisdiction 应为6位行政区划代码（园区可加后缀，如 510900-GX），收到“${code}”。`);
  const table = opts.table ?? DEFAULT_TABLE;
  const messages: string[] = [];

  if (!opts.endpoint) {
    const live = (await adminRequest(opts.dataDir ?? DEFAULT_DATA_DIR, 'POST', '/admin/reports/evaluation', { quarter, jurisdiction: code })) as EvaluationReport | undefined;
    if (live) {
      if (table !== TABLE_NAME) throw new UsageError(`运行中的 tousu start 只使用表“${TABLE_NAME}”，不能读取 --table ${table}。`);
      const { warning } = jurisdictionRef(code);
      if (warning) messages.push(warning);
      if (live.factsUsed === 0) messages.push(noFactsMessage(live.jurisdiction, code, quarter));
      return { output: renderReport(live, format), report: live, messages };
    }
  }

  const { ref, warning } = jurisdictionRef(code);
  const build = async (facts: EvaluationFactStore) => {
    if (warning) messages.push(warning);
    const report = await buildQuarterReport({ facts, rules: composeRules(), clock: systemClock }, ref, quarter);
    if (report.factsUsed === 0) messages.push(noFactsMessage(ref, code, quarter));
    return { output: renderReport(report, format), report, messages };
  };
  if (opts.endpoint) {
    const client = new SdkDynamoDBClient({
      endpoint: opts.endpoint,
      region: process.env.AWS_REGION ?? 'local',
      credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'local', secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'local' },
    });
    try {
      if (!(await tableExists(client, table))) throw new UsageError(`${opts.endpoint} 中没有投诉数据表“${table}”：该数据目录还没有任何数据。`);
      return await build(openEmbeddedStorage({ dynamo: { client, tableName: table } }).facts);
    } finally {
      client.destroy();
    }
  }
  const dataDir = resolve(opts.dataDir ?? DEFAULT_DATA_DIR);
  const paths = dataPaths(dataDir);
  if (needsMigration(paths)) {
    throw new UsageError(`数据目录 ${dataDir} 还是旧版格式（${paths.dynamodb}）。请先运行 tousu migrate --data-dir ${opts.dataDir ?? DEFAULT_DATA_DIR}（或 tousu start，会自动迁移）。`);
  }
  // Never create an empty store where the user expected data.
  if (!existsSync(paths.database) || !statSync(paths.database).isFile()) {
    throw new UsageError(
      `数据目录 ${dataDir} 中没有数据（未找到 ${paths.database}）。请先用 tousu start --data-dir ${opts.dataDir ?? DEFAULT_DATA_DIR} 运行系统并受理投诉，或用 --data-dir 指定正确的目录。`,
    );
  }
  // The WAL files SQLite may create beside the database: private, like the rest of the data directory.
  privateUmask();
  // The stores as the runtime opens them (infra/local/composition.ts, the embedded composition root).
  const storage = openEmbeddedStorage({ databaseFile: paths.database });
  try {
    return await build(storage.facts);
  } finally {
    storage.close();
  }
}

export function registerReport(program: Command): void {
  const report = program.command('report').description('报表 (reports)');
  report
    .command('evaluation')
    .description('第二十条季度考评与第十七条投诉分析报告 (art. 20 quarterly evaluation, art. 17 analysis)')
    .requiredOption('--quarter <YYYYQn>', '季度（上海时间），例如 2024Q1')
    .option('--format <format>', '输出格式：json、csv（Excel 可直接打开）或 html（含图表的独立网页）', 'json')
    .option('--jurisdiction <code>', `辖区行政区划代码（默认：数据目录首次启动时的辖区，否则 ${DEFAULT_JURISDICTION}）`)
    .option('--data-dir <dir>', `嵌入式运行时的数据目录（默认 ${DEFAULT_DATA_DIR}），读取其中的 tousu.db 数据库`)
    .option('--out <file>', '写入文件（默认输出到标准输出）')
    .option('--endpoint <url>', '改为连接一个 DynamoDB 端点（例如 DynamoDB Local；运行中的 tousu start 不开放数据库端口，无需此项）')
    .option('--table <name>', `表名（默认 ${DEFAULT_TABLE}）`)
    .addHelpText('after', '\n示例：\n  tousu report evaluation --quarter 2024Q1 --format html --jurisdiction 510903 --out 2024Q1.html\n')
    .action(async (opts: EvaluationCommandOptions) => {
      const { output, messages } = await runEvaluationReport(opts);
      for (const m of messages) process.stderr.write(`${m}\n`);
      if (opts.out) {
        await writeFile(opts.out, output, 'utf8');
        process.stderr.write(`报告已写入 ${opts.out}\n`);
      } else {
        process.stdout.write(output);
      }
    });
}
