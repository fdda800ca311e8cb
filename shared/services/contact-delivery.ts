/**
 * Records on the case what happened to the mails to the complainant (contact tasks of channel email): sent, with
 * the mail's message id, or not sent after every retry. Written after the send, so the timeline says a mail was
 * sent only when it was (the transition that queued it said nothing of the kind).
 */
import type { CaseRecord, ContactTask } from '../domain/case';
import { SYSTEM_ACTOR } from '../domain/case';
import { CONTACT_NOTICE_LABELS } from '../domain/notices/contacts';
import type { NoticeKind } from '../domain/lifecycle';
import { replyByContact } from '../domain/lifecycle';
import type { CaseStore, NewEvent } from '../ports';
import { mutateCase } from './case-mutation';
import type { SendNoticesResult } from './notify';

/**
 * A sent result mail (办理结果告知) completes the reply (arts. 14(2), 16), which may move the case on (the next open
 * part, or the archive): the caller signals the workflow with the phase of the record returned.
 */
export async function recordMailDeliveries(store: CaseStore, caseId: string, at: string, result: SendNoticesResult): Promise<CaseRecord | undefined> {
  const outcomes = new Map<string, { messageId?: string; error?: string }>();
  for (const s of result.sent) if (s.contactId) outcomes.set(s.contactId, { messageId: s.messageId });
  for (const f of result.failed) if (f.notice.contactId) outcomes.set(f.notice.contactId, { error: f.error.slice(0, 300) });
  if (outcomes.size === 0) return undefined;
  return mutateCase(store, caseId, (c: CaseRecord) => {
    const events: NewEvent[] = [];
    const contacts = (c.contacts ?? []).map((task): ContactTask => {
      const o = outcomes.get(task.id);
      // A retry of the same write finds the task already recorded.
      if (!o || task.status !== 'pending' || task.channel !== 'email') return task;
      const what = CONTACT_NOTICE_LABELS[task.kind as NoticeKind] ?? task.subject;
      if (o.messageId) {
        events.push({
          at,
          type: 'notice_sent',
          actor: SYSTEM_ACTOR,
          phase: c.phase,
          summary: `${what}：已向投诉人发送电子邮件（${task.id}）。`,
          data: { contactId: task.id, kind: task.kind, channel: 'email' },
        });
        return { ...task, status: 'done', doneAt: at, messageId: o.messageId };
      }
      events.push({
        at,
        type: 'notice_send_failed',
        actor: SYSTEM_ACTOR,
        phase: c.phase,
        summary: `${what}：电子邮件发送失败（${task.id}），尚未告知投诉人，已记录待重发。`,
        data: { contactId: task.id, kind: task.kind, channel: 'email' },
      });
      return { ...task, status: 'failed', error: o.error };
    });
    if (events.length === 0) return null;
    const record: CaseRecord = { ...c, contacts, updatedAt: at };
    for (const task of contacts) if (task.channel === 'email' && outcomes.get(task.id)?.messageId) events.push(...replyByContact(record, task, new Date(at), SYSTEM_ACTOR));
    return { record, events };
  });
}
