/**
 * The case life cycle as pure functions (SPEC.md "Life cycle of one case"; arts. 8 to 19).
 * The workflow engine calls screen / nextWakeUp / onWaitTimeout / archive; the action service calls applyAction.
 */
import type { Actor, CaseRecord, Deadline } from '../case';
import type { ActionName, LifecycleContext, Transition } from './context';

export * from './context';

const notBuilt = (what: string): never => {
  throw new Error(`${what}: not built yet`);
};

export function screen(_c: CaseRecord, _ctx: LifecycleContext): Transition {
  return notBuilt('screen');
}
export function allowedActions(_c: CaseRecord): ActionName[] {
  return notBuilt('allowedActions');
}
export function currentDeadline(_c: CaseRecord): Deadline | undefined {
  return notBuilt('currentDeadline');
}
export function nextWakeUp(_c: CaseRecord, _ctx: LifecycleContext): string | undefined {
  return notBuilt('nextWakeUp');
}
export function onWaitTimeout(_c: CaseRecord, _ctx: LifecycleContext): Transition {
  return notBuilt('onWaitTimeout');
}
export function archive(_c: CaseRecord, _ctx: LifecycleContext): Transition {
  return notBuilt('archive');
}
export function applyAction(_c: CaseRecord, _action: unknown, _actor: Actor, _ctx: LifecycleContext): Transition {
  return notBuilt('applyAction');
}
