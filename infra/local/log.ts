/**
 * Logging of the embedded runtime: one JSON line per event (time, level, event, ids and counts: never
 * personal data) appended to `<data-dir>/logs/tousu.log`, and on the terminal either the same JSON lines
 * (`--log-format json`) or a short readable line per notable event (default).
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './private-dir';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'text' | 'json';

export interface RuntimeLogger {
  debug(event: string, extra?: Record<string, unknown>): void;
  info(event: string, extra?: Record<string, unknown>): void;
  warn(event: string, extra?: Record<string, unknown>): void;
  error(event: string, extra?: Record<string, unknown>): void;
  /** A line for people on the terminal only (text format); the JSON log gets `event` with `extra`. */
  say(text: string, event?: string, extra?: Record<string, unknown>): void;
  close(): Promise<void>;
}

/** Keys whose values could carry personal data; dropped defensively if a caller passes them. */
const FORBIDDEN_KEYS = new Set(['name', 'phone', 'email', 'address', 'idNumber', 'password', 'matter', 'facts', 'complainant', 'to', 'from', 'subject', 'body', 'text']);

function clean(extra: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!extra) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(extra)) {
    if (FORBIDDEN_KEYS.has(k) || v === undefined) continue;
    out[k] = v instanceof Error ? { name: v.name } : v;
  }
  return out;
}

const LEVEL_MARK: Record<LogLevel, string> = { debug: ' ', info: ' ', warn: '!', error: '✗' };

export interface LoggerOptions {
  /** JSON log file (appended); omitted = no file. */
  file?: string;
  format?: LogFormat;
  /** Terminal output; default process.stdout / process.stderr. */
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
  /** Print debug lines on the terminal (they always go to the file). */
  verbose?: boolean;
  /** Suppress all terminal output (tests). */
  quiet?: boolean;
}

export function createLogger(opts: LoggerOptions = {}): RuntimeLogger {
  let stream: WriteStream | undefined;
  if (opts.file) {
    mkdirSync(dirname(opts.file), { recursive: true, mode: PRIVATE_DIR_MODE });
    stream = createWriteStream(opts.file, { flags: 'a', mode: PRIVATE_FILE_MODE });
    stream.on('error', () => undefined);
  }
  const out = opts.out ?? process.stdout;
  const err = opts.err ?? process.stderr;
  const json = opts.format === 'json';

  const write = (level: LogLevel, event: string, extra: Record<string, unknown> | undefined, text?: string) => {
    const line = JSON.stringify({ time: new Date().toISOString(), level, event, ...clean(extra) });
    stream?.write(line + '\n');
    if (opts.quiet) return;
    if (json) {
      (level === 'error' || level === 'warn' ? err : out).write(line + '\n');
      return;
    }
    if (level === 'debug' && !opts.verbose) return;
    if (text === undefined && level === 'info') return;
    const time = new Date().toLocaleTimeString('zh-CN', { hour12: false });
    const detail = text ?? `${event}${Object.keys(clean(extra)).length ? ' ' + JSON.stringify(clean(extra)) : ''}`;
    (level === 'error' || level === 'warn' ? err : out).write(`${time} ${LEVEL_MARK[level]} ${detail}\n`);
  };

  return {
    debug: (e, x) => write('debug', e, x),
    info: (e, x) => write('info', e, x),
    warn: (e, x) => write('warn', e, x),
    error: (e, x) => write('error', e, x),
    say(text, event = 'note', extra) {
      write('info', event, extra, text);
    },
    close: () => new Promise<void>((resolve) => (stream ? stream.end(resolve) : resolve())),
  };
}
