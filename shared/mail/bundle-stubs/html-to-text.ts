/**
 * Bundle-only stand-in for `html-to-text` (issue 26): the Lambda bundler aliases the package to this file
 * (infra/constructs/bundle-function.ts), so mailparser's static `import { htmlToText } from 'html-to-text'` does
 * not put the HTML-to-text stack (~245 KB) into every mail function's cold start. mailparser never calls it:
 * shared/mail/parse.ts parses with `skipHtmlToText: true` and converts HTML-only mail itself, loading the real
 * package through `#html-to-text` (package.json "imports"), which the alias does not rewrite. Never used outside
 * a bundle (tests and `npm start` run the real package).
 */
function notBundled(): never {
  throw new Error('html-to-text is not in this bundle for mailparser: parse with skipHtmlToText (shared/mail/parse.ts converts HTML itself)');
}

export const htmlToText = notBundled;
export const convert = notBundled;
export const compile = notBundled;
