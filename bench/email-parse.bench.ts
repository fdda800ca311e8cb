/**
 * Email intake throughput: MIME parsing, forward unwrapping and field extraction (dry run: no storage), for a
 * typical 10 KB forwarded complaint (GBK) and a 2 MB one with photo attachments. Standalone:
 * `npx tsx bench/email-parse.bench.ts`.
 */
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { ingestEmail } from '../shared/email-intake/service';
import { buildGbMail, textPart } from '../test/fixtures/email/encoders';
import { testJurisdiction } from '../test/fixtures/email/jurisdiction';

function complaintText(paddingChars: number): string {
  const head = `请处理。\n\n------------------ 原始邮件 ------------------\n发件人: "王秀英"<wangxiuying@qq.com>;\n发送时间: 2024年3月5日(星期二) 上午10:12\n收件人: "市场监管局信访"<xinfang@scjgj.cs.test.gov.cn>;\n主题: 投诉办证窗口\n\n投诉人：王秀英\n联系电话：13812345678\n被投诉单位：市场监督管理局\n投诉事项：营业执照变更登记三次被退回。\n事实和理由：\n`;
  const line = '2024年2月起先后三次提交材料，每次窗口给出的理由都不同，身份证510903199001011237。\n';
  return head + line.repeat(Math.max(1, Math.ceil(paddingChars / line.length)));
}

function mail(textChars: number, attachmentBytes: number[]): Buffer {
  return buildGbMail({
    charset: 'GBK',
    from: { name: '信访', address: 'xinfang@scjgj.cs.test.gov.cn' },
    to: 'tousu@zwfw.cs.test.gov.cn',
    subject: '转发：投诉办证窗口',
    date: 'Wed, 6 Mar 2024 09:30:00 +0800',
    messageId: '<bench@test>',
    multipart: 'mixed',
    parts: [
      textPart(complaintText(textChars), 'GBK', 'base64'),
      ...attachmentBytes.map((n, i) => ({ contentType: 'image/jpeg', body: randomBytes(n), transfer: 'base64' as const, disposition: `attachment; filename="photo${i}.jpg"` })),
    ],
  });
}

async function measure(raw: Buffer, iterations: number): Promise<{ msPerMail: number; mailsPerSecond: number }> {
  const deps = { clock: { now: () => new Date() }, jurisdiction: testJurisdiction, dryRun: true };
  for (let i = 0; i < 3; i++) await ingestEmail(raw, 'cli', deps);
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    const r = await ingestEmail(raw, 'cli', deps);
    if (r.ignored) throw new Error(`bench mail was quarantined: ${r.reason}`);
  }
  const ms = (performance.now() - started) / iterations;
  return { msPerMail: Number(ms.toFixed(3)), mailsPerSecond: Number((1000 / ms).toFixed(1)) };
}

export async function run(): Promise<{ name: string; results: Record<string, number | string> }> {
  const small = mail(3900, []);
  const large = mail(20000, [700_000, 700_000]);
  const s = await measure(small, 300);
  const l = await measure(large, 15);
  return {
    name: 'email-parse',
    results: {
      'mail_10k.bytes': small.length,
      'mail_10k.ms_per_mail': s.msPerMail,
      'mail_10k.mails_per_s': s.mailsPerSecond,
      'mail_2m.bytes': large.length,
      'mail_2m.ms_per_mail': l.msPerMail,
      'mail_2m.mails_per_s': l.mailsPerSecond,
      node: process.version,
    },
  };
}

if (process.argv[1] && /email-parse\.bench\.ts$/.test(process.argv[1])) {
  console.log(JSON.stringify(await run(), null, 2));
}
