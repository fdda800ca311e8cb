/**
 * Inline forward blocks: the header block a mail client writes above the forwarded original. Known layouts
 * (separator line, then `key: value` lines in the client's language):
 *
 * | client (version imitated by test/fixtures/email) | separator | keys |
 * |---|---|---|
 * | QQ Mail web / QQ Mail app 6.x, Foxmail 7.2 | `------------------ 原始邮件 ------------------` | 发件人 / 发送时间 / 收件人 / 抄送 / 主题 |
 * | NetEase 163/126 web mail | `---- 转发邮件信息 ----`, `---- 回复的原邮件 ----` | 发件人 / 发送日期 / 收件人 / 主题 |
 * | Outlook for Windows (zh-CN) | `-----原始邮件-----` or a line of underscores | 发件人 / 发送时间 / 收件人 / 主题 |
 * | Outlook (en) | `-----Original Message-----` or a line of underscores | From / Sent / To / Subject |
 * | Gmail (zh-CN) | `---------- 转发的邮件 ---------` | 发件人 / 日期 / 主题 / 收件人 |
 * | Gmail (en) | `---------- Forwarded message ---------` | From / Date / Subject / To |
 * | Apple Mail (zh-CN) | `开始转发的邮件：` | 发件人 / 主题 / 日期 / 收件人 |
 * | Apple Mail (en) | `Begin forwarded message:` | From / Subject / Date / To |
 * | Thunderbird (en / zh-CN) | `-------- Forwarded Message --------` / `-------- 转发的消息 --------` | Subject / Date / From / To (主题 / 日期 / 发件人 / 收件人) |
 *
 * A header block is also recognised without a separator (Foxmail and Outlook variants print none) when it has a
 * sender line and a date or subject line. Lines quoted with `>` are read without the quote marks.
 */
import { parsePrintedAddress, type PrintedAddress } from './address';
import { parseMailDate, type ParsedDate } from './dates';

export interface ForwardBlock {
  /** Client family guessed from the separator, e.g. `qqmail`, `netease`, `gmail-zh`, `header-block`. */
  client: string;
  from: PrintedAddress;
  sentAt?: ParsedDate;
  sentAtText?: string;
  subject?: string;
  to?: string;
  /** Text below the block (the forwarded original, which may hold further blocks). */
  body: string;
}

export interface UnwrapResult {
  /** Blocks from outermost to innermost; empty when the text has no forward block. */
  blocks: ForwardBlock[];
  /** Text above the first block: the forwarder's own note. */
  note: string;
}

const SEPARATORS: { client: string; re: RegExp }[] = [
  { client: 'qqmail', re: /^-{6,}\s*原始邮件\s*-{6,}$/ },
  { client: 'outlook-zh', re: /^-{2,}\s*原始邮件\s*-{2,}$/ },
  { client: 'netease', re: /^-{2,}\s*(?:转发邮件信息|回复的原邮件|原始邮件信息)\s*-{2,}$/ },
  { client: 'gmail-zh', re: /^-{3,}\s*转发的邮件\s*-{3,}$/ },
  { client: 'thunderbird-zh', re: /^-{3,}\s*转发的消息\s*-{3,}$/ },
  { client: 'thunderbird-en', re: /^-{8}\s*Forwarded Message\s*-{8}$/ },
  { client: 'gmail-en', re: /^-{3,}\s*Forwarded message\s*-{3,}$/i },
  { client: 'apple-zh', re: /^开始转发的邮件\s*[:：]?$/ },
  { client: 'apple-en', re: /^Begin forwarded message\s*:?$/i },
  { client: 'outlook-en', re: /^-{2,}\s*Original Message\s*-{2,}$/i },
  { client: 'outlook', re: /^_{10,}$/ },
];

type Key = 'from' | 'date' | 'to' | 'cc' | 'subject' | 'replyTo';
const KEYS: { key: Key; re: RegExp }[] = [
  { key: 'from', re: /^(?:\*\*)?(?:发件人|发信人|寄件者|From)(?:\*\*)?\s*[:：]\s*(.*)$/i },
  { key: 'date', re: /^(?:\*\*)?(?:发送时间|发送日期|发信时间|日期|时间|Date|Sent)(?:\*\*)?\s*[:：]\s*(.*)$/i },
  { key: 'to', re: /^(?:\*\*)?(?:收件人|收件者|To)(?:\*\*)?\s*[:：]\s*(.*)$/i },
  { key: 'cc', re: /^(?:\*\*)?(?:抄送人|抄送|Cc)(?:\*\*)?\s*[:：]\s*(.*)$/i },
  { key: 'subject', re: /^(?:\*\*)?(?:主题|主旨|标题|Subject)(?:\*\*)?\s*[:：]\s*(.*)$/i },
  { key: 'replyTo', re: /^(?:\*\*)?(?:回复至|Reply-To)(?:\*\*)?\s*[:：]\s*(.*)$/i },
];

function unquote(line: string): string {
  return line
    .replace(/^(?:\s*>)+\s?/, '')
    .replace(/[\u00a0\u3000]/g, ' ')
    .trim();
}

function headerKey(line: string): { key: Key; value: string } | undefined {
  for (const { key, re } of KEYS) {
    const m = re.exec(line);
    if (m) return { key, value: (m[1] ?? '').trim() };
  }
  return undefined;
}

interface Found {
  start: number;
  end: number;
  client: string;
  values: Partial<Record<Key, string>>;
}

/** Finds the header block starting at or just after `i`; blank lines between header lines are tolerated. */
function blockAt(lines: string[], i: number): Found | undefined {
  let client = 'header-block';
  let j = i;
  const line = lines[i] ?? '';
  const sep = SEPARATORS.find((s) => s.re.test(line));
  if (sep) {
    client = sep.client;
    j = i + 1;
    while (j < lines.length && lines[j] === '' && j - i < 4) j++;
  }
  const values: Partial<Record<Key, string>> = {};
  let k = j;
  let blanks = 0;
  let lastKey: Key | undefined;
  while (k < lines.length) {
    const l = lines[k] ?? '';
    if (l === '') {
      if (++blanks > 1) break;
      k++;
      continue;
    }
    const h = headerKey(l);
    if (!h) {
      // A wrapped continuation of a long To/Cc list.
      if (blanks === 0 && (lastKey === 'to' || lastKey === 'cc') && /@/.test(l) && !/[:：]/.test(l)) {
        k++;
        continue;
      }
      break;
    }
    if (values[h.key] !== undefined) break;
    values[h.key] = h.value;
    lastKey = h.key;
    blanks = 0;
    k++;
  }
  if (values.from === undefined || (values.date === undefined && values.subject === undefined)) return undefined;
  if (!sep && Object.keys(values).length < 3) return undefined;
  // The block must start with a header line (not in the middle of prose), i.e. j is a header line.
  if (!headerKey(lines[j] ?? '')) return undefined;
  let end = k;
  while (end > j && lines[end - 1] === '') end--;
  return { start: i, end, client, values };
}

/** Finds every forward block, outermost first. Pure, linear in the text length. */
export function unwrapInlineForwards(text: string, defaultOffset = '+08:00'): UnwrapResult {
  const original = text.replace(/\r\n?/g, '\n').split('\n');
  const lines = original.map(unquote);
  const found: Found[] = [];
  for (let i = 0; i < lines.length; i++) {
    const b = blockAt(lines, i);
    if (b) {
      found.push(b);
      i = b.end - 1;
    }
  }
  if (found.length === 0) return { blocks: [], note: text.trim() };
  const blocks = found.map((b, n): ForwardBlock => {
    const next = found[n + 1];
    const bodyLines = lines.slice(b.end, next ? next.start : lines.length);
    const sentAt = b.values.date ? parseMailDate(b.values.date, defaultOffset) : undefined;
    return {
      client: b.client,
      from: parsePrintedAddress(b.values.from ?? ''),
      ...(sentAt ? { sentAt } : {}),
      ...(b.values.date ? { sentAtText: b.values.date } : {}),
      ...(b.values.subject ? { subject: b.values.subject } : {}),
      ...(b.values.to ? { to: b.values.to } : {}),
      body: bodyLines.join('\n').trim(),
    };
  });
  return { blocks, note: lines.slice(0, found[0]!.start).join('\n').trim() };
}
