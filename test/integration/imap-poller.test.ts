/**
 * The IMAP poller (functions/imap-poller/poller.ts) against a real IMAP server and client: hoodiecrow-imap (an
 * IMAP4rev1 test server) on loopback, imapflow as in the Lambda, the real mail parser and intake core on dynalite.
 * Every unseen message becomes one case and is flagged \Seen; a second poll finds nothing; messages marked unseen
 * again (a poller that crashed before flagging) are delivered again and make no second case (Message-ID claim).
 */
import type { AddressInfo } from 'node:net';
import hoodiecrow from 'hoodiecrow-imap';
import { ImapFlow } from 'imapflow';
import { pollMailbox } from '../../functions/imap-poller/poller';
import type { ImapClientLike } from '../../shared/ports/imap';
import { MemoryQuarantineStore } from '../../shared/adapters/memory/quarantine-store';
import { ingestEmail } from '../../shared/email-intake/service';
import { submitIntake } from '../../shared/intake/core';
import { citizenMail, openHarness } from '../reliability/helpers';
import type { ReliabilityHarness } from '../reliability/helpers';

const N = 12;
let h: ReliabilityHarness;
let server: ReturnType<typeof hoodiecrow>;
let port: number;

beforeAll(async () => {
  h = await openHarness();
  const messages = Array.from({ length: N }, (_, i) => ({ raw: citizenMail(i).toString('binary'), flags: [] as string[] }));
  // One message already read by a person: the poller leaves it alone.
  messages.push({ raw: citizenMail(N).toString('binary'), flags: ['\\Seen'] });
  server = hoodiecrow({ plugins: ['ID', 'ENABLE', 'UNSELECT', 'IDLE', 'NAMESPACE'], storage: { INBOX: { messages } } });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  port = (server.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await h.close();
});

const client = () => new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user: 'testuser', pass: 'testpass' }, logger: false });

async function poll() {
  const quarantine = new MemoryQuarantineStore();
  const emailDeps = { clock: h.deps.clock, jurisdiction: h.deps.jurisdiction, blobs: h.blobs, quarantine, submit: async (x: unknown) => ({ caseId: (await submitIntake(h.deps, x)).caseId }) };
  return pollMailbox(client() as unknown as ImapClientLike, { mailbox: 'INBOX', ingest: (raw, source) => ingestEmail(raw, source, emailDeps) });
}

test('every unseen mail becomes one case and is flagged seen; a second poll finds nothing', async () => {
  const first = await poll();
  expect(first).toEqual({ mailbox: 'INBOX', seen: N, accepted: N, quarantined: 0, failed: 0 });
  const cases = await h.allCases();
  expect(cases).toHaveLength(N);
  expect(new Set(cases.map((c) => c.intake.sourceKey)).size).toBe(N);
  expect(cases.every((c) => c.intake.channel === 'email')).toBe(true);
  expect(await poll()).toMatchObject({ seen: 0, accepted: 0 });
}, 60_000);

test('mail marked unseen again (the poller crashed before flagging) is delivered again and makes no second case', async () => {
  const c = client();
  await c.connect();
  const lock = await c.getMailboxLock('INBOX');
  try {
    await c.messageFlagsRemove('1:*', ['\\Seen']);
  } finally {
    lock.release();
    await c.logout();
  }
  const again = await poll();
  // The N polled before and the one a person had read: all are seen by this poll, none makes a new case.
  expect(again).toMatchObject({ seen: N + 1, failed: 0, quarantined: 0 });
  const cases = await h.allCases();
  expect(cases).toHaveLength(N + 1);
  expect(new Set(cases.map((x) => x.intake.sourceKey)).size).toBe(N + 1);
}, 60_000);
