/**
 * Bundle-only stand-in for `pino` (issue 26): the Lambda bundler aliases the package to this file
 * (infra/constructs/bundle-function.ts). imapflow imports pino (with sonic-boom, thread-stream …, ~25 KB) for its
 * default logger, which it creates only for a connection given no logger of its own. The IMAP poller always
 * passes `logger: false` (functions/imap-poller/index.ts), so pino is never called; a connection without that
 * option fails here at once instead of logging through an unbundled library. Never used outside a bundle
 * (tests and `npm start` run the real package).
 */
function notBundled(): never {
  throw new Error('pino is not in this bundle: give ImapFlow a logger of its own (the IMAP poller passes logger: false)');
}

export default notBundled;
export const pino = notBundled;
