/**
 * The case life cycle as pure functions (SPEC.md "Life cycle of one case"; arts. 8 to 21).
 * The workflow engine calls screen / allowedActions / nextWakeUp / onWaitTimeout / archive;
 * the action service calls applyAction.
 */
export * from './context';
export {
  ACTION_SCHEMAS,
  ACTION_LABELS,
  CORRECTION_CHANNEL_LABELS,
  INQUIRY_METHOD_LABELS,
  PHASE_ACTIONS,
  NO_REPLY_REASON_LABELS,
  TERMINATION_CIRCUMSTANCE_LABELS,
  allowedActions,
  actionNameOf,
  isActionName,
  parseAction,
} from './actions';
export type { ActionBody, ActionBodyOf, NoReplyReason } from './actions';
export {
  AFTER_CONCLUSION_CLOCKS,
  AFTER_CONCLUSION_PHASES,
  CLOCK_LABELS,
  PHASE_CLOCK,
  WAITING_PHASES,
  currentDeadline,
  nextReminder,
  nextWakeUp,
  overdueFrom,
  phaseAfterConclusion,
  reminderInstant,
  runningDeadlines,
} from './deadlines';
export { applyAction, applyMergeAction, archive, assertMayAct, onWaitTimeout, replyByContact, screen, stripUndefined } from './transitions';
export type { MergeTransition } from './transitions';
export { terminationBasis } from './termination';
