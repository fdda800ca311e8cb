/**
 * The context and result types shared by the life-cycle domain (this folder) and the workflow engine
 * (functions/lifecycle, shared/services/lifecycle-tasks.ts, infra/local/engine.ts). See
 * /tmp/lifecycle-contract.md: both sides compile against these names.
 */
import type { WorkingCalendar } from '../calendar';
import type { CaseRecord } from '../case';
import type { JurisdictionConfig } from '../jurisdiction';
import type { RulesVersion } from '../rules';
import type { NewEvent } from '../case';

export interface LifecycleContext {
  now: Date;
  calendar: WorkingCalendar;
  /** The version the case is bound to (case.rulesVersion). */
  rules: RulesVersion;
  jurisdiction: JurisdictionConfig;
}

/** Staff action names (INTERFACES.md). */
export const ACTION_NAMES = [
  'dispatch',
  'accept',
  'reject',
  'classify',
  'designate-lead',
  'request-extension',
  'conclude',
  'file-rectification',
  'reply',
  'record-follow-up',
  'terminate',
  'merge',
  'unmerge',
  'recuse',
  'escalate',
  'record-contact',
  'mark-secret',
  'lift-secret-mark',
  'record-name-clearing',
  'request-correction',
  'record-coordination',
] as const;
export type ActionName = (typeof ACTION_NAMES)[number];

export const NOTICE_KINDS = [
  'acceptance', // 受理告知 (to the complainant)
  'not_accepted', // 不予受理告知, with the art. 8 reason and where to go (art. 9)
  'referral_12345', // transfer record to 12345 (art. 9(1))
  'assignment_slip', // 政务服务投诉交办单 (to the department's chief representative)
  'reminder', // a deadline is near (to the handling unit)
  'overdue_alert', // a deadline passed (to the agency)
  'stability_risk', // serious petition / stability risk (to the leader, art. 9(2))
  'extension', // extension granted (to the complainant and the agency)
  'result_feedback', // 办理结果反馈 at the conclusion (art. 14(2)): to the complainant (each channel) and to the agency
  'reply_record', // reply record (to the agency; to the complainant when replied by email)
  'follow_up_survey', // follow-up satisfaction survey (to the complainant)
  'termination', // termination notice (art. 19)
  'escalation', // a case escalated by staff (to the agency / the leader)
  'intervention', // intervention needed: the agency names a lead unit (art. 14(3))
  'rectification_filed', // rectification filed with the agency (art. 15)
  'recusal', // a handler recused; the department names another (art. 21)
  'name_clearing', // the handling unit asks the agency to help clear the respondent's name (art. 15)
  'merged', // 合并办理告知: a case merged by staff into another (art. 11), to its complainant
  'unmerged', // 撤销合并告知: the merge was undone (art. 11), to the complainant
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** Who a notice is for. Anything not addressed to 'complainant' reaches officials and is redacted when confidential (art. 13). */
export type NoticeAudience = 'complainant' | 'agency' | 'department' | 'leader';

/** A mail to send after the case write succeeded. */
export interface Notice {
  kind: NoticeKind;
  to: string[];
  subject: string;
  text: string;
  html?: string;
  /** Extension: who the notice addresses (for redaction checks and the outbox index). */
  audience?: NoticeAudience;
  /** Extension: the case the notice belongs to. */
  caseId?: string;
  /** Extension: a file attached to the mail, e.g. the printable assignment slip. */
  attachments?: { filename: string; contentType: string; content: string }[];
  /** Extension: the department a notice to one unit (a 交办单) is for. */
  department?: string;
  /** The contact task (case.contacts) this mail carries out, for a notice to the complainant. */
  contactId?: string;
  /** What the notice says, for the other channels (call script, letter): greeting, paragraphs, fields. */
  content?: { greeting: string; paragraphs: string[]; fields: [string, string][] };
}

export interface Transition {
  /** The new case record (phase, deadlines, waiting cleared, …). */
  record: CaseRecord;
  /** Timeline events to append. */
  events: NewEvent[];
  /** Mails to send after the write succeeded. */
  notices: Notice[];
  /**
   * What the audit entry of the action records beyond its name and phases: staff reasons that are for the agency's
   * eyes only (a recusal's or a secrecy mark's reason), never written into the timeline or a log.
   */
  audit?: Record<string, unknown>;
}
