/**
 * The part of an IMAP client the mailbox poller uses (functions/imap-poller/poller.ts): imapflow's ImapFlow on
 * Lambda (functions/imap-poller/index.ts), an in-memory mailbox in the tests, so the poller can be driven by any
 * IMAP client.
 */
export interface ImapClientLike {
  connect(): Promise<void>;
  logout(): Promise<void>;
  getMailboxLock(path: string): Promise<{ release(): void }>;
  search(query: { seen: boolean }, options: { uid: true }): Promise<number[] | false | undefined>;
  fetchOne(uid: string, query: { source: true }, options: { uid: true }): Promise<{ source?: Buffer } | false>;
  messageFlagsAdd(uid: string, flags: string[], options: { uid: true }): Promise<boolean>;
}
