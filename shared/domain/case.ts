import { RoutingDecision } from './routing/schema';
import * as z from 'zod';
import { CanonicalIntake, Channel, Code, Complainant, EvidenceRef } from './intake';
import { SecrecyMark } from './secrecy';

const isoInstant = z.iso.datetime({ offset: true });

/**
 * Phases of one case (SPEC.md, "Life cycle of one case"). A phase names what the case is waiting for.
 * `archived` and `merged` are final.
 */
export const PHASES = [
  'received', // stored, execution not started yet
  'screening', // automatic pre-checks (art. 4, art. 8)
  'dispatch', // the agency must dispatch with an assignment slip (art. 10, 2 working days)
  'acceptance', // the department decides acceptance (art. 10, 2 working days)
  'classification', // accepted; the department or agency classifies (art. 14)
  'handling', // transfer (3 working days, art. 14(2)) or intervention (agency-set deadline, art. 14(3))
  'rectification', // substantiated or partial: rectification filed within 2 working days (art. 15)
  'reply', // the handling unit replies or records why not (art. 16)
  'follow_up', // the agency calls back within 3 working days of conclusion (art. 17)
  'archived', // final (art. 18)
  'merged', // final: joined another open case (art. 11)
] as const;
export const Phase = z.enum(PHASES);
export type Phase = z.infer<typeof Phase>;

export const PHASE_LABELS: Record<Phase, string> = {
  received: '已接收',
  screening: '初审',
  dispatch: '待交办',
  acceptance: '待受理',
  classification: '待分类办理',
  handling: '办理中',
  rectification: '待整改报备',
  reply: '待答复',
  follow_up: '待回访',
  archived: '已归档',
  merged: '已合并',
};

export const FINAL_PHASES: readonly Phase[] = ['archived', 'merged'];

export const Classification = z.enum(['general', 'transfer', 'intervention']);
export type Classification = z.infer<typeof Classification>;

export const Finding = z.enum(['substantiated', 'partial', 'unfounded']);
export type Finding = z.infer<typeof Finding>;

/** How the complainant was answered (art. 16 "电话、电子邮件或者当面告知等方式"); letter: the result posted (contact task). */
export const ReplyMethod = z.enum(['phone', 'email', 'in_person', 'letter', 'none']);
export type ReplyMethod = z.infer<typeof ReplyMethod>;

export const Satisfaction = z.enum(['satisfied', 'basically_satisfied', 'dissatisfied']);
export type Satisfaction = z.infer<typeof Satisfaction>;

export const NotAcceptedReason = z.enum(['art8-1', 'art8-2', 'art8-3', 'art8-4', 'art8-5', 'art8-6']);
export type NotAcceptedReason = z.infer<typeof NotAcceptedReason>;

export const TerminationReason = z.enum(['art19-1', 'art19-2', 'art19-3', 'art19-4']);
export type TerminationReason = z.infer<typeof TerminationReason>;

export const Role = z.enum(['agency', 'department', 'leader', 'admin', 'system', 'complainant']);
export type Role = z.infer<typeof Role>;

/** Who did something. `id` is a user name or a system component; never personal data of a complainant. */
export const Actor = z.object({
  role: Role,
  id: z.string().max(128),
  department: Code.optional(),
  /**
   * The staff member's own name, from the sign-in (a Cognito `name` attribute, a local account's name): compared
   * with the respondent person a case names (art. 21). Not written into timelines (transitions record role and id).
   */
  name: z.string().max(64).optional(),
});
export type Actor = z.infer<typeof Actor>;

export const SYSTEM_ACTOR: Actor = { role: 'system', id: 'tousu' };

/** Clocks of SPEC.md's deadline table, plus the intervention deadline the agency sets and the reply step. */
export const ClockName = z.enum(['dispatch', 'acceptance', 'result', 'rectification', 'reply', 'follow_up']);
export type ClockName = z.infer<typeof ClockName>;

export const Deadline = z.object({
  clock: ClockName,
  /** The event that started the clock (the counting excludes its day). */
  startedAt: isoInstant,
  workingDays: z.number().int().nonnegative().optional(),
  /** 23:59:59+08:00 of the last working day. */
  dueAt: isoInstant,
  /** Original due time before an extension. */
  originalDueAt: isoInstant.optional(),
  extended: z.boolean().optional(),
  remindedAt: isoInstant.optional(),
  /** Set once when the deadline passed unmet; never erased (art. 20 counts it). */
  overdueAt: isoInstant.optional(),
  metAt: isoInstant.optional(),
  /**
   * 暂定: the count ran through a year whose State Council notice was not loaded (statutory holidays only); removed
   * when the notice is imported and the deadline recomputed (shared/services/calendar-recompute.ts).
   */
  provisional: z.object({ years: z.array(z.number().int()), reason: z.string() }).optional(),
});
export type Deadline = z.infer<typeof Deadline>;

export const Assignment = z.object({
  department: Code,
  role: z.enum(['owner', 'lead', 'co_handler']),
  assignedAt: isoInstant,
  /** 交办单 number, when the agency dispatched with a slip. */
  slipNo: z.string().optional(),
  /** Users who declared a conflict of interest (art. 21) and lost access. */
  recused: z.array(z.string()).optional(),
  /** A specific handler, when one is named. */
  handler: z.string().optional(),
  /** 交办意见: what the agency asked of the unit when it dispatched or designated it (printed on the slip). */
  note: z.string().optional(),
});
export type Assignment = z.infer<typeof Assignment>;

/** How the complainant is told (arts. 10, 14(2), 19): the channels the complainant can be reached on. */
export const ContactChannel = z.enum(['email', 'phone', 'letter']);
export type ContactChannel = z.infer<typeof ContactChannel>;

/** What staff record for a call or a letter: 已接通, 无人接听, 改日再拨 (by a date), 已寄出. */
export const ContactOutcome = z.enum(['reached', 'no_answer', 'retry_later', 'posted']);
export type ContactOutcome = z.infer<typeof ContactOutcome>;

export const ContactAttempt = z.object({
  at: isoInstant,
  by: Actor,
  outcome: ContactOutcome,
  /** 改日再拨: the Shanghai date by which the next call is due. */
  retryBy: z.string().optional(),
  note: z.string().optional(),
});
export type ContactAttempt = z.infer<typeof ContactAttempt>;

/**
 * One notice to the complainant on one channel, as issued: a mail (sent by the system), a call (a script; staff
 * record the outcome) or a letter for post (printed; staff record the posting). The timeline states what was done
 * with it, never what was meant to be done.
 */
export const ContactTask = z.object({
  /** `C1`, `C2`, … in the order of issue. */
  id: z.string(),
  /** The notice kind (acceptance, not_accepted, extension, termination, …). */
  kind: z.string(),
  channel: ContactChannel,
  createdAt: isoInstant,
  subject: z.string(),
  /** The text as issued: the mail text, the call script or the letter. */
  text: z.string(),
  /** pending: not done yet (a mail not sent yet, a call not reached, a letter not posted); done; failed (a mail not sent after retries). */
  status: z.enum(['pending', 'done', 'failed']),
  attempts: z.array(ContactAttempt),
  doneAt: isoInstant.optional(),
  messageId: z.string().optional(),
  error: z.string().optional(),
});
export type ContactTask = z.infer<typeof ContactTask>;

/** How staff reached the complainant for a 补正 reminder (art. 19(1)). */
export const CorrectionChannel = z.enum(['phone', 'email', 'letter', 'in_person', 'sms']);
export type CorrectionChannel = z.infer<typeof CorrectionChannel>;

/**
 * 补正提醒 (art. 19(1) “经提醒仍旧未补正”): staff told the complainant what to correct or supply, on which channel and
 * when, and by which day. Termination on art. 19(1) needs one whose period has passed.
 */
export const CorrectionRequest = z.object({
  /** `B1`, `B2`, … in the order recorded. */
  id: z.string(),
  /** What the complainant was asked to correct or supply. */
  content: z.string(),
  channel: CorrectionChannel,
  /** Shanghai date the reminder was given. */
  sentOn: z.string(),
  /** Last Shanghai day the reminder gave for the correction. */
  correctBy: z.string(),
  at: isoInstant,
  by: Actor,
});
export type CorrectionRequest = z.infer<typeof CorrectionRequest>;

/**
 * Art. 14(3) coordination of a complex complaint: the task force (专班), each coordination meeting (协调会) and each
 * inquiry step (询问、调取视频、查阅档案、现场核查), as recorded by the agency or the lead unit. The conclusion cites them.
 */
export const Coordination = z.object({
  taskForce: z.object({ members: z.array(z.object({ name: z.string(), unit: z.string() })), at: isoInstant, by: Actor }).optional(),
  meetings: z.array(z.object({ id: z.string(), date: z.string(), attendees: z.array(z.string()), minutes: z.string(), decisions: z.string(), at: isoInstant, by: Actor })),
  inquiries: z.array(
    z.object({
      id: z.string(),
      method: z.enum(['questioning', 'video', 'files', 'site']),
      date: z.string(),
      what: z.string(),
      conductedBy: z.string(),
      materials: z.array(z.string()),
      at: isoInstant,
      by: Actor,
    }),
  ),
});
export type Coordination = z.infer<typeof Coordination>;

export const TimelineEvent = z.object({
  caseId: z.string(),
  /** Monotonic per case, starting at 1. */
  seq: z.number().int().positive(),
  at: isoInstant,
  /** Machine type, e.g. `received`, `dispatched`, `reminder_sent`, `overdue_marked`, `concluded`. */
  type: z.string().min(1).max(64),
  actor: Actor,
  phase: Phase,
  /** Plain Chinese sentence for the timeline view. Must not contain a confidential complainant's identity. */
  summary: z.string().max(2000),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type TimelineEvent = z.infer<typeof TimelineEvent>;

/** A timeline event before the store assigns its sequence number. */
export type NewEvent = Omit<TimelineEvent, 'caseId' | 'seq'>;

/** The step a case waits on: written by the workflow's "await action" task, read by the action service. */
export const Waiting = z.object({
  step: Phase,
  taskToken: z.string(),
  allowedActions: z.array(z.string()),
  dueAt: isoInstant.optional(),
  /** The due time is provisional (暂定): see Deadline.provisional. */
  dueProvisional: z.boolean().optional(),
  remindAt: isoInstant.optional(),
  since: isoInstant,
});
export type Waiting = z.infer<typeof Waiting>;

export const SourceRecord = z.object({
  channel: Channel,
  sourceKey: z.string(),
  receivedAt: isoInstant,
  /** Case this source was first filed as, when it was merged in from another case. */
  fromCaseId: z.string().optional(),
});
export type SourceRecord = z.infer<typeof SourceRecord>;

export const Outcome = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('concluded'), finding: Finding, summary: z.string(), at: isoInstant }),
  z.object({
    kind: z.literal('not_accepted'),
    reason: NotAcceptedReason,
    referral: z.string().optional(),
    transferredTo12345: z.boolean().optional(),
    /** The staff explanation given to the complainant (art. 9(1) “做好解释工作”). */
    explanation: z.string().optional(),
    at: isoInstant,
  }),
  z.object({
    kind: z.literal('terminated'),
    reason: TerminationReason,
    note: z.string().optional(),
    /** What the art. 19 ground rested on, as checked at the termination (shared/domain/lifecycle/termination.ts). */
    basis: z.string().optional(),
    at: isoInstant,
  }),
  z.object({ kind: z.literal('merged'), into: z.string(), at: isoInstant }),
  /** 移交 (art. 9(1), issue 15): handed over to another jurisdiction's deployment, which filed it as `trackingNo`. */
  z.object({ kind: z.literal('transferred'), to: z.object({ code: z.string(), name: z.string() }), trackingNo: z.string(), handoverId: z.string(), at: isoInstant }),
]);
export type Outcome = z.infer<typeof Outcome>;

export const DuplicateSuspect = z.object({
  caseId: z.string(),
  trackingNo: z.string(),
  direction: z.enum(['of', 'by']),
  score: z.number(),
  reasons: z.array(z.string()),
  at: isoInstant,
});
export type DuplicateSuspect = z.infer<typeof DuplicateSuspect>;

/**
 * A "可能重复" pair staff decided is not a duplicate ("不是重复", issue 22): the finding as it was, who dismissed it
 * and when. Kept on both cases so the pair is never flagged again and the dismissal can be undone (`restoredAt`).
 */
export const DismissedDuplicate = DuplicateSuspect.extend({
  dismissedAt: isoInstant,
  dismissedBy: Actor,
  note: z.string().max(500).optional(),
  restoredAt: isoInstant.optional(),
  restoredBy: Actor.optional(),
});
export type DismissedDuplicate = z.infer<typeof DismissedDuplicate>;

/** One case merged into this one (art. 11): what it brought (channels, contacts, evidence) and what unmerge restores. */
export const MergedCase = z.object({
  caseId: z.string(),
  trackingNo: z.string(),
  at: isoInstant,
  by: Actor,
  /** Phase and outcome the merged case had before the merge; unmerge restores them. */
  previousPhase: Phase,
  previousOutcome: Outcome.optional(),
  /** Sources added to this case by the merge (removed again by unmerge). */
  sources: z.array(SourceRecord),
  /** Contacts of every complainant the merged case carried. */
  complainants: z.array(Complainant),
  evidence: z.array(EvidenceRef),
  unmergedAt: isoInstant.optional(),
  unmergedBy: Actor.optional(),
});
export type MergedCase = z.infer<typeof MergedCase>;

export const NameClearing = z.object({
  /** 提请: why it is needed and within which scope (一定范围), as the unit stated it. */
  request: z.string(),
  requestedAt: isoInstant,
  requestedBy: Actor,
  /** 澄清情况: what the agency did (where, how, to whom), once recorded. */
  summary: z.string().optional(),
  clearedAt: isoInstant.optional(),
  clearedBy: Actor.optional(),
});
export type NameClearing = z.infer<typeof NameClearing>;

/**
 * A document as issued to officials (a 交办单, a notice to the agency, a reminder): the exact text and HTML at the
 * time of issue, kept with the timeline event of the step that issued it (art. 18: the archive holds what was sent,
 * never a later re-rendering). Notices to the complainant are kept as contact tasks (ContactTask.text).
 */
export const IssuedDocument = z.object({
  kind: z.string(),
  audience: z.enum(['agency', 'department', 'leader']),
  subject: z.string(),
  /** Official mail addresses it went to (none: printed from the console only). */
  to: z.array(z.string()),
  /** Department code of a 交办单 or a notice to a unit. */
  department: z.string().optional(),
  text: z.string(),
  /** The printable page as issued (the 交办单 page attached to the mail). */
  html: z.string().optional(),
  /** Hex sha256 of `html` (or of `text` without HTML), UTF-8. */
  sha256: z.string(),
});
export type IssuedDocument = z.infer<typeof IssuedDocument>;

export const CaseRecord = z.object({
  caseId: z.string(),
  jurisdiction: Code,
  /** 受理编号: readable, per jurisdiction and day. Equal to caseId. */
  trackingNo: z.string(),
  /** sha256 of the query code given to the complainant; the code itself is never stored. */
  queryCodeHash: z.string(),
  rulesVersion: z.string(),
  receivedAt: isoInstant,
  createdAt: isoInstant,
  updatedAt: isoInstant,
  /** Optimistic-lock counter, incremented by every update. */
  version: z.number().int().nonnegative(),
  phase: Phase,
  intake: CanonicalIntake,
  /** Every delivery that makes up this case (art. 11: the merged case keeps every channel and source). */
  sources: z.array(SourceRecord),
  /** Owning department (art. 3); unset until dispatch or recognition. */
  department: Code.optional(),
  assignments: z.array(Assignment),
  classification: Classification.optional(),
  /**
   * Art. 17: why the complainant was let down, a code of the jurisdiction's cause categories, tagged at
   * classification: chosen by the staff member (`staff`) or proposed from the text (`proposed`).
   */
  cause: z.object({ code: z.string().max(32), by: z.enum(['staff', 'proposed']), at: z.iso.datetime({ offset: true }) }).optional(),
  deadlines: z.array(Deadline),
  flags: z.object({
    stabilityRisk: z.boolean().optional(),
    confidential: z.boolean(),
    anonymous: z.boolean(),
    major: z.boolean().optional(),
    /** Set when any deadline of the case went overdue; never cleared (art. 20). */
    overdue: z.boolean().optional(),
    possibleDuplicateOf: z.array(z.string()).optional(),
  }),
  screening: z
    .object({
      at: isoInstant,
      complete: z.boolean(),
      missing: z.array(z.string()),
      proposedReasons: z.array(z.object({ reason: NotAcceptedReason, explanation: z.string(), relatedCaseId: z.string().optional() })),
    })
    .optional(),
  waiting: Waiting.optional(),
  conclusion: z
    .object({
      finding: Finding,
      summary: z.string(),
      at: isoInstant,
      by: Actor,
      /** 调查过程中发现投诉以外其他问题 (art. 15): rectified together with the complaint, reported with the rectification. */
      otherProblems: z.string().optional(),
      /** The coordination records the result rests on (art. 14(3)): 专班, meeting ids H1…, inquiry ids D1…. */
      cites: z.array(z.string()).optional(),
    })
    .optional(),
  rectification: z
    .object({
      summary: z.string(),
      at: isoInstant,
      by: Actor,
      /** How the other problems found during the inquiry were rectified (art. 15 “一并整改”). */
      otherProblems: z.string().optional(),
    })
    .optional(),
  /**
   * 澄清事实、消除影响 (art. 15): for an unfounded complaint, the handling unit may ask the agency to help the
   * respondent clear its name within a stated scope; the agency records what it did.
   */
  nameClearing: NameClearing.optional(),
  reply: z.object({ method: ReplyMethod, summary: z.string().optional(), reasonNone: z.string().optional(), at: isoInstant, by: Actor }).optional(),
  followUp: z.object({ satisfaction: Satisfaction, note: z.string().optional(), at: isoInstant, by: Actor }).optional(),
  outcome: Outcome.optional(),
  /** Notices to the complainant, one per channel, with what was done with each (ContactTask). */
  contacts: z.array(ContactTask).optional(),
  /** 补正提醒 given to the complainant (art. 19(1)). */
  correctionRequests: z.array(CorrectionRequest).optional(),
  /** Art. 14(3): task force, coordination meetings and inquiry steps. */
  coordination: Coordination.optional(),
  /** Escalations by staff to the agency or the leader (art. 9(2), art. 14(3)); the leader may read escalated cases. */
  escalations: z.array(z.object({ to: z.enum(['agency', 'leader']), reason: z.string(), at: isoInstant, by: Actor })).optional(),
  /** What routing made of the intake (issue 15): the unit, another jurisdiction or not a government matter, and why. */
  routing: RoutingDecision.optional(),
  /** Received by hand-over from another jurisdiction's deployment (issue 15): where from, and the original time. */
  handover: z.object({ id: z.string(), from: z.object({ code: z.string(), name: z.string() }), fromCaseId: z.string(), originalReceivedAt: isoInstant, reason: z.string().optional() }).optional(),
  /**
   * "可能重复" (art. 11, issue 22): the pairs the matcher placed in the flag band, with its reasons, on both cases:
   * `of` on the later case (it may repeat `caseId`), `by` on the earlier one (`caseId` may repeat it). An entry
   * leaves both cases when staff merge the pair; the timeline keeps the finding.
   */
  duplicateSuspects: z.array(DuplicateSuspect).optional(),
  /** Pairs staff dismissed as not duplicates ("不是重复"); an undone dismissal stays, with `restoredAt`. */
  dismissedDuplicates: z.array(DismissedDuplicate).optional(),
  mergedInto: z.string().optional(),
  mergedFrom: z.array(z.string()).optional(),
  /** Merge history (art. 11), kept after an unmerge: nothing is deleted. */
  merges: z.array(MergedCase).optional(),
  archive: z.object({ at: isoInstant, ref: z.string().optional(), sha256: z.string().optional() }).optional(),
  /** Content marked as a state secret, trade secret or private after intake (art. 13; shared/domain/secrecy.ts). */
  secrecyMarks: z.array(SecrecyMark).optional(),
  /** Agency staff (user names) who declared a conflict of interest and lost access (art. 21). */
  agencyRecused: z.array(z.string()).optional(),
  /** Number of timeline events written so far (the next event gets seq = timelineLength + 1). */
  timelineLength: z.number().int().nonnegative(),
});
export type CaseRecord = z.infer<typeof CaseRecord>;
