/**
 * `tousu start`: the embedded runtime (infra/local/runtime.ts) in the foreground until SIGINT/SIGTERM.
 */
import type { Command } from 'commander';
import { UsageError } from '../usage-error';
import { startRuntime } from '../../local/runtime';
import type { Runtime } from '../../local/runtime';
import type { LogFormat } from '../../local/log';

interface StartOpts {
  port: string;
  smtpPort: string;
  dataDir: string;
  jurisdiction?: string;
  clockScale?: string;
  clockStart?: string;
  host: string;
  relay?: string;
  logFormat: string;
}

function parsePort(v: string, flag: string): number {
  if (!/^\d{1,5}$/.test(v) || Number(v) > 65535) throw new UsageError(`${flag} 应为 0 到 65535 之间的端口号，收到“${v}”。`);
  return Number(v);
}

export function parseStartOptions(o: StartOpts) {
  const logFormat = o.logFormat as LogFormat;
  if (logFormat !== 'text' && logFormat !== 'json') throw new UsageError(`--log-format 只能是 text 或 json，收到“${o.logFormat}”。`);
  let clockScale: number | undefined;
  if (o.clockScale !== undefined) {
    clockScale = Number(o.clockScale);
    if (!Number.isFinite(clockScale) || clockScale < 1) throw new UsageError(`--clock-scale 应为不小于 1 的数字（虚拟时钟倍速），收到“${o.clockScale}”。`);
  }
  if (o.clockStart !== undefined && Number.isNaN(Date.parse(o.clockStart))) throw new UsageError(`--clock-start 应为 ISO 时间（如 2026-03-02T09:00:00+08:00），收到“${o.clockStart}”。`);
  if (o.relay !== undefined && !/^smtps?:\/\//.test(o.relay)) throw new UsageError(`--relay 应为 smtp://主机:端口 或 smtps://…，收到“${o.relay}”。`);
  if (o.jurisdiction !== undefined && !/^\d{6}(-[A-Za-z0-9]+)?$/.test(o.jurisdiction)) throw new UsageError(`--jurisdiction 应为行政区划代码（如 510903），收到“${o.jurisdiction}”。`);
  return {
    dataDir: o.dataDir,
    host: o.host,
    port: parsePort(o.port, '--port'),
    smtpPort: parsePort(o.smtpPort, '--smtp-port'),
    ...(o.jurisdiction ? { jurisdiction: o.jurisdiction } : {}),
    ...(clockScale !== undefined ? { clockScale } : {}),
    ...(o.clockStart ? { clockStart: o.clockStart } : {}),
    ...(o.relay ? { relay: o.relay } : {}),
    logFormat,
  };
}

function banner(rt: Runtime, host: string, logFormat: LogFormat, startMs: number): string {
  const s = rt.status();
  const clock = s.clock.kind === 'real' ? '真实时间 (real time)' : `虚拟时钟 ×${s.clock.scale ?? 1}，当前 ${s.clock.now} (virtual clock)`;
  const lines = [
    `tousu 已启动 (started in ${Date.now() - startMs} ms) — ${rt.jurisdiction.name}（${rt.jurisdiction.code}）`,
    `  投诉表单 / complaint form   ${rt.httpUrl}/`,
    `  进度查询 / status page      ${rt.httpUrl}/status`,
    `  工作人员 / staff API        ${rt.httpUrl}/api/cases   （登录 POST ${rt.httpUrl}/api/auth/login）`,
    `  邮件接收 / SMTP intake      smtp://${host}:${rt.smtpPort}  收件地址 ${rt.jurisdiction.intakeAddress}`,
    `  收件文件夹 / watched inbox  ${rt.paths.inbox}/letters  ${rt.paths.inbox}/box`,
    `  发件箱 / outbox (.eml)      ${rt.paths.outbox}`,
    `  数据目录 / data directory   ${rt.paths.root}`,
    `  时钟 / clock                ${clock}`,
    `  日志 / log (JSON lines)     ${rt.paths.logFile}${logFormat === 'json' ? '  (and stdout)' : ''}`,
    `  恢复的在办投诉件 / resumed open cases: ${rt.resumed.length}`,
    ...(rt.calendarStatus.warning ? [`  ⚠ 工作日历 / calendar: ${rt.calendarStatus.warning}`] : []),
    '按 Ctrl+C 停止 (Ctrl+C stops; in-flight writes finish first).',
  ];
  return lines.join('\n') + '\n';
}

function firstStartHint(dataDir: string): string {
  return [
    '',
    '首次启动：还没有工作人员账户。请在另一个终端创建第一个管理员（输入密码后按回车）：',
    'First start: there is no staff account yet. In another terminal, create the first administrator (type the password, then Enter):',
    '',
    `  npx tousu users add --username admin --role admin --data-dir ${dataDir} --password-stdin`,
    '',
    '然后用同样的命令创建政务服务管理机构账户（--role agency）和各部门联络人账户（--role department --department 部门编码）。',
    'Then create agency staff (--role agency) and department liaisons (--role department --department CODE) the same way.',
    '',
  ].join('\n');
}

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('运行嵌入式运行时：HTTP 接口和页面、SMTP 邮件接收、收件文件夹、发件箱、流程引擎、本地数据库 (the embedded runtime)')
    .option('--port <port>', 'HTTP 端口 (HTTP port)', '8080')
    .option('--smtp-port <port>', 'SMTP 接收端口 (SMTP intake port)', '2525')
    .option('--data-dir <dir>', '数据目录 (data directory)', '.tousu')
    .option('--jurisdiction <code>', '辖区代码，默认 510903 (jurisdiction code)')
    .option('--clock-scale <n>', '虚拟时钟倍速，用于演示和测试 (virtual clock: N times faster)')
    .option('--clock-start <iso>', '虚拟时钟起点 (virtual clock start instant)')
    .option('--host <host>', '监听地址 (interface to bind)', '127.0.0.1')
    .option('--relay <url>', '通过 SMTP 服务器转发发件箱中的邮件，如 smtp://mail.example.gov.cn:25 (relay the outbox)')
    .option('--log-format <format>', 'text（默认，终端摘要）或 json（每个事件一行 JSON）', 'text')
    .action(async (o: StartOpts) => {
      const startMs = Date.now();
      const opts = parseStartOptions(o);
      const rt = await startRuntime(opts);
      if (opts.logFormat === 'text') process.stdout.write(banner(rt, opts.host, opts.logFormat, startMs));
      if ((await rt.users.list()).length === 0) process.stdout.write(firstStartHint(o.dataDir));

      await new Promise<void>((resolve) => {
        let signals = 0;
        const onSignal = (sig: NodeJS.Signals) => {
          signals += 1;
          if (signals > 1) {
            process.stderr.write('再次收到中断信号，立即退出 (forced exit)\n');
            process.exit(130);
          }
          rt.logger.say(`收到 ${sig}，正在停止：完成进行中的写入，关闭服务和数据库… (stopping)`, 'signal', { signal: sig });
          void rt.stop().then(resolve, (err: unknown) => {
            process.stderr.write(`停止时出错：${err instanceof Error ? err.message : String(err)}\n`);
            process.exitCode = 1;
            resolve();
          });
        };
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
      });
      process.stdout.write('tousu 已停止 (stopped)\n');
      // Nothing should keep the process alive now; if a library left a handle open, do not hang the terminal.
      setTimeout(() => process.exit(process.exitCode ?? 0), 2000).unref();
    });
}
