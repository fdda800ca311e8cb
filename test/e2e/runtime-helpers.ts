/** Helpers of the runtime end-to-end tests: HTTP calls with a token, mail over real SMTP, a child runtime. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => res(port));
    });
  });
}

export interface Api {
  call(method: string, path: string, opts?: { token?: string; body?: unknown; raw?: Uint8Array; contentType?: string }): Promise<{ status: number; body: Json; text: string }>;
  login(username: string, password: string): Promise<string>;
}

export function api(base: string): Api {
  const call: Api['call'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | Uint8Array | undefined;
    if (opts.raw) {
      body = opts.raw;
      headers['content-type'] = opts.contentType ?? 'message/rfc822';
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: Json;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text };
  };
  return {
    call,
    async login(username, password) {
      const r = await call('POST', '/api/auth/login', { body: { username, password } });
      if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.text}`);
      return r.body.token as string;
    },
  };
}

/** A complaint forwarded by the market regulator's mailbox (Gmail-style inline forward), sent over SMTP. */
export async function sendForwardedComplaint(port: number, to: string, opts: { messageId: string; from?: string }): Promise<string> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  const info = await transport.sendMail({
    from: { name: '区市场监管局投诉信箱', address: opts.from ?? 'scjgj.tousu@chuanshan.example.gov.cn' },
    to,
    subject: 'Fwd: 营业执照变更登记三次被退回',
    messageId: opts.messageId,
    text: [
      '请按程序处理。',
      '',
      '---------- Forwarded message ---------',
      'From: 王秀英 <wangxiuying@qq.com>',
      'Date: Tue, Mar 3, 2026 at 10:12 AM',
      'Subject: 营业执照变更登记三次被退回',
      'To: <scjgj.tousu@chuanshan.example.gov.cn>',
      '',
      '您好，我是王秀英，手机13812345678。',
      '被投诉单位：船山区市场监督管理局',
      '投诉事项：营业执照变更登记三次被退回，每次退回的理由都不一样，窗口工作人员没有一次性告知需要补正的材料。',
      '事实和理由：2026年2月起我先后三次提交变更登记材料。',
    ].join('\n'),
  });
  transport.close();
  return info.response;
}

export interface ChildRuntime {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `node bin/tousu.js start …` as a child process; resolves once HTTP answers. */
export async function spawnRuntime(args: string[], httpPort: number, timeoutMs = 30_000): Promise<ChildRuntime> {
  const child = spawn(process.execPath, ['bin/tousu.js', 'start', '--log-format', 'json', '--port', String(httpPort), ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`runtime exited with ${child.exitCode}:\n${out}`);
    try {
      const r = await fetch(`http://127.0.0.1:${httpPort}/api/openapi.json`);
      if (r.status === 200) break;
    } catch {
      // not yet
    }
    if (Date.now() - t0 > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`runtime did not start within ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, output: () => out, exited };
}

/** `node bin/tousu.js <args>` with stdin; resolves with the exit code and output. */
export function runCli(args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, ['bin/tousu.js', ...args], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => res({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
