/**
 * Bundle-only stand-in for `he` (issue 26): the Lambda bundler aliases the package to this file
 * (infra/constructs/bundle-function.ts). mailparser imports he (85 KB, nearly all of it the table of named HTML
 * references) and, with the options shared/mail/parse.ts parses with (`skipTextToHtml`, `ignoreEmbedded`), calls
 * only `he.encode(text)` with its default options: the HTML form of each address header (`from.html`, which tousu
 * does not read, but mailparser builds for every mail). That default path needs no table: `"&'<>\`` and every
 * code point outside printable ASCII become hexadecimal references. `defaultEncode` below is he 1.2.0's own code
 * for that path (same regular expressions, MIT licence, © Mathias Bynens), checked against the real package on
 * every code point by test/infra/bundle-size.test.ts. Any other call (options, decode, escape) loads the real
 * package on first use with a run-time `require` that esbuild does not follow; the bundler copies it (one file,
 * no dependencies) into the asset's node_modules. Never used outside a bundle (tests and `npm start` run the real
 * package).
 */
import { createRequire } from 'node:module';

interface He {
  encode(text: string, options?: object): string;
  decode(html: string, options?: object): string;
  escape(text: string): string;
  unescape(html: string, options?: object): string;
  version: string;
}

let loaded: He | undefined;
const real = (): He => (loaded ??= createRequire(import.meta.url)('he') as He);

// he.js 1.2.0, lines 21, 29 and 34, and the tail of `encode` without named references.
const regexAstralSymbols = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;
// eslint-disable-next-line no-control-regex -- he's own whitelist: control characters are escaped.
const regexBmpWhitelist = /[\x01-\t\x0B\f\x0E-\x1F\x7F\x81\x8D\x8F\x90\x9D\xA0-\uFFFF]/g;
const regexEscape = /["&'<>`]/g;
const hexEscape = (codePoint: number): string => '&#x' + codePoint.toString(16).toUpperCase() + ';';
const escapeBmpSymbol = (symbol: string): string => hexEscape(symbol.charCodeAt(0));

/** `he.encode(text)` with he's default options (no named references, hexadecimal, unsafe symbols escaped, not strict). */
export function defaultEncode(text: string): string {
  return text
    .replace(regexEscape, escapeBmpSymbol)
    .replace(regexAstralSymbols, (pair) => hexEscape((pair.charCodeAt(0) - 0xd800) * 0x400 + pair.charCodeAt(1) - 0xdc00 + 0x10000))
    .replace(regexBmpWhitelist, escapeBmpSymbol);
}

const he = {
  encode: (text: string, options?: object): string => (options === undefined ? defaultEncode(text) : real().encode(text, options)),
  decode: (html: string, options?: object): string => real().decode(html, options),
  escape: (text: string): string => real().escape(text),
  unescape: (html: string, options?: object): string => real().unescape(html, options),
  version: '1.2.0',
};

export default he;
export const { encode, decode, escape, unescape, version } = he;
