/**
 * Reading administrator-edited JSON with positions: syntax errors carry line and column, and a zod issue's
 * path can be located in the file, so a problem report points at the line to fix.
 */
import { createRequire } from 'node:module';
import type * as JsoncParser from 'jsonc-parser';
import type { Node, ParseError } from 'jsonc-parser';
// The one locale used, by its own path: reaching it through `z.locales` would put all of zod's locales (~250 KB
// minified) into every Lambda bundle, since esbuild cannot shake a namespace re-export.
import zhCNLocale from 'zod/v4/locales/zh-CN.js';
import * as z from 'zod';

export interface ConfigProblem {
  /** Dotted path of the field, e.g. `departments.3.chiefRepresentative.email`; empty for the whole file. */
  path: string;
  /** Plain Chinese message. */
  message: string;
  /** 1-based position in the file, when known. */
  line?: number;
  column?: number;
}

export interface ParsedJson {
  value?: unknown;
  /** Syntax problems; when non-empty, `value` is absent. */
  problems: ConfigProblem[];
  /** Locates a dotted path (or path segments) in the file. */
  locate(path: readonly PropertyKey[]): { line: number; column: number } | undefined;
}

const SYNTAX_MESSAGES: Record<string, string> = {
  InvalidSymbol: '无效的字符',
  InvalidNumberFormat: '数字格式不正确',
  PropertyNameExpected: '此处应为带双引号的字段名',
  ValueExpected: '此处应为一个值',
  ColonExpected: '字段名后应为冒号“:”',
  CommaExpected: '此处缺少逗号“,”',
  CloseBraceExpected: '缺少右花括号“}”',
  CloseBracketExpected: '缺少右方括号“]”',
  EndOfFileExpected: '文件在此处应已结束（多余的内容）',
  InvalidCommentToken: 'JSON 不允许注释',
  UnexpectedEndOfComment: '注释未结束',
  UnexpectedEndOfString: '字符串缺少结束的双引号',
  UnexpectedEndOfNumber: '数字不完整',
  InvalidUnicode: '无效的 Unicode 转义',
  InvalidEscapeCharacter: '无效的转义字符',
  InvalidCharacter: '字符串中有无效字符（如未转义的换行）',
};

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function position(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}

/**
 * jsonc-parser (line and column of a problem), loaded only when there is a problem to place (issue 26: ~12 KB less
 * in every Lambda's init). It is loaded with `require`, which esbuild does not follow, so Lambda bundles do not
 * carry it: there a configuration problem is reported with its dotted path and no line (the Lambda fails to start
 * either way; `tousu config check` on the file gives the lines). Node with node_modules (the CLI, the embedded
 * runtime, the tests) has it.
 */
let jsonc: typeof JsoncParser | null | undefined;
function positionParser(): typeof JsoncParser | undefined {
  if (jsonc === undefined) {
    try {
      jsonc = createRequire(import.meta.url)('jsonc-parser') as typeof JsoncParser;
    } catch {
      jsonc = null;
    }
  }
  return jsonc ?? undefined;
}

/** Syntax problem of JSON.parse without jsonc-parser: its message, placed when Node names the position. */
function plainSyntaxProblem(text: string, err: unknown): ConfigProblem {
  const message = err instanceof Error ? err.message : String(err);
  const at = /position (\d+)/.exec(message);
  return { path: '', message: `JSON 语法错误：${text.trim() === '' ? '文件为空' : message}`, ...(at ? position(lineStarts(text), Number(at[1])) : {}) };
}

/** Parses strict JSON (no comments, no trailing commas); a leading BOM, as Windows editors write it, is accepted. */
export function parseJsonWithPositions(rawText: string): ParsedJson {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  // Fast path, without the position parser: valid JSON (the usual case) needs positions only to place problems.
  let fast: { value: unknown } | undefined;
  try {
    fast = { value: JSON.parse(text) as unknown };
  } catch (err) {
    if (!positionParser()) return { problems: [plainSyntaxProblem(text, err)], locate: () => undefined };
  }
  if (fast) {
    let slow: ParsedJson | undefined;
    return { value: fast.value, problems: [], locate: (path) => (positionParser() ? (slow ??= withPositions(text)).locate(path) : undefined) };
  }
  return withPositions(text);
}

function withPositions(text: string): ParsedJson {
  const { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode } = positionParser()!;
  const starts = lineStarts(text);
  const errors: ParseError[] = [];
  const root: Node | undefined = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const locate = (path: readonly PropertyKey[]) => {
    if (!root) return undefined;
    // Walk up to the deepest existing ancestor: a missing field is reported at its parent object.
    for (let n = path.length; n >= 0; n--) {
      const segs = path.slice(0, n).map((s) => (typeof s === 'number' ? s : String(s)));
      const node = findNodeAtLocation(root, segs);
      if (node) {
        const at = node.parent?.type === 'property' && node.parent.children?.[1] === node ? node.parent : node;
        return position(starts, at.offset);
      }
    }
    return undefined;
  };
  if (errors.length > 0 || !root) {
    const problems: ConfigProblem[] = [];
    const seen = new Set<number>();
    for (const e of errors) {
      // The parser may report several codes at one offset; the first says it best.
      if (seen.has(e.offset)) continue;
      seen.add(e.offset);
      const name = printParseErrorCode(e.error);
      const trailingComma = /,\s*$/.test(text.slice(0, e.offset)) && (text[e.offset] === '}' || text[e.offset] === ']');
      const what = trailingComma ? '最后一项后面多了逗号“,”（JSON 不允许末尾逗号）' : (SYNTAX_MESSAGES[name] ?? name);
      problems.push({ path: '', message: `JSON 语法错误：${what}`, ...position(starts, e.offset) });
    }
    if (problems.length === 0) problems.push({ path: '', message: 'JSON 语法错误：文件为空', line: 1, column: 1 });
    return { problems, locate };
  }
  return { value: getNodeValue(root) as unknown, problems: [], locate };
}

const zhCN = zhCNLocale();

/** Per-parse error map: Chinese messages, and a plain one for a missing required field. */
export const chineseErrors: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type' && issue.input === undefined) return '缺少必填字段';
  if (issue.code === 'invalid_type' && issue.input === null) return '不能为 null';
  return zhCN.localeError(issue);
};

export function dottedPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/** zod issues as problems, each with its dotted path and, when the file is known, its position. */
export function zodProblems(error: z.ZodError, parsed?: ParsedJson): ConfigProblem[] {
  return error.issues.map((issue) => ({
    path: dottedPath(issue.path),
    message: issue.message,
    ...(parsed?.locate(issue.path) ?? {}),
  }));
}

/**
 * Keys the schema does not know (zod objects strip them silently, so a misspelt optional field would be
 * lost without a word). Keys starting with `$` (`$schema`, `$comment`) are annotations and allowed.
 */
export function unknownKeys(schema: z.ZodType, value: unknown, path: PropertyKey[] = []): PropertyKey[][] {
  let s: z.ZodType = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
    else if (s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
    else break;
  }
  if (s instanceof z.ZodObject && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const shape = s.shape as Record<string, z.ZodType>;
    const out: PropertyKey[][] = [];
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (key.startsWith('$')) continue;
      const child = shape[key];
      if (!child) out.push([...path, key]);
      else out.push(...unknownKeys(child, v, [...path, key]));
    }
    return out;
  }
  if (s instanceof z.ZodArray && Array.isArray(value)) {
    return value.flatMap((v, i) => unknownKeys(s.element as z.ZodType, v, [...path, i]));
  }
  return [];
}

export function unknownKeyProblems(schema: z.ZodType, value: unknown, parsed?: ParsedJson): ConfigProblem[] {
  return unknownKeys(schema, value).map((p) => ({
    path: dottedPath(p),
    message: `未知字段“${String(p[p.length - 1])}”（是否拼写错误？该字段不会生效）`,
    ...(parsed?.locate(p) ?? {}),
  }));
}
