/**
 * Who may read and act on a case (art. 13 confidentiality, art. 21 no leaking and recusal).
 *
 * - agency: every case of the jurisdiction (one deployment serves one jurisdiction);
 * - department: its own cases and those it leads or co-handles, unless the user recused (art. 21);
 *   it sees every case through ONE rule (shared/domain/redaction.ts): confidential complainants redacted
 *   (art. 13), evidence under neutral names (art. 21);
 * - leader: cases with a stability-risk flag or escalated to the leader, read only (art. 9(2));
 * - admin: configuration, not case content;
 * - system: the pipeline itself.
 *
 * Art. 21 conflicts of interest: a staff member (agency or department) who recused loses access to the case; one
 * whose own name is the respondent person the case names (被投诉人) never has access as a handler. Content marked
 * as secret or private after intake (art. 13) is seen by the agency only (shared/domain/secrecy.ts).
 */
import type { Actor, Assignment, CaseRecord } from './case';
import { ForbiddenError, RuleViolationError, ValidationError } from './errors';
import type { ActionName } from './lifecycle/context';
import { redactForRespondent, seesRespondentView } from './redaction';
import { maySeeMarked, withholdMarked } from './secrecy';

/** Actions that decide or record the handling: only the owning or lead department (or the agency) may take them. */
const HANDLING_ACTIONS: readonly ActionName[] = [
  'accept',
  'reject',
  'classify',
  'request-extension',
  'conclude',
  'file-rectification',
  'reply',
  'terminate',
  'request-correction',
  'record-coordination',
];

/** Roles allowed per action; a department actor must also be an assigned, non-recused unit of the case. */
const ACTION_ROLES: Record<ActionName, readonly Actor['role'][]> = {
  dispatch: ['agency'],
  accept: ['department'],
  reject: ['agency', 'department'],
  classify: ['agency', 'department'],
  'designate-lead': ['agency'],
  'request-extension': ['department'],
  conclude: ['agency', 'department'],
  'file-rectification': ['department'],
  reply: ['department', 'agency'],
  'record-follow-up': ['agency'],
  terminate: ['agency', 'department'],
  merge: ['agency', 'department', 'system'],
  unmerge: ['agency'],
  recuse: ['department', 'agency'],
  'mark-secret': ['agency'],
  'lift-secret-mark': ['agency'],
  escalate: ['agency', 'department'],
  'record-contact': ['agency', 'department'],
  // Art. 15: the unit asks (with its conclusion), the agency helps the respondent clear its name and records it.
  'record-name-clearing': ['agency'],
  // Art. 19(1): whoever handles the case reminds the complainant to correct the material.
  'request-correction': ['agency', 'department'],
  // Art. 14(3): the agency coordinates; the lead unit (HANDLING_ACTIONS) records its own inquiry.
  'record-coordination': ['agency', 'department'],
};

function assignmentsOf(actor: Actor, c: CaseRecord): Assignment[] {
  if (!actor.department) return [];
  const own = c.assignments.filter((a) => a.department === actor.department);
  if (own.length === 0 && c.department === actor.department) {
    return [{ department: actor.department, role: 'owner', assignedAt: c.receivedAt }];
  }
  return own;
}

/**
 * True when the user declared a conflict of interest on this case: agency staff on the case, department staff for
 * any assignment of their department (art. 21).
 */
export function isRecused(actor: Actor, c: CaseRecord): boolean {
  if (actor.role === 'agency') return (c.agencyRecused ?? []).includes(actor.id);
  return assignmentsOf(actor, c).some((a) => (a.recused ?? []).includes(actor.id));
}

/** Titles and roles people write beside a name: 张三科长, 窗口工作人员李四, 王五（首席事务代表）. */
const TITLE_WORDS = /(同志|先生|女士|科长|副科长|股长|主任|副主任|局长|副局长|处长|副处长|所长|站长|队长|经理|组长|首席事务代表|首席代表|工作人员|窗口人员|窗口|经办人|办事员|干部|负责人|老师|师傅)/gu;

function normalizedName(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/[·•．.]/g, '·');
}

/** The names a respondent-person field holds: split at separators, parenthetical notes and titles removed. */
export function respondentPersonNames(person: string | undefined): string[] {
  if (!person) return [];
  // A space may separate two names (张三 李四) or sit inside one (李 娜): both readings count.
  const parts = person
    .normalize('NFKC')
    .replace(/[（(][^）)]*[）)]/g, ',')
    .split(/[、,;/]+/u)
    .flatMap((x) => (/\s/.test(x.trim()) ? [x, ...x.trim().split(/\s+/u)] : [x]));
  return [...new Set(parts.map((x) => normalizedName(x).replace(TITLE_WORDS, '')).filter((x) => x.length >= 2))];
}

/** True when the staff member's own name is a respondent person the case names (art. 21: they may not handle it). */
export function isNamedRespondent(actor: Actor, c: CaseRecord): boolean {
  const name = actor.name ? normalizedName(actor.name) : '';
  if (name.length < 2 || actor.role === 'system') return false;
  return respondentPersonNames(c.intake.respondent.person).includes(name);
}

function isEscalatedToLeader(c: CaseRecord): boolean {
  return c.flags.stabilityRisk === true || (c.escalations ?? []).some((e) => e.to === 'leader');
}

/**
 * Checks the colleague a recusing staff member hands the case over to (art. 21), as their account reads: an active
 * account of the same unit, not recused, and not the respondent person the case names. Throws the error to answer.
 */
export function assertHandOver(actor: Actor, c: CaseRecord, username: string, account: { role: string; department?: string; name?: string } | undefined): void {
  const field = 'handOverTo';
  if (!account) throw new ValidationError([{ field, message: `没有用户名为“${username}”的在用工作人员账户`, code: 'unknown_user' }]);
  const sameUnit = actor.role === 'agency' ? account.role === 'agency' : account.role === 'department' && account.department === actor.department;
  if (!sameUnit) throw new ValidationError([{ field, message: '接办人应为本单位的工作人员', code: 'not_same_unit' }]);
  const colleague: Actor = { role: account.role as Actor['role'], id: username, ...(account.department ? { department: account.department } : {}), ...(account.name ? { name: account.name } : {}) };
  if (isRecused(colleague, c)) throw new ValidationError([{ field, message: `“${username}”已回避本投诉件，不能接办`, code: 'recused' }]);
  if (isNamedRespondent(colleague, c)) {
    throw new RuleViolationError('respondent_person_conflict', `接办人“${username}”是本投诉件的被投诉人，按照第二十一条不能承办本件，请另选接办人。`);
  }
}

/**
 * Why the actor may not read the case, as the error to answer with (Chinese message, precise code), or undefined
 * when they may. The conflict reasons (art. 21) come first: they hold whatever the role.
 */
export function readDenial(actor: Actor, c: CaseRecord): ForbiddenError | undefined {
  if (isNamedRespondent(actor, c)) {
    return new ForbiddenError('您是本投诉件的被投诉人，按照第二十一条，与投诉人有利害关系的工作人员应当回避：您不能查看、承办或办理本件，请由本单位其他工作人员办理。', 'respondent_person_conflict');
  }
  if (isRecused(actor, c)) return new ForbiddenError('您已申请回避本投诉件（第二十一条），不能再查看或办理本件。', 'recused');
  return canRead(actor, c) ? undefined : new ForbiddenError();
}

export function canRead(actor: Actor, c: CaseRecord): boolean {
  if (isNamedRespondent(actor, c)) return false;
  switch (actor.role) {
    case 'agency':
      return !isRecused(actor, c);
    case 'system':
      return true;
    case 'department':
      return assignmentsOf(actor, c).length > 0 && !isRecused(actor, c);
    case 'leader':
      return isEscalatedToLeader(c);
    default:
      return false;
  }
}

export function canAct(actor: Actor, c: CaseRecord, action: ActionName): boolean {
  if (!ACTION_ROLES[action].includes(actor.role)) return false;
  if (!canRead(actor, c)) return false;
  if (actor.role !== 'department') return true;
  // A department rejects only what it received itself; at dispatch the decision is the agency's.
  if (action === 'reject' && c.phase === 'dispatch') return false;
  if (HANDLING_ACTIONS.includes(action)) {
    return assignmentsOf(actor, c).some((a) => a.role === 'owner' || a.role === 'lead');
  }
  return true;
}

export { identityStrings, isConfidentialCase, mustRedactFor, redactForRespondent, scrubIdentity, timelineFor } from './redaction';

/**
 * What a given actor sees of a case: departments see the respondent's view (redaction.ts); everyone but the agency
 * sees marked content withheld (secrecy.ts).
 */
export function viewFor(actor: Actor, c: CaseRecord): CaseRecord {
  const view = seesRespondentView(actor) ? redactForRespondent(c) : maySeeMarked(actor) ? c : withholdMarked(c);
  return withoutTaskToken(view);
}

/**
 * The workflow's task token is the engine's key to resume the case: no reader needs it (actions go through the
 * action service, which reads the stored record), so no view carries it.
 */
function withoutTaskToken(c: CaseRecord): CaseRecord {
  if (!c.waiting?.taskToken) return c;
  return { ...c, waiting: { ...c.waiting, taskToken: '' } };
}

export const ROLE_LABELS: Record<Actor['role'], string> = {
  agency: '政务服务管理机构',
  department: '审批部门（办理单位）',
  leader: '主管领导',
  admin: '系统管理员',
  system: '系统',
  complainant: '投诉人',
};
