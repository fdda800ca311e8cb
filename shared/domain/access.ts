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
 */
import type { Actor, Assignment, CaseRecord } from './case';
import type { ActionName } from './lifecycle/context';
import { redactForRespondent, seesRespondentView } from './redaction';

/** Actions that decide or record the handling: only the owning or lead department (or the agency) may take them. */
const HANDLING_ACTIONS: readonly ActionName[] = ['accept', 'reject', 'classify', 'request-extension', 'conclude', 'file-rectification', 'reply', 'terminate'];

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
  recuse: ['department'],
  escalate: ['agency', 'department'],
  'record-contact': ['agency', 'department'],
  // Art. 15: the unit asks (with its conclusion), the agency helps the respondent clear its name and records it.
  'record-name-clearing': ['agency'],
};

function assignmentsOf(actor: Actor, c: CaseRecord): Assignment[] {
  if (!actor.department) return [];
  const own = c.assignments.filter((a) => a.department === actor.department);
  if (own.length === 0 && c.department === actor.department) {
    return [{ department: actor.department, role: 'owner', assignedAt: c.receivedAt }];
  }
  return own;
}

/** True when the user declared a conflict of interest on this case for any assignment of their department. */
export function isRecused(actor: Actor, c: CaseRecord): boolean {
  return assignmentsOf(actor, c).some((a) => (a.recused ?? []).includes(actor.id));
}

function isEscalatedToLeader(c: CaseRecord): boolean {
  return c.flags.stabilityRisk === true || (c.escalations ?? []).some((e) => e.to === 'leader');
}

export function canRead(actor: Actor, c: CaseRecord): boolean {
  switch (actor.role) {
    case 'agency':
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

/** What a given actor sees of a case: departments see the respondent's view (redaction.ts). */
export function viewFor(actor: Actor, c: CaseRecord): CaseRecord {
  return seesRespondentView(actor) ? redactForRespondent(c) : c;
}

export const ROLE_LABELS: Record<Actor['role'], string> = {
  agency: '政务服务管理机构',
  department: '审批部门（办理单位）',
  leader: '主管领导',
  admin: '系统管理员',
  system: '系统',
  complainant: '投诉人',
};
