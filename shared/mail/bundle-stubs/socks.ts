/**
 * Bundle-only stand-in for `socks` (issue 26): the Lambda bundler aliases the package to this file
 * (infra/constructs/bundle-function.ts). imapflow imports the SOCKS client (with ip-address and smart-buffer,
 * ~68 KB) for its `proxy` option, which the IMAP poller never sets (functions/imap-poller/index.ts: the function
 * connects from its VPC directly). A connection through a SOCKS proxy fails here at once with this message.
 * Never used outside a bundle (tests and `npm start` run the real package).
 */
function notBundled(): never {
  throw new Error('socks is not in this bundle: the IMAP poller connects without a proxy (add socks to the bundle to use one)');
}

export const SocksClient = {
  createConnection: notBundled,
  createConnectionChain: notBundled,
};
