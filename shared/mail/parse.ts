/**
 * Bounded MIME parsing with mailparser (charsets through iconv-lite via libmime: GB2312, GBK, GB18030, UTF-8;
 * RFC 2047 headers, RFC 2231 parameters). Size, header size, part count, nesting of attached messages and time
 * are all bounded; anything beyond them is a MailParseError, which the intake turns into a quarantine entry.
 *
 * Bundle size (issue 26): the HTML-to-text stack (html-to-text, htmlparser2, entities, selderee …, ~245 KB) is
 * loaded only when a mail has HTML and no text part (`await import('#html-to-text')`, the package.json "imports"
 * alias of html-to-text). mailparser imports html-to-text too, but never calls it with `skipHtmlToText`; the
 * Lambda bundler aliases that import to a stub (infra/constructs/bundle-function.ts), and reaches the real
 * package only through `#html-to-text`, which the alias does not touch.
 */
import { simpleParser, type AddressObject, type HeaderValue } from 'mailparser';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import type { HtmlToTextOptions } from 'html-to-text';
import { MailParseError } from './errors';
import { parseMailDate, type ParsedDate } from './dates';

export interface MailLimits {
  /** Whole raw mail (SES receiving accepts up to 40 MB). */
  maxBytes: number;
  /** One MIME header block. */
  maxHeaderBytes: number;
  /** MIME parts of one message. */
  maxParts: number;
  /** Messages attached in messages (message/rfc822 inside message/rfc822 …). */
  maxDepth: number;
  /** Wall time for parsing one message. */
  timeoutMs: number;
  /** Addresses in the From header (RFC 5322 allows several authors; thousands are an attack, not a mail). */
  maxFromAddresses: number;
}

export const DEFAULT_MAIL_LIMITS: MailLimits = {
  maxBytes: 40 * 1024 * 1024,
  maxHeaderBytes: 256 * 1024,
  maxParts: 500,
  maxDepth: 6,
  timeoutMs: 15_000,
  maxFromAddresses: 20,
};

export interface ParseOptions {
  /**
   * The message is attached inside another one (a forward as attachment): its header syntax is not checked, since
   * a quirk in someone else's old mail must not cost the complaint that forwards it.
   */
  attached?: boolean;
}

export interface MailAddress {
  name?: string;
  address?: string;
}

export interface MailAttachment {
  filename?: string;
  contentType: string;
  content: Buffer;
  size: number;
  /** An attached mail (message/rfc822), e.g. a forward as attachment. */
  isMessage: boolean;
  inline: boolean;
}

export interface ParsedMail {
  messageId?: string;
  subject?: string;
  from?: MailAddress;
  to: MailAddress[];
  date?: ParsedDate;
  /** Header values by lower-case name; a repeated header is an array. */
  headers: Map<string, HeaderValue>;
  /** Raw header lines in order (the first of a repeated header is the one a receiving MTA added last). */
  headerLines: { key: string; line: string }[];
  contentType: string;
  /** Plain text: the text part, or the HTML part turned into clean text. */
  text: string;
  htmlOnly: boolean;
  attachments: MailAttachment[];
}

const HTML_TO_TEXT_OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  limits: { maxInputLength: 5_000_000, maxDepth: 200 },
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'script', format: 'skip' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'h4', options: { uppercase: false } },
    { selector: 'h5', options: { uppercase: false } },
    { selector: 'h6', options: { uppercase: false } },
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
    { selector: 'blockquote', options: { trimEmptyLines: true } },
  ],
};

let htmlToText: ((html: string, options: HtmlToTextOptions) => string) | undefined;

/** HTML to clean text: no wrapping (it would split labelled fields), no link targets, no images. */
export async function htmlToCleanText(html: string): Promise<string> {
  htmlToText ??= (await import('#html-to-text')).convert;
  return htmlToText(html, HTML_TO_TEXT_OPTIONS)
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * A From written as one RFC 2047 encoded word around both name and address (`=?UTF-8?B?…?=` decoding to
 * `张三 <a@b>`, as some clients write it) decodes to a "name" holding the address: parsed again, it is a mailbox.
 */
function recoverEncodedMailbox(name: string): MailAddress | undefined {
  if (!name.includes('@')) return undefined;
  const [mailbox] = addressparser(name, { flatten: true });
  if (!mailbox?.address || !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(mailbox.address)) return undefined;
  return { ...(mailbox.name ? { name: mailbox.name } : {}), address: mailbox.address.toLowerCase() };
}

function firstAddress(value: AddressObject | AddressObject[] | undefined): MailAddress | undefined {
  const obj = Array.isArray(value) ? value[0] : value;
  const first = obj?.value[0];
  if (!first) return undefined;
  if (!first.address && first.name) {
    const recovered = recoverEncodedMailbox(first.name);
    if (recovered) return recovered;
  }
  return { ...(first.name ? { name: first.name } : {}), ...(first.address ? { address: first.address.toLowerCase() } : {}) };
}

function addressCount(value: AddressObject | AddressObject[] | undefined): number {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list.reduce((n, o) => n + o.value.reduce((m, a) => m + 1 + (a.group?.length ?? 0), 0), 0);
}

/**
 * RFC 5322 §2.2: a header field is a name, a colon and a body. A message whose header block has a line without a
 * colon (or that has no header block at all, so its text was read as headers) is malformed, not a complaint
 * without a sender. An mbox "From " separator line at the top (RFC 4155, exported .eml files) is tolerated.
 */
function checkHeaderSyntax(headerLines: { key: string; line: string }[]): void {
  const bad = headerLines.findIndex((h, i) => h.key === '' && !(i === 0 && /^From /.test(h.line)));
  const real = headerLines.filter((h) => h.key !== '');
  if (real.length === 0) throw new MailParseError('malformed', '邮件没有信头（发件人、主题等），无法识别为邮件。');
  if (bad >= 0) throw new MailParseError('malformed', `邮件信头第 ${bad + 1} 行不是“名称: 值”格式（缺少冒号），邮件格式不正确。`);
}

function allAddresses(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list.flatMap((o) => o.value).map((a) => ({ ...(a.name ? { name: a.name } : {}), ...(a.address ? { address: a.address.toLowerCase() } : {}) }));
}

/** The unfolded value of the first raw header line with this name. */
export function rawHeader(mail: Pick<ParsedMail, 'headerLines'>, name: string): string | undefined {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  if (line === undefined) return undefined;
  return line
    .slice(line.indexOf(':') + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new MailParseError('timeout', `邮件解析超时（超过 ${ms} 毫秒）。`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Parses one message (not the messages attached in it: see `parseAttachedMessage`). */
export async function parseMail(raw: Uint8Array, limits: MailLimits = DEFAULT_MAIL_LIMITS, opts: ParseOptions = {}): Promise<ParsedMail> {
  if (raw.byteLength > limits.maxBytes) {
    throw new MailParseError('too_large', `邮件过大（${raw.byteLength} 字节，上限 ${limits.maxBytes} 字节）。`);
  }
  if (raw.byteLength === 0) throw new MailParseError('malformed', '邮件内容为空。');
  const buffer = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  let parsed;
  try {
    parsed = await withTimeout(
      simpleParser(buffer, {
        // Attached messages stay attachments; the forward unwrapper parses them itself, depth-bounded.
        ignoreEmbedded: true,
        maxHeadSize: limits.maxHeaderBytes,
        maxChildNodes: limits.maxParts,
        skipHtmlToText: true,
        skipTextToHtml: true,
        skipTextLinks: true,
        skipImageLinks: true,
        keepDeliveryStatus: false,
      } as Parameters<typeof simpleParser>[1]),
      limits.timeoutMs,
    );
  } catch (err) {
    if (err instanceof MailParseError) throw err;
    const detail = err instanceof Error ? err.message : String(err);
    throw new MailParseError('malformed', '邮件格式无法解析。', detail.slice(0, 300));
  }
  const headerLines = (parsed.headerLines ?? []).map((h) => ({ key: h.key, line: h.line }));
  if (!opts.attached) {
    checkHeaderSyntax(headerLines);
    const authors = addressCount(parsed.from);
    if (authors > limits.maxFromAddresses) {
      throw new MailParseError('malformed', `发件人（From）中有 ${authors} 个地址，超过上限 ${limits.maxFromAddresses} 个，邮件格式不正确。`);
    }
  }
  const hasText = typeof parsed.text === 'string' && parsed.text.trim() !== '';
  const html = typeof parsed.html === 'string' ? parsed.html : '';
  let text = hasText ? (parsed.text as string) : '';
  if (!hasText && html) {
    try {
      text = await htmlToCleanText(html);
    } catch (err) {
      throw new MailParseError('malformed', '邮件的 HTML 正文无法转换为文本。', err instanceof Error ? err.message.slice(0, 300) : undefined);
    }
  }
  const contentTypeHeader = parsed.headers.get('content-type');
  const contentType = contentTypeHeader && typeof contentTypeHeader === 'object' && 'value' in contentTypeHeader ? String(contentTypeHeader.value).toLowerCase() : 'text/plain';
  const rawDate = rawHeader({ headerLines }, 'date');
  const date = rawDate ? parseMailDate(rawDate, '+00:00') : undefined;
  const from = firstAddress(parsed.from);
  const subject = parsed.subject;
  const messageId = parsed.messageId?.trim();
  return {
    ...(messageId ? { messageId } : {}),
    ...(subject !== undefined ? { subject } : {}),
    ...(from ? { from } : {}),
    to: allAddresses(parsed.to),
    ...(date ? { date } : {}),
    headers: parsed.headers,
    headerLines,
    contentType,
    text: text.replace(/\r\n?/g, '\n'),
    htmlOnly: !hasText && html !== '',
    attachments: parsed.attachments.map((a) => ({
      ...(a.filename ? { filename: a.filename } : {}),
      contentType: (a.contentType || 'application/octet-stream').toLowerCase(),
      content: a.content,
      size: a.size ?? a.content.length,
      isMessage: (a.contentType || '').toLowerCase() === 'message/rfc822',
      inline: a.contentDisposition === 'inline' || a.related === true,
    })),
  };
}
