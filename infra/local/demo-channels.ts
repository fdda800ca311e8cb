/**
 * The channel part of `tousu demo` (issue 6, item 10): sample complaints through EVERY intake channel of the
 * real embedded runtime (`startRuntime`: dynalite, the workflow engine on the real ASL, the Hono app, the SMTP
 * listener, the folder watch, the outbox), each sent the way it arrives in real life:
 *
 * - a QQ Mail forward in GBK, sent over SMTP with nodemailer to the intake address;
 * - the web form as JSON (`POST /api/complaints`, with an Idempotency-Key) and as a browser without JavaScript
 *   sends it (multipart form POST, `Accept: text/html`, the acknowledgement page parsed for the tracking number);
 * - a scanned-letter batch (manifest.csv + PNG/PDF scans made in code) dropped into `inbox/letters/`;
 * - a suggestion-box opening CSV (with a slip scan) dropped into `inbox/box/`;
 * - a 12345 work order, a phone entry and a window entry (major matter with its signed form, art. 7) through the
 *   staff intake API; and a duplicate of the work order through the web form, merged at once (art. 11).
 *
 * Staff accounts are created through the runtime's UserStore, log in over HTTP, and take every case along its
 * path with `POST /api/cases/{id}/actions` on the runtime's virtual clock (stepping by default, or
 * `--clock-scale N`). Each case's end is checked through the staff API (phase, outcome, timeline, merge, notices in
 * the outbox) and, for the web cases, through the citizen's status look-up. Nothing here decides a business
 * rule; a problem is reported in Chinese and English and never thrown past `runChannelDemo`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import iconv from 'iconv-lite';
import nodemailer from 'nodemailer';
import type { CaseRecord, Outcome, Phase, TimelineEvent } from '../../shared/domain/case';
import { PHASE_LABELS } from '../../shared/domain/case';
import type { Channel } from '../../shared/domain/intake';
import { CHANNEL_LABELS } from '../../shared/domain/intake';
import { ManualClock } from './clock';
import { startRuntime } from './runtime';
import type { Runtime } from './runtime';

// ---------------------------------------------------------------------------------------------- types

type Body = Record<string, unknown>;
/** Who acts: the agency, the department that holds the case, or the lead unit of an intervention. */
export type DemoActor = 'agency' | 'owner' | 'lead';

/** The agency's whole view of a case (GET /api/cases/{id}). */
export type CaseView = CaseRecord & { phaseLabel: string; timeline: TimelineEvent[]; allowedActions: string[] };

export type ChannelStep =
  | { kind: 'act'; as: DemoActor; body: Body | ((c: CaseView, ctx: DemoContext) => Body) }
  /** Moves the virtual clock to the waiting step's reminder, or to just after its due time. */
  | { kind: 'advance'; to: 'reminder' | 'overdue' };

export interface ChannelExpectation {
  channel: Channel;
  phase: Phase;
  outcome?: Outcome['kind'];
  reason?: string;
  overdue?: boolean;
  /** Timeline event types that must appear in this order (others may come between). */
  events?: string[];
  /** Case id this one must be merged into (art. 11). */
  mergedInto?: string;
  /** 'agency' or the department code that received the complaint. */
  receivedBy?: string;
  /** Number of stored files per kind (`evidence`, `letter_scan`, `slip_scan`, `signed_form`). */
  files?: Record<string, number>;
  /** Outbox notice kinds that must have been written for the case. */
  notices?: string[];
  /** Values on the case by dotted path (e.g. `intake.complainant.name`: what the channel adapter extracted). */
  fields?: Record<string, string | number | boolean>;
  /** The public status look-up with this query code must show the final phase. */
  queryCode?: string;
}

/** One case a delivery produced, with the path staff take it along and how it must end. */
export interface DeliveredCase {
  label: string;
  caseId: string;
  steps: ChannelStep[];
  expect: ChannelExpectation;
  /** What the delivery itself showed (merged at once, idempotent replay…), printed under the case. */
  notes?: string[];
}

export interface ChannelScenario {
  id: string;
  /** Chinese title printed by the demo. */
  title: string;
  articles: string[];
  deliver(ctx: DemoContext): Promise<DeliveredCase[]>;
}

export interface ChannelCaseResult {
  scenarioId: string;
  label: string;
  /** The channel on the case as the staff API shows it (the expected one when the case could not be read). */
  channel: Channel;
  caseId?: string;
  ok: boolean;
  problems: string[];
  notes: string[];
  timeline: TimelineEvent[];
  phase?: Phase;
}

export interface ChannelDemoResult {
  ok: boolean;
  cases: ChannelCaseResult[];
  /** Problems of a delivery that produced no case at all. */
  deliveryProblems: { scenarioId: string; problem: string }[];
  ms: number;
}

export interface ChannelDemoOptions {
  /** Runtime data directory (created; must be empty). */
  dataDir: string;
  /** Where generated batches are written before they are moved into the watched folders. */
  stagingDir: string;
  /** Virtual instant the run starts from. */
  start: string;
  /** undefined: a stepping clock (jumps to reminders and due times at once); N: runs N times faster than real time. */
  clockScale?: number;
  /** Scenario ids to run (default: all). */
  only?: string[];
  /** Scenarios to run instead of CHANNEL_SCENARIOS (tests). */
  scenarios?: ChannelScenario[];
  out?: NodeJS.WritableStream;
}

// ---------------------------------------------------------------------------------------------- messages

/** One problem in Chinese first, then English. */
const p = (zh: string, en: string): string => `${zh} (${en})`;

export class DemoDeliveryError extends Error {
  override readonly name = 'DemoDeliveryError';
}

// ---------------------------------------------------------------------------------------------- HTTP

interface HttpAnswer<T = unknown> {
  status: number;
  body: T;
  text: string;
}

class DemoHttp {
  constructor(readonly base: string) {}

  async call<T = Record<string, unknown>>(method: string, path: string, opts: { token?: string; json?: unknown; form?: FormData; headers?: Record<string, string> } = {}): Promise<HttpAnswer<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | FormData | undefined;
    if (opts.form) body = opts.form;
    else if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${this.base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed as T, text };
  }
}

const describeAnswer = (r: HttpAnswer): string => {
  const b = r.body as { message?: string; errors?: { field: string; message: string }[] } | undefined;
  if (b?.errors?.length) return b.errors.map((e) => `${e.field}: ${e.message}`).join('；');
  return b?.message ?? r.text.slice(0, 200);
};

// ---------------------------------------------------------------------------------------------- context

export interface DemoContext {
  rt: Runtime;
  http: DemoHttp;
  /** Virtual now. */
  now(): Date;
  /** Token of the agency user, or of the department user of `code` (created on first use). */
  token(who: 'agency' | { department: string }): Promise<string>;
  stagingDir: string;
  /** Case ids seen so far (to find the case a mail created). */
  known: Set<string>;
}

async function listAll(ctx: DemoContext): Promise<{ caseId: string; channel: Channel }[]> {
  const token = await ctx.token('agency');
  const items: { caseId: string; channel: Channel }[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    const r = await ctx.http.call<{ items: { caseId: string; channel: Channel }[]; cursor?: string }>('GET', `/api/cases?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
    if (r.status !== 200) throw new DemoDeliveryError(p(`查询投诉件列表失败：${describeAnswer(r)}`, `GET /api/cases answered ${r.status}`));
    items.push(...r.body.items);
    cursor = r.body.cursor;
    if (!cursor) break;
  }
  return items;
}

export async function readCase(ctx: DemoContext, caseId: string): Promise<CaseView> {
  const r = await ctx.http.call<CaseView>('GET', `/api/cases/${encodeURIComponent(caseId)}`, { token: await ctx.token('agency') });
  if (r.status !== 200) throw new DemoDeliveryError(p(`读取投诉件 ${caseId} 失败：${describeAnswer(r)}`, `GET /api/cases/${caseId} answered ${r.status}`));
  return r.body;
}

// ---------------------------------------------------------------------------------------------- generated files

const pngChunk = (type: string, data: Buffer): Buffer => {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([head, body, crc]);
};

/**
 * A small valid grayscale PNG that looks like a scanned page: white paper with dark "lines of writing" whose
 * lengths follow `seed`, so every generated scan has its own content (letters are identified by their scans).
 */
export function scanPng(seed: string, width = 120, height = 160): Buffer {
  const h = createHash('sha256').update(seed).digest();
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(width + 1, 0xf4);
    row[0] = 0; // filter: none
    const line = Math.floor((y - 14) / 9);
    if (y >= 14 && (y - 14) % 9 < 4 && line < 15) {
      const len = 40 + (h[line % h.length]! % (width - 56));
      row.fill(0x30, 1 + 10, 1 + 10 + len);
    }
    if (y > height - 30 && y < height - 24) row.fill(0x50, 1 + width - 50, 1 + width - 12); // a signature stroke
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grayscale
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(Buffer.concat(rows))), pngChunk('IEND', Buffer.alloc(0))]);
}

/** A small valid one-page PDF (with a correct xref table) carrying an ASCII label. */
export function scanPdf(label: string): Buffer {
  const text = label.replace(/[^\x20-\x7e]/g, '?').replace(/[()\\]/g, '');
  const stream = `BT /F1 14 Tf 56 760 Td (${text}) Tj ET\n0.2 g 56 700 380 6 re f 56 680 300 6 re f 56 660 340 6 re f\n`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}endstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

// ---------------------------------------------------------------------------------------------- mail

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const CN_WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

/** Wall time in Shanghai as UTC fields of a shifted Date. */
const shanghaiFields = (d: Date): Date => new Date(d.getTime() + 8 * 3600_000);
const pad = (n: number): string => String(n).padStart(2, '0');

/** RFC 5322 date in +0800. */
export function rfc5322(d: Date): string {
  const s = shanghaiFields(d);
  return `${WEEKDAYS[s.getUTCDay()]}, ${s.getUTCDate()} ${MONTHS[s.getUTCMonth()]} ${s.getUTCFullYear()} ${pad(s.getUTCHours())}:${pad(s.getUTCMinutes())}:${pad(s.getUTCSeconds())} +0800`;
}

/** QQ Mail's "发送时间" line: `2025年3月2日(星期日) 晚上8:15`. */
function qqSentTime(d: Date): string {
  const s = shanghaiFields(d);
  const h = s.getUTCHours();
  const part = h < 6 ? '凌晨' : h < 12 ? '上午' : h < 13 ? '中午' : h < 18 ? '下午' : '晚上';
  const h12 = h > 12 ? h - 12 : h;
  return `${s.getUTCFullYear()}年${s.getUTCMonth() + 1}月${s.getUTCDate()}日(${CN_WEEKDAYS[s.getUTCDay()]}) ${part}${h12}:${pad(s.getUTCMinutes())}`;
}

/** RFC 2047 encoded words in GBK (base64), split so that each word stays within 75 characters. */
function gbkWords(text: string): string {
  const words: string[] = [];
  const chars = [...text];
  for (let i = 0; i < chars.length; i += 12) words.push(`=?GBK?B?${iconv.encode(chars.slice(i, i + 12).join(''), 'GBK').toString('base64')}?=`);
  return words.join('\r\n ');
}

/**
 * A complaint as the market regulator's complaint mailbox forwards it from QQ Mail web: GBK text, base64, the
 * QQ "原始邮件" header block, the citizen's labelled complaint below it (byte for byte as QQ Mail composes it).
 */
export function qqForwardGbk(o: {
  forwarder: { name: string; address: string };
  to: string;
  sentAt: Date;
  originalAt: Date;
  messageId: string;
  citizen: { name: string; address: string };
  body: string;
  subject: string;
}): Buffer {
  const text = [
    '请按程序处理。',
    '',
    '区市场监管局投诉信箱',
    '',
    '------------------ 原始邮件 ------------------',
    `发件人: "${o.citizen.name}"<${o.citizen.address}>;`,
    `发送时间: ${qqSentTime(o.originalAt)}`,
    `收件人: "${o.forwarder.name}"<${o.forwarder.address}>;`,
    `主题: ${o.subject}`,
    '',
    o.body,
    '',
  ].join('\r\n');
  const b64 = iconv.encode(text, 'GBK').toString('base64').replace(/.{76}/g, '$&\r\n');
  const head = [
    `From: ${gbkWords(o.forwarder.name)} <${o.forwarder.address}>`,
    `To: ${o.to}`,
    `Subject: ${gbkWords(`转发：${o.subject}`)}`,
    `Date: ${rfc5322(o.sentAt)}`,
    `Message-ID: ${o.messageId}`,
    'X-QQ-Mime: TCMime 1.0 by Tencent',
    'X-Mailer: QQMail 2.x',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset="GBK"',
    'Content-Transfer-Encoding: base64',
  ];
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${b64}\r\n`, 'latin1');
}

async function sendOverSmtp(ctx: DemoContext, from: string, raw: Buffer): Promise<string> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: ctx.rt.smtpPort, secure: false, ignoreTLS: true });
  try {
    const info = await transport.sendMail({ envelope: { from, to: [ctx.rt.jurisdiction.intakeAddress] }, raw });
    return info.response;
  } finally {
    transport.close();
  }
}

// ---------------------------------------------------------------------------------------------- helpers for deliveries

const act = (as: DemoActor, body: Body): ChannelStep => ({ kind: 'act', as, body });
const shanghaiWall = (d: Date): string => {
  const s = shanghaiFields(d);
  return `${s.getUTCFullYear()}-${pad(s.getUTCMonth() + 1)}-${pad(s.getUTCDate())} ${pad(s.getUTCHours())}:${pad(s.getUTCMinutes())}`;
};
/** 09:00 in Shanghai on the day of `d`. */
const shanghaiMorning = (d: Date): number => {
  const s = shanghaiFields(d);
  return Date.UTC(s.getUTCFullYear(), s.getUTCMonth(), s.getUTCDate(), 9 - 8, 0, 0);
};
const minutesBefore = (ctx: DemoContext, m: number): Date => new Date(ctx.now().getTime() - m * 60_000);

async function expectCreated(r: HttpAnswer, what: string): Promise<{ caseId: string; queryCode?: string; mergedInto?: string; duplicate?: boolean }> {
  if (r.status !== 201 && r.status !== 200) throw new DemoDeliveryError(p(`${what}未能立案：HTTP ${r.status}，${describeAnswer(r)}`, `${what}: expected 201, got ${r.status}`));
  const b = r.body as { caseId?: string; queryCode?: string; mergedInto?: string; duplicate?: boolean };
  if (!b?.caseId) throw new DemoDeliveryError(p(`${what}的应答中没有受理编号`, `no caseId in the answer`));
  return b as { caseId: string };
}

/** Waits for the folder watch to report on a dropped item; returns the case id of every row. */
async function waitForFolderReport(ctx: DemoContext, kind: 'letters' | 'box', item: string, timeoutMs = 20_000): Promise<string[]> {
  const t0 = Date.now();
  for (;;) {
    for (const where of ['done', 'failed'] as const) {
      const path = join(ctx.rt.paths.inbox, kind, where, `${item}.report.json`);
      const text = await readFile(path, 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      const report = JSON.parse(text) as { ok: boolean; rows: { row: number; ok: boolean; caseId?: string; problems?: { field: string; message: string }[] }[]; problems?: { message: string }[] };
      if (!report.ok) {
        const why = [
          ...(report.problems ?? []).map((x) => x.message),
          ...report.rows.filter((r) => !r.ok).map((r) => `第 ${r.row} 行：${(r.problems ?? []).map((x) => `${x.field} ${x.message}`).join('；')}`),
        ].join('；');
        throw new DemoDeliveryError(p(`收件文件夹处理 ${item} 时出错：${why}`, `the folder watch moved ${kind}/${item} to failed/`));
      }
      return report.rows.map((r) => r.caseId!);
    }
    if (Date.now() - t0 > timeoutMs) throw new DemoDeliveryError(p(`收件文件夹在 ${timeoutMs / 1000} 秒内没有处理 ${kind}/${item}`, `the folder watch did not process ${kind}/${item} in time`));
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function newCaseOf(ctx: DemoContext, channel: Channel): Promise<string> {
  const fresh = (await listAll(ctx)).filter((c) => !ctx.known.has(c.caseId) && c.channel === channel);
  if (fresh.length !== 1) throw new DemoDeliveryError(p(`应新增 1 件“${CHANNEL_LABELS[channel]}”投诉，实际新增 ${fresh.length} 件`, `expected one new ${channel} case, found ${fresh.length}`));
  return fresh[0]!.caseId;
}

// Departments of 船山区 (config/jurisdictions/510903.json).
const SCJGJ = 'SCJGJ'; // 市场监督管理局
const ZJJ = 'ZJJ'; // 住房和城乡建设局
const XZSPJ = 'XZSPJ'; // 行政审批局（政务服务中心窗口）
const RSJ = 'RSJ'; // 人力资源和社会保障局
const BDCDJ = 'BDCDJ'; // 不动产登记中心
const ZRZYGHJ = 'ZRZYGHJ'; // 自然资源和规划局
const YBJ = 'YBJ'; // 医疗保障局

const CONCLUDED_TAIL = ['concluded', 'replied', 'follow_up_recorded', 'archived'];

// ---------------------------------------------------------------------------------------------- the scenarios

export const CHANNEL_SCENARIOS: ChannelScenario[] = [
  {
    id: 'channel-email',
    title: '电子邮件：市场监管局投诉信箱用QQ邮箱转发的投诉（GBK编码），经SMTP送达受理地址；部门受理后当场处理、办理结果邮件告知（即答复）、回访、归档',
    articles: ['第七条第（三）项', '第十条', '第十四条第（一）项', '第十六条', '第十七条', '第十八条'],
    async deliver(ctx) {
      const forwarder = ctx.rt.jurisdiction.departments.find((d) => d.code === SCJGJ)!.forwardingAddresses[0]!;
      const raw = qqForwardGbk({
        forwarder: { name: '区市场监管局投诉信箱', address: forwarder },
        to: ctx.rt.jurisdiction.intakeAddress,
        sentAt: ctx.now(),
        originalAt: new Date(ctx.now().getTime() - 13 * 3600_000),
        messageId: `<demo-${randomBytes(6).toString('hex')}@qq.com>`,
        citizen: { name: '王秀英', address: 'wangxiuying.demo@qq.com' },
        subject: '营业执照变更登记三次被退回',
        body: [
          '投诉人：王秀英',
          '联系电话：13812345678',
          '被投诉单位：船山区市场监督管理局登记窗口',
          '投诉事项：营业执照变更登记三次被退回，每次退回的理由都不一样，窗口没有一次性告知需要补正的材料。',
          '事实和理由：今年2月起先后三次到政务服务中心提交变更登记材料。',
        ].join('\r\n'),
      });
      const response = await sendOverSmtp(ctx, forwarder, raw);
      if (!response.startsWith('250')) throw new DemoDeliveryError(p(`SMTP 未接收邮件：${response}`, `SMTP answered ${response}`));
      const caseId = await newCaseOf(ctx, 'email');
      return [
        {
          label: 'QQ邮箱转发（GBK）',
          caseId,
          notes: [`SMTP 应答：${response.slice(0, 60)}`],
          steps: [
            act('owner', { action: 'accept', note: '予以受理' }),
            act('owner', { action: 'classify', kind: 'general', finding: 'unfounded', summary: '经核查，三次退回均因材料不齐，已向投诉人一次性告知全部补正材料。' }),
            // The result mail sent at the conclusion is the reply (arts. 14(2), 16): no reply step of its own.
            act('agency', { action: 'record-follow-up', satisfaction: 'basically_satisfied' }),
          ],
          expect: {
            channel: 'email',
            receivedBy: SCJGJ,
            phase: 'archived',
            outcome: 'concluded',
            // Decoded from GBK and unwrapped from the QQ forward block.
            fields: {
              'intake.complainant.name': '王秀英',
              'intake.complainant.phone': '13812345678',
              'intake.complainant.email': 'wangxiuying.demo@qq.com',
              'intake.forwardedBy': forwarder,
              'intake.respondent.unitCode': SCJGJ,
            },
            events: ['received', 'screened', 'accepted', 'classified', ...CONCLUDED_TAIL],
            notices: ['acknowledgement'],
          },
        },
      ];
    },
  },
  {
    id: 'channel-web-json',
    title: '网上投诉表单（JSON，POST /api/complaints，幂等键重放）：交办、受理、转办、申请延期、办结（属实，办理结果邮件告知即答复）、整改报备、回访、归档',
    articles: ['第七条第（三）项', '第四条', '第十条', '第十四条第（二）项', '第十五条', '第十六条', '第十七条', '第十八条'],
    async deliver(ctx) {
      const key = `demo-web-${randomBytes(8).toString('hex')}`;
      const body = {
        complainant: { name: '赵六', phone: '13911112222', email: 'zhaoliu.demo@example.com', anonymous: false, wantsReply: true, confidential: true },
        respondent: { unit: '船山区住房和城乡建设局' },
        matter: '商品房预售资金监管账户变更申请提交二十个工作日仍未办结，窗口只答复“在审核”。',
        facts: '2月10日在政务服务中心住建窗口提交申请，之后三次电话询问均无结果。',
      };
      const r = await ctx.http.call('POST', '/api/complaints', { json: body, headers: { 'idempotency-key': key } });
      const created = await expectCreated(r, '网上表单（JSON）');
      const again = await ctx.http.call<{ caseId: string; duplicate?: boolean }>('POST', '/api/complaints', { json: body, headers: { 'idempotency-key': key } });
      const notes = [`HTTP ${r.status}，查询码已返回；同一幂等键重放：HTTP ${again.status}，${again.body?.caseId === created.caseId ? '同一受理编号，未重复立案' : '受理编号不同！'}`];
      if (again.body?.caseId !== created.caseId) throw new DemoDeliveryError(p('同一 Idempotency-Key 重放后生成了另一件投诉', 'an Idempotency-Key replay created another case'));
      return [
        {
          label: '网上表单（JSON）',
          caseId: created.caseId,
          notes,
          steps: [
            act('agency', { action: 'dispatch', department: ZJJ, note: '请核实预售资金监管账户变更办理进度' }),
            act('owner', { action: 'accept' }),
            act('owner', { action: 'classify', kind: 'transfer' }),
            {
              kind: 'act',
              as: 'owner',
              body: (c, x) => ({ action: 'request-extension', newDueDate: x.rt.calendar.addWorkingDays(c.waiting!.dueAt!, 5).dueDate, reason: '需调取银行监管协议原件核实' }),
            },
            act('owner', { action: 'conclude', finding: 'substantiated', summary: '经核查，变更申请因内部流转遗漏超期，情况属实，已当日办结。' }),
            // The result mail at the conclusion replied already; the rectification is filed beside it (art. 15).
            act('owner', { action: 'file-rectification', summary: '建立预售资金监管业务办理台账，每日核对在办件。' }),
            act('agency', { action: 'record-follow-up', satisfaction: 'satisfied' }),
          ],
          expect: {
            channel: 'web',
            receivedBy: 'agency',
            phase: 'archived',
            outcome: 'concluded',
            overdue: false,
            events: ['received', 'screened', 'dispatched', 'accepted', 'classified', 'extension_granted', 'concluded', 'replied', 'rectification_filed', 'follow_up_recorded', 'archived'],
            notices: ['acknowledgement', 'assignment_slip', 'extension'],
            ...(created.queryCode ? { queryCode: created.queryCode } : {}),
          },
        },
      ];
    },
  },
  {
    id: 'channel-web-form',
    title: '网上投诉表单（无 JavaScript 的浏览器表单提交，匿名，附照片）：交办、受理、当场处理（部分属实）、整改报备，匿名免答复免回访后归档',
    articles: ['第七条第（三）项', '第四条', '第十条', '第十四条第（一）项', '第十五条', '第十六条', '第十七条', '第十八条'],
    async deliver(ctx) {
      const page = await ctx.http.call('GET', '/', { headers: { accept: 'text/html' } });
      const key = /name="idempotencyKey" value="([^"]+)"/.exec(page.text)?.[1];
      if (page.status !== 200 || !key) throw new DemoDeliveryError(p('投诉表单页面没有返回表单（或缺少幂等键）', `GET / answered ${page.status} without the form`));
      const form = new FormData();
      form.set('idempotencyKey', key);
      form.set('complainant.anonymous', 'on');
      form.set('complainant.name', '');
      form.set('complainant.phone', '');
      form.set('respondent.unit', '政务服务中心二楼综合窗口');
      form.set('respondent.person', '');
      form.set('matter', '综合窗口中午十二点前半小时就停止取号，门口告示写的是十二点。');
      form.set('facts', '3月1日11:35到达，取号机已关闭，工作人员说“下午再来”。附取号机照片。');
      form.append('evidence', new Blob([scanPng(`photo:${key}`, 160, 120)], { type: 'image/png' }), '取号机照片.png');
      const r = await ctx.http.call('POST', '/api/complaints', { form, headers: { accept: 'text/html' } });
      const caseId = /id="tracking-no">([^<]+)</.exec(r.text)?.[1];
      const queryCode = /id="query-code">([^<]+)</.exec(r.text)?.[1];
      if (r.status !== 201 || !caseId || !queryCode)
        throw new DemoDeliveryError(p(`表单提交未得到回执页面：HTTP ${r.status}`, `the no-JavaScript form POST answered ${r.status} without a tracking number`));
      return [
        {
          label: '网上表单（无 JavaScript，匿名）',
          caseId,
          notes: [`HTTP ${r.status}，回执页面显示受理编号和查询码`],
          steps: [
            act('agency', { action: 'dispatch', department: XZSPJ }),
            act('owner', { action: 'accept' }),
            act('owner', { action: 'classify', kind: 'general', finding: 'partial', summary: '经调取监控，取号机提前停止属实；窗口午间轮岗安排另有说明。' }),
            act('owner', { action: 'file-rectification', summary: '取号机改为按公示时间自动关闭，午间安排专人值守。' }),
          ],
          expect: {
            channel: 'web',
            phase: 'archived',
            outcome: 'concluded',
            files: { evidence: 1 },
            events: ['received', 'dispatched', 'accepted', 'classified', 'concluded', 'reply_skipped', 'follow_up_skipped', 'rectification_filed', 'archived'],
            queryCode,
          },
        },
      ];
    },
  },
  {
    id: 'channel-letters',
    title: '来信：扫描批次（manifest.csv + PNG/PDF 扫描件）放入收件文件夹；实名来信转办办结，匿名来信因无明确被投诉对象不予受理',
    articles: ['第七条第（四）项', '第四条', '第八条第（二）项', '第十条', '第十四条第（二）项', '第十六条', '第十七条', '第十八条'],
    async deliver(ctx) {
      const item = `batch-${shanghaiWall(ctx.now()).replace(/\D/g, '')}-${randomBytes(3).toString('hex')}`;
      const dir = join(ctx.stagingDir, item);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'letter-001.png'), scanPng(`${item}:letter-001`));
      await writeFile(join(dir, 'letter-002.pdf'), scanPdf(`Letter 002 page 1 (${item})`));
      await writeFile(join(dir, 'letter-002-p2.png'), scanPng(`${item}:letter-002-p2`));
      const day = shanghaiWall(new Date(ctx.now().getTime() - 4 * 86_400_000)).slice(0, 10);
      await writeFile(
        join(dir, 'manifest.csv'),
        [
          'file,envelopeDate,name,phone,address,respondentUnit,matter,facts',
          `letter-001.png,${day},陈七,13811112222,船山区凯旋路12号,遂宁市船山区人力资源和社会保障局,社保窗口要求开具“无犯罪记录证明”才能办理失业登记，政策并无此要求。,去年12月起三次前往社保窗口。`,
          `letter-002.pdf;letter-002-p2.png,${day},,,,,匿名来信：有人办事态度不好，希望整顿作风。,`,
        ].join('\n') + '\n',
      );
      await rename(dir, join(ctx.rt.paths.inbox, 'letters', item));
      const [named, anonymous] = await waitForFolderReport(ctx, 'letters', item);
      if (!named || !anonymous) throw new DemoDeliveryError(p('来信批次应立案 2 件', 'the letter batch should have made two cases'));
      const notes = [`收件文件夹：inbox/letters/${item} → done/，2 行均已立案`];
      return [
        {
          label: '实名来信（1页 PNG）',
          caseId: named,
          notes,
          steps: [
            act('agency', { action: 'dispatch', department: RSJ }),
            act('owner', { action: 'accept' }),
            act('owner', { action: 'classify', kind: 'transfer' }),
            act('owner', { action: 'conclude', finding: 'unfounded', summary: '经核查，窗口并未要求开具该证明，系投诉人误解了告知单内容。' }),
            act('owner', { action: 'reply', method: 'phone', summary: '已电话向投诉人解释失业登记所需材料。' }),
            act('agency', { action: 'record-follow-up', satisfaction: 'basically_satisfied' }),
          ],
          expect: { channel: 'letter', phase: 'archived', outcome: 'concluded', files: { letter_scan: 1 }, events: ['received', 'dispatched', 'accepted', 'classified', ...CONCLUDED_TAIL] },
        },
        {
          label: '匿名来信（PDF + PNG 两页）',
          caseId: anonymous,
          notes,
          steps: [
            act('agency', { action: 'dispatch', department: XZSPJ, note: '来信未写明被投诉单位，请核实' }),
            act('owner', { action: 'reject', reason: 'art8-2', explanation: '来信未写明被投诉的单位、工作人员和具体事项，无法核查。' }),
          ],
          expect: { channel: 'letter', phase: 'archived', outcome: 'not_accepted', reason: 'art8-2', files: { letter_scan: 2 }, events: ['received', 'dispatched', 'not_accepted', 'archived'] },
        },
      ];
    },
  },
  {
    id: 'channel-box',
    title: '意见箱：开箱登记 CSV（两人开箱，附意见单扫描件）放入收件文件夹；匿名意见单介入处理，署名意见单投诉人撤回后终止',
    articles: ['第七条第（四）项', '第十条', '第十四条第（三）项', '第十五条', '第十九条', '第十八条'],
    async deliver(ctx) {
      const item = `opening-${shanghaiWall(ctx.now()).replace(/\D/g, '')}-${randomBytes(3).toString('hex')}`;
      const dir = join(ctx.stagingDir, item);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'slip-1.png'), scanPng(`${item}:slip-1`, 100, 140));
      const openedAt = shanghaiWall(minutesBefore(ctx, 20));
      const opening = `B-01,船山区政务服务中心一楼大厅,${openedAt},张三;李四`;
      await writeFile(
        join(dir, `${item}.csv`),
        [
          'box,place,openedAt,openedBy,slipNo,signed,name,phone,respondentUnit,matter,file',
          `${opening},1,否,,,不动产登记窗口,不动产登记要先去规划窗口开证明，两个窗口互相推诿，跑了四趟。,slip-1.png`,
          `${opening},2,是,刘九,13600001111,医保窗口,医保窗口工作人员中午提前半小时离岗。,`,
        ].join('\n') + '\n',
      );
      await rename(dir, join(ctx.rt.paths.inbox, 'box', item));
      const [anonymous, signed] = await waitForFolderReport(ctx, 'box', item);
      if (!anonymous || !signed) throw new DemoDeliveryError(p('开箱登记应立案 2 件', 'the box opening should have made two cases'));
      const notes = [`收件文件夹：inbox/box/${item} → done/，2 张意见单均已立案`];
      return [
        {
          label: '匿名意见单（附扫描件）',
          caseId: anonymous,
          notes,
          steps: [
            act('agency', { action: 'dispatch', department: BDCDJ }),
            act('owner', { action: 'accept' }),
            act('agency', { action: 'classify', kind: 'intervention', note: '涉及不动产登记与规划核实两个部门，需协调' }),
            { kind: 'act', as: 'agency', body: (_c, x) => ({ action: 'designate-lead', lead: ZRZYGHJ, coHandlers: [BDCDJ], dueDate: x.rt.calendar.addWorkingDays(x.now(), 10).dueDate }) },
            act('lead', { action: 'conclude', finding: 'partial', summary: '经联合核查，部分属实：规划核实证明可由登记窗口内部调取。' }),
            act('lead', { action: 'file-rectification', summary: '规划核实结果改为部门间共享，不再要求群众开具。' }),
          ],
          expect: {
            channel: 'suggestion_box',
            phase: 'archived',
            outcome: 'concluded',
            files: { slip_scan: 1 },
            events: ['received', 'dispatched', 'accepted', 'classified', 'concluded', 'reply_skipped', 'follow_up_skipped', 'rectification_filed', 'archived'],
            notices: ['intervention'],
          },
        },
        {
          label: '署名意见单',
          caseId: signed,
          notes,
          steps: [
            act('agency', { action: 'dispatch', department: YBJ }),
            act('owner', { action: 'accept' }),
            act('agency', { action: 'terminate', reason: 'art19-3', withdrawal: '投诉人来电表示问题已解决，撤回投诉' }),
          ],
          expect: { channel: 'suggestion_box', phase: 'archived', outcome: 'terminated', reason: 'art19-3', events: ['received', 'dispatched', 'accepted', 'terminated', 'archived'] },
        },
      ];
    },
  },
  {
    id: 'channel-12345',
    title: '12345热线工单（派至市场监管局）经员工登记接口转入；同一投诉人又通过网上表单投诉同一事项，即时合并（第十一条）；工单转办办结归档',
    articles: ['第七条第（二）项', '第十一条', '第十条', '第十四条第（二）项', '第十五条', '第十六条', '第十七条', '第十八条'],
    async deliver(ctx) {
      const token = await ctx.token('agency');
      const workOrderNo = `SN12345-${shanghaiWall(ctx.now()).slice(0, 10).replace(/-/g, '')}-${randomBytes(2).toString('hex').toUpperCase()}`;
      const order = {
        workOrderNo,
        createdAt: minutesBefore(ctx, 40).toISOString(),
        caller: { name: '吴十', phone: '13500002222', wantsReply: true },
        respondentUnit: '遂宁市船山区市场监督管理局',
        matter: '食品经营许可证延续申请超过承诺时限十天仍未办结，窗口说系统在审核，无法告知进度。',
        facts: '2月12日提交延续申请，承诺10个工作日办结。',
        category: '政务服务',
        dispatchedTo: SCJGJ,
      };
      const r = await ctx.http.call('POST', '/api/intake/workorder', { token, json: order });
      const wo = await expectCreated(r, '12345工单');
      ctx.known.add(wo.caseId);
      const dup = await ctx.http.call<{ caseId: string; mergedInto?: string }>('POST', '/api/complaints', {
        json: {
          complainant: { name: '吴十', phone: '13500002222', anonymous: false, wantsReply: true },
          respondent: { unit: '船山区市场监督管理局' },
          matter: '食品经营许可证延续申请超过承诺时限仍未办结，窗口说系统在审核，无法告知进度。',
          facts: '2月12日提交的延续申请，已打过12345。',
        },
        headers: { 'idempotency-key': `demo-dup-${randomBytes(8).toString('hex')}` },
      });
      const created = await expectCreated(dup, '重复投诉（网上表单）');
      return [
        {
          label: `12345工单 ${workOrderNo}`,
          caseId: wo.caseId,
          notes: [`POST /api/intake/workorder → HTTP ${r.status}`],
          steps: [
            act('owner', { action: 'accept' }),
            act('owner', { action: 'classify', kind: 'transfer' }),
            act('owner', { action: 'conclude', finding: 'substantiated', summary: '经核查，延续申请因审核人员外出未及时处理，情况属实，已办结并送达许可证。' }),
            act('owner', { action: 'file-rectification', summary: '许可审核实行AB岗，外出须交接在办件。' }),
            act('owner', { action: 'reply', method: 'phone', summary: '已电话答复投诉人，并告知已向12345平台反馈。' }),
            act('agency', { action: 'record-follow-up', satisfaction: 'satisfied' }),
          ],
          expect: {
            channel: 'hotline_12345',
            receivedBy: SCJGJ,
            phase: 'archived',
            outcome: 'concluded',
            fields: { 'intake.workOrderNo': workOrderNo },
            events: ['received', 'merged_in', 'accepted', 'classified', 'concluded', 'rectification_filed', 'replied', 'follow_up_recorded', 'archived'],
          },
        },
        {
          label: '重复投诉（同一投诉人经网上表单）',
          caseId: created.caseId,
          notes: [created.mergedInto ? `POST /api/complaints → HTTP ${dup.status}，即时并入 ${created.mergedInto}` : `POST /api/complaints → HTTP ${dup.status}，未合并`],
          steps: [],
          expect: { channel: 'web', phase: 'merged', outcome: 'merged', mergedInto: wo.caseId, events: ['received', 'merged_into'] },
        },
      ];
    },
  },
  {
    id: 'channel-phone',
    title: '电话：人社局公布的投诉电话接听登记；事项属住房公积金中心，不属本单位管辖，告知去向并转12345后归档',
    articles: ['第七条第（二）项', '第八条第（一）项', '第九条第（一）项', '第十条', '第十八条'],
    async deliver(ctx) {
      const token = await ctx.token({ department: RSJ });
      const r = await ctx.http.call('POST', '/api/intake/phone', {
        token,
        json: {
          entryId: `demo-phone-${randomBytes(6).toString('hex')}`,
          hotline: '0825-2221234',
          receivedBy: RSJ,
          name: '孙八',
          phone: '13700003333',
          respondentUnit: '住房公积金管理中心',
          matter: '提取住房公积金时被要求提供已注销的单位证明，来回跑了三次。',
        },
      });
      const created = await expectCreated(r, '电话登记');
      return [
        {
          label: '电话登记（人社局）',
          caseId: created.caseId,
          notes: [`POST /api/intake/phone → HTTP ${r.status}`],
          steps: [act('owner', { action: 'reject', reason: 'art8-1', referral: '遂宁市住房公积金管理中心船山区管理部', transferTo12345: true, explanation: '住房公积金提取不属于本局职责' })],
          expect: { channel: 'phone', receivedBy: RSJ, phase: 'archived', outcome: 'not_accepted', reason: 'art8-1', events: ['received', 'screened', 'not_accepted', 'archived'] },
        },
      ];
    },
  },
  {
    id: 'channel-window',
    title: '现场：“办不成事”反映窗口登记重大事项（无签字的书面投诉表被拒，附表后立案）；转办后到期提醒、超期记录并上报，超期办结',
    articles: ['第七条第（一）项', '第十条', '第十四条第（二）项', '第十五条', '第十六条', '第十七条', '第二十条'],
    async deliver(ctx) {
      const token = await ctx.token('agency');
      const entry = {
        entryId: `demo-window-${randomBytes(6).toString('hex')}`,
        form: 'written',
        major: true,
        organization: '遂宁某某食品有限公司',
        name: '郑十一',
        phone: '13300004444',
        respondentUnit: '船山区市场监督管理局',
        matter: '企业食品生产许可变更涉及二十余名工人停工待岗，许可变更审查超期一个月未作决定。',
        facts: '1月20日提交变更申请，现场核查已于2月5日完成。',
      };
      const without = await ctx.http.call('POST', '/api/intake/onsite', { token, json: entry });
      const refusedOk = without.status === 400 && /signed_form_required|书面|签字|签名/.test(without.text);
      if (!refusedOk) throw new DemoDeliveryError(p(`缺少签字书面投诉表的重大事项应被拒绝（HTTP 400），实际 HTTP ${without.status}`, 'a major on-site matter without the signed form must be refused'));
      const form = new FormData();
      form.set('entry', JSON.stringify(entry));
      form.append('signedForm', new Blob([scanPdf(`Signed complaint form ${entry.entryId}`)], { type: 'application/pdf' }), '书面投诉表（签字）.pdf');
      const r = await ctx.http.call('POST', '/api/intake/onsite', { token, form });
      const created = await expectCreated(r, '现场窗口登记');
      return [
        {
          label: '现场窗口（重大事项）',
          caseId: created.caseId,
          notes: [`无签字表：HTTP ${without.status}（${describeAnswer(without).slice(0, 50)}）；附表后：HTTP ${r.status}`],
          steps: [
            act('agency', { action: 'dispatch', department: SCJGJ, note: '重大事项，请优先办理' }),
            act('owner', { action: 'accept' }),
            act('owner', { action: 'classify', kind: 'transfer' }),
            { kind: 'advance', to: 'reminder' },
            { kind: 'advance', to: 'overdue' },
            act('owner', { action: 'conclude', finding: 'substantiated', summary: '经核查，变更审查确已超期，情况属实，已作出准予变更决定。' }),
            act('owner', { action: 'file-rectification', summary: '许可审查实行超期预警，逾期未决的报分管领导。' }),
            act('owner', { action: 'reply', method: 'in_person', summary: '已约企业负责人当面说明办理结果。' }),
            act('agency', { action: 'record-follow-up', satisfaction: 'basically_satisfied' }),
          ],
          expect: {
            channel: 'onsite',
            receivedBy: 'agency',
            phase: 'archived',
            outcome: 'concluded',
            overdue: true,
            files: { signed_form: 1 },
            fields: { 'intake.major': true, 'intake.complainant.organization': '遂宁某某食品有限公司' },
            events: ['received', 'dispatched', 'accepted', 'classified', 'reminder_sent', 'overdue_marked', 'concluded', 'archived'],
            notices: ['reminder', 'overdue_alert'],
          },
        },
      ];
    },
  },
];

// ---------------------------------------------------------------------------------------------- checking

const OUTCOME_LABELS: Record<string, string> = { concluded: '办结', not_accepted: '不予受理', terminated: '终止', merged: '合并' };
const phaseLabel = (x: string | undefined): string => (x && x in PHASE_LABELS ? PHASE_LABELS[x as Phase] : String(x));

/** Every way a case's final state differs from its expectation, in Chinese and English. Empty when it matches. */
export function checkChannelCase(x: ChannelExpectation, c: CaseView, notices: string[], publicStatus?: string): string[] {
  const out: string[] = [];
  if (c.intake.channel !== x.channel)
    out.push(p(`渠道为“${CHANNEL_LABELS[c.intake.channel] ?? c.intake.channel}”，预期“${CHANNEL_LABELS[x.channel]}”`, `channel ${c.intake.channel}, expected ${x.channel}`));
  if (x.receivedBy !== undefined) {
    const got = c.intake.receivedBy === 'agency' ? 'agency' : c.intake.receivedBy.department;
    if (got !== x.receivedBy) out.push(p(`接收单位为 ${got}，预期 ${x.receivedBy}`, `received by ${got}, expected ${x.receivedBy}`));
  }
  if (c.phase !== x.phase) out.push(p(`结束于“${phaseLabel(c.phase)}”环节，预期“${phaseLabel(x.phase)}”`, `ended in phase ${c.phase}, expected ${x.phase}`));
  if (x.phase === 'archived' && !c.archive?.at) out.push(p('没有归档记录（第十八条）', 'no archive record (art. 18)'));
  if (x.outcome && c.outcome?.kind !== x.outcome)
    out.push(p(`办理结果为“${OUTCOME_LABELS[c.outcome?.kind ?? ''] ?? '无'}”，预期“${OUTCOME_LABELS[x.outcome]}”`, `outcome ${String(c.outcome?.kind)}, expected ${x.outcome}`));
  const reason = (c.outcome as { reason?: string } | undefined)?.reason;
  if (x.reason && reason !== x.reason) out.push(p(`原因代码为 ${String(reason)}，预期 ${x.reason}`, `reason ${String(reason)}, expected ${x.reason}`));
  if (x.overdue !== undefined && Boolean(c.flags.overdue) !== x.overdue)
    out.push(p(`超期标记为“${c.flags.overdue ? '是' : '否'}”，预期“${x.overdue ? '是' : '否'}”`, `overdue flag ${String(Boolean(c.flags.overdue))}, expected ${String(x.overdue)}`));
  if (x.mergedInto !== undefined && c.mergedInto !== x.mergedInto)
    out.push(p(`应并入 ${x.mergedInto}（第十一条），实际${c.mergedInto ? `并入 ${c.mergedInto}` : '未合并'}`, `mergedInto ${String(c.mergedInto)}, expected ${x.mergedInto}`));
  for (const [path, want] of Object.entries(x.fields ?? {})) {
    const got = path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), c);
    if (got !== want) out.push(p(`${path} 为 ${JSON.stringify(got)}，预期 ${JSON.stringify(want)}`, `${path} is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`));
  }
  for (const [kind, n] of Object.entries(x.files ?? {})) {
    const got = c.intake.evidence.filter((e) => (e.kind ?? 'evidence') === kind).length;
    if (got !== n) out.push(p(`“${kind}”类文件 ${got} 个，预期 ${n} 个`, `${got} stored files of kind ${kind}, expected ${n}`));
  }
  if (x.events) {
    const types = c.timeline.map((e) => e.type);
    let from = 0;
    for (const want of x.events) {
      const at = types.indexOf(want, from);
      if (at < 0) {
        out.push(p(`时间线缺少（或次序不对）“${want}”；实际为 ${types.join('、')}`, `timeline lacks "${want}" in order`));
        break;
      }
      from = at + 1;
    }
  }
  for (const kind of x.notices ?? []) if (!notices.includes(kind)) out.push(p(`发件箱中没有“${kind}”通知`, `no "${kind}" notice in the outbox`));
  if (x.queryCode !== undefined && publicStatus !== x.phase)
    out.push(p(`公众查询显示“${phaseLabel(publicStatus)}”，预期“${phaseLabel(x.phase)}”`, `the public status look-up shows ${String(publicStatus)}, expected ${x.phase}`));
  return out;
}

// ---------------------------------------------------------------------------------------------- running

const shanghai = (iso: string): string => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

export function printTimeline(out: NodeJS.WritableStream, events: TimelineEvent[]): void {
  for (const e of events) out.write(`    ${shanghai(e.at)}  ${(PHASE_LABELS[e.phase] ?? e.phase).padEnd(6, '　')}  ${e.summary}\n`);
}

async function outboxKinds(ctx: DemoContext): Promise<Map<string, string[]>> {
  const token = await ctx.token('agency');
  const byCase = new Map<string, string[]>();
  let cursor: string | undefined;
  for (let i = 0; i < 1000; i++) {
    const r = await ctx.http.call<{ items: { caseId?: string; kind: string }[]; cursor?: string }>('GET', `/api/outbox?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
    if (r.status !== 200) break;
    for (const m of r.body.items) if (m.caseId) byCase.set(m.caseId, [...(byCase.get(m.caseId) ?? []), m.kind]);
    cursor = r.body.cursor;
    if (!cursor) break;
  }
  return byCase;
}

export function selectChannelScenarios(ids: string[] | undefined): ChannelScenario[] {
  return ids ? CHANNEL_SCENARIOS.filter((s) => ids.includes(s.id)) : CHANNEL_SCENARIOS;
}

/**
 * Starts the embedded runtime on `opts.dataDir` (random ports), runs the selected channel scenarios one after
 * another, prints each case's timeline, stops the runtime. Never throws for a case that ends unexpectedly.
 */
export async function runChannelDemo(opts: ChannelDemoOptions): Promise<ChannelDemoResult> {
  const t0 = Date.now();
  const out = opts.out ?? process.stdout;
  const manual = opts.clockScale === undefined ? new ManualClock(opts.start) : undefined;
  const rt = await startRuntime({
    dataDir: opts.dataDir,
    port: 0,
    smtpPort: 0,
    quiet: true,
    folderPollMs: 50,
    ...(manual ? { clock: manual } : { clockScale: opts.clockScale, clockStart: opts.start }),
  });
  manual?.setSettle(() => rt.workflow.idle());
  const http = new DemoHttp(rt.httpUrl);
  const password = randomBytes(18).toString('base64url');
  const tokens = new Map<string, Promise<string>>();
  const login = async (username: string): Promise<string> => {
    const r = await http.call<{ token: string }>('POST', '/api/auth/login', { json: { username, password } });
    if (r.status !== 200) throw new DemoDeliveryError(p(`工作人员 ${username} 登录失败：${describeAnswer(r)}`, `login of ${username} answered ${r.status}`));
    return r.body.token;
  };
  const ctx: DemoContext = {
    rt,
    http,
    now: () => rt.clock.now(),
    stagingDir: opts.stagingDir,
    known: new Set(),
    token(who) {
      const username = who === 'agency' ? 'demo-agency' : `demo-${who.department.toLowerCase()}`;
      let t = tokens.get(username);
      if (!t) {
        t = (async () => {
          await rt.users.add(
            who === 'agency' ? { username, role: 'agency', password } : { username, role: 'department', department: who.department, password },
            rt.jurisdiction.departments.map((d) => d.code),
          );
          return login(username);
        })();
        tokens.set(username, t);
        t.catch(() => tokens.delete(username));
      }
      return t;
    },
  };
  const advanceTo = async (instant: string): Promise<void> => {
    if (manual) await manual.advanceTo(instant);
    else {
      // A little past the instant, so that the engine's own timer fires first.
      await rt.clock.sleepUntil(Date.parse(instant) + 10 * 60_000);
      await rt.workflow.idle();
    }
  };
  const paceMs = 10 * 60_000;

  const results: ChannelCaseResult[] = [];
  const deliveryProblems: ChannelDemoResult['deliveryProblems'] = [];
  const scenarios = opts.scenarios ?? selectChannelScenarios(opts.only);
  out.write(`━━━━ 第一部分：各渠道投诉（嵌入式运行环境 ${rt.httpUrl}，SMTP 端口 ${rt.smtpPort}）\n`);
  out.write(`虚拟时钟自 ${shanghai(opts.start)} 起${manual ? '按需快进' : `以 ${opts.clockScale} 倍速运行`}；数据目录 ${rt.paths.root}\n\n`);
  try {
    for (const [i, scenario] of scenarios.entries()) {
      out.write(`━━ [渠道 ${i + 1}/${scenarios.length}] ${scenario.title}\n    演示 ${scenario.id}；依据 ${scenario.articles.join('、')}\n`);
      let delivered: DeliveredCase[];
      try {
        for (const c of await listAll(ctx)) ctx.known.add(c.caseId);
        delivered = await scenario.deliver(ctx);
        for (const d of delivered) ctx.known.add(d.caseId);
        await rt.workflow.idle();
      } catch (err) {
        const problem =
          err instanceof DemoDeliveryError ? err.message : p(`投递失败：${err instanceof Error ? err.message : String(err)}`, `delivery failed: ${err instanceof Error ? err.name : 'error'}`);
        deliveryProblems.push({ scenarioId: scenario.id, problem });
        out.write(`    ✘ ${problem}\n\n`);
        continue;
      }
      for (const d of delivered) results.push(await runCase(ctx, scenario, d, { manual: manual !== undefined, paceMs, advanceTo, out }));
    }
  } finally {
    await rt.stop();
  }
  return { ok: deliveryProblems.length === 0 && results.every((r) => r.ok), cases: results, deliveryProblems, ms: Date.now() - t0 };
}

async function runCase(
  ctx: DemoContext,
  scenario: ChannelScenario,
  d: DeliveredCase,
  o: { manual: boolean; paceMs: number; advanceTo(instant: string): Promise<void>; out: NodeJS.WritableStream },
): Promise<ChannelCaseResult> {
  const problems: string[] = [];
  try {
    for (const [i, step] of d.steps.entries()) {
      let c = await readCase(ctx, d.caseId);
      const where = `第 ${i + 1} 步`;
      if (step.kind === 'advance') {
        const target = step.to === 'reminder' ? c.waiting?.remindAt : c.waiting?.dueAt ? new Date(Date.parse(c.waiting.dueAt) + 1000).toISOString() : undefined;
        if (!target) {
          problems.push(p(`${where}：案件在“${phaseLabel(c.phase)}”环节，没有可等待的${step.to === 'reminder' ? '提醒时间' : '期限'}`, `step ${i + 1}: the case waits for no ${step.to}`));
          break;
        }
        await o.advanceTo(target);
        // Staff act in office hours: after a wake-up in the night the next action comes at 09:00.
        if (o.manual) {
          const morning = shanghaiMorning(ctx.now());
          if (morning > ctx.now().getTime()) await o.advanceTo(new Date(morning).toISOString());
        }
        continue;
      }
      if (o.manual) {
        await o.advanceTo(new Date(ctx.now().getTime() + o.paceMs).toISOString());
        c = await readCase(ctx, d.caseId);
      }
      const body = typeof step.body === 'function' ? step.body(c, ctx) : step.body;
      const dept = step.as === 'agency' ? undefined : step.as === 'lead' ? (c.assignments.find((a) => a.role === 'lead')?.department ?? c.department) : c.department;
      if (step.as !== 'agency' && !dept) {
        problems.push(p(`${where}：案件还没有${step.as === 'lead' ? '牵头' : '承办'}单位，无法办理“${String(body.action)}”`, `step ${i + 1}: no ${step.as} department yet`));
        break;
      }
      const token = await ctx.token(dept ? { department: dept } : 'agency');
      const r = await ctx.http.call('POST', `/api/cases/${encodeURIComponent(d.caseId)}/actions`, { token, json: body });
      await ctx.rt.workflow.idle();
      if (r.status !== 200) {
        problems.push(p(`${where}：${dept ?? '管理机构'}办理“${String(body.action)}”被拒绝：HTTP ${r.status}，${describeAnswer(r)}`, `step ${i + 1}: ${String(body.action)} answered ${r.status}`));
        break;
      }
    }
  } catch (err) {
    problems.push(p(`办理中断：${err instanceof Error ? err.message : String(err)}`, `aborted: ${err instanceof Error ? err.name : 'error'}`));
  }
  await ctx.rt.workflow.idle();
  let view: CaseView | undefined;
  try {
    view = await readCase(ctx, d.caseId);
    let publicStatus: string | undefined;
    if (d.expect.queryCode) {
      const r = await ctx.http.call<{ status?: string }>('POST', `/api/complaints/${encodeURIComponent(d.caseId)}`, { json: { code: d.expect.queryCode } });
      publicStatus = r.status === 200 ? r.body.status : `HTTP ${r.status}`;
    }
    const notices = (await outboxKinds(ctx)).get(d.caseId) ?? [];
    problems.push(...checkChannelCase(d.expect, view, notices, publicStatus));
  } catch (err) {
    problems.push(p(`无法读取最终状态：${err instanceof Error ? err.message : String(err)}`, 'could not read the final state'));
  }
  const result: ChannelCaseResult = {
    scenarioId: scenario.id,
    label: d.label,
    channel: view?.intake.channel ?? d.expect.channel,
    caseId: d.caseId,
    ok: problems.length === 0,
    problems,
    notes: d.notes ?? [],
    timeline: view?.timeline ?? [],
    ...(view ? { phase: view.phase } : {}),
  };
  const out = o.out;
  out.write(`  ▸ ${d.label}（${CHANNEL_LABELS[d.expect.channel]}）受理编号 ${d.caseId}\n`);
  for (const n of result.notes) out.write(`    · ${n}\n`);
  printTimeline(out, result.timeline);
  if (result.ok) out.write(`    ✔ 符合预期：${phaseLabel(view?.phase)}${view?.outcome ? `（${OUTCOME_LABELS[view.outcome.kind] ?? view.outcome.kind}）` : ''}\n\n`);
  else out.write(`    ✘ 与预期不符 (did not end as expected)：\n${problems.map((x) => `      - ${x}\n`).join('')}\n`);
  return result;
}
