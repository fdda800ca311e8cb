/**
 * The outbox (sent notices) as a staff member may see it. The agency sends and follows the notices, so it sees
 * them whole, and every case whose mail it opens is audited (art. 21: who read what). The administrator checks
 * delivery (time, kind, relay state), not complaint content: a complainant's address and the subject (which names
 * the case) are masked; the jurisdiction's own mailboxes, which the administrator configures, stay readable.
 */
import type { Actor } from '../domain/case';
import type { JurisdictionConfig } from '../domain/jurisdiction';
import { redactText } from '../domain/redaction';
import type { CaseStore, Clock } from '../ports';

/** The fields of an outbox index entry (infra/local/outbox-mail-sender.ts OutboxEntry) that matter here; others pass through. */
export interface OutboxItem {
  to?: string[];
  subject?: string;
  caseId?: string;
  relay?: { ok: boolean; at: string; error?: string };
}

export interface OutboxPage<T> {
  items: T[];
  cursor?: string;
}

/** Roles that see the outbox unmasked: those that send, dispatch and follow the notices. */
const SEES_OUTBOX_CONTENT: readonly Actor['role'][] = ['agency'];

export const MASKED_SUBJECT = '（主题已隐去）';

/** The jurisdiction's own mailboxes (agency, leader, departments, intake, sender): not personal data of a complainant. */
export function officialAddresses(j: JurisdictionConfig): Set<string> {
  const all = [
    ...j.agency.contacts.map((c) => c.email),
    j.agency.leader.email,
    j.intakeAddress,
    j.mail.from,
    ...(j.mail.replyTo ? [j.mail.replyTo] : []),
    ...j.departments.flatMap((d) => [d.chiefRepresentative.email, ...d.forwardingAddresses]),
  ];
  return new Set(all.map((a) => a.trim().toLowerCase()));
}

/** `wangxiuying@qq.com` → `w***@q***.com`: enough to tell mails apart and see the provider's family, not who. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '***';
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const tld = dot > 0 ? domain.slice(dot) : '';
  return `${local[0]}***@${domain[0] ?? ''}***${tld}`;
}

/** The entry as the actor may see it: whole for the agency, masked for every other role. */
export function outboxItemFor<T extends OutboxItem>(actor: Actor, item: T, official: Set<string>): T {
  if (SEES_OUTBOX_CONTENT.includes(actor.role)) return item;
  const masked: T = { ...item };
  if (Array.isArray(item.to)) masked.to = item.to.map((a) => (official.has(a.trim().toLowerCase()) ? a : maskAddress(a)));
  if (typeof item.subject === 'string') masked.subject = MASKED_SUBJECT;
  // A relay error quotes the refused recipient ("550 <x@y> unknown").
  if (item.relay?.error !== undefined) masked.relay = { ...item.relay, error: redactText(item.relay.error) };
  return masked;
}

export interface OutboxViewDeps {
  store: Pick<CaseStore, 'audit'>;
  clock: Clock;
  jurisdiction: JurisdictionConfig;
}

/** One page of the outbox for the actor; an unmasked page is audited once per case it shows (`read_outbox`). */
export async function outboxPageFor<T extends OutboxItem>(deps: OutboxViewDeps, actor: Actor, page: OutboxPage<T>): Promise<OutboxPage<T>> {
  const official = officialAddresses(deps.jurisdiction);
  const items = page.items.map((i) => outboxItemFor(actor, i, official));
  if (SEES_OUTBOX_CONTENT.includes(actor.role)) {
    const at = deps.clock.now().toISOString();
    const cases = [...new Set(page.items.map((i) => i.caseId).filter((id): id is string => typeof id === 'string' && id.length > 0))];
    for (const caseId of cases) await deps.store.audit({ caseId, at, actor, what: 'read_outbox' });
  }
  return { items, ...(page.cursor !== undefined ? { cursor: page.cursor } : {}) };
}

export const WITHHELD_BODY = '（正文已隐去：系统管理员只查看投递情况，不查看通知内容。）';

/** One outbox mail opened: the index entry and the text of the mail. */
export interface OutboxMail<T extends OutboxItem = OutboxItem> {
  entry: T;
  text: string;
}

/**
 * One mail opened from the outbox. The agency reads it whole; the administrator sees the entry masked and no body.
 * Either way the opening is written to the case's audit trail (`read_outbox_item`), as a case read is (art. 21).
 */
export async function outboxMailFor<T extends OutboxItem>(deps: OutboxViewDeps, actor: Actor, mail: OutboxMail<T>): Promise<OutboxMail<T> & { masked: boolean }> {
  const whole = SEES_OUTBOX_CONTENT.includes(actor.role);
  if (mail.entry.caseId) {
    await deps.store.audit({ caseId: mail.entry.caseId, at: deps.clock.now().toISOString(), actor, what: 'read_outbox_item', detail: { masked: !whole } });
  }
  if (whole) return { ...mail, masked: false };
  return { entry: outboxItemFor(actor, mail.entry, officialAddresses(deps.jurisdiction)), text: WITHHELD_BODY, masked: true };
}

// ---------------------------------------------------------------------------------------------- quarantine

/** The fields of a quarantine entry that can name a person: the sender's address and the subject. */
export interface QuarantineItem {
  id: string;
  fromAddress?: string;
  subject?: string;
}

/** Roles that see quarantined mail unmasked: the agency, which decides whether a kept mail is a complaint after all. */
const SEES_QUARANTINE_CONTENT: readonly Actor['role'][] = ['agency'];

/** The audit trail a quarantined mail is recorded under (it is no case): `quarantine/<entry id>`. */
export const quarantineAuditId = (id: string): string => `quarantine/${id}`;

export function quarantineItemFor<T extends QuarantineItem>(actor: Actor, item: T): T {
  if (SEES_QUARANTINE_CONTENT.includes(actor.role)) return item;
  const masked: T = { ...item };
  if (typeof item.fromAddress === 'string') masked.fromAddress = maskAddress(item.fromAddress);
  if (typeof item.subject === 'string') masked.subject = MASKED_SUBJECT;
  return masked;
}

/** One quarantined mail opened: whole for the agency, masked otherwise; audited under `quarantine/<id>` either way. */
export async function quarantineEntryFor<T extends QuarantineItem>(deps: Pick<OutboxViewDeps, 'store' | 'clock'>, actor: Actor, item: T): Promise<T & { masked: boolean }> {
  const whole = SEES_QUARANTINE_CONTENT.includes(actor.role);
  await deps.store.audit({ caseId: quarantineAuditId(item.id), at: deps.clock.now().toISOString(), actor, what: 'read_quarantine_item', detail: { masked: !whole } });
  return { ...quarantineItemFor(actor, item), masked: !whole };
}
