/**
 * Bundle-only stand-in for `encoding-japanese` (issue 26): the Lambda bundler aliases the package to this file
 * (infra/constructs/bundle-function.ts). libmime imports encoding-japanese (88 KB, mostly JIS tables) for the
 * Japanese charsets iconv-lite lacks (ISO-2022-JP, JIS, EUC-JP) and calls only `convert`, synchronously, when it
 * decodes such a part. Here that call loads the real package on first use with a run-time `require` that esbuild
 * does not follow; the bundler copies the package (CommonJS, no dependencies) into the asset's node_modules, where
 * Node resolves it from the bundle. Same code, same call, loaded by the rare mail that needs it instead of by every
 * cold start. Never used outside a bundle (tests and `npm start` run the real package).
 */
import { createRequire } from 'node:module';

interface EncodingJapanese {
  convert(data: unknown, options: unknown): unknown;
}

let loaded: EncodingJapanese | undefined;

function load(): EncodingJapanese {
  loaded ??= createRequire(import.meta.url)('encoding-japanese') as EncodingJapanese;
  return loaded;
}

export default {
  convert: (data: unknown, options: unknown): unknown => load().convert(data, options),
};
